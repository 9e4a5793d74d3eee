/* libFuzzer target for the receive path's one decoder, packet_decode_frame:
 * link layers (Ethernet with or without a VLAN tag, Linux cooked v1 and v2,
 * raw IP), IPv4 and IPv6 (extension headers, fragments), TCP, UDP, ICMP
 * and ICMPv6 (errors quoting a packet, echo, neighbour discovery) and ARP,
 * from arbitrary bytes: truncated, cut by a snap length, bad lengths, bad
 * checksums, garbage options.  It must never read out of bounds; what it
 * decodes must be self-consistent.
 *
 * Input: byte 0 picks the link type (low 3 bits) and whether checksums are
 * sealed (bit 7: on half the inputs, so that mutations also reach the
 * decoding behind the checksum checks, not only the checks); byte 1 how
 * much longer than captured the frame was on the wire; the rest is the
 * frame. */
#include <stdlib.h>
#include <string.h>

#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* Fills in the checksums of the IPv4 packet at p (len bytes) where its
 * header and lengths allow. */
static void seal4(uint8_t *p, size_t len)
{
    size_t ihl = len >= 20 ? (size_t)(p[0] & 0xf) * 4 : 0, tot = len >= 20 ? rd16(p + 2) : 0;
    if (ihl < 20 || ihl > len)
        return;
    wr16(p + 10, 0);
    wr16(p + 10, inet_checksum(p, ihl, 0));
    if (tot > len || tot < ihl)
        return;
    uint8_t *l4 = p + ihl;
    size_t l4len = tot - ihl, at = p[9] == 6 ? 16 : p[9] == 17 ? 6 : p[9] == 1 ? 2 : 0;
    size_t span = p[9] == 17 && l4len >= 8 ? rd16(l4 + 4) : l4len;
    if (!at || at + 2 > l4len || span > l4len)
        return;
    uint32_t pseudo = p[9] == 1 ? 0
                                : (uint32_t)rd16(p + 12) + rd16(p + 14) + rd16(p + 16) +
                                      rd16(p + 18) + p[9] + (uint32_t)span;
    wr16(l4 + at, 0);
    wr16(l4 + at, inet_checksum(l4, span, pseudo));
}

/* The same for IPv6: past the extension headers, the TCP, UDP or ICMPv6
 * checksum with the IPv6 pseudo-header. */
static void seal6(uint8_t *p, size_t len)
{
    if (len < 40)
        return;
    size_t tot = 40 + (size_t)rd16(p + 4), at = 40;
    uint8_t nh = p[6];
    if (tot > len)
        return;
    for (int i = 0; i < 8 && (nh == 0 || nh == 43 || nh == 60 || nh == 44); i++) {
        if (at + 8 > tot)
            return;
        size_t hlen = nh == 44 ? 8 : ((size_t)p[at + 1] + 1) * 8;
        nh = p[at];
        at += hlen;
    }
    size_t field = nh == 6 ? 16 : nh == 17 ? 6 : nh == 58 ? 2 : 0;
    if (!field || at + field + 2 > tot)
        return;
    size_t span = nh == 17 && at + 8 <= tot ? rd16(p + at + 4) : tot - at;
    if (span > tot - at)
        return;
    struct addr s = {.family = AF_INET6}, d = {.family = AF_INET6};
    memcpy(s.u.v6, p + 8, 16);
    memcpy(d.u.v6, p + 24, 16);
    wr16(p + at + field, 0);
    wr16(p + at + field, packet_l4_checksum(&s, &d, nh, p + at, span));
}

/* Where the IP packet starts in a frame of type dlt, by the same rules as
 * the decoder (SIZE_MAX: none). */
static size_t ip_offset(int dlt, const uint8_t *f, size_t n)
{
    switch (dlt) {
    case 1:
        if (n >= 18 && rd16(f + 12) == 0x8100)
            return 18;
        return 14;
    case 113: return 16;
    case 276: return 20;
    default: return 0;
    }
}

static void check(const struct reply *r, size_t wire)
{
    switch (r->kind) {
    case REPLY_TCP: case REPLY_UDP: case REPLY_ICMP: case REPLY_ICMP_QUERY: case REPLY_IP:
        if (r->src.family != r->dst.family)
            abort();
        break;
    case REPLY_ARP:
        if (r->src.family != AF_INET || !r->has_mac)
            abort();
        break;
    case REPLY_NDP:
        if (!r->icmp6 || r->src.family != AF_INET6 || r->ttl != 255)
            abort();
        break;
    default: abort();
    }
    if (r->icmp6 && (r->proto != 58 || r->src.family != AF_INET6))
        abort();
    if (r->kind == REPLY_ICMP && r->inner_src.family != r->src.family)
        abort();
    /* Lengths read off the wire stay within what was sent. */
    if (r->paylen > wire || r->optlen > 40)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const int dlts[8] = {1, 113, 276, 12, 101, 1, 276, 147};
    int dlt = dlts[data[0] & 7];
    /* A heap copy of exactly the frame's bytes, so ASan sees any overread. */
    size_t n = size - 2, wire = n + (size_t)data[1] * 7;
    uint8_t *frame = malloc(n ? n : 1);
    memcpy(frame, data + 2, n);
    size_t off = ip_offset(dlt, frame, n);
    if ((data[0] & 0x80) && off < n) {
        if (frame[off] >> 4 == 4)
            seal4(frame + off, n - off);
        else if (frame[off] >> 4 == 6)
            seal6(frame + off, n - off);
    }
    struct reply r;
    int rc = packet_decode_frame(dlt, frame, n, wire, &r);
    if (rc < -1 || rc > 1)
        abort();
    if (rc == 1)
        check(&r, wire);
    free(frame);
    return 0;
}
