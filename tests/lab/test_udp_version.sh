# Lab tests of -sV on UDP (-sU -sV, issue 14 item 5) against u1, the lab's
# UDP host (lab.sh, lab_setup_udp): Debian's dnsmasq (53), snmpd (161, and
# 162 bound but silent to -sU's empty datagram), chronyd (123), UDP 1900
# dropped.  The reference is nmap -sU -sV on the same ports, run once per lab.
#
# nmap's -sV also runs NSE's "version" scripts; on SNMP, snmp-info.nse
# appends "; <enterprise> SNMPv3 server" to the product the probes found
# ("SNMPv1 server; net-snmp SNMPv3 server").  scout runs the probes of
# nmap-service-probes only, so that suffix is taken off nmap's product
# before comparing (nmap --version-trace shows the probes' match:
# "SNMPv1 server", line 15075 of Debian's file).
# dnsmasq runs with --no-daemon there, which serves one TCP connection at a
# time: a TCP probe of 53 held open stalls its UDP answers too, so these
# tests keep TCP 53 out of their -sV runs.
# Sourced by run-all.sh: $SCOUT, $WORK, lab_*, scan (test_connect.sh),
# xml_valid and check/pass/fail are set.

UDPV_PORTS=53,123,161

# The reference scan: nmap -sU -sV of UDPV_PORTS on u1, once per lab.
udpv_nmap() {
    [ -e "$WORK/udpv-nmap.xml" ] ||
        lab_in scan nmap -n -sU -sV --reason -p $UDPV_PORTS -oX "$WORK/udpv-nmap.xml" $LAB_U1 >/dev/null 2>&1
}

# udpv_services XML [IP]: "PORT/PROTO STATE REASON NAME|PRODUCT|VERSION|EXTRAINFO|HOSTNAME" per
# port, nmap's snmp-info suffix taken off the product.
udpv_services() {
    python3 - "$1" "${2:-}" <<'PY'
import re, sys, xml.etree.ElementTree as ET
for port in ET.parse(sys.argv[1]).getroot().iter("port"):
    st, sv = port.find("state"), port.find("service")
    f = dict(sv.attrib) if sv is not None else {}
    f["product"] = re.sub(r"; [^;]* SNMPv3 server$", "", f.get("product", ""))
    print("%s/%s %s %s %s" % (port.get("portid"), port.get("protocol"), st.get("state"), st.get("reason"),
                              "|".join(f.get(k, "") for k in ("name", "product", "version", "extrainfo", "hostname"))))
PY
}

test_udp_version_names() {
    local out=$WORK/udpv t0 secs
    udpv_nmap
    t0=$(date +%s.%N)
    scan -n -sU -sV --reason -p U:$UDPV_PORTS -oX "$out.xml" -oN "$out.txt" -oG "$out.gnmap" -oJ "$out.json" \
        $LAB_U1 >/dev/null 2>"$out.err"
    local rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    check "-sU -sV -p U:$UDPV_PORTS exits 0 (in $secs s)" test $rc = 0
    udpv_services "$WORK/udpv-nmap.xml" >"$out.want"
    udpv_services "$out.xml" >"$out.got"
    check "every port's state, reason, name, product, version, extrainfo and hostname as nmap's probes say" \
        diff -u "$out.want" "$out.got"
    check "... which name domain (dnsmasq $(dpkg-query -W -f='${Version}' dnsmasq-base | sed 's/-.*//')), ntp, snmp" \
        grep -qE "^53/udp open udp-response domain\|dnsmasq\|$(dpkg-query -W -f='${Version}' dnsmasq-base | sed 's/-.*//')\|" "$out.got"
    check "... ntp (NTP v4) and snmp (SNMPv1 server, community public)" bash -c \
        "grep -q '^123/udp open udp-response ntp|NTP|v4|' '$out.got' && grep -q '^161/udp open udp-response snmp|SNMPv1 server||public|' '$out.got'"
    check "-sU -sV XML is valid against nmap.dtd" xml_valid "$out.xml"
    check "normal output: 53/udp with its VERSION column" grep -qE "^53/udp +open +domain +udp-response ttl 64 dnsmasq " "$out.txt"
    check "grepable and JSON lines name the UDP services" bash -c \
        "grep -q '53/open/udp//domain//dnsmasq' '$out.gnmap' && grep -q '\"proto\":\"udp\",\"port\":161,.*\"service\":\"snmp\"' '$out.json'"
}

