/* debug: the lines -d asks for, on stderr.
 *
 * Engines do not print results (those go through the outputs); what they
 * may say is why they did what they did, for someone tuning a scan or
 * chasing a bug, as nmap's -d does: the timing in force (conf_timing_report),
 * then per level
 *   1  engine decisions: the set-up of a run, a host's final timing, a
 *      retransmission that was answered (loss), a local shortage;
 *   2  each port's state as decided;
 *   3  each probe sent and each answer, as nmap's connect trace prints them.
 * A line is written whole with one call (threads do not interleave inside
 * one); below its level a line costs one comparison. */
#ifndef SCOUT_DEBUG_H
#define SCOUT_DEBUG_H

#include <stdbool.h>

#include "conf.h"

static inline bool debug_on(const struct conf *c, int level)
{
    return c->debug >= level;
}

/* Writes one line (a newline is added) to stderr. */
void debug_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
