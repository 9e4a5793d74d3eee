# Lab tests over IPv6: every scan type against the lab's IPv6 addresses
# (2001:2::/48) and truth6-<host>, the same hosts and port ranges as the
# IPv4 tests (test_connect.sh, test_raw.sh).  The hosts' ip6tables rules
# mirror their iptables ones; where an ICMP flavour has no ICMPv6 twin the
# IPv6 truth names what comes back instead (lab.sh, lab_setup_t1).
# Sourced by run-all.sh: $SCOUT, $WORK, lab_* and check/pass/fail are set.

scan6() { lab_in scan "$SCOUT" "$@"; }

# TYPE FLAG HOST PORTSPEC [COMPARE_FLAGS...]: scan HOST's IPv6 address and
# compare port for port with its IPv6 truth (TYPE connect: the truth as is).
v6_matches() {
    local type=$1 flag=$2 host=$3 spec=$4 ip; ip=$(lab_ip6 "$3")
    shift 4
    scan6 -n "$flag" -p "$spec" -oX "$WORK/v6-$type-$host.xml" "$ip" >"$WORK/v6-$type-$host.txt" 2>&1 || {
        sed 's/^/    /' "$WORK/v6-$type-$host.txt" | grep -iE "error|not implemented|scout:" | head -3
        return 1
    }
    python3 "$LAB_SRC/compare.py" "$WORK/v6-$type-$host.xml" "$LAB_DIR/truth6-$host" "$ip" "$spec" --scan "$type" "$@"
}

# Compares an existing XML again (no new scan).
v6_recheck() { # TYPE HOST PORTSPEC [COMPARE_FLAGS...]
    local type=$1 host=$2 spec=$3; shift 3
    python3 "$LAB_SRC/compare.py" "$WORK/v6-$type-$host.xml" "$LAB_DIR/truth6-$host" "$(lab_ip6 "$host")" \
        "$spec" --scan "$type" "$@"
}

test_ipv6_connect() {
    # -sT reads the ICMPv6 error behind a refused connect (IPV6_RECVERR), so
    # its reasons are nmap's raw ones; states are checked alone first.
    check "-sT -p- over IPv6 on t1: every state right" v6_matches connect -sT t1 1-65535 --states-only
    check "... and every ICMPv6 code named as nmap names it" v6_recheck connect t1 1-65535
    check "its XML says addrtype=\"ipv6\" and is valid against nmap.dtd" bash -c \
        "grep -q 'addr=\"$LAB_T1_6\" addrtype=\"ipv6\"' '$WORK/v6-connect-t1.xml' &&
         xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd '$WORK/v6-connect-t1.xml'"
    check "-sT -p- over IPv6 on t2 matches truth6" v6_matches connect -sT t2 1-65535
    check "-sT -p- over IPv6 on t3 (stateful ip6tables) matches truth6" v6_matches connect -sT t3 1-65535
    check "-sT over IPv6 across the lossy link (t4) matches truth6" v6_matches connect -sT t4 1-10000
}

test_ipv6_connect_mixed() {
    scan6 -n -sT -p 1-7100 -oX "$WORK/v6-mixed-t.xml" $LAB_T1 $LAB_T1_6 $LAB_T2_6 >/dev/null
    check "-sT of IPv4 and IPv6 targets in one scan: t1 over IPv4 right" python3 "$LAB_SRC/compare.py" \
        "$WORK/v6-mixed-t.xml" "$LAB_DIR/truth-t1" $LAB_T1 1-7100 --states-only
    check "... t1 over IPv6 right" python3 "$LAB_SRC/compare.py" \
        "$WORK/v6-mixed-t.xml" "$LAB_DIR/truth6-t1" $LAB_T1_6 1-7100 --states-only
    check "... t2 over IPv6 right" python3 "$LAB_SRC/compare.py" \
        "$WORK/v6-mixed-t.xml" "$LAB_DIR/truth6-t2" $LAB_T2_6 1-7100
}

