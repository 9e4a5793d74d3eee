/* store/pg: the results store on a PostgreSQL server (libpq), which the
 * shards of a fleet share.
 *
 * The same tables as SQLite (README "Results store"), with PostgreSQL's
 * types.  A group's hosts travel in one COPY (their ids reserved first in
 * one query, for the services that refer to them), so a group costs a few
 * round trips however many hosts it holds.  Shards opening an empty
 * database at once create the schema once: its creation runs under a
 * transaction-scoped advisory lock.  Text bound for the server is made
 * valid UTF-8 (a banner's stray byte becomes '?'), since a UTF-8 database
 * refuses anything else and would lose the whole group. */
#include "dynlib.h"
#include "store/backend.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "scout" in ASCII: the advisory lock of schema creation */
#define SCHEMA_LOCK 0x73636f7574LL
/* COPY data goes to the server in pieces of about this size. */
#define COPY_CHUNK (256 * 1024)

/* libpq, opened when a store first needs it (dynlib.h): each PQ name below
 * is a call through the connection's own table. */
#define PQ_FUNCS(X) X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQfinish) X(PQgetResult) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQntuples) X(PQputCopyData) X(PQputCopyEnd) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQueryParams) X(PQsetNoticeProcessor) X(PQsetSingleRowMode) X(PQstatus) X(PQtransactionStatus)
struct pq_api {
#define PQ_MEMBER(f) __typeof__(f) *f;
    PQ_FUNCS(PQ_MEMBER)
#undef PQ_MEMBER
};

struct pgs {
    struct store base;
    PGconn *c;
    struct buf copy, ports;
    struct pq_api pq;
    void *lib;
};

/* From here on, PQfoo(...) is g->pq.PQfoo(...): every caller has g. */
#define PQ_CALL(f) g->pq.f
#define PQclear PQ_CALL(PQclear)
#define PQcmdTuples PQ_CALL(PQcmdTuples)
#define PQconnectdbParams PQ_CALL(PQconnectdbParams)
#define PQerrorMessage PQ_CALL(PQerrorMessage)
#define PQexec PQ_CALL(PQexec)
#define PQexecParams PQ_CALL(PQexecParams)
#define PQfinish PQ_CALL(PQfinish)
#define PQgetResult PQ_CALL(PQgetResult)
#define PQgetisnull PQ_CALL(PQgetisnull)
#define PQgetlength PQ_CALL(PQgetlength)
#define PQgetvalue PQ_CALL(PQgetvalue)
#define PQntuples PQ_CALL(PQntuples)
#define PQputCopyData PQ_CALL(PQputCopyData)
#define PQputCopyEnd PQ_CALL(PQputCopyEnd)
#define PQresultErrorMessage PQ_CALL(PQresultErrorMessage)
#define PQresultStatus PQ_CALL(PQresultStatus)
#define PQsendQueryParams PQ_CALL(PQsendQueryParams)
#define PQsetNoticeProcessor PQ_CALL(PQsetNoticeProcessor)
#define PQsetSingleRowMode PQ_CALL(PQsetSingleRowMode)
#define PQstatus PQ_CALL(PQstatus)
#define PQtransactionStatus PQ_CALL(PQtransactionStatus)

static struct pgs *pg_of(struct store *s)
{
    return (struct pgs *)s;
}

/* libpq's messages run over lines ("...failed: Connection refused\n\tIs the
 * server running...?"): one line, their parts joined by "; ". */
static int msg_err(const char *msg, err_t *e)
{
    char line[sizeof e->msg];
    size_t k = 0;
    for (const char *p = msg ? msg : "unknown error"; *p && k + 3 < sizeof line; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t') {
            while (p[1] == '\n' || p[1] == '\r' || p[1] == '\t' || p[1] == ' ')
                p++;
            if (k && p[1])
                line[k++] = ';', line[k++] = ' ';
            continue;
        }
        line[k++] = *p;
    }
    line[k] = 0;
    /* the server's severity labels say nothing a one-line error needs */
    static const char *const labels[] = {"ERROR:  ", "FATAL:  "};
    for (size_t i = 0; i < ARRAY_LEN(labels); i++)
        for (char *l; (l = strstr(line, labels[i]));)
            memmove(l, l + 8, strlen(l + 8) + 1);
    return err_set(e, "%s", line);
}