# nmap's rule: a UDP port that answers any version probe is open.  162 is
# snmpd, silent to -sU's empty datagram: open|filtered; -sV's SNMPv1public
# (rarity 4) draws an answer.  1900 (DROP) answers nothing and stays.
test_udp_version_open_filtered() {
    local out=$WORK/udpv-of
    scan -n -sU --reason -p U:162,1900 -oX "$out-su.xml" $LAB_U1 >/dev/null 2>&1
    udpv_services "$out-su.xml" >"$out-su.got"
    check "-sU alone: 162 and 1900 are open|filtered" bash -c \
        "grep -q '^162/udp open|filtered no-response' '$out-su.got' && grep -q '^1900/udp open|filtered no-response' '$out-su.got'"
    local t0; t0=$(date +%s)
    scan -n -sU -sV --reason -p U:162,1900 -oX "$out.xml" -oN "$out.txt" $LAB_U1 >/dev/null 2>&1
    local secs=$(($(date +%s) - t0))
    udpv_services "$out.xml" >"$out.got"
    check "-sU -sV: 162 answers a version probe: open, udp-response, snmp" \
        grep -q '^162/udp open udp-response snmp|SNMPv1 server||public|' "$out.got"
    check "... its reason has no TTL (a connected socket's answer), as nmap's reason_ttl=\"0\"" \
        grep -q 'portid="162"><state state="open" reason="udp-response" reason_ttl="0"' "$out.xml"
    check "-sU -sV: silent 1900 stays open|filtered, named from the table and not probed-looking" bash -c \
        "grep -q '^1900/udp open|filtered no-response upnp||||' '$out.got' && grep -qE '^1900/udp +open\|filtered +upnp +no-response *$' '$out.txt'"
    # 19 probes at intensity 7, 8 at once, 5 s each: 15 s (nmap: one at a time, 95 s).
    check "a silent port's walk takes its probes' waits 8 at a time (${secs} s, at most 40)" test $secs -le 40
}

# An ICMP port unreachable to a version probe on an open|filtered port:
# closed, port-unreach.  Port 29999 of u1 has no listener and no -sU
# payload; a rule drops empty datagrams to it, so -sU's probe draws nothing
# (open|filtered) while -sV's probes draw port unreachables.
test_udp_version_closed() {
    local out=$WORK/udpv-cl
    lab_in u1 iptables -I INPUT -p udp --dport 29999 -m length --length 28 -j DROP
    scan -n -sU --reason -p U:29999 -oX "$out-su.xml" $LAB_U1 >/dev/null 2>&1
    scan -n -sU -sV --reason -p U:29999 -oX "$out.xml" $LAB_U1 >/dev/null 2>&1
    lab_in u1 iptables -D INPUT -p udp --dport 29999 -m length --length 28 -j DROP
    check "-sU: 29999 (empty datagrams dropped) is open|filtered" \
        grep -q 'portid="29999"><state state="open|filtered" reason="no-response"' "$out-su.xml"
    check "-sU -sV: a version probe's port unreachable makes it closed, port-unreach" \
        grep -q 'portid="29999"><state state="closed" reason="port-unreach"' "$out.xml"
}

