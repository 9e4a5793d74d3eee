/* netroute: rtnetlink dumps of links, addresses, routes and neighbours, and
 * the path to a destination as a lookup in them.
 *
 * Plain rtnetlink rather than libnl or libmnl: four dump requests and one
 * attribute walker are all this needs, and the walker has to distrust every
 * length anyway (it is fuzzed), which a library would not save us.
 *
 * Every header and attribute is copied out with memcpy: netinfo_parse takes
 * any byte buffer, so nothing in it is assumed to be aligned. */
#include "netroute.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ---------- attributes ---------- */

struct attr {
    const uint8_t *data; /* payload; NULL when absent */
    size_t len;
};

/* Above every IFLA_, IFA_, RTA_ and NDA_ type used here; higher types are
 * ignored. */
#define ATTR_MAX 64

/* Indexes the attributes in p[0..len) by type.  Stops at the first one whose
 * length is short or runs past the end: what follows it cannot be found. */
static void attrs_parse(const uint8_t *p, size_t len, struct attr tb[ATTR_MAX])
{
    memset(tb, 0, ATTR_MAX * sizeof *tb);
    while (len >= sizeof(struct rtattr)) {
        struct rtattr ra;
        memcpy(&ra, p, sizeof ra);
        if (ra.rta_len < sizeof ra || ra.rta_len > len)
            return;
        unsigned type = ra.rta_type & NLA_TYPE_MASK;
        if (type < ATTR_MAX) {
            tb[type].data = p + RTA_LENGTH(0);
            tb[type].len = ra.rta_len - RTA_LENGTH(0);
        }
        size_t step = RTA_ALIGN(ra.rta_len);
        if (step >= len)
            return;
        p += step, len -= step;
    }
}

static bool attr_u32(const struct attr *a, uint32_t *out)
{
    if (!a->data || a->len < 4)
        return false;
    memcpy(out, a->data, 4);
    return true;
}

/* An address attribute of the given family: exactly 4 or 16 bytes. */
static bool attr_addr(const struct attr *a, int family, struct addr *out)
{
    memset(out, 0, sizeof *out);
    if (!a->data)
        return false;
    if (family == AF_INET && a->len == 4) {
        uint32_t be;
        memcpy(&be, a->data, 4);
        *out = addr_v4(ntohl(be));
        return true;
    }
    if (family == AF_INET6 && a->len == 16) {
        out->family = AF_INET6;
        memcpy(out->u.v6, a->data, 16);
        return true;
    }
    return false;
}

static bool attr_mac(const struct attr *a, uint8_t mac[6])
{
    if (!a->data || a->len != 6)
        return false;
    memcpy(mac, a->data, 6);
    return true;
}

