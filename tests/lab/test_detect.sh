# Lab tests of --detect: scans by scout, nmap, masscan and zmap recorded on the lab
# bridge and read back with -r; benign traffic must give no scan at all.

# record NAME CMD...: runs CMD in the scanner namespace while tcpdump records
# the bridge (every host's traffic) into $WORK/NAME.pcap.
record() {
    local name=$1 tp; shift
    ip netns exec "$(lab_ns sw)" tcpdump -i br0 -w "$WORK/$name.pcap" -U -s 256 >/dev/null 2>&1 &
    tp=$!
    sleep 1
    ip netns exec "$(lab_ns scan)" "$@" >/dev/null 2>&1
    sleep 2.5 # silence after the last probe is part of the evidence
    kill "$tp"
    wait "$tp" 2>/dev/null
}

# detected NAME TYPE SHAPE TOOL: exactly one scan, from the scanner, as named.
detected() {
    "$SCOUT" --detect -r "$WORK/$1.pcap" -oJ "$WORK/$1.json" >"$WORK/$1.txt" 2>&1 || return 1
    python3 - "$WORK/$1.json" "${DETECT_SRC:-$LAB_SCAN_IP}" "$2" "$3" "$4" <<'PY'
import ipaddress, json, sys
path, src, typ, shape, tool = sys.argv[1:]
src = str(ipaddress.ip_address(src))
scans = [j for j in map(json.loads, open(path)) if j["event"] == "scan"]
want = dict(src=src, type=typ, shape=shape, tool=tool)
got = [{k: s[k] for k in want} for s in scans]
fields = {"event", "src", "type", "shape", "tool", "evidence", "hosts", "ports", "probes", "open",
          "first_seen", "last_seen", "probes_to_detect"}
ok = got == [want] and fields <= set(scans[0])
print("detect:", got, "want", [want])
sys.exit(0 if ok else 1)
PY
}

# A routed range for ping sweeps: the scanner reaches 198.19.0.0/24 through
# t1, which owns 198.19.0.5 and answers the rest with ICMP host-unreachable
# (a router with no route), so the sweep goes out as ICMP and TCP probes
# instead of the ARP requests an on-segment sweep makes.  Undone by
# routed_range_down (and by the lab's teardown in any case).
routed_range_up() {
    lab_in scan ip route add 198.19.0.0/24 via $LAB_T1 &&
        lab_in t1 ip addr add 198.19.0.5/32 dev lo &&
        lab_in t1 ip route add unreachable 198.19.0.0/24 &&
        lab_in t1 sysctl -qw net.ipv4.ip_forward=1
}
routed_range_down() {
    lab_in t1 sysctl -qw net.ipv4.ip_forward=0
    lab_in t1 ip route del unreachable 198.19.0.0/24
    lab_in t1 ip addr del 198.19.0.5/32 dev lo
    lab_in scan ip route del 198.19.0.0/24 via $LAB_T1
}

