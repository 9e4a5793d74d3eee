/* libFuzzer target for the receive path's one decoder: link-layer offsets
 * and IPv4/TCP/UDP/ICMP decoding of arbitrary bytes (truncated, bad lengths, bad
 * checksums, garbage options).  It must never read out of bounds; what it
 * decodes must be self-consistent. */
#include <stdlib.h>
#include <string.h>

#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        int rc = packet_decode(frame + off, n - (size_t)off, &r);
        if (rc == 1 && r.kind != REPLY_TCP && r.kind != REPLY_ICMP && r.kind != REPLY_UDP &&
            r.kind != REPLY_ICMP_QUERY && r.kind != REPLY_IP)
            abort();
        /* Lengths read off the wire stay within what was captured. */
        if (rc == 1 && (r.paylen > n || r.optlen > 40))
            abort();
    }
    struct reply a;
    if (packet_arp(dlt, frame, n, &a) == 1 && a.kind != REPLY_ARP)
        abort();
    free(frame);
    return 0;
}
