/* classify: pure tables from what came back to (state, reason), per scan type.
 *
 * Connect scan sees an errno, and through IP_RECVERR the ICMP error behind it
 * when there was one.  That lets scout say "filtered, port-unreach" or
 * "filtered, admin-prohibited" where nmap -sT can only say conn-refused or
 * host-unreach: the same answer a SYN scan gives for the same packet.
 * ICMP destination-unreachable codes (RFC 792/1812) map as nmap maps them:
 * 0 net-unreach, 1 host-unreach, 2 proto-unreach, 3 port-unreach,
 * 9 net-prohibited, 10 host-prohibited, 13 admin-prohibited; for TCP all of
 * them mean filtered. */
#ifndef SCOUT_CLASSIFY_H
#define SCOUT_CLASSIFY_H

#include "results.h"

#define ICMP_NONE (-1)

/* Reason for an ICMP destination unreachable code; R_NONE if not one of ours. */
enum reason icmp_unreach_reason(int code);
/* The same for an ICMPv6 destination unreachable code (RFC 4443 3.1), as
 * nmap names them: 0 no-route, 1 admin-prohibited, 2 beyond-scope,
 * 3 host-unreach (address unreachable), 4 port-unreach, 5 admin-prohibited
 * (source address failed policy), 6 reject-route.  A reason only: what
 * port-unreach means depends on the scan (TCP filtered, UDP closed). */
enum reason icmp6_unreach_reason(int code);

/* Connect scan: err is the connect() result errno (0 = connected); icmp_type
 * and icmp_code are from the socket error queue, or ICMP_NONE. */
void classify_connect(int err, int icmp_type, int icmp_code, struct port_result *out);

/* An ICMP destination unreachable as the raw TCP scans read it (nmap's
 * table): codes 1, 2, 3, 9, 10, 13 are filtered with their reason; false
 * for anything else.  Each scan type's own table is its module's. */
bool classify_icmp(int type, int code, struct port_result *out);
/* Raw TCP scans, an ICMPv6 error quoting the probe, as nmap's raw engine
 * reads one: destination unreachable codes 0-6 filtered (reasons as
 * icmp6_unreach_reason); parameter problem code 1 (unrecognised next
 * header) filtered and code 0 (erroneous header field: the probe was
 * understood) open, both "param-problem".  Other types (packet too big,
 * time exceeded) and codes decide nothing: false. */
bool classify_icmp6(int type, int code, struct port_result *out);

#endif
