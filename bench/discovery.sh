#!/usr/bin/env bash
# bench/discovery.sh: host discovery's figures (issue 15), one lab, one run.
#
#   (a) the farm's routed /16 (198.19.0.0/16: 8192 of its 65536 addresses
#       answer, behind the scanner's eth3): zmap -M icmp_echoscan at RATE
#       packets/s against scout -sn at the same --max-rate: its default
#       probes (echo, SYN 443, ACK 80, timestamp), -PE alone (zmap's one
#       probe), and -PE --max-retries 0 (zmap's work exactly: one probe an
#       address).  Then both unlimited: zmap -r 0 and scout -sn as it comes.
#       Wall time of each command, hosts found of the 8192, probes sent.
#       Target: scout -sn in at most zmap's time, 8192/8192 found.
#   (b) an ARP sweep of the lab's segment, 198.18.0.0/24: scout -sn against
#       arp-scan --localnet -I eth0 and nmap -sn -PR, each SWEEP_RUNS times
#       (median time); hosts found, MACs and vendors against the truth
#       (lab.sh's truth-disc and the segment's other hosts, whose MACs are
#       random: their vendor is not checked; the scanner's own address left
#       out, arp-scan never lists it).  Vendors are the IEEE registry's
#       names; nmap writes its own shortened ones (nmap-mac-prefixes), so
#       its vendor column is expected to differ.  Target: scout faster than
#       both with every host, MAC and vendor right.
#
# Usage: bench/discovery.sh [a] [b]      (no argument: both)
# Environment: SCOUT (binary), RATE (a's shared rate, default 100000),
# ZMAP_COOLDOWN (zmap's -c, default 1 s: the lab's round trips are under a
# millisecond; zmap's own default is 8 s), SWEEP_RUNS (3), CAP (seconds
# after which a run of (a) is interrupted and marked "cut off", default
# 300: a raw rate that collapses to its 100/s floor takes 10 minutes and
# more over the /16's 57 344 silent addresses).
# Timings are only as good as the machine is quiet: the load average is
# printed before each part.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
RATE=${RATE:-100000}
ZMAP_COOLDOWN=${ZMAP_COOLDOWN:-1}
SWEEP_RUNS=${SWEEP_RUNS:-3}
CAP=${CAP:-300}
parts=${*:-a b}
want() { [[ " $parts " == *" $1 "* ]]; }

source "$here/../tests/lab/lab.sh"
lab_up >/dev/null || { echo "bench: lab setup failed"; exit 1; }
out=$LAB_DIR/bench
mkdir -p "$out"
# scout and zmap write their files as nobody.
chmod 711 "$LAB_DIR" && chmod 1777 "$out"
: >"$out/no-blocklist" # zmap's default blocklist holds 198.18.0.0/15
farm_mac=$(lab_in farm cat /sys/class/net/eth0/address)

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
load() { echo "load $(cut -d' ' -f1 /proc/loadavg)"; }
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = op == "<" ? v < t : v <= t; print ok ? "ok" : "MISS" }'; }

# timed NAME CMD...: runs CMD in the scanner namespace; sets secs and rc;
# CMD's output in $out/NAME.{out,err}.
timed() {
    local name=$1 t0; shift
    t0=$(now)
    ip netns exec "$(lab_ns scan)" "$@" >"$out/$name.out" 2>"$out/$name.err"
    rc=$?
    secs=$(calc %.3f "$(now) - $t0")
}

# in_farm FILE: how many distinct addresses of LAB_FARM_LIVE (198.19.128-159.x)
# FILE names, one per line (zmap) or as gnmap "Host: A () Status: Up" lines.
in_farm() {
    awk '/^Host: .*Status: Up/ { print $2; next } /^[0-9.]+$/ { print $1 }' "$1" | sort -u |
        awk -F. '$1 == 198 && $2 == 19 && $3 >= 128 && $3 <= 159' | wc -l
}

echo "discovery bench: $(nproc) CPUs, $(uname -r), scout $("$SCOUT" --version 2>/dev/null | head -1)," \
    "$(zmap --version 2>&1 | head -1), $(arp-scan --version 2>&1 | head -1), $(nmap --version | head -1)"

