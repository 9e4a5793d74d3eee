# Lab tests of the raw TCP scans (-sS -sA -sF -sN -sX -sW -sM): every state
# against the ground truth mapped through each scan type's table.

raw_matches() { # TYPE FLAG HOST PORTSPEC: scan and compare port for port
    local type=$1 flag=$2 host=$3 spec=$4 ip; ip=$(lab_ip "$3")
    scan -n "$flag" -p "$spec" -oX "$WORK/raw-$type-$host.xml" "$ip" >"$WORK/raw-$type-$host.txt" || return 1
    python3 "$LAB_SRC/compare.py" "$WORK/raw-$type-$host.xml" "$LAB_DIR/truth-$host" "$ip" "$spec" --scan "$type"
}

test_raw_syn_full() {
    check "-sS -p- on t1 (every filtered flavour) matches truth" raw_matches syn -sS t1 1-65535
    check "-sS -p- on t2 matches truth" raw_matches syn -sS t2 1-65535
    check "-sS -p- on t3 (stateful firewall) matches truth" raw_matches syn -sS t3 1-65535
    check "SYN XML says type=syn and is valid against nmap.dtd" \
        bash -c "grep -q '<scaninfo type=\"syn\"' '$WORK/raw-syn-t1.xml' && xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd '$WORK/raw-syn-t1.xml'"
    check "reasons carry the reply TTL" grep -qE "^22/tcp +open" "$WORK/raw-syn-t1.txt"
}

test_raw_default_is_syn() {
    scan -n -p 22 -oX "$WORK/default.xml" $LAB_T1 >/dev/null
    check "root without -s: a SYN scan, as nmap" grep -q '<scaninfo type="syn"' "$WORK/default.xml"
}

test_raw_ack_maps_firewall() {
    check "-sA on the stateful firewall: 22,80 unfiltered, the rest filtered" raw_matches ack -sA t3 1-3000
    check "-sA on t2: reachable ports unfiltered, DROP and ICMP filtered" raw_matches ack -sA t2 1-7100
}

test_raw_stealth_family() {
    check "-sF on t1" raw_matches fin -sF t1 1-7000
    check "-sN on t1" raw_matches null -sN t1 1-7000
    check "-sX on t1" raw_matches xmas -sX t1 1-7000
    check "-sW on t2" raw_matches window -sW t2 1-7100
    check "-sM on t2" raw_matches maimon -sM t2 1-7100
}

test_raw_shards() {
    local k
    for k in 1 2; do
        scan -n -sS -p 1-7100 --seed 7 --shard $k/2 -oX "$WORK/rshard$k.xml" $LAB_T1 >/dev/null
    done
    check "-sS shards 1/2 + 2/2 cover 1-7100 exactly once, right" python3 "$LAB_SRC/shardcheck.py" \
        --scan syn "$LAB_DIR/truth-t1" $LAB_T1 1-7100 "$WORK/rshard1.xml" "$WORK/rshard2.xml"
}

test_raw_privileges() {
    local as_nobody="ip netns exec $(lab_ns scan) setpriv --reuid=65534 --regid=65534 --clear-groups $SCOUT"
    local out rc
    out=$($as_nobody -n -sS -p 22 $LAB_T1 2>&1 >/dev/null); rc=$?
    check "-sS without privilege: a clear error, exit 1" bash -c "[ $rc = 1 ] && grep -q 'needs raw sockets' <<<'$out'"
    check "no -s without privilege: falls back to -sT and says so with -v" bash -c \
        "$as_nobody -n -v -p 22 $LAB_T1 2>&1 | grep -q 'using -sT'"
}

test_raw_lossy_link() {
    # t4 sits behind 22 ms each way and 2 % loss each way.
    check "-sS -p- across the lossy link matches truth" raw_matches syn -sS t4 1-65535
    scan -n -sS -p 1-10000 -v $LAB_T4 >"$WORK/lossy-v.txt"
    check "-v reports the drops it recovered" grep -qE "Probes: .* [1-9][0-9]* drops detected" "$WORK/lossy-v.txt"
}

test_connect_lossy_link() {
    check "-sT -p 1-10000 across the lossy link matches truth" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n -sT -p 1-10000 -oX $WORK/lossy-t.xml $LAB_T4 >/dev/null &&
         python3 $LAB_SRC/compare.py $WORK/lossy-t.xml $LAB_DIR/truth-t4 $LAB_T4 1-10000"
}

test_raw_bottleneck() {
    # t5 sits behind a 10 000 frames/s link with 20 ms of queue: sending at
    # the template's ceiling would lose most probes; the rate must adapt.
    check "-sS -p 1-30000 through the bottleneck matches truth" raw_matches syn -sS t5 1-30000
    scan -n -sS -p 1-30000 -v $LAB_T5 >"$WORK/bottleneck-v.txt"
    check "the bottleneck scan needed few resends (under 20 % of probes)" awk \
        '/^Probes:/ { sent = $2; re = $4 } END { exit !(sent > 0 && re < 0.2 * sent) }' "$WORK/bottleneck-v.txt"
}

# Starts a slow raw scan of t3 in the background (a child of this shell, so
# that `wait` works); its pid goes to SLOW_PID.
slow_raw_scan() { # OUT_XML EXTRA_FLAGS...
    local out=$1; shift
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sS -p 1-6000 --max-rate 2000 -oX "$out" "$@" $LAB_T3 >/dev/null &
    SLOW_PID=$!
}

uid_of() { awk '/^Uid:/ {print $2 "/" $3 "/" $4}' "/proc/$1/status" 2>/dev/null; }

