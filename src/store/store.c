/* store: the public calls (store.h) over either backend; the parts of the
 * schema both share (codes, packed ports); a key's rows merged into one
 * scan.
 *
 * Every write is one transaction here, whatever the backend: begin, the
 * backend's inserts, commit, and a rollback when anything failed, so a
 * failing call leaves the store as it was. */
#include "store/backend.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services.h"

/* ---- buffers ---- */

int buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

int buf_reserve(struct buf *b, size_t n)
{
    if (buf_add(b, "", 0) < 0) /* a buffer, even for n = 0 */
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p, b->cap = cap;
    return 0;
}

int buf_str(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- codes ---- */

static const char *const status_names[] = {"unknown", "up", "down"};

const char *status_name(int status)
{
    return status >= 0 && status < (int)ARRAY_LEN(status_names) ? status_names[status] : "unknown";
}

size_t codes_list(struct code_def out[STORE_NCODES])
{
    size_t k = 0;
    for (int p = 0; p < PROTO_COUNT; p++)
        out[k++] = (struct code_def){"protocol", p, proto_name(p)};
    for (int s = 0; s < PS_COUNT; s++)
        out[k++] = (struct code_def){"state", s, state_name(s)};
    for (int r = 0; r < R_COUNT; r++)
        out[k++] = (struct code_def){"reason", r, reason_name(r)};
    for (int s = 0; s < (int)ARRAY_LEN(status_names); s++)
        out[k++] = (struct code_def){"status", s, status_names[s]};
    return k;
}

int codes_check(const char *kind, int64_t code, const char *name, err_t *e)
{
    struct code_def c[STORE_NCODES];
    size_t n = codes_list(c);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].kind, kind) && c[i].code == code && strcmp(c[i].name, name))
            return err_set(e, "its %s code %lld means '%s', this scout's means '%s' (written by an "
                              "incompatible scout)", kind, (long long)code, name, c[i].name);
    return 0;
}

int codes_insert_sql(struct buf *sql, err_t *e)
{
    struct code_def c[STORE_NCODES];
    size_t n = codes_list(c);
    int fail = buf_str(sql, "INSERT INTO codes (kind, code, name) VALUES ");
    for (size_t i = 0; i < n; i++) {
        char row[128]; /* our own names: no quote in any of them */
        snprintf(row, sizeof row, "%s('%s', %d, '%s')", i ? ", " : "", c[i].kind, c[i].code, c[i].name);
        fail |= buf_str(sql, row);
    }
    fail |= buf_str(sql, " ON CONFLICT DO NOTHING");
    return fail ? err_set(e, "out of memory") : 0;
}

/* ---- packed ports ---- */

/* Widths of the packed fields: room beyond today's enums (7 states, 24
 * reasons) so that a new one does not need a new schema. */
#define PK_PROTO_SHIFT 16
#define PK_STATE_SHIFT 18
#define PK_REASON_SHIFT 22
#define PK_TTL_SHIFT 29

int store_check_host(const struct rec_host *h, err_t *e)
{
    char a[ADDR_STRLEN];
    if (h->addr.family != AF_INET && h->addr.family != AF_INET6)
        return err_set(e, "a host record without an address");
    if (h->status > HOST_DOWN || h->reason >= R_COUNT)
        return err_set(e, "host %s: status %u or reason %u unknown", addr_str(&h->addr, a, sizeof a),
                       h->status, h->reason);
    for (uint32_t i = 0; i < h->nports; i++) {
        const struct rec_port *p = &h->ports[i];
        if (p->proto >= PROTO_COUNT || p->state >= PS_COUNT || p->reason >= R_COUNT)
            return err_set(e, "host %s port %u: protocol %u, state %u or reason %u unknown",
                           addr_str(&h->addr, a, sizeof a), p->port, p->proto, p->state, p->reason);
    }
    return 0;
}

static char *put_u64(char *q, uint64_t v)
{
    char d[24];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *q++ = d[--n];
    return q;
}

