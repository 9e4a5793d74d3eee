#include "results.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[PS_COUNT] = {
    [PS_UNKNOWN] = "unknown",
    [PS_OPEN] = "open",
    [PS_CLOSED] = "closed",
    [PS_FILTERED] = "filtered",
    [PS_UNFILTERED] = "unfiltered",
    [PS_OPEN_FILTERED] = "open|filtered",
    [PS_CLOSED_FILTERED] = "closed|filtered",
};

static const char *const reason_names[R_COUNT] = {
    [R_NONE] = "unknown-response",
    [R_SYN_ACK] = "syn-ack",
    [R_RESET] = "reset",
    [R_CONN_REFUSED] = "conn-refused",
    [R_NO_RESPONSE] = "no-response",
    [R_NET_UNREACH] = "net-unreach",
    [R_HOST_UNREACH] = "host-unreach",
    [R_PROTO_UNREACH] = "proto-unreach",
    [R_PORT_UNREACH] = "port-unreach",
    [R_NET_PROHIBITED] = "net-prohibited",
    [R_HOST_PROHIBITED] = "host-prohibited",
    [R_ADMIN_PROHIBITED] = "admin-prohibited",
    [R_UDP_RESPONSE] = "udp-response",
    [R_ECHO_REPLY] = "echo-reply",
    [R_ARP_RESPONSE] = "arp-response",
    [R_USER_SET] = "user-set",
    [R_LOCALHOST] = "localhost-response",
    [R_NO_ROUTE] = "no-route",
    [R_BEYOND_SCOPE] = "beyond-scope",
    [R_REJECT_ROUTE] = "reject-route",
    [R_PARAM_PROBLEM] = "param-problem",
    [R_ND_RESPONSE] = "nd-response",
    [R_TIMESTAMP_REPLY] = "timestamp-reply",
    [R_MASK_REPLY] = "addressmask-reply",
};

const char *state_name(enum port_state s)
{
    return (unsigned)s < PS_COUNT ? state_names[s] : "unknown";
}

const char *reason_name(enum reason r)
{
    return (unsigned)r < R_COUNT ? reason_names[r] : "unknown-response";
}

int state_parse(const char *s)
{
    for (int i = 1; i < PS_COUNT; i++)
        if (!strcmp(s, state_names[i]))
            return i;
    return -1;
}

int group_alloc(struct group *g, uint32_t nhosts, const struct portlist *pl, err_t *e)
{
    memset(g, 0, sizeof *g);
    size_t per_host = (size_t)pl->n[PROTO_TCP] + pl->n[PROTO_UDP];
    g->hosts = xcalloc(nhosts, sizeof *g->hosts, e);
    g->store = xcalloc((size_t)nhosts * per_host, sizeof *g->store, e);
    if (!g->hosts || !g->store) {
        group_free(g);
        return -1;
    }
    g->n = nhosts;
    g->stride = (uint32_t)per_host;
    for (uint32_t h = 0; h < nhosts; h++) {
        struct port_result *base = g->store + (size_t)h * per_host;
        g->hosts[h].ports[PROTO_TCP] = base;
        g->hosts[h].ports[PROTO_UDP] = base + pl->n[PROTO_TCP];
    }
    return 0;
}

static void service_free(struct service_info *si)
{
    for (int i = 0; i < SVC_FIELDS; i++)
        free(si->field[i]);
    for (int i = 0; i < si->ncpe; i++)
        free(si->cpe[i]);
    free(si->banner);
    free(si->cert);
    free(si->fp);
    free(si->dialog_note);
}

const struct service_info *host_service(const struct host_result *h, enum proto p, uint32_t pi)
{
    uint64_t key = (uint64_t)p << 32 | pi;
    uint32_t lo = 0, hi = h->nsvc;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (((uint64_t)h->svc[mid].proto << 32 | h->svc[mid].port_index) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < h->nsvc && h->svc[lo].proto == p && h->svc[lo].port_index == pi ? &h->svc[lo] : NULL;
}

void group_free(struct group *g)
{
    if (g->hosts)
        for (uint32_t h = 0; h < g->n; h++) {
            free(g->hosts[h].rdns);
            for (uint32_t i = 0; i < g->hosts[h].nsvc; i++)
                service_free(&g->hosts[h].svc[i]);
            free(g->hosts[h].svc);
            free(g->hosts[h].os);
        }
    free(g->hosts);
    free(g->store);
    memset(g, 0, sizeof *g);
}

void host_state_counts(const struct host_result *h, enum proto p, uint32_t nports,
                       uint32_t counts[PS_COUNT])
{
    memset(counts, 0, sizeof(uint32_t) * PS_COUNT);
    for (uint32_t i = 0; i < nports; i++)
        counts[h->ports[p][i].state < PS_COUNT ? h->ports[p][i].state : 0]++;
}

bool confirm_proxied(const struct host_result *h)
{
    return h->confirm.sampled && h->confirm.reset * 2 >= h->confirm.sampled;
}

static bool same_class(const struct os_class *a, const struct os_class *b)
{
    return !strcmp(a->vendor, b->vendor) && !strcmp(a->family, b->family) && !strcmp(a->type, b->type) &&
           !strcmp(a->gen, b->gen);
}

void os_classified_add(struct os_result *res, const struct os_match *m, bool perfect)
{
    for (int k = 0; k < m->nclass && k < OS_MAX_CLASSES && res->nclassified < OS_MAX_CLASSIFIED; k++) {
        bool dup = false;
        for (int j = 0; j < res->nclassified && !dup; j++)
            dup = same_class(&res->classified[j], &m->cls[k]);
        if (dup)
            continue;
        res->classified_acc[res->nclassified] = m->accuracy;
        res->classified[res->nclassified++] = m->cls[k];
        res->nclassified_perfect += perfect;
    }
}
