# Lab tests of raw host discovery (issue 15): ARP and neighbour discovery
# decide the hosts of the scanner's own segment, -PE/-PP/-PS/-PA choose the
# IP probes elsewhere (or everywhere with --disable-arp-ping), and --reason
# says what answered.  Sourced by run-all.sh.

# up_reason FILE IP: the reason of IP's "Host is up" line in normal output
up_reason() {
    awk -v ip="$2" '$0 ~ "report for "ip"$" {f=1; next} f && /Host is up/ {sub(/.*received /, ""); sub(/[ .(].*/, ""); print; exit}' "$1"
}

test_ping_arp_segment() {
    scan -n -sn --reason 198.18.0.10-12,99 >"$WORK/parp.txt"
    check "-sn on the segment: t1 up by arp-response" test "$(up_reason "$WORK/parp.txt" $LAB_T1)" = arp-response
    check "... t3 (all IP dropped) up by arp-response too" test "$(up_reason "$WORK/parp.txt" $LAB_T3)" = arp-response
    check "... and .99 (no such host) down" grep -q "3 hosts up" "$WORK/parp.txt"
    # A stale neighbour entry must not make a missing host up: scout asks anew.
    lab_in scan ip neigh replace $LAB_DOWN lladdr 02:00:00:00:00:99 nud permanent dev eth0
    scan -n -sn $LAB_DOWN >"$WORK/pstale.txt"
    lab_in scan ip neigh del $LAB_DOWN dev eth0
    check "a permanent neighbour entry for a missing host: still down" grep -q "0 hosts up" "$WORK/pstale.txt"
    scan -n -sn --reason $LAB_T1_6 >"$WORK/pnd.txt"
    check "IPv6 on the segment: up by nd-response" test "$(up_reason "$WORK/pnd.txt" $LAB_T1_6)" = nd-response
}

test_ping_ip_probes() {
    scan -n -sn --reason --disable-arp-ping -PE $LAB_T1 >"$WORK/pe.txt"
    check "--disable-arp-ping -PE: echo-reply" test "$(up_reason "$WORK/pe.txt" $LAB_T1)" = echo-reply
    scan -n -sn --reason --disable-arp-ping -PP $LAB_T2 >"$WORK/pp.txt"
    check "-PP: timestamp-reply" test "$(up_reason "$WORK/pp.txt" $LAB_T2)" = timestamp-reply
    scan -n -sn --reason --disable-arp-ping -PS21 $LAB_T6 >"$WORK/ps.txt"
    check "-PS21 to an open port: syn-ack" test "$(up_reason "$WORK/ps.txt" $LAB_T6)" = syn-ack
    scan -n -sn --reason --disable-arp-ping -PA80 $LAB_T2 >"$WORK/pa.txt"
    check "-PA80: reset" test "$(up_reason "$WORK/pa.txt" $LAB_T2)" = reset
    scan -n -sn --disable-arp-ping -PE $LAB_T3 >"$WORK/pe3.txt"
    check "-PE to a host that drops everything: down" grep -q "0 hosts up" "$WORK/pe3.txt"
    scan -n -sn --reason --disable-arp-ping -PU $LAB_T2 >"$WORK/pu.txt"
    check "-PU (port 40125, closed): port-unreach" test "$(up_reason "$WORK/pu.txt" $LAB_T2)" = port-unreach
    scan -n -sn --reason --disable-arp-ping -PU53 $LAB_U1 >"$WORK/pu53.txt"
    check "-PU53 to u1's dnsmasq (its DNS payload answered): udp-response" \
        test "$(up_reason "$WORK/pu53.txt" $LAB_U1)" = udp-response
    scan -n -sn --disable-arp-ping -PM $LAB_T2 >"$WORK/pm-linux.txt"
    check "-PM to Linux (which never answers mask requests): down" grep -q "0 hosts up" "$WORK/pm-linux.txt"
    lab_in t2 timeout 20 python3 "$LAB_SRC/maskreply.py" 1 >/dev/null 2>&1 &
    local responder=$!
    local i # its raw ICMP socket must be open before the request leaves
    for i in $(seq 100); do lab_in t2 grep -q ':0001 ' /proc/net/raw && break; sleep 0.02; done
    scan -n -sn --reason --disable-arp-ping -PM $LAB_T2 >"$WORK/pm.txt"
    kill $responder 2>/dev/null
    wait $responder 2>/dev/null
    check "-PM to a host that answers mask requests: addressmask-reply" \
        test "$(up_reason "$WORK/pm.txt" $LAB_T2)" = addressmask-reply
    scan -n -sn --disable-arp-ping -PU $LAB_T3 >"$WORK/pu3.txt"
    check "-PU to a host that drops everything: down" grep -q "0 hosts up" "$WORK/pu3.txt"
}