if want a; then
    echo "(a) -sn of $LAB_FARM_NET (routed via eth3; $LAB_FARM_LIVE answers: 8192 up) [$(load)]"
    printf '    %-48s %8s %10s %9s %7s\n' tool time found probes "/zmap"
    zrow() { # NAME RATE: zmap's row; sets zsecs
        : >"$out/$1.txt" && chmod 666 "$out/$1.txt"
        timed "$1" timeout -s INT -k 5 "$CAP" zmap -M icmp_echoscan -i eth3 -G "$farm_mac" -S 198.18.3.1 -r "$2" -c "$ZMAP_COOLDOWN" \
            -b "$out/no-blocklist" -q -o "$out/$1.txt" $LAB_FARM_NET
        zsecs=$secs
        [ "$rc" = 0 ] || [ "$rc" = 124 ] || { echo "    zmap failed (exit $rc): $(tail -1 "$out/$1.err")"; return; }
        printf '    %-48s %7.2fs %5d/8192 %9d %7s%s\n' "zmap -r $2 -c $ZMAP_COOLDOWN" "$secs" "$(in_farm "$out/$1.txt")" \
            65536 1.00 "$([ "$rc" = 124 ] && echo "  cut off at $CAP s")"
    }
    srow() { # NAME LABEL FLAGS...: scout's row against zsecs; sets ssecs, sfound
        local name=$1 label=$2; shift 2
        timed "$name" timeout -s INT -k 5 "$CAP" "$SCOUT" -n -sn -v "$@" -oG "$out/$name.gnmap" $LAB_FARM_NET
        ssecs=$secs sfound=$(in_farm "$out/$name.gnmap")
        [ "$rc" = 0 ] || [ "$rc" = 124 ] || { echo "    scout failed (exit $rc): $(tail -1 "$out/$name.err")"; return; }
        printf '    %-48s %7.2fs %5d/8192 %9d %7.2f%s\n' "$label" "$secs" "$sfound" \
            "$(awk '/^Probes:/ {print $2}' "$out/$name.out")" "$(calc %.2f "$secs / $zsecs")" \
            "$([ "$rc" = 124 ] && echo "  cut off at $CAP s")"
    }
    echo "  at $RATE packets/s:"
    zrow zmap-rate "$RATE"
    srow scout-rate "scout -sn --max-rate $RATE" --max-rate "$RATE"
    r=$(calc %.2f "$ssecs / $zsecs") f=$sfound
    srow scout-rate-pe "scout -sn -PE --max-rate $RATE" -PE --max-rate "$RATE"
    srow scout-rate-pe0 "scout -sn -PE --max-retries 0 --max-rate $RATE" -PE --max-retries 0 --max-rate "$RATE"
    echo "  unlimited:"
    zrow zmap-max 0
    srow scout-max "scout -sn"
    srow scout-max-pe "scout -sn -PE" -PE
    echo "    scout -sn at $RATE/s: $f/8192 found, time/zmap's $r (target <= 1.00 with 8192/8192)" \
        "$([ "$f" = 8192 ] && verdict "$r" "<=" 1 || echo MISS)"
fi

if want b; then
    net=$LAB_NET.0/24
    python3 "$LAB_SRC/disccheck.py" segment "$LAB_DIR/truth-disc" "$(lab_ns scan)" "${LAB_NS[@]}" >"$out/truth-seg"
    others=$(awk -v n="$LAB_NET." 'index($1, n) == 1 && $2 == "up" && $4 != "-"' "$out/truth-seg" | wc -l)
    named=$(awk -v n="$LAB_NET." 'index($1, n) == 1 && $2 == "up" && $4 != "-" && $5 != "?"' "$out/truth-seg" | wc -l)
    echo "(b) ARP sweep of $net: $others hosts besides the scanner, $named with registered MACs;" \
        "median of $SWEEP_RUNS runs [$(load)]"
    printf '    %-34s %8s %7s %7s %7s   %s\n' tool time hosts MAC vendor "every run right"
    declare -A med
    # sweep NAME LABEL FORMAT CMD...: SWEEP_RUNS runs of CMD (a "{}" in it
    # becomes the run's file base, $out/NAME-I), one row; sets med[NAME].
    sweep() {
        local name=$1 label=$2 fmt=$3 i times=() all=yes bad="" res sum; shift 3
        for ((i = 1; i <= SWEEP_RUNS; i++)); do
            timed "$name-$i" "${@//\{\}/$out/$name-$i}"
            times+=("$secs")
            res="$out/$name-$i.out"
            [ "$fmt" = xml ] && res="$out/$name-$i.xml"
            python3 "$LAB_SRC/disccheck.py" check "$out/truth-seg" "$res" --format "$fmt" --net "$net" \
                --ignore "$LAB_SCAN_IP" --what status,mac,vendor >"$out/$name-$i.check" 2>&1 || bad=$i all=no
        done
        sum=$(head -1 "$out/$name-$SWEEP_RUNS.check")
        med[$name]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
        field() { sed -n "s/.*$1 \([0-9]*\/[0-9]*\).*/\1/p" <<<"$sum"; }
        printf '    %-34s %7.2fs %7s %7s %7s   %s\n' "$label" "${med[$name]}" "$(field status)" "$(field mac)" \
            "$(field vendor)" "$all$(sed -n 's/.*extra \([1-9][0-9]*\).*/ (extra up: \1)/p' <<<"$sum")"
        [ -z "$bad" ] || tail -n +2 "$out/$name-$bad.check" | head -6 | sed "s/^/      run $bad:/"
    }
    sweep scout "scout -sn" xml "$SCOUT" -n -sn -oX "{}.xml" "$net"
    sweep arpscan "arp-scan --localnet -I eth0" arpscan arp-scan --localnet -I eth0
    sweep nmap "nmap -sn -PR" xml nmap -n -sn -PR -oX "{}.xml" "$net"
    for peer in arpscan nmap; do
        v=$(calc %.2f "${med[scout]} / ${med[$peer]}")
        echo "    scout/$peer time: $v (target < 1) $(verdict "$v" "<" 1)"
    done
    echo "    (nmap names vendors from its nmap-mac-prefixes, not from the registry)"
fi