static int conn_err(struct pgs *g, err_t *e)
{
    return msg_err(PQerrorMessage(g->c), e);
}

/* The result of a command: 0 when it is `want`, else -1 with its message. */
static int result_ok(struct pgs *g, PGresult *r, ExecStatusType want, err_t *e)
{
    int rc = 0;
    if (!r)
        rc = conn_err(g, e);
    else if (PQresultStatus(r) != want)
        rc = msg_err(PQresultErrorMessage(r), e);
    return rc;
}

static int exec(struct pgs *g, const char *sql, err_t *e)
{
    PGresult *r = PQexec(g->c, sql);
    int rc = result_ok(g, r, PGRES_COMMAND_OK, e);
    PQclear(r);
    return rc;
}

/* A query with text parameters; the result (tuples) for the caller to clear. */
static PGresult *query(struct pgs *g, const char *sql, int n, const char *const *params, err_t *e)
{
    PGresult *r = PQexecParams(g->c, sql, n, NULL, params, NULL, NULL, 0);
    if (result_ok(g, r, PGRES_TUPLES_OK, e) < 0) {
        PQclear(r);
        return NULL;
    }
    return r;
}

/* ---- text the server accepts ---- */

/* The length of the well-formed UTF-8 sequence at s (0: not one), as
 * PostgreSQL checks it: no overlong forms, surrogates or code points past
 * U+10FFFF. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    unsigned lo = 0x80, hi = 0xbf;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    for (int i = 1; i < n; i++) {
        if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
            return 0;
    }
    return n;
}

/* s as valid UTF-8, escaped for COPY's text format when copy, appended to b;
 * NULL is COPY's \N. */
static int put_text(struct buf *b, const char *s, bool copy)
{
    if (!s)
        return copy ? buf_add(b, "\\N", 2) : 0;
    int fail = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && !fail;) {
        int n = utf8_len(p);
        if (n == 0) {
            fail = buf_add(b, "?", 1);
            p++;
            continue;
        }
        if (copy && (*p == '\\' || *p == '\t' || *p == '\n' || *p == '\r')) {
            char esc[3] = {'\\', *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r', 0};
            fail = buf_add(b, esc, 2);
        } else {
            fail = buf_add(b, (const char *)p, (size_t)n);
        }
        p += n;
    }
    return fail;
}

/* A parameter's text made valid UTF-8 (malloc'd; NULL stays NULL). */
static char *param_text(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    struct buf b = {0};
    if (buf_add(&b, "", 0) < 0 || put_text(&b, s, false) < 0) {
        buf_free(&b);
        *oom = true;
        return NULL;
    }
    return b.p;
}

/* ---- the schema ---- */

