#!/usr/bin/env bash
# bench/syn.sh: scout -sS -p- against nmap -sS -p- -T4 and masscan, same lab
# host, same run (clean link).  Prints wall time, peak RSS and states right
# for each, and the ratios.  masscan reports open ports only, so for it the
# count is open ports found.  Usage: bench/syn.sh [HOST] [RUNS] [MASSCAN_RATE]
#   HOST t2: the clean link (target: >= 3x nmap); t4: the lossy link, 22 ms
#   and 2 % loss each way (target: >= 10x nmap), all states right.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
HOST=${1:-t2}
RUNS=${2:-3}
MRATE=${3:-100000}
source "$here/../tests/lab/lab.sh"
lab_up || { echo "bench: lab setup failed"; exit 1; }
ip=$(lab_ip "$HOST")
out=$LAB_DIR/bench
mkdir -p "$out"
chmod 711 "$LAB_DIR" && chmod 1777 "$out" # scout writes its outputs as nobody
nopen=$(awk '$2 == "open"' "$LAB_DIR/truth-$HOST" | wc -l)

timed() { # NAME CMD...: runs in the scanner namespace; sets secs and rss
    /usr/bin/time -f "%e %M" -o "$out/$1.time" ip netns exec "$(lab_ns scan)" "${@:2}" >/dev/null 2>"$out/$1.err"
    read -r secs rss <"$out/$1.time"
    echo "$secs" >>"$out/${1%%-*}.all"
}

link=clean; [ "$HOST" = t4 ] && link="lossy (${LAB_DELAY_MS} ms and ${LAB_LOSS} % loss each way)"
echo "lab host $HOST ($ip), $link link, $RUNS runs each; masscan --rate $MRATE"
for ((i = 1; i <= RUNS; i++)); do
    timed "scout-$i" "$SCOUT" -n -sS -p- -T4 -oX "$out/scout-$i.xml" "$ip"
    right=$(python3 "$LAB_SRC/compare.py" "$out/scout-$i.xml" "$LAB_DIR/truth-$HOST" "$ip" 1-65535 --scan syn | tail -1)
    printf 'scout   run %d: %7.2f s %7d KiB  %s\n' "$i" "$secs" "$rss" "$right"
    timed "nmap-$i" nmap -n -sS -p- -T4 -oX "$out/nmap-$i.xml" "$ip"
    right=$(python3 "$LAB_SRC/compare.py" "$out/nmap-$i.xml" "$LAB_DIR/truth-$HOST" "$ip" 1-65535 --scan syn --states-only | tail -1)
    printf 'nmap    run %d: %7.2f s %7d KiB  %s\n' "$i" "$secs" "$rss" "$right"
    if command -v masscan >/dev/null; then
        # The lab has no gateway: masscan's next hop is the on-link target itself.
        timed "masscan-$i" masscan -p1-65535 "$ip" --rate "$MRATE" --wait 1 -e "$([ "$HOST" = t4 ] && echo eth1 || echo eth0)" \
            --router-mac "$(lab_in "$HOST" cat /sys/class/net/eth0/address)" -oX "$out/masscan-$i.xml"
        found=$(grep -c 'state="open"' "$out/masscan-$i.xml" 2>/dev/null)
        printf 'masscan run %d: %7.2f s %7d KiB  open ports found: %s/%s (reports nothing else)\n' \
            "$i" "$secs" "$rss" "${found:-0}" "$nopen"
    fi
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
s=$(median "$out/scout.all"); n=$(median "$out/nmap.all")
target=3; [ "$HOST" = t4 ] && target=10
awk -v s="$s" -v n="$n" -v t="$target" 'BEGIN { printf "median: scout %.2f s, nmap %.2f s: nmap/scout %.1fx (target >= %dx)\n", s, n, n / s, t }'
if [ -f "$out/masscan.all" ]; then
    m=$(median "$out/masscan.all")
    awk -v s="$s" -v m="$m" 'BEGIN { printf "median: masscan %.2f s: masscan/scout %.2fx\n", m, m / s }'
fi
