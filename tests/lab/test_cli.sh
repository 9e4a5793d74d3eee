# Bad input: one line on stderr naming the problem, exit code 2, no crash
# (the binary under test runs with ASan/UBSan, which would abort instead).

bad_input() { # ARGS...: expects exit 2 and exactly one stderr line starting "scout: "
    local rc lines
    "$SCOUT" "$@" >/dev/null 2>"$WORK/err.txt" </dev/null; rc=$?
    lines=$(wc -l <"$WORK/err.txt")
    if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -q '^scout: ' "$WORK/err.txt"; then
        pass "rejects: $(cut -c1-100 <<<"$*")  -> $(cut -c1-200 "$WORK/err.txt")"
    else
        fail "bad input '$*': exit $rc, $lines stderr lines: $(head -c 300 "$WORK/err.txt")"
    fi
}

test_cli_errors() {
    bad_input -p 127.0.0.1
    bad_input -p 70000 127.0.0.1
    bad_input -p 22,,80 127.0.0.1
    bad_input -p nosuchservice 127.0.0.1
    bad_input 127.0.0.300
    bad_input 10.0.0.0/40
    bad_input 10.0.1-300.1
    bad_input -T7 127.0.0.1
    bad_input --max-rate abc 127.0.0.1
    bad_input --host-timeout 10parsecs 127.0.0.1
    bad_input --frobnicate 127.0.0.1
    bad_input -sO 127.0.0.1
    bad_input -S not-an-address -sS 127.0.0.1
    bad_input -g 0 127.0.0.1
    bad_input -iL /nonexistent/targets
    bad_input -oX /nonexistent/dir/out.xml 127.0.0.1
    bad_input --shard 4/3 127.0.0.1
    bad_input -sT
    bad_input -oN
    check "no arguments prints usage and exits 0" bash -c "'$SCOUT' | grep -q '^Usage: scout'"
    check "--version" bash -c "'$SCOUT' --version | grep -q '^scout '"
}

# fails_fast SECONDS WANT_RC PATTERN ARGS...: scout must stop within SECONDS
# with exit WANT_RC and one stderr line matching PATTERN.
fails_fast() {
    local secs=$1 want=$2 pat=$3 rc lines; shift 3
    timeout "$secs" "$SCOUT" "$@" >/dev/null 2>"$WORK/err.txt" </dev/null; rc=$?
    lines=$(wc -l <"$WORK/err.txt")
    if [[ $rc == $want ]] && [ "$lines" = 1 ] && grep -q -- "$pat" "$WORK/err.txt"; then
        pass "fails fast: $*  -> $(cat "$WORK/err.txt")"
    else
        fail "'$*': exit $rc (want $want), $lines stderr lines: $(head -c 300 "$WORK/err.txt")"
    fi
}

# Issue 18, item 1: every input file is read with a bound, and the message
# names the file (/dev/zero used to be read until memory ran out).
test_cli_input_bounds() {
    fails_fast 20 2 "'/dev/zero': larger than 64 MiB" -iL /dev/zero
    fails_fast 20 2 "'/dev/zero': larger than 64 MiB" --excludefile /dev/zero 127.0.0.1
    mkdir -p "$WORK/zero"
    ln -sf /dev/zero "$WORK/zero/nmap-services"
    fails_fast 20 2 "zero/nmap-services': larger than 64 MiB" --datadir "$WORK/zero" -p 22 127.0.0.1
    fails_fast 20 '[12]' "'/dev/zero': larger than 64 MiB" -sT -sV --versiondb /dev/zero -p 1 127.0.0.1
}