static const char schema_sql[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE codes (kind TEXT NOT NULL, code INTEGER NOT NULL, name TEXT NOT NULL,"
    " PRIMARY KEY (kind, code));"
    "CREATE TABLE scans (id BIGSERIAL PRIMARY KEY, key TEXT, args TEXT, version TEXT, seed TEXT,"
    " shard_k INTEGER NOT NULL, shard_n INTEGER NOT NULL, start_time DOUBLE PRECISION,"
    " end_time DOUBLE PRECISION, finished BOOLEAN NOT NULL DEFAULT false);"
    "CREATE INDEX scans_key ON scans (key);"
    "CREATE INDEX scans_start ON scans (start_time);"
    "CREATE TABLE hosts (id BIGSERIAL PRIMARY KEY, scan BIGINT NOT NULL REFERENCES scans (id),"
    " address TEXT NOT NULL, status SMALLINT NOT NULL, reason SMALLINT NOT NULL, mac TEXT, vendor TEXT,"
    " name TEXT, os TEXT, partial BOOLEAN NOT NULL, port_data JSON NOT NULL);"
    "CREATE INDEX hosts_scan ON hosts (scan);"
    "CREATE TABLE services (host BIGINT NOT NULL REFERENCES hosts (id), protocol SMALLINT NOT NULL,"
    " port INTEGER NOT NULL, name TEXT, tunnel TEXT, product TEXT, version TEXT, extrainfo TEXT,"
    " cpe TEXT, PRIMARY KEY (host, protocol, port));"
    "CREATE TABLE checkpoints (scan BIGINT PRIMARY KEY REFERENCES scans (id), blob BYTEA NOT NULL,"
    " time DOUBLE PRECISION NOT NULL);"
    "CREATE VIEW ports (host, protocol, port, state, reason, ttl) AS"
    " SELECT h.id, ((x.v >> 16) & 3)::smallint, (x.v & 65535)::integer, ((x.v >> 18) & 15)::smallint,"
    " ((x.v >> 22) & 127)::smallint, (x.v >> 29)::smallint FROM hosts h"
    " CROSS JOIN LATERAL (SELECT j.value::bigint AS v FROM json_array_elements_text(h.port_data) j) x;"
    STORE_PORT_REPORT_VIEW ";";

/* Steps from version v to v + 1, [v]; none yet (version 1 is the first). */
static const char *const migrations[STORE_SCHEMA_VERSION] = {NULL};

/* Our tables that exist without schema_version: someone else's schema. */
static int foreign_tables(struct pgs *g, err_t *e)
{
    PGresult *r = query(g, "SELECT string_agg(t, ', ') FROM unnest(ARRAY['scans', 'hosts', 'services',"
                           " 'checkpoints', 'codes', 'ports', 'port_report']) t WHERE to_regclass(t) IS NOT NULL",
                        0, NULL, e);
    if (!r)
        return -1;
    int rc = PQgetisnull(r, 0, 0) ? 0 : err_set(e, "not a scout results store (it has tables named %s "
                                                   "and no schema_version)", PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

static int read_version(struct pgs *g, long long *v, bool *have, err_t *e)
{
    PGresult *r = query(g, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL, e);
    if (!r)
        return -1;
    *have = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    *v = 0;
    if (!*have)
        return 0;
    if (!(r = query(g, "SELECT max(version) FROM schema_version", 0, NULL, e)))
        return -1;
    *v = PQgetisnull(r, 0, 0) ? 0 : atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int check_codes(struct pgs *g, bool *missing, err_t *e)
{
    PGresult *r = query(g, "SELECT kind, code, name FROM codes", 0, NULL, e);
    if (!r)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        if (codes_check(PQgetvalue(r, i, 0), atoll(PQgetvalue(r, i, 1)), PQgetvalue(r, i, 2), e) < 0) {
            PQclear(r);
            return -1;
        }
    PQclear(r);
    struct code_def c[STORE_NCODES];
    *missing = n < (int)codes_list(c);
    return 0;
}

static int version_refused(long long v, err_t *e)
{
    if (v > STORE_SCHEMA_VERSION)
        return err_set(e, "schema version %lld, newer than this scout's (%d): a newer scout wrote it", v,
                       STORE_SCHEMA_VERSION);
    return err_set(e, "schema version %lld, which this scout (version %d) cannot migrate", v,
                   STORE_SCHEMA_VERSION);
}

static int migrate(struct pgs *g, long long v, err_t *e)
{
    for (; v < STORE_SCHEMA_VERSION; v++) {
        if (v < 1 || !migrations[v])
            return version_refused(v, e);
        char sql[64];
        snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %lld", v + 1);
        if (exec(g, migrations[v], e) < 0 || exec(g, sql, e) < 0)
            return -1;
    }
    return 0;
}

static int schema_steps(struct pgs *g, err_t *e)
{
    bool have, missing = false;
    long long v;
    if (read_version(g, &v, &have, e) < 0)
        return -1;
    if (!have) {
        char sql[64];
        snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d)", STORE_SCHEMA_VERSION);
        if (foreign_tables(g, e) < 0 || exec(g, schema_sql, e) < 0 || exec(g, sql, e) < 0)
            return -1;
    } else if (v > STORE_SCHEMA_VERSION) {
        return version_refused(v, e);
    } else if (migrate(g, v, e) < 0) {
        return -1;
    }
    if (check_codes(g, &missing, e) < 0)
        return -1;
    if (!missing)
        return 0;
    struct buf sql = {0};
    int rc = codes_insert_sql(&sql, e) < 0 ? -1 : exec(g, sql.p, e);
    buf_free(&sql);
    return rc;
}

/* In one transaction under the advisory lock: the fleet's shards open the
 * same empty database at the same moment. */
static int schema_open(struct pgs *g, err_t *e)
{
    char lock[64];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)", SCHEMA_LOCK);
    PGresult *r;
    if (exec(g, "BEGIN", e) < 0)
        return -1;
    if (!(r = query(g, lock, 0, NULL, e)) || schema_steps(g, e) < 0 || exec(g, "COMMIT", e) < 0) {
        PQclear(r);
        PQclear(PQexec(g->c, "ROLLBACK"));
        return -1;
    }
    PQclear(r);
    return 0;
}

/* ---- opening ---- */

/* The URL without its password (user:secret@ and password=...), for messages. */
static char *url_name(const char *url)
{
    char *s = strdup(url);
    if (!s)
        return NULL;
    char *auth = strstr(s, "://");
    auth = auth ? auth + 3 : s;
    size_t alen = strcspn(auth, "/?");
    char *at = memrchr(auth, '@', alen), *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon)
        memmove(colon, at, strlen(at) + 1);
    for (char *p = strchr(s, '?'); p; p = strchr(p, '&')) {
        p++;
        if (!strncmp(p, "password=", 9)) {
            char *end = p + strcspn(p, "&");
            memmove(p, *end ? end + 1 : end, strlen(*end ? end + 1 : end) + 1);
            p--; /* look at what moved in */
        }
    }
    size_t n = strlen(s);
    while (n && (s[n - 1] == '?' || s[n - 1] == '&'))
        s[--n] = 0;
    return s;
}

static void no_notices(void *arg, const char *msg)
{
    (void)arg, (void)msg;
}

static const struct store_backend pg_ops;

static void pg_close(struct store *s)
{
    struct pgs *g = pg_of(s);
    if (g->c)
        PQfinish(g->c);
    dynlib_close(g->lib);
    buf_free(&g->copy);
    buf_free(&g->ports);
    free(g->base.name);
    free(g);
}

int pg_store_open(struct store **out, const char *url, err_t *e)
{
    struct pgs *g = calloc(1, sizeof *g);
    if (!g || !(g->base.name = url_name(url))) {
        free(g);
        return err_set(e, "out of memory");
    }
    g->base.ops = &pg_ops;
    /* The URL's own settings, later in the list, win over these defaults:
     * a server that vanishes (a cut link, not a refusal) fails the connect
     * after 10 s and a write after about 30 s (keepalives, the TCP user
     * timeout), rather than hanging the scan. */
    const char *const keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                                "keepalives_count", "tcp_user_timeout", "application_name", "client_encoding",
                                "dbname", NULL};
    const char *const values[] = {"10", "1", "10", "5", "3", "30000", "scout", "UTF8", url, NULL};
    err_t in;
#define PQ_NAME(f) #f,
    static const char *const names[] = {PQ_FUNCS(PQ_NAME)};
#undef PQ_NAME
    int rc = dynlib_open("libpq.so.5", "libpq5", names, (void **)&g->pq, sizeof names / sizeof *names, &g->lib, &in);
    if (rc == 0 && !(g->c = PQconnectdbParams(keys, values, 1)))
        rc = err_set(&in, "out of memory");
    else if (rc == 0 && PQstatus(g->c) != CONNECTION_OK)
        rc = conn_err(g, &in);
    if (rc == 0) {
        PQsetNoticeProcessor(g->c, no_notices, NULL);
        rc = schema_open(g, &in);
    }
    if (rc < 0) {
        err_set(e, "results store %s: %s", g->base.name, in.msg);
        pg_close(&g->base);
        return -1;
    }
    *out = &g->base;
    return 0;
}

/* ---- writes ---- */

static int pg_begin(struct store *s, err_t *e)
{
    return exec(pg_of(s), "BEGIN", e);
}

static int pg_commit(struct store *s, err_t *e)
{
    return exec(pg_of(s), "COMMIT", e);
}

static void pg_rollback(struct store *s)
{
    struct pgs *g = pg_of(s);
    if (PQtransactionStatus(g->c) != PQTRANS_IDLE)
        PQclear(PQexec(g->c, "ROLLBACK"));
}

static int pg_insert_scan(struct store *s, const struct rec_scan *sc, int64_t *id, err_t *e)
{
    struct pgs *g = pg_of(s);
    char seed[24], k[16], n[16], start[40], end[40];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc->seed);
    snprintf(k, sizeof k, "%u", sc->shard_k);
    snprintf(n, sizeof n, "%u", sc->shard_n);
    snprintf(start, sizeof start, "%.17g", sc->start);
    snprintf(end, sizeof end, "%.17g", sc->end);
    bool oom = false;
    char *key = param_text(sc->key, &oom), *args = param_text(sc->args, &oom), *ver = param_text(sc->version, &oom);
    const char *const p[] = {key, args, ver, seed, k, n, start, sc->end ? end : NULL, sc->finished ? "t" : "f"};
    PGresult *r = oom ? NULL
                      : query(g, "INSERT INTO scans (key, args, version, seed, shard_k, shard_n, start_time,"
                                 " end_time, finished) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                              9, p, e);
    free(key), free(args), free(ver);
    if (oom)
        return err_set(e, "out of memory");
    if (!r)
        return -1;
    *id = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* ---- COPY ---- */

static int copy_begin(struct pgs *g, const char *sql, err_t *e)
{
    PGresult *r = PQexec(g->c, sql);
    int rc = result_ok(g, r, PGRES_COPY_IN, e);
    PQclear(r);
    g->copy.len = 0;
    return rc;
}

static int copy_flush(struct pgs *g, err_t *e)
{
    if (g->copy.len && PQputCopyData(g->c, g->copy.p, (int)g->copy.len) != 1)
        return conn_err(g, e);
    g->copy.len = 0;
    return 0;
}

/* Ends the COPY; a failure (of the data or of the link) is its message. */
static int copy_end(struct pgs *g, int rc, err_t *e)
{
    if (rc == 0)
        rc = copy_flush(g, e);
    if (PQputCopyEnd(g->c, rc < 0 ? "scout: abandoned" : NULL) != 1 && rc == 0)
        rc = conn_err(g, e);
    PGresult *r;
    while ((r = PQgetResult(g->c))) {
        if (rc == 0)
            rc = result_ok(g, r, PGRES_COMMAND_OK, e);
        PQclear(r);
    }
    return rc;
}

static int field(struct pgs *g, const char *s, char sep)
{
    return put_text(&g->copy, s, true) < 0 || buf_add(&g->copy, &sep, 1) < 0 ? -1 : 0;
}

static int number(struct pgs *g, long long v, char sep)
{
    char t[24];
    snprintf(t, sizeof t, "%lld", v);
    return field(g, t, sep);
}

static int copy_host(struct pgs *g, int64_t id, int64_t scan, const struct rec_host *h, err_t *e)
{
    char a[ADDR_STRLEN], mac[18];
    if (store_pack_ports(h, &g->ports, e) < 0)
        return -1;
    int fail = number(g, id, '\t') | number(g, scan, '\t') | field(g, addr_str(&h->addr, a, sizeof a), '\t') |
               number(g, h->status, '\t') | number(g, h->reason, '\t') | field(g, store_mac_text(h, mac), '\t') |
               field(g, h->vendor, '\t') | field(g, h->name, '\t') | field(g, h->os, '\t') |
               field(g, h->partial ? "t" : "f", '\t') | buf_add(&g->copy, g->ports.p, g->ports.len) |
               buf_add(&g->copy, "\n", 1);
    if (fail)
        return err_set(e, "out of memory");
    return g->copy.len >= COPY_CHUNK ? copy_flush(g, e) : 0;
}

static int copy_services(struct pgs *g, int64_t id, const struct rec_host *h, err_t *e)
{
    for (uint32_t i = 0; i < h->nports; i++) {
        const struct rec_port *p = &h->ports[i];
        if (!p->service || p->state == PS_UNKNOWN)
            continue;
        int fail = number(g, id, '\t') | number(g, p->proto, '\t') | number(g, p->port, '\t') |
                   field(g, p->service, '\t') | field(g, p->tunnel, '\t') | field(g, p->product, '\t') |
                   field(g, p->version, '\t') | field(g, p->extrainfo, '\t') | field(g, p->cpe, '\n');
        if (fail)
            return err_set(e, "out of memory");
    }
    return g->copy.len >= COPY_CHUNK ? copy_flush(g, e) : 0;
}

/* n host ids from the sequence, in one round trip. */
static int64_t *reserve_ids(struct pgs *g, uint32_t n, err_t *e)
{
    char count[16];
    snprintf(count, sizeof count, "%u", n);
    const char *const p[] = {count};
    PGresult *r = query(g, "SELECT nextval(pg_get_serial_sequence('hosts', 'id')) FROM generate_series(1, $1)",
                        1, p, e);
    if (!r)
        return NULL;
    int64_t *ids = (uint32_t)PQntuples(r) == n ? malloc(n * sizeof *ids) : NULL;
    for (uint32_t i = 0; ids && i < n; i++)
        ids[i] = atoll(PQgetvalue(r, (int)i, 0));
    PQclear(r);
    if (!ids)
        err_set(e, "out of memory");
    return ids;
}

static int pg_insert_hosts(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, err_t *e)
{
    struct pgs *g = pg_of(s);
    int64_t *ids = reserve_ids(g, n, e);
    if (!ids)
        return -1;
    bool services = false;
    int rc = copy_begin(g, "COPY hosts (id, scan, address, status, reason, mac, vendor, name, os, partial,"
                           " port_data) FROM STDIN", e);
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        rc = copy_host(g, ids[i], scan, &h[i], e);
        for (uint32_t j = 0; j < h[i].nports && !services; j++)
            services = h[i].ports[j].service != NULL;
    }
    rc = copy_end(g, rc, e);
    if (rc == 0 && services) {
        rc = copy_begin(g, "COPY services (host, protocol, port, name, tunnel, product, version, extrainfo,"
                           " cpe) FROM STDIN", e);
        for (uint32_t i = 0; rc == 0 && i < n; i++)
            rc = copy_services(g, ids[i], &h[i], e);
        rc = copy_end(g, rc, e);
    }
    free(ids);
    return rc;
}

static int pg_put_checkpoint(struct store *s, int64_t scan, const void *blob, size_t len, double t, err_t *e)
{
    struct pgs *g = pg_of(s);
    if (len > INT32_MAX)
        return err_set(e, "a checkpoint of %zu bytes", len);
    char id[24], when[40];
    snprintf(id, sizeof id, "%lld", (long long)scan);
    snprintf(when, sizeof when, "%.17g", t);
    const char *const p[] = {id, len ? blob : "", when};
    const int lens[] = {0, (int)len, 0}, formats[] = {0, 1, 0};
    PGresult *r = PQexecParams(g->c, "INSERT INTO checkpoints (scan, blob, time) VALUES ($1, $2, $3)"
                                     " ON CONFLICT (scan) DO UPDATE SET blob = excluded.blob, time = excluded.time",
                               3, NULL, p, lens, formats, 0);
    int rc = result_ok(g, r, PGRES_COMMAND_OK, e);
    PQclear(r);
    return rc;
}

static int pg_end_scan(struct store *s, int64_t scan, double end, bool finished, err_t *e)
{
    struct pgs *g = pg_of(s);
    char id[24], when[40];
    snprintf(id, sizeof id, "%lld", (long long)scan);
    snprintf(when, sizeof when, "%.17g", end);
    const char *const p[] = {when, finished ? "t" : "f", id};
    PGresult *r = PQexecParams(g->c, "UPDATE scans SET end_time = $1, finished = $2 WHERE id = $3", 3, NULL, p,
                               NULL, NULL, 0);
    int rc = result_ok(g, r, PGRES_COMMAND_OK, e);
    if (rc == 0 && !strcmp(PQcmdTuples(r), "0"))
        rc = err_set(e, "no scan %lld", (long long)scan);
    PQclear(r);
    return rc;
}

/* ---- reads ---- */

static int pg_last_scan(struct store *s, bool unfinished_only, int64_t *id, err_t *e)
{
    struct pgs *g = pg_of(s);
    PGresult *r = query(g,
                        unfinished_only
                            ? "SELECT id FROM scans WHERE NOT finished ORDER BY start_time DESC, id DESC LIMIT 1"
                            : "SELECT id FROM scans ORDER BY start_time DESC, id DESC LIMIT 1",
                        0, NULL, e);
    if (!r)
        return -1;
    *id = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return 0;
}

static char *val_dup(struct pgs *g, PGresult *r, int row, int col, bool *oom)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    char *d = strdup(PQgetvalue(r, row, col));
    *oom |= !d;
    return d;
}

