/* probedb: nmap-service-probes (Debian's nmap-common), parsed at run time.
 *
 * The language (nmap.org/book/vscan-fileformat.html): `Exclude`, `Probe
 * TCP|UDP NAME q|payload| [no-payload]`, and after each probe `match` and
 * `softmatch SERVICE m|regex|[is] [p/../ v/../ i/../ h/../ o/../ d/../
 * cpe:/../[a]]`, `ports`, `sslports`, `rarity`, `totalwaitms`,
 * `tcpwrappedms`, `fallback`.  Regexes are compiled with PCRE2 (JIT when
 * available); a malformed line is reported with its line number through the
 * warn callback and skipped, never fatal.
 *
 * Index arithmetic, no lists: a probe's matches are the contiguous slice
 * matches[first, first + count) of the database. */
#ifndef SCOUT_SERVICE_PROBEDB_H
#define SCOUT_SERVICE_PROBEDB_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum { VF_PRODUCT, VF_VERSION, VF_INFO, VF_HOST, VF_OS, VF_DEVICE, VF_COUNT };
#define SVC_MAX_CPE 4
#define SVC_MAX_FALLBACK 8

struct svc_match {
    char *service;
    pcre2_code *re;
    bool soft;
    bool anchored;           /* matches only at the response's start (^) */
    char *field[VF_COUNT];   /* templates with $1.. and helpers, NULL if absent */
    char *cpe[SVC_MAX_CPE];
    uint8_t ncpe;
    uint32_t line;
};

struct port_ranges {
    uint16_t (*r)[2];
    uint32_t n;
};

struct svc_probe {
    char *name;
    bool udp;
    uint8_t *payload;
    size_t len;
    int rarity;                  /* 1..9, 5 when not given */
    uint32_t totalwait_ms, tcpwrapped_ms;
    struct port_ranges ports, sslports;
    uint32_t first, count;       /* its matches */
    int fallback[SVC_MAX_FALLBACK]; /* probe indices */
    uint8_t nfallback;
    uint32_t line;
};

struct probedb {
    struct svc_probe *probes;
    uint32_t nprobes;
    struct svc_match *matches;
    uint32_t nmatches;
    int null_probe;              /* index of the TCP NULL probe, -1 if none */
    struct port_ranges exclude_tcp, exclude_udp; /* Exclude T:..., U:... */
    uint32_t warnings;
};

typedef void (*probedb_warn_fn)(void *ctx, const char *msg);

/* Loads path.  Returns 0 (possibly with warnings), or -1 with e set when the
 * file cannot be read or holds no probe at all. */
int probedb_load(struct probedb *db, const char *path, probedb_warn_fn warn, void *ctx, err_t *e);
void probedb_free(struct probedb *db);

bool ranges_has(const struct port_ranges *pr, uint16_t port);
/* True if one of probe p's matches names service (nmap's serviceIsPossible). */
bool probe_can_find(const struct probedb *db, const struct svc_probe *p, const char *service);

#endif
