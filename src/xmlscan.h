/* xmlscan: nmap's XML reports read into scanrec's records, for `scout diff`
 * and `scout import`.  Three writers are understood: nmap itself, scout
 * (the same format, version="scout-X"), and masscan's -oX (one <host> per
 * port it saw, no <status>, every address labelled ipv4).
 *
 * The input is hostile until proven otherwise: it is streamed (never a whole
 * tree in memory), bounded in bytes and in ports, never loads a DTD or any
 * external resource, and refuses entity declarations outright (nmap never
 * writes one; they are how XML bombs work).  A refusal is one line naming
 * the file and the line: "a.xml:12: port 70000 out of range".
 *
 * What is kept: the run's scanner and version, command line, start and end;
 * per host its IP address, status, MAC and vendor, one name (the PTR name,
 * else the user's), the best OS match, and every port the report decides,
 * the folded ones included (nmap's <extrareasons ports="..."> lists them);
 * services that were probed (a name nmap took from its services table is
 * dropped: it says nothing about the host, and diff puts it back from the
 * same table).  Hosts come out sorted and merged by address, ports sorted and
 * merged by (protocol, port): masscan reports one port per <host>. */
#ifndef SCOUT_XMLSCAN_H
#define SCOUT_XMLSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "scanrec.h"
#include "util.h"

/* The defaults: 512 MiB of XML, 16 Mi ports (about 1 GiB of records; a /16
 * by 1000 ports is 64 Mi and is refused, by name). */
#define XMLSCAN_MAX_BYTES ((uint64_t)512 << 20)
#define XMLSCAN_MAX_PORTS ((uint64_t)1 << 24)

struct xmlscan_limits {
    uint64_t max_bytes; /* of input */
    uint64_t max_ports; /* over all hosts, before merging duplicates */
};

/* Reads the report in `path` into *out (zeroed first; freed with
 * scanrec_free).  lim NULL: the defaults.  Returns 0, or -1 with e set and
 * *out empty. */
int xmlscan_file(const char *path, const struct xmlscan_limits *lim, struct rec_scan *out, err_t *e);
/* The same over len bytes in memory; origin names them in messages (the
 * fuzzer's entry). */
int xmlscan_mem(const char *buf, size_t len, const char *origin, const struct xmlscan_limits *lim,
                struct rec_scan *out, err_t *e);

#endif