#define KEY_SCANS "SELECT id FROM scans WHERE id = $1 OR key = (SELECT key FROM scans WHERE id = $1)"

static int load_scans(struct pgs *g, const char *id, int64_t want, struct store_rows *rows, err_t *e)
{
    const char *const p[] = {id};
    PGresult *r = query(g, "SELECT id, key, args, version, seed, shard_k, shard_n, start_time, end_time, finished"
                           " FROM scans WHERE id IN (" KEY_SCANS ") ORDER BY id <> $1, id", 1, p, e);
    if (!r)
        return -1;
    int n = PQntuples(r);
    bool oom = !(rows->scans = calloc((size_t)n + 1, sizeof *rows->scans));
    for (int i = 0; !oom && i < n; i++) {
        struct rec_scan *sc = &rows->scans[rows->nscans++];
        sc->id = atoll(PQgetvalue(r, i, 0));
        sc->key = val_dup(g, r, i, 1, &oom);
        sc->args = val_dup(g, r, i, 2, &oom);
        sc->version = val_dup(g, r, i, 3, &oom);
        sc->seed = strtoull(PQgetvalue(r, i, 4), NULL, 10);
        sc->shard_k = (uint32_t)atoll(PQgetvalue(r, i, 5));
        sc->shard_n = (uint32_t)atoll(PQgetvalue(r, i, 6));
        sc->start = atof(PQgetvalue(r, i, 7));
        sc->end = atof(PQgetvalue(r, i, 8));
        sc->finished = PQgetvalue(r, i, 9)[0] == 't';
    }
    PQclear(r);
    if (oom)
        return err_set(e, "out of memory");
    if (rows->nscans == 0 || rows->scans[0].id != want)
        return err_set(e, "no scan %lld", (long long)want);
    return 0;
}

