#include "packet.h"

#include <stdbool.h>
#include <sys/socket.h>
#include <string.h>

#include "probemark.h"
#include "util.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

uint16_t inet_checksum(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    for (; len > 1; p += 2, len -= 2)
        sum += get16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

size_t packet_eth_header(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype)
{
    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    put16(buf + 12, ethertype);
    return 14;
}

size_t packet_ip_header(uint8_t *buf, const struct addr *src, const struct addr *dst, uint8_t proto,
                        size_t l4len, uint8_t ttl, uint16_t ipid)
{
    if (dst->family == AF_INET6) {
        memset(buf, 0, 40);
        buf[0] = 0x60;
        put16(buf + 2, ipid); /* IPv6 has no ID: the flow label's low bits carry it */
        put16(buf + 4, (uint16_t)l4len);
        buf[6] = proto;
        buf[7] = ttl;
        memcpy(buf + 8, src->u.v6, 16);
        memcpy(buf + 24, dst->u.v6, 16);
        return 40;
    }
    memset(buf, 0, 20);
    buf[0] = 0x45;
    put16(buf + 2, (uint16_t)(20 + l4len));
    put16(buf + 4, ipid);
    buf[8] = ttl;
    buf[9] = proto;
    put32(buf + 12, src->u.v4);
    put32(buf + 16, dst->u.v4);
    put16(buf + 10, inet_checksum(buf, 20, 0));
    return 20;
}

/* The sum of an address's 16-bit words, for pseudo-headers. */
static uint32_t addr_sum(const struct addr *a)
{
    if (a->family != AF_INET6)
        return (a->u.v4 >> 16) + (a->u.v4 & 0xffff);
    uint32_t sum = 0;
    for (int i = 0; i < 16; i += 2)
        sum += get16(a->u.v6 + i);
    return sum;
}

uint16_t packet_l4_checksum(const struct addr *src, const struct addr *dst, uint8_t proto,
                            const uint8_t *l4, size_t len)
{
    /* IPv4's pseudo-header and IPv6's (RFC 8200 8.1) sum the same words. */
    uint32_t sum = addr_sum(src) + addr_sum(dst) + proto + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
    return inet_checksum(l4, len, sum);
}

size_t packet_build_tcp(uint8_t *buf, const struct tcp_probe *p)
{
    bool syn = p->flags & TH_SYN;
    size_t tcplen = syn ? 24 : 20;
    size_t iplen = packet_ip_header(buf, &p->src, &p->dst, 6, tcplen, p->ttl, p->ipid);
    uint8_t *tcp = buf + iplen;
    memset(tcp, 0, tcplen);
    put16(tcp, p->sport);
    put16(tcp + 2, p->dport);
    put32(tcp + 4, p->seq);
    put32(tcp + 8, p->ack);
    tcp[12] = (uint8_t)((tcplen / 4) << 4);
    tcp[13] = p->flags;
    put16(tcp + 14, p->window);
    if (syn) { /* an MSS: a SYN without options looks like a scanner */
        tcp[20] = 2, tcp[21] = 4;
        put16(tcp + 22, PROBEMARK_MSS);
    }
    put16(tcp + 16, packet_l4_checksum(&p->src, &p->dst, 6, tcp, tcplen));
    return iplen + tcplen;
}

size_t packet_build_tcp4(uint8_t *buf, const struct tcp_probe *p)
{
    return packet_build_tcp(buf, p);
}

size_t packet_build_arp_request(uint8_t *buf, const uint8_t smac[6], const struct addr *sip,
                                const struct addr *tip)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t *a = buf + packet_eth_header(buf, bcast, smac, ETHERTYPE_ARP_);
    put16(a, 1);          /* hardware: Ethernet */
    put16(a + 2, 0x0800); /* protocol: IPv4 */
    a[4] = 6, a[5] = 4;
    put16(a + 6, 1);      /* request */
    memcpy(a + 8, smac, 6);
    put32(a + 14, sip->u.v4);
    memset(a + 18, 0, 6); /* the hardware address asked for */
    put32(a + 24, tip->u.v4);
    return 14 + 28;
}

