#include "icmplimit.h"
#include "unit.h"
#include "util.h"

void test_icmplimit_learns(void);
void test_icmplimit_never_overdraws(void);
void test_icmplimit_edges(void);

/* A host's limiter as Linux keeps it: a bucket of `burst` tokens, one more
 * per `interval` (net.ipv4.icmp_ratelimit), spent by each error sent. */
struct bucket {
    double tokens, burst;
    uint64_t at, interval;
};

static bool bucket_take(struct bucket *b, uint64_t now)
{
    b->tokens += (double)(now - b->at) / (double)b->interval;
    if (b->tokens > b->burst)
        b->tokens = b->burst;
    b->at = now;
    if (b->tokens < 1)
        return false;
    b->tokens -= 1;
    return true;
}

#define CADENCE (10 * NS_PER_MS)

/* Learning probes every CADENCE to closed ports, from `start`, until the
 * model knows the limiter; returns the time it did. */
static uint64_t learn(struct icmp_limiter *l, struct bucket *b, uint64_t start)
{
    uint64_t t = start;
    for (; !l->known && t < start + 30 * NS_PER_SEC; t += CADENCE)
        if (bucket_take(b, t))
            lim_answer(l, t, CADENCE);
    return t;
}

void test_icmplimit_learns(void)
{
    /* Linux's default after the first burst: empty at 0, one per second. */
    struct bucket b = {.tokens = 0, .burst = 6, .at = 0, .interval = NS_PER_SEC};
    struct icmp_limiter l;
    lim_init(&l, 6, 0);
    uint64_t t = learn(&l, &b, 1500 * NS_PER_MS); /* 1.5 tokens saved up meanwhile */
    CHECK(l.known);
    CHECK(l.interval_ns >= NS_PER_SEC && l.interval_ns <= NS_PER_SEC + CADENCE);
    CHECK(t < 5 * NS_PER_SEC); /* three answers' worth */
    /* A fast limiter (5 ms): every probe answered; never thought faster
     * than the probes could show. */
    struct bucket fast = {.tokens = 0, .burst = 50, .at = 0, .interval = 5 * NS_PER_MS};
    lim_init(&l, 50, 0);
    learn(&l, &fast, 0);
    CHECK(l.known && l.interval_ns >= 5 * NS_PER_MS);
}

/* Once known, a probe the model says finds a token always does: silence is
 * never believed while the host's bucket is empty. */
void test_icmplimit_never_overdraws(void)
{
    struct bucket b = {.tokens = 0, .burst = 6, .at = 0, .interval = NS_PER_SEC};
    struct icmp_limiter l;
    lim_init(&l, 6, 0);
    uint64_t t = learn(&l, &b, 300 * NS_PER_MS);
    int answers = 0, overdrawn = 0;
    for (uint64_t end = t + 20 * NS_PER_SEC; t < end; t += NS_PER_MS)
        if (lim_has_token(&l, t, 0)) {
            if (bucket_take(&b, t)) {
                answers++;
                lim_answer(&l, t, CADENCE);
            } else {
                overdrawn++;
            }
        }
    CHECK(overdrawn == 0);
    CHECK(answers >= 19 && answers <= 21); /* close to the host's one per second */
}

void test_icmplimit_edges(void)
{
    struct icmp_limiter l;
    /* Nothing answered for give_up: nothing left to refuse; the bucket is
     * taken as full. */
    lim_init(&l, 6, 0);
    lim_tick(&l, 2 * NS_PER_SEC, 3 * NS_PER_SEC, 64);
    CHECK(!l.known && !lim_has_token(&l, 2 * NS_PER_SEC, 0));
    lim_tick(&l, 4 * NS_PER_SEC, 3 * NS_PER_SEC, 64);
    CHECK(l.known && lim_has_token(&l, 4 * NS_PER_SEC, 63) && !lim_has_token(&l, 4 * NS_PER_SEC, 64));
    /* ... but one that answered while learning keeps its measured burst. */
    lim_init(&l, 6, 0);
    lim_answer(&l, NS_PER_SEC, CADENCE);
    lim_tick(&l, 5 * NS_PER_SEC, 3 * NS_PER_SEC, 64);
    CHECK(l.known && lim_has_token(&l, 5 * NS_PER_SEC, 5) && !lim_has_token(&l, 5 * NS_PER_SEC, 6));
    /* A believed silence that later answered: slower by half, and empty. */
    uint64_t before = l.interval_ns;
    lim_contradicted(&l, 5 * NS_PER_SEC);
    CHECK(l.interval_ns == before + before / 2 && !lim_has_token(&l, 5 * NS_PER_SEC, 0));
    /* A burst of 0 counts as 1: the first pass saw at least one answer. */
    lim_init(&l, 0, 0);
    CHECK(l.burst == 1);
}
