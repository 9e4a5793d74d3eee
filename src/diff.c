/* diff: two scans' records compared (diff.h). */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

void diff_fold(const struct rec_host *h, struct diff_fold *f)
{
    memset(f, 0, sizeof *f);
    for (uint32_t i = 0; h && i < h->nports; i++)
        if (h->ports[i].state < PS_COUNT)
            f->count[h->ports[i].state]++;
    for (int s = 1; s < PS_COUNT; s++)
        f->folded[s] = s != PS_OPEN && f->count[s] > DIFF_FOLD_OVER;
}

bool diff_fold_eq(const struct diff_fold *a, const struct diff_fold *b)
{
    for (int s = 1; s < PS_COUNT; s++)
        if (a->folded[s] != b->folded[s] || (a->folded[s] && a->count[s] != b->count[s]))
            return false;
    return true;
}

const char *diff_service(const struct rec_port *p, const struct services *svc)
{
    if (p->service)
        return p->service;
    /* not services_name: its "unknown" for an unnamed port is not in reports */
    uint32_t off = svc && p->proto < PROTO_COUNT ? svc->name_off[p->proto][p->port] : 0;
    return off ? svc->pool + off : NULL;
}

bool diff_port_eq(const struct rec_port *a, const struct rec_port *b, const struct services *svc)
{
    return a->state == b->state && str_eq(diff_service(a, svc), diff_service(b, svc)) &&
           str_eq(a->product, b->product) && str_eq(a->version, b->version) &&
           str_eq(a->extrainfo, b->extrainfo) && str_eq(a->tunnel, b->tunnel);
}

static bool ident_eq(const struct rec_host *a, const struct rec_host *b)
{
    return str_eq(a->name, b->name) && a->has_mac == b->has_mac && (!a->has_mac || !memcmp(a->mac, b->mac, 6));
}

static struct diff_host pair(const struct rec_host *a, const struct rec_host *b)
{
    struct diff_host d = {.a = a, .b = b};
    diff_fold(a, &d.fa);
    diff_fold(b, &d.fb);
    if (a && b) {
        d.status = a->status != b->status;
        d.ident = !ident_eq(a, b);
        d.os = !str_eq(a->os, b->os);
        d.fold = !diff_fold_eq(&d.fa, &d.fb);
    }
    return d;
}

bool diff_host_changed(const struct diff_host *h)
{
    return !h->a || !h->b || h->status || h->ident || h->os || h->fold;
}

/* ndiff's host id: the address's text left-justified in 40 columns, then
 * the name; hosts are listed in the order of these strings. */
static void host_key(const struct diff_host *d, char *buf, size_t n)
{
    const struct rec_host *h = d->a ? d->a : d->b;
    char ip[ADDR_STRLEN];
    snprintf(buf, n, "%-40s%s", addr_str(&h->addr, ip, sizeof ip), h->name ? h->name : "");
}

static int by_key(const void *x, const void *y)
{
    char kx[600], ky[600];
    host_key(x, kx, sizeof kx);
    host_key(y, ky, sizeof ky);
    return strcmp(kx, ky);
}

static int by_addr_ptr(const void *x, const void *y)
{
    return addr_cmp(&(*(const struct rec_host *const *)x)->addr, &(*(const struct rec_host *const *)y)->addr);
}

/* A scan's hosts by address, whatever order the records came in (xmlscan
 * and the store sort them; records built elsewhere may not be). */
static const struct rec_host **hosts_by_addr(const struct rec_scan *s, err_t *e)
{
    const struct rec_host **v = xcalloc(s->nhosts ? s->nhosts : 1, sizeof *v, e);
    for (uint32_t i = 0; v && i < s->nhosts; i++)
        v[i] = &s->hosts[i];
    if (v && s->nhosts)
        qsort(v, s->nhosts, sizeof *v, by_addr_ptr);
    return v;
}

