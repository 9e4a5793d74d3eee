/* netroute: netinfo_parse on hand-built rtnetlink dumps, netinfo_path on the
 * table they describe, and malformed buffers. */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "netroute.h"
#include "unit.h"

void test_netroute_paths(void);
void test_netroute_tables(void);
void test_netroute_malformed(void);
void test_netroute_caps(void);

/* ---------- building dumps ---------- */

struct nlbuf {
    uint8_t *b;
    size_t len, cap, msg; /* msg: where the open message starts */
};

static void put(struct nlbuf *nb, const void *p, size_t n)
{
    size_t need = nb->len + NLMSG_ALIGN(n);
    if (need > nb->cap) {
        nb->cap = MAX(need, nb->cap * 2 + 4096);
        nb->b = realloc(nb->b, nb->cap);
    }
    memset(nb->b + nb->len, 0, NLMSG_ALIGN(n));
    if (p)
        memcpy(nb->b + nb->len, p, n);
    nb->len += NLMSG_ALIGN(n);
}

static void msg_begin(struct nlbuf *nb, uint16_t type, const void *hdr, size_t hlen)
{
    struct nlmsghdr h = {.nlmsg_type = type, .nlmsg_flags = NLM_F_MULTI, .nlmsg_seq = 1};
    nb->msg = nb->len;
    put(nb, &h, sizeof h);
    put(nb, hdr, hlen);
}

static void msg_end(struct nlbuf *nb)
{
    uint32_t len = (uint32_t)(nb->len - nb->msg);
    memcpy(nb->b + nb->msg, &len, sizeof len);
}

static void attr(struct nlbuf *nb, uint16_t type, const void *data, size_t len)
{
    struct rtattr ra = {.rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type};
    size_t at = nb->len;
    put(nb, &ra, sizeof ra);
    nb->len = at + sizeof ra; /* rtattr is 4 bytes: already aligned */
    put(nb, data, len);
}

static void attr_u32(struct nlbuf *nb, uint16_t type, uint32_t v)
{
    attr(nb, type, &v, 4);
}

/* An address attribute in wire form; returns the family. */
static int attr_ip(struct nlbuf *nb, uint16_t type, const char *s)
{
    uint8_t raw[16];
    if (inet_pton(AF_INET, s, raw) == 1) {
        attr(nb, type, raw, 4);
        return AF_INET;
    }
    CHECK(inet_pton(AF_INET6, s, raw) == 1);
    attr(nb, type, raw, 16);
    return AF_INET6;
}

static int family_of(const char *s)
{
    return strchr(s, ':') ? AF_INET6 : AF_INET;
}

static const uint8_t MAC_A[6] = {2, 0, 0, 0, 0, 0xa}, MAC_B[6] = {2, 0, 0, 0, 0, 0xb},
                     MAC_C[6] = {2, 0, 0, 0, 0, 0xc}, MAC_D[6] = {2, 0, 0, 0, 0, 0xd},
                     MAC_E[6] = {2, 0, 0, 0, 0, 0xe};

static void link_msg(struct nlbuf *nb, int index, const char *name, unsigned flags,
                     unsigned short type, const uint8_t *mac)
{
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = flags,
                            .ifi_type = type};
    msg_begin(nb, RTM_NEWLINK, &ifi, sizeof ifi);
    attr(nb, IFLA_IFNAME, name, strlen(name) + 1);
    if (mac)
        attr(nb, IFLA_ADDRESS, mac, 6);
    attr_u32(nb, IFLA_MTU, 1500);
    msg_end(nb);
}

static void addr_msg(struct nlbuf *nb, int index, const char *a, uint8_t prefix, uint8_t scope,
                     uint32_t flags)
{
    struct ifaddrmsg ifa = {.ifa_family = (uint8_t)family_of(a), .ifa_prefixlen = prefix,
                            .ifa_scope = scope, .ifa_index = (uint32_t)index};
    msg_begin(nb, RTM_NEWADDR, &ifa, sizeof ifa);
    attr_ip(nb, IFA_ADDRESS, a);
    if (ifa.ifa_family == AF_INET)
        attr_ip(nb, IFA_LOCAL, a);
    attr_u32(nb, IFA_FLAGS, flags);
    msg_end(nb);
}