static int load_host(struct pgs *g, PGresult *r, struct host_row *row, err_t *e)
{
    bool oom = false;
    struct rec_host *h = &row->h;
    row->id = atoll(PQgetvalue(r, 0, 0));
    row->scan = atoll(PQgetvalue(r, 0, 1));
    if (addr_parse(PQgetvalue(r, 0, 2), &h->addr) < 0)
        return err_set(e, "host row %lld: a bad address", (long long)row->id);
    int status = atoi(PQgetvalue(r, 0, 3)), reason = atoi(PQgetvalue(r, 0, 4));
    h->status = (uint8_t)(status >= 0 && status <= HOST_DOWN ? status : HOST_UNKNOWN);
    h->reason = (uint8_t)(reason >= 0 && reason < R_COUNT ? reason : R_NONE);
    if (store_mac_parse(PQgetisnull(r, 0, 5) ? NULL : PQgetvalue(r, 0, 5), h) < 0)
        return err_set(e, "host row %lld: a bad MAC", (long long)row->id);
    h->vendor = val_dup(g, r, 0, 6, &oom);
    h->name = val_dup(g, r, 0, 7, &oom);
    h->os = val_dup(g, r, 0, 8, &oom);
    h->partial = PQgetvalue(r, 0, 9)[0] == 't';
    if (oom)
        return err_set(e, "out of memory");
    err_t in;
    if (store_unpack_ports(PQgetvalue(r, 0, 10), (size_t)PQgetlength(r, 0, 10), h, &in) < 0)
        return err_set(e, "host row %lld: %s", (long long)row->id, in.msg);
    return 0;
}

