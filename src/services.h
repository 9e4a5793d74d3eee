/* services: port -> service name and open-frequency, from nmap-common's
 * nmap-services read at run time (the ranking behind --top-ports, -F and the
 * default 1000 ports).  When the file is absent a built-in top-1000 list per
 * protocol, ordered by the same frequencies, stands in. */
#ifndef SCOUT_SERVICES_H
#define SCOUT_SERVICES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum proto { PROTO_TCP = 0, PROTO_UDP = 1, PROTO_COUNT };

struct services {
    char *pool;                           /* NUL-separated names */
    uint32_t name_off[PROTO_COUNT][65536]; /* offset into pool; 0 = unnamed */
    float freq[PROTO_COUNT][65536];
    /* The named ports per protocol, ascending: what a name pattern, a
     * bracketed range or the frequency ranking walks, so that those cost
     * what the file holds rather than 65 536 steps each. */
    uint16_t *named[PROTO_COUNT];
    uint32_t nnamed[PROTO_COUNT];
    const char *source;                   /* path loaded, or "built-in" */
};

struct builtin_service {
    uint16_t port;
    const char *name;
};
extern const struct builtin_service builtin_tcp[];
extern const struct builtin_service builtin_udp[];
extern const size_t builtin_tcp_count, builtin_udp_count;

/* Loads `path`, or when path is NULL the first of $SCOUT_DATADIR/nmap-services,
 * /usr/share/nmap/nmap-services; falls back to the built-in list when no file
 * exists.  A named file that cannot be read is an error. */
int services_load(struct services **out, const char *path, err_t *e);
/* Parses nmap-services text (len bytes, modified in place); origin names it
 * in errors ("FILE:LINE: ...") and must outlive *out.  The fuzzer's entry. */
int services_parse(struct services **out, char *text, size_t len, const char *origin, err_t *e);
void services_free(struct services *s);
const char *services_name(const struct services *s, enum proto p, uint16_t port);
/* Ports that have a name matching the fnmatch pattern; calls fn for each. */
void services_match(const struct services *s, enum proto p, const char *pattern,
                    void (*fn)(void *ctx, uint16_t port), void *ctx);
/* Sorts `ports` (n entries) by descending frequency, port number breaking ties. */
void services_rank(const struct services *s, enum proto p, uint16_t *ports, size_t n);
const char *proto_name(enum proto p);

#endif