int diff_hosts(const struct rec_scan *a, const struct rec_scan *b, struct diff_host **out, uint32_t *n, err_t *e)
{
    *out = NULL;
    *n = 0;
    size_t cap = (size_t)a->nhosts + b->nhosts;
    if (!cap)
        return 0;
    struct diff_host *v = xcalloc(cap, sizeof *v, e);
    const struct rec_host **ha = v ? hosts_by_addr(a, e) : NULL, **hb = ha ? hosts_by_addr(b, e) : NULL;
    if (!hb) {
        free(v), free(ha);
        return -1;
    }
    uint32_t i = 0, j = 0, k = 0;
    while (i < a->nhosts || j < b->nhosts) {
        int c = i == a->nhosts ? 1 : j == b->nhosts ? -1 : addr_cmp(&ha[i]->addr, &hb[j]->addr);
        const struct rec_host *x = c <= 0 ? ha[i++] : NULL, *y = c >= 0 ? hb[j++] : NULL;
        v[k++] = pair(x, y);
    }
    free(ha), free(hb);
    qsort(v, k, sizeof *v, by_key);
    *out = v;
    *n = k;
    return 0;
}

static uint32_t port_key(const struct rec_port *p)
{
    return (uint32_t)p->proto << 16 | p->port;
}

/* ndiff's port order: by number, then protocol name ("tcp" < "udp"). */
static int by_number(const void *x, const void *y)
{
    const struct diff_port *a = x, *b = y;
    uint32_t ka = (uint32_t)a->port << 8 | a->proto, kb = (uint32_t)b->port << 8 | b->proto;
    return ka < kb ? -1 : ka > kb;
}

static uint8_t port_kind(const struct diff_host *h, const struct rec_port *a, const struct rec_port *b,
                         const struct services *svc)
{
    if (a && b)
        return diff_port_eq(a, b, svc) ? DIFF_SAME : DIFF_CHANGED;
    if (a)
        return a->state < PS_COUNT && h->fa.folded[a->state] ? DIFF_FOLDED : DIFF_DISAPPEARED;
    return b->state < PS_COUNT && h->fb.folded[b->state] ? DIFF_FOLDED : DIFF_APPEARED;
}

static int by_key_ptr(const void *x, const void *y)
{
    uint32_t kx = port_key(*(const struct rec_port *const *)x), ky = port_key(*(const struct rec_port *const *)y);
    return kx < ky ? -1 : kx > ky;
}

/* A host's ports by (protocol, port): the records' own order when they are
 * sorted, as xmlscan and the store give them. */
static const struct rec_port **ports_by_key(const struct rec_host *h, err_t *e)
{
    uint32_t n = h ? h->nports : 0;
    const struct rec_port **v = xcalloc(n ? n : 1, sizeof *v, e);
    bool sorted = true;
    for (uint32_t i = 0; v && i < n; i++) {
        v[i] = &h->ports[i];
        sorted &= !i || port_key(v[i - 1]) < port_key(v[i]);
    }
    if (v && !sorted)
        qsort(v, n, sizeof *v, by_key_ptr);
    return v;
}

int diff_ports(const struct diff_host *h, const struct services *svc, struct diff_port **out, uint32_t *n,
               err_t *e)
{
    *out = NULL;
    *n = 0;
    uint32_t na = h->a ? h->a->nports : 0, nb = h->b ? h->b->nports : 0;
    if (!na && !nb)
        return 0;
    struct diff_port *v = xcalloc((size_t)na + nb, sizeof *v, e);
    const struct rec_port **va = v ? ports_by_key(h->a, e) : NULL, **vb = va ? ports_by_key(h->b, e) : NULL;
    if (!vb) {
        free(v), free(va);
        return -1;
    }
    uint32_t i = 0, j = 0, k = 0;
    while (i < na || j < nb) {
        const struct rec_port *pa = i < na ? va[i] : NULL, *pb = j < nb ? vb[j] : NULL;
        int c = !pa ? 1 : !pb ? -1 : port_key(pa) < port_key(pb) ? -1 : port_key(pa) > port_key(pb);
        pa = c <= 0 ? pa : NULL;
        pb = c >= 0 ? pb : NULL;
        i += pa != NULL;
        j += pb != NULL;
        const struct rec_port *p = pa ? pa : pb;
        v[k++] = (struct diff_port){.proto = p->proto, .port = p->port, .kind = port_kind(h, pa, pb, svc), .a = pa, .b = pb};
    }
    free(va), free(vb);
    qsort(v, k, sizeof *v, by_number);
    *out = v;
    *n = k;
    return 0;
}
