/* probemark: how scout marks its own TCP probes, the one definition that
 * both the sender (probe templates) and the scan detector (detect/) read,
 * so that the two cannot drift apart.
 *
 * A marked probe has
 *   - TCP window PROBEMARK_WINDOW (1024, the commonest of nmap's: to anything
 *     that does not look closely, a scout probe is an nmap one);
 *   - on a SYN exactly one option, MSS PROBEMARK_MSS (a SYN without options
 *     looks like a scanner); no options on other probes;
 *   - in the IPv4 ID, or in the low 16 bits of the IPv6 flow label (IPv6
 *     has no ID; packet_ip_header puts its ipid argument there), the value
 *     probemark_ipid(seq): the sequence number's top half.  The sequence
 *     number is a keyed cookie, so the ID looks random, yet any observer can
 *     check its low PROBEMARK_ID_BITS bits against the probe's own sequence
 *     number: a random ID matches one time in 16.  An ID of 0 is never the
 *     mark: nmap leaves the IPv6 flow label 0 and keeps its sequence number
 *     nearly constant over a scan, so without that rule one nmap IPv6 scan
 *     in 16 would carry the mark on every probe.  (A scout probe whose ID
 *     comes out 0, one in 65536, goes unmarked.)
 * The detector names a source "scout" when nearly all its probes are marked
 * (detect.h). */
#ifndef SCOUT_PROBEMARK_H
#define SCOUT_PROBEMARK_H

#include <stdbool.h>
#include <stdint.h>

#define PROBEMARK_WINDOW 1024
#define PROBEMARK_MSS 1460
#define PROBEMARK_ID_BITS 4 /* of the ID, checked against sequence bits 16-19 */

/* The IP ID (IPv6: flow label, low 16 bits) of a probe with sequence number seq. */
static inline uint16_t probemark_ipid(uint32_t seq)
{
    return (uint16_t)(seq >> 16);
}

/* Whether a TCP probe seen on the wire carries the mark: syn = its SYN flag,
 * optlen/mss = its options' length and MSS value (packet.c's decoder gives
 * both), ipid = its IPv4 ID or IPv6 flow label's low 16 bits. */
static inline bool probemark_seen(bool syn, uint8_t optlen, uint16_t mss, uint16_t window,
                                  uint16_t ipid, uint32_t seq)
{
    const uint16_t m = (1u << PROBEMARK_ID_BITS) - 1;
    bool lean = syn ? optlen == 4 && mss == PROBEMARK_MSS : optlen == 0;
    return lean && window == PROBEMARK_WINDOW && ipid != 0 &&
           (ipid & m) == (probemark_ipid(seq) & m);
}

#endif