struct rt {
    const char *dst; /* "0.0.0.0" or "::" for a default route */
    uint8_t len, type;
    const char *gw, *prefsrc;
    int oif;
    uint32_t metric;
    uint8_t table;     /* rtm_table; 0 means main */
    uint32_t rta_table; /* RTA_TABLE when non-zero */
};

static void route_msg(struct nlbuf *nb, const struct rt *r)
{
    struct rtmsg rtm = {.rtm_family = (uint8_t)family_of(r->dst), .rtm_dst_len = r->len,
                        .rtm_table = r->table ? r->table : RT_TABLE_MAIN,
                        .rtm_protocol = RTPROT_BOOT, .rtm_type = r->type ? r->type : RTN_UNICAST};
    msg_begin(nb, RTM_NEWROUTE, &rtm, sizeof rtm);
    if (r->len)
        attr_ip(nb, RTA_DST, r->dst);
    if (r->gw)
        attr_ip(nb, RTA_GATEWAY, r->gw);
    if (r->prefsrc)
        attr_ip(nb, RTA_PREFSRC, r->prefsrc);
    if (r->oif)
        attr_u32(nb, RTA_OIF, (uint32_t)r->oif);
    if (r->metric)
        attr_u32(nb, RTA_PRIORITY, r->metric);
    if (r->rta_table)
        attr_u32(nb, RTA_TABLE, r->rta_table);
    msg_end(nb);
}

/* A route with one next hop inside RTA_MULTIPATH, as ECMP routes come. */
static void multipath_msg(struct nlbuf *nb, const char *dst, uint8_t len, const char *gw, int oif)
{
    struct rtmsg rtm = {.rtm_family = AF_INET, .rtm_dst_len = len, .rtm_table = RT_TABLE_MAIN,
                        .rtm_type = RTN_UNICAST};
    msg_begin(nb, RTM_NEWROUTE, &rtm, sizeof rtm);
    attr_ip(nb, RTA_DST, dst);
    uint8_t mp[sizeof(struct rtnexthop) + RTA_LENGTH(4)];
    struct rtnexthop nh = {.rtnh_len = sizeof mp, .rtnh_ifindex = oif};
    struct rtattr ra = {.rta_len = RTA_LENGTH(4), .rta_type = RTA_GATEWAY};
    struct in_addr in;
    inet_pton(AF_INET, gw, &in);
    memcpy(mp, &nh, sizeof nh);
    memcpy(mp + sizeof nh, &ra, sizeof ra);
    memcpy(mp + sizeof nh + sizeof ra, &in, 4);
    attr(nb, RTA_MULTIPATH, mp, sizeof mp);
    msg_end(nb);
}

static void neigh_msg(struct nlbuf *nb, int index, const char *a, const uint8_t *mac, uint16_t state)
{
    struct ndmsg ndm = {.ndm_family = (uint8_t)family_of(a), .ndm_ifindex = index,
                        .ndm_state = state};
    msg_begin(nb, RTM_NEWNEIGH, &ndm, sizeof ndm);
    attr_ip(nb, NDA_DST, a);
    if (mac)
        attr(nb, NDA_LLADDR, mac, 6);
    msg_end(nb);
}

static void done_msg(struct nlbuf *nb)
{
    int32_t zero = 0;
    msg_begin(nb, NLMSG_DONE, &zero, sizeof zero);
    msg_end(nb);
}

enum { LO = 1, ETH0 = 2, ETH1 = 3, ETH2 = 4 };
#define UPRUN (IFF_UP | IFF_RUNNING)

/* lo, eth0 (192.168.1.10/24, 2001:db8:1::10/64), eth1 (10.0.0.5/24), eth2
 * (down), and a main table with defaults through both, a /24 on-link, a /25
 * through eth1, unreachable and local routes, other tables, IPv6. */
