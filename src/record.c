/* record: the scan's side of the results store (record.h). */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "scanrec.h"
#include "store/store.h"

#define CKPT_MAGIC "SCK1"
/* Checkpoints come as often as 20 times their own cost allows (at most 5 %
 * of the scanning thread), between every 100 ms and every second: each
 * probe sent since the last one is sent again by a --resume. */
#define CKPT_MIN_NS (100 * NS_PER_MS)
#define CKPT_MAX_NS NS_PER_SEC

struct recorder {
    struct store *st;
    bool failed;
    int64_t scan;
    /* the checkpoint's fixed part: where the scan stands */
    uint64_t group, cursor, hosts_done;
    uint32_t noutputs;
    int64_t offsets[RECORD_MAX_OUTPUTS];
    const char *args;      /* the command line, NUL-separated words */
    uint32_t args_len;
    struct group *g;       /* the group being scanned, NULL between groups */
    uint64_t last_ns, every_ns;
    uint8_t *buf;          /* the checkpoint being built */
    size_t len, cap;
};

/* A store's error is said once; the scan goes on without it. */
static void lost(struct recorder *r, const err_t *e)
{
    if (r->failed)
        return;
    r->failed = true;
    fprintf(stderr, "scout: %s; the scan goes on without its results store\n", e->msg);
}

int recorder_open(struct recorder **out, const struct conf *c, err_t *e)
{
    *out = NULL;
    if (c->no_db)
        return 0;
    struct recorder *r = xcalloc(1, sizeof *r, e);
    if (!r)
        return -1;
    if (store_open(&r->st, c->db, e) < 0) {
        free(r);
        return -1;
    }
    *out = r;
    return 0;
}

int recorder_chown(struct recorder *r, uid_t uid, gid_t gid, err_t *e)
{
    return r ? store_chown(r->st, uid, gid, e) : 0;
}

void recorder_close(struct recorder *r)
{
    if (!r)
        return;
    store_close(r->st);
    free((char *)r->args);
    free(r->buf);
    free(r);
}

/* ---- the checkpoint blob: little-endian fields, then the pairs ---- */

static bool grow(struct recorder *r, size_t more)
{
    if (r->len + more <= r->cap)
        return true;
    size_t cap = MAX(r->cap * 2, r->len + more + 4096);
    uint8_t *b = realloc(r->buf, cap);
    if (!b)
        return false;
    r->buf = b, r->cap = cap;
    return true;
}

static void put(struct recorder *r, const void *p, size_t n)
{
    memcpy(r->buf + r->len, p, n);
    r->len += n;
}

static void put64(struct recorder *r, uint64_t v)
{
    put(r, &v, 8);
}

/* Runs of equal results as (count, result) pairs; the tries counter is left
 * out (it says nothing the resumed scan needs, and would break the runs). */
static bool put_pairs(struct recorder *r, const struct port_result *v, size_t n)
{
    for (size_t i = 0; i < n;) {
        struct port_result a;
        __atomic_load((const uint32_t *)&v[i], (uint32_t *)&a, __ATOMIC_RELAXED);
        a.tries = 0;
        uint32_t run = 1;
        for (; i + run < n && run < UINT32_MAX; run++) {
            struct port_result b;
            __atomic_load((const uint32_t *)&v[i + run], (uint32_t *)&b, __ATOMIC_RELAXED);
            b.tries = 0;
            if (memcmp(&a, &b, sizeof a) != 0)
                break;
        }
        if (!grow(r, 8))
            return false;
        put(r, &run, 4);
        put(r, &a, 4);
        i += run;
    }
    return true;
}

static bool build(struct recorder *r)
{
    r->len = 0;
    uint32_t n = r->g ? r->g->n : 0, stride = r->g ? r->g->stride : 0;
    if (!grow(r, 48 + 8 * RECORD_MAX_OUTPUTS + 2 * (size_t)n))
        return false;
    put(r, CKPT_MAGIC, 4);
    put(r, &r->noutputs, 4);
    put64(r, r->group), put64(r, r->cursor), put64(r, r->hosts_done);
    put(r, &n, 4), put(r, &stride, 4);
    put(r, r->offsets, 8 * (size_t)r->noutputs);
    if (!grow(r, 4 + (size_t)r->args_len + 2 * (size_t)n))
        return false;
    put(r, &r->args_len, 4);
    put(r, r->args, r->args_len);
    for (uint32_t i = 0; i < n; i++) {
        /* hosts[] is still in probing order during a group: index i is the
         * block at store + i * stride */
        const struct host_result *h = &r->g->hosts[i];
        uint8_t s[2] = {h->status, h->up_reason};
        put(r, s, 2);
    }
    return !n || put_pairs(r, r->g->store, (size_t)n * stride);
}

static void checkpoint(struct recorder *r, uint64_t now)
{
    err_t e;
    r->last_ns = now;
    uint64_t t0 = now_ns();
    if (!build(r)) {
        err_set(&e, "results store %s: out of memory for a checkpoint", store_name(r->st));
        lost(r, &e);
    } else if (store_checkpoint(r->st, r->scan, r->buf, r->len, &e) < 0)
        lost(r, &e);
    r->every_ns = MIN(MAX(20 * (now_ns() - t0), CKPT_MIN_NS), CKPT_MAX_NS);
}

