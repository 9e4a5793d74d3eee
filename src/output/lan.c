/* lan: the LAN view's report (--lan), in place of the normal output: the
 * interfaces and the networks swept (lan.h), then one row per device found
 * up: address, MAC, vendor, name, what answered, latency, open ports. */
#include "output.h"

#include <string.h>

struct lan_state {
    uint32_t up;
};

static void begin(void *st, FILE *f, const struct run_info *ri)
{
    (void)st;
    const struct conf *c = ri->conf;
    char when[64];
    fmt_time(ri->start, "%Y-%m-%d %H:%M %Z", when, sizeof when);
    fprintf(f, "scout %s LAN view at %s\n\n", SCOUT_VERSION, when);
    if (c->lan_ni)
        lan_write_head(f, c->lan_ni, c->lan_nets, c->nlan);
    fprintf(f, "\nDEVICES\n%-15s %-17s %-28s %-24s %-13s %-9s %s\n", "IP", "MAC", "VENDOR", "NAME", "ANSWERED",
            "LATENCY", c->ping_only ? "" : "OPEN PORTS");
}

/* "22/tcp,80/tcp" into buf; "-" when none. */
static void open_ports(const struct run_info *ri, const struct host_result *h, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int p = 0; p < PROTO_COUNT; p++)
        for (uint32_t i = 0; h->ports[p] && i < ri->conf->ports.n[p] && n + 16 < len; i++)
            if (h->ports[p][i].state == PS_OPEN)
                n += (size_t)snprintf(buf + n, len - n, "%s%u/%s", n ? "," : "", ri->conf->ports.v[p][i],
                                      p == PROTO_UDP ? "udp" : "tcp");
    if (!n)
        snprintf(buf, len, "-");
}

/* The interface holding a itself, when a is one of this machine's addresses. */
static const struct nr_iface *own_iface(const struct netinfo *ni, const struct addr *a)
{
    for (uint32_t i = 0; ni && i < ni->naddrs; i++)
        if (addr_eq(&ni->addrs[i].a, a))
            return netinfo_iface(ni, ni->addrs[i].index);
    return NULL;
}

static void host(void *stp, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct lan_state *st = stp;
    if (h->status != HOST_UP)
        return;
    st->up++;
    char ip[ADDR_STRLEN], mac[18] = "-", lat[32] = "-", ports[256] = "";
    const struct nr_iface *own = own_iface(ri->conf->lan_ni, &h->addr);
    if (h->has_mac)
        mac_format(h->mac, mac);
    else if (own)
        mac_format(own->mac, mac);
    if (h->srtt_us)
        snprintf(lat, sizeof lat, "%.2f ms", h->srtt_us / 1e3);
    if (!ri->conf->ping_only)
        open_ports(ri, h, ports, sizeof ports);
    const char *name = host_name(h);
    fprintf(f, "%-15s %-17s %-28.28s %-24.24s %-13s %-9s %s\n", addr_str(&h->addr, ip, sizeof ip), mac,
            h->vendor ? h->vendor : h->has_mac ? "(unknown)" : "-", name ? name : "-",
            own ? "this machine" : reason_name((enum reason)h->up_reason), lat, ports);
}

static void end(void *stp, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    struct lan_state *st = stp;
    (void)ri;
    fprintf(f, "\n%u devices up among %llu addresses swept in %.2f s%s\n", st->up,
            (unsigned long long)re->stats->hosts_done, re->end - ri->start,
            re->interrupted ? " (interrupted: the sweep is incomplete)" : "");
}

const struct output_ops output_lan = {
    .name = "lan", .state_size = sizeof(struct lan_state), .begin = begin, .host = host, .end = end,
};
