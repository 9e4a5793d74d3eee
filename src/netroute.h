/* netroute: the machine's interfaces, addresses, routes and neighbours, read
 * from the kernel over rtnetlink, and the path to a destination.
 *
 * netinfo_load() dumps links, addresses, the main routing table and the
 * neighbour tables of both families once; after that every question
 * (which interface, which next hop, which source address, which MAC) is a
 * pure lookup in those arrays (longest prefix first, then lowest metric),
 * so a /16 spread over several routes costs no system call per target.
 * netinfo_parse() is the pure part: it reads a buffer of netlink messages,
 * as the kernel sends them, and is unit-tested and fuzzed on made-up ones.
 *
 * Not modelled: policy routing (rules and tables other than main), VRFs,
 * IPv6 scope ids (a link-local destination goes wherever fe80::/64's first
 * best route goes; use want_if), and multipath routes beyond their first
 * next hop. */
#ifndef SCOUT_NETROUTE_H
#define SCOUT_NETROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "util.h"

struct nr_iface {
    int index;
    char name[IF_NAMESIZE];
    unsigned flags;      /* IFF_UP, IFF_LOOPBACK, IFF_RUNNING... */
    unsigned short type; /* ARPHRD_ETHER, ARPHRD_LOOPBACK, ARPHRD_NONE (tun)... */
    uint8_t mac[6];      /* zero when the link has none */
    int mtu;
    char driver[32];     /* from ethtool's GDRVINFO where available, else "" */
};

struct nr_addr {
    int index;       /* interface */
    struct addr a;
    uint8_t prefix;  /* prefix length */
    uint8_t scope;   /* RT_SCOPE_* (IPv6 link-local is RT_SCOPE_LINK) */
    uint32_t flags;  /* IFA_F_* (SECONDARY, DEPRECATED, TENTATIVE, DADFAILED...) */
};

struct nr_route {
    struct addr dst;     /* family set; all zero with dst_len 0 = default route */
    uint8_t dst_len;
    uint8_t type;        /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, RTN_BLACKHOLE, RTN_PROHIBIT,
                          * RTN_THROW; routes of other types are not kept */
    struct addr gw;      /* family 0 when on-link */
    struct addr prefsrc; /* family 0 when the route names none */
    int oif;             /* output interface index, 0 if none */
    uint32_t metric;
};

struct nr_neigh {
    int index;
    struct addr a;
    uint8_t mac[6];
    uint16_t state;  /* NUD_* */
};

struct netinfo {
    struct nr_iface *ifs;
    struct nr_addr *addrs;
    struct nr_route *routes;
    struct nr_neigh *neighs;
    uint32_t nifs, naddrs, nroutes, nneighs;
};

/* The most links, addresses, routes or neighbours kept.  Lookups are linear
 * scans, fine for the tens of entries of a host, not for a full BGP table. */
#define NETINFO_MAX 65536u

/* Dumps links, addresses, routes (main table) and neighbours of both
 * families into ni (which it initialises), and each interface's driver.
 * Returns 0, or -1 with e set (ni then holds nothing to free). */
int netinfo_load(struct netinfo *ni, err_t *e);
/* Adds what a buffer of rtnetlink messages (RTM_NEWLINK, RTM_NEWADDR,
 * RTM_NEWROUTE, RTM_NEWNEIGH, NLMSG_DONE...) says to ni.  Trusts nothing:
 * every length is checked, malformed messages are skipped, and a message
 * whose length runs past the buffer ends the walk.  ni starts zeroed.
 * Neighbours beyond NETINFO_MAX are dropped (they only save an ARP or ND
 * exchange).  Returns the number of messages used, or -1 with e set when
 * links, addresses or routes would pass NETINFO_MAX or memory runs out. */
int netinfo_parse(struct netinfo *ni, const uint8_t *buf, size_t len, err_t *e);
void netinfo_free(struct netinfo *ni);

const struct nr_iface *netinfo_iface(const struct netinfo *ni, int index);
const struct nr_iface *netinfo_iface_by_name(const struct netinfo *ni, const char *name);

/* How to reach one destination.  iface points into the netinfo. */
struct path {
    const struct nr_iface *iface;
    struct addr next_hop;  /* the gateway, or the destination itself when on-link */
    struct addr src;       /* source address to use */
    bool on_link;          /* the destination is on an attached network (ARP/ND apply) */
    bool have_mac;         /* mac is the next hop's, from the neighbour table */
    uint8_t mac[6];
};

/* The path to dst: the longest matching route of dst's family (then routes
 * through running interfaces, then the lowest metric), its interface, next
 * hop and source address, and the next hop's MAC if the neighbour table
 * holds a reachable, stale, delay, probe, permanent or noarp entry.
 *
 * A destination that is one of the machine's own addresses (or inside a
 * prefix on a loopback interface, like 127.0.0.0/8), or matches an
 * RTN_LOCAL route, goes through the loopback interface with on_link false
 * (unless want_if names another interface: then, as in nmap, the routes
 * through that interface decide, like for any destination).
 *
 * Source: want_src when given (NULL or family 0 for none); else the route's
 * preferred source; else an address of the family that is usable (not
 * tentative), of the destination's scope (IPv6 link-local for a link-local
 * destination), on the route's interface, in the next hop's subnet, and
 * primary and not deprecated, in that order of weight; addresses of other
 * interfaces count only with global scope, as the kernel's choice does.
 *
 * want_if (NULL or "" for none) restricts the lookup to routes through that
 * interface, as nmap's -e does; unreachable, blackhole, prohibit and throw
 * routes apply whatever the interface.  Returns 0; -1 with e set (naming the
 * destination) when want_if names no interface, no route matches, the route
 * is unreachable, blackhole, prohibit or throw, no source address of the
 * family exists, or want_src's family is not dst's. */
int netinfo_path(const struct netinfo *ni, const struct addr *dst, const struct addr *want_src,
                 const char *want_if, struct path *out, err_t *e);

#endif