test_detect_scan_types() {
    local m; m=$(lab_in t2 cat /sys/class/net/eth0/address)
    : >"$WORK/no-blocklist"
    record d-scout "$SCOUT" -n -Pn -sS -p 1-1000 $LAB_T2
    check "scout -sS: syn, vertical, scout" detected d-scout syn vertical scout
    record d-nsyn nmap -n -Pn -sS -T4 -p 1-1000 $LAB_T2
    check "nmap -sS: syn, vertical, nmap" detected d-nsyn syn vertical nmap
    record d-nconn nmap -n -Pn -sT -T4 -p 1-1000 $LAB_T2
    check "nmap -sT: connect, vertical, unknown tool (the kernel built it)" detected d-nconn connect vertical unknown
    local t
    for t in F:fin N:null X:xmas A:ack M:maimon; do
        record "d-n${t#*:}" nmap -n -Pn "-s${t%%:*}" -T4 -p 1-300 $LAB_T2
        check "nmap -s${t%%:*}: ${t#*:}, vertical, nmap" detected "d-n${t#*:}" "${t#*:}" vertical nmap
    done
    # UDP: nmap's TTL is random per datagram, its source port one;
    # scout's IP ID is its send time in ms, which the clock must be seen to
    # move (--max-rate 200 spreads 40 probes over 200 ms: a scan sent
    # within a millisecond or two cannot show it); zmap's ID is 54321.
    record d-nudp nmap -n -Pn -sU -T5 --max-retries 1 -p 1-40 $LAB_T2
    check "nmap -sU: udp, vertical, nmap" detected d-nudp udp vertical nmap
    record d-sudp "$SCOUT" -n -Pn -sU --max-rate 200 -p 1-40 $LAB_T2
    check "scout -sU: udp, vertical, scout" detected d-sudp udp vertical scout
    record d-zudp zmap -M udp -p 53 -i eth0 -G "$m" -S $LAB_SCAN_IP -b "$WORK/no-blocklist" -r 500 \
        --cooldown-time=1 198.18.0.0/28
    check "zmap -M udp -p 53 over a /28: udp, horizontal, zmap" detected d-zudp udp horizontal zmap
    record d-horiz nmap -n -Pn -sS -T4 -p 80,81 198.18.0.10-13
    check "nmap -sS -p 80,81 over four hosts: horizontal" detected d-horiz syn horizontal nmap
    record d-block nmap -n -Pn -sS -T4 -p 1-30 198.18.0.10-13
    check "nmap -sS -p 1-30 over four hosts: block" detected d-block syn block nmap
    record d-zmap zmap -p 80 -i eth0 -G "$m" -S $LAB_SCAN_IP -b "$WORK/no-blocklist" -r 500 \
        --cooldown-time=1 198.18.0.0/28
    check "zmap -p 80 over a /28: horizontal, zmap" detected d-zmap syn horizontal zmap
    record d-ipproto nmap -n -Pn -sO -T4 -p 1-60 $LAB_T2
    check "nmap -sO: ip-proto, vertical" detected d-ipproto ip-proto vertical unknown
    record d-arp nmap -n -sn 198.18.0.0/27
    check "nmap -sn over a /27 (an ARP sweep on the segment): arp, horizontal" detected d-arp arp horizontal unknown
    routed_range_up
    record d-ping nmap -n -sn -T4 198.19.0.0/28
    check "nmap -sn over a routed /28 (echo, SYN 443, ACK 80, timestamp): ping, horizontal, nmap" \
        detected d-ping ping horizontal nmap
    record d-pingicmp nmap -n -sn -PE -T4 198.19.0.16/28
    check "nmap -sn -PE (ICMP echo only): ping, horizontal, unknown tool" \
        detected d-pingicmp ping horizontal unknown
    routed_range_down
    python3 "$LAB_SRC/topcapng.py" "$WORK/d-nsyn.pcap" "$WORK/d-ng.pcap"
    check "the same nmap -sS recording as pcapng: the same answer" detected d-ng syn vertical nmap
    # masscan sometimes never leaves its end-of-scan wait (its receive
    # thread keeps polling) and then ignores SIGINT too: it hung a CI run
    # for an hour.  SIGKILL 5 s later; the recording only needs its probes.
    record d-masscan timeout -s INT -k 5 15 masscan -p1-1000 --rate 5000 --wait 1 -e eth0 --router-mac "$m" $LAB_T2
    check "masscan: syn, vertical, masscan" detected d-masscan syn vertical masscan
}

