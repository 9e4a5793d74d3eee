#!/usr/bin/env bash
# Runs every lab test against one freshly built lab, then prints
# "N passed, N failed".  Needs root; $SCOUT is the binary under test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../../build/scout}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
source "$here/lab.sh"
source "$here/testlib.sh"

if ! lab_up; then
    echo "lab: setup failed"
    echo "0 passed, 1 failed"
    exit 1
fi
WORK=$LAB_DIR/work
mkdir -p "$WORK"

only=${1:-}
for f in "$here"/test_*.sh; do
    source "$f"
done
for t in $(declare -F | awk '{print $3}' | grep '^test_' | sort); do
    [ -n "$only" ] && [[ $t != *"$only"* ]] && continue
    echo "== $t"
    "$t"
done

echo
if [ "$T_FAIL" -gt 0 ]; then
    printf 'failed: %s\n' "${T_FAILED[@]}"
fi
echo "$T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
