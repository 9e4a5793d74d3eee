/* rdns: reverse DNS of a group's live hosts, many names at once, and a
 * caller that can always leave.
 *
 * The lookup is the system's own (getnameinfo, NI_NAMEREQD): /etc/hosts,
 * nsswitch, resolv.conf's servers, search and timeout options, TCP fallback,
 * so a name is the one every other tool on the machine reports.  It blocks,
 * one address per call, for up to the resolver's whole timeout when a
 * server is silent; so a pool of up to RDNS_THREADS threads pulls addresses
 * from the batch, and a group costs about n / RDNS_THREADS lookups of time
 * instead of n.  (A DNS client of our own over UDP could be cancelled mid-
 * query, but would read untrusted packets, and skip /etc/hosts and nsswitch,
 * to gain what the detach below already gives.)
 *
 * The caller waits in slices of at most 50 ms and returns as soon as every
 * lookup is over, *stop is set or the deadline passes.  Lookups still inside
 * getnameinfo() then finish on their own threads, which share the batch by
 * reference count and free it last; their names are dropped.  Names found in
 * time are written to hosts[i].rdns. */
#ifndef SCOUT_RDNS_H
#define SCOUT_RDNS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "results.h"

#define RDNS_THREADS 16

/* One lookup: writes a's name into name (len bytes) and returns 0, or
 * returns non-zero when it has none.  Runs on a pool thread. */
typedef int (*rdns_lookup_fn)(const struct addr *a, char *name, size_t len);

/* Looks up hosts[i].rdns for every host of hosts[0..n) with status HOST_UP
 * and no name yet.  deadline_ns is a now_ns() time, 0 for none.  Returns
 * how many of those lookups were cut short by *stop or the deadline (0: all
 * done), or -1 with e set when no thread could be started or memory ran
 * out (no name written then). */
int rdns_resolve(struct host_result *hosts, uint32_t n, const volatile sig_atomic_t *stop,
                 uint64_t deadline_ns, err_t *e);

/* The same with another lookup (tests: a resolver with a known delay). */
int rdns_resolve_with(struct host_result *hosts, uint32_t n, const volatile sig_atomic_t *stop,
                      uint64_t deadline_ns, rdns_lookup_fn lookup, err_t *e);

#endif