void recorder_tick(struct recorder *r, uint64_t now)
{
    if (r && !r->failed && r->scan && now - r->last_ns >= MAX(r->every_ns, CKPT_MIN_NS))
        checkpoint(r, now);
}

void recorder_checkpoint(struct recorder *r)
{
    if (r && !r->failed && r->scan)
        checkpoint(r, now_ns());
}

/* ---- the scan's life ---- */

/* The command line as NUL-separated words (argv[0] left out). */
static bool keep_args(struct recorder *r, const struct conf *c)
{
    size_t len = 0;
    for (int i = 1; i < c->argc; i++)
        len += strlen(c->argv[i]) + 1;
    char *b = malloc(len ? len : 1);
    if (!b || len > UINT32_MAX) {
        free(b);
        return false;
    }
    size_t at = 0;
    for (int i = 1; i < c->argc; i++) {
        size_t n = strlen(c->argv[i]) + 1;
        memcpy(b + at, c->argv[i], n);
        at += n;
    }
    r->args = b, r->args_len = (uint32_t)len;
    return true;
}

void recorder_begin(struct recorder *r, const struct conf *c, double start, const struct resume_point *rp)
{
    if (!r)
        return;
    if (!keep_args(r, c)) {
        err_t e;
        err_set(&e, "results store %s: out of memory", store_name(r->st));
        lost(r, &e);
        return;
    }
    if (rp) {
        r->scan = rp->scan;
        recorder_outputs(r, rp->offsets, rp->noutputs);
        return;
    }
    char version[32], key[sizeof c->scan_key];
    snprintf(version, sizeof version, "scout %s", SCOUT_VERSION);
    snprintf(key, sizeof key, "%s", c->scan_key);
    struct rec_scan sc = {.key = key, .args = c->args, .version = version, .seed = c->seed,
                          .shard_k = c->shard_k, .shard_n = c->shard_n, .start = start};
    err_t e;
    if (store_scan_begin(r->st, &sc, &e) < 0)
        lost(r, &e);
    else
        r->scan = sc.id;
    sc.key = sc.args = sc.version = NULL; /* not ours */
}

void recorder_outputs(struct recorder *r, const int64_t *offsets, uint32_t n)
{
    if (!r)
        return;
    r->noutputs = MIN(n, RECORD_MAX_OUTPUTS);
    memcpy(r->offsets, offsets, 8 * (size_t)r->noutputs);
}

void recorder_group_start(struct recorder *r, uint64_t group, uint64_t cursor, struct group *g)
{
    if (!r)
        return;
    r->group = group, r->cursor = cursor, r->g = g;
}

/* Hosts a group's records are built and written by: a /16 x 100 group's
 * decided ports would take hundreds of MB as records at once. */
#define RECORD_CHUNK 64

static void free_recs(struct rec_host *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        scanrec_host_free(&v[i]);
}

/* The group's up hosts, RECORD_CHUNK at a time, inside the open transaction. */
static int write_hosts(struct recorder *r, const struct group *g, const struct portlist *pl, err_t *e)
{
    struct rec_host *recs = calloc(RECORD_CHUNK, sizeof *recs);
    if (!recs)
        return err_set(e, "results store %s: out of memory", store_name(r->st));
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < g->n;) {
        uint32_t n = 0;
        for (; i < g->n && n < RECORD_CHUNK && rc == 0; i++)
            if (g->hosts[i].status == HOST_UP)
                rc = scanrec_from_host(&g->hosts[i], pl, &recs[n++], e);
        if (rc == 0)
            rc = store_group_hosts(r->st, r->scan, recs, n, e); /* rolls back itself on failure */
        else {
            n--; /* the failed one freed itself */
            store_group_abort(r->st);
        }
        free_recs(recs, n);
    }
    free(recs);
    return rc;
}

void recorder_group_done(struct recorder *r, const struct group *g, const struct portlist *pl, uint64_t next_group,
                         uint64_t next_cursor, uint64_t hosts_done, const int64_t *offsets, uint32_t noutputs)
{
    if (!r || r->failed || !r->scan)
        return;
    err_t e;
    r->g = NULL;
    r->group = next_group, r->cursor = next_cursor, r->hosts_done = hosts_done;
    recorder_outputs(r, offsets, noutputs);
    if (!build(r)) {
        err_set(&e, "results store %s: out of memory", store_name(r->st));
        lost(r, &e);
    } else if (store_group_begin(r->st, &e) < 0 || write_hosts(r, g, pl, &e) < 0 ||
               store_group_end(r->st, r->scan, r->buf, r->len, &e) < 0)
        lost(r, &e);
    r->last_ns = now_ns();
}

void recorder_end(struct recorder *r, double end, bool finished)
{
    err_t e;
    if (r && !r->failed && r->scan && store_scan_end(r->st, r->scan, end, finished, &e) < 0)
        lost(r, &e);
}

/* ---- resuming ---- */

struct reader {
    const uint8_t *p;
    size_t left;
};