static void build_host(struct nlbuf *nb)
{
    link_msg(nb, LO, "lo", UPRUN | IFF_LOOPBACK, 772, NULL);
    link_msg(nb, ETH0, "eth0", UPRUN | IFF_BROADCAST, 1, MAC_E);
    link_msg(nb, ETH1, "eth1", UPRUN, 1, MAC_E);
    link_msg(nb, ETH2, "eth2", 0, 1, MAC_E);
    done_msg(nb);
    addr_msg(nb, LO, "127.0.0.1", 8, RT_SCOPE_HOST, IFA_F_PERMANENT);
    addr_msg(nb, ETH0, "192.168.1.10", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
    addr_msg(nb, ETH1, "10.0.0.5", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
    addr_msg(nb, LO, "::1", 128, RT_SCOPE_HOST, IFA_F_PERMANENT);
    addr_msg(nb, ETH0, "fe80::10", 64, RT_SCOPE_LINK, IFA_F_PERMANENT);
    addr_msg(nb, ETH0, "2001:db8:1::11", 64, RT_SCOPE_UNIVERSE, IFA_F_TENTATIVE);
    addr_msg(nb, ETH0, "2001:db8:1::10", 64, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
    done_msg(nb);
    static const struct rt routes[] = {
        {"0.0.0.0", 0, 0, "192.168.1.1", NULL, ETH0, 100, 0, 0},
        {"0.0.0.0", 0, 0, "10.0.0.1", NULL, ETH1, 200, 0, 0},
        {"192.168.1.0", 24, 0, NULL, "192.168.1.10", ETH0, 0, 0, 0},
        {"192.168.1.128", 25, 0, "10.0.0.1", NULL, ETH1, 0, 0, 0},
        {"10.0.0.0", 24, 0, NULL, "10.0.0.5", ETH1, 0, 0, 0},
        {"172.16.0.0", 16, RTN_UNREACHABLE, NULL, NULL, 0, 0, 0, 0},
        {"172.17.0.0", 16, 0, NULL, NULL, ETH2, 1, 0, 0},
        {"172.17.0.0", 16, 0, "10.0.0.1", NULL, ETH1, 10, 0, 0},
        {"203.0.113.0", 24, RTN_LOCAL, NULL, NULL, LO, 0, 0, 0},
        {"198.19.77.0", 24, 0, "10.0.0.1", NULL, ETH1, 0, 200, 0},         /* table 200 */
        {"198.51.100.0", 24, 0, NULL, NULL, ETH1, 0, 252, RT_TABLE_MAIN}, /* RTA_TABLE */
        {"198.51.101.0", 24, 0, NULL, NULL, ETH1, 0, 0, 1000},          /* table 1000 */
        {"198.51.102.0", 24, RTN_BROADCAST, NULL, NULL, ETH1, 0, 0, 0},  /* not kept */
        {"::", 0, 0, "fe80::1", NULL, ETH0, 1024, 0, 0},
        {"2001:db8:1::", 64, 0, NULL, NULL, ETH0, 256, 0, 0},
        {"fe80::", 64, 0, NULL, NULL, ETH0, 256, 0, 0},
        {"2001:db8:dead::", 48, RTN_BLACKHOLE, NULL, NULL, LO, 1024, 0, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(routes); i++)
        route_msg(nb, &routes[i]);
    multipath_msg(nb, "100.64.0.0", 10, "10.0.0.1", ETH1);
    done_msg(nb);
    neigh_msg(nb, ETH0, "192.168.1.1", MAC_A, NUD_REACHABLE);
    neigh_msg(nb, ETH0, "192.168.1.20", MAC_E, NUD_FAILED);
    neigh_msg(nb, ETH0, "192.168.1.21", MAC_B, NUD_STALE);
    neigh_msg(nb, ETH1, "192.168.1.22", MAC_E, NUD_REACHABLE); /* the wrong link */
    neigh_msg(nb, ETH0, "192.168.1.23", NULL, NUD_INCOMPLETE);
    neigh_msg(nb, ETH1, "10.0.0.1", MAC_C, NUD_PERMANENT);
    neigh_msg(nb, ETH0, "fe80::1", MAC_D, NUD_STALE);
    done_msg(nb);
}

static int load_host(struct netinfo *ni)
{
    struct nlbuf nb = {0};
    err_t e;
    build_host(&nb);
    memset(ni, 0, sizeof *ni);
    int n = netinfo_parse(ni, nb.b, nb.len, &e);
    free(nb.b);
    return n;
}

/* ---------- path checks ---------- */

struct want {
    const char *dst, *want_if, *want_src;
    const char *dev, *hop, *src;
    bool on_link;
    const uint8_t *mac; /* NULL: no MAC known */
};

static void check_path(const struct netinfo *ni, const struct want *w)
{
    struct addr dst, ws = {0}, x;
    struct path p;
    err_t e;
    char buf[ADDR_STRLEN];
    CHECK(addr_parse(w->dst, &dst) == 0);
    if (w->want_src)
        CHECK(addr_parse(w->want_src, &ws) == 0);
    if (netinfo_path(ni, &dst, &ws, w->want_if, &p, &e) < 0) {
        fprintf(stderr, "    %s: %s\n", w->dst, e.msg);
        CHECK(!"netinfo_path failed");
        return;
    }
    CHECK_STR(p.iface->name, w->dev);
    CHECK_STR(addr_str(&p.next_hop, buf, sizeof buf), w->hop);
    CHECK_STR(addr_str(&p.src, buf, sizeof buf), w->src);
    CHECK(addr_parse(w->hop, &x) == 0 && addr_eq(&x, &p.next_hop));
    if (p.on_link != w->on_link || p.have_mac != (w->mac != NULL))
        fprintf(stderr, "    for %s:\n", w->dst);
    CHECK(p.on_link == w->on_link);
    CHECK(p.have_mac == (w->mac != NULL));
    if (w->mac && p.have_mac)
        CHECK(memcmp(p.mac, w->mac, 6) == 0);
}

static void check_fails(const struct netinfo *ni, const char *dst, const char *want_if,
                        const char *want_src, const char *msg_part)
{
    struct addr d, ws = {0};
    struct path p;
    err_t e;
    CHECK(addr_parse(dst, &d) == 0);
    if (want_src)
        CHECK(addr_parse(want_src, &ws) == 0);
    int rc = netinfo_path(ni, &d, &ws, want_if, &p, &e);
    CHECK(rc == -1);
    if (rc == -1 && !strstr(e.msg, msg_part)) {
        fprintf(stderr, "    %s: '%s' lacks '%s'\n", dst, e.msg, msg_part);
        CHECK(!"error message");
    }
}

void test_netroute_paths(void)
{
    struct netinfo ni;
    CHECK(load_host(&ni) == 4 + 7 + 15 + 6);
    static const struct want ok[] = {
        /* default: the lower metric of two, through a gateway with a MAC */
        {"198.19.77.7", NULL, NULL, "eth0", "192.168.1.1", "192.168.1.10", false, MAC_A},
        /* on-link /24: the route's prefsrc, a failed entry is no MAC */
        {"192.168.1.20", NULL, NULL, "eth0", "192.168.1.20", "192.168.1.10", true, NULL},
        {"192.168.1.21", NULL, NULL, "eth0", "192.168.1.21", "192.168.1.10", true, MAC_B},
        {"192.168.1.22", NULL, NULL, "eth0", "192.168.1.22", "192.168.1.10", true, NULL},
        {"192.168.1.23", NULL, NULL, "eth0", "192.168.1.23", "192.168.1.10", true, NULL},
        /* the /25 beats the /24, through the other interface and its address */
        {"192.168.1.200", NULL, NULL, "eth1", "10.0.0.1", "10.0.0.5", false, MAC_C},
        /* a lower metric through a down link loses to an up one */
        {"172.17.1.1", NULL, NULL, "eth1", "10.0.0.1", "10.0.0.5", false, MAC_C},
        /* -e eth1: the default through eth1 despite its metric */
        {"198.19.77.7", "eth1", NULL, "eth1", "10.0.0.1", "10.0.0.5", false, MAC_C},
        {"192.168.1.20", "", NULL, "eth0", "192.168.1.20", "192.168.1.10", true, NULL},
        /* -S kept as given */
        {"198.19.77.7", NULL, "192.0.2.99", "eth0", "192.168.1.1", "192.0.2.99", false, MAC_A},
        /* other tables ignored; RTA_TABLE overrides rtm_table */
        {"198.51.100.1", NULL, NULL, "eth1", "198.51.100.1", "10.0.0.5", true, NULL},
        {"198.51.101.1", NULL, NULL, "eth0", "192.168.1.1", "192.168.1.10", false, MAC_A},
        {"198.51.102.1", NULL, NULL, "eth0", "192.168.1.1", "192.168.1.10", false, MAC_A},
        /* multipath: the first next hop */
        {"100.64.1.1", NULL, NULL, "eth1", "10.0.0.1", "10.0.0.5", false, MAC_C},
        /* this machine: loopback */
        {"192.168.1.10", NULL, NULL, "lo", "192.168.1.10", "192.168.1.10", false, NULL},
        {"127.0.0.1", NULL, NULL, "lo", "127.0.0.1", "127.0.0.1", false, NULL},
        {"127.1.2.3", NULL, NULL, "lo", "127.1.2.3", "127.0.0.1", false, NULL},
        {"203.0.113.5", NULL, NULL, "lo", "203.0.113.5", "127.0.0.1", false, NULL},
        {"::1", NULL, NULL, "lo", "::1", "::1", false, NULL},
        /* -e with a local destination: the route through that interface */
        {"192.168.1.10", "eth0", NULL, "eth0", "192.168.1.10", "192.168.1.10", true, NULL},
        /* IPv6: default via a link-local gateway; on-link /64; link-local */
        {"2001:db8:2::1", NULL, NULL, "eth0", "fe80::1", "2001:db8:1::10", false, MAC_D},
        {"2001:db8:1::99", NULL, NULL, "eth0", "2001:db8:1::99", "2001:db8:1::10", true, NULL},
        {"fe80::99", NULL, NULL, "eth0", "fe80::99", "fe80::10", true, NULL},
        {"fe80::1", NULL, NULL, "eth0", "fe80::1", "fe80::10", true, MAC_D},
    };
    for (size_t i = 0; i < ARRAY_LEN(ok); i++)
        check_path(&ni, &ok[i]);
    check_fails(&ni, "172.16.9.9", NULL, NULL, "172.16.0.0/16 is unreachable");
    check_fails(&ni, "172.16.9.9", "eth0", NULL, "unreachable");
    check_fails(&ni, "2001:db8:dead::1", NULL, NULL, "blackhole");
    check_fails(&ni, "198.19.77.7", "eth9", NULL, "no interface named eth9");
    check_fails(&ni, "198.19.77.7", "eth2", NULL, "no route to 198.19.77.7 through eth2");
    check_fails(&ni, "198.19.77.7", NULL, "2001:db8::1", "other family");
    CHECK(netinfo_iface_by_name(&ni, "eth9") == NULL);
    CHECK(netinfo_iface_by_name(&ni, "eth1") == netinfo_iface(&ni, ETH1));
    CHECK(netinfo_iface(&ni, 99) == NULL);
    netinfo_free(&ni);
    CHECK(ni.nroutes == 0 && ni.routes == NULL);
}

/* What parsing keeps, field by field, and lookups on a table with gaps. */
void test_netroute_tables(void)
{
    struct netinfo ni;
    load_host(&ni);
    const struct nr_iface *eth0 = netinfo_iface_by_name(&ni, "eth0");
    CHECK(eth0 && eth0->index == ETH0 && eth0->mtu == 1500 && eth0->type == 1);
    CHECK(eth0 && memcmp(eth0->mac, MAC_E, 6) == 0 && (eth0->flags & IFF_UP));
    CHECK(ni.nroutes == 15 && ni.naddrs == 7 && ni.nneighs == 6);
    const struct nr_route *def = &ni.routes[0];
    CHECK(def->dst.family == AF_INET && def->dst_len == 0 && def->metric == 100 &&
          def->gw.family == AF_INET && def->gw.u.v4 == 0xc0a80101 && def->oif == ETH0);
    CHECK(ni.addrs[1].a.u.v4 == 0xc0a8010a && ni.addrs[1].prefix == 24); /* host order */
    netinfo_free(&ni);

    /* IPv4 only: an IPv6 destination has no route */
    struct nlbuf nb = {0};
    err_t e;
    struct path p;
    struct addr d;
    link_msg(&nb, ETH0, "eth0", UPRUN, 1, MAC_E);
    addr_msg(&nb, ETH0, "192.168.1.10", 24, RT_SCOPE_UNIVERSE, 0);
    route_msg(&nb, &(struct rt){"192.168.1.0", 24, 0, NULL, NULL, ETH0, 0, 0, 0});
    route_msg(&nb, &(struct rt){"0.0.0.0", 0, 0, "192.168.1.1", NULL, ETH0, 0, 0, 0});
    route_msg(&nb, &(struct rt){"2001:db8::", 32, 0, NULL, NULL, ETH0, 0, 0, 0});
    memset(&ni, 0, sizeof ni);
    CHECK(netinfo_parse(&ni, nb.b, nb.len, &e) == 5);
    addr_parse("2001:db9::1", &d);
    CHECK(netinfo_path(&ni, &d, NULL, NULL, &p, &e) == -1 && strstr(e.msg, "no route to 2001:db9::1"));
    /* a route but no IPv6 address at all */
    addr_parse("2001:db8::1", &d);
    CHECK(netinfo_path(&ni, &d, NULL, NULL, &p, &e) == -1 && strstr(e.msg, "no IPv6 source"));
    /* a second buffer adds to the first: with only a link-local address,
     * that is the source (as the kernel picks it) */
    nb.len = 0;
    addr_msg(&nb, ETH0, "fe80::10", 64, RT_SCOPE_LINK, 0);
    CHECK(netinfo_parse(&ni, nb.b, nb.len, &e) == 1 && ni.naddrs == 2);
    CHECK(netinfo_path(&ni, &d, NULL, NULL, &p, &e) == 0 && p.src.family == AF_INET6 &&
          p.src.u.v6[0] == 0xfe);
    addr_parse("192.168.7.7", &d);
    CHECK(netinfo_path(&ni, &d, NULL, NULL, &p, &e) == 0 && p.src.u.v4 == 0xc0a8010a);
    /* no loopback link: our own address goes by the routes */
    addr_parse("192.168.1.10", &d);
    CHECK(netinfo_path(&ni, &d, NULL, NULL, &p, &e) == 0 && !strcmp(p.iface->name, "eth0"));
    d.family = 0;
    CHECK(netinfo_path(&ni, &d, NULL, NULL, &p, &e) == -1);
    netinfo_free(&ni);
    free(nb.b);
}

/* A copy in a buffer of exactly len bytes, so that ASan sees any overread. */
static int parse_exact(struct netinfo *ni, const uint8_t *b, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    err_t e;
    memcpy(copy, b, len);
    int n = netinfo_parse(ni, copy, len, &e);
    free(copy);
    return n;
}

void test_netroute_malformed(void)
{
    struct netinfo ni;
    memset(&ni, 0, sizeof ni);
    struct nlbuf nb = {0};
    build_host(&nb);
    /* every truncation of a whole dump: no crash, never more than the whole */
    for (size_t len = 0; len <= nb.len; len++) {
        int n = parse_exact(&ni, nb.b, len);
        CHECK(n >= 0 && n <= 32);
        netinfo_free(&ni);
    }
    /* and at every odd offset, so nothing relies on alignment */
    uint8_t *odd = malloc(nb.len + 1);
    memcpy(odd + 1, nb.b, nb.len);
    err_t e;
    CHECK(netinfo_parse(&ni, odd + 1, nb.len, &e) == 32);
    netinfo_free(&ni);
    free(odd);
    free(nb.b);

    /* an rtattr longer than its message: the link has no name, skipped; the
     * next message still counts */
    memset(&nb, 0, sizeof nb);
    link_msg(&nb, ETH0, "eth0", UPRUN, 1, MAC_E);
    struct rtattr ra;
    memcpy(&ra, nb.b + NLMSG_HDRLEN + sizeof(struct ifinfomsg), sizeof ra);
    ra.rta_len = 400;
    memcpy(nb.b + NLMSG_HDRLEN + sizeof(struct ifinfomsg), &ra, sizeof ra);
    link_msg(&nb, ETH1, "eth1", UPRUN, 1, (const uint8_t[8]){1, 2, 3, 4, 5, 6, 7, 8});
    size_t second = nb.msg;
    CHECK(parse_exact(&ni, nb.b, nb.len) == 1 && ni.nifs == 1 && ni.ifs[0].index == ETH1);
    netinfo_free(&ni);
    /* a 2-byte rtattr (shorter than its header) */
    ra.rta_len = 2;
    memcpy(nb.b + NLMSG_HDRLEN + sizeof(struct ifinfomsg), &ra, sizeof ra);
    CHECK(parse_exact(&ni, nb.b, nb.len) == 1);
    netinfo_free(&ni);
    /* nlmsg_len beyond the buffer: the walk ends there */
    uint32_t big = 100000;
    memcpy(nb.b + second, &big, 4);
    CHECK(parse_exact(&ni, nb.b, nb.len) == 0 && ni.nifs == 0);
    netinfo_free(&ni);
    /* zero length: ends the walk, no endless loop */
    uint32_t zero = 0;
    memcpy(nb.b, &zero, 4);
    CHECK(parse_exact(&ni, nb.b, nb.len) == 0);
    netinfo_free(&ni);
    free(nb.b);

    /* wrong-length fields: an 8-byte hardware address is no MAC; a /33,
     * an RTA_DST of 3 bytes, a 5-byte lladdr are skipped */
    memset(&nb, 0, sizeof nb);
    struct ifinfomsg ifi = {.ifi_index = 7, .ifi_flags = IFF_UP};
    msg_begin(&nb, RTM_NEWLINK, &ifi, sizeof ifi);
    attr(&nb, IFLA_IFNAME, "ib0", 4);
    attr(&nb, IFLA_ADDRESS, "\1\2\3\4\5\6\7\10", 8);
    msg_end(&nb);
    route_msg(&nb, &(struct rt){"10.0.0.0", 33, 0, NULL, NULL, 7, 0, 0, 0});
    struct rtmsg rtm = {.rtm_family = AF_INET, .rtm_dst_len = 8, .rtm_table = RT_TABLE_MAIN,
                        .rtm_type = RTN_UNICAST};
    msg_begin(&nb, RTM_NEWROUTE, &rtm, sizeof rtm);
    attr(&nb, RTA_DST, "\12\0\0", 3);
    msg_end(&nb);
    struct ndmsg ndm = {.ndm_family = AF_INET, .ndm_ifindex = 7, .ndm_state = NUD_REACHABLE};
    msg_begin(&nb, RTM_NEWNEIGH, &ndm, sizeof ndm);
    attr_ip(&nb, NDA_DST, "10.0.0.1");
    attr(&nb, NDA_LLADDR, "\1\2\3\4\5", 5);
    msg_end(&nb);
    /* a route message too short for its rtmsg */
    msg_begin(&nb, RTM_NEWROUTE, &rtm, 4);
    msg_end(&nb);
    CHECK(parse_exact(&ni, nb.b, nb.len) == 1 && ni.nifs == 1 && ni.nroutes == 0 && ni.nneighs == 0);
    static const uint8_t none[6];
    CHECK(ni.nifs == 1 && memcmp(ni.ifs[0].mac, none, 6) == 0);
    netinfo_free(&ni);
    free(nb.b);
}

/* Past NETINFO_MAX: routes fail the parse, neighbours are dropped. */
void test_netroute_caps(void)
{
    struct nlbuf nb = {0};
    struct netinfo ni;
    err_t e;
    for (uint32_t i = 0; i <= NETINFO_MAX; i++) {
        uint32_t be = htonl(0x0a000000u + i);
        struct ndmsg ndm = {.ndm_family = AF_INET, .ndm_ifindex = 2, .ndm_state = NUD_STALE};
        msg_begin(&nb, RTM_NEWNEIGH, &ndm, sizeof ndm);
        attr(&nb, NDA_DST, &be, 4);
        attr(&nb, NDA_LLADDR, MAC_A, 6);
        msg_end(&nb);
    }
    memset(&ni, 0, sizeof ni);
    CHECK(netinfo_parse(&ni, nb.b, nb.len, &e) == (int)NETINFO_MAX && ni.nneighs == NETINFO_MAX);
    netinfo_free(&ni);
    nb.len = 0;
    for (uint32_t i = 0; i <= NETINFO_MAX; i++) {
        uint32_t be = htonl(0x0a000000u + i);
        struct rtmsg rtm = {.rtm_family = AF_INET, .rtm_dst_len = 32, .rtm_table = RT_TABLE_MAIN,
                            .rtm_type = RTN_UNICAST};
        msg_begin(&nb, RTM_NEWROUTE, &rtm, sizeof rtm);
        attr(&nb, RTA_DST, &be, 4);
        attr_u32(&nb, RTA_OIF, 2);
        msg_end(&nb);
    }
    memset(&ni, 0, sizeof ni);
    CHECK(netinfo_parse(&ni, nb.b, nb.len, &e) == -1 && strstr(e.msg, "more than 65536 routes"));
    netinfo_free(&ni);
    free(nb.b);
}
