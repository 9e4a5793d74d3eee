/* diff: what changed between two scans' records (pure; no output here).
 *
 * Hosts are paired by IP address and listed in ndiff's order (by the
 * address's text, then the host's name, as ndiff sorts its host ids).  A
 * host present in one scan only appeared or disappeared; one in both
 * changed when its status, its identity (name, MAC), its best OS match or
 * its folded ports changed.
 *
 * Ports are paired by (protocol, port) and listed in ndiff's order (port,
 * then protocol).  A port in both scans changed when its state or its
 * service (name, product, version, extra info, tunnel) differs; a port in
 * one scan only appeared or disappeared, unless its state is one that
 * side's host folds, which the folded counts carry instead (a wider port
 * range is not a thousand new closed ports).
 *
 * "Folded" is nmap's "Not shown: 997 closed ports": a state other than open
 * with more than 25 ports on the host (nmap's rule at its default
 * verbosity).  A service name is the record's, else the name nmap's
 * services table gives the port (nmap writes that name in its reports; the
 * records keep only what was probed), so a scan read back from the store
 * and the same scan's XML compare equal. */
#ifndef SCOUT_DIFF_H
#define SCOUT_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "scanrec.h"
#include "services.h"
#include "util.h"

#define DIFF_FOLD_OVER 25

struct diff_fold {
    uint32_t count[PS_COUNT]; /* ports of each state */
    bool folded[PS_COUNT];    /* states nmap would not list */
};

struct diff_host {
    const struct rec_host *a, *b; /* NULL: absent from that scan */
    struct diff_fold fa, fb;      /* zero for an absent host */
    bool status, ident, os, fold; /* what changed, both present */
};

enum diff_kind {
    DIFF_SAME,
    DIFF_APPEARED,
    DIFF_DISAPPEARED,
    DIFF_CHANGED,
    DIFF_FOLDED, /* in one scan only, in a state its host folds: not a change of its own */
};

struct diff_port {
    uint8_t proto; /* enum proto */
    uint16_t port;
    uint8_t kind;  /* enum diff_kind */
    const struct rec_port *a, *b; /* NULL: absent from that scan */
};

/* A host's folded states. */
void diff_fold(const struct rec_host *h, struct diff_fold *f);
/* The same folded states with the same counts. */
bool diff_fold_eq(const struct diff_fold *a, const struct diff_fold *b);

/* The host pairs of a and b (paired by address, in whatever order their
 * records are), in ndiff's order; *out is malloc'd (NULL when both scans
 * are empty).  Returns 0, or -1 with e set (out of memory). */
int diff_hosts(const struct rec_scan *a, const struct rec_scan *b, struct diff_host **out, uint32_t *n, err_t *e);
/* Whether the pair is a change of its own: appeared, disappeared, or a
 * host-level field changed. */
bool diff_host_changed(const struct diff_host *h);

/* Every port of either side of h, paired, in ndiff's order, with its kind.
 * svc (may be NULL) names the services the records leave unnamed.
 * *out is malloc'd (NULL when neither side has a port). */
int diff_ports(const struct diff_host *h, const struct services *svc, struct diff_port **out, uint32_t *n,
               err_t *e);

/* The port's service name as reports show it: the record's, else svc's
 * table name for the port, else NULL. */
const char *diff_service(const struct rec_port *p, const struct services *svc);
/* Same state and same service (with diff_service's name). */
bool diff_port_eq(const struct rec_port *a, const struct rec_port *b, const struct services *svc);

#endif