# Issue 18, item 2: no silent truncation.  A NUL in an -iL file separates
# targets as in nmap (the ones after it are scanned); a NUL in nmap-services is
# an error naming its line; line numbers count blank lines.
test_cli_nul_bytes() {
    printf '127.0.0.1\000127.0.0.2 127.0.0.3\n\n127.0.0.4\n' >"$WORK/nul-targets"
    local hosts
    hosts=$("$SCOUT" -sT -Pn -n -p 1 -iL "$WORK/nul-targets" -oG - 2>/dev/null | grep -c 'Status: Up')
    check "-iL with a NUL byte: the 4 targets around it are scanned (got $hosts)" [ "$hosts" = 4 ]
    mkdir -p "$WORK/svc"
    printf 'ssh\t22/tcp\t0.18\n\nhttp\t80/t\000cp\t0.48\nftp\t21/tcp\t0.2\n' >"$WORK/svc/nmap-services"
    bad_input --datadir "$WORK/svc" -p 22 127.0.0.1
    check "a NUL in nmap-services names its line" grep -q 'nmap-services:3: a NUL byte' "$WORK/err.txt"
    printf 'ssh\t22/tcp\t0.18\n\n\n# c\nhttp 80 0.48\n' >"$WORK/svc/nmap-services"
    bad_input --datadir "$WORK/svc" -p 22 127.0.0.1
    check "a malformed nmap-services line: its number counts blank lines" grep -q 'nmap-services:5: malformed' "$WORK/err.txt"
}

# stopped_by SIGNAL WANT_RC: a long loopback scan stopped by SIGNAL exits
# WANT_RC promptly and leaves a valid XML file.
stopped_by() {
    local sig=$1 want=$2 pid rc
    "$SCOUT" -sT -Pn -n -p 1-65535 --scan-delay 10ms -oX "$WORK/sig.xml" 127.0.0.1 \
        >/dev/null 2>&1 </dev/null &
    pid=$!
    sleep 1.5
    kill -"$sig" "$pid"
    rc=0
    timeout 10 tail --pid="$pid" -f /dev/null || rc=timeout
    wait "$pid" || rc=$?
    check "SIG$sig: exit $rc (want $want)" [ "$rc" = "$want" ]
    check "SIG$sig: the XML is closed and valid" \
        xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/sig.xml"
}

# Issue 18, item 3: bad input exits 2 wherever it is found (the probe
# database, a capture file), a signal exits 128+N as nmap and shells do.
test_cli_exit_codes() {
    mkdir -p "$WORK/adir"
    : >"$WORK/empty"
    echo "not a capture" >"$WORK/text"
    bad_input -sT -sV --versiondb "$WORK/adir" -p 1 127.0.0.1
    bad_input -sT -sV --versiondb "$WORK/empty" -p 1 127.0.0.1
    bad_input -sT -sV --versiondb "$SCOUT" -p 1 127.0.0.1
    bad_input --detect -r "$WORK/text"
    bad_input --detect -r "$WORK/empty"
    bad_input --detect -r "$WORK/adir"
    stopped_by TERM 143
    stopped_by INT 130
}

# Issue 18, item 4: a write that fails is said once, with its file and error,
# the other outputs are written in full, and the exit code says it (1).  A
# closed stdout (scout | head) stops the scan at the next write, exit 141.
test_cli_write_errors() {
    local rc lines
    "$SCOUT" -sT -Pn -n -p 1-100 -oX /dev/full -oN "$WORK/w.nmap" 127.0.0.1-3 \
        >/dev/null 2>"$WORK/err.txt" </dev/null; rc=$?
    lines=$(wc -l <"$WORK/err.txt")
    check "-oX /dev/full: exit $rc (want 1)" [ "$rc" = 1 ]
    check "-oX /dev/full: said once ($lines lines: $(head -c 200 "$WORK/err.txt"))" \
        bash -c "[ $lines = 1 ] && grep -q '/dev/full: No space left on device' '$WORK/err.txt'"
    check "-oX /dev/full: the normal output is complete" grep -q '^# scout done' "$WORK/w.nmap"
    "$SCOUT" -sT -Pn -n -p 1-100 -oX "$WORK/w.xml" 127.0.0.1-3 >/dev/full 2>"$WORK/err.txt"; rc=$?
    check "stdout on /dev/full: exit $rc (want 1), said: $(head -c 200 "$WORK/err.txt")" \
        bash -c "[ $rc = 1 ] && grep -q 'standard output: No space left' '$WORK/err.txt'"
    check "stdout on /dev/full: the XML is complete and valid" \
        xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/w.xml"
    local t0=$SECONDS hosts
    "$SCOUT" -sT -Pn -n -p 1-2000 --max-hostgroup 4 -oX "$WORK/pipe.xml" 127.0.0.1-254 \
        2>"$WORK/err.txt" </dev/null | head -1 >/dev/null
    rc=${PIPESTATUS[0]}
    hosts=$(grep -c '<host ' "$WORK/pipe.xml")
    check "scout | head -1: exit $rc (want 141), stopped after $hosts of 254 hosts, $((SECONDS - t0)) s" \
        bash -c "[ $rc = 141 ] && [ $hosts -lt 254 ] && [ ! -s '$WORK/err.txt' ]"
    check "scout | head -1: the XML is closed and valid" \
        xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/pipe.xml"
}

