# Lab tests of OS detection (-O, issue 16) against the personality hosts
# o1..o4 (lab.sh, lab_setup_os: TCP 22 open, the rest closed, each with its
# own TTL, timestamps, window scaling, SACK, ECN, receive buffer and MTU),
# with nmap -O as the reference:
#   - os_ref: nmap -O --osscan-guess over the four at once with nmap's own
#     nmap-os-db (on this kernel no exact match: aggressive guesses a point
#     apart, and the fingerprint printed);
#   - os_labref: from that run's fingerprints, a lab database (oscheck.py
#     labdb: nmap's MatchPoints and one entry per host, "Scout lab oN",
#     timing-dependent values widened) in a --datadir of its own, and nmap
#     -O with it: every host an exact (100 %) match, so the outputs' exact-
#     match lines (Device type, Running, OS CPE, OS details, grepable OS:)
#     can be compared with nmap's line for line.
# Fingerprints are compared test by test by oscheck.py fp (which values are
# timing-dependent, and why, is said there); best matches by oscheck.py
# best: scout's best among nmap's three best (ties at the third place
# included) less one point, since SP and ISR are noise on Linux and move a
# few guesses by a point from run to run (nmap's own runs of o2 disagree so).
# Every scan names the same ports, -p 1,22 (one closed, one open), so both
# tools probe the same ones.  The database is found as nmap finds it: in
# --datadir DIR (default /usr/share/nmap), as nmap-os-db.
# Sourced by run-all.sh: $SCOUT, $WORK, lab_*, scan and xml_valid
# (test_connect.sh) and check/pass/fail are set.

OS_PORTS=1,22
os_ips() { local h; for h in $LAB_OS_HOSTS; do lab_ip "$h"; done; }
oscheck() { python3 "$LAB_SRC/oscheck.py" "$@"; }
os_pairs() { local h; for h in $LAB_OS_HOSTS; do echo "$(lab_ip "$h")=$h"; done; } # oscheck labdb's IP=NAME

# TOOL NAME ARGS...: one -O run into $WORK/os-NAME.{xml,nmap,gnmap,out,err},
# its exit in .rc and wall time in .secs; TOOL is scout or nmap.
os_run() {
    local tool=$1 base=$WORK/os-$2 t0 rc; shift 2
    t0=$(date +%s.%N)
    if [ "$tool" = nmap ]; then
        lab_in scan nmap -n "$@" -oA "$base" >"$base.out" 2>"$base.err"
    else
        scan -n "$@" -oA "$base" >"$base.out" 2>"$base.err"
    fi
    rc=$?
    echo $rc >"$base.rc"
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' >"$base.secs"
    return $rc
}
os_secs() { cat "$WORK/os-$1.secs"; }

# nmap's reference over the four hosts, once per lab: $WORK/os-nmap.xml.
os_ref() {
    [ -e "$WORK/os-nmap.rc" ] || os_run nmap nmap -O --osscan-guess -p $OS_PORTS $(os_ips)
    return "$(cat "$WORK/os-nmap.rc")"
}

# The lab database and nmap's exact matches with it, once per lab:
# OS_DATADIR holds every file of /usr/share/nmap (links) but nmap-os-db,
# which is the lab's; $WORK/os-nmaplab.* is nmap -O with it.
OS_DATADIR=
os_labref() {
    OS_DATADIR=$WORK/os-datadir
    if [ ! -e "$WORK/os-nmaplab.rc" ]; then
        os_ref || return 1
        mkdir -p "$OS_DATADIR"
        local f
        for f in /usr/share/nmap/*; do
            [ "${f##*/}" = nmap-os-db ] || ln -sf "$f" "$OS_DATADIR/"
        done
        oscheck labdb "$WORK/os-nmap.xml" $(os_pairs) >"$OS_DATADIR/nmap-os-db" || return 1
        os_run nmap nmaplab --datadir "$OS_DATADIR" -O -p $OS_PORTS $(os_ips)
    fi
    return "$(cat "$WORK/os-nmaplab.rc")"
}

# FILE IP: the OS lines of IP's report in a normal output (nmap's order).
os_lines() {
    awk -v ip="$2" '/^Nmap scan report for / { on = ($NF == ip || $NF == "(" ip ")") } on' "$1" |
        grep -E '^(Device type|Running|OS CPE|OS details|Aggressive OS guesses|No exact OS matches|No OS matches|'\
'Too many fingerprints|Warning: OSScan|OS fingerprint not ideal|Network Distance)'
}

