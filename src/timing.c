#include "timing.h"

#include <math.h>
#include <string.h>

#include "util.h"

void timing_template(struct timing_conf *tc, int level)
{
    memset(tc, 0, sizeof *tc);
    tc->level = level;
    /* -T3, nmap's defaults (NmapOps.cc). */
    tc->min_rtt_ns = 100 * NS_PER_MS;
    tc->max_rtt_ns = 10 * NS_PER_SEC;
    tc->initial_rtt_ns = 1 * NS_PER_SEC;
    tc->max_retries = 10;
    tc->max_scan_delay_ns = 1 * NS_PER_SEC;
    switch (level) {
    case 0:
        tc->max_parallelism = 1;
        tc->scan_delay_ns = 300 * NS_PER_SEC;
        tc->initial_rtt_ns = tc->max_rtt_ns = 300 * NS_PER_SEC;
        break;
    case 1:
        tc->max_parallelism = 1;
        tc->scan_delay_ns = 15 * NS_PER_SEC;
        tc->initial_rtt_ns = tc->max_rtt_ns = 15 * NS_PER_SEC;
        break;
    case 2:
        tc->max_parallelism = 1;
        tc->scan_delay_ns = 400 * NS_PER_MS;
        break;
    case 4:
        tc->min_rtt_ns = 100 * NS_PER_MS;
        tc->max_rtt_ns = 1250 * NS_PER_MS;
        tc->initial_rtt_ns = 500 * NS_PER_MS;
        tc->max_scan_delay_ns = 10 * NS_PER_MS;
        tc->max_retries = 6;
        break;
    case 5:
        tc->min_rtt_ns = 50 * NS_PER_MS;
        tc->max_rtt_ns = 300 * NS_PER_MS;
        tc->initial_rtt_ns = 250 * NS_PER_MS;
        tc->host_timeout_ns = 900 * NS_PER_SEC;
        tc->max_scan_delay_ns = 5 * NS_PER_MS;
        tc->max_retries = 2;
        break;
    default:
        break;
    }
}

void rtt_sample(struct rtt_est *r, uint64_t sample_ns)
{
    if (!r->have) {
        r->srtt_ns = sample_ns;
        r->rttvar_ns = sample_ns / 2;
        r->have = true;
        return;
    }
    int64_t diff = (int64_t)sample_ns - (int64_t)r->srtt_ns;
    uint64_t adiff = (uint64_t)(diff < 0 ? -diff : diff);
    r->rttvar_ns = r->rttvar_ns - r->rttvar_ns / 4 + adiff / 4;
    r->srtt_ns = (uint64_t)((int64_t)r->srtt_ns + diff / 8);
}

uint64_t rtt_timeout(const struct rtt_est *r, const struct timing_conf *tc)
{
    uint64_t to = r->have ? r->srtt_ns + 4 * r->rttvar_ns : tc->initial_rtt_ns;
    if (to < tc->min_rtt_ns)
        to = tc->min_rtt_ns;
    if (to > tc->max_rtt_ns)
        to = tc->max_rtt_ns;
    return to;
}

void cwnd_init(struct cwnd *c, const struct timing_conf *tc, double hard_cap)
{
    c->lo = tc->min_parallelism ? tc->min_parallelism : 1;
    c->hi = tc->max_parallelism ? tc->max_parallelism : hard_cap;
    if (c->hi > hard_cap)
        c->hi = hard_cap;
    if (c->lo > c->hi)
        c->lo = c->hi;
    /* Start where a LAN scan is safe; slow start finds the rest in a few RTTs. */
    c->cwnd = MAX(c->lo, MIN(c->hi, tc->level >= 4 ? 64.0 : 32.0));
    c->ssthresh = c->hi;
}

void cwnd_on_reply(struct cwnd *c)
{
    c->cwnd += c->cwnd < c->ssthresh ? 1.0 : 1.0 / c->cwnd;
    if (c->cwnd > c->hi)
        c->cwnd = c->hi;
}

void cwnd_on_drop(struct cwnd *c)
{
    c->ssthresh = MAX(c->lo, c->cwnd / 2);
    c->cwnd = c->ssthresh;
}

uint32_t cwnd_allowed(const struct cwnd *c)
{
    return (uint32_t)MAX(1.0, floor(c->cwnd));
}

void rate_init(struct ratelimit *r, double rate, uint64_t now)
{
    r->rate = rate;
    /* A bucket of 1/50 s of tokens: smooth, yet cheap to refill. */
    r->burst = rate > 0 ? MAX(1.0, rate / 50) : 0;
    r->tokens = r->burst > 1 ? 1 : r->burst;
    r->last_ns = now;
}

static void refill(struct ratelimit *r, uint64_t now)
{
    if (now > r->last_ns) {
        r->tokens += (double)(now - r->last_ns) * r->rate / 1e9;
        if (r->tokens > r->burst)
            r->tokens = r->burst;
        r->last_ns = now;
    }
}

bool rate_take(struct ratelimit *r, uint64_t now)
{
    if (r->rate <= 0)
        return true;
    refill(r, now);
    if (r->tokens < 1.0)
        return false;
    r->tokens -= 1.0;
    return true;
}

