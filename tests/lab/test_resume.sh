# tests/lab/test_resume.sh: the results store's --resume (issue 17): a -p- SYN
# scan of t2 stopped halfway (kill -9, SIGINT, SIGTERM) and continued; its
# files, once finished, say what an uninterrupted scan says, and only the
# pairs not yet decided are probed again (counted at t2 by an iptables rule).
# Also the refusals: another command line, nothing to resume, a bad store.

RESUME_RATE=8000

# t2 counts the SYNs it gets from the scanner (raw table: before conntrack).
syn_counter() { # on|off
    local op=-I
    [ "$1" = off ] && op=-D
    lab_in t2 iptables -w -t raw $op PREROUTING -s $LAB_SCAN_IP -p tcp --syn -m comment --comment scoutresume
}
syns() { lab_in t2 iptables -w -t raw -nvxL PREROUTING | awk '/scoutresume/ { print $1 }'; }
syns_zero() { lab_in t2 iptables -w -t raw -Z PREROUTING; }

# NAME SIGNAL: a -p- scan into $WORK/res-NAME.*, stopped with SIGNAL once
# t2 has had a third of its SYNs, then --resume; sets RES_RC (the resume's
# exit) and RES_EXTRA (SYNs in all minus 65535).
interrupted_scan() {
    local name=$1 sig=$2 base=$WORK/res-$1 pid
    rm -f "$base".*
    syns_zero
    # (ip netns exec execs scout: $! is scout's pid, not a subshell's)
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -Pn -sS -p- --max-rate $RESUME_RATE --db "$base.db" -oA "$base" \
        -oJ "$base.json" $LAB_T2 >/dev/null 2>"$base.err" &
    pid=$!
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(syns)" -ge 21845 ] 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.02
    done
    kill -"$sig" $pid 2>/dev/null
    wait $pid
    RES_STOP_RC=$?
    lab_in scan "$SCOUT" --resume --db "$base.db" >"$base.resume.out" 2>"$base.resume.err"
    RES_RC=$?
    RES_EXTRA=$(($(syns) - 65535))
}

# The files of a scan, less what differs between any two runs: times,
# latencies, the command line's file names.
normalised() {
    sed -E -e 's/(start|end|time|startstr|endstr|elapsed|timestr|srtt|rttvar|to)="[^"]*"/\1=""/g' \
        -e 's/[0-9]+\.[0-9]+s latency/Xs latency/; s/scanned in [0-9.]+ seconds/scanned in X seconds/' \
        -e 's/(initiated|at) [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}/\1 X/' \
        -e 's#res-[a-z0-9]+#res-X#g; s/Starting scout .*/Starting scout/; s/Nmap done at .*//' "$1"
}

test_resume_kill9() {
    syn_counter on
    interrupted_scan kill9 KILL
    local b=$WORK/res-kill9
    check "kill -9 halfway (exit $RES_STOP_RC), then --resume: exit 0" test "$RES_RC" = 0
    check "the resumed XML is valid against nmap.dtd" xml_valid "$b.xml"
    check "the resumed XML has every port of t2 right" \
        python3 "$LAB_SRC/compare.py" "$b.xml" "$LAB_DIR/truth-t2" $LAB_T2 1-65535 --scan syn
    check "the resumed grepable and JSON files are whole (one host line, one end)" \
        bash -c "[ \$(grep -c '^Host: .*Ports:' '$b.gnmap') = 1 ] && grep -q '^# scout done' '$b.gnmap' &&
                 [ \$(grep -c '\"event\":\"host\"' '$b.json') = 1 ] && tail -1 '$b.json' | grep -q '\"event\":\"end\"'"
    # the same scan uninterrupted, for the files' comparison
    local u=$WORK/res-whole
    syns_zero
    lab_in scan "$SCOUT" -n -Pn -sS -p- --max-rate $RESUME_RATE --db "$u.db" -oA "$u" -oJ "$u.json" $LAB_T2 \
        >/dev/null 2>&1
    local whole; whole=$(syns)
    check "the resumed normal output is the uninterrupted scan's (times aside)" \
        diff <(normalised "$b.nmap") <(normalised "$u.nmap")
    check "... and so is its XML" diff <(normalised "$b.xml") <(normalised "$u.xml")
    check "scout diff: resumed and uninterrupted scans are the same (exit 0)" \
        lab_in scan "$SCOUT" diff "$b.xml" "$u.xml"
    local both=$((RES_EXTRA + 65535))
    echo "    (SYNs at t2: uninterrupted $whole, killed + resumed $both: $((both - whole)) more)"
    check "--resume probes again only what was undecided (< 2 % more SYNs than uninterrupted: $((both - whole)))" \
        test $(((both - whole) * 50)) -lt "$whole"
    syn_counter off
}

