#include "icmplimit.h"

#define LEARN_ANSWERS 8         /* answers all closer than 2 cadences: a fast limiter */
#define MAX_INTERVAL_NS 10000000000ULL

void lim_init(struct icmp_limiter *l, uint32_t burst, uint64_t now)
{
    *l = (struct icmp_limiter){.burst = burst ? burst : 1, .since = now};
}

static void become_known(struct icmp_limiter *l, uint64_t interval, double tokens, uint64_t at)
{
    l->known = true;
    l->interval_ns = interval ? interval : 1;
    l->tokens = tokens;
    l->at = at;
}

double lim_tokens(const struct icmp_limiter *l, uint64_t now)
{
    if (!l->known)
        return 0;
    double t = l->tokens + (now > l->at ? (double)(now - l->at) / (double)l->interval_ns : 0);
    return t < l->burst ? t : l->burst;
}

bool lim_has_token(const struct icmp_limiter *l, uint64_t now, uint32_t reserved)
{
    return l->known && lim_tokens(l, now) >= 1.0 + reserved;
}

void lim_answer(struct icmp_limiter *l, uint64_t sent, uint64_t cadence)
{
    if (l->known) {
        double t = lim_tokens(l, sent) - 1;
        l->tokens = t > 0 ? t : 0;
        l->at = sent > l->at ? sent : l->at;
        return;
    }
    uint64_t gap = l->answers && sent > l->last_sent ? sent - l->last_sent : 0;
    l->answers++;
    l->last_sent = sent;
    l->since = sent;
    bool spaced = gap > 2 * cadence && l->gap > 2 * cadence;
    if (spaced || l->answers >= LEARN_ANSWERS) {
        uint64_t i = gap > l->gap ? gap : l->gap;
        become_known(l, i ? i : cadence, 0, sent);
        return;
    }
    l->gap = gap;
}

void lim_tick(struct icmp_limiter *l, uint64_t now, uint64_t give_up, uint32_t wide)
{
    if (l->known || now <= l->since + give_up)
        return;
    if (!l->answers && l->burst < wide)
        l->burst = wide;
    become_known(l, give_up, l->burst, now);
}

void lim_contradicted(struct icmp_limiter *l, uint64_t now)
{
    uint64_t i = l->interval_ns + l->interval_ns / 2;
    l->interval_ns = i < MAX_INTERVAL_NS ? i : MAX_INTERVAL_NS;
    l->tokens = 0;
    l->at = now;
}