uint32_t rate_take_n(struct ratelimit *r, uint64_t now, uint32_t max)
{
    if (r->rate <= 0)
        return max;
    refill(r, now);
    uint32_t n = r->tokens >= max ? max : (uint32_t)r->tokens;
    r->tokens -= n;
    return n;
}

uint64_t rate_wait(const struct ratelimit *r, uint64_t now)
{
    if (r->rate <= 0)
        return 0;
    double tokens = r->tokens;
    if (now > r->last_ns)
        tokens = MIN(r->burst, tokens + (double)(now - r->last_ns) * r->rate / 1e9);
    if (tokens >= 1.0)
        return 0;
    return (uint64_t)ceil((1.0 - tokens) * 1e9 / r->rate);
}

void rate_set(struct ratelimit *r, double rate)
{
    double tokens = r->tokens;
    rate_init(r, rate, r->last_ns);
    r->tokens = MIN(tokens, r->burst);
}

void ratectl_init(struct rate_ctl *c, double start, double lo, double hi, uint64_t now)
{
    memset(c, 0, sizeof *c);
    /* Never so slow that a scan stalls: 100/s, or the ceiling if lower. */
    c->lo = MAX(lo, MIN(100.0, hi));
    c->hi = MAX(hi, c->lo);
    c->rate = MAX(c->lo, MIN(start, c->hi));
    c->best = -1;
    c->slow_start = true;
    c->t0 = now;
}

static void remember_sent(struct rate_ctl *c, uint64_t sent, uint64_t now)
{
    uint32_t last = (c->hist_n - 1) % RATECTL_HIST;
    if (c->hist_n && now - c->hist_t[last] < NS_PER_MS) {
        c->hist_sent[last] = sent;
        return;
    }
    c->hist_t[c->hist_n % RATECTL_HIST] = now;
    c->hist_sent[c->hist_n % RATECTL_HIST] = sent;
    c->hist_n++;
}

/* Probes sent by time t (the oldest sample if t is older than the history). */
static uint64_t sent_by(const struct rate_ctl *c, uint64_t t)
{
    uint32_t n = MIN(c->hist_n, RATECTL_HIST), i = 0;
    for (; i < n; i++) {
        uint32_t k = (c->hist_n - 1 - i) % RATECTL_HIST;
        if (c->hist_t[k] <= t)
            return c->hist_sent[k];
    }
    return n ? c->hist_sent[(c->hist_n - n) % RATECTL_HIST] : 0;
}

void ratectl_new_pass(struct rate_ctl *c, uint64_t sent, uint64_t replies, uint64_t now)
{
    c->best = -1;
    c->t0 = now;
    c->replies0 = replies;
    remember_sent(c, sent, now);
}

bool ratectl_update(struct rate_ctl *c, uint64_t sent, uint64_t replies, uint64_t srtt_ns,
                    uint64_t now, uint64_t seen)
{
    remember_sent(c, sent, now);
    /* Judged as of `seen`: replies that arrived before it are all counted,
     * those still in the receiver's queue are not, and must not read as
     * loss. */
    now = MIN(now, seen);
    if (now <= c->t0)
        return false;
    uint64_t ds = sent_by(c, now - srtt_ns) - sent_by(c, c->t0 - srtt_ns);
    /* Replies are set against the probes they answer, so intervals can be
     * short: 2 RTTs (10 ms at least) while finding the capacity, so that a
     * LAN scan is at full rate within a tenth of a second; 4 RTTs (50 ms at
     * least) after, for steadier judgements. */
    uint64_t interval = c->slow_start ? MAX(2 * srtt_ns, 10 * NS_PER_MS) : MAX(4 * srtt_ns, 50 * NS_PER_MS);
    /* 256 probes make a steady judgement (fewer made a /16 scan halve on
     * noise: 0.49 of the ceiling instead of 0.68); a rate too slow to send
     * them in a second is judged on that second's (8 at least): waiting
     * for 256 at 100/s never came within the sent history's reach, and the
     * rate never rose again. */
    if (now - c->t0 < interval || ds < 8 || (ds < 256 && now - c->t0 < NS_PER_SEC))
        return false;
    double got = (double)(replies - c->replies0), ratio = MIN(1.0, got / (double)ds), old = c->rate;
    c->t0 = now;
    c->replies0 = replies;
    /* The reference is the pass's running mean share, not its best: the
     * share measured over one interval wanders with where its edges fall
     * (replies are counted in capture blocks, RTTs in milliseconds), and
     * the best of many such intervals sits a quarter above the truth, so
     * against it ordinary intervals read as loss.  A drop counts when it
     * is 15 % of the mean and more than three standard deviations of the
     * expected count, which an overrun bottleneck's losses are. */
    double expect = c->best * (double)ds;
    bool fewer = c->best >= 0.05 && got < expect - MAX(0.15 * expect, 3 * sqrt(expect));
    if (fewer) {
        c->rate = MAX(c->lo, c->rate / 2);
        c->slow_start = false;
    } else {
        c->rate = MIN(c->hi, c->slow_start ? c->rate * 2 : c->rate + c->hi / 32);
        c->best = c->best < 0 ? ratio : c->best + (ratio - c->best) / 4;
    }
    return c->rate != old;
}
