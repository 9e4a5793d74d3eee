#!/usr/bin/env bash
# bench/memory.sh: peak RSS of a /16 x top-100 SYN scan, scout and masscan in
# one run.  Target (issue 4): scout under 50 MiB.
#
# Safety: the scanner namespace has routes only to the lab's two /24s, so of
# 198.18.0.0/16 only those 512 addresses get real probes; sends to the rest
# are refused by the kernel (no route) and nothing leaves the machine.
# masscan, which uses its own stack, sends its frames to t2's MAC on the lab
# bridge, where they are dropped.  --max-retries 0 keeps it to one pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
source "$here/../tests/lab/lab.sh"
lab_up >/dev/null || { echo "bench: lab setup failed"; exit 1; }
net=198.18.0.0/16
chmod 711 "$LAB_DIR" && mkdir -p "$LAB_DIR/bench" && chmod 1777 "$LAB_DIR/bench" # scout writes as nobody
/usr/bin/time -f "%e %M" -o "$LAB_DIR/scout.time" ip netns exec "$(lab_ns scan)" \
    "$SCOUT" -n -Pn -sS -T5 --top-ports 100 --max-retries 0 -oX "$LAB_DIR/bench/s.xml" $net >/dev/null
read -r s_secs s_rss <"$LAB_DIR/scout.time"
awk -v n=$net -v s="$s_secs" -v r="$s_rss" 'BEGIN { printf "scout   %s x top-100: %6.1f s, peak RSS %6.1f MiB (target < 50)\n", n, s, r / 1024 }'
if command -v masscan >/dev/null; then
    /usr/bin/time -f "%e %M" -o "$LAB_DIR/masscan.time" ip netns exec "$(lab_ns scan)" \
        timeout -s INT -k 10 300 masscan $net --top-ports 100 --rate 200000 --wait 1 -e eth0 \
        --router-mac "$(lab_in t2 cat /sys/class/net/eth0/address)" -oX "$LAB_DIR/m.xml" >/dev/null 2>&1
    read -r m_secs m_rss <"$LAB_DIR/masscan.time"
    awk -v n=$net -v s="$m_secs" -v r="$m_rss" 'BEGIN { printf "masscan %s x top-100: %6.1f s, peak RSS %6.1f MiB\n", n, s, r / 1024 }'
    awk -v a="$s_rss" -v b="$m_rss" 'BEGIN { printf "scout/masscan peak RSS ratio: %.2f\n", a / b }'
fi