int store_pack_ports(const struct rec_host *h, struct buf *out, err_t *e)
{
    out->len = 0;
    /* at most 12 digits and a comma a port, and the brackets */
    if (buf_reserve(out, (size_t)h->nports * 13 + 2) < 0)
        return err_set(e, "out of memory");
    char *q = out->p;
    *q++ = '[';
    bool first = true;
    for (uint32_t i = 0; i < h->nports; i++) {
        const struct rec_port *p = &h->ports[i];
        if (p->state == PS_UNKNOWN) /* never stored: not decided */
            continue;
        uint64_t v = p->port | (uint64_t)p->proto << PK_PROTO_SHIFT | (uint64_t)p->state << PK_STATE_SHIFT |
                     (uint64_t)p->reason << PK_REASON_SHIFT | (uint64_t)p->ttl << PK_TTL_SHIFT;
        if (!first)
            *q++ = ',';
        first = false;
        q = put_u64(q, v);
    }
    *q++ = ']';
    *q = 0;
    out->len = (size_t)(q - out->p);
    return 0;
}

static int by_proto_port(const void *a, const void *b)
{
    const struct rec_port *x = a, *y = b;
    uint32_t kx = (uint32_t)x->proto << 16 | x->port, ky = (uint32_t)y->proto << 16 | y->port;
    return kx < ky ? -1 : kx > ky;
}

/* Sorted by (proto, port), one entry a port (the first kept). */
static void ports_sort_unique(struct rec_host *h)
{
    bool sorted = true;
    for (uint32_t i = 1; i < h->nports && sorted; i++)
        sorted = by_proto_port(&h->ports[i - 1], &h->ports[i]) < 0;
    if (sorted)
        return;
    qsort(h->ports, h->nports, sizeof *h->ports, by_proto_port);
    uint32_t k = 0;
    for (uint32_t i = 0; i < h->nports; i++)
        if (!k || by_proto_port(&h->ports[k - 1], &h->ports[i]))
            h->ports[k++] = h->ports[i];
    h->nports = k;
}

int store_unpack_ports(const char *t, size_t len, struct rec_host *h, err_t *e)
{
    const char *end = t + len;
    while (t < end && (*t == ' ' || *t == '\n'))
        t++;
    if (t == end || *t++ != '[')
        return err_set(e, "port data is not an array");
    size_t commas = 0;
    for (const char *c = t; c < end; c++)
        commas += *c == ',';
    h->ports = calloc(commas + 1, sizeof *h->ports);
    if (!h->ports)
        return err_set(e, "out of memory");
    h->nports = 0;
    for (bool first = true;; first = false) {
        while (t < end && *t == ' ')
            t++;
        if (first && t < end && *t == ']') {
            t++;
            break;
        }
        uint64_t v = 0;
        const char *digits = t;
        while (t < end && *t >= '0' && *t <= '9' && t - digits < 13)
            v = v * 10 + (uint64_t)(*t++ - '0');
        while (t < end && *t == ' ')
            t++;
        if (t == digits || t == end || (*t != ',' && *t != ']') || v >> (PK_TTL_SHIFT + 8))
            return err_set(e, "port data: a value that is not a packed port");
        uint8_t state = v >> PK_STATE_SHIFT & 15, reason = v >> PK_REASON_SHIFT & 127;
        uint8_t proto = v >> PK_PROTO_SHIFT & 3;
        if (state != PS_UNKNOWN && state < PS_COUNT && proto < PROTO_COUNT) /* else a newer scout's */
            h->ports[h->nports++] = (struct rec_port){.proto = proto, .port = (uint16_t)v, .state = state,
                                                      .reason = reason < R_COUNT ? reason : R_NONE,
                                                      .ttl = (uint8_t)(v >> PK_TTL_SHIFT)};
        if (*t++ == ']')
            break;
    }
    while (t < end && (*t == ' ' || *t == '\n'))
        t++;
    if (t != end)
        return err_set(e, "port data: text after the array");
    ports_sort_unique(h);
    return 0;
}

const char *store_mac_text(const struct rec_host *h, char buf[18])
{
    if (!h->has_mac)
        return NULL;
    mac_format(h->mac, buf);
    return buf;
}

int store_mac_parse(const char *s, struct rec_host *h)
{
    unsigned m[6];
    char tail;
    if (!s)
        return 0;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        h->mac[i] = (uint8_t)m[i];
    h->has_mac = true;
    return 0;
}

/* ---- rows ---- */

struct host_row *rows_add(struct store_rows *r, err_t *e)
{
    if (r->n == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 256;
        struct host_row *p = realloc(r->rows, (size_t)cap * sizeof *p);
        if (!p) {
            err_set(e, "out of memory");
            return NULL;
        }
        r->rows = p, r->cap = cap;
    }
    struct host_row *row = &r->rows[r->n++];
    memset(row, 0, sizeof *row);
    return row;
}

