/* icmplimit: a model of one host's ICMP error rate limiter, learned from the
 * errors it lets through.
 *
 * Hosts send ICMP errors (a UDP port's "port unreachable") from a token
 * bucket: Linux one per net.ipv4.icmp_ratelimit (1 s) after a burst of 6,
 * BSD a few hundred a second.  A probe that arrives while the bucket is
 * empty is dropped without a word, so silence from a closed port is not
 * evidence of anything.  The model says when a probe's silence can be
 * believed: when the host had a token to answer it with.
 *
 * Learning: after the first burst (its size is the bucket's), probes go
 * out every `cadence` whatever the tokens; the send times of the probes the
 * host answers are spaced by its token interval (the first gap may be
 * partial, while leftover tokens drain, so two consecutive gaps are taken
 * and the larger kept: never faster than the truth).  A host that answers
 * nothing for `give_up` is assumed to have nothing left to refuse: its
 * bucket is full and one token comes per give_up; if it never answered a
 * learning probe at all, its bucket is taken to be `wide` (a firewalled
 * host has no limiter to respect; one that has will contradict the model).
 *
 * Known: tokens accrue at one per interval up to the burst; each answered
 * probe spends one at its send time.  A port whose silence was believed
 * but later answers proves the model too fast: the interval grows by half.
 * Pure: times are passed in, nothing else is read. */
#ifndef SCOUT_ICMPLIMIT_H
#define SCOUT_ICMPLIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct icmp_limiter {
    bool known;
    uint32_t burst;         /* tokens the bucket holds */
    uint64_t interval_ns;   /* one token per this (known) */
    double tokens;          /* at time `at` (known) */
    uint64_t at;
    /* learning */
    uint64_t last_sent;     /* send time of the last answered probe */
    uint64_t gap;           /* the gap before it, 0 if none yet */
    uint32_t answers;
    uint64_t since;         /* learning began, or the last answer came */
};

/* Starts learning at now, after a first burst of `burst` answers (>= 1). */
void lim_init(struct icmp_limiter *l, uint32_t burst, uint64_t now);
/* Tokens the host has at now (known; 0 while learning). */
double lim_tokens(const struct icmp_limiter *l, uint64_t now);
/* Whether a probe sent now, with `reserved` believed probes already in
 * flight, finds a token: its silence would be evidence. */
bool lim_has_token(const struct icmp_limiter *l, uint64_t now, uint32_t reserved);
/* The host answered (with an ICMP error) a probe sent at `sent`. */
void lim_answer(struct icmp_limiter *l, uint64_t sent, uint64_t cadence);
/* Learning: gives up waiting for answers once give_up has passed. */
void lim_tick(struct icmp_limiter *l, uint64_t now, uint64_t give_up, uint32_t wide);
/* A port whose silence was believed answered after all. */
void lim_contradicted(struct icmp_limiter *l, uint64_t now);

#endif