# Benign traffic: the web, a DNS-style client, services, retries, a crawler,
# SSH; and the real clients of DNS (glibc's resolver) and NTP (chronyd) of
# u1's dnsmasq and chronyd, and mDNS, answered by responders on t1 and t6
# (multicast, unicast-response and legacy unicast answers).
test_detect_benign() {
    local pids=() p
    lab_in t6 python3 "$LAB_SRC/udpecho.py" 53 >/dev/null 2>&1 &
    pids+=($!)
    lab_in t1 python3 "$LAB_SRC/benign.py" --mdns-responder $LAB_T1 lab-printer >/dev/null 2>&1 &
    pids+=($!)
    lab_in t6 python3 "$LAB_SRC/benign.py" --mdns-responder $LAB_T6 lab-nas >/dev/null 2>&1 &
    pids+=($!)
    sleep 0.5
    record d-benign python3 "$LAB_SRC/benign.py" $LAB_T6,$LAB_T1,$LAB_T3 $LAB_T6 $LAB_T1 $LAB_U1
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait "${pids[@]}" 2>/dev/null
    "$SCOUT" --detect -r "$WORK/d-benign.pcap" -oJ "$WORK/d-benign.json" >"$WORK/d-benign.txt"
    check "HTTP load, DNS, several services, retries, a crawler, SSH, DNS/NTP/mDNS clients: no scan" \
        grep -q '"event":"summary",.*"scans":0' "$WORK/d-benign.json"
    check "... and the recording holds the DNS, NTP and mDNS exchanges" python3 - "$WORK/d-benign.pcap" \
        $LAB_U1 <<'PY'
import struct, sys
# Counts UDP datagrams by (source port, destination port) in the pcap.
f = open(sys.argv[1], "rb")
hdr = f.read(24)
u1 = bytes(map(int, sys.argv[2].split(".")))
seen = {"dns answers from u1": 0, "ntp answers from u1": 0, "mdns to the group": 0, "mdns unicast answers": 0}
while len(h := f.read(16)) == 16:
    cap = struct.unpack("<I", h[8:12])[0]
    fr = f.read(cap)
    if fr[12:14] != b"\x08\x00" or fr[23] != 17:
        continue
    ip = fr[14:]
    l4 = ip[(ip[0] & 15) * 4:]
    sp, dp = struct.unpack(">HH", l4[:4])
    if ip[12:16] == u1 and sp == 53:
        seen["dns answers from u1"] += 1
    if ip[12:16] == u1 and sp == 123:
        seen["ntp answers from u1"] += 1
    if ip[16:20] == bytes([224, 0, 0, 251]):
        seen["mdns to the group"] += 1
    if sp == 5353 and ip[16] < 224:
        seen["mdns unicast answers"] += 1
print(seen)
sys.exit(0 if all(n >= 3 for n in seen.values()) else 1)
PY
    check "... and the recording was not empty" bash -c \
        "grep -o '\"packets\":[0-9]*' '$WORK/d-benign.json' | awk -F: '\$2 > 1000 {ok=1} END {exit !ok}'"
}

# IPv6 scans are read by the same decoder and detector: scout's mark rides
# in the flow label, nmap's scans are nmap's.
detected6() { DETECT_SRC=$LAB_SCAN_IP6 detected "$@"; }

test_detect_ipv6() {
    record d-scout6 "$SCOUT" -n -Pn -sS -p 1-1000 $LAB_T2_6
    check "scout -sS over IPv6: syn, vertical, scout" detected6 d-scout6 syn vertical scout
    record d-nsyn6 nmap -6 -n -Pn -sS -T4 -p 1-1000 $LAB_T2_6
    check "nmap -6 -sS: syn, vertical, nmap" detected6 d-nsyn6 syn vertical nmap
}

test_detect_bad_input() {
    record d-small "$SCOUT" -n -Pn -sS -p 1-200 $LAB_T2
    head -c 3000 "$WORK/d-small.pcap" >"$WORK/trunc.pcap"
    check "a truncated capture is read up to the cut, no crash" \
        bash -c "$SCOUT --detect -r '$WORK/trunc.pcap' | grep -q '^detect: [0-9]* packets'"
    head -c 4096 /dev/urandom >"$WORK/garbage.pcap"
    expect_exit 2 "a file that is no capture: a clear error (bad input)" "$SCOUT" --detect -r "$WORK/garbage.pcap"
    expect_exit 2 "--detect with a target: a clear error" "$SCOUT" --detect 10.0.0.1
}

