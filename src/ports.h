/* ports: what ports to scan, from nmap's port grammar.
 *
 *   -p 22,80,1000-2000   -p-  (1-65535)   -p U:53,T:80,443   -p http,ssh*
 *   -p [1-1024] (only ports named in nmap-services)   --top-ports N   -F
 *   --exclude-ports SPEC     default: the top 1000 ports per protocol
 *
 * A spec parses into one bitmap per protocol; the final list per protocol is
 * a sorted array (at most 65536 entries), indexed by the scan's permutation. */
#ifndef SCOUT_PORTS_H
#define SCOUT_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "services.h"
#include "util.h"

struct portset {
    uint8_t bits[PROTO_COUNT][8192];
    bool any[PROTO_COUNT];
};

struct portlist {
    uint16_t *v[PROTO_COUNT];
    uint32_t n[PROTO_COUNT];
};

/* Adds the ports of `spec` to ps (which the caller zeroes first). */
int portset_parse(struct portset *ps, const char *spec, const struct services *svc, err_t *e);
bool portset_has(const struct portset *ps, enum proto p, uint16_t port);

/* Builds the list for each wanted protocol: `include` (NULL = every port the
 * services file ranks), minus `exclude` (may be NULL), cut to the `top_n`
 * most frequent when top_n > 0.  With neither include nor top_n, the top 1000. */
int portlist_build(struct portlist *out, const struct portset *include,
                   const struct portset *exclude, uint32_t top_n,
                   const bool want[PROTO_COUNT], const struct services *svc, err_t *e);
void portlist_free(struct portlist *pl);

#endif
