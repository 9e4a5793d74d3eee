# Lab tests of reverse DNS (src/rdns.c): a resolver 100 ms away that answers
# PTR for any IPv4 address (tests/lab/ptrserver.py) runs in a namespace of its
# own, "dns" (198.18.0.53); the scanner's namespace is given it through
# ip netns exec's /etc/netns/NS/resolv.conf.  One lookup costs 100 ms, so
# 256 of them one after the other cost 25.6 s.

RDNS_DELAY_MS=100
RDNS_IP=198.18.0.53

rdns_up() {
    local scan_etc="/etc/netns/$(lab_ns scan)"
    [ -x "$LAB_DIR/rdnsbatch" ] ||
        cc -std=c17 -D_GNU_SOURCE -O1 -I"$LAB_SRC/../../src" -o "$LAB_DIR/rdnsbatch" "$LAB_SRC/rdnsbatch.c" \
            "$LAB_SRC/../../src/rdns.c" "$LAB_SRC/../../src/util.c" "$LAB_SRC/../../src/addr.c" -lpthread -lm ||
        return 1
    if [ ! -e "$LAB_DIR/dns-up" ]; then
        lab_add_host dns $RDNS_IP 2001:2::53 || return 1
        lab_in dns python3 "$LAB_SRC/ptrserver.py" $RDNS_DELAY_MS >/dev/null 2>&1 &
        touch "$LAB_DIR/dns-up"
    fi
    mkdir -p "$scan_etc"
    printf 'nameserver %s\noptions timeout:2 attempts:1\n' $RDNS_IP >"$scan_etc/resolv.conf"
    local i
    for i in $(seq 50); do
        lab_in scan getent hosts $LAB_T1 2>/dev/null | grep -q "h-198-18-0-10.lab.test" && return 0
        sleep 0.1
    done
    return 1
}

# The namespace and the server go with the lab; the resolv.conf is ours.
rdns_down() { rm -rf "/etc/netns/$(lab_ns scan)"; }

test_rdns_concurrent() {
    if ! rdns_up; then
        fail "reverse DNS lab: the PTR server did not come up"
        rdns_down
        return
    fi
    local out
    out=$(lab_in scan "$LAB_DIR/rdnsbatch" 198.18.0.0/24)
    echo "    $out" | head -1
    check "256 PTR lookups at 100 ms each: every name, in under 5 s (25.6 s one by one)" \
        awk '/^names/ { exit !($2 == 256 && $6 < 5) }' <<<"$out"
    check "the names are the server's" grep -q "^first h-198-18-0-1.lab.test$" <<<"$out"

    # Ctrl-C with 1024 lookups to go (6.4 s of them): out at once, exit 130.
    ip netns exec "$(lab_ns scan)" "$LAB_DIR/rdnsbatch" 198.18.0.0/22 >"$WORK/rdns-int.txt" 2>&1 &
    local pid=$! t0 rc
    sleep 0.5
    t0=$(date +%s%N)
    kill -INT $pid
    wait $pid
    rc=$?
    local ms=$((($(date +%s%N) - t0) / 1000000))
    check "Ctrl-C during lookups: exit 130 (got $rc)" test "$rc" = 130
    check "Ctrl-C during lookups: out in ${ms} ms (< 300)" test "$ms" -lt 300
    check "Ctrl-C during lookups: the names found so far are kept" \
        awk '/^names/ { exit !($2 > 0 && $2 < 1024) }' "$WORK/rdns-int.txt"

    out=$(lab_in scan "$LAB_DIR/rdnsbatch" 198.18.0.0/22 400)
    check "a deadline of 400 ms ends the lookups then" \
        awk '/^names/ { exit !($6 < 0.7 && $8 > 0) }' <<<"$out"
    rdns_down
}

test_rdns_scout() {
    # scout itself: a /24 with -Pn (every host up, one port each), names on.
    # Serial lookups take 25.6 s here; concurrent ones well under 8.
    if ! rdns_up; then
        fail "reverse DNS lab: the PTR server did not come up"
        rdns_down
        return
    fi
    local t0=$SECONDS
    ip netns exec "$(lab_ns scan)" "$SCOUT" -sT -Pn -p 9 --max-retries 0 --max-rtt-timeout 200ms \
        198.18.0.0/24 >"$WORK/rdns-scout.txt" 2>&1
    local took=$((SECONDS - t0))
    check "scout: 256 hosts' names in ${took} s (< 8 s; 25.6 s one by one)" test "$took" -lt 8
    check "scout: the report names each host" \
        grep -q "^Nmap scan report for h-198-18-0-10.lab.test ($LAB_T1)$" "$WORK/rdns-scout.txt"

    # Ctrl-C with 1024 names to look up (6.4 s of them): out promptly, the
    # lookups in flight left to their threads, the XML closed.
    ip netns exec "$(lab_ns scan)" "$SCOUT" -sT -Pn -p 9 --max-retries 0 --max-rtt-timeout 200ms \
        -oX "$WORK/rdns-int.xml" 198.18.0.0/22 >"$WORK/rdns-scout-int.txt" 2>&1 &
    local pid=$! t1 rc
    sleep 2
    t1=$(date +%s%N)
    kill -INT $pid
    wait $pid
    rc=$?
    local ms=$((($(date +%s%N) - t1) / 1000000))
    check "scout: Ctrl-C during lookups exits 130 (got $rc)" test "$rc" = 130
    check "scout: ... in ${ms} ms (< 500)" test "$ms" -lt 500
    check "scout: ... with its XML closed" grep -q "</nmaprun>" "$WORK/rdns-int.xml"
    rdns_down
}