test_detect_flood() {
    # 300 000 SYNs from random sources, and inside them a real 500-port scan:
    # the flood must neither hide the scan nor be called one, and the
    # bounded source table must have evicted (not grown).
    python3 "$LAB_SRC/mkflood.py" "$WORK/flood.pcap" 300000 500
    "$SCOUT" --detect -r "$WORK/flood.pcap" -oJ "$WORK/flood.json" >/dev/null
    check "a scan inside a random-source flood is found, and only it" python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$WORK/flood.json')]
scans = [l for l in lines if l['event'] == 'scan']
summary = lines[-1]
ok = [s['src'] for s in scans] == ['$LAB_SCAN_IP'] and scans[0]['type'] == 'syn' and summary['sources_evicted'] > 100000
sys.exit(0 if ok else 1)"
}

test_detect_live() {
    # Live on the target's interface while nmap scans it; stops by itself.
    lab_in t2 "$SCOUT" --detect -e eth0 --detect-for 6s -oJ "$WORK/live.json" >"$WORK/live.txt" 2>&1 &
    local pid=$!
    sleep 1.5
    lab_in scan nmap -n -Pn -sS -T4 -p 1-500 $LAB_T2 >/dev/null 2>&1
    wait "$pid"
    check "--detect -e eth0 --detect-for 6s sees nmap's scan live" \
        grep -q "\"event\":\"scan\",\"src\":\"$LAB_SCAN_IP\",\"type\":\"syn\",\"shape\":\"vertical\",\"tool\":\"nmap\"" "$WORK/live.json"
    check "... announced it when declared, then reported it once at the end" bash -c \
        "[ \$(grep -c '\"event\":\"scan-start\"' '$WORK/live.json') = 1 ] && [ \$(grep -c '\"event\":\"scan\"' '$WORK/live.json') = 1 ]"
    # A short scan of dropped ports, then a quiet wire: the silence must be
    # judged as the clock runs, not only when the capture stops.
    lab_in t3 "$SCOUT" --detect -e eth0 --detect-for 7s -oJ "$WORK/live-quiet.json" >/dev/null 2>&1 &
    pid=$!
    sleep 1.5
    lab_in scan nmap -n -Pn -sS --max-retries 0 -p 22,80,1000-1010 $LAB_T3 >/dev/null 2>&1
    wait "$pid"
    check "a silent scan is announced live once the wire goes quiet" \
        grep -q "\"event\":\"scan-start\",\"src\":\"$LAB_SCAN_IP\"" "$WORK/live-quiet.json"
}

# $WORK/empty.pcap: a capture file with no packets.
empty_pcap() {
    python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 256, 1))" \
        >"$WORK/empty.pcap"
}

test_detect_tripwire() {
    # Tripwires on t2 (nothing listens on any of them): a TCP port, a UDP port
    # and an address nobody uses; each first contact is reported while the
    # watch runs, with what was sent; a refused connection elsewhere is not.
    local j=$WORK/trip.json
    ip netns exec "$(lab_ns t2)" "$SCOUT" --detect -e eth0 --tripwire T:2323,U:5555 --tripwire-hosts $LAB_NET.250 \
        --detect-for 8s -oJ "$j" >"$WORK/trip.txt" 2>&1 &
    local pid=$! i
    sleep 1.5
    lab_in scan python3 -c "
import socket, sys
for port in (2324, 2323):
    s = socket.socket(); s.settimeout(1)
    try: s.connect(('$LAB_T2', port))
    except OSError: pass
    s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'hello', ('$LAB_T2', 5555))
