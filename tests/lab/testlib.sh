# tests/lab/testlib.sh: pass/fail bookkeeping for the lab tests.
T_PASS=0
T_FAIL=0
T_FAILED=()

pass() { T_PASS=$((T_PASS + 1)); echo "  ok   $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); T_FAILED+=("$*"); echo "  FAIL $*"; }

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# expect_exit CODE DESCRIPTION COMMAND...
expect_exit() {
    local want=$1 what=$2 rc; shift 2
    "$@"; rc=$?
    if [ "$rc" = "$want" ]; then pass "$what"; else fail "$what (exit $rc, want $want)"; fi
}