# The kind of each OS line: "Running (JUST GUESSING)", "No exact OS matches for host"...
os_kinds() { sed 's/:.*//; s/ for host.*/ for host/'; }

# (0) The reference side: nmap sees four personalities, and the lab
# database gives each its exact match.
test_os_nmap_reference() {
    os_ref
    check "nmap -O --osscan-guess over o1..o4 exits 0 (in $(os_secs nmap) s)" test "$(cat "$WORK/os-nmap.rc")" = 0
    check "... a fingerprint and aggressive guesses for each of the four" python3 - "$WORK/os-nmap.xml" $(os_ips) <<'PY'
import sys, xml.etree.ElementTree as ET
hosts = {h.find("address").get("addr"): h for h in ET.parse(sys.argv[1]).getroot().iter("host")}
for ip in sys.argv[2:]:
    assert hosts[ip].find("os/osfingerprint") is not None, ip
    assert hosts[ip].find("os/osmatch") is not None, ip
PY
    # The personalities differ: each pair compared as oscheck compares nmap
    # with scout must show differences beyond the timing-dependent values.
    check "... and the four fingerprints differ pairwise" python3 - "$LAB_SRC" "$WORK/os-nmap.xml" $(os_ips) <<'PY'
import itertools, sys
sys.path.insert(0, sys.argv[1])
import oscheck
hosts = oscheck.load(sys.argv[2])
alike = [(a, b) for a, b in itertools.combinations(sys.argv[3:], 2) if not oscheck.compare_fp(hosts[a], hosts[b])]
assert not alike, f"alike: {alike}"
PY
    oscheck show "$WORK/os-nmap.xml" | sed 's/^/    nmap: /'
    os_labref
    check "nmap -O with the lab database exits 0 (in $(os_secs nmaplab) s)" test "$(cat "$WORK/os-nmaplab.rc")" = 0
    local h bad=""
    for h in $LAB_OS_HOSTS; do
        grep -q "^OS details: Scout lab $h\$" <(os_lines "$WORK/os-nmaplab.nmap" "$(lab_ip "$h")") || bad+=" $h"
    done
    check "... which finds each host's own entry, exactly${bad:+ (not:$bad)}" test -z "$bad"
}

# (1) Each personality alone: scout's fingerprint is nmap's, and its best
# match among nmap's three best.
os_host() {
    local h=$1 ip; ip=$(lab_ip "$1")
    os_ref || { fail "$h: no nmap reference (exit $(cat "$WORK/os-nmap.rc"))"; return; }
    os_run scout "$h" -O --osscan-guess -p $OS_PORTS "$ip"
    check "scout -O --osscan-guess $h ($ip) exits 0 (in $(os_secs "$h") s)" test "$(cat "$WORK/os-$h.rc")" = 0
    [ "$(cat "$WORK/os-$h.rc")" = 0 ] || sed 's/^/    /' "$WORK/os-$h.err" | head -3
    check "... its fingerprint agrees with nmap's, test by test" \
        oscheck fp "$WORK/os-nmap.xml" "$WORK/os-$h.xml" --host "$ip"
    check "... its best match is among nmap's three best" \
        oscheck best "$WORK/os-nmap.xml" "$WORK/os-$h.xml" --slack 1 --host "$ip"
}
test_os_host_o1() { os_host o1; }
test_os_host_o2() { os_host o2; }
test_os_host_o3() { os_host o3; }
test_os_host_o4() { os_host o4; }

