#!/usr/bin/env bash
# bench/store.sh: what the results store costs, and what --resume saves.
#  1. bench/memory.sh's /16 x top-100 SYN scan (-Pn -T5 --max-retries 0 of
#     198.18.0.0/16: the lab's 512 addresses answer, the kernel refuses the
#     rest, so every one of the 6.5 M pairs is decided and stored: the store's
#     worst case) with --no-db, with the SQLite store and with a PostgreSQL
#     store (the bench's own server): time and peak RSS of each, and each
#     store's ratio to --no-db (target: within 5 %).
#  2. A -p- SYN scan of t2, killed with SIGKILL halfway, then --resume; the
#     SYNs t2 received in all (counted by an iptables rule in t2) against an
#     uninterrupted run (target: under 2 % extra; nmap's --resume restarts
#     the unfinished host from zero).
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
source "$here/../tests/lab/lab.sh"
source "$here/../tests/lab/pg.sh"
trap 'pg_down; lab_down' EXIT
lab_up >/dev/null || { echo "bench: lab setup failed"; exit 1; }
chmod 711 "$LAB_DIR" && mkdir -p "$LAB_DIR/bench" && chmod 1777 "$LAB_DIR/bench" # scout writes as nobody
pg_up >/dev/null || { echo "bench: PostgreSQL did not start"; exit 1; }
scan() { ip netns exec "$(lab_ns scan)" "$SCOUT" "$@"; }

# ---- 1. the store's cost ----
net=198.18.0.0/16
# The peak unique set size (kB: pages of PID's alone, what it costs the
# machine; peak RSS also counts the shared libraries' pages, libpq's 23
# dependencies among them), sampled every 20 ms while PID lives.
peak_uss() {
    local best=0 u
    while u=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s }' "/proc/$1/smaps_rollup" 2>/dev/null) &&
        [ -n "$u" ]; do
        [ "$u" -gt "$best" ] && best=$u
        sleep 0.02
    done
    echo "$best"
}
run_16() { # name, store options...
    local name=$1 tp pid i
    shift
    /usr/bin/time -f "%e %M" -o "$LAB_DIR/$name.time" ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sS -T5 \
        --top-ports 100 --max-retries 0 "$@" $net >/dev/null 2>"$LAB_DIR/$name.err" &
    tp=$!
    for i in $(seq 200); do pid=$(pgrep -P $tp) && break; sleep 0.005; done
    uss=$(peak_uss "$pid")
    wait $tp
    read -r secs rss <"$LAB_DIR/$name.time"
    echo "$name $secs $rss $uss"
}
cost_table() { # TITLE, then the scan's own options
    local title=$1
    shift
    {
        run_16 no-db --no-db "$@"
        run_16 sqlite --db "$LAB_DIR/bench/store.db" "$@"
        run_16 postgresql --db "$PG_URL" "$@"
    } >"$LAB_DIR/cost.txt"
    echo "$title"
    awk 'NR == 1 { t0 = $2; r0 = $3; u0 = $4 }
         { printf "  %-10s %s x top-100: %6.2f s (%.3f of --no-db), peak RSS %6.1f MiB (%.3f), peak USS %6.1f MiB (%.3f)\n",
                  $1, "'$net'", $2, $2 / t0, $3 / 1024, $3 / r0, $4 / 1024, $4 / u0 }' "$LAB_DIR/cost.txt"
}
cost_table "every address taken as up (-Pn): all 6.5 M pairs decided and stored, the store's worst case" -Pn
cost_table "as users scan (nmap's discovery first): the live hosts' ports stored"
echo "target: each store within 1.05 of --no-db"

# ---- 2. kill -9 halfway, then --resume ----
t2=$LAB_T2
count_syns() { lab_in t2 iptables -w -t raw -nvxL PREROUTING | awk '/scoutbench/ { print $1 }'; }
lab_in t2 iptables -w -t raw -I PREROUTING -s $LAB_SCAN_IP -p tcp --syn -m comment --comment scoutbench
zero() { lab_in t2 iptables -w -t raw -Z PREROUTING; }
db=$LAB_DIR/bench/resume.db
rate=8000
zero
scan -n -Pn -sS -p- --max-rate $rate --no-db $t2 >/dev/null 2>&1
whole=$(count_syns)
zero
# (ip netns exec execs scout: $! is scout's pid, not a subshell's)
ip netns exec "$(lab_ns scan)" "$SCOUT" -n -Pn -sS -p- --max-rate $rate --db "$db" -oX "$LAB_DIR/bench/r.xml" $t2 \
    >/dev/null 2>&1 &
pid=$!
# halfway: half the ports' SYNs have arrived (polled, not slept)
until [ "$(count_syns)" -ge 32768 ] || ! kill -0 $pid 2>/dev/null; do sleep 0.05; done
before=$(count_syns)
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
scan --resume --db "$db" >/dev/null 2>"$LAB_DIR/resume.err"
rc=$?
total=$(count_syns)
lab_in t2 iptables -w -t raw -D PREROUTING -s $LAB_SCAN_IP -p tcp --syn -m comment --comment scoutbench
awk -v w="$whole" -v b="$before" -v t="$total" -v rc=$rc 'BEGIN {
    printf "resume: uninterrupted -p- %d SYNs; killed after %d, resumed (exit %d): %d in all = %.2f %% extra (target < 2 %%)\n",
           w, b, rc, t, (t - w) * 100 / w }'
python3 "$here/../tests/lab/compare.py" "$LAB_DIR/bench/r.xml" "$LAB_DIR/truth-t2" $t2 1-65535 --scan syn | tail -1
