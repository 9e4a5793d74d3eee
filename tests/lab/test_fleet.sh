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

# The fleet itself: the shipped sbatch script runs a 4-task array of real
# scout --shard auto scans into the test's own PostgreSQL (tests/lab/pg.sh);
# scout report merges the shards; the merged result equals a single-process
# scan of the same targets port for port (and the lab's truth).
source "$(dirname "${BASH_SOURCE[0]}")/pg.sh"

test_fleet_shards_merge() {
    local d=$WORK/fleet-merge seed=20261125 targets="$LAB_T1 $LAB_T2 $LAB_T3" ports=1-3000
    rm -rf "$d"; mkdir -p "$d"; chmod 777 "$d"
    if ! pg_up >/dev/null; then
        fail "fleet: the test's PostgreSQL starts"
        return
    fi
    if ! slurm_up "$(lab_ns scan)"; then
        fail "fleet: the Slurm cluster starts"
        pg_down
        return
    fi
    (cd "$d" && SCOUT=$SCOUT SCOUT_DB=$PG_URL SCOUT_SEED=$seed slurm_run sbatch --quiet --array=0-3 --wait \
        -o "$d/task-%a.log" "$LAB_SRC/../../deploy/slurm/scout-array.sbatch" -n -Pn -sS -p $ports $targets)
    check "fleet: the 4 array tasks each wrote a shard row (K 1..4 of 4, one key)" \
        test "$(pg_psql -Atc "select count(distinct shard_k) || ' ' || count(distinct key) || ' ' || max(shard_n)
                               from scans where finished" 2>/dev/null)" = "4 1 4"
    lab_in scan "$SCOUT" report --db "$PG_URL" -oX "$d/merged.xml" >/dev/null 2>"$d/report.err" || cat "$d/report.err"
    check "fleet: scout report merges the shards into one valid XML report" xml_valid "$d/merged.xml"
    lab_in scan "$SCOUT" -n -Pn -sS -p $ports --seed $seed --no-db -oX "$d/single.xml" $targets >/dev/null 2>&1
    check "fleet: the merged scan equals a single-process scan (scout diff: exit 0)" \
        lab_in scan "$SCOUT" diff "$d/single.xml" "$d/merged.xml"
    local h ok=0
    for h in t1 t2; do
        python3 "$LAB_SRC/compare.py" "$d/merged.xml" "$LAB_DIR/truth-$h" "$(lab_ip $h)" $ports --scan syn \
            >"$d/compare-$h.txt" 2>&1 && ok=$((ok + 1))
    done
    check "fleet: the merged report has every port of t1 and t2 right" test $ok = 2
    slurm_down
    pg_down
}
