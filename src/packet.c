#include "packet.h"

#include <stdbool.h>
#include <string.h>

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

size_t packet_build_tcp4(uint8_t *buf, const struct tcp_probe *p)
{
    bool syn = p->flags & TH_SYN;
    size_t tcplen = syn ? 24 : 20, total = 20 + tcplen;
    memset(buf, 0, total);
    uint8_t *ip = buf, *tcp = buf + 20;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)total);
    put16(ip + 4, p->ipid);
    ip[8] = p->ttl;
    ip[9] = 6;
    put32(ip + 12, p->src.u.v4);
    put32(ip + 16, p->dst.u.v4);
    put16(ip + 10, inet_checksum(ip, 20, 0));

    put16(tcp, p->sport);
    put16(tcp + 2, p->dport);
    put32(tcp + 4, p->seq);
    put32(tcp + 8, p->ack);
    tcp[12] = (uint8_t)((tcplen / 4) << 4);
    tcp[13] = p->flags;
    put16(tcp + 14, p->window);
    if (syn) { /* MSS 1460: a SYN without options looks like a scanner */
        tcp[20] = 2, tcp[21] = 4;
        put16(tcp + 22, 1460);
    }
    /* Pseudo-header: addresses, protocol, TCP length. */
    uint32_t sum = (p->src.u.v4 >> 16) + (p->src.u.v4 & 0xffff) + (p->dst.u.v4 >> 16) +
                   (p->dst.u.v4 & 0xffff) + 6 + (uint32_t)tcplen;
    put16(tcp + 16, inet_checksum(tcp, tcplen, sum));
    return total;
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

/* The bytes after an IP header: `have` of them captured, `len` on the wire;
 * `whole` when all were captured, so that checksums can be verified. */
struct l4 {
    const uint8_t *ip, *p;
    size_t have, len;
    bool whole;
};

/* Whether a TCP or UDP segment's checksum (at csum_off) verifies over len
 * bytes.  A packet captured on its own sender before the NIC filled the
 * checksum in (offload: Linux's CHECKSUM_PARTIAL) holds just the pseudo
 * header's sum there; nothing can be verified of it, so it passes. */
static bool l4_sum_ok(const struct l4 *l, size_t len, uint8_t proto, size_t csum_off)
{
    const uint8_t *ip = l->ip;
    uint32_t pseudo = (uint32_t)get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) +
                      proto + (uint32_t)len;
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

/* The packet an ICMP error quotes (in, inlen bytes): its addresses and,
 * for TCP and UDP, ports.  Returns 1, or -1 if it is garbled. */
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
    r->inner_src = addr_v4(get32(in + 12));
    r->inner_dst = addr_v4(get32(in + 16));
    if (ports) { /* other protocols (ICMP, IP-protocol probes) have no ports */
        r->sport = get16(in + ihl);
        r->dport = get16(in + ihl + 2);
        r->seq = in[9] == 6 ? get32(in + ihl + 4) : 0;
    }
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
    if (icmp_query(l->p[0])) {
        r->kind = REPLY_ICMP_QUERY;
        return 1;
    }
    if (l->p[0] != 3 && l->p[0] != 11)
        return 0; /* redirects and the like: nothing to a scan */
    int rc = decode_quoted(l->p + 8, l->have - 8, r);
    return rc < 0 && !l->whole ? 0 : rc;
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
    /* A zero checksum is none (allowed over IPv4). */
    if (l->whole && get16(u + 6) && !l4_sum_ok(l, ulen, 17, 6))
        return -1;
    r->sport = get16(u);
    r->dport = get16(u + 2);
    r->paylen = (uint16_t)(ulen - 8);
    r->kind = REPLY_UDP;
    return 1;
}

int packet_decode_cap(const uint8_t *pkt, size_t cap, size_t wire, struct reply *r)
{
    memset(r, 0, sizeof *r);
    size_t total;
    int ihl = ip4_header(pkt, cap, MAX(cap, wire), &total);
    if (ihl < 0 || inet_checksum(pkt, (size_t)ihl, 0) != 0)
        return -1;
    if ((get16(pkt + 6) & 0x3fff) != 0)
        return 0; /* fragments: a reply to a probe is never one */
    r->src = addr_v4(get32(pkt + 12));
    r->dst = addr_v4(get32(pkt + 16));
    r->ttl = pkt[8];
    r->ipid = get16(pkt + 4);
    struct l4 l = {.ip = pkt, .p = pkt + ihl, .have = MIN(total, cap) - (size_t)ihl,
                   .len = total - (size_t)ihl, .whole = total <= cap};
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

int packet_decode(const uint8_t *pkt, size_t len, struct reply *r)
{
    return packet_decode_cap(pkt, len, len, r);
}

int packet_link_offset(int dlt, const uint8_t *frame, size_t len)
{
    switch (dlt) {
    case 1: /* DLT_EN10MB */
        if (len < 14)
            return -1;
        if (get16(frame + 12) == 0x0800)
            return 14;
        if (get16(frame + 12) == 0x8100 && len >= 18 && get16(frame + 16) == 0x0800)
            return 18;
        return -1;
    case 113: /* DLT_LINUX_SLL */
        return len >= 16 && get16(frame + 14) == 0x0800 ? 16 : -1;
    case 12:  /* DLT_RAW */
    case 101: /* LINKTYPE_RAW */
        return len >= 1 && (frame[0] >> 4) == 4 ? 0 : -1;
    default:
        return -1;
    }
}

int packet_arp(int dlt, const uint8_t *frame, size_t len, struct reply *r)
{
    size_t off;
    if (dlt == 1 && len >= 14 && get16(frame + 12) == 0x0806)
        off = 14;
    else if (dlt == 113 && len >= 16 && get16(frame + 14) == 0x0806)
        off = 16;
    else
        return 0;
    const uint8_t *a = frame + off;
    if (len - off < 28)
        return -1;
    /* Ethernet (1), IPv4 (0x0800), 6-byte hardware and 4-byte protocol addresses. */
    if (get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
        return 0;
    memset(r, 0, sizeof *r);
    r->kind = REPLY_ARP;
    r->icmp_type = (uint8_t)get16(a + 6);
    r->src = addr_v4(get32(a + 14));
    r->dst = addr_v4(get32(a + 24));
    return r->icmp_type == 1 || r->icmp_type == 2 ? 1 : 0;
}
