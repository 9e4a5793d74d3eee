/* vscan_udp: -sV over the UDP ports of a host group (-sU -sV), driven from
 * vscan.c's loop beside the TCP probes.
 *
 * Every open and open|filtered UDP port walks the `Probe UDP` lines of
 * nmap-service-probes in nmap's order (walk.h: no NULL probe; the probes
 * listing the port, then the others within --version-intensity), each probe
 * one datagram from a connected UDP socket of its own, its answer read until
 * a hard match, RESP_MAX bytes or the probe's totalwaitms, and matched
 * against the probe's lines and fallbacks as for TCP (match.h).  As in
 * vscan.c, up to UWINDOW probes of a port are out at once and their results
 * are taken in walk order, so the answer is the one nmap's sequential walk
 * gives.
 *
 * States, as nmap's service scan leaves them: any datagram back makes an
 * open|filtered port open (reason udp-response, no TTL); an ICMP port
 * unreachable (ECONNREFUSED on the connected socket) makes an open|filtered
 * port closed (port-unreach) and ends its walk; on a port known open it
 * only means that probe got no answer.  Host or network unreachable ends
 * the port's walk, its state unchanged.  --host-timeout marks the host
 * timed out and ends its walks.
 *
 * Descriptors: at most fd_budget() sockets at once; a port that cannot get
 * one waits for one of ours to close.  Writes the ports' results and their
 * host_result.svc entries (proto PROTO_UDP, made by vscan.c); never prints,
 * never exits. */
#ifndef SCOUT_SERVICE_VSCAN_UDP_H
#define SCOUT_SERVICE_VSCAN_UDP_H

#include <stdint.h>

#include "conf.h"
#include "results.h"
#include "service/match.h"

struct uvscan;

/* True if -sV probes this UDP port: open or open|filtered. */
bool uvscan_port_wanted(const struct port_result *pr);

/* One job per UDP entry of g's hosts' svc arrays, but those Exclude'd by the
 * database; sockets within fd_budget(reserve, ...).  db and m stay the
 * caller's and must outlive u. */
int uvscan_open(struct uvscan **u, const struct conf *c, const struct probedb *db, struct matcher *m,
                struct group *g, uint32_t reserve, err_t *e);
/* An epoll descriptor that is readable when a socket of u has news; -1 when
 * u has no port to probe. */
int uvscan_fd(const struct uvscan *u);
/* Ports whose walk is not over. */
uint32_t uvscan_left(const struct uvscan *u);
/* Reads what came, expires probes, starts walks; never blocks.  Returns 0,
 * or -1 with e set when no socket can be had and none of ours is open. */
int uvscan_step(struct uvscan *u, err_t *e);
/* Closes u's sockets and frees it (u may be NULL). */
void uvscan_close(struct uvscan *u);

/* Drops the UDP svc entries of ports that did not turn out open (nothing
 * was learned there; outputs show a service only for what was probed
 * open), keeping the array's order. */
void uvscan_prune(struct group *g);

#endif