test_raw_drops_privileges() {
    local pid uid
    slow_raw_scan "$WORK/priv-drop.xml"
    pid=$SLOW_PID
    sleep 1.5
    uid=$(uid_of "$pid")
    wait "$pid"
    check "a raw scan runs as nobody once its sockets are open (uid $uid)" test "$uid" = "65534/65534/65534"
    check "... and its results are still right" python3 "$LAB_SRC/compare.py" \
        "$WORK/priv-drop.xml" "$LAB_DIR/truth-t3" $LAB_T3 1-6000 --scan syn
    slow_raw_scan "$WORK/priv-keep.xml" --no-drop-privileges
    pid=$SLOW_PID
    sleep 1.5
    uid=$(uid_of "$pid")
    wait "$pid"
    check "--no-drop-privileges stays root (uid $uid)" test "$uid" = "0/0/0"
}

test_raw_rejects_forged_replies() {
    # While scout scans t2 from a known source port, t2 forges 300 SYN-ACKs
    # with wrong cookies for closed ports, 40 segments with a bad data offset
    # and 40 resets with a bad checksum.
    local pid
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -v -sS -g 47000 -p 1-4000 --max-rate 2000 \
        -oX "$WORK/forged.xml" $LAB_T2 >"$WORK/forged.txt" &
    pid=$!
    sleep 0.7
    lab_in t2 python3 "$LAB_SRC/inject.py" $LAB_T2 $LAB_SCAN_IP 47000 1000 300 40 40
    wait "$pid"
    check "forged SYN-ACKs do not open closed ports" python3 "$LAB_SRC/compare.py" \
        "$WORK/forged.xml" "$LAB_DIR/truth-t2" $LAB_T2 1-4000 --scan syn
    check "every forged reply is counted as rejected" \
        grep -qE "Probes: .* ([3-9][0-9]{2}|[0-9]{4,}) replies rejected" "$WORK/forged.txt"
    check "every malformed segment (bad offset, bad checksum) is counted" \
        grep -qE "rejected \(cookie\), ([89][0-9]|[0-9]{3,}) malformed" "$WORK/forged.txt"
}

test_raw_scanflags() {
    # --scanflags FINPSHURG read as a FIN scan is an Xmas scan by another name.
    check "--scanflags FINPSHURG -sF gives the Xmas states on t1" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n -sF --scanflags FINPSHURG -p 1-3000 -oX $WORK/sflags.xml $LAB_T1 >/dev/null &&
         python3 $LAB_SRC/compare.py $WORK/sflags.xml $LAB_DIR/truth-t1 $LAB_T1 1-3000 --scan xmas"
    check "--scanflags SYN alone is a SYN scan" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n --scanflags SYN -p 1-3000 -oX $WORK/sflags2.xml $LAB_T1 >/dev/null &&
         python3 $LAB_SRC/compare.py $WORK/sflags2.xml $LAB_DIR/truth-t1 $LAB_T1 1-3000 --scan syn"
}

# t2 behind a SYN proxy (iptables SYNPROXY): every port answers SYN-ACK, and
# the server's refusal only comes once the handshake is done.
synproxy_t2() { # -A to add the rules, -D to remove them
    lab_in t2 iptables -t raw "$1" PREROUTING -p tcp --syn -j CT --notrack &&
        lab_in t2 iptables "$1" INPUT -p tcp -m conntrack --ctstate INVALID,UNTRACKED \
            -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460 &&
        lab_in t2 iptables "$1" INPUT -m conntrack --ctstate INVALID -j DROP
}

test_raw_synproxy() {
    local sc="ip netns exec $(lab_ns scan) $SCOUT -n"
    lab_in t2 sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
    synproxy_t2 -A
    $sc -sS -p 1-100 -oJ "$WORK/synp.json" $LAB_T2 >"$WORK/synp.txt" 2>&1
    check "-sS of a SYN-proxied host: all open, and a warning that they are not confirmed" \
        grep -q "a SYN proxy or middlebox answers for this host" "$WORK/synp.txt"
    check "... the JSON host line says so" \
        grep -q '"confirm":{"sampled":8,"reset":[4-8],"proxied":true}' "$WORK/synp.json"
    check "-sT through the proxy: the reset after the handshake is closed, the states right" bash -c \
        "$sc -sT -p 1-100 -oX $WORK/synp-t.xml $LAB_T2 >/dev/null &&
         python3 $LAB_SRC/compare.py $WORK/synp-t.xml $LAB_DIR/truth-t2 $LAB_T2 1-100 --states-only"
    synproxy_t2 -D
    lab_in t2 sysctl -qw net.netfilter.nf_conntrack_tcp_loose=1
    # Every port really open (redirected to a listener): checked, not flagged.
    lab_in t2 iptables -t nat -A PREROUTING -p tcp --dport 1:100 -j REDIRECT --to-ports 21
    $sc -sS -p 1-100 -oJ "$WORK/allopen.json" $LAB_T2 >"$WORK/allopen.txt" 2>&1
    lab_in t2 iptables -t nat -D PREROUTING -p tcp --dport 1:100 -j REDIRECT --to-ports 21
    check "a host with every port really open is checked and not flagged" bash -c \
        "grep -q '\"confirm\":{\"sampled\":8,\"reset\":0,\"proxied\":false}' '$WORK/allopen.json' &&
         ! grep -q 'SYN proxy' '$WORK/allopen.txt'"
    check "an ordinary host is not checked at all" bash -c \
        "$sc -sS -p 1-100 -oJ - $LAB_T1 | grep -q '\"confirm\":null'"
}
