/* iflist: --iflist, the machine's interfaces and routes as nmap prints them
 * (two tables, INTERFACES and ROUTES, columns aligned), from netroute's
 * netinfo.  Pure: writes what it is given to f. */
#ifndef SCOUT_IFLIST_H
#define SCOUT_IFLIST_H

#include <stdio.h>

#include "netroute.h"

/* The interface type word nmap uses: ethernet, loopback, point2point, other. */
const char *iflist_type(const struct nr_iface *ifc);
void iflist_write(FILE *f, const struct netinfo *ni);

#endif
