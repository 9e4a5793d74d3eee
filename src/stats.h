/* stats: the counters of one run, written by the engines and read by the
 * progress line and the outputs (which therefore depend on this, not on the
 * scan pipeline). */
#ifndef SCOUT_STATS_H
#define SCOUT_STATS_H

#include <stdint.h>

struct scan_stats {
    uint64_t pairs_total, pairs_done;  /* (host, port) pairs of the whole scan */
    uint64_t sent, retransmits, replies, timeouts, drops;
    uint64_t hosts_total, hosts_up, hosts_done;
    uint64_t invalid, malformed;        /* raw: replies failing the cookie; undecodable */
    uint64_t send_ns;                   /* raw: time spent sending (rates are sent / this) */
    uint64_t budget_eta_ns;             /* -sU: time the hosts' ICMP budgets still need, 0 if none */
};

#endif
