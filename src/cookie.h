/* cookie: SipHash-2-4 (Aumasson & Bernstein) and the probe cookie built on it.
 *
 * A raw probe carries cookie(key, src, dst, sport, dport) in its sequence
 * (and acknowledgement) number.  A reply is ours exactly when it echoes that
 * value, so the receiver validates replies with no table of sent probes, and
 * spoofed or stale replies (another scan's key) are rejected.  The key is
 * drawn fresh for every scan. */
#ifndef SCOUT_COOKIE_H
#define SCOUT_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

uint64_t siphash24(const void *in, size_t len, const uint8_t key[16]);
uint32_t probe_cookie(const uint8_t key[16], const struct addr *src, const struct addr *dst,
                      uint16_t sport, uint16_t dport);

#endif
