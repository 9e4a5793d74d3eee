/* lan: the LAN view (--lan): which networks the machine is attached to, and
 * the report's interfaces and networks tables.
 *
 * Safe by default: only IPv4 networks of Ethernet interfaces that are up are
 * swept (never a route beyond them), each whole, and none larger than a /16
 * (a bigger attached network is refused: name the part to sweep as a target
 * instead).  IPv6 networks (a /64) cannot be swept address by address; their
 * devices are not listed.  Pure over a netinfo. */
#ifndef SCOUT_LAN_H
#define SCOUT_LAN_H

#include <stdio.h>

#include "netroute.h"

#define LAN_MAX_NETS 16
#define LAN_MIN_PREFIX 16

struct lan_net {
    struct addr net;      /* the network address */
    uint8_t prefix;
    const struct nr_iface *iface;
    bool has_default;     /* the default route leaves through this network */
};

/* The attached networks to sweep (want_if: only that interface's, NULL or ""
 * for all).  Returns how many, or -1 with e set: no Ethernet interface up
 * (with an address), no such interface, or a network larger than a /16. */
int lan_networks(const struct netinfo *ni, const char *want_if, struct lan_net *out, size_t max, err_t *e);
/* The report's head: INTERFACES (name, state, MAC, MTU, driver, addresses)
 * and NETWORKS (CIDR, interface, default route). */
void lan_write_head(FILE *f, const struct netinfo *ni, const struct lan_net *nets, int n);

#endif