void rows_free(struct store_rows *r)
{
    for (uint32_t i = 0; i < r->n; i++)
        scanrec_host_free(&r->rows[i].h);
    for (uint32_t i = 0; i < r->nscans; i++)
        scanrec_free(&r->scans[i]);
    free(r->rows), free(r->scans);
    memset(r, 0, sizeof *r);
}

static void port_strings_free(struct rec_port *p)
{
    free(p->service), free(p->tunnel), free(p->product), free(p->version), free(p->extrainfo), free(p->cpe);
    p->service = p->tunnel = p->product = p->version = p->extrainfo = p->cpe = NULL;
}

void rows_attach_service(struct store_rows *r, int64_t host, uint8_t proto, uint16_t port,
                         struct rec_port *svc)
{
    uint32_t lo = 0, hi = r->n;
    while (lo < hi) { /* rows are in id order */
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->rows[mid].id < host)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct rec_port key = {.proto = proto, .port = port}, *p = NULL;
    if (lo < r->n && r->rows[lo].id == host)
        p = bsearch(&key, r->rows[lo].h.ports, r->rows[lo].h.nports, sizeof key, by_proto_port);
    if (!p) {
        port_strings_free(svc);
        return;
    }
    port_strings_free(p);
    p->service = svc->service, p->tunnel = svc->tunnel, p->product = svc->product;
    p->version = svc->version, p->extrainfo = svc->extrainfo, p->cpe = svc->cpe;
    svc->service = svc->tunnel = svc->product = svc->version = svc->extrainfo = svc->cpe = NULL;
}

/* ---- merging a key's rows ---- */

