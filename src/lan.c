#include "lan.h"

#include <net/if_arp.h>
#include <string.h>

#include "iflist.h"

static bool sweepable(const struct nr_iface *ifc)
{
    return ifc && ifc->type == ARPHRD_ETHER && (ifc->flags & IFF_UP);
}

static struct addr network_of(const struct addr *a, uint8_t prefix)
{
    struct addr n = *a;
    n.u.v4 = prefix ? a->u.v4 & (0xffffffffu << (32 - prefix)) : 0;
    return n;
}

/* Whether the default route goes through a gateway inside net. */
static bool holds_default(const struct netinfo *ni, const struct lan_net *net)
{
    for (uint32_t i = 0; i < ni->nroutes; i++) {
        const struct nr_route *r = &ni->routes[i];
        if (r->dst_len || r->gw.family != AF_INET || r->oif != net->iface->index)
            continue;
        struct addr gwnet = network_of(&r->gw, net->prefix);
        if (addr_eq(&gwnet, &net->net))
            return true;
    }
    return false;
}

static bool listed(const struct lan_net *out, int n, const struct lan_net *net)
{
    for (int i = 0; i < n; i++)
        if (out[i].prefix == net->prefix && addr_eq(&out[i].net, &net->net))
            return true;
    return false;
}

int lan_networks(const struct netinfo *ni, const char *want_if, struct lan_net *out, size_t max, err_t *e)
{
    if (want_if && *want_if && !netinfo_iface_by_name(ni, want_if))
        return err_set(e, "--lan -e %s: no such interface", want_if);
    int n = 0;
    char s[ADDR_STRLEN];
    for (uint32_t i = 0; i < ni->naddrs; i++) {
        const struct nr_addr *a = &ni->addrs[i];
        const struct nr_iface *ifc = netinfo_iface(ni, a->index);
        if (a->a.family != AF_INET || !sweepable(ifc) || (want_if && *want_if && strcmp(ifc->name, want_if)))
            continue;
        struct lan_net net = {.net = network_of(&a->a, a->prefix), .prefix = a->prefix, .iface = ifc};
        if (a->prefix < LAN_MIN_PREFIX)
            return err_set(e, "%s's network %s/%u is larger than a /%d: name the part to sweep as a target",
                           ifc->name, addr_str(&net.net, s, sizeof s), a->prefix, LAN_MIN_PREFIX);
        if (listed(out, n, &net) || (size_t)n >= max)
            continue;
        net.has_default = holds_default(ni, &net);
        out[n++] = net;
    }
    if (!n)
        return err_set(e, "no Ethernet interface is up with an IPv4 network%s%s: nothing to sweep",
                       want_if && *want_if ? " on " : "", want_if && *want_if ? want_if : "");
    return n;
}

static void write_interfaces(FILE *f, const struct netinfo *ni)
{
    fprintf(f, "INTERFACES\n%-10s %-5s %-17s %-6s %-10s %s\n", "NAME", "STATE", "MAC", "MTU", "DRIVER",
            "ADDRESSES");
    for (uint32_t i = 0; i < ni->nifs; i++) {
        const struct nr_iface *ifc = &ni->ifs[i];
        char mac[18] = "-";
        if (ifc->type == ARPHRD_ETHER)
            mac_format(ifc->mac, mac);
        fprintf(f, "%-10s %-5s %-17s %-6d %-10s", ifc->name, ifc->flags & IFF_UP ? "up" : "down", mac, ifc->mtu,
                ifc->driver[0] ? ifc->driver : iflist_type(ifc));
        for (uint32_t a = 0; a < ni->naddrs; a++)
            if (ni->addrs[a].index == ifc->index) {
                char s[ADDR_STRLEN];
                fprintf(f, " %s/%u", addr_str(&ni->addrs[a].a, s, sizeof s), ni->addrs[a].prefix);
            }
        fputc('\n', f);
    }
}

void lan_write_head(FILE *f, const struct netinfo *ni, const struct lan_net *nets, int n)
{
    write_interfaces(f, ni);
    fprintf(f, "\nNETWORKS (swept)\n%-18s %-10s %s\n", "NETWORK", "INTERFACE", "DEFAULT ROUTE");
    for (int i = 0; i < n; i++) {
        char s[ADDR_STRLEN], cidr[64];
        snprintf(cidr, sizeof cidr, "%s/%u", addr_str(&nets[i].net, s, sizeof s), nets[i].prefix);
        fprintf(f, "%-18s %-10s %s\n", cidr, nets[i].iface->name, nets[i].has_default ? "yes" : "");
    }
}