size_t packet_build_ns(uint8_t *buf, const uint8_t smac[6], const struct addr *sip,
                       const struct addr *tip)
{
    /* RFC 4861 7.2.2: to the target's solicited-node group ff02::1:ffXX:XXXX
     * (its last 24 bits), whose Ethernet address is 33:33 and the group's
     * last 32 bits (RFC 2464 7); hop limit 255 shows it never left the link. */
    struct addr group = {.family = AF_INET6,
                         .u.v6 = {0xff, 0x02, [11] = 1, [12] = 0xff, tip->u.v6[13], tip->u.v6[14],
                                  tip->u.v6[15]}};
    const uint8_t edst[6] = {0x33, 0x33, 0xff, tip->u.v6[13], tip->u.v6[14], tip->u.v6[15]};
    size_t at = packet_eth_header(buf, edst, smac, ETHERTYPE_IP6);
    at += packet_ip_header(buf + at, sip, &group, 58, 32, 255, 0);
    uint8_t *icmp = buf + at;
    memset(icmp, 0, 32);
    icmp[0] = 135;
    memcpy(icmp + 8, tip->u.v6, 16);
    icmp[24] = 1, icmp[25] = 1; /* source link-layer address, 8 bytes */
    memcpy(icmp + 26, smac, 6);
    put16(icmp + 2, packet_l4_checksum(sip, &group, 58, icmp, 32));
    return at + 32;
}

static struct addr addr6(const uint8_t *p)
{
    struct addr a = {.family = AF_INET6};
    memcpy(a.u.v6, p, 16);
    return a;
}

/* Validates an IPv4 header of which cap bytes were captured, wire sent;
 * returns its length, or -1. */
