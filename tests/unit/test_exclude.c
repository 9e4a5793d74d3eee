/* targets_contains: the interval index agrees with the specs one by one,
 * and answers a long exclude list in logarithmic time. */
#include <time.h>

#include "targets.h"
#include "unit.h"

void test_targets_contains_index(void);
void test_targets_contains_fast(void);

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* The definition: some spec of the list holds a. */
static bool brute_contains(const struct targets *t, const struct addr *a)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct tspec *s = &t->v[i];
        if (s->kind == TS_RANGE) {
            if (a->family == s->base.family && addr_prefix_match(a, &s->base, s->prefix))
                return true;
            continue;
        }
        if (a->family != AF_INET)
            continue;
        bool in = true;
        for (int k = 0; k < 4 && in; k++) {
            unsigned v = (a->u.v4 >> (8 * (3 - k))) & 0xff;
            in = s->oct->bits[k][v / 8] & (1 << (v % 8));
        }
        if (in)
            return true;
    }
    return false;
}

static void add(struct targets *t, const char *spec)
{
    err_t e;
    if (targets_add(t, spec, TARGET_V4 | TARGET_NO_RESOLVE, &e) < 0) {
        fprintf(stderr, "    %s: %s\n", spec, e.msg);
        unit_failures++;
    }
}

void test_targets_contains_index(void)
{
    struct targets t;
    err_t e;
    char spec[96];
    targets_init(&t);
    /* Overlapping and touching ranges of every size, octet specs that
     * expand (runs in their last partial octet) and ones that do not. */
    for (int i = 0; i < 300; i++) {
        snprintf(spec, sizeof spec, "10.%u.%u.%u/%u", rnd() % 4, rnd() % 256, rnd() % 256, 20 + rnd() % 13);
        add(&t, spec);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(spec, sizeof spec, "10.%u.%u-%u,%u.*", rnd() % 4, rnd() % 100, 100 + rnd() % 50, 200 + rnd() % 56);
        add(&t, spec);
        snprintf(spec, sizeof spec, "10.%u,%u.%u.1-9,20,22-30", rnd() % 4, rnd() % 4, rnd() % 256);
        add(&t, spec);
    }
    add(&t, "*.*.*.77");         /* 2^24 one-address runs: checked one by one */
    add(&t, "10.0-3.*.250-255"); /* 1024 intervals */
    add(&t, "255.255.255.255");
    add(&t, "0.0.0.0/30");
    add(&t, "10.3.0.0/16");
    add(&t, "10.3.255.255/32"); /* inside the /16 */
    add(&t, "10.4.0.0/32");     /* touching its end */
    add(&t, "fd00::/120");
    add(&t, "fd00::100/120");   /* touching */
    add(&t, "fd00:0:0:1::/80");
    add(&t, "::/126");
    add(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(targets_finish(&t, &e) == 0);
    CHECK(t.nodd == 1);

    static const char *const edges[] = {
        "10.3.255.255", "10.4.0.0", "10.4.0.1", "10.2.255.255", "0.0.0.3", "0.0.0.4",
        "255.255.255.255", "255.255.255.254", "1.2.3.77", "1.2.3.78", "fd00::1ff", "fd00::200",
        "fd00::ff", "fd00:0:0:1:0:ffff:ffff:ffff", "fd00:0:0:1:1::", "::3", "::4",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
    };
    struct addr a;
    int wrong = 0;
    for (size_t i = 0; i < ARRAY_LEN(edges); i++) {
        addr_parse(edges[i], &a);
        if (targets_contains(&t, &a) != brute_contains(&t, &a)) {
            fprintf(stderr, "    %s: index %d, specs %d\n", edges[i], targets_contains(&t, &a), brute_contains(&t, &a));
            wrong++;
        }
    }
    for (int i = 0; i < 40000; i++) {
        uint32_t v = i % 4 ? (10u << 24) | (rnd() % 5) << 16 | (rnd() & 0xffff) : rnd() ^ rnd() << 16;
        a = addr_v4(v);
        wrong += targets_contains(&t, &a) != brute_contains(&t, &a);
        addr_parse("fd00::", &a);
        a.u.v6[7] = (uint8_t)(rnd() % 3);
        a.u.v6[14] = (uint8_t)(rnd() % 4);
        a.u.v6[15] = (uint8_t)rnd();
        wrong += targets_contains(&t, &a) != brute_contains(&t, &a);
    }
    CHECK(wrong == 0);
    targets_free(&t);
}

void test_targets_contains_fast(void)
{
    /* 50 000 excludes against 500 000 lookups: 2.5e10 spec tests when each
     * lookup walked the list (minutes), a few million steps with the index. */
    struct targets t;
    err_t e;
    char spec[64];
    targets_init(&t);
    for (int i = 0; i < 50000; i++) {
        snprintf(spec, sizeof spec, "10.%u.%u.%u/%u", rnd() % 256, rnd() % 256, rnd() % 256, 28 + rnd() % 5);
        add(&t, spec);
    }
    CHECK(targets_finish(&t, &e) == 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint32_t hits = 0;
    for (uint32_t i = 0; i < 500000; i++) {
        struct addr a = addr_v4((10u << 24) | (rnd() & 0xffffff));
        hits += targets_contains(&t, &a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(s < 2.0);
    CHECK(hits > 0);
    targets_free(&t);
}
