/* addr: the one address type for IPv4 and IPv6 used in every interface.
 *
 * IPv4 is kept in host byte order so that ranges are plain integer
 * arithmetic; IPv6 is 16 bytes in network order.  Conversions to and from
 * sockaddr live here and nowhere else. */
#ifndef SCOUT_ADDR_H
#define SCOUT_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util.h"

struct addr {
    uint8_t family; /* AF_INET or AF_INET6 */
    union {
        uint32_t v4; /* host byte order */
        uint8_t v6[16];
    } u;
    uint32_t scope; /* IPv6 scope (interface index) of fe80::1%eth0, 0 = none */
};

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct addr addr_v4(uint32_t host_order);
/* Parses a literal IPv4 or IPv6 address (no names, no ranges); an IPv6 one
 * may carry a scope, "fe80::1%eth0" or "fe80::1%2" (the interface must exist). */
int addr_parse(const char *s, struct addr *out);
/* Writes the textual form, without the scope (nmap's form in reports);
 * returns buf. */
const char *addr_str(const struct addr *a, char *buf, size_t len);
/* Same family and address; scopes count only when both have one (a reply
 * read off the wire has none, and is the target's). */
bool addr_eq(const struct addr *a, const struct addr *b);
/* A total order: IPv4 before IPv6, then by address (for sorting). */
int addr_cmp(const struct addr *a, const struct addr *b);
/* Adds an offset to an address (IPv6: to its low 64 bits). */
struct addr addr_add(const struct addr *a, uint64_t off);
void addr_to_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss,
                      socklen_t *len);
int addr_from_sockaddr(const struct sockaddr *sa, struct addr *out);
/* Compares the first `bits` bits of two addresses of the same family. */
bool addr_prefix_match(const struct addr *a, const struct addr *net, unsigned bits);

#endif
