#!/usr/bin/env bash
# bench/rate.sh: how closely scout -sS keeps to --max-rate and --min-rate.
# For each requested rate, sends a -p- SYN scan at the lab's bench host and
# prints probes sent / sending time (from scout's own JSON totals and wall
# clock) against the request.  Target (issue 4): within 5 %.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
source "$here/../tests/lab/lab.sh"
lab_up >/dev/null || { echo "bench: lab setup failed"; exit 1; }
for spec in "--max-rate 5000" "--max-rate 20000" "--max-rate 40000" "--min-rate 80000"; do
    rate=${spec##* }
    start=$(date +%s.%N)
    lab_in scan "$SCOUT" -n -Pn -sS -p- --max-retries 0 $spec -oJ "$LAB_DIR/rate.json" $LAB_T2 >/dev/null
    end=$(date +%s.%N)
    python3 - "$LAB_DIR/rate.json" "$start" "$end" "$rate" "$spec" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
sent = lines[-1]["probes"]["sent"]
wall = float(sys.argv[3]) - float(sys.argv[2])
# The scan ends with one timeout after the last probe; the sending time is
# wall time less that wait (-Pn: the template's initial timeout, 1 s at -T3).
sending = wall - 1.0
rate, spec = float(sys.argv[4]), sys.argv[5]
got = sent / sending
print(f"{spec:18s} sent {sent} in {sending:.2f} s: {got:,.0f}/s = {100 * got / rate:.1f} % of requested")
PY
done
