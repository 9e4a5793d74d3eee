#include "timing.h"
#include "unit.h"
#include "util.h"

void test_timing_rtt(void);
void test_timing_cwnd(void);
void test_timing_rate(void);
void test_timing_ratectl(void);
void test_timing_templates(void);
void test_timing_parse(void);

void test_timing_rtt(void)
{
    struct timing_conf tc;
    timing_template(&tc, 3);
    struct rtt_est r = {0};
    CHECK(rtt_timeout(&r, &tc) == NS_PER_SEC); /* initial, before any sample */
    rtt_sample(&r, 200 * NS_PER_MS);
    CHECK(r.srtt_ns == 200 * NS_PER_MS && r.rttvar_ns == 100 * NS_PER_MS);
    CHECK(rtt_timeout(&r, &tc) == 600 * NS_PER_MS); /* srtt + 4 rttvar */
    rtt_sample(&r, 200 * NS_PER_MS);
    CHECK(r.srtt_ns == 200 * NS_PER_MS && r.rttvar_ns == 75 * NS_PER_MS);
    for (int i = 0; i < 100; i++)
        rtt_sample(&r, 10000); /* 10 us: a LAN */
    CHECK(rtt_timeout(&r, &tc) == tc.min_rtt_ns); /* clamped below */
    for (int i = 0; i < 100; i++)
        rtt_sample(&r, 60 * NS_PER_SEC);
    CHECK(rtt_timeout(&r, &tc) == tc.max_rtt_ns); /* clamped above */
}

void test_timing_cwnd(void)
{
    struct timing_conf tc;
    timing_template(&tc, 3);
    struct cwnd c;
    cwnd_init(&c, &tc, 1000);
    uint32_t start = cwnd_allowed(&c);
    for (int i = 0; i < 32; i++)
        cwnd_on_reply(&c);
    CHECK(cwnd_allowed(&c) == start + 32); /* slow start: +1 per reply */
    cwnd_on_drop(&c);
    CHECK(cwnd_allowed(&c) == (start + 32) / 2);
    uint32_t before = cwnd_allowed(&c);
    for (uint32_t i = 0; i < 2 * before + 2; i++)
        cwnd_on_reply(&c);
    /* Congestion avoidance: about +1 per window of replies. */
    CHECK(cwnd_allowed(&c) >= before + 1 && cwnd_allowed(&c) <= before + 2);
    for (int i = 0; i < 100000; i++)
        cwnd_on_reply(&c);
    CHECK(cwnd_allowed(&c) <= 1000);
    tc.max_parallelism = 5;
    cwnd_init(&c, &tc, 1000);
    for (int i = 0; i < 100; i++)
        cwnd_on_reply(&c);
    CHECK(cwnd_allowed(&c) == 5); /* --max-parallelism */
}

void test_timing_rate(void)
{
    struct ratelimit r;
    uint64_t t = 1000 * NS_PER_SEC;
    rate_init(&r, 1000, t);
    int sent = 0;
    /* Ten simulated seconds in 100 us steps: exactly the rate, within a burst. */
    for (uint64_t step = 0; step < 100000; step++) {
        t += 100000;
        while (rate_take(&r, t))
            sent++;
    }
    CHECK(sent >= 9990 && sent <= 10021);
    rate_init(&r, 10, t);
    CHECK(rate_take(&r, t));
    CHECK(!rate_take(&r, t));
    CHECK(rate_wait(&r, t) == 100 * NS_PER_MS);
    CHECK(rate_take(&r, t + 100 * NS_PER_MS));
}