static int ip4_header(const uint8_t *pkt, size_t cap, size_t wire, size_t *total)
{
    if (cap < 20 || (pkt[0] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
    size_t tot = get16(pkt + 2);
    if (ihl < 20 || ihl > cap || tot < ihl || tot > wire)
        return -1;
    *total = tot;
    return (int)ihl;
}

/* Walks the IPv6 extension headers after the fixed header of p (have bytes
 * at hand, len in the packet): hop-by-hop options (0), routing (43) and
 * destination options (60) are skipped by their length field, a fragment
 * header (44) of an atomic fragment (offset 0, no more) by its 8 bytes.
 * Sets *nh to the upper-layer protocol and *off to where it starts and
 * returns 1; 0 for a real fragment (a reply to a probe is never one), a
 * chain longer than any sender builds, or one the capture cut; -1 for a
 * header running past the packet's end. */
static int ip6_walk(const uint8_t *p, size_t have, size_t len, uint8_t *nh, size_t *off)
{
    uint8_t next = p[6];
    size_t at = 40;
    for (int i = 0; i < 8; i++) {
        if (next != 0 && next != 43 && next != 60 && next != 44) {
            *nh = next;
            *off = at;
            return 1;
        }
        if (at + 8 > len) /* every extension header is 8 bytes or more */
            return -1;
        if (at + 8 > have)
            return 0;
        if (next == 44 && (get16(p + at + 2) & 0xfff9) != 0)
            return 0; /* offset (13 bits) or M flag set */
        size_t hlen = next == 44 ? 8 : ((size_t)p[at + 1] + 1) * 8;
        if (at + hlen > len)
            return -1;
        next = p[at];
        at += hlen;
    }
    return 0;
}

/* The bytes after the IP headers: `have` of them captured, `len` on the
 * wire; `whole` when all were captured, so that checksums can be verified.
 * addrs is the pseudo-header's sum of both addresses' 16-bit words. */
struct l4 {
    const uint8_t *p;
    size_t have, len;
    bool whole, v6;
    uint32_t addrs;
};

/* Whether a TCP, UDP or ICMPv6 checksum (at csum_off) verifies over len
 * bytes with the pseudo-header of the packet's family.  A packet captured
 * on its own sender before the NIC filled the checksum in (offload:
 * Linux's CHECKSUM_PARTIAL) holds just the pseudo-header's sum there;
 * nothing can be verified of it, so it passes. */
static bool l4_sum_ok(const struct l4 *l, size_t len, uint8_t proto, size_t csum_off)
{
    uint32_t pseudo = l->addrs + proto + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
    if (inet_checksum(l->p, len, pseudo) == 0)
        return true;
    uint16_t partial = (uint16_t)~inet_checksum(l->p, 0, pseudo);
    return get16(l->p + csum_off) == partial;
}

/* Whether n header bytes are there: -1 if the packet is shorter on the wire
 * (malformed), 0 if only the capture cut them off (unknown), else 1. */
static int header_fits(const struct l4 *l, size_t n)
{
    return l->len < n ? -1 : l->have < n ? 0 : 1;
}

static bool icmp_query(uint8_t type)
{
    return type == 0 || type == 8 || type == 13 || type == 14 || type == 17 || type == 18;
}

/* The ports and sequence number of a quoted probe's TCP or UDP header (at
 * least 8 bytes at t): all an error has to promise (RFC 792). */
static void quoted_ports(const uint8_t *t, uint8_t proto, struct reply *r)
{
    r->sport = get16(t);
    r->dport = get16(t + 2);
    r->seq = proto == 6 ? get32(t + 4) : 0;
}

/* The IPv4 packet an ICMP error quotes (in, inlen bytes): its addresses
 * and, for TCP and UDP, ports.  Returns 1, or -1 if it is garbled. */
static int decode_quoted(const uint8_t *in, size_t inlen, struct reply *r)
{
    size_t intot;
    int ihl = ip4_header(in, inlen, inlen, &intot);
    /* Routers may quote less than the full probe: RFC 792 promises the IP
     * header and 8 bytes, so intot > inlen is fine; 8 bytes are required. */
    if (ihl < 0) {
        if (inlen < 20 || (in[0] >> 4) != 4 || (size_t)(in[0] & 0x0f) * 4 < 20)
            return -1;
        ihl = (in[0] & 0x0f) * 4;
    }
    bool ports = in[9] == 6 || in[9] == 17;
    if ((size_t)ihl > inlen || (ports && (size_t)ihl + 8 > inlen))
        return -1;
    r->inner_proto = in[9];
    r->inner_ipid = get16(in + 4);
    r->inner_src = addr_v4(get32(in + 12));
    r->inner_dst = addr_v4(get32(in + 16));
    if (ports) /* other protocols (ICMP, IP-protocol probes) have no ports */
        quoted_ports(in + ihl, in[9], r);
    r->kind = REPLY_ICMP;
    return 1;
}

/* The IPv6 packet an ICMPv6 error quotes, as decode_quoted: the fixed
 * header, any extension headers, and 8 bytes of TCP or UDP are required
 * (RFC 4443 quotes as much as fits in 1280 bytes: in practice all). */
static int decode_quoted6(const uint8_t *in, size_t inlen, struct reply *r)
{
    uint8_t nh;
    size_t off;
    if (inlen < 40 || (in[0] >> 4) != 6)
        return -1;
    int rc = ip6_walk(in, inlen, inlen, &nh, &off);
    if (rc <= 0)
        return rc;
    bool ports = nh == 6 || nh == 17;
    if (ports && off + 8 > inlen)
        return -1;
    r->inner_proto = nh;
    r->inner_ipid = get16(in + 2);
    r->inner_src = addr6(in + 8);
    r->inner_dst = addr6(in + 24);
    if (ports)
        quoted_ports(in + off, nh, r);
    r->kind = REPLY_ICMP;
    return 1;
}

static int decode_icmp(const struct l4 *l, struct reply *r)
{
    int fit = header_fits(l, 8);
    if (fit <= 0)
        return fit;
    if (l->whole && inet_checksum(l->p, l->len, 0) != 0)
        return -1;
    r->icmp_type = l->p[0];
    r->icmp_code = l->p[1];
    if (icmp_query(l->p[0])) { /* echo, timestamp and mask share id and seq */
        r->icmp_id = get16(l->p + 4);
        r->icmp_seq = get16(l->p + 6);
        r->kind = REPLY_ICMP_QUERY;
        return 1;
    }
    if (l->p[0] != 3 && l->p[0] != 11)
        return 0; /* redirects and the like: nothing to a scan */
    int rc = decode_quoted(l->p + 8, l->have - 8, r);
    return rc < 0 && !l->whole ? 0 : rc;
}

/* A neighbour solicitation or advertisement (l->p[0] 135 or 136, 24 bytes
 * and more checked): the target address, and the link address from the
 * option that goes with the type (RFC 4861 4.3, 4.4: the solicitor's own
 * on a solicitation, the target's on an advertisement). */
static int decode_ndp(const struct l4 *l, struct reply *r)
{
    const uint8_t *p = l->p;
    int fit = header_fits(l, 24);
    if (fit <= 0)
        return fit;
    /* RFC 4861 7.1: hop limit 255 proves the sender is on the link; anything
     * else is forged from afar or garbled, and is of no interest. */
    if (r->ttl != 255 || p[1] != 0)
        return 0;
    uint8_t want = p[0] == 135 ? 1 : 2;
    for (size_t at = 24; at + 2 <= l->have;) {
        size_t olen = (size_t)p[at + 1] * 8;
        if (olen == 0 || at + olen > l->len)
            return -1; /* a zero length would loop forever: RFC 4861 drops the packet */
        if (p[at] == want && olen == 8 && at + 8 <= l->have) {
            memcpy(r->mac, p + at + 2, 6);
            r->has_mac = true;
        }
        at += olen;
    }
    r->inner_src = r->src; /* who asks or answers, for the scan detector */
    r->inner_dst = r->dst;
    r->src = addr6(p + 8);
    r->kind = REPLY_NDP;
    return 1;
}

static int decode_icmp6(const struct l4 *l, struct reply *r)
{
    const uint8_t *p = l->p;
    int fit = header_fits(l, 8);
    if (fit <= 0)
        return fit;
    if (l->whole && !l4_sum_ok(l, l->len, 58, 2))
        return -1;
    r->icmp6 = true;
    r->icmp_type = p[0];
    r->icmp_code = p[1];
    switch (p[0]) {
    case 128: /* echo request */
    case 129: /* echo reply */
        r->icmp_id = get16(p + 4);
        r->icmp_seq = get16(p + 6);
        r->kind = REPLY_ICMP_QUERY;
        return 1;
    case 1: /* destination unreachable */
    case 2: /* packet too big */
    case 3: /* time exceeded */
    case 4: /* parameter problem */ {
        int rc = decode_quoted6(p + 8, l->have - 8, r);
        return rc < 0 && !l->whole ? 0 : rc;
    }
    case 135:
    case 136: return decode_ndp(l, r);
    default: return 0; /* router discovery, MLD, redirects: nothing to a scan */
    }
}

/* The MSS option's value in a TCP header's options, 0 if absent or garbled. */
static uint16_t find_mss(const uint8_t *opt, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (opt[i] == 0)
            break;
        if (opt[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            break;
        if (opt[i] == 2 && opt[i + 1] == 4)
            return get16(opt + i + 2);
        i += opt[i + 1];
    }
    return 0;
}

static int decode_tcp(const struct l4 *l, struct reply *r)
{
    const uint8_t *t = l->p;
    int fit = header_fits(l, 20);
    if (fit <= 0)
        return fit;
    size_t doff = (size_t)(t[12] >> 4) * 4;
    if (doff < 20)
        return -1;
    if ((fit = header_fits(l, doff)) <= 0)
        return fit;
    if (l->whole && !l4_sum_ok(l, l->len, 6, 16))
        return -1;
    r->sport = get16(t);
    r->dport = get16(t + 2);
    r->seq = get32(t + 4);
    r->ack = get32(t + 8);
    r->flags = t[13];
    r->window = get16(t + 14);
    r->optlen = (uint8_t)(doff - 20);
    r->mss = find_mss(t + 20, doff - 20);
    r->paylen = (uint16_t)(l->len - doff);
    r->kind = REPLY_TCP;
    return 1;
}

static int decode_udp(const struct l4 *l, struct reply *r)
{
    const uint8_t *u = l->p;
    int fit = header_fits(l, 8);
    if (fit <= 0)
        return fit;
    size_t ulen = get16(u + 4);
    if (ulen < 8 || ulen > l->len)
        return -1;
    /* A zero checksum is none: allowed over IPv4, never over IPv6 (RFC 8200
     * 8.1), where the receiving stack drops the datagram. */
    if (l->v6 && get16(u + 6) == 0)
        return -1;
    if (l->whole && get16(u + 6) && !l4_sum_ok(l, ulen, 17, 6))
        return -1;
    r->sport = get16(u);
    r->dport = get16(u + 2);
    r->paylen = (uint16_t)(ulen - 8);
    r->kind = REPLY_UDP;
    return 1;
}

/* The sum of an IPv4 or IPv6 header's two addresses, for pseudo-headers. */
static uint32_t addrs_sum(const struct reply *r)
{
    return addr_sum(&r->src) + addr_sum(&r->dst);
}

static int decode_ip4(const uint8_t *pkt, size_t cap, size_t wire, struct reply *r)
{
    size_t total;
    int ihl = ip4_header(pkt, cap, wire, &total);
    if (ihl < 0 || inet_checksum(pkt, (size_t)ihl, 0) != 0)
        return -1;
    if ((get16(pkt + 6) & 0x3fff) != 0)
        return 0; /* fragments: a reply to a probe is never one */
    r->src = addr_v4(get32(pkt + 12));
    r->dst = addr_v4(get32(pkt + 16));
    r->ttl = pkt[8];
    r->ipid = get16(pkt + 4);
    struct l4 l = {.p = pkt + ihl, .have = MIN(total, cap) - (size_t)ihl,
                   .len = total - (size_t)ihl, .whole = total <= cap, .addrs = addrs_sum(r)};
    r->proto = pkt[9];
    switch (pkt[9]) {
    case 1: return decode_icmp(&l, r);
    case 6: return decode_tcp(&l, r);
    case 17: return decode_udp(&l, r);
    default:
        r->kind = REPLY_IP; /* another protocol: only its number matters here */
        return 1;
    }
}

static int decode_ip6(const uint8_t *pkt, size_t cap, size_t wire, struct reply *r)
{
    if (cap < 40)
        return -1; /* as for IPv4: no snap length cuts into the IP header */
    size_t total = 40 + (size_t)get16(pkt + 4), have = MIN(total, cap), off;
    if (total > wire)
        return -1; /* (a jumbogram's length 0 fails in the walk: none is a reply) */
    r->src = addr6(pkt + 8);
    r->dst = addr6(pkt + 24);
    r->ttl = pkt[7];
    r->ipid = get16(pkt + 2); /* the flow label's low 16 bits */
    uint8_t nh;
    int rc = ip6_walk(pkt, have, total, &nh, &off);
    if (rc <= 0)
        return rc;
    if (off > have)
        return 0; /* the capture ended inside the extension headers */
    struct l4 l = {.p = pkt + off, .have = have - off, .len = total - off, .whole = total <= cap,
                   .v6 = true, .addrs = addrs_sum(r)};
    r->proto = nh;
    switch (nh) {
    case 6: return decode_tcp(&l, r);
    case 17: return decode_udp(&l, r);
    case 58: return decode_icmp6(&l, r);
    default:
        r->kind = REPLY_IP;
        return 1;
    }
}

int packet_decode_cap(const uint8_t *pkt, size_t cap, size_t wire, struct reply *r)
{
    memset(r, 0, sizeof *r);
    if (cap < 1)
        return -1;
    wire = MAX(cap, wire);
    switch (pkt[0] >> 4) {
    case 4: return decode_ip4(pkt, cap, wire, r);
    case 6: return decode_ip6(pkt, cap, wire, r);
    default: return -1;
    }
}

int packet_decode(const uint8_t *pkt, size_t len, struct reply *r)
{
    return packet_decode_cap(pkt, len, len, r);
}

/* An ARP packet (have bytes captured of len): IPv4 over Ethernet only. */
static int decode_arp(const uint8_t *a, size_t have, size_t len, struct reply *r)
{
    if (len < 28)
        return -1;
    if (have < 28)
        return 0;
    /* Ethernet (1), IPv4 (0x0800), 6-byte hardware and 4-byte protocol addresses. */
    if (get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
        return 0;
    r->kind = REPLY_ARP;
    r->icmp_type = (uint8_t)get16(a + 6);
    r->has_mac = true;
    memcpy(r->mac, a + 8, 6);
    r->src = addr_v4(get32(a + 14));
    r->dst = addr_v4(get32(a + 24));
    return get16(a + 6) == 1 || get16(a + 6) == 2 ? 1 : 0;
}

/* A frame's link-layer header: its length, the ethertype it announces,
 * and the sender's link address where the header holds an Ethernet one. */
struct link {
    size_t hlen;
    uint16_t type;
    const uint8_t *mac;
};

/* Reads the link header of a frame of type dlt (cap bytes captured):
 * 1 with *k filled; 0 for a link type not read here; -1 for a frame too
 * short for its header. */
static int link_header(int dlt, const uint8_t *f, size_t cap, struct link *k)
{
    *k = (struct link){0};
    switch (dlt) {
    case 1: /* DLT_EN10MB: dst, src, ethertype, with at most one 802.1Q tag */
        if (cap < 14)
            return -1;
        *k = (struct link){.hlen = 14, .type = get16(f + 12), .mac = f + 6};
        if (k->type == 0x8100) {
            if (cap < 18)
                return -1;
            k->hlen = 18;
            k->type = get16(f + 16);
        }
        return 1;
    case 113: /* DLT_LINUX_SLL: packet type, ARPHRD, address length, 8 address bytes, protocol */
        if (cap < 16)
            return -1;
        *k = (struct link){.hlen = 16, .type = get16(f + 14)};
        if (get16(f + 2) == 1 && get16(f + 4) == 6)
            k->mac = f + 6;
        return 1;
    case 276: /* DLT_LINUX_SLL2: protocol, reserved, ifindex, ARPHRD, packet type, length, address */
        if (cap < 20)
            return -1;
        *k = (struct link){.hlen = 20, .type = get16(f)};
        if (get16(f + 8) == 1 && f[11] == 6)
            k->mac = f + 12;
        return 1;
    case 12:  /* DLT_RAW */
    case 101: /* LINKTYPE_RAW: the version nibble tells the family */
        if (cap < 1)
            return -1;
        k->type = (f[0] >> 4) == 6 ? ETHERTYPE_IP6 : ETHERTYPE_IP4;
        return 1;
    default:
        return 0;
    }
}

int packet_decode_frame(int dlt, const uint8_t *frame, size_t cap, size_t wire, struct reply *r)
{
    memset(r, 0, sizeof *r);
    struct link k;
    int rc = link_header(dlt, frame, cap, &k);
    if (rc <= 0)
        return rc;
    const uint8_t *p = frame + k.hlen;
    size_t pcap = cap - k.hlen, pwire = MAX(cap, wire) - k.hlen;
    switch (k.type) {
    case ETHERTYPE_IP4:
    case ETHERTYPE_IP6:
        /* An ethertype and a version that disagree: garbled. */
        if (pcap && (p[0] >> 4) != (k.type == ETHERTYPE_IP4 ? 4 : 6))
            return -1;
        rc = packet_decode_cap(p, pcap, pwire, r);
        break;
    case ETHERTYPE_ARP_:
        rc = decode_arp(p, pcap, pwire, r);
        break;
    default:
        return 0;
    }
    r->l3off = (uint16_t)k.hlen;
    if (rc == 1 && !r->has_mac && k.mac) {
        memcpy(r->mac, k.mac, 6);
        r->has_mac = true;
    }
    return rc;
}