/* Row by row (single-row mode): a /16's hosts never sit in memory twice. */
static int load_hosts(struct pgs *g, const char *id, struct store_rows *rows, err_t *e)
{
    const char *const p[] = {id};
    if (!PQsendQueryParams(g->c, "SELECT id, scan, address, status, reason, mac, vendor, name, os, partial,"
                                 " port_data FROM hosts WHERE scan IN (" KEY_SCANS ") ORDER BY id",
                           1, NULL, p, NULL, NULL, 0) ||
        !PQsetSingleRowMode(g->c))
        return conn_err(g, e);
    int rc = 0;
    PGresult *r;
    while ((r = PQgetResult(g->c))) {
        ExecStatusType st = PQresultStatus(r);
        if (rc == 0 && st == PGRES_SINGLE_TUPLE) {
            struct host_row *row = rows_add(rows, e);
            rc = row ? load_host(g, r, row, e) : -1;
        } else if (rc == 0 && st != PGRES_TUPLES_OK) {
            rc = msg_err(PQresultErrorMessage(r), e);
        }
        PQclear(r); /* and read on to the end: the connection stays usable */
    }
    return rc;
}

static int load_services(struct pgs *g, const char *id, struct store_rows *rows, err_t *e)
{
    const char *const p[] = {id};
    PGresult *r = query(g, "SELECT s.host, s.protocol, s.port, s.name, s.tunnel, s.product, s.version,"
                           " s.extrainfo, s.cpe FROM services s JOIN hosts h ON h.id = s.host"
                           " WHERE h.scan IN (" KEY_SCANS ")", 1, p, e);
    if (!r)
        return -1;
    bool oom = false;
    for (int i = 0; !oom && i < PQntuples(r); i++) {
        struct rec_port svc = {.service = val_dup(g, r, i, 3, &oom), .tunnel = val_dup(g, r, i, 4, &oom),
                               .product = val_dup(g, r, i, 5, &oom), .version = val_dup(g, r, i, 6, &oom),
                               .extrainfo = val_dup(g, r, i, 7, &oom), .cpe = val_dup(g, r, i, 8, &oom)};
        rows_attach_service(rows, atoll(PQgetvalue(r, i, 0)), (uint8_t)atoi(PQgetvalue(r, i, 1)),
                            (uint16_t)atoi(PQgetvalue(r, i, 2)), &svc);
    }
    PQclear(r);
    return oom ? err_set(e, "out of memory") : 0;
}

