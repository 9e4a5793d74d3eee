# Lab tests of the results store (src/store): PostgreSQL on a server of the
# test's own (pg.sh), and the SQLite cases that need another process or a
# real full disk.  None needs the lab's network: storecheck (storecheck.c)
# drives the store directly, as scout does, without a scan.  The SQLite
# round trip, merging, checkpoints, bad files and the privilege drop are
# unit tests (tests/unit/test_store.c).

source "$(dirname "${BASH_SOURCE[0]}")/pg.sh"

# The store and what it needs of scout (dynlib.c: libpq may be opened at
# run time rather than linked).
storecheck_build() {
    local src=$LAB_SRC/../../src extra=()
    [ -f "$src/dynlib.c" ] && extra+=("$src/dynlib.c")
    [ -x "$LAB_DIR/storecheck" ] ||
        cc -std=c17 -D_GNU_SOURCE -O1 -g -I"$src" -I/usr/include/postgresql -o "$LAB_DIR/storecheck" \
            "$LAB_SRC/storecheck.c" "$src"/store/*.c "$src/scanrec.c" "$src/addr.c" "$src/util.c" \
            "$src/results.c" "$src/services.c" "$src/services_builtin.c" "${extra[@]}" -lsqlite3 -lpq -lm -ldl
}

# A one-line message naming the store, on stderr, and exit 2.
# store_fails DESCRIPTION WANT COMMAND...
store_fails() {
    local what=$1 want=$2 rc err; shift 2
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"results store "* ]] &&
        [[ $err == *"$want"* ]]; then
        pass "$what"
    else
        fail "$what (exit $rc: $err)"
    fi
}

test_store_pg() {
    storecheck_build || { fail "storecheck did not build"; return; }
    local sc=$LAB_DIR/storecheck out
    if ! pg_up >/dev/null; then
        fail "PostgreSQL did not start"
        return
    fi
    out=$("$sc" roundtrip "$PG_URL" 2>&1)
    check "PostgreSQL: a scan of every field round trips (services, tunnels, TTLs, bytes made UTF-8, checkpoint): $out" \
        test "$out" = "roundtrip ok"
    check "PostgreSQL: the documented tables and views answer SQL" \
        test "$(pg_psql -At -c "SELECT protocol || '/' || port || ' ' || state || ' ' || reason || ' ' || service
                                FROM port_report WHERE port = 21")" = "tcp/21 open syn-ack ftp"
    check "PostgreSQL: the ports view unpacks every port" \
        test "$(pg_psql -At -c "SELECT count(*) FROM ports")" = 3
    check "PostgreSQL: its schema_version is 1" test "$(pg_psql -At -c "SELECT version FROM schema_version")" = 1

    # Four shards at once on an empty database: the schema made once, every
    # row kept, the merge equal to the same scan done by one process.
    pg_psql -c "DROP VIEW port_report, ports; DROP TABLE checkpoints, services, hosts, scans, codes, schema_version"
    local k ids=() pids=()
    for k in 1 2 3 4; do
        "$sc" shard "$PG_URL" fleet "$k" 4 >"$WORK/store-shard$k" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}" # theirs alone: the lab's servers are this shell's children too
    for k in 1 2 3 4; do ids+=("$(cat "$WORK/store-shard$k")"); done
    check "PostgreSQL: four shards writing at once into an empty database all succeed (${ids[*]})" \
        test "$(printf '%s\n' "${ids[@]}" | grep -cx '[0-9]\+')" = 4
    local single
    single=$("$sc" shard "$PG_URL" single 1 1)
    "$sc" show "$PG_URL" "${ids[2]}" >"$WORK/store-merged" && "$sc" show "$PG_URL" "$single" >"$WORK/store-single"
    check "PostgreSQL: the merged shards are finished, 4 of them, 256 hosts" \
        test "$(head -1 "$WORK/store-merged")" = "scan finished=1 shard_n=4 hosts=256"
    check "PostgreSQL: the merged shards equal one process's scan, port for port ($(wc -l <"$WORK/store-single") lines)" \
        cmp -s <(tail -n +2 "$WORK/store-merged") <(tail -n +2 "$WORK/store-single")
    check "PostgreSQL: every shard's rows are kept" \
        test "$(pg_psql -At -c "SELECT count(*) FROM hosts")" = $((5 * 256))

    # scout writes after dropping to nobody: the socket lets nobody in.
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$sc" roundtrip "$PG_URL" 2>&1)
    check "PostgreSQL: nobody writes through the socket ($out)" test "$out" = "roundtrip ok"

    # Bad input: one line, exit 2, nothing stored lost.
    local dir=${PG_URL#*host=}
    dir=${dir%%&*}
    store_fails "PostgreSQL: no server behind the socket" "No such file or directory" \
        "$sc" open "postgresql://scout@/scout?host=$dir&port=1"
    store_fails "PostgreSQL: TCP refused" "Connection refused" "$sc" open "postgresql://127.0.0.1:1/scout"
    store_fails "PostgreSQL: a role the server refuses, the password not shown" 'role "intruder" does not exist' \
        "$sc" open "postgresql://intruder:s3cret@/scout?host=$dir&port=${PG_URL##*port=}"
    out=$("$sc" open "postgresql://intruder:s3cret@/scout?host=$dir&port=${PG_URL##*port=}" 2>&1)
    check "PostgreSQL: the message has the URL without its password" eval '[[ $out != *s3cret* && $out == *"postgresql://intruder@/scout?"* ]]'
    store_fails "PostgreSQL: a database that does not exist" 'database "nope" does not exist' \
        "$sc" open "postgresql://scout@/nope?host=$dir&port=${PG_URL##*port=}"
    store_fails "PostgreSQL: a URL libpq cannot read" "invalid" "$sc" open "postgresql://scout@/scout?port=notaport&host=$dir"

    local before
    before=$(pg_psql -At -c "SELECT count(*) || ' ' || sum(length(port_data::text)) FROM hosts")
    pg_psql -c "UPDATE schema_version SET version = 99"
    store_fails "PostgreSQL: a newer schema version is refused, named" "schema version 99, newer than this scout's (1)" \
        "$sc" open "$PG_URL"
    check "PostgreSQL: ...and nothing is lost ($before)" \
        test "$(pg_psql -At -c "SELECT count(*) || ' ' || sum(length(port_data::text)) FROM hosts")" = "$before"
    pg_psql -c "UPDATE schema_version SET version = 1"
    check "PostgreSQL: once set back, the store opens" "$sc" open "$PG_URL"

    pg_psql -c "CREATE DATABASE other" && pg_psql -d other -c "CREATE TABLE scans (x int)"
    store_fails "PostgreSQL: a database with another application's 'scans' is refused" \
        "not a scout results store (it has tables named scans" "$sc" open "postgresql://scout@/other?${PG_URL#*\?}"
    check "PostgreSQL: ...and left as it was" \
        test "$(pg_psql -d other -At -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 1

    # The server goes away in the middle of writes: the failing write says
    # so in one line; then no server at all.
    "$sc" fill "$PG_URL" >"$WORK/store-fill.out" 2>&1 &
    local filler=$!
    sleep 1
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
    wait $filler
    sed 's/^/    /' "$WORK/store-fill.out"
    check "PostgreSQL: a server gone in the middle of writes is a one-line error" \
        grep -q "^fill: [0-9]* groups, then: results store postgresql://scout@/scout?host=[^ ]*: .*\(terminat\|closed\|connection\)" \
        "$WORK/store-fill.out"
    store_fails "PostgreSQL: the server stopped" "failed" "$sc" roundtrip "$PG_URL"
    pg_down
    check "pg_down removed its directory" test ! -e "$dir"
}

# Another process holds a write transaction: a write waits out the busy
# timeout (5 s), then one line; what was stored is intact.
test_store_sqlite_locked() {
    storecheck_build || { fail "storecheck did not build"; return; }
    local sc=$LAB_DIR/storecheck db=$WORK/store-locked.db t0 ms
    "$sc" roundtrip "$db" >/dev/null
    "$sc" lock "$db" 8 >"$WORK/store-lock.out" 2>&1 &
    local holder=$!
    for _ in $(seq 50); do grep -q locked "$WORK/store-lock.out" && break; sleep 0.1; done
    t0=$(date +%s%N)
    store_fails "SQLite: a store locked by another process" "database is locked (another process held it for 5.0 s)" \
        "$sc" roundtrip "$db"
    ms=$((($(date +%s%N) - t0) / 1000000))
    check "SQLite: ...after the busy timeout (${ms} ms)" test "$ms" -ge 4900 -a "$ms" -lt 8000
    wait $holder
    check "SQLite: ...and what was stored is intact" eval '"$sc" show "$db" 1 | grep -q "^2001:2::60 21/tcp open syn-ack 64 ftp vsftpd$"'
}

# A real full disk: a 1 MiB tmpfs in a mount namespace of the test's own.
test_store_sqlite_full_disk() {
    storecheck_build || { fail "storecheck did not build"; return; }
    local sc=$LAB_DIR/storecheck mnt=$WORK/store-tmpfs out
    mkdir -p "$mnt"
    out=$(unshare -m sh -c "mount -t tmpfs -o size=1m scout-store '$mnt' && '$sc' fill '$mnt/full.db'" 2>&1)
    local rc=$?
    echo "$out" | sed 's/^/    /'
    check "SQLite: a full disk is reported, in one line" eval '[[ $out == *"results store $mnt/full.db: database or disk is full"* ]]'
    check "SQLite: ...and every group written before it reads back, with its checkpoint (exit $rc)" test "$rc" = 0
    rmdir "$mnt"
}
