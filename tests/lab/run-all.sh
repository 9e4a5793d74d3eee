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
# Run as root, scout reads its input files and writes its outputs as nobody
# (it drops privileges first): the work directory must be theirs too.
chmod 711 "$LAB_DIR"
chmod 1777 "$WORK"

# A test still running after TEST_LIMIT seconds is stuck: the watchdog
# prints every thread's stack of the scout processes (gdb, when present),
# then kills the scanners the tests start (scout, nmap, masscan, zmap, by
# executable), so the hang is a named failure rather than a CI timeout.
TEST_LIMIT=${TEST_LIMIT:-600}
scanner_pids() {
    local d exe scout_exe; scout_exe=$(readlink -f "$SCOUT")
    for d in /proc/[0-9]*; do
        exe=$(readlink "$d/exe" 2>/dev/null) || continue
        case $exe in "$scout_exe" | */nmap | */masscan | */zmap) echo "${d#/proc/}" ;; esac
    done
}
watchdog() { # TEST FLAGFILE
    local s
    trap 'kill $s 2>/dev/null; exit 0' TERM # the test ended in time
    sleep "$TEST_LIMIT" &
    s=$!
    wait $s
    echo "watchdog: $1 still running after $TEST_LIMIT s" >"$2"
    local p
    for p in $(scanner_pids); do
        echo "watchdog: pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
        command -v gdb >/dev/null && gdb -p "$p" -batch -ex 'thread apply all bt' 2>&1 | grep '^#\|^Thread'
        kill -KILL "$p" 2>/dev/null
    done
}

only=${1:-}
LAB_TIMES=()
for f in "$here"/test_*.sh; do
    source "$f"
done
for t in $(declare -F | awk '{print $3}' | grep '^test_' | sort); do
    [ -n "$only" ] && [[ $t != *"$only"* ]] && continue
    echo "== $t"
    flag=$WORK/watchdog-$t
    watchdog "$t" "$flag" &
    dog=$!
    lab_t0=$SECONDS
    "$t"
    LAB_TIMES+=("$((SECONDS - lab_t0)) $t")
    kill "$dog" 2>/dev/null
    wait "$dog" 2>/dev/null
    [ -e "$flag" ] && fail "$(cat "$flag")"
done

echo
# Where the suite's time goes (CI has a 30-minute budget).
printf '%s\n' "${LAB_TIMES[@]}" | sort -rn | head -12 | awk '{ printf "slowest: %4d s %s\n", $1, $2 }'
echo "lab: $SECONDS s in all"
if [ "$T_FAIL" -gt 0 ]; then
    printf 'failed: %s\n' "${T_FAILED[@]}"
fi
echo "$T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
