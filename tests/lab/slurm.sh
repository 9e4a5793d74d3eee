# tests/lab/slurm.sh: a one-node Slurm cluster of the test's own, for the
# fleet tests (--shard auto in a job array).  Sourced; needs root and
# Debian's slurmctld, slurmd, slurm-client and munge (scripts/deps.sh).
#
#   slurm_up [NETNS]   starts munged, slurmctld and slurmd, and returns once
#                      the node is idle (polled, ~1-2 s).  With NETNS the two
#                      Slurm daemons run inside that network namespace (on its
#                      loopback), so every job runs there too: scout in a job
#                      scans from the lab's scan namespace (its network, as
#                      with `lab_in scan`; the host's /sys).  The namespace
#                      needs an address besides loopback (Slurm resolves
#                      "localhost" with AI_ADDRCONFIG); the lab's have.  Without it, on the host's loopback
#                      with two free ports.
#   slurm_run CMD...   a Slurm client (sbatch, squeue, scontrol...) against
#                      that cluster: in its namespace, with its slurm.conf.
#   slurm_down         cancels the cluster's jobs, stops its daemons, removes
#                      its directory.  slurm_up arms it on EXIT ahead of the
#                      trap already set there (the lab's lab_down), and
#                      slurm_down puts that trap back.
#
# Nothing of the system's is used: munged has its own key and socket, the
# daemons their own slurm.conf, state, spool, pid and log files, all in one
# temporary directory ($SLURM_DIR; SLURM_KEEP=1 keeps it for a post-mortem).
# Debian's units for munge, slurmctld and slurmd are neither needed nor
# touched (the packages' postinst may enable them; under a policy-rc.d or
# without systemd they do not run; a system munged, if one runs, is not
# ours and is left alone).
#
# Scheduling is made prompt for tests: batch_sched_delay=0 (jobs start on
# submission, not after Slurm's default 3 s) and MinJobAge=4, which keeps
# `sbatch --wait` polling every 2 s instead of backing off to 8 and 32 s.
# The node says CPUs=2 whatever the machine has (config_overrides): two
# array tasks run at a time.

SLURM_DIR=""
SLURM_NS=""
SLURM_PIDS=()
SLURM_PREV_TRAP=""

# Runs a command where the cluster lives (its namespace, if any).  nsenter
# enters the network namespace alone: `ip netns exec` would also mount a
# sysfs of that namespace, without the cgroup tree slurmd insists on finding
# (even with proctrack/linuxproc).  scout reads nothing in /sys; /proc/net
# follows the network namespace either way.
slurm_in() {
    if [ -n "$SLURM_NS" ]; then nsenter --net="/run/netns/$SLURM_NS" "$@"; else "$@"; fi
}

slurm_run() { SLURM_CONF=$SLURM_DIR/slurm.conf slurm_in "$@"; }

# A TCP port nobody listens on in the cluster's namespace.
slurm_free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 40000))
        [ -z "$(slurm_in ss -Htln "sport = :$p")" ] && { echo "$p"; return 0; }
    done
    return 1
}