static int by_addr_scan_id(const void *a, const void *b)
{
    const struct host_row *x = a, *y = b;
    int c = addr_cmp(&x->h.addr, &y->h.addr);
    if (c)
        return c;
    if (x->scan != y->scan)
        return x->scan < y->scan ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Ports of several rows of one host, later rows' winning a port both
 * decided (the ports of each row are sorted): the union, sorted. */
struct tagged_port {
    struct rec_port p;
    uint32_t order;
};

static int by_port_then_order(const void *a, const void *b)
{
    const struct tagged_port *x = a, *y = b;
    int c = by_proto_port(&x->p, &y->p);
    return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

static int merge_ports(struct host_row *rows, uint32_t n, struct rec_host *out, err_t *e)
{
    if (n == 1) { /* the common case: one row, already sorted and unique */
        out->ports = rows[0].h.ports, out->nports = rows[0].h.nports;
        rows[0].h.ports = NULL, rows[0].h.nports = 0;
        return 0;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += rows[i].h.nports;
    if (total == 0)
        return 0;
    struct tagged_port *t = malloc(total * sizeof *t);
    out->ports = calloc(total, sizeof *out->ports);
    if (!t || !out->ports) {
        free(t);
        return err_set(e, "out of memory");
    }
    size_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < rows[i].h.nports; j++)
            t[k++] = (struct tagged_port){rows[i].h.ports[j], i};
        free(rows[i].h.ports); /* strings now owned by t */
        rows[i].h.ports = NULL, rows[i].h.nports = 0;
    }
    qsort(t, total, sizeof *t, by_port_then_order);
    for (size_t i = 0; i < total; i++) {
        if (i + 1 < total && !by_proto_port(&t[i].p, &t[i + 1].p)) {
            port_strings_free(&t[i].p); /* a later row decided it too */
            continue;
        }
        out->ports[out->nports++] = t[i].p;
    }
    free(t);
    return 0;
}

static void take_str(char **dst, char **src)
{
    if (*src) {
        free(*dst);
        *dst = *src;
        *src = NULL;
    }
}

/* One host from its rows (sorted by scan, then id): up when any row saw it
 * up; names and MAC the latest given; partial when some scan's last row of
 * it was (a resumed scan's later row supersedes its earlier one, while one
 * shard's partial row leaves the merged host partial). */
static int merge_host(struct host_row *rows, uint32_t n, struct rec_host *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    out->addr = rows[0].h.addr;
    out->status = rows[0].h.status;
    out->reason = rows[0].h.reason;
    for (uint32_t i = 0; i < n; i++) {
        struct rec_host *h = &rows[i].h;
        if (h->status == HOST_UP && out->status != HOST_UP)
            out->status = HOST_UP, out->reason = h->reason;
        else if (out->status == HOST_UNKNOWN && h->status == HOST_DOWN)
            out->status = HOST_DOWN, out->reason = h->reason;
        if (h->has_mac) {
            out->has_mac = true;
            memcpy(out->mac, h->mac, 6);
        }
        take_str(&out->vendor, &h->vendor);
        take_str(&out->name, &h->name);
        take_str(&out->os, &h->os);
        bool last_of_scan = i + 1 == n || rows[i + 1].scan != rows[i].scan;
        if (last_of_scan && h->partial)
            out->partial = true;
    }
    return merge_ports(rows, n, out, e);
}

/* The scan's fields over its rows: id's identity, the earliest start, the
 * latest end; finished once every shard 1..n has a finished row. */
static void merge_meta(struct store_rows *r, struct rec_scan *out)
{
    *out = r->scans[0];
    memset(&r->scans[0], 0, sizeof r->scans[0]);
    if (r->nscans == 1)
        return;
    uint32_t n = out->shard_n ? out->shard_n : 1;
    bool covered = true;
    for (uint32_t k = 1; k <= n && covered; k++) {
        covered = false;
        for (uint32_t i = 0; i < r->nscans; i++) {
            const struct rec_scan *s = i ? &r->scans[i] : out;
            covered |= s->finished && (s->shard_k == k || n == 1);
        }
    }
    for (uint32_t i = 1; i < r->nscans; i++) {
        out->start = MIN(out->start, r->scans[i].start);
        out->end = MAX(out->end, r->scans[i].end);
    }
    out->finished = covered;
    out->shard_k = 0; /* every shard's */
}

static int merge_rows(struct store_rows *r, struct rec_scan *out, err_t *e)
{
    merge_meta(r, out);
    if (r->n)
        qsort(r->rows, r->n, sizeof *r->rows, by_addr_scan_id);
    out->hosts = r->n ? calloc(r->n, sizeof *out->hosts) : NULL;
    if (r->n && !out->hosts)
        return err_set(e, "out of memory");
    for (uint32_t i = 0; i < r->n;) {
        uint32_t j = i + 1;
        while (j < r->n && addr_eq(&r->rows[j].h.addr, &r->rows[i].h.addr))
            j++;
        if (merge_host(&r->rows[i], j - i, &out->hosts[out->nhosts], e) < 0) {
            scanrec_host_free(&out->hosts[out->nhosts]);
            return -1;
        }
        out->nhosts++;
        i = j;
    }
    return 0;
}

/* ---- default path ---- */

int store_default_path(char **out, err_t *e)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char *p = NULL;
    int n;
    if (xdg && xdg[0] == '/') { /* the spec: a relative one is to be ignored */
        n = asprintf(&p, "%s/scout/scout.db", xdg);
    } else {
        if (!home || home[0] != '/') {
            struct passwd *pw = getpwuid(getuid());
            home = pw ? pw->pw_dir : NULL;
        }
        if (!home || home[0] != '/')
            return err_set(e, "no home directory for the default results store (give --db PATH or --no-db)");
        n = asprintf(&p, "%s/.local/share/scout/scout.db", home);
    }
    if (n < 0)
        return err_set(e, "out of memory");
    *out = p;
    return 0;
}

/* ---- the public calls ---- */

/* The backend's message with the store's name in front. */
static int fail(const struct store *s, err_t *e, const err_t *inner)
{
    return err_set(e, "results store %s: %s", s->name, inner->msg);
}

static bool is_url(const char *spec)
{
    return !strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11);
}

int store_open(struct store **s, const char *spec, err_t *e)
{
    *s = NULL;
    if (spec && !*spec)
        return err_set(e, "results store: an empty --db");
    if (spec && is_url(spec))
        return pg_store_open(s, spec, e);
    if (spec && strchr(spec, ':') && strstr(spec, "://"))
        return err_set(e, "results store %s: not a file path nor a postgresql:// URL", spec);
    return sqlite_store_open(s, spec, STORE_BUSY_MS, e);
}

void store_close(struct store *s)
{
    if (s)
        s->ops->close(s);
}

const char *store_name(const struct store *s)
{
    return s->name;
}

static int tx_begin(struct store *s, err_t *e)
{
    err_t in;
    return s->ops->begin(s, &in) < 0 ? fail(s, e, &in) : 0;
}

/* Commits when rc is 0, else (or when the commit fails) rolls back. */
static int tx_end(struct store *s, int rc, const err_t *in, err_t *e)
{
    err_t c;
    if (rc == 0 && s->ops->commit(s, &c) == 0)
        return 0;
    s->ops->rollback(s);
    return fail(s, e, rc < 0 ? in : &c);
}

