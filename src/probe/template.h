/* template: what every module's make() does to its prepared packet: set the
 * destination, and seal the packet (IP header and transport checksums) once
 * its per-probe fields are patched.  Pure byte arithmetic on packets that
 * start at the IP header and carry no IPv6 extension headers (ours never do). */
#ifndef SCOUT_TEMPLATE_H
#define SCOUT_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Writes dst into the IP header of pkt (IPv4 or IPv6, by dst's family). */
void tmpl_set_dst(uint8_t *pkt, const struct addr *dst);
/* Fills in the IPv4 header checksum and the TCP, UDP, ICMP or ICMPv6
 * checksum of pkt (len bytes from the IP header on). */
void tmpl_seal(uint8_t *pkt, size_t len);

static inline void tmpl_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void tmpl_put32(uint8_t *p, uint32_t v)
{
    tmpl_put16(p, (uint16_t)(v >> 16));
    tmpl_put16(p + 2, (uint16_t)v);
}

#endif
