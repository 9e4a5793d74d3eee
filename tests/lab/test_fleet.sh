# tests/lab/test_fleet.sh: fleets on existing engines (issue 17): a real
# one-node Slurm cluster (tests/lab/slurm.sh) whose daemons run in the lab's
# scan namespace, so its array tasks scan from there.
source "$(dirname "${BASH_SOURCE[0]}")/slurm.sh"

# A 4-task array of trivial jobs: each task records what Slurm told it and
# the namespace it ran in; then the shipped deploy/slurm/scout-array.sbatch
# with a stand-in scout that records its command line, to see that every task
# passes --shard auto, one shared seed and the store.
test_fleet_slurm_array() {
    local d=$WORK/fleet-slurm scan_ns; scan_ns=$(lab_ns scan)
    rm -rf "$d"; mkdir -p "$d/tasks" "$d/script"
    if ! slurm_up "$scan_ns"; then
        fail "slurm: a one-node cluster starts in the scan namespace"
        return
    fi
    pass "slurm: a one-node cluster starts in the scan namespace"

    cat >"$d/task.sh" <<'EOF'
#!/bin/sh
echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $(ip netns identify $$)" >"$OUT/$SLURM_ARRAY_TASK_ID"
EOF
    chmod +x "$d/task.sh"
    OUT=$d/tasks slurm_run sbatch --quiet --array=0-3 --wait -o "$d/tasks/%a.log" "$d/task.sh"
    local i got=""
    for i in 0 1 2 3; do got+="$(cat "$d/tasks/$i" 2>/dev/null);"; done
    local want="0 4 $scan_ns;1 4 $scan_ns;2 4 $scan_ns;3 4 $scan_ns;"
    if [ "$got" = "$want" ]; then
        pass "slurm: sbatch --array=0-3 --wait ran tasks 0-3, each told COUNT 4, in the scan namespace"
    else
        fail "slurm: array tasks recorded '$got', want '$want'"
    fi

    # scout itself in a task: a connect and a raw scan of t1's ssh port
    cat >"$d/scan.sh" <<'EOF'
#!/bin/sh
"$SCOUT" -n -sT -p 22 "$T1" -oG - && "$SCOUT" -n -sS -p 22 "$T1" -oG -
EOF
    chmod +x "$d/scan.sh"
    SCOUT=$SCOUT T1=$LAB_T1 slurm_run sbatch --quiet --wait -o "$d/scan.log" "$d/scan.sh"
    if [ "$(grep -c 'Ports: 22/open/tcp' "$d/scan.log" 2>/dev/null)" = 2 ]; then
        pass "slurm: scout -sT and -sS in a job scan the lab from the scan namespace"
    else
        fail "slurm: scout in a job: $(tr '\n' ' ' <"$d/scan.log" 2>/dev/null | cut -c1-300)"
    fi

    cat >"$d/fake-scout" <<'EOF'
#!/bin/sh
echo "$*" >"$OUT/$SLURM_ARRAY_TASK_ID"
EOF
    chmod +x "$d/fake-scout"
    local job
    job=$(cd "$d/script" && OUT=$d/script SCOUT=$d/fake-scout SCOUT_DB=postgresql:///scout \
        slurm_run sbatch --parsable --array=1-7:2 --wait "$LAB_SRC/../../deploy/slurm/scout-array.sbatch" \
        -sT -p 22 "$LAB_T1")
    got=""
    for i in 1 3 5 7; do got+="$(cat "$d/script/$i" 2>/dev/null);"; done
    local line="--shard auto --seed ${job%%;*} --db postgresql:///scout -sT -p 22 $LAB_T1;"
    if [ "$got" = "$line$line$line$line" ]; then
        pass "slurm: deploy/slurm/scout-array.sbatch runs scout --shard auto with the array's job id as every task's seed"
    else
        fail "slurm: scout-array.sbatch ran '$got', want 4 x '$line'"
    fi
    slurm_down
}
