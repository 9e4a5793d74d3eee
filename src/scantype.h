/* scantype: the scan types a user can name (-sT, -sS, -sA ...), each either
 * a raw probe module (probe/probe.h, run by the raw engine) or an engine of
 * its own (the connect scan, whose engine contract is in scan.h).  The
 * registry is in scan.c. */
#ifndef SCOUT_SCANTYPE_H
#define SCOUT_SCANTYPE_H

#include <stdbool.h>

#include "ports.h"
#include "util.h"

struct job;
struct probe_ops;

struct scan_type {
    const char *name;      /* "connect" */
    const char *flag;      /* "-sT" */
    const char *nmap_type; /* XML <scaninfo type=...> */
    enum proto proto;
    const struct probe_ops *probe;        /* raw scan types: their module */
    int (*run)(struct job *job, err_t *e); /* the others: their engine */
};

extern const struct scan_type scan_connect, scan_syn, scan_ack, scan_fin, scan_null, scan_xmas,
    scan_window, scan_maimon;

/* Looks up a scan type by its nmap letter after -s ('T', 'S', ...). */
const struct scan_type *scan_type_by_letter(char letter);
static inline bool scan_is_raw(const struct scan_type *t) { return t->probe != NULL; }

#endif
