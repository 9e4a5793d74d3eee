/* The probe modules' tests share this: an ICMP (ICMPv6) destination
 * unreachable of a code, from `from` to `to`, quoting a probe as routers do
 * (the IP header and 8 bytes, 48 for IPv6), sealed. */
#ifndef SCOUT_TEST_QUOTE_H
#define SCOUT_TEST_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define QUOTE_BUF 256
/* Writes it into buf (QUOTE_BUF bytes); returns its length. */
size_t unreach_quoting(uint8_t *buf, const struct addr *from, const struct addr *to, uint8_t code,
                       const uint8_t *probe, size_t plen);

#endif