# rejects_saying PATTERN ARGS...: bad input (exit 2, one line) whose message
# matches PATTERN.
rejects_saying() {
    local pat=$1; shift
    bad_input "$@"
    check "... and says '$pat'" grep -q -- "$pat" "$WORK/err.txt"
}

# Issue 18, item 8: nmap's target grammar, and messages that say what is
# wrong.
test_cli_target_grammar() {
    local out
    out=$("$SCOUT" -sT -Pn -p ' 22' 127.1 127.0.0.010 2>&1)
    check "127.1 is 127.0.0.1, named as typed (nmap: inet_aton)" \
        grep -q 'Nmap scan report for 127.1 (127.0.0.1)' <<<"$out"
    check "127.0.0.010 is 127.0.0.10 (nmap: decimal octets)" \
        grep -q 'Nmap scan report for 127.0.0.10$' <<<"$out"
    check "-p ' 22': blanks around a port are allowed" grep -q '^22/tcp' <<<"$out"
    # A link-local target with its scope, in a namespace of its own.
    local ns=${LAB_PREFIX:-scout$$}-ll port=2222
    ip netns add $ns && trap "ip netns del $ns 2>/dev/null; trap - RETURN" RETURN
    ip -n $ns link set lo up
    ip -n $ns -6 addr add fe80::5c/64 dev lo nodad
    ip netns exec $ns python3 -c '
import socket, time
s = socket.socket(socket.AF_INET6); s.bind(("fe80::5c%lo", 2222, 0, socket.if_nametoindex("lo")))
s.listen(); time.sleep(10)' &
    local lpid=$!
    sleep 0.5
    out=$(ip netns exec $ns "$SCOUT" -sT -Pn -n -p $port 'fe80::5c%lo' 2>&1)
    kill $lpid 2>/dev/null; wait $lpid 2>/dev/null
    check "fe80::5c%lo: the scope reaches connect() ($(grep "^$port/" <<<"$out"))" \
        grep -q "^$port/tcp open" <<<"$out"
    rejects_saying "no such network interface" -sT 'fe80::1%nosuchif9'
    rejects_saying "^scout: invalid target 'aaaaaaaa.*at most 253 characters" \
        "$(head -c 10000 /dev/zero | tr '\0' a)"
    rejects_saying "-T '-n'" -T -n 127.0.0.1
    rejects_saying "^scout: --max-rtt-timeout must be greater than 0" --max-rtt-timeout 0 127.0.0.1
    rejects_saying "'$WORK': Is a directory" -iL "$WORK"
    rejects_saying "^scout: cannot read capture /nonexistent/c.pcap: No such file" --detect -r /nonexistent/c.pcap
}