static bool take(struct reader *rd, void *out, size_t n)
{
    if (rd->left < n)
        return false;
    memcpy(out, rd->p, n);
    rd->p += n, rd->left -= n;
    return true;
}

/* The command line: argv[0] and then the stored words (the last ends in NUL). */
static int decode_args(struct reader *rd, struct resume_point *rp)
{
    uint32_t len;
    if (!take(rd, &len, 4) || len > rd->left || (len && rd->p[len - 1] != '\0'))
        return -1;
    rp->argbuf = malloc(len + 1);
    int words = 0;
    for (uint32_t i = 0; i < len; i++)
        words += rd->p[i] == '\0';
    rp->argv = calloc((size_t)words + 2, sizeof *rp->argv);
    if (!rp->argbuf || !rp->argv)
        return -1;
    take(rd, rp->argbuf, len);
    rp->argv[0] = "scout";
    rp->argc = 1;
    for (uint32_t at = 0; at < len; at += (uint32_t)strlen(rp->argbuf + at) + 1)
        rp->argv[rp->argc++] = rp->argbuf + at;
    return 0;
}

static int decode(const void *blob, size_t len, struct resume_point *rp, err_t *e)
{
    struct reader rd = {blob, len};
    char magic[4];
    if (!take(&rd, magic, 4) || memcmp(magic, CKPT_MAGIC, 4) != 0 || !take(&rd, &rp->noutputs, 4) ||
        rp->noutputs > RECORD_MAX_OUTPUTS || !take(&rd, &rp->group, 8) || !take(&rd, &rp->cursor, 8) ||
        !take(&rd, &rp->hosts_done, 8) || !take(&rd, &rp->nhosts, 4) || !take(&rd, &rp->stride, 4) ||
        !take(&rd, rp->offsets, 8 * (size_t)rp->noutputs) || decode_args(&rd, rp) < 0)
        return err_set(e, "the scan's checkpoint is damaged: it cannot be resumed");
    if (rp->nhosts) {
        rp->host_state = malloc(2 * (size_t)rp->nhosts);
        if (!rp->host_state || !take(&rd, rp->host_state, 2 * (size_t)rp->nhosts))
            return err_set(e, "the scan's checkpoint is damaged: it cannot be resumed");
        rp->pairs = malloc(rd.left ? rd.left : 1);
        if (!rp->pairs)
            return err_set(e, "out of memory");
        rp->pairs_len = rd.left;
        take(&rd, rp->pairs, rd.left);
    }
    return 0;
}

int recorder_resume_find(struct recorder *r, int64_t id, uint64_t *seed, struct resume_point *rp, err_t *e)
{
    memset(rp, 0, sizeof *rp);
    if (!r)
        return err_set(e, "--resume reads the results store: drop --no-db");
    if (!id && store_last_scan(r->st, true, &id, e) < 0)
        return -1;
    if (!id)
        return err_set(e, "--resume: the results store %s holds no interrupted scan", store_name(r->st));
    struct rec_scan sc;
    void *blob = NULL;
    size_t len = 0;
    if (store_load(r->st, id, &sc, e) < 0)
        return -1;
    int rc = 0;
    if (sc.finished)
        rc = err_set(e, "--resume: scan %lld finished: there is nothing to resume", (long long)id);
    else if (store_get_checkpoint(r->st, id, &blob, &len, e) < 0)
        rc = -1;
    else if (!blob)
        rc = err_set(e, "--resume: scan %lld has no checkpoint to resume from", (long long)id);
    else if (decode(blob, len, rp, e) == 0) {
        rp->scan = id;
        *seed = sc.seed;
    } else
        rc = -1;
    free(blob);
    scanrec_free(&sc);
    return rc;
}

void resume_point_free(struct resume_point *rp)
{
    free(rp->host_state);
    free(rp->pairs);
    free(rp->argbuf);
    free(rp->argv);
    memset(rp, 0, sizeof *rp);
}

int resume_group(const struct resume_point *rp, struct group *g, err_t *e)
{
    if (!rp->nhosts)
        return 0;
    if (rp->nhosts != g->n || rp->stride != g->stride)
        return err_set(e, "--resume: the checkpoint's group (%u hosts x %u) is not this scan's (%u x %u)",
                       rp->nhosts, rp->stride, g->n, g->stride);
    for (uint32_t i = 0; i < g->n; i++) {
        g->hosts[i].status = rp->host_state[2 * i];
        g->hosts[i].up_reason = rp->host_state[2 * i + 1];
    }
    size_t at = 0, total = (size_t)g->n * g->stride;
    for (size_t k = 0; k + 8 <= rp->pairs_len; k += 8) {
        uint32_t run;
        memcpy(&run, rp->pairs + k, 4);
        if (run > total - at)
            return err_set(e, "the scan's checkpoint is damaged: it cannot be resumed");
        for (uint32_t j = 0; j < run; j++)
            memcpy(&g->store[at + j], rp->pairs + k + 4, 4);
        at += run;
    }
    if (at != total)
        return err_set(e, "the scan's checkpoint is damaged: it cannot be resumed");
    return 0;
}