test_raw6_syn_full() {
    check "-sS -p- over IPv6 on t1 (every ICMPv6 code ip6tables sends) matches truth6" v6_matches syn -sS t1 1-65535
    check "-sS -p- over IPv6 on t2 matches truth6" v6_matches syn -sS t2 1-65535
    check "-sS -p- over IPv6 on t3 (stateful ip6tables) matches truth6" v6_matches syn -sS t3 1-65535
    check "IPv6 SYN XML: type=syn, addrtype=ipv6, valid against nmap.dtd" bash -c \
        "grep -q '<scaninfo type=\"syn\"' '$WORK/v6-syn-t1.xml' &&
         grep -q 'addr=\"$LAB_T1_6\" addrtype=\"ipv6\"' '$WORK/v6-syn-t1.xml' &&
         xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd '$WORK/v6-syn-t1.xml'"
    check "reasons carry the reply's hop limit" grep -qE "^22/tcp +open" "$WORK/v6-syn-t1.txt"
}

test_raw6_ack_maps_firewall() {
    check "-sA over IPv6 on the stateful firewall: 22,80 unfiltered, the rest filtered" v6_matches ack -sA t3 1-3000
    check "-sA over IPv6 on t2: reachable ports unfiltered, DROP and ICMPv6 filtered" v6_matches ack -sA t2 1-7100
}

test_raw6_stealth_family() {
    check "-sF over IPv6 on t1" v6_matches fin -sF t1 1-7000
    check "-sN over IPv6 on t1" v6_matches null -sN t1 1-7000
    check "-sX over IPv6 on t1" v6_matches xmas -sX t1 1-7000
    check "-sW over IPv6 on t2" v6_matches window -sW t2 1-7100
    check "-sM over IPv6 on t2" v6_matches maimon -sM t2 1-7100
}

test_raw6_lossy_link() {
    # t4 sits behind 22 ms each way and 2 % loss each way; neighbour
    # discovery crosses the same impaired link.
    check "-sS -p- over IPv6 across the lossy link matches truth6" v6_matches syn -sS t4 1-65535
}

test_raw6_bottleneck() {
    check "-sS -p 1-30000 over IPv6 through the bottleneck matches truth6" v6_matches syn -sS t5 1-30000
}

test_raw6_shards() {
    local k
    for k in 1 2; do
        scan6 -n -sS -p 1-7100 --seed 7 --shard $k/2 -oX "$WORK/v6-rshard$k.xml" $LAB_T1_6 >/dev/null 2>&1
    done
    check "-sS over IPv6: shards 1/2 + 2/2 cover 1-7100 exactly once, right" python3 "$LAB_SRC/shardcheck.py" \
        --scan syn "$LAB_DIR/truth6-t1" $LAB_T1_6 1-7100 "$WORK/v6-rshard1.xml" "$WORK/v6-rshard2.xml"
}

test_raw6_mixed_families() {
    # One raw scan, both families, hosts on two interfaces (t4 behind eth1):
    # each target must be scanned from the right source, none falsely filtered.
    local out=$WORK/v6-mixed-s.xml
    scan6 -n -sS -p 1-7100 -oX "$out" $LAB_T1 $LAB_T1_6 $LAB_T2_6 $LAB_T4_6 >"$WORK/v6-mixed-s.txt" 2>&1
    check "-sS of IPv4 and IPv6 targets in one scan: t1 over IPv4 right" python3 "$LAB_SRC/compare.py" \
        "$out" "$LAB_DIR/truth-t1" $LAB_T1 1-7100 --scan syn
    check "... t1 over IPv6 right" python3 "$LAB_SRC/compare.py" "$out" "$LAB_DIR/truth6-t1" $LAB_T1_6 1-7100 --scan syn
    check "... t2 over IPv6 right" python3 "$LAB_SRC/compare.py" "$out" "$LAB_DIR/truth6-t2" $LAB_T2_6 1-7100 --scan syn
    check "... t4 over IPv6 (another interface) right" python3 "$LAB_SRC/compare.py" \
        "$out" "$LAB_DIR/truth6-t4" $LAB_T4_6 1-7100 --scan syn
}
