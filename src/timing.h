/* timing: when to send and how long to wait, with no clock of its own.
 *
 * Every function takes the current time as an argument (the injectable clock),
 * so the RTT estimator, congestion window and rate limiter are pure state
 * machines that unit tests drive with made-up times.
 *
 *  - RTT: RFC 6298 (srtt += (r - srtt)/8, rttvar += (|r - srtt| - rttvar)/4,
 *    timeout = srtt + 4 rttvar, clamped to the template's min/max).
 *  - Congestion: TCP-style window of probes in flight: slow start to ssthresh,
 *    then +1/cwnd per reply; halved when a retransmitted probe is answered
 *    (proof that the first one was lost), as nmap's scan engine does.
 *  - Rate: a token bucket for --max-rate; --min-rate is a floor the engine
 *    enforces by sending past the window when behind schedule.
 *  - Templates: -T0..-T5 with nmap's values. */
#ifndef SCOUT_TIMING_H
#define SCOUT_TIMING_H

#include <stdbool.h>
#include <stdint.h>

struct timing_conf {
    int level;                 /* 0..5 */
    uint64_t min_rtt_ns, max_rtt_ns, initial_rtt_ns;
    uint64_t scan_delay_ns, max_scan_delay_ns;
    uint64_t host_timeout_ns;  /* 0 = none */
    uint32_t max_retries;
    uint32_t min_parallelism, max_parallelism; /* 0 = no limit given */
    double min_rate, max_rate; /* probes per second, 0 = none */
};

/* Fills tc with template `level` (nmap's -T semantics). */
void timing_template(struct timing_conf *tc, int level);

struct rtt_est {
    uint64_t srtt_ns, rttvar_ns;
    bool have;
};
void rtt_sample(struct rtt_est *r, uint64_t sample_ns);
uint64_t rtt_timeout(const struct rtt_est *r, const struct timing_conf *tc);

struct cwnd {
    double cwnd, ssthresh, lo, hi;
};
void cwnd_init(struct cwnd *c, const struct timing_conf *tc, double hard_cap);
void cwnd_on_reply(struct cwnd *c);
void cwnd_on_drop(struct cwnd *c);
uint32_t cwnd_allowed(const struct cwnd *c);

struct ratelimit {
    double rate;   /* tokens per second; 0 = unlimited */
    double tokens; /* available now */
    double burst;  /* bucket size */
    uint64_t last_ns;
};
void rate_init(struct ratelimit *r, double rate, uint64_t now);
/* Takes one token if available at `now`. */
bool rate_take(struct ratelimit *r, uint64_t now);
/* Nanoseconds from now until a token is available (0 if one is). */
uint64_t rate_wait(const struct ratelimit *r, uint64_t now);

#endif
