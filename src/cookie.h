/* cookie: SipHash-2-4 (Aumasson & Bernstein) and the probe cookie built on it.
 *
 * A raw probe carries cookie(key, src, dst, sport, dport) in its sequence
 * (and acknowledgement) number.  A reply is ours exactly when it echoes that
 * value, so the receiver validates replies with no table of sent probes, and
 * spoofed or stale replies (another scan's key) are rejected.  The key is
 * drawn fresh for every scan.
 *
 * The sequence number holds 20 bits of the cookie and, above them, 12 bits
 * of the send time in milliseconds (mod 4096): every reply echoes it, so
 * each one is also an RTT sample, still with no table.  A blind spoofer
 * must guess 20 bits and the 4-tuple. */
#ifndef SCOUT_COOKIE_H
#define SCOUT_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

uint64_t siphash24(const void *in, size_t len, const uint8_t key[16]);
uint32_t probe_cookie(const uint8_t key[16], const struct addr *src, const struct addr *dst,
                      uint16_t sport, uint16_t dport);

#define SEQ_COOKIE_MASK 0xFFFFFu

/* The sequence number of a probe sent at now_ns. */
uint32_t seq_make(uint32_t cookie, uint64_t now_ns);
/* True if v, less 0..slack (what the probe's SYN/FIN consumed), carries the
 * cookie; *sent_ms gets the send time bits. */
bool seq_check(uint32_t v, uint32_t cookie, unsigned slack, uint32_t *sent_ms);
/* Milliseconds since sent_ms (valid for RTTs under 4 s). */
uint32_t seq_age_ms(uint32_t sent_ms, uint64_t now_ns);

#endif