test_resume_signals() {
    syn_counter on
    local sig
    for sig in INT TERM; do
        interrupted_scan $sig $sig
        local b=$WORK/res-$sig want
        [ $sig = INT ] && want=130 || want=143
        check "SIG$sig halfway (exit $RES_STOP_RC, want $want), then --resume: exit 0" \
            test "$RES_STOP_RC" = $want -a "$RES_RC" = 0
        check "after SIG$sig and --resume: every port of t2 right, the XML valid" \
            bash -c "python3 '$LAB_SRC/compare.py' '$b.xml' '$LAB_DIR/truth-t2' $LAB_T2 1-65535 --scan syn >/dev/null &&
                     xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd '$b.xml'"
        check "after SIG$sig: the interrupted run's partial report is gone from the files" \
            bash -c "! grep -q interrupted '$b.nmap' && [ \$(grep -c '^Nmap scan report' '$b.nmap') = 1 ]"
    done
    syn_counter off
}

test_resume_refusals() {
    local db=$WORK/res-kill9.db
    expect_exit 2 "--resume of a finished scan: exit 2" \
        lab_in scan "$SCOUT" --resume --db "$db" >/dev/null 2>"$WORK/res-none.err"
    check "... saying there is nothing to resume" grep -q "holds no interrupted scan" "$WORK/res-none.err"
    expect_exit 2 "--resume 999 (no such scan): exit 2" \
        lab_in scan "$SCOUT" --resume 999 --db "$db" >/dev/null 2>"$WORK/res-999.err"
    check "... in one line" test "$(wc -l <"$WORK/res-999.err")" = 1
    # an interrupted scan, resumed with another command line
    local b=$WORK/res-other pid
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -Pn -sS -p- --max-rate 2000 --db "$b.db" $LAB_T2 >/dev/null 2>&1 &
    pid=$!
    sleep 1.5
    kill -KILL $pid
    wait $pid
    expect_exit 2 "--resume with another command line: exit 2" \
        lab_in scan "$SCOUT" --resume --db "$b.db" -n -sS -p 80 $LAB_T2 >/dev/null 2>"$b.err"
    check "... saying it is not the scan's" grep -q "is not scan 1's" "$b.err"
    expect_exit 0 "--resume with the scan's own command line: exit 0" \
        lab_in scan "$SCOUT" --resume --db "$b.db" -n -Pn -sS -p- --max-rate 2000 --db "$b.db" $LAB_T2 >/dev/null 2>&1
    # bad stores
    printf 'this is not a database, but it is long enough to look like one at first sight.....' >"$WORK/res-corrupt.db"
    expect_exit 2 "--db on a corrupt file: exit 2" \
        lab_in scan "$SCOUT" -n -sT -p 22 --db "$WORK/res-corrupt.db" $LAB_T1 >/dev/null 2>"$WORK/res-c.err"
    check "... in one line naming the file" bash -c "[ \$(wc -l <'$WORK/res-c.err') = 1 ] && grep -q res-corrupt.db '$WORK/res-c.err'"
    expect_exit 2 "--db on an unreachable PostgreSQL: exit 2" \
        lab_in scan "$SCOUT" -n -sT -p 22 --db "postgresql://scout@/scout?host=$WORK/no-such-dir" $LAB_T1 \
        >/dev/null 2>"$WORK/res-pg.err"
    check "... in one line" test "$(wc -l <"$WORK/res-pg.err")" = 1
    expect_exit 2 "--shard auto outside a scheduler: exit 2" \
        env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$SCOUT" --shard auto --seed 1 -sT -p 22 127.0.0.1 \
        >/dev/null 2>"$WORK/res-shard.err"
    check "... saying so" grep -q "^scout: --shard auto: " "$WORK/res-shard.err"
}