# (2) All four in one command, both databases.
test_os_group() {
    os_ref
    os_run scout group -O --osscan-guess -p $OS_PORTS $(os_ips)
    check "scout -O --osscan-guess over o1..o4 in one command exits 0 (in $(os_secs group) s; nmap $(os_secs nmap) s)" \
        test "$(cat "$WORK/os-group.rc")" = 0
    check "... every fingerprint agrees with nmap's" oscheck fp "$WORK/os-nmap.xml" "$WORK/os-group.xml"
    check "... every best match is among nmap's three best" \
        oscheck best "$WORK/os-nmap.xml" "$WORK/os-group.xml" --slack 1
    os_labref || { fail "no lab database (nmap's run with it failed)"; return; }
    os_run scout grouplab --datadir "$OS_DATADIR" -O -p $OS_PORTS $(os_ips)
    check "with the lab database (--datadir): exits 0 (in $(os_secs grouplab) s; nmap $(os_secs nmaplab) s)" \
        test "$(cat "$WORK/os-grouplab.rc")" = 0
    local h bad=""
    for h in $LAB_OS_HOSTS; do
        python3 - "$WORK/os-grouplab.xml" "$(lab_ip "$h")" "Scout lab $h" <<'PY' || bad+=" $h"
import sys, xml.etree.ElementTree as ET
for host in ET.parse(sys.argv[1]).getroot().iter("host"):
    if host.find("address").get("addr") == sys.argv[2]:
        m = host.find("os/osmatch")
        sys.exit(not (m is not None and m.get("name") == sys.argv[3] and m.get("accuracy") == "100"))
sys.exit(1)
PY
    done
    check "... each host's best match is its own entry at 100 %${bad:+ (not:$bad)}" test -z "$bad"
}

# (3) The outputs, as nmap writes them.  Exact matches (the lab database):
# the normal output's OS lines equal nmap's; guesses (nmap's database):
# the same kinds of lines as nmap's, and the fingerprint in its format.
test_os_outputs_exact() {
    os_labref || { fail "no lab database (nmap's run with it failed)"; return; }
    [ -e "$WORK/os-grouplab.rc" ] || os_run scout grouplab --datadir "$OS_DATADIR" -O -p $OS_PORTS $(os_ips)
    local h ip bad=""
    for h in $LAB_OS_HOSTS; do
        ip=$(lab_ip "$h")
        diff <(os_lines "$WORK/os-nmaplab.nmap" "$ip") <(os_lines "$WORK/os-grouplab.nmap" "$ip") \
            >"$WORK/os-lines-$h.diff" || { bad+=" $h"; sed 's/^/    /' "$WORK/os-lines-$h.diff" | head -8; }
    done
    check "normal output: Device type, Running, OS CPE, OS details, Network Distance as nmap's${bad:+ (not:$bad)}" \
        test -z "$bad"
    check "... e.g. o1: 'Running: Scout Lab OS o1', 'OS details: Scout lab o1'" bash -c \
        "grep -qx 'Running: Scout Lab OS o1' '$WORK/os-grouplab.nmap' && grep -qx 'OS details: Scout lab o1' '$WORK/os-grouplab.nmap'"
    check "stdout has the same OS lines as -oN" \
        diff <(os_lines "$WORK/os-grouplab.out" "$(lab_ip o1)") <(os_lines "$WORK/os-grouplab.nmap" "$(lab_ip o1)")
    check "XML is valid against nmap.dtd" xml_valid "$WORK/os-grouplab.xml"
    check "XML: portused, osmatch, osclass and cpe as nmap's (names, accuracies, classes)" \
        python3 - "$WORK/os-nmaplab.xml" "$WORK/os-grouplab.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
def os_of(path):
    out = {}
    for h in ET.parse(path).getroot().iter("host"):
        o = h.find("os")
        assert o is not None, (path, h.find("address").get("addr"))
        used = sorted((p.get("state"), p.get("proto"), p.get("portid")) for p in o.iter("portused") if p.get("proto") == "tcp")
        ms = [(m.get("name"), m.get("accuracy"), [(c.get("type"), c.get("vendor"), c.get("osfamily"), c.get("osgen"),
               c.get("accuracy"), [e.text for e in c.iter("cpe")]) for c in m.iter("osclass")]) for m in o.iter("osmatch")]
        out[h.find("address").get("addr")] = (used, ms)
    return out
n, s = os_of(sys.argv[1]), os_of(sys.argv[2])
for ip in n:
    assert n[ip] == s.get(ip), f"{ip}: nmap {n[ip]}, scout {s.get(ip)}"
PY
    bad=""
    for h in $LAB_OS_HOSTS; do
        grep -qP "^Host: $(lab_ip "$h") \(\)\tPorts: .*\tOS: Scout lab $h(\t|$)" "$WORK/os-grouplab.gnmap" || bad+=" $h"
    done
    check "grepable: 'OS: Scout lab oN' after the ports, as nmap's${bad:+ (not:$bad)}" test -z "$bad"
    check "grepable: then 'Seq Index: N' and 'IP ID Seq: All zeros', as nmap's" \
        grep -qP "^Host: $(lab_ip o1) \(\)\tPorts: .*\tSeq Index: [0-9]+\tIP ID Seq: All zeros" "$WORK/os-grouplab.gnmap"
}

