#include "scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "debug.h"
#include "output/output.h"
#include "progress.h"
#include "record.h"
#include "stage.h"

extern const struct probe_ops probe_syn, probe_ack, probe_fin, probe_null, probe_xmas, probe_window,
    probe_maimon;

#define RAW_TYPE(var, nm, fl, mod) \
    const struct scan_type var = {.name = nm, .flag = fl, .nmap_type = nm, .proto = PROTO_TCP, .probe = &mod}

RAW_TYPE(scan_syn, "syn", "-sS", probe_syn);
RAW_TYPE(scan_ack, "ack", "-sA", probe_ack);
RAW_TYPE(scan_fin, "fin", "-sF", probe_fin);
RAW_TYPE(scan_null, "null", "-sN", probe_null);
RAW_TYPE(scan_xmas, "xmas", "-sX", probe_xmas);
RAW_TYPE(scan_window, "window", "-sW", probe_window);
RAW_TYPE(scan_maimon, "maimon", "-sM", probe_maimon);

static const struct scan_type *const scan_types[] = {
    &scan_connect, &scan_syn, &scan_ack, &scan_fin, &scan_null, &scan_xmas, &scan_window, &scan_maimon,
};

const struct scan_type *scan_type_by_letter(char letter)
{
    for (size_t i = 0; i < ARRAY_LEN(scan_types); i++)
        if (scan_types[i]->flag[2] == letter)
            return scan_types[i];
    return NULL;
}

/* Hosts per group: enough to keep the pipe full, few enough that results
 * (4 bytes per pair) stay under 16 MiB whatever the port count.  The raw
 * engine keeps no per-host timers, so its groups may be far larger: a
 * horizontal scan then runs as one group, with no wait between groups. */
static uint32_t group_size(const struct conf *c)
{
    uint64_t per_host = (uint64_t)c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP];
    uint64_t g = MAX(1, MIN((4u << 20) / MAX(per_host, 1), scan_is_raw(c->scan) ? 65536 : 4096));
    /* As many groups, of even size: the largest, which sets the peak
     * memory, is smaller (a /16 x 100 ports: two groups of 32 768 hosts,
     * not 41 943 and 23 593). */
    uint64_t total = MAX(c->targets.total, 1), groups = (total + g - 1) / g;
    return conf_hostgroup(c, (uint32_t)((total + groups - 1) / groups));
}

/* Fills hosts with the next hosts of the permuted target list, skipping
 * excludes.  *cursor advances over permutation indices. */
static uint32_t next_group(const struct conf *c, const struct perm *hp, uint64_t *cursor,
                           struct host_result *hosts, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && *cursor < c->targets.total) {
        struct host_result *h = &hosts[n];
        h->target_index = perm_get(hp, (*cursor)++);
        targets_get(&c->targets, h->target_index, &h->addr, &h->user_name);
        if (c->excludes.n && targets_contains(&c->excludes, &h->addr))
            continue;
        n++;
    }
    return n;
}

static int by_target_index(const void *a, const void *b)
{
    uint64_t x = ((const struct host_result *)a)->target_index;
    uint64_t y = ((const struct host_result *)b)->target_index;
    return x < y ? -1 : x > y;
}

int scan_open(const struct conf *c, struct scan_handles *h, err_t *e)
{
    memset(h, 0, sizeof *h);
    /* A raw scan type, or -sn with raw privilege (conf_default_scan then
     * chose SYN): the raw engine pings too. */
    /* -PE -PP -PA -PR need raw packets; -PS goes raw when it may. */
    bool raw_ping = !c->ping_skip && (c->ping.probes & ~(unsigned)PING_SYN);
    if (raw_ping && !raw_available())
        return err_set(e, "-PE, -PP, -PM, -PA, -PU and -PR send raw packets: they need root or CAP_NET_RAW (-PS does not)");
    if (c->os && !raw_available()) {
        err_set(e, "-O sends raw probes: it needs root or CAP_NET_RAW");
        return -2;
    }
    if (!scan_is_raw(c->scan) && !c->udp && !c->os && !raw_ping && !(c->ping.probes && raw_available()))
        return 0;
    if (c->udp && !raw_available())
        return err_set(e, "-sU sends raw UDP and reads ICMP errors: it needs root or CAP_NET_RAW");
    h->have_raw = true;
    return raw_handles_open(&h->raw, c, e);
}

void scan_close(struct scan_handles *h)
{
    if (h->have_raw)
        raw_handles_close(&h->raw);
    h->have_raw = false;
}

/* The raw scans' key and source port, one for the whole run: late replies
 * to an earlier group fail the host lookup, not the filter. */
static int probe_ctx_init(struct probe_ctx *p, const struct conf *c, err_t *e)
{
    if (getrandom(p->key, sizeof p->key, 0) != sizeof p->key)
        return err_set(e, "getrandom: %s", strerror(errno));
    p->sport = c->source_port >= 0 ? (uint16_t)c->source_port
                                   : (uint16_t)(40000 + (p->key[0] << 8 | p->key[1]) % 20000);
    p->tcp_flags = c->scanflags;
    return 0;
}

static int stages_open(const struct scan_env *env, void **st, err_t *e)
{
    for (size_t i = 0; scan_stages[i]; i++) {
        const struct stage_ops *s = scan_stages[i];
        st[i] = NULL;
        if (s->wanted(env->conf) && s->open && s->open(env, &st[i], e) < 0)
            return -1;
    }
    return 0;
}

static void stages_close(void **st)
{
    for (size_t i = 0; scan_stages[i]; i++)
        if (scan_stages[i]->close)
            scan_stages[i]->close(st[i]);
}