int store_scan_begin(struct store *s, struct rec_scan *sc, err_t *e)
{
    struct rec_scan row = *sc;
    row.end = 0, row.finished = false;
    int64_t id = 0;
    err_t in;
    if (tx_begin(s, e) < 0 || tx_end(s, s->ops->insert_scan(s, &row, &id, &in), &in, e) < 0)
        return -1;
    sc->id = id;
    return 0;
}

static int check_hosts(const struct rec_host *h, uint32_t n, err_t *e)
{
    for (uint32_t i = 0; i < n; i++)
        if (store_check_host(&h[i], e) < 0)
            return -1;
    return 0;
}

int store_group_begin(struct store *s, err_t *e)
{
    return tx_begin(s, e);
}

int store_group_hosts(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, err_t *e)
{
    err_t in;
    if (check_hosts(h, n, &in) < 0 || (n && s->ops->insert_hosts(s, scan, h, n, &in) < 0))
        return tx_end(s, -1, &in, e);
    return 0;
}

void store_group_abort(struct store *s)
{
    s->ops->rollback(s);
}

int store_group_end(struct store *s, int64_t scan, const void *ckpt, size_t ckpt_len, err_t *e)
{
    err_t in;
    int rc = ckpt ? s->ops->put_checkpoint(s, scan, ckpt, ckpt_len, wall_time(), &in) : 0;
    return tx_end(s, rc, &in, e);
}

int store_hosts(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, const void *ckpt,
                size_t ckpt_len, err_t *e)
{
    if (store_group_begin(s, e) < 0 || store_group_hosts(s, scan, h, n, e) < 0)
        return -1;
    return store_group_end(s, scan, ckpt, ckpt_len, e);
}

int store_checkpoint(struct store *s, int64_t scan, const void *blob, size_t len, err_t *e)
{
    err_t in;
    if (tx_begin(s, e) < 0)
        return -1;
    return tx_end(s, s->ops->put_checkpoint(s, scan, blob, len, wall_time(), &in), &in, e);
}

int store_scan_end(struct store *s, int64_t scan, double end, bool finished, err_t *e)
{
    err_t in;
    if (tx_begin(s, e) < 0)
        return -1;
    return tx_end(s, s->ops->end_scan(s, scan, end, finished, &in), &in, e);
}

int store_last_scan(struct store *s, bool unfinished_only, int64_t *id, err_t *e)
{
    err_t in;
    *id = 0;
    if (s->ops->last_scan(s, unfinished_only, id, &in) < 0)
        return fail(s, e, &in);
    return 0;
}

int store_load(struct store *s, int64_t id, struct rec_scan *out, err_t *e)
{
    struct store_rows r = {0};
    err_t in;
    memset(out, 0, sizeof *out);
    if (s->ops->load(s, id, &r, &in) < 0 || merge_rows(&r, out, &in) < 0) {
        rows_free(&r);
        scanrec_free(out);
        return fail(s, e, &in);
    }
    rows_free(&r);
    return 0;
}

int store_get_checkpoint(struct store *s, int64_t scan, void **blob, size_t *len, err_t *e)
{
    err_t in;
    *blob = NULL, *len = 0;
    if (s->ops->get_checkpoint(s, scan, blob, len, &in) < 0)
        return fail(s, e, &in);
    return 0;
}

int store_import(struct store *s, struct rec_scan *sc, err_t *e)
{
    err_t in;
    if (check_hosts(sc->hosts, sc->nhosts, &in) < 0)
        return fail(s, e, &in);
    struct rec_scan row = *sc;
    row.finished = true; /* an imported scan is never one to resume */
    int64_t id = 0;
    if (tx_begin(s, e) < 0)
        return -1;
    int rc = s->ops->insert_scan(s, &row, &id, &in);
    if (rc == 0 && sc->nhosts)
        rc = s->ops->insert_hosts(s, id, sc->hosts, sc->nhosts, &in);
    if (tx_end(s, rc, &in, e) < 0)
        return -1;
    sc->id = id;
    return 0;
}

int store_chown(struct store *s, uid_t uid, gid_t gid, err_t *e)
{
    err_t in;
    if (s->ops->chown && s->ops->chown(s, uid, gid, &in) < 0)
        return fail(s, e, &in);
    return 0;
}