static unsigned family_bits(int family)
{
    return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

/* ---------- growing the arrays ---------- */

/* The capacity is implied by the count: arrays are allocated in powers of
 * two from 16, so a bigger block is due exactly when n is 0 or a power of
 * two of at least 16.  No capacity fields, and the arrays stay plain. */
static void *grow(void *arr, uint32_t n, size_t size, err_t *e)
{
    if (n != 0 && (n < 16 || (n & (n - 1)) != 0))
        return arr;
    size_t cap = n == 0 ? 16 : (size_t)n * 2;
    void *p = realloc(arr, cap * size);
    if (!p)
        err_set(e, "out of memory (%zu x %zu bytes)", cap, size);
    return p;
}

/* Each adder returns 0, or -1 with e set. */
#define ADD(ni, arr, n, item, what, e)                                                   \
    do {                                                                                 \
        if ((ni)->n >= NETINFO_MAX)                                                      \
            return err_set(e, "netlink: more than %u %s", NETINFO_MAX, what);            \
        void *p_ = grow((ni)->arr, (ni)->n, sizeof *(ni)->arr, e);                       \
        if (!p_)                                                                         \
            return -1;                                                                   \
        (ni)->arr = p_;                                                                  \
        (ni)->arr[(ni)->n++] = (item);                                                   \
    } while (0)

/* ---------- one message of each kind ---------- */

/* Each parser returns 1 when it kept the message, 0 when it skipped it, -1
 * with e set on a cap or an allocation failure. */

/* A message's fixed header into hdr and its attributes into tb; false if
 * the message is too short for the header. */
static bool msg_split(const uint8_t *body, size_t len, void *hdr, size_t hlen, struct attr *tb)
{
    if (len < NLMSG_ALIGN(hlen))
        return false;
    memcpy(hdr, body, hlen);
    attrs_parse(body + NLMSG_ALIGN(hlen), len - NLMSG_ALIGN(hlen), tb);
    return true;
}

static int parse_link(struct netinfo *ni, const uint8_t *body, size_t len, err_t *e)
{
    struct ifinfomsg ifi;
    struct attr tb[ATTR_MAX];
    if (!msg_split(body, len, &ifi, sizeof ifi, tb))
        return 0;
    const struct attr *name = &tb[IFLA_IFNAME];
    size_t nlen = name->data ? strnlen((const char *)name->data, name->len) : 0;
    if (ifi.ifi_index <= 0 || nlen == 0 || nlen >= IF_NAMESIZE)
        return 0;
    struct nr_iface f;
    memset(&f, 0, sizeof f);
    f.index = ifi.ifi_index;
    memcpy(f.name, name->data, nlen);
    f.flags = ifi.ifi_flags;
    f.type = ifi.ifi_type;
    attr_mac(&tb[IFLA_ADDRESS], f.mac);
    uint32_t mtu;
    if (attr_u32(&tb[IFLA_MTU], &mtu))
        f.mtu = mtu > INT32_MAX ? INT32_MAX : (int)mtu;
    ADD(ni, ifs, nifs, f, "interfaces", e);
    return 1;
}

static int parse_address(struct netinfo *ni, const uint8_t *body, size_t len, err_t *e)
{
    struct ifaddrmsg ifa;
    struct attr tb[ATTR_MAX];
    if (!msg_split(body, len, &ifa, sizeof ifa, tb))
        return 0;
    struct nr_addr a;
    memset(&a, 0, sizeof a);
    /* IFA_LOCAL is the address itself; on a point-to-point link IFA_ADDRESS
     * is the peer's, so it only stands in when IFA_LOCAL is absent. */
    if (!attr_addr(&tb[IFA_LOCAL], ifa.ifa_family, &a.a) &&
        !attr_addr(&tb[IFA_ADDRESS], ifa.ifa_family, &a.a))
        return 0;
    if (ifa.ifa_index == 0 || ifa.ifa_index > INT32_MAX || ifa.ifa_prefixlen > family_bits(ifa.ifa_family))
        return 0;
    a.index = (int)ifa.ifa_index;
    a.prefix = ifa.ifa_prefixlen;
    a.scope = ifa.ifa_scope;
    a.flags = ifa.ifa_flags;
    attr_u32(&tb[IFA_FLAGS], &a.flags); /* the 32-bit flags, when given */
    ADD(ni, addrs, naddrs, a, "addresses", e);
    return 1;
}

static bool route_type_kept(uint8_t type)
{
    return type == RTN_UNICAST || type == RTN_LOCAL || type == RTN_UNREACHABLE ||
           type == RTN_BLACKHOLE || type == RTN_PROHIBIT || type == RTN_THROW;
}

/* A multipath route: the first next hop's interface and gateway. */
static void route_first_hop(const struct attr *mp, int family, struct nr_route *r)
{
    struct rtnexthop nh;
    if (!mp->data || mp->len < sizeof nh)
        return;
    memcpy(&nh, mp->data, sizeof nh);
    if (nh.rtnh_len < sizeof nh || nh.rtnh_len > mp->len)
        return;
    struct attr tb[ATTR_MAX];
    attrs_parse(mp->data + RTNH_ALIGN(sizeof nh), nh.rtnh_len - RTNH_ALIGN(sizeof nh), tb);
    r->oif = nh.rtnh_ifindex;
    attr_addr(&tb[RTA_GATEWAY], family, &r->gw);
}

static int parse_route(struct netinfo *ni, const uint8_t *body, size_t len, err_t *e)
{
    struct rtmsg rtm;
    struct attr tb[ATTR_MAX];
    if (!msg_split(body, len, &rtm, sizeof rtm, tb))
        return 0;
    uint32_t table = rtm.rtm_table;
    attr_u32(&tb[RTA_TABLE], &table); /* tables above 255 live only here */
    if (table != RT_TABLE_MAIN || (rtm.rtm_flags & RTM_F_CLONED) ||
        rtm.rtm_dst_len > family_bits(rtm.rtm_family) || !route_type_kept(rtm.rtm_type))
        return 0;
    struct nr_route r;
    memset(&r, 0, sizeof r);
    if (!attr_addr(&tb[RTA_DST], rtm.rtm_family, &r.dst)) {
        if (tb[RTA_DST].data)
            return 0; /* present with the wrong length */
        r.dst.family = rtm.rtm_family;
    }
    r.dst_len = rtm.rtm_dst_len;
    r.type = rtm.rtm_type;
    attr_addr(&tb[RTA_GATEWAY], rtm.rtm_family, &r.gw);
    attr_addr(&tb[RTA_PREFSRC], rtm.rtm_family, &r.prefsrc);
    uint32_t u;
    if (attr_u32(&tb[RTA_OIF], &u) && u <= INT32_MAX)
        r.oif = (int)u;
    else
        route_first_hop(&tb[RTA_MULTIPATH], rtm.rtm_family, &r);
    attr_u32(&tb[RTA_PRIORITY], &r.metric);
    ADD(ni, routes, nroutes, r, "routes", e);
    return 1;
}

static int parse_neigh(struct netinfo *ni, const uint8_t *body, size_t len, err_t *e)
{
    struct ndmsg ndm;
    struct attr tb[ATTR_MAX];
    if (!msg_split(body, len, &ndm, sizeof ndm, tb))
        return 0;
    struct nr_neigh n;
    memset(&n, 0, sizeof n);
    if (ndm.ndm_ifindex <= 0 || (ndm.ndm_flags & NTF_PROXY) ||
        !attr_addr(&tb[NDA_DST], ndm.ndm_family, &n.a) || !attr_mac(&tb[NDA_LLADDR], n.mac))
        return 0;
    if (ni->nneighs >= NETINFO_MAX)
        return 0;
    n.index = ndm.ndm_ifindex;
    n.state = ndm.ndm_state;
    ADD(ni, neighs, nneighs, n, "neighbours", e);
    return 1;
}

int netinfo_parse(struct netinfo *ni, const uint8_t *buf, size_t len, err_t *e)
{
    int used = 0;
    while (len >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        memcpy(&h, buf, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len)
            break; /* the next message cannot be found */
        const uint8_t *body = buf + NLMSG_HDRLEN;
        size_t blen = h.nlmsg_len - NLMSG_HDRLEN;
        int r = 0;
        if (h.nlmsg_type == RTM_NEWLINK)
            r = parse_link(ni, body, blen, e);
        else if (h.nlmsg_type == RTM_NEWADDR)
            r = parse_address(ni, body, blen, e);
        else if (h.nlmsg_type == RTM_NEWROUTE)
            r = parse_route(ni, body, blen, e);
        else if (h.nlmsg_type == RTM_NEWNEIGH)
            r = parse_neigh(ni, body, blen, e);
        if (r < 0)
            return -1;
        used += r;
        size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= len)
            break;
        buf += step, len -= step;
    }
    return used;
}