static int stages_run(const struct scan_env *env, void **st, struct group *g, uint64_t seed, err_t *e)
{
    /* A host's clock (--host-timeout, its report times) starts with its group. */
    uint64_t now = now_ns();
    double wall = wall_time();
    for (uint32_t i = 0; i < g->n; i++) {
        g->hosts[i].start_ns = now;
        g->hosts[i].start = wall;
    }
    for (size_t i = 0; scan_stages[i] && !*env->stop; i++) {
        if (!scan_stages[i]->wanted(env->conf))
            continue;
        uint64_t t0 = now_ns();
        if (scan_stages[i]->run(st[i], env, g, seed, e) < 0)
            return -1;
        if (debug_on(env->conf, 1))
            debug_line("stage %s: %u hosts in %.3f s", scan_stages[i]->name, g->n,
                       (double)(now_ns() - t0) / 1e9);
    }
    return 0;
}

struct scan {
    struct scan_env env;
    struct progress prog;
    void *st[16];
    struct recorder *rec;             /* the results store, NULL with --no-db */
    const struct resume_point *resume; /* --resume: where to start, NULL otherwise */
};

/* The engines' tick: the progress line, and the store's checkpoints. */
static void scan_tick(void *ctx, const struct scan_stats *st, uint64_t now)
{
    struct scan *s = ctx;
    progress_tick(&s->prog, st, now);
    recorder_tick(s->rec, now);
}

int scan_new(struct scan **out, const struct scan_setup *su, err_t *e)
{
    struct scan *s = *out = xcalloc(1, sizeof *s, e);
    if (!s)
        return -1;
    const struct conf *c = su->conf;
    s->rec = su->rec;
    s->resume = su->resume;
    s->env = (struct scan_env){.conf = c, .handles = su->handles, .stats = su->stats, .stop = su->stop,
                               .warn = su->warn, .tick = scan_tick, .tick_ctx = s};
    return probe_ctx_init(&s->env.probe, c, e) < 0 || stages_open(&s->env, s->st, e) < 0 ? -1 : 0;
}

void scan_free(struct scan *s)
{
    if (!s)
        return;
    stages_close(s->st);
    free(s);
}

/* A finished group into the store, with the checkpoint after it. */
static void record_group(struct scan *s, const struct output_set *outs, const struct group *g, uint64_t gi,
                         uint64_t cursor)
{
    int64_t off[RECORD_MAX_OUTPUTS];
    uint32_t n = outputs_offsets(outs, off, RECORD_MAX_OUTPUTS);
    recorder_group_done(s->rec, g, &s->env.conf->ports, gi + 1, cursor, s->env.stats->hosts_done, off, n);
}

int scan_run(struct scan *s, struct output_set *outs, bool *interrupted, err_t *e)
{
    const struct conf *c = s->env.conf;
    struct scan_stats *stats = s->env.stats;
    const volatile sig_atomic_t *stop = s->env.stop;
    struct perm hp;
    perm_init(&hp, c->targets.total, mix64(c->seed ^ 0x686f737473ULL), c->sequential);
    uint32_t gmax = group_size(c);
    uint64_t cursor = 0;
    uint64_t per_host = c->ping_only ? 0 : (uint64_t)c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP];
    per_host /= c->shard_n; /* each shard probes its share of every host's ports */
    stats->pairs_total = c->targets.total * per_host;
    stats->hosts_total = c->targets.total;
    progress_init(&s->prog, c, now_ns());
    int rc = 0;
    uint64_t gi = 0;
    if (s->resume) { /* the groups before are in the store and the files */
        gi = s->resume->group, cursor = s->resume->cursor;
        stats->hosts_done = s->resume->hosts_done;
    }
    recorder_begin(s->rec, c, outs->ri.start, s->resume);
    if (!s->resume) { /* the files' headers are written: a resume keeps them */
        int64_t off[RECORD_MAX_OUTPUTS];
        recorder_outputs(s->rec, off, outputs_offsets(outs, off, RECORD_MAX_OUTPUTS));
    }
    for (; rc == 0 && cursor < c->targets.total && !*stop; gi++) {
        struct group g;
        if (group_alloc(&g, MIN(gmax, c->targets.total - cursor), &c->ports, e) < 0) {
            rc = -1;
            break;
        }
        uint32_t requested = g.n;
        uint64_t start_cursor = cursor;
        g.n = next_group(c, &hp, &cursor, g.hosts, g.n);
        /* Excluded addresses are not part of the scan's totals. */
        stats->hosts_total -= requested - g.n;
        stats->pairs_total -= (uint64_t)(requested - g.n) * per_host;
        if (s->resume && gi == s->resume->group)
            rc = resume_group(s->resume, &g, e);
        recorder_group_start(s->rec, gi, start_cursor, &g);
        if (rc == 0)
            rc = stages_run(&s->env, s->st, &g, mix64(c->seed + gi), e);
        /* Probed in random order, reported in the order the user gave. */
        qsort(g.hosts, g.n, sizeof *g.hosts, by_target_index);
        uint64_t t0 = now_ns();
        if (rc == 0)
            outputs_group(outs, g.hosts, g.n);
        for (uint32_t i = 0; rc == 0 && i < g.n; i++) {
            stats->hosts_done++;
            outputs_host(outs, &g.hosts[i]);
        }
        if (rc == 0 && !*stop)
            record_group(s, outs, &g, gi, cursor);
        else
            recorder_checkpoint(s->rec); /* where a --resume will pick up */
        group_free(&g);
        if (debug_on(c, 1))
            debug_line("outputs: %u hosts in %.3f s", g.n, (double)(now_ns() - t0) / 1e9);
    }
    progress_done(&s->prog, stats, now_ns());
    *interrupted = *stop != 0;
    recorder_end(s->rec, wall_time(), rc == 0 && !*stop);
    return rc;
}
