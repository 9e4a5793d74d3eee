/* scanrec: scan results as plain records (scanrec.h). */
#include "scanrec.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static char *dup_or_null(const char *s, bool *fail)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    *fail |= d == NULL;
    return d;
}

static void port_free(struct rec_port *p)
{
    free(p->service), free(p->tunnel), free(p->product), free(p->version), free(p->extrainfo), free(p->cpe);
}

static void fill_service(struct rec_port *rp, const struct service_info *si, bool *fail)
{
    if (!si || !si->name[0])
        return;
    rp->service = dup_or_null(si->name, fail);
    rp->tunnel = si->ssl ? dup_or_null("ssl", fail) : NULL;
    rp->product = dup_or_null(si->field[SVC_PRODUCT], fail);
    rp->version = dup_or_null(si->field[SVC_VERSION], fail);
    rp->extrainfo = dup_or_null(si->field[SVC_INFO], fail);
    rp->cpe = si->ncpe ? dup_or_null(si->cpe[0], fail) : NULL;
}

static uint32_t decided_ports(const struct host_result *h, const struct portlist *pl)
{
    uint32_t n = 0;
    for (int p = 0; p < PROTO_COUNT; p++)
        for (uint32_t i = 0; h->ports[p] && i < pl->n[p]; i++)
            n += h->ports[p][i].state != PS_UNKNOWN;
    return n;
}

int scanrec_from_host(const struct host_result *h, const struct portlist *pl, struct rec_host *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    bool fail = false;
    out->addr = h->addr;
    out->status = h->status;
    out->reason = h->up_reason;
    out->has_mac = h->has_mac;
    memcpy(out->mac, h->mac, 6);
    out->vendor = dup_or_null(h->vendor, &fail);
    out->name = dup_or_null(h->rdns ? h->rdns : h->user_name, &fail);
    out->os = h->os && h->os->nmatch ? dup_or_null(h->os->m[0].name, &fail) : NULL;
    /* A finished host's undecided ports are another shard's: only a
     * timed-out one stopped short (an interrupted group is not recorded). */
    out->partial = h->timed_out;
    uint32_t n = h->status == HOST_UP ? decided_ports(h, pl) : 0;
    out->ports = n ? calloc(n, sizeof *out->ports) : NULL;
    fail |= n && !out->ports;
    for (int p = 0; !fail && n && p < PROTO_COUNT; p++)
        for (uint32_t i = 0; h->ports[p] && i < pl->n[p]; i++) {
            const struct port_result *r = &h->ports[p][i];
            if (r->state == PS_UNKNOWN)
                continue;
            struct rec_port *rp = &out->ports[out->nports++];
            *rp = (struct rec_port){.proto = (uint8_t)p, .port = pl->v[p][i], .state = r->state,
                                    .reason = r->reason, .ttl = r->ttl};
            fill_service(rp, host_service(h, p, i), &fail);
        }
    if (fail) {
        scanrec_host_free(out);
        return err_set(e, "out of memory");
    }
    return 0;
}

void scanrec_host_free(struct rec_host *h)
{
    for (uint32_t i = 0; i < h->nports; i++)
        port_free(&h->ports[i]);
    free(h->ports), free(h->vendor), free(h->name), free(h->os);
    memset(h, 0, sizeof *h);
}

void scanrec_free(struct rec_scan *s)
{
    for (uint32_t i = 0; i < s->nhosts; i++)
        scanrec_host_free(&s->hosts[i]);
    free(s->hosts), free(s->key), free(s->args), free(s->version);
    memset(s, 0, sizeof *s);
}

static int by_port(const void *a, const void *b)
{
    const struct rec_port *x = a, *y = b;
    uint32_t kx = (uint32_t)x->proto << 16 | x->port, ky = (uint32_t)y->proto << 16 | y->port;
    return kx < ky ? -1 : kx > ky;
}

static int by_addr(const void *a, const void *b)
{
    return addr_cmp(&((const struct rec_host *)a)->addr, &((const struct rec_host *)b)->addr);
}

void scanrec_sort(struct rec_scan *s)
{
    if (s->nhosts) /* qsort of NULL is undefined, even for 0 elements */
        qsort(s->hosts, s->nhosts, sizeof *s->hosts, by_addr);
    for (uint32_t i = 0; i < s->nhosts; i++)
        if (s->hosts[i].nports)
            qsort(s->hosts[i].ports, s->hosts[i].nports, sizeof *s->hosts[i].ports, by_port);
}
