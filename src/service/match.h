/* match: a response tested against a probe's match lines, and the version
 * templates filled in from the regex's groups.
 *
 * nmap's order: the probe's own lines, then its fallbacks' (which end with
 * the NULL probe's, for TCP); the first line that matches, hard or soft,
 * decides.  Templates take $1..$9, $P(n) (printable bytes only),
 * $SUBST(n,"from","to") and $I(n,">") (group bytes as a big- or
 * little-endian unsigned number).  Pure: no I/O. */
#ifndef SCOUT_SERVICE_MATCH_H
#define SCOUT_SERVICE_MATCH_H

#include "results.h"
#include "service/probedb.h"

struct matcher {
    const struct probedb *db;
    pcre2_match_data *md;
};

int matcher_init(struct matcher *m, const struct probedb *db, err_t *e);
void matcher_free(struct matcher *m);

/* Tests resp against probe p (and its fallbacks).  Returns the index of the
 * deciding match line (hard or soft), or -1. */
int match_response(struct matcher *m, const struct svc_probe *p, const uint8_t *resp, size_t len);

/* Fills si from match line mi applied to resp (re-running its regex). */
void match_fill(struct matcher *m, int mi, const uint8_t *resp, size_t len, struct service_info *si);

/* Escapes resp for display: printable ASCII kept, \r \n \t and \xHH for the
 * rest, at most max output bytes. */
char *escape_bytes(const uint8_t *resp, size_t len, size_t max);

#endif
