#!/usr/bin/env bash
# bench/detect.sh: scout --detect on recorded scans and on a large capture.
#
# 1. Records, on the lab bridge, scans by scout, nmap (each scan type) and
#    masscan, and a benign workload; prints per recording what --detect
#    reported (found, type, tool, probes until detection) and its false
#    positives on the benign one.
# 2. Times `scout --detect -r` over synthetic captures of a random-source SYN
#    flood with a real scan inside, at two sizes: packets per second (target
#    >= 1 M/s on one core) and peak RSS (target: flat as the flood grows).
# Each recording is also replayed to Debian's scanlogd (bench/scanlogd-replay.sh):
# did it log the scan, and what did it say.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
source "$here/../tests/lab/lab.sh"
lab_up >/dev/null || { echo "bench: lab setup failed"; exit 1; }
WORK=$LAB_DIR/bench
mkdir -p "$WORK"
chmod 711 "$LAB_DIR" && chmod 1777 "$WORK" # --detect -r reads and writes as nobody
source "$here/../tests/lab/test_detect.sh" # record()

printf '%-18s %-6s %-8s %-8s %-10s %-6s | %-8s %s\n' recording found type tool shape probes scanlogd "its line"
row() { # NAME
    "$SCOUT" --detect -r "$WORK/$1.pcap" -oJ "$WORK/$1.json" >/dev/null
    bash "$here/scanlogd-replay.sh" "$WORK/$1.pcap" "$WORK/$1.scanlogd" 2>/dev/null
    python3 - "$WORK/$1.json" "$1" "$WORK/$1.scanlogd" <<'PY'
import json, sys
scans = [j for j in map(json.loads, open(sys.argv[1])) if j["event"] == "scan"]
name = sys.argv[2]
logged = [l.split("scanlogd: ", 1)[-1].strip() for l in open(sys.argv[3]) if "scanlogd:" in l]
sl = f"{'yes' if logged else 'no':8s} {(logged[0][:60] + ('...' if len(logged[0]) > 60 else '')) if logged else ''}"
if len(logged) > 1:
    sl += f" (+{len(logged) - 1} more)"
if not scans:
    print(f"{name:18s} {'no':6s} {'':8s} {'':8s} {'':10s} {'':6s} | {sl}")
for s in scans:
    print(f"{name:18s} {'yes':6s} {s['type']:8s} {s['tool']:8s} {s['shape']:10s} {s['probes_to_detect']:<6} | {sl}")
PY
}
m=$(lab_in t2 cat /sys/class/net/eth0/address)
record scout-sS "$SCOUT" -n -Pn -sS -p 1-1000 $LAB_T2; row scout-sS
for t in S T F N X A M; do
    record "nmap-s$t" nmap -n -Pn "-s$t" -T4 -p 1-1000 $LAB_T2; row "nmap-s$t"
done
record nmap-sU nmap -n -Pn -sU -T5 --max-retries 1 -p 1-40 $LAB_T2; row nmap-sU
record nmap-slow nmap -n -Pn -sS -T2 -p 1-12 $LAB_T2; row nmap-slow
record nmap-horizontal nmap -n -Pn -sS -T4 -p 80,81 198.18.0.10-13; row nmap-horizontal
record nmap-block nmap -n -Pn -sS -T4 -p 1-30 198.18.0.10-13; row nmap-block
: >"$WORK/no-blocklist"
record zmap zmap -p 80 -i eth0 -G "$m" -S $LAB_SCAN_IP -b "$WORK/no-blocklist" -r 500 --cooldown-time=1 \
    198.18.0.0/28; row zmap
record nmap-sO nmap -n -Pn -sO -T4 -p 1-60 $LAB_T2; row nmap-sO
record nmap-arp-sweep nmap -n -sn 198.18.0.0/27; row nmap-arp-sweep
routed_range_up
record nmap-ping-sweep nmap -n -sn -T4 198.19.0.0/28; row nmap-ping-sweep
record nmap-echo-sweep nmap -n -sn -PE -T4 198.19.0.16/28; row nmap-echo-sweep
routed_range_down
record masscan masscan -p1-1000 --rate 5000 --wait 1 -e eth0 --router-mac "$m" $LAB_T2; row masscan
lab_in t6 python3 "$LAB_SRC/udpecho.py" 53 >/dev/null 2>&1 &
record benign python3 "$LAB_SRC/benign.py" $LAB_T6,$LAB_T1,$LAB_T3 $LAB_T6 $LAB_T1
echo "false positives on the benign recording (should be none, from either):"; row benign

for n in 1000000 4000000; do
    python3 "$LAB_SRC/mkflood.py" "$WORK/flood.pcap" $n 1000
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$SCOUT" --detect -r "$WORK/flood.pcap" -oJ "$WORK/f.json" >/dev/null
    read -r secs rss <"$WORK/t"
    pk=$(grep -o '"packets":[0-9]*' "$WORK/f.json" | cut -d: -f2)
    found=$(grep -c '"event":"scan"' "$WORK/f.json")
    python3 -c "print(f'flood of {$n:>8} + scan: {$pk} packets in {$secs} s = {$pk / max($secs, 0.01) / 1e6:.2f} M packets/s, peak RSS {$rss / 1024:.1f} MiB, scans found {$found}')"
done