# caps_of PID: "uid CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs", one line
# per distinct state among the process's threads (capabilities are per thread).
caps_of() {
    local t
    for t in /proc/"$1"/task/*; do
        awk '/^Uid:/ { u = $2 } /^Cap(Inh|Prm|Eff|Bnd|Amb):/ { c = c " " $2 } /^NoNewPrivs:/ { n = $2 }
             END { print u c " " n }' "$t/status" 2>/dev/null
    done | sort -u
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
    local i n=$(($1 * 10)); shift
    for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}

# Issue 18, item 10: privileges go before scout reads what others wrote.  As
# root (no sudo) scout becomes nobody with only CAP_NET_RAW, permitted and not
# in effect, then reads host names, -iL and exclude files and nmap-services,
# then opens the raw handles (raising CAP_NET_RAW for that alone), then
# clears every capability; output files, probe databases and capture files
# come after.  A root-only file is out of its reach, as a user would see.
test_cli_privilege_order() {
    local in_scan="ip netns exec $(lab_ns scan) $SCOUT" rc pid caps
    local none=0000000000000000
    echo $LAB_T1 >"$WORK/root-only"
    chmod 600 "$WORK/root-only"
    $in_scan -n -sS -p 22 -iL "$WORK/root-only" >/dev/null 2>"$WORK/err.txt"; rc=$?
    check "-iL of a root-only file: exit $rc (want 2), $(cat "$WORK/err.txt")" bash -c \
        "[ $rc = 2 ] && grep -q \"root-only': Permission denied (scout runs as nobody\" '$WORK/err.txt'"
    $in_scan -n -sS -p 22 --no-drop-privileges -iL "$WORK/root-only" -oG "$WORK/keep.gnmap" >/dev/null 2>&1
    check "... read with --no-drop-privileges" grep -q "Host: $LAB_T1 .*22/closed\|Host: $LAB_T1 .*22/open" \
        "$WORK/keep.gnmap"
    mkdir -p -m 700 "$WORK/root-dir"
    $in_scan -n -sS -p 22 -oX "$WORK/root-dir/out.xml" $LAB_T1 >/dev/null 2>"$WORK/err.txt"; rc=$?
    check "-oX in a root-only directory: exit $rc (want 2), $(cat "$WORK/err.txt")" bash -c \
        "[ $rc = 2 ] && grep -q 'out.xml.: Permission denied (scout runs as nobody' '$WORK/err.txt'"
    python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' \
        "$WORK/root-only.pcap"
    chmod 600 "$WORK/root-only.pcap"
    "$SCOUT" --detect -r "$WORK/root-only.pcap" >/dev/null 2>"$WORK/err.txt"; rc=$?
    check "--detect -r of a root-only capture: exit $rc (want 2), $(cat "$WORK/err.txt")" bash -c \
        "[ $rc = 2 ] && grep -q 'Permission denied (scout runs as nobody' '$WORK/err.txt'"
    # While scout waits on an -iL FIFO it is reading its targets.
    rm -f "$WORK/targets.fifo"
    mkfifo -m 666 "$WORK/targets.fifo"
    $in_scan -n -sS -p 22 -iL "$WORK/targets.fifo" -oX "$WORK/fifo.xml" >/dev/null 2>&1 &
    pid=$!
    wait_until 5 grep -q "^Uid:.65534" /proc/$pid/status
    caps=$(caps_of $pid)
    timeout 5 bash -c "echo $LAB_T1 >'$WORK/targets.fifo'"
    wait $pid
    check "reading -iL: nobody, nothing in effect, only CAP_NET_RAW permitted ($caps)" \
        [ "$caps" = "65534 $none 0000000000002000 $none $none $none 1" ]
    check "... then the targets read are scanned" grep -q "<address addr=\"$LAB_T1\"" "$WORK/fifo.xml"
    # Scanning: no capability in any set of any thread.
    $in_scan -n -sS -p 1-6000 --max-rate 2000 -oX "$WORK/caps.xml" $LAB_T3 >/dev/null 2>&1 &
    pid=$!
    wait_until 10 grep -qs '<scaninfo' "$WORK/caps.xml"
    sleep 0.5
    caps=$(caps_of $pid)
    kill -INT $pid
    wait $pid
    check "scanning: nobody with no capability left, every thread ($caps)" \
        [ "$caps" = "65534 $none $none $none $none $none 1" ]
}