test_os_outputs_guess() {
    os_ref
    [ -e "$WORK/os-group.rc" ] || os_run scout group -O --osscan-guess -p $OS_PORTS $(os_ips)
    local ip; ip=$(lab_ip o1)
    check "normal output: 'Aggressive OS guesses: NAME (N%), ...' and 'No exact OS matches for host'" bash -c \
        "grep -qE '^Aggressive OS guesses: .+ \\([0-9]+%\\)' '$WORK/os-group.nmap' &&
         grep -q '^No exact OS matches for host' '$WORK/os-group.nmap'"
    # The kinds of lines, not their guesses (ties and SP/ISR noise reorder
    # those).  nmap prints no Device type / Running (JUST GUESSING) / OS CPE
    # for any of the four (in every run seen): its classes are taken from
    # every match within 10 points (up to 36), not only the 10 it lists, and
    # more than 8 device types, CPEs or families print none (output.cc,
    # printosclassificationoutput).
    local h bad=""
    for h in $LAB_OS_HOSTS; do
        diff <(os_lines "$WORK/os-nmap.nmap" "$(lab_ip "$h")" | os_kinds) \
            <(os_lines "$WORK/os-group.nmap" "$(lab_ip "$h")" | os_kinds) >"$WORK/os-kinds-$h.diff" ||
            { bad+=" $h"; sed 's/^/    /' "$WORK/os-kinds-$h.diff"; }
    done
    check "... the same kinds of OS lines as nmap's, in its order, for each host${bad:+ (not:$bad)}" test -z "$bad"
    check "... 'TCP/IP fingerprint:' then nmap's submission format: OS: lines of 75 columns, the last shorter" \
        python3 - "$WORK/os-group.nmap" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = lines.index("TCP/IP fingerprint:")
fp = []
for l in lines[i + 1:]:
    if not l.startswith("OS:"):
        break
    fp.append(l)
assert fp and fp[0].startswith("OS:SCAN(V="), fp[:1]
assert all(len(l) == 75 for l in fp[:-1]) and len(fp[-1]) <= 75, [len(l) for l in fp]
assert fp[-1].endswith(")"), fp[-1]
PY
    check "XML is valid against nmap.dtd" xml_valid "$WORK/os-group.xml"
    check "XML: <osfingerprint> holds the same fingerprint as the normal output" python3 - "$WORK/os-group.xml" \
        "$WORK/os-group.nmap" "$ip" <<'PY'
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    if h.find("address").get("addr") == sys.argv[3]:
        fp = h.find("os/osfingerprint").get("fingerprint").strip()
text = open(sys.argv[2]).read()
block = text[text.index("Nmap scan report for " + sys.argv[3]):]
assert fp in block, fp[:80]
PY
    # nmap's grepable output names an OS only for an exact match.
    check "grepable: no OS: field when there are only guesses (as nmap's)" bash -c \
        "! grep -qP '\tOS: ' '$WORK/os-group.gnmap' && grep -q 'Ports: ' '$WORK/os-group.gnmap'"
    os_run scout noguess -O -p $OS_PORTS "$ip"
    check "without --osscan-guess: 'No exact OS matches', the fingerprint, no guesses (as nmap's)" bash -c \
        "grep -q '^No exact OS matches for host' '$WORK/os-noguess.nmap' && grep -q '^OS:SCAN(' '$WORK/os-noguess.nmap' &&
         ! grep -q '^Aggressive OS guesses' '$WORK/os-noguess.nmap'"
    scan -n -O --osscan-guess -p $OS_PORTS -oJ "$WORK/os-json.json" "$ip" >/dev/null 2>&1
    check "JSON (-oJ): the lines parse and the host's line carries its OS guesses" python3 - "$WORK/os-json.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
hosts = [l for l in lines if l.get("event") == "host"]
# the OS under a key of its own ("os", "osmatch"...), the guesses' names in it
assert hosts and all(any(k.lower().startswith("os") and "Linux" in json.dumps(v) for k, v in h.items()) for h in hosts), hosts
PY
    os_run scout verbose -O -v -p $OS_PORTS "$(lab_ip o3)"
    check "-v: 'Uptime guess:' for o3 (its timestamps run at 1000 Hz), 'TCP Sequence Prediction:', 'IP ID Sequence Generation:'" \
        bash -c "grep -q '^Uptime guess: ' '$WORK/os-verbose.nmap' && grep -q '^TCP Sequence Prediction: Difficulty=' '$WORK/os-verbose.nmap' &&
                 grep -q '^IP ID Sequence Generation: All zeros' '$WORK/os-verbose.nmap'"
}