void test_timing_templates(void)
{
    struct timing_conf tc;
    timing_template(&tc, 4);
    CHECK(tc.max_rtt_ns == 1250 * NS_PER_MS && tc.initial_rtt_ns == 500 * NS_PER_MS &&
          tc.max_retries == 6);
    timing_template(&tc, 5);
    CHECK(tc.max_rtt_ns == 300 * NS_PER_MS && tc.max_retries == 2 &&
          tc.host_timeout_ns == 900 * NS_PER_SEC);
    timing_template(&tc, 0);
    CHECK(tc.max_parallelism == 1 && tc.scan_delay_ns == 300 * NS_PER_SEC);
    timing_template(&tc, 2);
    CHECK(tc.scan_delay_ns == 400 * NS_PER_MS);
}

void test_timing_parse(void)
{
    uint64_t v;
    err_t e;
    CHECK(parse_time_ns("500ms", &v, &e, "x") == 0 && v == 500 * NS_PER_MS);
    CHECK(parse_time_ns("2", &v, &e, "x") == 0 && v == 2 * NS_PER_SEC);
    CHECK(parse_time_ns("1.5s", &v, &e, "x") == 0 && v == 1500 * NS_PER_MS);
    CHECK(parse_time_ns("5m", &v, &e, "x") == 0 && v == 300 * NS_PER_SEC);
    CHECK(parse_time_ns("1h", &v, &e, "x") == 0 && v == 3600 * NS_PER_SEC);
    CHECK(parse_time_ns("5x", &v, &e, "x") < 0);
    CHECK(parse_time_ns("-1", &v, &e, "x") < 0);
    CHECK(parse_time_ns("", &v, &e, "x") < 0);
    CHECK(parse_time_ns("nan", &v, &e, "x") < 0);
}

/* A simulated bottleneck of 10k probes/s in front of a host that answers
 * 96 % of what reaches it: the controller settles around the bottleneck
 * (AIMD's saw-tooth: the mean rate of the last second is returned). */
static double ratectl_run(double bottleneck, double answer_share, uint64_t *t, struct rate_ctl *c)
{
    double sent = 0, replies = 0, tail = 0; /* fractions carried: 100/s is one probe a step */
    for (int step = 0; step < 400; step++) { /* 400 x 10 ms */
        if (step >= 300)
            tail += c->rate / 100;
        double n = c->rate / 100, through = MIN(n, bottleneck / 100);
        sent += n;
        replies += through * answer_share;
        *t += 10 * NS_PER_MS;
        ratectl_update(c, (uint64_t)sent, (uint64_t)replies, 0, *t, *t);
    }
    return tail;
}

void test_timing_ratectl(void)
{
    struct rate_ctl c;
    uint64_t t = NS_PER_SEC;
    ratectl_init(&c, 10000, 0, 200000, t);
    double r = ratectl_run(10000, 0.96, &t, &c);
    CHECK(r >= 5000 && r <= 16000);
    CHECK(!c.slow_start);
    /* Random loss without a bottleneck: full speed. */
    ratectl_init(&c, 10000, 0, 200000, t);
    CHECK(ratectl_run(1e9, 0.96, &t, &c) == 200000);
    /* A host that answers nothing gives no signal: full speed too. */
    ratectl_init(&c, 10000, 0, 200000, t);
    CHECK(ratectl_run(10000, 0.0, &t, &c) == 200000);
    /* --min-rate is a floor. */
    ratectl_init(&c, 10000, 50000, 200000, t);
    CHECK(ratectl_run(10000, 0.96, &t, &c) >= 50000);
    /* Halved down to the floor (100/s) by a loaded moment, it climbs again
     * once the replies keep up (it stayed at 100/s for 1147 s). */
    ratectl_init(&c, 100, 100, 100000, t);
    c.slow_start = false;
    c.best = 0.96;
    double sent = 0, replies = 0;
    for (int ms = 0; ms < 3000; ms++) { /* the engine's 1 ms tick */
        sent += c.rate / 1000;
        replies += c.rate / 1000 * 0.96;
        t += NS_PER_MS;
        ratectl_update(&c, (uint64_t)sent, (uint64_t)replies, 0, t, t);
    }
    CHECK(c.rate > 1000);
}
