#include "scan.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "output/output.h"
#include "progress.h"

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
 * (4 bytes per pair) stay near 16 MiB whatever the port count. */
static uint32_t group_size(const struct conf *c)
{
    if (c->max_hostgroup)
        return c->max_hostgroup;
    uint64_t per_host = (uint64_t)c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP];
    uint64_t g = (4u << 20) / MAX(per_host, 1);
    return (uint32_t)MAX(1, MIN(g, 4096));
}

static bool is_loopback(const struct addr *a)
{
    static const uint8_t v6lo[16] = {[15] = 1};
    if (a->family == AF_INET)
        return (a->u.v4 >> 24) == 127;
    return memcmp(a->u.v6, v6lo, 16) == 0;
}

/* Fills g with the next hosts of the permuted target list, skipping excludes.
 * *cursor advances over permutation indices. */
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

/* nmap's unprivileged ping: TCP connect to 80 and 443.  A refusal is a reply
 * too; loopback needs no probe at all. */
static int discover(struct job *job, err_t *e)
{
    static uint16_t ping_ports[] = {80, 443};
    struct portlist pl = {.v = {ping_ports}, .n = {2}};
    struct group *g = job->g;
    for (uint32_t i = 0; i < g->n; i++)
        if (is_loopback(&g->hosts[i].addr)) {
            g->hosts[i].status = HOST_UP;
            g->hosts[i].up_reason = R_LOCALHOST;
        }
    struct job dj = *job;
    dj.ports = &pl;
    dj.proto = PROTO_TCP;
    dj.discovery = true; /* the engine records no port results in this mode */
    return scan_connect.run(&dj, e);
}

static int by_target_index(const void *a, const void *b)
{
    uint64_t x = ((const struct host_result *)a)->target_index;
    uint64_t y = ((const struct host_result *)b)->target_index;
    return x < y ? -1 : x > y;
}

static void reverse_dns(struct host_result *h)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char name[NI_MAXHOST];
    addr_to_sockaddr(&h->addr, 0, &ss, &len);
    if (getnameinfo((struct sockaddr *)&ss, len, name, sizeof name, NULL, 0, NI_NAMEREQD) == 0)
        h->rdns = strdup(name);
}

static int scan_group(const struct conf *c, struct job *job, err_t *e)
{
    struct group *g = job->g;
    /* A host's clock (--host-timeout, its report times) starts with its group. */
    uint64_t now = now_ns();
    double wall = wall_time();
    for (uint32_t i = 0; i < g->n; i++) {
        g->hosts[i].start_ns = now;
        g->hosts[i].start = wall;
    }
    if (c->ping_skip) {
        for (uint32_t i = 0; i < g->n; i++) {
            g->hosts[i].status = HOST_UP;
            g->hosts[i].up_reason = R_USER_SET;
        }
    } else if (discover(job, e) < 0) {
        return -1;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        if (g->hosts[i].status == HOST_UP)
            job->stats->hosts_up++;
        else if (!c->ping_only)
            job->stats->pairs_done += (uint64_t)c->ports.n[c->scan->proto] / c->shard_n;
    }
    if (c->ping_only || *job->stop)
        return 0;
    job->discovery = false;
    job->proto = c->scan->proto;
    return c->scan->run(job, e);
}

int scan_open(const struct conf *c, struct scan_handles *h, probedb_warn_fn warn, void *ctx,
              err_t *e)
{
    memset(h, 0, sizeof *h);
    h->raw.sock = -1;
    if ((c->version || c->banners) && !c->ping_only &&
        vscan_open(&h->vs, c, warn, ctx, e) < 0)
        return -1;
    if (!c->scan->raw || c->ping_only)
        return 0;
    h->have_raw = true;
    return raw_io_open(&h->raw, c, e);
}

void scan_close(struct scan_handles *h)
{
    if (h->have_raw)
        raw_io_close(&h->raw);
    vscan_close(h->vs);
    h->vs = NULL;
}

int scan_run(const struct conf *c, struct scan_handles *hd, struct output_set *outs, const volatile sig_atomic_t *stop,
             struct scan_stats *stats, bool *interrupted, err_t *e)
{
    struct perm hp;
    perm_init(&hp, c->targets.total, mix64(c->seed ^ 0x686f737473ULL), c->sequential);
    uint32_t gmax = group_size(c);
    uint64_t cursor = 0;
    uint64_t per_host = c->ping_only ? 0 : c->ports.n[c->scan->proto];
    per_host /= c->shard_n; /* each shard probes its share of every host's ports */
    stats->pairs_total = c->targets.total * per_host;
    stats->hosts_total = c->targets.total;
    struct progress prog;
    progress_init(&prog, c, now_ns());
    int rc = 0;
    for (uint64_t gi = 0; rc == 0 && cursor < c->targets.total && !*stop; gi++) {
        struct group g;
        if (group_alloc(&g, MIN(gmax, c->targets.total - cursor), &c->ports, e) < 0)
            return -1;
        uint32_t requested = g.n;
        g.n = next_group(c, &hp, &cursor, g.hosts, g.n);
        /* Excluded addresses are not part of the scan's totals. */
        stats->hosts_total -= requested - g.n;
        stats->pairs_total -= (uint64_t)(requested - g.n) * per_host;
        struct job job = {
            .conf = c, .g = &g, .ports = &c->ports, .proto = PROTO_TCP,
            .seed = mix64(c->seed + gi), .stats = stats, .raw = &hd->raw, .stop = stop,
            .tick = progress_tick, .tick_ctx = &prog,
        };
        rc = scan_group(c, &job, e);
        if (rc == 0 && !c->ping_only && !*stop)
            confirm_group(c, &g, stop);
        if (rc == 0 && hd->vs && !*stop)
            rc = vscan_run(hd->vs, &g, stop, e);
        /* Probed in random order, reported in the order the user gave. */
        qsort(g.hosts, g.n, sizeof *g.hosts, by_target_index);
        for (uint32_t i = 0; rc == 0 && i < g.n; i++) {
            struct host_result *h = &g.hosts[i];
            if (h->status == HOST_UP && !c->no_dns)
                reverse_dns(h);
            stats->hosts_done++;
            outputs_host(outs, h);
        }
        group_free(&g);
    }
    progress_done(&prog, stats, now_ns());
    *interrupted = *stop != 0;
    return rc;
}