# (4) Without raw privilege: a clear error, exit 2.
test_os_unprivileged() {
    local out rc
    out=$(ip netns exec "$(lab_ns scan)" setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$SCOUT" -n -O -p 22 "$(lab_ip o1)" 2>&1 >/dev/null); rc=$?
    check "-O as nobody: exit 2 ($rc) and says it needs privilege: '$(head -1 <<<"$out" | cut -c1-120)'" bash -c \
        "[ $rc = 2 ] && grep -qiE 'root|privilege|raw|CAP_NET_RAW' <<<'$out'"
}

# (5) Honest confidence: a fingerprint without an open or without a closed
# port says so (nmap's warning; with no open port nmap only says "Too many
# fingerprints match", which issue 16 asks scout to explain).
test_os_unreliable() {
    local ip; ip=$(lab_ip o1)
    os_run scout noopen -O --osscan-guess -p 1 "$ip"
    check "-O on o1 with no open port (-p 1) exits 0" test "$(cat "$WORK/os-noopen.rc")" = 0
    check "... and warns the results are unreliable (no open port)" grep -qi "unreliable" "$WORK/os-noopen.out"
    check "... its XML stays valid" xml_valid "$WORK/os-noopen.xml"
    os_run scout noclosed -O --osscan-guess -p 22 "$ip"
    check "-O on o1 with no closed port (-p 22): nmap's warning" grep -q \
        "^Warning: OSScan results may be unreliable because we could not find at least 1 open and 1 closed port" \
        "$WORK/os-noclosed.out"
    os_run scout limit -O --osscan-limit -p 1 "$ip"
    check "--osscan-limit skips a host without an open and a closed port (no OS lines, no <os> match)" bash -c \
        "[ \$(cat '$WORK/os-limit.rc') = 0 ] && ! grep -qE '^(OS details|Aggressive OS|Running|Device type)' '$WORK/os-limit.out' &&
         ! grep -q '<osmatch' '$WORK/os-limit.xml'"
    os_run scout tries1 -O --max-os-tries 1 -p $OS_PORTS "$ip"
    check "--max-os-tries 1: one try still gives a fingerprint (in $(os_secs tries1) s)" grep -q "^OS:SCAN(" "$WORK/os-tries1.out"
}

# (6) The database: found in --datadir; missing or empty is one line and
# exit 2; a malformed entry is reported with its line number and skipped.
test_os_bad_db() {
    os_labref || { fail "no lab database (nmap's run with it failed)"; return; }
    local d=$WORK/os-baddir f ip err; ip=$(lab_ip o2)
    mkdir -p "$d"
    for f in /usr/share/nmap/*; do [ "${f##*/}" = nmap-os-db ] || ln -sf "$f" "$d/"; done
    os_bad() { # WHAT: scout -O with $d; one "scout: " line, exit 2
        local rc lines
        lab_in scan "$SCOUT" -n --datadir "$d" -O -p $OS_PORTS "$ip" >/dev/null 2>"$WORK/os-bad.err"; rc=$?
        lines=$(wc -l <"$WORK/os-bad.err")
        check "$1: exit 2 ($rc), one line: '$(head -1 "$WORK/os-bad.err" | cut -c1-120)'" \
            bash -c "[ $rc = 2 ] && [ $lines = 1 ] && grep -q '^scout: .*nmap-os-db' '$WORK/os-bad.err'"
    }
    rm -f "$d/nmap-os-db"
    os_bad "--datadir without nmap-os-db"
    : >"$d/nmap-os-db"
    os_bad "an empty nmap-os-db"
    # The lab database with three broken lines before o2's entry: a line
    # no entry can hold, a test with an unterminated value list, an
    # attribute without a value.  o2's entry must still match exactly.
    awk '/^Fingerprint Scout lab o2$/ && !done { print "frobnicate 12"; print "SEQ(SP=zz"; print "T1(R"; done = 1 } 1' \
        "$OS_DATADIR/nmap-os-db" >"$d/nmap-os-db"
    local n1 n2 n3 n missing=""
    n1=$(grep -n '^frobnicate 12$' "$d/nmap-os-db" | cut -d: -f1) n2=$((n1 + 1)) n3=$((n1 + 2))
    lab_in scan "$SCOUT" -n --datadir "$d" -O -p $OS_PORTS -oN "$WORK/os-baddb.nmap" "$ip" >/dev/null 2>"$WORK/os-baddb.err"
    for n in $n1 $n2 $n3; do grep -qE "nmap-os-db:$n\b|line $n\b" "$WORK/os-baddb.err" || missing+=" $n"; done
    check "malformed lines are reported with their line numbers ($n1, $n2, $n3${missing:+; not:$missing}): '$(head -1 "$WORK/os-baddb.err" | cut -c1-100)'" \
        test -z "$missing"
    check "... and the rest of the database is used: o2 is still 'Scout lab o2'" \
        grep -qx "OS details: Scout lab o2" "$WORK/os-baddb.nmap"
}

