#!/usr/bin/env bash
# Fuzzing: CI's smoke runs are `bench/fuzz.sh -t 15` (scripts/test.sh); longer runs:
#   bench/fuzz.sh [-t SECONDS] [-n EXECUTIONS] [TARGET...]
# runs each libFuzzer target (default: every fuzz/fuzz_*.c) for SECONDS
# (default 600, or $FUZZ_TIME), or until it has run EXECUTIONS inputs (then
# with no time limit unless -t is given too), starting from its committed
# seed corpus, fuzz/corpus/TARGET (copied: the committed seeds are never
# written), and prints per target the executions, seconds, executions per
# second, coverage (cov: edges, ft: features), the corpus it grew, the
# slowest input, the peak memory and the findings (crashes, leaks, inputs
# slower than $FUZZ_TIMEOUT seconds (default 10: libFuzzer's own 1200 would
# let a hang pass), out-of-memory; kept in build/fuzz/bench/TARGET/artifacts).
# $FUZZ_FLAGS goes to libFuzzer as more options: e.g.
# -entropic_scale_per_exec_time=1 gives fast inputs more of the mutations
# where a corpus drifts towards slow ones (fuzz_conf's -p specs of hundreds
# of whole-range items).  Targets run one after another: the machine has
# two cores and others use them (run it under nice).  Exit status 1 if any
# target found anything.
# The issue 18 figures: bench/fuzz.sh -n 10000000.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_TIME:-600}
runs=-1
timed=
while getopts t:n: opt; do
    case $opt in
    t) secs=$OPTARG timed=1 ;;
    n) runs=$OPTARG ;;
    *) echo "usage: bench/fuzz.sh [-t SECONDS] [-n EXECUTIONS] [TARGET...]" >&2; exit 2 ;;
    esac
done
[ "$runs" != -1 ] && [ -z "$timed" ] && secs=0
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
make -j2 fuzz >/dev/null || exit 1

# The longest input worth trying, per target (libFuzzer's default is 4096).
max_len() {
    case $1 in
    fuzz_parsers) echo 128 ;;
    fuzz_packet) echo 200 ;;
    fuzz_probedb | fuzz_conf) echo 512 ;;
    fuzz_capture) echo 2048 ;;
    *) echo 4096 ;;
    esac
}

out=build/fuzz/bench
found=0
rows=()
for t in "${targets[@]}"; do
    bin=build/fuzz/$t
    [ -x "$bin" ] || { echo "no such fuzz target: $t" >&2; exit 2; }
    dir=$out/$t
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    [ -d "fuzz/corpus/$t" ] && cp fuzz/corpus/"$t"/* "$dir/corpus/" 2>/dev/null
    seeds=$(find "$dir/corpus" -type f | wc -l)
    echo "== $t: $([ "$runs" != -1 ] && echo "$runs runs, ")${secs} s (0: no limit) from $seeds seeds" >&2
    # An absolute artifact prefix: fuzz_conf runs the parser in a directory
    # of its own, where a crash would otherwise be written.
    start=$(date +%s)
    "$bin" -max_total_time="$secs" -runs="$runs" -max_len="$(max_len "$t")" \
        -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        -artifact_prefix="$PWD/$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$dir/log")
    rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$dir/log")
    slow=$(awk '/stat::slowest_unit_time_sec/ {print $2}' "$dir/log")
    rss=$(awk '/stat::peak_rss_mb/ {print $2}' "$dir/log")
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}')
    ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}')
    corp=$(find "$dir/corpus" -type f | wc -l)
    finds=$(find "$dir/artifacts" -type f | wc -l)
    if [ "$rc" != 0 ] || [ "$finds" != 0 ]; then
        found=1
        echo "   FINDING in $t (exit $rc): $(grep -m1 -E 'ERROR|SUMMARY' "$dir/log")" >&2
        grep -m1 -A30 -E '^==[0-9]+==|runtime error' "$dir/log" >&2
    fi
    rows+=("$(printf '%-16s %12s %7s %8s %6s %7s %11s %6s %6s %8s' "$t" "${execs:-?}" "$took" \
        "${rate:-?}" "${cov:-?}" "${ft:-?}" "$seeds->$corp" "${slow:-?}" "${rss:-?}" "$finds")")
done
echo
printf '%-16s %12s %7s %8s %6s %7s %11s %6s %6s %8s\n' target executions seconds exec/s cov ft \
    corpus slow_s rss_mb findings
printf '%s\n' "${rows[@]}"
echo "(logs, with libFuzzer's last lines, and findings in $out/TARGET/)"
exit $found
