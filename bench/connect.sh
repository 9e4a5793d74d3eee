#!/usr/bin/env bash
# bench/connect.sh: scout -sT -p- against nmap -sT -p- -T4, same lab host, one run.
#
# Prints each tool's wall time and peak RSS, how many of the 65535 states each
# got right against the lab's ground truth, how many states the two tools
# agree on, and the time ratio.  Target (issue 3): scout at most half of
# nmap's time, identical states.   Usage: bench/connect.sh [HOST] [RUNS]
#   HOST: t2 (default: open, closed, DROP, admin-prohibited), t1 or t3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
HOST=${1:-t2}
RUNS=${2:-3}
source "$here/../tests/lab/lab.sh"
command -v nmap >/dev/null || { echo "bench: nmap is not installed (apt-get install nmap)"; exit 1; }
lab_up || { echo "bench: lab setup failed"; exit 1; }
ip=$(lab_ip "$HOST")
out=$LAB_DIR/bench
mkdir -p "$out"
chmod 711 "$LAB_DIR" && chmod 1777 "$out" # scout writes its outputs as nobody

# run NAME CMD...: runs in the scanner namespace, records seconds and max RSS
run() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/$name.time" ip netns exec "$(lab_ns scan)" "$@" >/dev/null 2>"$out/$name.err"
    read -r secs rss <"$out/$name.time"
    right=$(python3 "$LAB_SRC/compare.py" "$out/$name.xml" "$LAB_DIR/truth-$HOST" "$ip" 1-65535 --states-only | tail -1)
    printf '%-6s run %d: %7.2f s  %7d KiB  %s\n' "${name%%-*}" "$i" "$secs" "$rss" "$right"
    echo "$secs" >>"$out/${name%%-*}.all"
}

echo "lab host $HOST ($ip); $RUNS runs each; $(nmap --version | head -1)"
for ((i = 1; i <= RUNS; i++)); do
    run "scout-$i" "$SCOUT" -n -sT -p- -T4 -oX "$out/scout-$i.xml" "$ip"
    run "nmap-$i" nmap -n -sT -p- -T4 -oX "$out/nmap-$i.xml" "$ip"
done

# Port-by-port agreement between the two tools' last runs.
agree=$(python3 -c "
import sys; sys.path.insert(0, '$LAB_SRC')
from compare import load_scan
a = load_scan('$out/scout-$RUNS.xml', '$ip'); b = load_scan('$out/nmap-$RUNS.xml', '$ip')
same = sum(1 for p in range(1, 65536) if [s for s, _ in a.get(p, [])] == [s for s, _ in b.get(p, [])])
print(same)")
median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
s=$(median "$out/scout.all"); n=$(median "$out/nmap.all")
echo "states identical between scout and nmap: $agree/65535"
awk -v s="$s" -v n="$n" 'BEGIN { printf "median: scout %.2f s, nmap %.2f s; scout/nmap time ratio %.3f (target <= 0.5); nmap is %.1fx slower\n", s, n, s / n, n / s }'
