# Lab tests of host discovery against ground truth (issue 15): the segment's
# hosts with MACs from each registry size and a dark host (lab_setup_disc),
# each host's status, reason, MAC and vendor; the routed hosts only IP probes
# can find (ICMP dropped but 443 open; timestamp only); --disable-arp-ping
# and -PR where ARP cannot apply; the farm's /19 in one sweep.  The truth is
# $LAB_DIR/truth-disc plus the rest of the segment as disccheck.py segment
# finds it in the lab's namespaces.  Sourced by run-all.sh.

DISC_SEG=198.18.0.0/24
DISC_SEG6=2001:2::/64

# disc_verify DESCRIPTION TRUTH RESULT [disccheck.py check options]: one
# check, its summary line in the description, each mismatch below it.
disc_verify() {
    local what=$1 out rc; shift
    out=$(python3 "$LAB_SRC/disccheck.py" check "$@" 2>&1)
    rc=$?
    check "$what: $(head -1 <<<"$out")" test $rc = 0
    [ $rc = 0 ] || tail -n +2 <<<"$out" | head -20
}

# The segment's truth, written once per lab (the hosts a test adds later,
# e.g. test_rdns's dns, are not on it: run this file's tests first).
disc_truth() {
    [ -s "$WORK/truth-seg" ] ||
        python3 "$LAB_SRC/disccheck.py" segment "$LAB_DIR/truth-disc" "$(lab_ns scan)" "${LAB_NS[@]}" \
            >"$WORK/truth-seg"
    echo "$WORK/truth-seg"
}

# The segment's IPv6 addresses in the truth (scout takes no IPv6 ranges).
disc_seg6() { awk '$1 ~ /^2001:2::[0-9a-f]+$/ {print $1}' "$(disc_truth)"; }

test_discovery_segment() {
    local t; t=$(disc_truth)
    scan -n -sn --reason -oX "$WORK/dseg.xml" -oJ "$WORK/dseg.json" $DISC_SEG >"$WORK/dseg.txt"
    disc_verify "-sn $DISC_SEG: every host up by arp-response with its MAC, nothing else up" \
        "$t" "$WORK/dseg.xml" --net $DISC_SEG --what status,reason,mac
    check "... the dark host (all IP dropped) among them, by arp-response" \
        test "$(up_reason "$WORK/dseg.txt" $LAB_DISC_DARK)" = arp-response
    # Vendors: the registry's Organization Name, longest prefix first (the
    # MA-M and MA-S blocks sit in MA-Ls named "IEEE Registration Authority").
    disc_verify "... XML vendor of the MA-L, MA-M and MA-S MACs" \
        "$t" "$WORK/dseg.xml" --net $DISC_SEG --what vendor
    disc_verify "... JSON mac and vendor alike" "$t" "$WORK/dseg.json" --format json --net $DISC_SEG --what mac,vendor
    check "... normal output: 'MAC Address: 60:8B:0E:00:00:60 (Apple, Inc.)' (a quoted CSV name)" \
        grep -qx "MAC Address: 60:8B:0E:00:00:60 (Apple, Inc.)" "$WORK/dseg.txt"
    check "... 'MAC Address: 70:B3:D5:71:90:62 (2M Technology)' (MA-S, not its MA-L)" \
        grep -qx "MAC Address: 70:B3:D5:71:90:62 (2M Technology)" "$WORK/dseg.txt"
    check "... and a random (locally administered) MAC: '(Unknown)'" \
        grep -qxi "MAC Address: $(lab_in t2 cat /sys/class/net/eth0/address) (Unknown)" "$WORK/dseg.txt"
    check "... the XML is valid against nmap.dtd" xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/dseg.xml"
}

test_discovery_segment6() {
    local t; t=$(disc_truth)
    # shellcheck disable=SC2046
    scan -n -sn --reason -oX "$WORK/dseg6.xml" $(disc_seg6) 2001:2::99 >"$WORK/dseg6.txt"
    disc_verify "-sn of the segment's IPv6 addresses: up by nd-response with their MACs, 2001:2::99 down" \
        "$t" "$WORK/dseg6.xml" --net $DISC_SEG6 --what status,reason,mac
    disc_verify "... and their vendors" "$t" "$WORK/dseg6.xml" --net $DISC_SEG6 --what vendor
}

test_discovery_routed() {
    local t; t=$(disc_truth)
    scan -n -sn --reason -oX "$WORK/droute.xml" $LAB_DISC_NET $LAB_DISC_SYN6 $LAB_DISC_TS6 $LAB_DISC_NONE6 \
        >"$WORK/droute.txt"
    disc_verify "-sn behind a router: ICMP dropped but 443 open up by syn-ack, timestamp-only by timestamp-reply (IPv6: down), no MACs" \
        "$t" "$WORK/droute.xml" --net $LAB_DISC_NET --net $LAB_DISC_NET6
}