# TCP and UDP probes on one loop (-sS -sU -sV), over IPv6 too.
test_udp_version_mixed_ipv6() {
    local out=$WORK/udpv-mx
    scan -n -sS -sU -sV --reason -p T:22,U:53,161 -oX "$out.xml" $LAB_U1_6 >/dev/null 2>&1
    udpv_services "$out.xml" >"$out.got"
    check "-sS -sU -sV over IPv6: 53/udp dnsmasq and 161/udp snmp named, 22/tcp open" bash -c \
        "grep -q '^53/udp open udp-response domain|dnsmasq|' '$out.got' && grep -q '^161/udp open udp-response snmp|SNMPv1 server|' '$out.got' &&
         grep -q '^22/tcp open syn-ack' '$out.got'"
}

# --host-timeout and SIGINT end the UDP walks at once: 1900's walk alone
# takes 15 s.
test_udp_version_stops() {
    local out=$WORK/udpv-st t0 secs
    t0=$(date +%s.%N)
    scan -n -sU -sV --host-timeout 4s -p U:1900 -oX "$out-ht.xml" $LAB_U1 >/dev/null 2>&1
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    check "--host-timeout 4s ends the -sV walks (after $secs s, at most 8)" awk -v s="$secs" 'BEGIN { exit !(s <= 8) }'
    check "... and the host is reported timed out" grep -q 'timedout="true"' "$out-ht.xml"
    # Not through lab_in: a backgrounded shell function is a subshell, and
    # background subshells ignore SIGINT.
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sU -sV -p U:1900 -oX "$out-int.xml" $LAB_U1 >/dev/null 2>&1 &
    local pid=$!
    sleep 5 # the port scan is over by then (about 2 s), the -sV walk is not
    t0=$(date +%s.%N)
    kill -INT $pid
    wait $pid
    local rc=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    check "SIGINT during the UDP -sV walks: exit 130 within 1 s (exit $rc after $secs s)" \
        awk -v s="$secs" -v rc=$rc 'BEGIN { exit !(s <= 1 && rc == 130) }'
    check "... the interrupted XML is valid" xml_valid "$out-int.xml"
}

# Sockets come from the descriptors there are (fd_budget): with 20, probes
# that cannot get one wait for one of ours to close.
test_udp_version_few_descriptors() {
    local out=$WORK/udpv-fd
    udpv_nmap
    udpv_services "$WORK/udpv-nmap.xml" >"$out.want"
    bash -c "ulimit -n 20 && ip netns exec $(lab_ns scan) $SCOUT -n -sU -sV --reason -p U:$UDPV_PORTS \
        -oX $out.xml $LAB_U1 >/dev/null 2>$out.err"
    udpv_services "$out.xml" >"$out.got"
    check "-sU -sV with 20 descriptors still names every service as nmap's probes" diff -u "$out.want" "$out.got"
}

test_udp_version_fingerprint() {
    # u1:20033 answers any datagram with a line of no known protocol: nmap's
    # service fingerprint of a UDP port, as nmap prints it (at intensity 2:
    # nmap takes 100 s for all of its UDP probes).
    local s=$WORK/udpfp-scout n=$WORK/udpfp-nmap
    scan -n -sU -sV --version-intensity 2 -p 20033 -oN "$s.txt" -oX "$s.xml" $LAB_U1 >/dev/null 2>&1
    lab_in scan nmap -n -sU -sV --version-intensity 2 -p 20033 -oN "$n.txt" -oX "$n.xml" $LAB_U1 >/dev/null 2>&1
    check "-sU -sV: the UDP port's fingerprint equals nmap's (but its clock)" \
        diff <(grep -E "^SF|unrecognized despite" "$n.txt" | untimed) <(grep -E "^SF|unrecognized despite" "$s.txt" | untimed)
    check "...there is one" grep -q "^SF-Port20033-UDP:V=7.93%I=2%D=" "$s.txt"
    check "...its port named as nmap names it" diff <(grep "^20033/udp" "$n.txt") <(grep "^20033/udp" "$s.txt")
    check "...and the XML's servicefp too" \
        diff <(grep -o 'servicefp="[^"]*"' "$n.xml" | untimed) <(grep -o 'servicefp="[^"]*"' "$s.xml" | untimed)
}
