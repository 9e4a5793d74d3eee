#include "iflist.h"

#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>

#define COLS 6
#define CELL 64

/* A table whose columns are as wide as their widest cell. */
struct table {
    char (*cell)[COLS][CELL];
    size_t rows, cap;
    int ncols;
};

static char *row_add(struct table *t)
{
    if (t->rows == t->cap)
        return NULL;
    memset(t->cell[t->rows], 0, sizeof t->cell[t->rows]);
    return t->cell[t->rows++][0];
}

static void table_write(FILE *f, const struct table *t)
{
    size_t w[COLS] = {0};
    for (size_t r = 0; r < t->rows; r++)
        for (int c = 0; c < t->ncols; c++)
            w[c] = MAX(w[c], strlen(t->cell[r][c]));
    for (size_t r = 0; r < t->rows; r++) {
        int last = t->ncols - 1;
        while (last > 0 && !t->cell[r][last][0])
            last--;
        for (int c = 0; c < last; c++)
            fprintf(f, "%-*s ", (int)w[c], t->cell[r][c]);
        fprintf(f, "%s\n", t->cell[r][last]);
    }
}

const char *iflist_type(const struct nr_iface *ifc)
{
    if (ifc->type == ARPHRD_ETHER)
        return "ethernet";
    if (ifc->type == ARPHRD_LOOPBACK)
        return "loopback";
    return (ifc->flags & IFF_POINTOPOINT) || ifc->type == ARPHRD_NONE ? "point2point" : "other";
}

static void mac_str(const uint8_t m[6], char *buf, size_t len)
{
    static const uint8_t zero[6];
    if (!memcmp(m, zero, 6))
        buf[0] = '\0';
    else
        snprintf(buf, len, "%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void iface_row(struct table *t, const struct nr_iface *ifc, const char *addr)
{
    char(*row)[CELL] = (char(*)[CELL])row_add(t);
    if (!row)
        return;
    snprintf(row[0], CELL, "%s", ifc->name);
    snprintf(row[1], CELL, "(%s)", ifc->name);
    snprintf(row[2], CELL, "%s", addr);
    snprintf(row[3], CELL, "%s", iflist_type(ifc));
    snprintf(row[4], CELL, "%s %d", ifc->flags & IFF_UP ? "up" : "down", ifc->mtu);
    mac_str(ifc->mac, row[5], CELL);
}

static void interfaces(FILE *f, const struct netinfo *ni, struct table *t)
{
    t->rows = 0;
    t->ncols = COLS;
    char(*head)[CELL] = (char(*)[CELL])row_add(t);
    const char *names[COLS] = {"DEV", "(SHORT)", "IP/MASK", "TYPE", "UP MTU", "MAC"};
    for (int c = 0; c < COLS; c++)
        snprintf(head[c], CELL, "%s", names[c]);
    for (uint32_t i = 0; i < ni->nifs; i++) {
        const struct nr_iface *ifc = &ni->ifs[i];
        bool any = false;
        for (uint32_t a = 0; a < ni->naddrs; a++) {
            if (ni->addrs[a].index != ifc->index)
                continue;
            char s[ADDR_STRLEN], cell[CELL];
            snprintf(cell, sizeof cell, "%s/%u", addr_str(&ni->addrs[a].a, s, sizeof s), ni->addrs[a].prefix);
            iface_row(t, ifc, cell);
            any = true;
        }
        if (!any)
            iface_row(t, ifc, "(none)/0");
    }
    fprintf(f, "************************INTERFACES************************\n");
    table_write(f, t);
}

static void routes(FILE *f, const struct netinfo *ni, struct table *t)
{
    t->rows = 0;
    t->ncols = 4;
    char(*head)[CELL] = (char(*)[CELL])row_add(t);
    snprintf(head[0], CELL, "DST/MASK");
    snprintf(head[1], CELL, "DEV");
    snprintf(head[2], CELL, "METRIC");
    snprintf(head[3], CELL, "GATEWAY");
    for (uint32_t i = 0; i < ni->nroutes; i++) {
        const struct nr_route *r = &ni->routes[i];
        const struct nr_iface *ifc = netinfo_iface(ni, r->oif);
        char(*row)[CELL] = ifc ? (char(*)[CELL])row_add(t) : NULL;
        if (!row)
            continue; /* unreachable and blackhole routes have no device */
        char s[ADDR_STRLEN];
        struct addr dst = r->dst;
        if (!dst.family)
            dst.family = r->gw.family ? r->gw.family : AF_INET;
        snprintf(row[0], CELL, "%s/%u", addr_str(&dst, s, sizeof s), r->dst_len);
        snprintf(row[1], CELL, "%s", ifc->name);
        snprintf(row[2], CELL, "%u", r->metric);
        if (r->gw.family)
            addr_str(&r->gw, row[3], CELL);
    }
    fprintf(f, "\n**************************ROUTES**************************\n");
    table_write(f, t);
}

void iflist_write(FILE *f, const struct netinfo *ni)
{
    size_t cap = 1 + MAX((size_t)ni->naddrs + ni->nifs, (size_t)ni->nroutes);
    struct table t = {.cell = calloc(cap, sizeof *t.cell), .cap = cap};
    if (!t.cell)
        return;
    interfaces(f, ni, &t);
    routes(f, ni, &t);
    free(t.cell);
}
