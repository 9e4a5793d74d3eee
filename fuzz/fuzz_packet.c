/* libFuzzer target for the receive path's one decoder: link-layer offsets
 * and IPv4/TCP/UDP/ICMP decoding of arbitrary bytes (truncated, cut by a snap
 * length, bad lengths, bad checksums, garbage options).  It must never read out of bounds; what it
 * decodes must be self-consistent. */
#include <stdlib.h>
#include <string.h>

#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* Fills in the checksums of the IPv4 packet at p (len bytes) where its
 * header and lengths allow, so that mutations also reach the decoding
 * behind the checksum checks, not only the checks. */
static void seal(uint8_t *p, size_t len)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int dlts[] = {1, 113, 12, 101};
    int dlt = dlts[data[0] % 4];
    /* A heap copy of exactly `size - 1` bytes, so ASan sees any overread. */
    size_t n = size - 1;
    uint8_t *frame = malloc(n ? n : 1);
    memcpy(frame, data + 1, n);
    int off = packet_link_offset(dlt, frame, n);
    if (off >= 0) {
        if ((size_t)off > n)
            abort();
        struct reply r;
        /* The wire length: as captured, or longer (a snap length cut it). */
        size_t cap = n - (size_t)off, wire = cap + (size_t)(data[0] >> 3) * 23;
        if (data[0] & 4)
            seal(frame + off, cap);
        int rc = packet_decode_cap(frame + off, cap, wire, &r);
        if (rc == 1 && r.kind != REPLY_TCP && r.kind != REPLY_ICMP && r.kind != REPLY_UDP &&
            r.kind != REPLY_ICMP_QUERY && r.kind != REPLY_IP)
            abort();
        /* Lengths read off the wire stay within what was captured. */
        if (rc == 1 && (r.paylen > wire || r.optlen > 40))
            abort();
    }
    struct reply a;
    if (packet_arp(dlt, frame, n, &a) == 1 && a.kind != REPLY_ARP)
        abort();
    free(frame);
    return 0;
}