void netinfo_free(struct netinfo *ni)
{
    free(ni->ifs);
    free(ni->addrs);
    free(ni->routes);
    free(ni->neighs);
    memset(ni, 0, sizeof *ni);
}

/* ---------- the kernel side ---------- */

#define RECV_LOOPS 4096           /* reads per dump; 65536 routes take ~200 */
#define RECV_MAX (16u << 20)      /* the largest single read accepted */

struct rxbuf {
    uint8_t *buf;
    size_t cap;
};

static int dump_request(int fd, uint16_t type, uint32_t seq, err_t *e)
{
    /* The family header of each dump: only its first byte, the family, is
     * set, and AF_UNSPEC asks for every family in one dump (asking per
     * family would, on a kernel without IPv6, get IPv4 twice back). */
    size_t hdr = type == RTM_GETLINK ? sizeof(struct ifinfomsg)
                 : type == RTM_GETADDR ? sizeof(struct ifaddrmsg)
                 : type == RTM_GETROUTE ? sizeof(struct rtmsg)
                                        : sizeof(struct ndmsg);
    struct {
        struct nlmsghdr h;
        uint8_t body[16];
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr);
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = seq;
    req.body[0] = AF_UNSPEC;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
        return err_set(e, "netlink: send: %s", strerror(errno));
    return 0;
}

/* Whether the buffer ends the dump: 1 on NLMSG_DONE, 0 when more is due, -1
 * with e set when the kernel reports an error. */
static int dump_status(const uint8_t *buf, size_t len, uint32_t seq, const char *what, err_t *e)
{
    while (len >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        memcpy(&h, buf, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len)
            return err_set(e, "netlink: malformed answer to the %s dump", what);
        if (h.nlmsg_seq == seq && (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR)) {
            int32_t code = 0; /* nlmsgerr and DONE both start with the error */
            if (h.nlmsg_len >= NLMSG_LENGTH(sizeof code))
                memcpy(&code, buf + NLMSG_HDRLEN, sizeof code);
            if (code < 0)
                return err_set(e, "netlink: %s dump: %s", what, strerror(-code));
            return 1;
        }
        size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= len)
            break;
        buf += step, len -= step;
    }
    return 0;
}

