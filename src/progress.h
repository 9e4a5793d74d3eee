/* progress: the status line of a long scan, on stderr.
 *
 * On a terminal, a line rewritten once a second: pairs done/total, percent,
 * probe rate, replies, retransmits and an ETA from the smoothed rate at which
 * pairs are being decided (not from the send rate, which says nothing about
 * timeouts still to come).  Elsewhere, one such line every --stats-every. */
#ifndef SCOUT_PROGRESS_H
#define SCOUT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "stats.h"

struct progress {
    bool tty;
    uint64_t every_ns, start_ns, next_ns, last_ns;
    uint64_t last_done, last_sent;
    double done_rate, send_rate; /* smoothed, per second */
    bool printed;
};

void progress_init(struct progress *p, const struct conf *c, uint64_t now);
void progress_tick(void *ctx, const struct scan_stats *st, uint64_t now);
void progress_done(struct progress *p, const struct scan_stats *st, uint64_t now);
/* The text of one status line (for tests and for both modes). */
void progress_format(const struct progress *p, const struct scan_stats *st, uint64_t now,
                     char *buf, size_t len);

#endif