# -A is -O and -sV (nmap's traceroute and scripts are not part of scout);
# --fuzzy is --osscan-guess's other name.
test_os_aggressive() {
    local ip
    ip=$(lab_ip o1)
    os_run scout aggr -A -p 1,22 "$ip"
    check "-A: exit 0" test "$(cat "$WORK/os-aggr.rc")" = 0
    check "-A runs OS detection (<os> with a match)" grep -q "<osmatch name=" "$WORK/os-aggr.xml"
    check "-A runs version detection (<service ... method=\"probed\"> or a -sV fingerprint)" \
        grep -qE "method=\"probed\"|servicefp=" "$WORK/os-aggr.xml"
    os_run scout fuzzy -O --fuzzy -p 1,22 "$ip"
    check "--fuzzy lists nmap's aggressive guesses, as --osscan-guess does" \
        grep -q "^Aggressive OS guesses: " "$WORK/os-fuzzy.out"
}

# Tools that read nmap's XML read scout's -O: python-libnmap (Debian's
# python3-libnmap, on the system's python) sees the same best match and the
# fingerprint that nmap's XML gives it.
test_os_libnmap() {
    os_ref
    [ -e "$WORK/os-group.rc" ] || os_run scout group -O --osscan-guess -p $OS_PORTS $(os_ips)
    check "python-libnmap reads scout's -O XML: a match and a fingerprint for each of the four hosts" \
        /usr/bin/python3 - "$WORK/os-group.xml" <<'PY'
import sys
from libnmap.parser import NmapParser
report = NmapParser.parse_fromfile(sys.argv[1])
ok = [h for h in report.hosts if h.os.osmatches and h.os.osmatches[0].accuracy > 0 and h.os_fingerprint.startswith("OS:SCAN(")]
sys.exit(0 if len(report.hosts) == 4 and len(ok) == 4 else 1)
PY
}

# ndiff (nmap's own differ) reads scout's -O XML: against itself nothing
# differs (0); against nmap's report of the same hosts it reports
# differences (1), never an error (2: a report it cannot read).
test_os_ndiff() {
    os_ref
    [ -e "$WORK/os-group.rc" ] || os_run scout group -O --osscan-guess -p $OS_PORTS $(os_ips)
    expect_exit 0 "ndiff reads scout's -O XML: against itself, exit 0" \
        ndiff "$WORK/os-group.xml" "$WORK/os-group.xml" >/dev/null 2>"$WORK/os-ndiff.err"
    ndiff "$WORK/os-nmap.xml" "$WORK/os-group.xml" >"$WORK/os-ndiff.out" 2>>"$WORK/os-ndiff.err"
    check "... against nmap's -O XML of the same hosts: differences (exit 1), no error" test $? = 1
}
