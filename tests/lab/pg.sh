# tests/lab/pg.sh: a PostgreSQL server of the test's own, for the results
# store's tests, the fleet tests and bench/store.sh.  Sourced; needs root and
# Debian's postgresql (scripts/deps.sh).
#
#   pg_up         initdb in a temporary directory and a server on it, run as
#                 the postgres user, listening on a Unix socket in that
#                 directory and nowhere else (no TCP at all: nothing to
#                 collide with, nothing reachable from the network, and a
#                 socket file is reachable from every network namespace, the
#                 lab's and Slurm's included).  Its superuser and database are
#                 both "scout", with trust for local connections, so any user
#                 (scout after dropping to nobody) connects.  Exports PG_URL
#                 (postgresql://scout@/scout?host=DIR&port=PORT), PG_DIR and
#                 PG_BIN, prints the URL; up in ~2 s.
#   pg_psql ARGS  psql against it (as scout, on database scout).
#   pg_down       stops the server (immediately: nothing in it is kept) and
#                 removes the directory (PG_KEEP=1 keeps it).  pg_up arms it
#                 on EXIT ahead of the trap already set there (the lab's
#                 lab_down), and pg_down puts that trap back.
#
# The port only names the socket (.s.PGSQL.PORT) in our own directory; it
# is random anyway, so that two servers' URLs never look alike.

PG_DIR=""
PG_URL=""
PG_BIN=""
PG_PREV_TRAP=""

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

# As the postgres user, from a directory it may enter.
pg_as() { (cd "$PG_DIR" && runuser -u postgres -- "$@"); }

pg_fail() {
    echo "pg: $*" >&2
    [ -f "$PG_DIR/log" ] && tail -5 "$PG_DIR/log" | sed 's/^/pg:   /' >&2
    pg_down
    return 1
}

pg_up() {
    [ -z "$PG_DIR" ] || { echo "pg: already up ($PG_URL)" >&2; return 1; }
    PG_BIN=$(pg_bin) || { echo "pg: PostgreSQL's initdb/pg_ctl not found (scripts/deps.sh)" >&2; return 1; }
    id postgres >/dev/null 2>&1 || { echo "pg: no postgres user" >&2; return 1; }
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/scout-pg.XXXXXX") || return 1
    local prev
    prev=$(trap -p EXIT)
    if [ -n "$prev" ]; then eval "set -- $prev"; PG_PREV_TRAP=$3; else PG_PREV_TRAP=""; fi
    trap "pg_down; $PG_PREV_TRAP" EXIT
    # the server's, and enterable by every user (its socket is the way in)
    chown postgres: "$PG_DIR" && chmod 755 "$PG_DIR" || { pg_fail "cannot prepare $PG_DIR"; return 1; }
    local port=$((20000 + RANDOM % 40000))
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U scout -E UTF8 --locale=C --auth-local=trust \
        --auth-host=reject --no-sync >"$PG_DIR/initdb.log" 2>&1 || { pg_fail "initdb failed: $(tail -1 "$PG_DIR/initdb.log")"; return 1; }
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -p $port" start >/dev/null ||
        { pg_fail "the server did not start"; return 1; }
    PG_URL="postgresql://scout@/scout?host=$PG_DIR&port=$port"
    "$PG_BIN/createdb" -h "$PG_DIR" -p $port -U scout scout || { pg_fail "createdb failed"; return 1; }
    export PG_URL PG_DIR PG_BIN
    echo "$PG_URL"
}

pg_psql() {
    local port=${PG_URL##*port=}
    "$PG_BIN/psql" -X -q -h "$PG_DIR" -p "$port" -U scout -d scout -v ON_ERROR_STOP=1 "$@"
}

# Every step may fail harmlessly (a server already gone): "|| :" keeps a
# caller's `set -e` from cutting the teardown short.
pg_down() {
    [ -n "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || :
        local pid
        pid=$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || :
    fi
    [ -n "${PG_KEEP:-}" ] || rm -rf "$PG_DIR" || :
    PG_DIR=""
    PG_URL=""
    if [ -n "$PG_PREV_TRAP" ]; then trap -- "$PG_PREV_TRAP" EXIT; else trap - EXIT; fi
    PG_PREV_TRAP=""
}