/* Reads one message-sized datagram into rx; returns its length or -1. */
static ssize_t dump_read(int fd, struct rxbuf *rx, const char *what, err_t *e)
{
    ssize_t want;
    do
        want = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
    while (want < 0 && errno == EINTR);
    if (want < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return err_set(e, "netlink: no answer to the %s dump", what);
    if (want < 0)
        return err_set(e, "netlink: receive: %s", strerror(errno));
    if ((size_t)want > RECV_MAX)
        return err_set(e, "netlink: a %zd-byte answer to the %s dump", want, what);
    if ((size_t)want > rx->cap) {
        uint8_t *p = realloc(rx->buf, (size_t)want);
        if (!p)
            return err_set(e, "out of memory (%zd bytes)", want);
        rx->buf = p, rx->cap = (size_t)want;
    }
    ssize_t n;
    do
        n = recv(fd, rx->buf, rx->cap, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return err_set(e, "netlink: receive: %s", strerror(errno));
    return n;
}

static int dump(int fd, uint16_t type, uint32_t seq, struct rxbuf *rx, struct netinfo *ni,
                err_t *e)
{
    const char *what = type == RTM_GETLINK ? "link" : type == RTM_GETADDR ? "address"
                       : type == RTM_GETROUTE ? "route" : "neighbour";
    if (dump_request(fd, type, seq, e) < 0)
        return -1;
    /* A dump interrupted by a change (NLM_F_DUMP_INTR) is used as it is, as
     * `ip` does: a route that moved meanwhile is as stale a moment later. */
    for (int i = 0; i < RECV_LOOPS; i++) {
        ssize_t n = dump_read(fd, rx, what, e);
        if (n < 0)
            return -1;
        int st = dump_status(rx->buf, (size_t)n, seq, what, e);
        if (st < 0 || netinfo_parse(ni, rx->buf, (size_t)n, e) < 0)
            return -1;
        if (st > 0)
            return 0;
    }
    return err_set(e, "netlink: the %s dump did not end after %d reads", what, RECV_LOOPS);
}

/* The driver's name through ethtool, best effort: "" when the link has none
 * to report (lo, tun) or the ioctl fails.  The ioctl goes to any socket,
 * here the netlink one. */
static void fill_drivers(int fd, struct netinfo *ni)
{
    for (uint32_t i = 0; i < ni->nifs; i++) {
        struct nr_iface *f = &ni->ifs[i];
        struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        memcpy(ifr.ifr_name, f->name, sizeof ifr.ifr_name);
        ifr.ifr_data = (char *)&info;
        f->driver[0] = '\0';
        if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
            size_t n = strnlen(info.driver, sizeof info.driver);
            n = MIN(n, sizeof f->driver - 1);
            memcpy(f->driver, info.driver, n);
            f->driver[n] = '\0';
        }
    }
}

int netinfo_load(struct netinfo *ni, err_t *e)
{
    static const uint16_t dumps[] = {RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETNEIGH};
    memset(ni, 0, sizeof *ni);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return err_set(e, "netlink socket: %s", strerror(errno));
    /* The kernel answers a dump at once; the timeout only keeps a lost
     * NLMSG_DONE from hanging the scan. */
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct rxbuf rx = {0};
    int rc = 0;
    for (size_t i = 0; i < ARRAY_LEN(dumps) && rc == 0; i++)
        rc = dump(fd, dumps[i], (uint32_t)i + 1, &rx, ni, e);
    if (rc == 0)
        fill_drivers(fd, ni);
    free(rx.buf);
    close(fd);
    if (rc < 0)
        netinfo_free(ni);
    return rc;
}

/* ---------- lookups ---------- */

const struct nr_iface *netinfo_iface(const struct netinfo *ni, int index)
{
    for (uint32_t i = 0; i < ni->nifs; i++)
        if (ni->ifs[i].index == index)
            return &ni->ifs[i];
    return NULL;
}

const struct nr_iface *netinfo_iface_by_name(const struct netinfo *ni, const char *name)
{
    for (uint32_t i = 0; i < ni->nifs; i++)
        if (strcmp(ni->ifs[i].name, name) == 0)
            return &ni->ifs[i];
    return NULL;
}

static const struct nr_iface *loopback_iface(const struct netinfo *ni)
{
    const struct nr_iface *lo = netinfo_iface_by_name(ni, "lo");
    for (uint32_t i = 0; !lo && i < ni->nifs; i++)
        if (ni->ifs[i].flags & IFF_LOOPBACK)
            lo = &ni->ifs[i];
    return lo;
}

/* The kernel keeps these in the local table, which is not dumped: one of
 * our own addresses, or anything inside a prefix on a loopback interface
 * (127.0.0.1/8 makes all of 127/8 local). */
static bool is_local(const struct netinfo *ni, const struct addr *dst)
{
    for (uint32_t i = 0; i < ni->naddrs; i++) {
        const struct nr_addr *a = &ni->addrs[i];
        if (addr_eq(&a->a, dst))
            return true;
        if (a->a.family != dst->family)
            continue;
        const struct nr_iface *f = netinfo_iface(ni, a->index);
        if (f && (f->flags & IFF_LOOPBACK) && addr_prefix_match(dst, &a->a, a->prefix))
            return true;
    }
    return false;
}

static bool route_is_error(uint8_t type)
{
    return type == RTN_UNREACHABLE || type == RTN_BLACKHOLE || type == RTN_PROHIBIT ||
           type == RTN_THROW;
}

static int link_rank(const struct nr_iface *f)
{
    if (!f)
        return 2; /* error routes have no interface and nothing to prefer */
    return ((f->flags & IFF_UP) != 0) + ((f->flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING));
}

/* Whether route a beats route b for the same destination. */
static bool route_better(const struct netinfo *ni, const struct nr_route *a, const struct nr_route *b)
{
    if (a->dst_len != b->dst_len)
        return a->dst_len > b->dst_len;
    int ra = link_rank(route_is_error(a->type) ? NULL : netinfo_iface(ni, a->oif));
    int rb = link_rank(route_is_error(b->type) ? NULL : netinfo_iface(ni, b->oif));
    if (ra != rb)
        return ra > rb;
    return a->metric < b->metric;
}

static const struct nr_route *best_route(const struct netinfo *ni, const struct addr *dst,
                                         const struct nr_iface *only)
{
    const struct nr_route *best = NULL;
    for (uint32_t i = 0; i < ni->nroutes; i++) {
        const struct nr_route *r = &ni->routes[i];
        if (!addr_prefix_match(dst, &r->dst, r->dst_len))
            continue;
        if (!route_is_error(r->type)) {
            const struct nr_iface *f = netinfo_iface(ni, r->oif);
            if (!f || (only && f != only))
                continue;
        }
        if (!best || route_better(ni, r, best))
            best = r;
    }
    return best;
}

static bool v6_link_local(const struct addr *a)
{
    return a->family == AF_INET6 && a->u.v6[0] == 0xfe && (a->u.v6[1] & 0xc0) == 0x80;
}

/* How well address a suits as the source towards dst through f via hop; 0
 * when it cannot be used at all.  The weights order the criteria. */
static int src_score(const struct netinfo *ni, const struct nr_addr *a, const struct nr_iface *f,
                     const struct addr *dst, const struct addr *hop)
{
    if (a->a.family != dst->family || (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
        return 0;
    bool here = a->index == f->index;
    bool global = a->scope < RT_SCOPE_LINK;
    if (!here && !global)
        return 0; /* another link's link-local or host address is no use here */
    if (v6_link_local(dst) && !(here && a->scope == RT_SCOPE_LINK))
        return 0; /* a link-local destination answers only to its link's addresses */
    const struct nr_iface *af = netinfo_iface(ni, a->index);
    bool scope_ok = dst->family == AF_INET6 ? v6_link_local(dst) == (a->scope == RT_SCOPE_LINK)
                                            : a->scope != RT_SCOPE_HOST || (f->flags & IFF_LOOPBACK);
    int score = 1;
    score += scope_ok ? 16 : 0;
    score += here ? 8 : 0;
    score += addr_prefix_match(hop, &a->a, a->prefix) ? 4 : 0;
    score += (a->flags & (IFA_F_SECONDARY | IFA_F_DEPRECATED)) ? 0 : 2;
    score -= (!here && af && !(af->flags & IFF_UP)) ? 1 : 0;
    return score;
}

static const struct nr_addr *pick_src(const struct netinfo *ni, const struct nr_iface *f,
                                      const struct addr *dst, const struct addr *hop)
{
    const struct nr_addr *best = NULL;
    int best_score = 0;
    for (uint32_t i = 0; i < ni->naddrs; i++) {
        int s = src_score(ni, &ni->addrs[i], f, dst, hop);
        if (s > best_score)
            best = &ni->addrs[i], best_score = s;
    }
    return best;
}

static bool neigh_usable(uint16_t state)
{
    return state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP);
}

static void find_mac(const struct netinfo *ni, struct path *p)
{
    for (uint32_t i = 0; i < ni->nneighs; i++) {
        const struct nr_neigh *n = &ni->neighs[i];
        if (n->index == p->iface->index && neigh_usable(n->state) && addr_eq(&n->a, &p->next_hop)) {
            memcpy(p->mac, n->mac, 6);
            p->have_mac = true;
            return;
        }
    }
}

static const char *route_type_name(uint8_t type)
{
    return type == RTN_UNREACHABLE ? "unreachable" : type == RTN_BLACKHOLE ? "blackhole"
           : type == RTN_PROHIBIT ? "prohibit" : "throw";
}

static bool is_own_address(const struct netinfo *ni, const struct addr *dst)
{
    for (uint32_t i = 0; i < ni->naddrs; i++)
        if (addr_eq(&ni->addrs[i].a, dst))
            return true;
    return false;
}

/* The path to this machine: through loopback, from the address itself when
 * it is one of ours (else, as for 127.1.2.3, the source is chosen later). */
static int local_path(const struct netinfo *ni, const struct nr_iface *lo, const struct addr *dst,
                      struct path *out)
{
    out->iface = lo;
    out->next_hop = *dst;
    if (is_own_address(ni, dst))
        out->src = *dst;
    out->on_link = false;
    return 0;
}

static int route_path(const struct netinfo *ni, const struct addr *dst, const char *want_if,
                      struct path *out, err_t *e)
{
    char ds[ADDR_STRLEN], rs[ADDR_STRLEN];
    const struct nr_iface *only = want_if ? netinfo_iface_by_name(ni, want_if) : NULL;
    const struct nr_route *r = best_route(ni, dst, only);
    if (!r && only)
        return err_set(e, "no route to %s through %s", addr_str(dst, ds, sizeof ds), want_if);
    if (!r)
        return err_set(e, "no route to %s", addr_str(dst, ds, sizeof ds));
    if (route_is_error(r->type))
        return err_set(e, "%s: the route %s/%u is %s", addr_str(dst, ds, sizeof ds),
                       addr_str(&r->dst, rs, sizeof rs), r->dst_len, route_type_name(r->type));
    const struct nr_iface *f = netinfo_iface(ni, r->oif);
    if (r->type == RTN_LOCAL) {
        const struct nr_iface *lo = loopback_iface(ni);
        return local_path(ni, lo && !only ? lo : f, dst, out);
    }
    out->iface = f;
    out->on_link = r->gw.family == 0;
    out->next_hop = out->on_link ? *dst : r->gw;
    if (r->prefsrc.family)
        out->src = r->prefsrc;
    return 0;
}

int netinfo_path(const struct netinfo *ni, const struct addr *dst, const struct addr *want_src,
                 const char *want_if, struct path *out, err_t *e)
{
    char ds[ADDR_STRLEN];
    memset(out, 0, sizeof *out);
    if (dst->family != AF_INET && dst->family != AF_INET6)
        return err_set(e, "route lookup: address family %u", dst->family);
    addr_str(dst, ds, sizeof ds);
    if (want_src && want_src->family && want_src->family != dst->family)
        return err_set(e, "%s: the source address is of the other family", ds);
    if (want_if && !*want_if)
        want_if = NULL;
    if (want_if && !netinfo_iface_by_name(ni, want_if))
        return err_set(e, "%s: no interface named %s", ds, want_if);
    const struct nr_iface *lo = loopback_iface(ni);
    if (lo && is_local(ni, dst) && (!want_if || strcmp(want_if, lo->name) == 0))
        local_path(ni, lo, dst, out);
    else if (route_path(ni, dst, want_if, out, e) < 0)
        return -1;
    if (want_src && want_src->family)
        out->src = *want_src;
    if (!out->src.family) {
        const struct nr_addr *a = pick_src(ni, out->iface, dst, &out->next_hop);
        if (!a)
            return err_set(e, "%s: no %s source address for %s", ds,
                           dst->family == AF_INET ? "IPv4" : "IPv6", out->iface->name);
        out->src = a->a;
    }
    if (!(out->iface->flags & IFF_LOOPBACK))
        find_mac(ni, out);
    return 0;
}
