/* report: a stored scan in the output formats (report.h). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "output/output.h"
#include "scanrec.h"
#include "services.h"
#include "store/store.h"

struct report_args {
    int64_t id;
    const char *db;
    struct out_spec out[8];
    int nout;
};

static int parse_args(int argc, char **argv, struct report_args *ra, err_t *e)
{
    memset(ra, 0, sizeof *ra);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--db") && i + 1 < argc)
            ra->db = argv[++i];
        else if (!strncmp(a, "--db=", 5))
            ra->db = a + 5;
        else if (a[0] == '-' && a[1] == 'o' && strchr("NXGJ", a[2]) && !a[3] && i + 1 < argc) {
            if (ra->nout >= 8)
                return err_set(e, "report: too many outputs");
            enum out_kind k = a[2] == 'N' ? OUT_NORMAL : a[2] == 'X' ? OUT_XML : a[2] == 'G' ? OUT_GREP : OUT_JSON;
            ra->out[ra->nout++] = (struct out_spec){.kind = k, .path = argv[++i]};
        } else if (a[0] >= '0' && a[0] <= '9' && !ra->id) {
            uint64_t v;
            if (parse_uint(a, 1, INT64_MAX, &v, e, "report: scan id") < 0)
                return -1;
            ra->id = (int64_t)v;
        } else
            return err_set(e, "report: unexpected '%s' (usage: scout report [ID] [--db PATH|URL] -oN/-oX/-oG/-oJ FILE)",
                           a);
    }
    return 0;
}

/* The scan's port list: every (protocol, port) a host has a record of. */
static int ports_of(const struct rec_scan *sc, struct portlist *pl, err_t *e)
{
    memset(pl, 0, sizeof *pl);
    uint8_t (*seen)[65536] = xcalloc(PROTO_COUNT, sizeof *seen, e);
    if (!seen)
        return -1;
    for (uint32_t h = 0; h < sc->nhosts; h++)
        for (uint32_t i = 0; i < sc->hosts[h].nports; i++)
            seen[sc->hosts[h].ports[i].proto % PROTO_COUNT][sc->hosts[h].ports[i].port] = 1;
    for (int p = 0; p < PROTO_COUNT; p++) {
        pl->v[p] = xcalloc(65536, sizeof *pl->v[p], e);
        for (uint32_t port = 0; pl->v[p] && port < 65536; port++)
            if (seen[p][port])
                pl->v[p][pl->n[p]++] = (uint16_t)port;
    }
    free(seen);
    return pl->v[PROTO_COUNT - 1] && pl->v[0] ? 0 : -1;
}

