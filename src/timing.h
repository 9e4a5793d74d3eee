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
 *  - Rate control (raw scans, which keep no per-probe state and so have no
 *    window of probes in flight): the signal is the reply ratio, replies per
 *    probe sent, each reply set against the probes sent one RTT before it.  An overloaded path answers
 *    a smaller share when pushed harder; random loss answers the same share
 *    at any rate, so it does not slow the scan (nmap's engine cannot tell the
 *    two apart and crawls on lossy links).  Slow start doubles the rate each
 *    interval; a ratio 15 % below the pass's running mean (and beyond
 *    chance) halves it; after that it
 *    grows additively.  Hosts that answer almost nothing give no signal.
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
/* Takes up to max tokens available at `now` (all max when unlimited);
 * returns how many.  The send loop takes a batch per clock reading. */
uint32_t rate_take_n(struct ratelimit *r, uint64_t now, uint32_t max);
/* Nanoseconds from now until a token is available (0 if one is). */
uint64_t rate_wait(const struct ratelimit *r, uint64_t now);

/* Changes the rate, keeping the tokens already earned. */
void rate_set(struct ratelimit *r, double rate);

#define RATECTL_HIST 1024

struct rate_ctl {
    double rate, lo, hi;    /* probes per second now; floor; ceiling */
    double best;            /* the pass's running mean reply ratio (intervals
                               without a drop), < 0 = none yet */
    bool slow_start;
    uint64_t t0, replies0;  /* start of the current interval */
    /* Probes sent, sampled every millisecond: replies are set against the
     * probes sent one RTT earlier, which are the ones they answer. */
    uint64_t hist_t[RATECTL_HIST], hist_sent[RATECTL_HIST];
    uint32_t hist_n;
};

void ratectl_init(struct rate_ctl *c, double start, double lo, double hi, uint64_t now);
/* A resend pass answers a different share: forget the best ratio. */
void ratectl_new_pass(struct rate_ctl *c, uint64_t sent, uint64_t replies, uint64_t now);
/* Feeds the cumulative probes sent and replies received, with the RTT so
 * far (0 if unknown); `seen` is the last time the receiver had taken every
 * reply that had arrived (the rate is judged as of then, so a receiver
 * that falls behind is not mistaken for loss).  An interval closes after max(2 or 4 RTT, 50 ms) and
 * 256 probes; returns true if the rate changed. */
bool ratectl_update(struct rate_ctl *c, uint64_t sent, uint64_t replies, uint64_t srtt_ns,
                    uint64_t now, uint64_t seen);

#endif