u.sendto(b'x', ('$LAB_NET.250', 9))  # the kernel asks ARP for it: a first contact to an unused address"
    for i in $(seq 40); do [ "$(grep -c '"event":"tripwire"' "$j" 2>/dev/null)" -ge 3 ] && break; sleep 0.1; done
    check "tripwire hits are reported while the watch runs (before its end)" kill -0 "$pid"
    wait "$pid"
    check "...the TCP port, with its flags and payload" \
        grep -q "{\"event\":\"tripwire\",\"src\":\"$LAB_SCAN_IP\",\"dst\":\"$LAB_T2\",\"proto\":\"tcp\",\"port\":2323,\"payload\":0,\"flags\":\"S\"" "$j"
    check "...the UDP port, with the datagram's size" \
        grep -q "\"proto\":\"udp\",\"port\":5555,\"payload\":5" "$j"
    check "...the unused address (its ARP request)" grep -q "\"dst\":\"$LAB_NET.250\",\"proto\":\"arp\"" "$j"
    check "...three hits in all, none for the refused port 2324" \
        bash -c "grep -q '\"tripwire_hits\":3}' '$j' && ! grep -q '\"port\":2324' '$j'"
    check "...and a readable line each" grep -q "^tripwire: $LAB_SCAN_IP -> $LAB_T2:2323/tcp flags S, 0 payload bytes at " \
        "$WORK/trip.txt"
    empty_pcap
    expect_exit 2 "--tripwire without --detect: a clear error" "$SCOUT" --tripwire 23 127.0.0.1
    expect_exit 2 "a bad --tripwire port list: a clear error" "$SCOUT" --detect -r "$WORK/empty.pcap" --tripwire 70000
    expect_exit 2 "a bad --tripwire-hosts address: a clear error" \
        "$SCOUT" --detect -r "$WORK/empty.pcap" --tripwire-hosts 10.0.0.300
}

test_detect_block() {
    # scout --detect --block on t2 while nmap scans it: once the scan is
    # declared, the scanner's probes are dropped (nmap's later ports come
    # back filtered, not closed); the table is scout's own, gone at exit.
    local j=$WORK/block.json t2ns; t2ns=$(lab_ns t2)
    ip netns exec "$t2ns" "$SCOUT" --detect -e eth0 --block --block-for 10m --detect-for 120s -oJ "$j" \
        >"$WORK/block.txt" 2>&1 &
    local pid=$! i
    for i in $(seq 50); do ip netns exec "$t2ns" nft list tables 2>/dev/null | grep -q 'inet scout_' && break; sleep 0.1; done
    check "--block: scout's own table is in place while it watches" \
        bash -c "ip netns exec $t2ns nft list tables | grep -q 'inet scout_$pid'"
    sleep 1 # the capture opens after the table
    # (dropped probes slow nmap down: short timeouts, no retries; 300
    # probes a second, so that a block that takes the helper a few ms
    # lands early in the scan whatever the machine's load)
    lab_in scan nmap -n -Pn -sS -T4 --max-retries 0 --max-rtt-timeout 50ms --max-rate 300 -p 1-300 \
        -oX "$WORK/block-nmap.xml" $LAB_T2 >/dev/null 2>&1
    check "...the scanner is in its set" bash -c "ip netns exec $t2ns nft list ruleset | grep -q '$LAB_SCAN_IP'"
    kill -INT "$pid"
    wait "$pid"
    check "...declared and blocked (JSON)" \
        grep -q "{\"event\":\"block\",\"action\":\"blocked\",\"src\":\"$LAB_SCAN_IP\",\"for_s\":600,\"reason\":\"syn scan" "$j"
    check "...so nmap saw most of its ports filtered after the first few" python3 -c "
import sys, xml.etree.ElementTree as ET
x = [e for e in ET.parse('$WORK/block-nmap.xml').iter('extraports') if e.get('state') == 'filtered']
sys.exit(0 if x and int(x[0].get('count')) > 200 else 1)"
    check "...and the table is gone at exit" bash -c "! ip netns exec $t2ns nft list tables | grep -q 'scout_'"
    # The allow list always wins: the same scan, nothing blocked.
    ip netns exec "$t2ns" "$SCOUT" --detect -e eth0 --block --never-block $LAB_NET.0/24 --detect-for 120s \
        -oJ "$j.2" >/dev/null 2>&1 &
    pid=$!
    for i in $(seq 50); do ip netns exec "$t2ns" nft list tables 2>/dev/null | grep -q 'inet scout_' && break; sleep 0.1; done
    sleep 1
    lab_in scan nmap -n -Pn -sS -T4 --max-retries 0 -p 1-300 -oX "$WORK/block-nmap2.xml" $LAB_T2 >/dev/null 2>&1
    kill -INT "$pid"
    wait "$pid"
    check "--never-block: the scanner is reported, not blocked" \
        bash -c "grep -q '\"action\":\"allowed\",\"src\":\"$LAB_SCAN_IP\"' '$j.2' && ! grep -q '\"action\":\"blocked\"' '$j.2'"
    check "...and nmap saw no port filtered" bash -c "! grep -q 'state=\"filtered\"' '$WORK/block-nmap2.xml'"
    empty_pcap
    expect_exit 2 "--block on a capture file without --dry-run: a clear error" \
        "$SCOUT" --detect -r "$WORK/empty.pcap" --block
}