static int32_t index_of(const struct portlist *pl, int proto, uint16_t port)
{
    const uint16_t *v = pl->v[proto];
    uint32_t lo = 0, hi = pl->n[proto];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (v[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pl->n[proto] && v[lo] == port ? (int32_t)lo : -1;
}

static char *dup_opt(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void fill_services(struct host_result *h, const struct rec_host *rh, const struct portlist *pl)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rh->nports; i++)
        n += rh->ports[i].service != NULL;
    h->svc = n ? calloc(n, sizeof *h->svc) : NULL;
    for (uint32_t i = 0; h->svc && i < rh->nports; i++) {
        const struct rec_port *rp = &rh->ports[i];
        if (!rp->service)
            continue;
        struct service_info *si = &h->svc[h->nsvc++];
        si->proto = rp->proto;
        si->port_index = (uint32_t)index_of(pl, rp->proto, rp->port);
        snprintf(si->name, sizeof si->name, "%s", rp->service);
        si->ssl = rp->tunnel != NULL;
        si->field[SVC_PRODUCT] = dup_opt(rp->product);
        si->field[SVC_VERSION] = dup_opt(rp->version);
        si->field[SVC_INFO] = dup_opt(rp->extrainfo);
        if (rp->cpe && (si->cpe[0] = strdup(rp->cpe)))
            si->ncpe = 1;
    }
}

static void fill_host(struct host_result *h, const struct rec_host *rh, const struct portlist *pl, uint64_t idx)
{
    h->addr = rh->addr;
    h->target_index = idx;
    h->status = rh->status;
    h->up_reason = rh->reason;
    h->has_mac = rh->has_mac;
    memcpy(h->mac, rh->mac, 6);
    h->vendor = rh->vendor;
    h->rdns = dup_opt(rh->name);
    for (uint32_t i = 0; i < rh->nports; i++) {
        const struct rec_port *rp = &rh->ports[i];
        int32_t k = index_of(pl, rp->proto % PROTO_COUNT, rp->port);
        if (k >= 0)
            h->ports[rp->proto % PROTO_COUNT][k] =
                (struct port_result){.state = rp->state, .reason = rp->reason, .ttl = rp->ttl};
    }
    fill_services(h, rh, pl);
}

/* The stored command line's settings (scan type, verbosity...), with the
 * report's outputs in place of the scan's. */
static int report_conf(struct conf *c, const struct rec_scan *sc, const struct report_args *ra, err_t *e)
{
    char *args = strdup(sc->args ? sc->args : "scout");
    char *argv[256];
    int argc = 0;
    bool skip = false; /* --shard's value: the merged scan is all shards (and auto needs a scheduler) */
    for (char *save = NULL, *w = strtok_r(args, " ", &save); w && argc < 255; w = strtok_r(NULL, " ", &save)) {
        if (skip || !strcmp(w, "--shard") || !strncmp(w, "--shard=", 8)) {
            skip = !skip && !strcmp(w, "--shard");
            continue;
        }
        argv[argc++] = w;
    }
    argv[argc] = NULL;
    enum conf_result r = conf_parse_argv(c, argc, argv, e);
    free(args);
    if (r != CONF_RUN)
        return err_set(e, "report: scan %lld's command line cannot be read back", (long long)sc->id);
    c->argv = NULL, c->argc = 0; /* pointed into args */
    if (services_load(&c->svc, NULL, e) < 0) /* the port table's service names */
        return -1;
    memcpy(c->outputs, ra->out, sizeof ra->out);
    c->noutputs = ra->nout;
    return 0;
}

static int write_report(const struct rec_scan *sc, struct conf *c, err_t *e)
{
    if (ports_of(sc, &c->ports, e) < 0)
        return 1;
    struct group g;
    if (group_alloc(&g, sc->nhosts, &c->ports, e) < 0)
        return 1;
    for (uint32_t i = 0; i < sc->nhosts; i++)
        fill_host(&g.hosts[i], &sc->hosts[i], &c->ports, i);
    struct output_set outs;
    if (outputs_open(&outs, c, NULL, e) < 0) {
        group_free(&g);
        return 2;
    }
    outs.ri.start = sc->start;
    outputs_begin(&outs);
    outputs_group(&outs, g.hosts, g.n);
    struct scan_stats stats = {.hosts_total = sc->nhosts, .hosts_done = sc->nhosts};
    for (uint32_t i = 0; i < g.n; i++) {
        stats.hosts_up += g.hosts[i].status == HOST_UP;
        outputs_host(&outs, &g.hosts[i]);
    }
    struct run_end re = {.end = sc->end ? sc->end : sc->start, .stats = &stats, .interrupted = !sc->finished};
    outputs_end(&outs, &re);
    int rc = outputs_close(&outs) < 0 ? 1 : 0;
    for (uint32_t i = 0; i < g.n; i++)
        g.hosts[i].vendor = NULL; /* the records' */
    group_free(&g);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    err_t e = {{0}};
    struct report_args ra;
    struct store *st = NULL;
    struct rec_scan sc = {0};
    struct conf c;
    memset(&c, 0, sizeof c);
    int code = 0;
    if (parse_args(argc, argv, &ra, &e) < 0 || store_open(&st, ra.db, &e) < 0)
        code = 2;
    else if (!ra.id && (store_last_scan(st, false, &ra.id, &e) < 0 || !ra.id))
        code = ra.id ? 2 : (err_set(&e, "report: the results store %s holds no scan", store_name(st)), 2);
    else if (store_load(st, ra.id, &sc, &e) < 0)
        code = 2;
    else if (report_conf(&c, &sc, &ra, &e) < 0)
        code = 2;
    else
        code = write_report(&sc, &c, &e);
    if (code)
        fprintf(stderr, "scout: %s\n", e.msg);
    if (c.args)
        conf_free(&c);
    scanrec_free(&sc);
    if (st)
        store_close(st);
    return code;
}