# On the segment with --disable-arp-ping the IP probes decide: the dark host
# is down, the others up by what answered them; MACs are still shown (the
# frames carry them), as nmap does.
test_discovery_no_arp() {
    local t; t=$(disc_truth)
    scan -n -sn --reason --disable-arp-ping -oX "$WORK/dnoarp.xml" 198.18.0.60-63 $LAB_DISC_GW6 2001:2::61 \
        2001:2::62 $LAB_DISC_DARK6 >"$WORK/dnoarp.txt"
    awk -v a=$LAB_DISC_DARK -v b=$LAB_DISC_DARK6 '$1 == a || $1 == b {$2 = "down"; $3 = "no-response"} 1' "$t" \
        >"$WORK/truth-noarp"
    local nets="--net 198.18.0.60/30 --net 2001:2::60/126"
    disc_verify "-sn --disable-arp-ping: the dark host down, the others up by IP probes (not arp/nd-response)" \
        "$WORK/truth-noarp" "$WORK/dnoarp.xml" $nets --what status,reason --reason-not arp-response,nd-response
    disc_verify "... with their MACs" "$WORK/truth-noarp" "$WORK/dnoarp.xml" $nets --what mac
    scan -n -sn --reason --disable-arp-ping -PE $LAB_DISC_GW >"$WORK/dnoarp-pe.txt"
    check "... -PE alone: echo-reply" test "$(up_reason "$WORK/dnoarp-pe.txt" $LAB_DISC_GW)" = echo-reply
}

# -PR toward routed targets: ARP cannot reach them; nmap's IP probes decide
# instead, and scout says so.
test_discovery_pr_routed() {
    scan -n -sn --reason -PR $LAB_DISC_SYN $LAB_DISC_TS $LAB_DISC_NONE $LAB_DISC_GW >"$WORK/dpr.txt" 2>"$WORK/dpr.err"
    local rc=$?
    check "-PR toward routed targets: runs (exit $rc)" test $rc = 0
    check "... the ICMP-dropping host up by syn-ack" test "$(up_reason "$WORK/dpr.txt" $LAB_DISC_SYN)" = syn-ack
    check "... the timestamp-only host up by timestamp-reply" \
        test "$(up_reason "$WORK/dpr.txt" $LAB_DISC_TS)" = timestamp-reply
    check "... the segment host among them still by arp-response" \
        test "$(up_reason "$WORK/dpr.txt" $LAB_DISC_GW)" = arp-response
    check "... 3 hosts up" grep -q "(3 hosts up)" "$WORK/dpr.txt"
    check "... and scout says ARP does not reach the routed ones (stderr: '$(head -c 200 "$WORK/dpr.err")')" \
        grep -qi "arp" "$WORK/dpr.err"
}

# The farm: 198.19.128.0/19, 8192 addresses that all answer, behind eth3.
test_discovery_farm() {
    local t0 ms n
    t0=$(date +%s%N)
    scan -n -sn -oG "$WORK/dfarm.gnmap" $LAB_FARM_LIVE >"$WORK/dfarm.txt"
    ms=$((($(date +%s%N) - t0) / 1000000))
    n=$(grep -c "Status: Up" "$WORK/dfarm.gnmap")
    check "-sn $LAB_FARM_LIVE (routed): $n/8192 up in $ms ms (< 10 s)" test "$n" = 8192 -a "$ms" -lt 10000
    check "... the summary says so" grep -q "8192 IP addresses (8192 hosts up)" "$WORK/dfarm.txt"
}

# The LAN view sweeps the attached networks only: the segment's hosts with
# their MACs and vendors, nothing of the routed hosts behind .60.
test_discovery_lan() {
    local t; t=$(disc_truth)
    scan -n --lan -oJ "$WORK/dlan.json" >"$WORK/dlan.txt"
    disc_verify "--lan: every host of the segment by arp-response with its MAC and vendor (JSON)" \
        "$t" "$WORK/dlan.json" --format json --net $DISC_SEG --ignore $LAB_SCAN_IP
    check "... the table: '198.18.0.62  70:B3:D5:71:90:62 2M Technology ... arp-response'" \
        grep -qE "^198\.18\.0\.62 +70:B3:D5:71:90:62 2M Technology +- +arp-response " "$WORK/dlan.txt"
    check "... and nothing of $LAB_DISC_NET (routed, not attached)" bash -c "! grep -q '^198\.18\.4\.' '$WORK/dlan.txt'"
}
