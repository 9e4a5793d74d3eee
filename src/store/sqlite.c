/* store/sqlite: the results store in one SQLite file, the default.
 *
 * WAL mode (readers never block the scan's writes; a crash leaves every
 * committed transaction and nothing of an uncommitted one), synchronous
 * NORMAL (durable across a killed process; a power cut may lose the last
 * transactions, never the file's consistency), a busy timeout for another
 * process's write transaction.
 *
 * Privileges: scout opens the store as root and writes after dropping to
 * nobody or sudo's caller, who may not even reach the file's directory
 * (/root/.local/share/scout).  So the store is opened completely while
 * privileged: the database, and the -wal and -shm files that WAL mode adds,
 * are open (and the WAL's creation synced) before store_open returns, and
 * SQLite needs no path afterwards: every later write goes through those
 * descriptors.  Temporary files are kept in memory and the WAL is persistent
 * (never unlinked on close, which nobody could not do); when nobody cannot
 * even stat the path, the close skips its checkpoint and the next open
 * replays the WAL, losing nothing.  store_chown gives the files this open
 * created to sudo's caller, where their directory is the caller's. */
#include "store/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MADE_DIRS 8

struct sq {
    struct store base;
    sqlite3 *db;
    char *path;
    bool made_db, made_wal, made_shm;
    char *made_dirs[MAX_MADE_DIRS]; /* created by this open, outermost first */
    int nmade;
    int busy_ms;
    sqlite3_stmt *ins_host, *ins_svc, *put_ckpt;
    struct buf ports; /* one host's packed ports, reused */
};

static struct sq *sq_of(struct store *s)
{
    return (struct sq *)s;
}

/* SQLite's message for the last failure, with what it leaves unsaid. */
static int db_err(struct sq *q, err_t *e)
{
    sqlite3 *db = q->db;
    int rc = sqlite3_extended_errcode(db);
    const char *msg = sqlite3_errmsg(db);
    if ((rc & 0xff) == SQLITE_BUSY)
        return err_set(e, "%s (another process held it for %.1f s)", msg, q->busy_ms / 1000.0);
    if ((rc & 0xff) == SQLITE_NOTADB)
        return err_set(e, "%s (damaged, or not a SQLite file)", msg);
    if ((rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno(db))
        return err_set(e, "%s (%s)", msg, strerror(sqlite3_system_errno(db)));
    if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_TRUNCATE)
        return err_set(e, "%s (writing failed: is the disk full?)", msg);
    return err_set(e, "%s", msg);
}

