/* rdns with a stand-in resolver of known delay: lookups overlap, and the
 * caller leaves at once on a stop or a deadline, whatever is in flight. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "rdns.h"
#include "unit.h"

void test_rdns_concurrent(void);
void test_rdns_interrupt(void);

#define SLOW_MS 200

static int slow_lookup(const struct addr *a, char *name, size_t len)
{
    struct timespec ts = {0, SLOW_MS * 1000000L};
    nanosleep(&ts, NULL);
    if ((a->u.v4 & 0xff) % 8 == 7)
        return -1; /* no name */
    snprintf(name, len, "h%u.lab.test", a->u.v4 & 0xff);
    return 0;
}

static struct host_result *hosts_new(uint32_t n)
{
    struct host_result *h = calloc(n, sizeof *h);
    for (uint32_t i = 0; h && i < n; i++) {
        h[i].addr = addr_v4((198u << 24) | (18u << 16) | i);
        h[i].status = i % 16 == 5 ? HOST_DOWN : HOST_UP;
    }
    return h;
}

static void hosts_free(struct host_result *h, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(h[i].rdns);
    free(h);
}

static double secs_since(uint64_t t0)
{
    return (double)(now_ns() - t0) / 1e9;
}

void test_rdns_concurrent(void)
{
    /* 128 lookups of 200 ms: 25.6 s one at a time, 1.6 s sixteen at a time. */
    uint32_t n = 128;
    struct host_result *h = hosts_new(n);
    volatile sig_atomic_t stop = 0;
    err_t e = {{0}};
    uint64_t t0 = now_ns();
    int cut = rdns_resolve_with(h, n, &stop, 0, slow_lookup, &e);
    double took = secs_since(t0);
    CHECK(cut == 0);
    CHECK(took < 5.0);
    if (took >= 5.0)
        fprintf(stderr, "    128 lookups of %d ms took %.1f s\n", SLOW_MS, took);
    int wrong = 0;
    for (uint32_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "h%u.lab.test", i);
        bool named = h[i].status == HOST_UP && i % 8 != 7;
        wrong += named ? !h[i].rdns || strcmp(h[i].rdns, want) : h[i].rdns != NULL;
    }
    CHECK(wrong == 0);
    /* Hosts already named are not looked up again; nothing to do is quick. */
    t0 = now_ns();
    CHECK(rdns_resolve_with(h, 8, &stop, 0, slow_lookup, &e) == 0);
    CHECK(secs_since(t0) < 0.1 + SLOW_MS / 1000.0);
    CHECK(rdns_resolve_with(h, 0, &stop, 0, slow_lookup, &e) == 0);
    hosts_free(h, n);
}

static void *set_later(void *arg)
{
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    *(volatile sig_atomic_t *)arg = 1;
    return NULL;
}

void test_rdns_interrupt(void)
{
    uint32_t n = 256;
    struct host_result *h = hosts_new(n);
    volatile sig_atomic_t stop = 0;
    err_t e = {{0}};
    pthread_t t;
    pthread_create(&t, NULL, set_later, (void *)&stop);
    uint64_t t0 = now_ns();
    int cut = rdns_resolve_with(h, n, &stop, 0, slow_lookup, &e);
    double took = secs_since(t0);
    pthread_join(t, NULL);
    /* Stopped 300 ms in: back within a wait slice, most lookups never made. */
    CHECK(took < 0.45);
    CHECK(cut > 100);
    uint32_t named = 0;
    for (uint32_t i = 0; i < n; i++)
        named += h[i].rdns != NULL;
    CHECK(named > 0 && named < 64);
    hosts_free(h, n); /* the pool still holds lookups: they must not touch h */

    /* A deadline the same way. */
    h = hosts_new(n);
    stop = 0;
    t0 = now_ns();
    cut = rdns_resolve_with(h, n, &stop, now_ns() + 300 * NS_PER_MS, slow_lookup, &e);
    took = secs_since(t0);
    CHECK(took >= 0.29 && took < 0.45);
    CHECK(cut > 100);
    hosts_free(h, n);
    /* Let the abandoned lookups end before the leak checker looks. */
    struct timespec ts = {0, 2 * SLOW_MS * 1000000L};
    nanosleep(&ts, NULL);
}