test_ping_bad_input() {
    bad_input -sn -PS70000 127.0.0.1
    bad_input -sn -PSabc 127.0.0.1
    bad_input -sn -PU0 127.0.0.1
    bad_input -sn -PO 127.0.0.1
    bad_input -Pn -PE 127.0.0.1
    bad_input -sn -PX 127.0.0.1
}

test_ping_iflist() {
    lab_in scan "$SCOUT" --iflist >"$WORK/iflist.txt"
    check "--iflist lists every address of the scanner's namespace (ip -j addr), with its interface" \
        python3 - "$WORK/iflist.txt" <<PY
import json, subprocess, sys
rows = {tuple(l.split()[:3]) for l in open(sys.argv[1]) if "/" in l and "(" in l and not l.startswith("DEV ")}
addrs = json.loads(subprocess.run(["ip", "netns", "exec", "$(lab_ns scan)", "ip", "-j", "addr"],
                                  capture_output=True, text=True).stdout)
want = {(a["ifname"], "(%s)" % a["ifname"], "%s/%d" % (i["local"], i["prefixlen"]))
        for a in addrs for i in a["addr_info"]}
sys.exit(0 if want == rows else print("missing", want - rows, "extra", rows - want) or 1)
PY
    check "... and the default-free routes, e.g. 198.19.0.0/16 via the farm's router" \
        grep -qE "^198\.19\.0\.0/16 +eth3 +[0-9]+ +198\.18\.3\.2$" "$WORK/iflist.txt"
    bad_input --iflist 10.0.0.1
}

test_ping_lan() {
    scan -n --lan -oJ "$WORK/lan.json" >"$WORK/lan.txt"
    check "--lan: its networks are the scanner's attached IPv4 networks (ip -j route, scope link)" \
        python3 - "$WORK/lan.txt" <<PY
import json, subprocess, sys
text = open(sys.argv[1]).read()
nets = text.split("NETWORKS")[1].split("DEVICES")[0].split("\n")[2:]
got = {tuple(l.split()[:2]) for l in nets if l.strip()}
routes = json.loads(subprocess.run(["ip", "netns", "exec", "$(lab_ns scan)", "ip", "-j", "-4", "route"],
                                   capture_output=True, text=True).stdout)
want = {(r["dst"], r["dev"]) for r in routes if r.get("scope") == "link"}
sys.exit(0 if got == want else print("got", got, "want", want) or 1)
PY
    local h ok=0 n=0 mac
    for h in t1 t2 t3 t4 t5 t6; do
        mac=$(lab_in "$h" cat /sys/class/net/eth0/address 2>/dev/null) || continue
        [ -n "$mac" ] || continue
        n=$((n + 1))
        if grep -qiE "^$(lab_ip "$h") +${mac} " "$WORK/lan.txt"; then
            ok=$((ok + 1))
        else
            echo "    $h ($(lab_ip "$h") $mac) missing: $(grep "^$(lab_ip "$h") " "$WORK/lan.txt")"
        fi
    done
    check "... every lab host on the segment listed with its MAC ($ok of $n)" test "$ok" = "$n" -a "$n" -gt 0
    check "... the interfaces table names eth0 with its MAC" \
        grep -qiE "^eth0 +up +$(lab_in scan cat /sys/class/net/eth0/address) " "$WORK/lan.txt"
    check "... and -oJ has the devices as host events with mac" grep -q '"mac":"' "$WORK/lan.json"
    bad_input --lan -e nosuchif0
    bad_input --lan 10.0.0.1
}
