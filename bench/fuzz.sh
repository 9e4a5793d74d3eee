#!/usr/bin/env bash
# Longer fuzzing than CI's smoke runs (not part of CI):
#   bench/fuzz.sh [-t SECONDS] [TARGET...]
# runs each libFuzzer target (default: every fuzz/fuzz_*.c) for SECONDS
# (default 600, or $FUZZ_TIME) starting from its committed seed corpus,
# fuzz/corpus/TARGET (copied: the committed seeds are never written), and
# prints per target the executions, executions per second, coverage (cov:
# edges, ft: features), the corpus it grew and the findings (crashes, leaks,
# timeouts, out-of-memory; kept in build/fuzz/bench/TARGET/artifacts).
# Targets run one after another: the machine has two cores and others use
# them.  Exit status 1 if any target found anything.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_TIME:-600}
while getopts t: opt; do
    case $opt in
    t) secs=$OPTARG ;;
    *) echo "usage: bench/fuzz.sh [-t SECONDS] [TARGET...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
make fuzz >/dev/null || exit 1

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
    echo "== $t: ${secs} s from $seeds seeds" >&2
    # An absolute artifact prefix: fuzz_conf runs the parser in a directory
    # of its own, where a crash would otherwise be written.
    "$bin" -max_total_time="$secs" -max_len="$(max_len "$t")" -print_final_stats=1 \
        -artifact_prefix="$PWD/$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1
    rc=$?
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$dir/log")
    rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$dir/log")
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}')
    ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}')
    corp=$(find "$dir/corpus" -type f | wc -l)
    finds=$(find "$dir/artifacts" -type f | wc -l)
    if [ "$rc" != 0 ] || [ "$finds" != 0 ]; then
        found=1
        echo "   FINDING in $t (exit $rc): $(grep -m1 -E 'ERROR|SUMMARY' "$dir/log")" >&2
    fi
    rows+=("$(printf '%-16s %12s %9s %7s %8s %7s %8s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
        "${ft:-?}" "$seeds->$corp" "$finds")")
done
echo
printf '%-16s %12s %9s %7s %8s %7s %8s\n' target executions exec/s cov ft corpus findings
printf '%s\n' "${rows[@]}"
echo "(${secs} s each; logs and findings in $out/TARGET/)"
exit $found