static int exec(struct sq *q, const char *sql, err_t *e)
{
    return sqlite3_exec(q->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_err(q, e);
}

/* ---- the schema ---- */

static const char schema_sql[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE codes (kind TEXT NOT NULL, code INTEGER NOT NULL, name TEXT NOT NULL,"
    " PRIMARY KEY (kind, code));"
    "CREATE TABLE scans (id INTEGER PRIMARY KEY, key TEXT, args TEXT, version TEXT, seed TEXT,"
    " shard_k INTEGER NOT NULL, shard_n INTEGER NOT NULL, start_time REAL, end_time REAL,"
    " finished BOOLEAN NOT NULL DEFAULT 0);"
    "CREATE INDEX scans_key ON scans (key);"
    "CREATE INDEX scans_start ON scans (start_time);"
    "CREATE TABLE hosts (id INTEGER PRIMARY KEY, scan INTEGER NOT NULL REFERENCES scans (id),"
    " address TEXT NOT NULL, status INTEGER NOT NULL, reason INTEGER NOT NULL, mac TEXT, vendor TEXT,"
    " name TEXT, os TEXT, partial BOOLEAN NOT NULL, port_data TEXT NOT NULL);"
    "CREATE INDEX hosts_scan ON hosts (scan);"
    "CREATE TABLE services (host INTEGER NOT NULL REFERENCES hosts (id), protocol INTEGER NOT NULL,"
    " port INTEGER NOT NULL, name TEXT, tunnel TEXT, product TEXT, version TEXT, extrainfo TEXT,"
    " cpe TEXT, PRIMARY KEY (host, protocol, port)) WITHOUT ROWID;"
    "CREATE TABLE checkpoints (scan INTEGER PRIMARY KEY REFERENCES scans (id), blob BLOB NOT NULL,"
    " time REAL NOT NULL);"
    "CREATE VIEW ports (host, protocol, port, state, reason, ttl) AS"
    " SELECT h.id, (j.value >> 16) & 3, j.value & 65535, (j.value >> 18) & 15, (j.value >> 22) & 127,"
    " j.value >> 29 FROM hosts h, json_each(h.port_data) j;" STORE_PORT_REPORT_VIEW ";";

/* Steps from version v to v + 1, [v]; none yet (version 1 is the first). */
static const char *const migrations[STORE_SCHEMA_VERSION] = {NULL};

static int table_exists(struct sq *q, const char *name, bool *yes, int *ntables, err_t *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT count(*), sum(name = ?) FROM sqlite_schema WHERE type = 'table'",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *ntables = sqlite3_column_int(st, 0);
        *yes = sqlite3_column_int(st, 1) > 0;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : db_err(q, e);
}

static int read_version(struct sq *q, int64_t *v, err_t *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : db_err(q, e);
}

/* Codes: every stored one must mean what it means here; *missing when this
 * scout knows codes the store lacks. */
static int check_codes(struct sq *q, bool *missing, err_t *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT kind, code, name FROM codes", -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    int rc, known = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 0), *name = (const char *)sqlite3_column_text(st, 2);
        if (codes_check(kind ? kind : "", sqlite3_column_int64(st, 1), name ? name : "", e) < 0) {
            sqlite3_finalize(st);
            return -1;
        }
        known++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_err(q, e);
    struct code_def c[STORE_NCODES];
    *missing = known < (int)codes_list(c);
    return 0;
}

static int version_refused(int64_t v, err_t *e)
{
    if (v > STORE_SCHEMA_VERSION)
        return err_set(e, "schema version %lld, newer than this scout's (%d): a newer scout wrote it",
                       (long long)v, STORE_SCHEMA_VERSION);
    return err_set(e, "schema version %lld, which this scout (version %d) cannot migrate", (long long)v,
                   STORE_SCHEMA_VERSION);
}

/* What the file holds, in a write transaction: nothing (create the schema),
 * scout's schema (migrate if older, add codes), or something else (refuse). */
static int schema_write(struct sq *q, err_t *e)
{
    bool have;
    int ntables;
    int64_t v;
    if (table_exists(q, "schema_version", &have, &ntables, e) < 0)
        return -1;
    if (!have && ntables > 0)
        return err_set(e, "not a scout results store (it holds %d other tables)", ntables);
    if (!have) {
        char sql[64];
        snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d)", STORE_SCHEMA_VERSION);
        if (exec(q, schema_sql, e) < 0 || exec(q, sql, e) < 0)
            return -1;
    } else if (read_version(q, &v, e) < 0) {
        return -1;
    }
    for (; have && v < STORE_SCHEMA_VERSION; v++) {
        if (v < 1 || !migrations[v])
            return version_refused(v, e);
        if (exec(q, migrations[v], e) < 0)
            return -1;
        char sql[64];
        snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %lld", (long long)v + 1);
        if (exec(q, sql, e) < 0)
            return -1;
    }
    if (have && v > STORE_SCHEMA_VERSION)
        return version_refused(v, e);
    struct buf sql = {0};
    int rc = codes_insert_sql(&sql, e) < 0 ? -1 : exec(q, sql.p, e);
    buf_free(&sql);
    return rc;
}

/* Reads first (no write lock, nothing to change in the common case); only a
 * store that needs its schema, a migration or codes is written, under
 * BEGIN IMMEDIATE so two scouts creating it at once do not collide. */
static int schema_open(struct sq *q, err_t *e)
{
    bool have, missing = false;
    int ntables;
    int64_t v = 0;
    if (exec(q, "BEGIN", e) < 0)
        return -1;
    int rc = table_exists(q, "schema_version", &have, &ntables, e);
    if (rc == 0 && have)
        rc = read_version(q, &v, e);
    if (rc == 0 && have && v == STORE_SCHEMA_VERSION)
        rc = check_codes(q, &missing, e);
    sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL); /* a read: nothing to lose */
    if (rc < 0)
        return -1;
    if (!have && ntables > 0)
        return err_set(e, "not a scout results store (it holds %d other tables)", ntables);
    if (have && v > STORE_SCHEMA_VERSION)
        return version_refused(v, e);
    if (have && v == STORE_SCHEMA_VERSION && !missing)
        return 0;
    if (exec(q, "BEGIN IMMEDIATE", e) < 0)
        return -1;
    if (schema_write(q, e) < 0 || check_codes(q, &missing, e) < 0 || exec(q, "COMMIT", e) < 0) {
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* ---- opening ---- */

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* mkdir -p of the default path's directory; the ones it makes are 0700
 * (the XDG spec's mode for a data directory) and remembered for chown. */
static int make_dirs(struct sq *q, const char *file, err_t *e)
{
    char *dir = strdup(file);
    if (!dir)
        return err_set(e, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = 0;
    for (char *p = dir + 1;; p++) {
        if (*p && *p != '/')
            continue;
        char c = *p;
        *p = 0;
        if (mkdir(dir, 0700) == 0) {
            if (q->nmade < MAX_MADE_DIRS)
                q->made_dirs[q->nmade++] = strdup(dir);
        } else if (errno != EEXIST) {
            int err = errno;
            err_set(e, "cannot create %s: %s", dir, strerror(err));
            free(dir);
            return -1;
        }
        *p = c;
        if (!c)
            break;
    }
    free(dir);
    return 0;
}

static char *with_suffix(const char *path, const char *suffix)
{
    char *p;
    return asprintf(&p, "%s%s", path, suffix) < 0 ? NULL : p;
}

/* Whether -wal and -shm were there before this open (then they are not ours
 * to give away). */
static void note_new_files(struct sq *q, bool before, bool *db, bool *wal, bool *shm)
{
    char *w = with_suffix(q->path, "-wal"), *s = with_suffix(q->path, "-shm");
    bool d = exists(q->path), ww = w && exists(w), ss = s && exists(s);
    if (before) {
        *db = d, *wal = ww, *shm = ss;
    } else {
        q->made_db = !*db && d, q->made_wal = !*wal && ww, q->made_shm = !*shm && ss;
    }
    free(w), free(s);
}

static int prepare(struct sq *q, const char *sql, sqlite3_stmt **st, err_t *e)
{
    return sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK ? 0 : db_err(q, e);
}

static int configure(struct sq *q, err_t *e)
{
    int one = 1;
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, q->busy_ms);
    sqlite3_file_control(q->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    int rc = sqlite3_step(st);
    bool wal = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_err(q, e);
    if (!wal)
        return err_set(e, "cannot use WAL mode here (a read-only or network file system?)");
    /* foreign keys checked, as PostgreSQL does: a checkpoint or a host of a
     * scan that is not there is refused by both backends alike */
    /* a scan writes and seldom reads: 512 KiB of page cache, not 2 MiB,
     * keeps the store out of the scan's memory budget */
    return exec(q, "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -512;"
                   "PRAGMA journal_size_limit = 16777216; PRAGMA foreign_keys = ON;", e);
}

static int statements(struct sq *q, err_t *e)
{
    return prepare(q, "INSERT INTO hosts (scan, address, status, reason, mac, vendor, name, os, partial, port_data)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &q->ins_host, e) < 0 ||
                   prepare(q, "INSERT INTO services (host, protocol, port, name, tunnel, product, version,"
                              " extrainfo, cpe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &q->ins_svc, e) < 0 ||
                   prepare(q, "INSERT INTO checkpoints (scan, blob, time) VALUES (?, ?, ?) ON CONFLICT (scan)"
                              " DO UPDATE SET blob = excluded.blob, time = excluded.time", &q->put_ckpt, e) < 0
               ? -1 : 0;
}

static const struct store_backend sqlite_ops;

static void sq_close(struct store *s)
{
    struct sq *q = sq_of(s);
    sqlite3_finalize(q->ins_host);
    sqlite3_finalize(q->ins_svc);
    sqlite3_finalize(q->put_ckpt);
    sqlite3_close(q->db);
    for (int i = 0; i < q->nmade; i++)
        free(q->made_dirs[i]);
    buf_free(&q->ports);
    free(q->path);
    free(q);
}

/* A path SQLite could not open: what the system says of it (SQLite's own
 * message is "unable to open database file" whatever the cause). */
static int open_failed(struct sq *q, err_t *e)
{
    struct stat st;
    if (stat(q->path, &st) == 0 && S_ISDIR(st.st_mode))
        return err_set(e, "is a directory");
    int fd = open(q->path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        return db_err(q, e);
    }
    if (errno != ENOENT)
        return err_set(e, "%s", strerror(errno));
    char *dir = strdup(q->path), *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    int rc = slash && stat(dir, &st) < 0 ? err_set(e, "its directory: %s", strerror(errno)) : db_err(q, e);
    free(dir);
    return rc;
}

static int sq_open(struct sq *q, bool make, err_t *e)
{
    bool db, wal, shm;
    int rc = make ? make_dirs(q, q->path, e) : 0;
    note_new_files(q, true, &db, &wal, &shm);
    if (rc == 0 && sqlite3_open_v2(q->path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        rc = open_failed(q, e);
    if (rc == 0)
        rc = configure(q, e) < 0 || schema_open(q, e) < 0 || statements(q, e) < 0 ? -1 : 0;
    note_new_files(q, false, &db, &wal, &shm);
    return rc;
}

int sqlite_store_open(struct store **out, const char *path, int busy_ms, err_t *e)
{
    struct sq *q = calloc(1, sizeof *q);
    if (!q)
        return err_set(e, "out of memory");
    q->base.ops = &sqlite_ops;
    q->busy_ms = busy_ms;
    if (!path && store_default_path(&q->path, e) < 0) {
        free(q);
        return -1;
    }
    if (path && !(q->path = strdup(path))) {
        free(q);
        return err_set(e, "out of memory");
    }
    q->base.name = q->path;
    err_t in;
    if (sq_open(q, !path, &in) < 0) {
        err_set(e, "results store %s: %s", q->path, in.msg);
        sq_close(&q->base);
        return -1;
    }
    *out = &q->base;
    return 0;
}

/* ---- writes ---- */

static int sq_begin(struct store *s, err_t *e)
{
    return exec(sq_of(s), "BEGIN IMMEDIATE", e);
}

static int sq_commit(struct store *s, err_t *e)
{
    return exec(sq_of(s), "COMMIT", e);
}

static void sq_rollback(struct store *s)
{
    struct sq *q = sq_of(s);
    if (!sqlite3_get_autocommit(q->db))
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Runs a bound statement once; resets it and its bindings either way. */
static int run(struct sq *q, sqlite3_stmt *st, err_t *e)
{
    int rc = sqlite3_step(st);
    int r = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(q, e);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r;
}

static int sq_insert_scan(struct store *s, const struct rec_scan *sc, int64_t *id, err_t *e)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "INSERT INTO scans (key, args, version, seed, shard_k, shard_n, start_time,"
                                  " end_time, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc->seed);
    bind_text(st, 1, sc->key);
    bind_text(st, 2, sc->args);
    bind_text(st, 3, sc->version);
    bind_text(st, 4, seed);
    sqlite3_bind_int64(st, 5, sc->shard_k);
    sqlite3_bind_int64(st, 6, sc->shard_n);
    sqlite3_bind_double(st, 7, sc->start);
    if (sc->end)
        sqlite3_bind_double(st, 8, sc->end);
    sqlite3_bind_int(st, 9, sc->finished);
    int rc = run(q, st, e);
    sqlite3_finalize(st);
    *id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static int insert_services(struct sq *q, int64_t host, const struct rec_host *h, err_t *e)
{
    for (uint32_t i = 0; i < h->nports; i++) {
        const struct rec_port *p = &h->ports[i];
        if (!p->service || p->state == PS_UNKNOWN)
            continue;
        sqlite3_stmt *st = q->ins_svc;
        sqlite3_bind_int64(st, 1, host);
        sqlite3_bind_int(st, 2, p->proto);
        sqlite3_bind_int(st, 3, p->port);
        bind_text(st, 4, p->service);
        bind_text(st, 5, p->tunnel);
        bind_text(st, 6, p->product);
        bind_text(st, 7, p->version);
        bind_text(st, 8, p->extrainfo);
        bind_text(st, 9, p->cpe);
        if (run(q, st, e) < 0)
            return -1;
    }
    return 0;
}

static int insert_host(struct sq *q, int64_t scan, const struct rec_host *h, err_t *e)
{
    char a[ADDR_STRLEN], mac[18];
    if (store_pack_ports(h, &q->ports, e) < 0)
        return -1;
    sqlite3_stmt *st = q->ins_host;
    sqlite3_bind_int64(st, 1, scan);
    bind_text(st, 2, addr_str(&h->addr, a, sizeof a));
    sqlite3_bind_int(st, 3, h->status);
    sqlite3_bind_int(st, 4, h->reason);
    bind_text(st, 5, store_mac_text(h, mac));
    bind_text(st, 6, h->vendor);
    bind_text(st, 7, h->name);
    bind_text(st, 8, h->os);
    sqlite3_bind_int(st, 9, h->partial);
    sqlite3_bind_text(st, 10, q->ports.p, (int)q->ports.len, SQLITE_STATIC);
    if (run(q, st, e) < 0)
        return -1;
    return insert_services(q, sqlite3_last_insert_rowid(q->db), h, e);
}

static int sq_insert_hosts(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, err_t *e)
{
    for (uint32_t i = 0; i < n; i++)
        if (insert_host(sq_of(s), scan, &h[i], e) < 0)
            return -1;
    return 0;
}

static int sq_put_checkpoint(struct store *s, int64_t scan, const void *blob, size_t len, double t, err_t *e)
{
    struct sq *q = sq_of(s);
    if (len > INT32_MAX)
        return err_set(e, "a checkpoint of %zu bytes", len);
    sqlite3_bind_int64(q->put_ckpt, 1, scan);
    sqlite3_bind_blob(q->put_ckpt, 2, len ? blob : "", (int)len, SQLITE_STATIC);
    sqlite3_bind_double(q->put_ckpt, 3, t);
    return run(q, q->put_ckpt, e);
}

static int sq_end_scan(struct store *s, int64_t scan, double end, bool finished, err_t *e)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "UPDATE scans SET end_time = ?, finished = ? WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(q, e);
    sqlite3_bind_double(st, 1, end);
    sqlite3_bind_int(st, 2, finished);
    sqlite3_bind_int64(st, 3, scan);
    int rc = run(q, st, e);
    sqlite3_finalize(st);
    if (rc == 0 && sqlite3_changes(q->db) == 0)
        return err_set(e, "no scan %lld", (long long)scan);
    return rc;
}

/* ---- reads ---- */

static int sq_last_scan(struct store *s, bool unfinished_only, int64_t *id, err_t *e)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st;
    const char *sql = unfinished_only
                          ? "SELECT id FROM scans WHERE NOT finished ORDER BY start_time DESC, id DESC LIMIT 1"
                          : "SELECT id FROM scans ORDER BY start_time DESC, id DESC LIMIT 1";
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(q, e);
}

static char *col_dup(sqlite3_stmt *st, int i, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    char *d = strdup((const char *)t);
    *oom |= !d;
    return d;
}

#define KEY_SCANS "SELECT id FROM scans WHERE id = ?1 OR key = (SELECT key FROM scans WHERE id = ?1)"

static int load_scans(struct sq *q, int64_t id, struct store_rows *r, err_t *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT id, key, args, version, seed, shard_k, shard_n, start_time, end_time,"
                                  " finished FROM scans WHERE id IN (" KEY_SCANS ") ORDER BY id <> ?1, id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    sqlite3_bind_int64(st, 1, id);
    int rc;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct rec_scan *p = realloc(r->scans, (r->nscans + 1) * sizeof *p);
        if (!p) {
            oom = true;
            break;
        }
        r->scans = p;
        struct rec_scan *sc = &r->scans[r->nscans++];
        memset(sc, 0, sizeof *sc);
        sc->id = sqlite3_column_int64(st, 0);
        sc->key = col_dup(st, 1, &oom);
        sc->args = col_dup(st, 2, &oom);
        sc->version = col_dup(st, 3, &oom);
        const unsigned char *seed = sqlite3_column_text(st, 4);
        sc->seed = seed ? strtoull((const char *)seed, NULL, 10) : 0;
        sc->shard_k = (uint32_t)sqlite3_column_int64(st, 5);
        sc->shard_n = (uint32_t)sqlite3_column_int64(st, 6);
        sc->start = sqlite3_column_double(st, 7);
        sc->end = sqlite3_column_double(st, 8);
        sc->finished = sqlite3_column_int(st, 9) != 0;
    }
    sqlite3_finalize(st);
    if (oom)
        return err_set(e, "out of memory");
    if (rc != SQLITE_DONE)
        return db_err(q, e);
    if (r->nscans == 0 || r->scans[0].id != id)
        return err_set(e, "no scan %lld", (long long)id);
    return 0;
}

static int load_host(sqlite3_stmt *st, struct host_row *row, err_t *e)
{
    bool oom = false;
    struct rec_host *h = &row->h;
    row->id = sqlite3_column_int64(st, 0);
    row->scan = sqlite3_column_int64(st, 1);
    const char *a = (const char *)sqlite3_column_text(st, 2);
    if (!a || addr_parse(a, &h->addr) < 0)
        return err_set(e, "host row %lld: a bad address", (long long)row->id);
    int status = sqlite3_column_int(st, 3), reason = sqlite3_column_int(st, 4);
    h->status = (uint8_t)(status >= 0 && status <= HOST_DOWN ? status : HOST_UNKNOWN);
    h->reason = (uint8_t)(reason >= 0 && reason < R_COUNT ? reason : R_NONE);
    if (store_mac_parse((const char *)sqlite3_column_text(st, 5), h) < 0)
        return err_set(e, "host row %lld: a bad MAC", (long long)row->id);
    h->vendor = col_dup(st, 6, &oom);
    h->name = col_dup(st, 7, &oom);
    h->os = col_dup(st, 8, &oom);
    h->partial = sqlite3_column_int(st, 9) != 0;
    if (oom)
        return err_set(e, "out of memory");
    const char *pd = (const char *)sqlite3_column_text(st, 10);
    err_t in;
    if (store_unpack_ports(pd ? pd : "", (size_t)sqlite3_column_bytes(st, 10), h, &in) < 0)
        return err_set(e, "host row %lld: %s", (long long)row->id, in.msg);
    return 0;
}

static int load_hosts(struct sq *q, int64_t id, struct store_rows *r, err_t *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT id, scan, address, status, reason, mac, vendor, name, os, partial,"
                                  " port_data FROM hosts WHERE scan IN (" KEY_SCANS ") ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct host_row *row = rows_add(r, e);
        if (!row || load_host(st, row, e) < 0) {
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_err(q, e);
}

static int load_services(struct sq *q, int64_t id, struct store_rows *r, err_t *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT s.host, s.protocol, s.port, s.name, s.tunnel, s.product, s.version,"
                                  " s.extrainfo, s.cpe FROM services s JOIN hosts h ON h.id = s.host"
                                  " WHERE h.scan IN (" KEY_SCANS ")", -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    sqlite3_bind_int64(st, 1, id);
    int rc;
    bool oom = false;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct rec_port svc = {.service = col_dup(st, 3, &oom), .tunnel = col_dup(st, 4, &oom),
                               .product = col_dup(st, 5, &oom), .version = col_dup(st, 6, &oom),
                               .extrainfo = col_dup(st, 7, &oom), .cpe = col_dup(st, 8, &oom)};
        int proto = sqlite3_column_int(st, 1), port = sqlite3_column_int(st, 2);
        rows_attach_service(r, sqlite3_column_int64(st, 0), (uint8_t)(proto & 0xff), (uint16_t)port, &svc);
    }
    sqlite3_finalize(st);
    if (oom)
        return err_set(e, "out of memory");
    return rc == SQLITE_DONE ? 0 : db_err(q, e);
}

/* One read transaction: the rows of every shard as of one moment. */
static int sq_load(struct store *s, int64_t id, struct store_rows *r, err_t *e)
{
    struct sq *q = sq_of(s);
    if (exec(q, "BEGIN", e) < 0)
        return -1;
    int rc = load_scans(q, id, r, e) < 0 || load_hosts(q, id, r, e) < 0 || load_services(q, id, r, e) < 0 ? -1 : 0;
    sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static int sq_get_checkpoint(struct store *s, int64_t scan, void **blob, size_t *len, err_t *e)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT blob FROM checkpoints WHERE scan = ?", -1, &st, NULL) != SQLITE_OK)
        return db_err(q, e);
    sqlite3_bind_int64(st, 1, scan);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        const void *p = sqlite3_column_blob(st, 0);
        *blob = malloc(n ? n : 1);
        if (!*blob) {
            sqlite3_finalize(st);
            return err_set(e, "out of memory");
        }
        if (n)
            memcpy(*blob, p, n);
        *len = n;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(q, e);
}

/* ---- ownership ---- */

/* fchown through a descriptor opened without following a link, so that a
 * name swapped for a symlink in a directory the user owns cannot make root
 * give away another file. */
static int chown_path(const char *path, bool dir, uid_t uid, gid_t gid, err_t *e)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (dir ? O_DIRECTORY : 0));
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) ||
        fchown(fd, uid, gid) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return err_set(e, "cannot give %s to uid %u: %s", path, (unsigned)uid, strerror(err));
    }
    close(fd);
    return 0;
}

/* Whether path's directory belongs to uid: only then is what we made in it
 * the user's.  /root/.local made by `sudo scout` stays root's (a user owning
 * a directory in root's home could plant files root later runs). */
static bool parent_owned_by(const char *path, uid_t uid)
{
    char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
    struct stat st;
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    bool yes = dir && stat(slash ? dir : ".", &st) == 0 && st.st_uid == uid;
    free(dir);
    return yes;
}

static int sq_chown(struct store *s, uid_t uid, gid_t gid, err_t *e)
{
    struct sq *q = sq_of(s);
    for (int i = 0; i < q->nmade; i++) /* outermost first: each one's parent is decided before it */
        if (q->made_dirs[i] && parent_owned_by(q->made_dirs[i], uid) &&
            chown_path(q->made_dirs[i], true, uid, gid, e) < 0)
            return -1;
    if (q->made_db && parent_owned_by(q->path, uid) && chown_path(q->path, false, uid, gid, e) < 0)
        return -1;
    /* -wal and -shm go with the database's owner (as SQLite itself does when
     * it makes them as root) */
    struct stat st;
    if ((q->made_wal || q->made_shm) && stat(q->path, &st) < 0)
        return err_set(e, "%s", strerror(errno));
    const char *suffix[2] = {"-wal", "-shm"};
    bool made[2] = {q->made_wal, q->made_shm};
    for (int i = 0; i < 2; i++) {
        char *p = made[i] ? with_suffix(q->path, suffix[i]) : NULL;
        int rc = p ? chown_path(p, false, st.st_uid, st.st_gid, e) : 0;
        free(p);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static const struct store_backend sqlite_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .insert_scan = sq_insert_scan,
    .insert_hosts = sq_insert_hosts,
    .put_checkpoint = sq_put_checkpoint,
    .end_scan = sq_end_scan,
    .last_scan = sq_last_scan,
    .load = sq_load,
    .get_checkpoint = sq_get_checkpoint,
    .chown = sq_chown,
};