test_detect_syslog() {
    # A syslog receiver on t2's loopback: one RFC 5424 message per scan,
    # tripwire hit and (dry-run) block, the fields as structured data.
    record d-syslog "$SCOUT" -n -Pn -sS -p 1-100 $LAB_T2
    local out=$WORK/syslog.txt i
    ip netns exec "$(lab_ns t2)" python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 5514))
with open('$out', 'w') as f:
    while True:
        f.write(s.recv(4096).decode() + '\n'); f.flush()" &
    local rx=$!
    for i in $(seq 50); do [ -e "$out" ] && break; sleep 0.1; done # the file is made once it listens
    lab_in t2 "$SCOUT" --detect -r "$WORK/d-syslog.pcap" --tripwire 23 --block --dry-run \
        --syslog udp://127.0.0.1:5514 >/dev/null
    for i in $(seq 30); do grep -q ' scan \[' "$out" 2>/dev/null && break; sleep 0.1; done
    kill "$rx"
    wait "$rx" 2>/dev/null
    check "--syslog: the scan, as RFC 5424 with its fields as structured data" grep -qE \
        "^<36>1 [0-9T:.-]+Z [^ ]+ scout [0-9]+ scan \[scout@32473 src=\"$LAB_SCAN_IP\" type=\"syn\" shape=\"vertical\" tool=\"scout\" hosts=\"1\" ports=\"[0-9]+\" probes=\"[0-9]+\"\] scan from $LAB_SCAN_IP: vertical syn" \
        "$out"
    check "...the tripwire hit" grep -q " tripwire \[scout@32473 src=\"$LAB_SCAN_IP\" dst=\"$LAB_T2\" port=\"23\"\] tripwire: " "$out"
    check "...and what --block would do" grep -q " block \[scout@32473 action=\"would-block\" src=\"$LAB_SCAN_IP\"" "$out"
    check "...one message each" bash -c "[ \$(wc -l <'$out') = 3 ]"
    "$SCOUT" --detect -r "$WORK/d-syslog.pcap" --tripwire 23 --block --dry-run --ecs -oJ "$WORK/ecs.json" >/dev/null
    check "--ecs: every JSON line in the Elastic Common Schema (scan, tripwire hit, block, summary)" python3 -c "
import json, sys
o = [json.loads(l) for l in open('$WORK/ecs.json')]
acts = [x['event']['action'] for x in o]
scan = [x for x in o if x['event']['action'] == 'scan'][0]
trip = [x for x in o if x['event']['action'] == 'tripwire'][0]
ok = (sorted(acts) == ['block', 'scan', 'summary', 'tripwire'] and
      all('intrusion_detection' in x['event']['category'] and '@timestamp' in x for x in o if x['event']['kind'] == 'alert') and
      scan['source']['ip'] == '$LAB_SCAN_IP' and scan['scout']['scan']['type'] == 'syn' and
      trip['destination'] == {'ip': '$LAB_T2', 'port': 23} and trip['network']['transport'] == 'tcp')
sys.exit(0 if ok else 1)"
    expect_exit 2 "--syslog with a bad target: a clear error" \
        "$SCOUT" --detect -r "$WORK/d-syslog.pcap" --syslog tcp://127.0.0.1:5514
}