slurm_write_conf() { # CTLD_PORT SLURMD_PORT
    local d=$SLURM_DIR
    cat >"$d/slurm.conf" <<EOF
ClusterName=scoutlab
SlurmctldHost=localhost
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge.sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=4
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
NodeName=localhost CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

# Starts a daemon in the foreground, as a background job, where the cluster
# lives: nsenter execs it, so $! is the daemon's own pid, ours to stop.
slurm_daemon() { # NAME COMMAND...
    local name=$1; shift
    local pre=()
    [ -n "$SLURM_NS" ] && pre=(nsenter --net="/run/netns/$SLURM_NS")
    SLURM_CONF=$SLURM_DIR/slurm.conf "${pre[@]}" "$@" >"$SLURM_DIR/$name.out" 2>&1 &
    SLURM_PIDS+=($!)
}

slurm_fail() { # MESSAGE: says why, with the daemons' last words
    local f
    echo "slurm: $1" >&2
    for f in "$SLURM_DIR"/*.out "$SLURM_DIR"/*.log; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -n 5 "$f" >&2; }
    done
    slurm_down
    return 1
}

slurm_up() {
    local c
    for c in munged slurmctld slurmd sbatch sinfo; do
        command -v "$c" >/dev/null || { echo "slurm: $c not installed (scripts/deps.sh)" >&2; return 1; }
    done
    local t0; t0=$(date +%s%N)
    SLURM_NS=${1:-}
    SLURM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/scout-slurm.XXXXXX") || return 1
    # munged refuses a socket in a directory others cannot enter
    chmod 711 "$SLURM_DIR"
    mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool"
    local prev; prev=$(trap -p EXIT)
    if [ -n "$prev" ]; then eval "set -- $prev"; SLURM_PREV_TRAP=$3; else SLURM_PREV_TRAP=""; fi
    trap "slurm_down; $SLURM_PREV_TRAP" EXIT

    local ctld_port=6817 slurmd_port=6818
    if [ -z "$SLURM_NS" ]; then
        ctld_port=$(slurm_free_port) && slurmd_port=$(slurm_free_port) || slurm_fail "no free port" || return 1
    fi
    slurm_write_conf "$ctld_port" "$slurmd_port"
    head -c 1024 /dev/urandom >"$SLURM_DIR/munge.key"
    chmod 600 "$SLURM_DIR/munge.key"
    slurm_daemon munged munged --foreground --force --socket="$SLURM_DIR/munge.sock" \
        --key-file="$SLURM_DIR/munge.key" --pid-file="$SLURM_DIR/munged.pid" \
        --log-file="$SLURM_DIR/munged.log" --seed-file="$SLURM_DIR/munged.seed"
    for _ in $(seq 50); do [ -S "$SLURM_DIR/munge.sock" ] && break; sleep 0.05; done
    [ -S "$SLURM_DIR/munge.sock" ] || { slurm_fail "munged did not start"; return 1; }
    slurm_daemon slurmctld slurmctld -D -f "$SLURM_DIR/slurm.conf"
    slurm_daemon slurmd slurmd -D -N localhost -f "$SLURM_DIR/slurm.conf"
    local state="" pid
    for _ in $(seq 300); do
        state=$(slurm_run sinfo -h -o %T 2>/dev/null)
        [ "$state" = idle ] && break
        for pid in "${SLURM_PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null || { slurm_fail "a daemon exited (pid $pid)"; return 1; }
        done
        sleep 0.1
    done
    [ "$state" = idle ] || { slurm_fail "node not idle after 30 s (state '$state')"; return 1; }
    local ms=$((($(date +%s%N) - t0) / 1000000))
    echo "slurm: one-node cluster up in $((ms / 1000)).$(printf %03d $((ms % 1000))) s${SLURM_NS:+ in $SLURM_NS} ($SLURM_DIR)"
}

# The pids of job steps our slurmd started: slurmstepd daemonizes away from
# it, but keeps its environment, which names our slurm.conf.
slurm_step_pids() {
    local d
    for d in /proc/[0-9]*; do
        [ "$(cat "$d/comm" 2>/dev/null)" = slurmstepd ] || continue
        tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "SLURM_CONF=$SLURM_DIR/slurm.conf" &&
            echo "${d#/proc/}"
    done
}

# Every step may fail harmlessly (a daemon already gone): "|| :" keeps a
# caller's `set -e` from cutting the teardown short.
slurm_down() {
    [ -n "$SLURM_DIR" ] || return 0
    local pid p
    if [ -S "$SLURM_DIR/munge.sock" ]; then
        slurm_run scancel --quiet --user=root >/dev/null 2>&1 || :
        for _ in $(seq 30); do
            [ -z "$(slurm_run squeue -h -t R,CG 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    for pid in "${SLURM_PIDS[@]}" $(slurm_step_pids); do kill "$pid" 2>/dev/null || :; done
    for _ in $(seq 30); do
        pid=""
        for p in "${SLURM_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && pid=$p; done
        [ -z "$pid" ] && break
        sleep 0.1
    done
    for pid in "${SLURM_PIDS[@]}" $(slurm_step_pids); do kill -9 "$pid" 2>/dev/null || :; done
    wait "${SLURM_PIDS[@]}" 2>/dev/null || :
    [ -n "${SLURM_KEEP:-}" ] || rm -rf "$SLURM_DIR" || :
    SLURM_DIR=""
    SLURM_NS=""
    SLURM_PIDS=()
    if [ -n "$SLURM_PREV_TRAP" ]; then trap -- "$SLURM_PREV_TRAP" EXIT; else trap - EXIT; fi
    SLURM_PREV_TRAP=""
}