/* One snapshot for all three reads (REPEATABLE READ): shards writing
 * meanwhile do not tear the merged scan. */
static int pg_load(struct store *s, int64_t want, struct store_rows *rows, err_t *e)
{
    struct pgs *g = pg_of(s);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)want);
    if (exec(g, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e) < 0)
        return -1;
    int rc = load_scans(g, id, want, rows, e) < 0 || load_hosts(g, id, rows, e) < 0 ||
                     load_services(g, id, rows, e) < 0
                 ? -1 : 0;
    PQclear(PQexec(g->c, rc == 0 ? "COMMIT" : "ROLLBACK"));
    return rc;
}

static int pg_get_checkpoint(struct store *s, int64_t scan, void **blob, size_t *len, err_t *e)
{
    struct pgs *g = pg_of(s);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)scan);
    const char *const p[] = {id};
    PGresult *r = PQexecParams(g->c, "SELECT blob FROM checkpoints WHERE scan = $1", 1, NULL, p, NULL, NULL, 1);
    if (result_ok(g, r, PGRES_TUPLES_OK, e) < 0) {
        PQclear(r);
        return -1;
    }
    int rc = 0;
    if (PQntuples(r)) {
        size_t n = (size_t)PQgetlength(r, 0, 0);
        if ((*blob = malloc(n ? n : 1))) {
            memcpy(*blob, PQgetvalue(r, 0, 0), n);
            *len = n;
        } else {
            rc = err_set(e, "out of memory");
        }
    }
    PQclear(r);
    return rc;
}

static const struct store_backend pg_ops = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .insert_scan = pg_insert_scan,
    .insert_hosts = pg_insert_hosts,
    .put_checkpoint = pg_put_checkpoint,
    .end_scan = pg_end_scan,
    .last_scan = pg_last_scan,
    .load = pg_load,
    .get_checkpoint = pg_get_checkpoint,
    .chown = NULL,
};
