# Lab tests of the raw engine's contract (issue 13): the stop flag and
# --host-timeout honoured at any rate, targets behind several interfaces in
# one scan, next hops resolved by scout itself, --send-ip, probes that skip
# conntrack, and the options that name a path that cannot be.

in_scan() { ip netns exec "$(lab_ns scan)" "$@"; }

# Starts a raw scan in the background (pid in BG_PID) and waits until it
# has written its XML header, i.e. its handles are open and it is sending.
bg_scan() { # OUT_XML ARGS...
    local out=$1 i; shift
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -oX "$out" "$@" >/dev/null 2>&1 &
    BG_PID=$! # ip netns exec execs scout: this is scout's pid
    for ((i = 0; i < 100; i++)); do
        grep -q '<scaninfo' "$out" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# Sends SIGINT and checks the scan ends within LIMIT ms, with exit 130 and
# a valid XML file.
interrupt_within() { # LIMIT_MS OUT_XML
    local t0 t1 rc
    t0=$(date +%s%N)
    kill -INT "$BG_PID"
    wait "$BG_PID"; rc=$?
    t1=$(date +%s%N)
    echo "    (stopped in $(((t1 - t0) / 1000000)) ms, exit $rc)"
    [ "$rc" = 130 ] && [ $(((t1 - t0) / 1000000)) -le "$1" ] &&
        xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$2"
}

test_engine_interrupt() {
    # -T0 waits 5 minutes between probes: the stop flag must not wait them out.
    bg_scan "$WORK/int-t0.xml" -sS -T0 -p 1-100 $LAB_T2
    check "Ctrl-C during -T0's 300 s probe gap stops at once (exit 130, XML valid)" \
        interrupt_within 1000 "$WORK/int-t0.xml"
    bg_scan "$WORK/int-fast.xml" -sS -Pn --max-retries 0 -p 1-65535 198.19.0.0/20
    sleep 0.3
    check "Ctrl-C at full rate stops at once" interrupt_within 1000 "$WORK/int-fast.xml"
    # Issue 18, item 6: the group it stopped in is written, each host saying
    # how far its scan went (none finished: -Pn marks them up, not scanned).
    check "... each host written says how far it went (decided + undecided = 1-65535)" \
        python3 "$LAB_SRC/progresscheck.py" "$WORK/int-fast.xml" 65535 --min-hosts 2
    # 198.19.0.1 never answers: stopped before its discovery decided, it is
    # unknown, not down.
    bg_scan "$WORK/int-disc.xml" -sS -v -p 1-100 198.19.0.1
    check "Ctrl-C during discovery stops at once" interrupt_within 1000 "$WORK/int-disc.xml"
    check "... the host not yet decided is unknown, not down" bash -c \
        "grep -q '<status state=\"unknown\" reason=\"interrupted\"' '$WORK/int-disc.xml' &&
         grep -q '<hosts up=\"0\" down=\"0\" total=\"1\"/>' '$WORK/int-disc.xml'"
}

test_engine_host_timeout() {
    local t0 t1
    t0=$(date +%s%N)
    in_scan "$SCOUT" -n -sS -p- --max-rate 5000 --host-timeout 1s -oJ "$WORK/hto.json" $LAB_T2 >/dev/null
    t1=$(date +%s%N)
    echo "    (-p- at 5000/s with --host-timeout 1s took $(((t1 - t0) / 1000000)) ms)"
    check "raw scans honour --host-timeout (a 13 s scan stops near 1 s)" test $(((t1 - t0) / 1000000)) -lt 3000
    check "... and report the host as timed out" grep -q '"timed_out":true' "$WORK/hto.json"
}

test_engine_progress_tick() {
    # --stats-every 100ms: the engine ticks at least that often while it waits out -T2's gaps.
    in_scan "$SCOUT" -n -sS -T2 -p 1-5 --stats-every 100ms $LAB_T2 2>"$WORK/ticks.txt" >/dev/null
    local n; n=$(grep -c 'ports (' "$WORK/ticks.txt")
    echo "    ($n status lines in a -T2 scan of 5 ports)"
    check "progress lines come at least every 100 ms of a raw scan" test "$n" -ge 10
}

test_engine_interfaces() {
    # t1 is on eth0, t4 behind the lossy forwarder on eth1, t5 behind the
    # bottleneck on eth2: one scan, three interfaces, every state right.
    in_scan "$SCOUT" -n -sS -p 1-7100 -oX "$WORK/ifaces.xml" $LAB_T1 $LAB_T4 $LAB_T5 >/dev/null
    check "one raw scan over three interfaces: t1 right" python3 "$LAB_SRC/compare.py" \
        "$WORK/ifaces.xml" "$LAB_DIR/truth-t1" $LAB_T1 1-7100 --scan syn
    check "... t4 (eth1, lossy) right" python3 "$LAB_SRC/compare.py" \
        "$WORK/ifaces.xml" "$LAB_DIR/truth-t4" $LAB_T4 1-7100 --scan syn
    check "... t5 (eth2, bottleneck) right" python3 "$LAB_SRC/compare.py" \
        "$WORK/ifaces.xml" "$LAB_DIR/truth-t5" $LAB_T5 1-7100 --scan syn
}

test_engine_neighbours() {
    # Nothing answers ARP for LAB_DOWN: scout asks itself, gives up, and
    # says the ports are filtered (no-response) without hanging; t2 next to
    # it in the same scan is scanned right.  The neighbour tables are
    # flushed first so that scout has to resolve t2 too.
    in_scan ip neigh flush all
    in_scan ip -6 neigh flush all
    in_scan timeout 20 "$SCOUT" -n -Pn -sS -p 1-1000 -oX "$WORK/neigh.xml" $LAB_DOWN $LAB_T2 >/dev/null
    check "a next hop that never answers ARP: its ports filtered, the scan ends" \
        python3 "$LAB_SRC/compare.py" "$WORK/neigh.xml" /dev/stdin $LAB_DOWN 1-1000 <<<"default filtered no-response"
    check "... and the host beside it, resolved by scout itself, is right" \
        python3 "$LAB_SRC/compare.py" "$WORK/neigh.xml" "$LAB_DIR/truth-t2" $LAB_T2 1-1000 --scan syn
    in_scan ip -6 neigh flush all
    check "IPv6: scout solicits the neighbour itself and scans it right" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n -sS -p 1-7100 -oX $WORK/neigh6.xml $LAB_T2_6 >/dev/null &&
         python3 $LAB_SRC/compare.py $WORK/neigh6.xml $LAB_DIR/truth6-t2 $LAB_T2_6 1-7100 --scan syn"
}

test_engine_send_ip() {
    check "--send-ip: the same states through the kernel's IP layer" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n -sS --send-ip -p 1-7100 -oX $WORK/sendip.xml $LAB_T1 >/dev/null &&
         python3 $LAB_SRC/compare.py $WORK/sendip.xml $LAB_DIR/truth-t1 $LAB_T1 1-7100 --scan syn"
    check "loopback (no Ethernet) is scanned through the IP layer" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n -sS -p 1-100 127.0.0.1 | grep -q 'Not shown: 100 closed'"
}

conntrack_count() { in_scan cat /proc/sys/net/netfilter/nf_conntrack_count; }

test_engine_skips_conntrack() {
    # A conntrack rule in the scanner's namespace makes its kernel track
    # every packet it routes: probes from the TX ring never reach it.  t2
    # drops 5000-5999, so each tracked probe stays in SYN_SENT (a reset
    # would end its entry at once).
    in_scan iptables -A OUTPUT -m conntrack --ctstate NEW -j ACCEPT
    in_scan sh -c 'echo 0 >/proc/sys/net/netfilter/nf_conntrack_tcp_loose' 2>/dev/null
    local before after_eth after_ip
    before=$(conntrack_count)
    in_scan "$SCOUT" -n -Pn -sS -p 5000-5999 $LAB_T2 >/dev/null
    after_eth=$(conntrack_count)
    in_scan "$SCOUT" -n -Pn -sS --send-ip -p 5000-5999 $LAB_T2 >/dev/null
    after_ip=$(conntrack_count)
    in_scan iptables -D OUTPUT -m conntrack --ctstate NEW -j ACCEPT
    echo "    (conntrack entries: $before before, $after_eth after the TX-ring scan, $after_ip after --send-ip)"
    check "1000 silent ports scanned through the TX ring add no conntrack entries" test "$after_eth" -le $((before + 10))
    check "... where the same scan through the IP layer adds one per port" test "$after_ip" -ge $((after_eth + 900))
}

test_engine_bad_paths() {
    bad_input_in() { # ARGS...: exit 2 and one line, run in the scanner's namespace
        local rc
        in_scan "$SCOUT" "$@" >/dev/null 2>"$WORK/err.txt" </dev/null; rc=$?
        if [ "$rc" = 2 ] && [ "$(wc -l <"$WORK/err.txt")" = 1 ]; then
            pass "rejects: $* -> $(cat "$WORK/err.txt")"
        else
            fail "bad path '$*': exit $rc: $(head -c 300 "$WORK/err.txt")"
        fi
    }
    bad_input_in -sS -e nosuchif0 -p 22 $LAB_T1
    bad_input_in -sS --send-eth -p 22 127.0.0.1
    bad_input_in -sS -S $LAB_SCAN_IP -p 22 $LAB_T1_6
    bad_input_in -sS -S 2001:2::1 -p 22 $LAB_T1
}

# srtt_of XML ADDR: the <times srtt> of ADDR's host, in microseconds.
srtt_of() {
    python3 -c '
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    if h.find("address").get("addr") == sys.argv[2]:
        print(h.find("times").get("srtt"))' "$1" "$2"
}

# Issue 18, item 11: a raw probe carries its send time, so every reply is an
# RTT sample of its host: each host reports its own latency and <times>, as
# nmap's -sS does (they were missing, srtt="0").
test_engine_host_latency() {
    local t1 t4
    in_scan "$SCOUT" -n -sS -Pn -p 1-2000 -oX "$WORK/lat.xml" $LAB_T1 $LAB_T4 >"$WORK/lat.txt"
    check "-sS -Pn: 'Host is up (Ns latency).' for both hosts" \
        [ "$(grep -cE '^Host is up \([0-9.]+s latency\)\.$' "$WORK/lat.txt")" = 2 ]
    t1=$(srtt_of "$WORK/lat.xml" $LAB_T1)
    t4=$(srtt_of "$WORK/lat.xml" $LAB_T4)
    check "... <times srtt>: t1 on the LAN under 1 ms but not 0 ($t1 us), t4 22 ms away each way 35-80 ms ($t4 us)" \
        bash -c "[ '$t1' -gt 0 ] && [ '$t1' -lt 1000 ] && [ '$t4' -gt 35000 ] && [ '$t4' -lt 80000 ]"
    in_scan "$SCOUT" -n -sS -p 22 $LAB_T4 >"$WORK/lat-ping.txt"
    check "-sS after raw pings: latency too" grep -qE '^Host is up \([0-9.]+s latency\)\.$' "$WORK/lat-ping.txt"
}
