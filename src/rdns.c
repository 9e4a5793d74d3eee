#include "rdns.h"

#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_SLICE_NS (50 * NS_PER_MS) /* how often the caller looks at *stop */

struct item {
    struct addr addr;
    char *name;   /* found (owned until handed to the caller), or NULL */
    bool done;
};

/* Shared by the caller and the threads; freed by whoever leaves it last. */
struct batch {
    pthread_mutex_t mu;
    pthread_cond_t cv;  /* signalled on each finished lookup (CLOCK_MONOTONIC) */
    rdns_lookup_fn lookup;
    uint32_t n, next, finished;
    int refs;
    bool abandoned;     /* the caller has left: take no further item */
    struct item items[];
};

static int system_lookup(const struct addr *a, char *name, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    addr_to_sockaddr(a, 0, &ss, &sl);
    return getnameinfo((struct sockaddr *)&ss, sl, name, (socklen_t)len, NULL, 0, NI_NAMEREQD);
}

static void batch_free(struct batch *b)
{
    for (uint32_t k = 0; k < b->n; k++)
        free(b->items[k].name);
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b);
}

/* Drops one reference, the mutex held; frees the batch after the last. */
static void unref_unlock(struct batch *b)
{
    bool last = --b->refs == 0;
    pthread_mutex_unlock(&b->mu);
    if (last)
        batch_free(b);
}

static void *pool_thread(void *arg)
{
    struct batch *b = arg;
    pthread_mutex_lock(&b->mu);
    while (!b->abandoned && b->next < b->n) {
        uint32_t k = b->next++;
        struct addr a = b->items[k].addr;
        pthread_mutex_unlock(&b->mu);
        char name[NI_MAXHOST];
        char *found = b->lookup(&a, name, sizeof name) == 0 ? strndup(name, sizeof name) : NULL;
        pthread_mutex_lock(&b->mu);
        b->items[k].name = found;
        b->items[k].done = true;
        b->finished++;
        pthread_cond_signal(&b->cv);
    }
    unref_unlock(b);
    return NULL;
}

static struct batch *batch_new(struct host_result *hosts, uint32_t n, uint32_t *idx,
                               rdns_lookup_fn lookup, err_t *e)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (hosts[i].status == HOST_UP && !hosts[i].rdns)
            idx[m++] = i;
    struct batch *b = calloc(1, sizeof *b + (size_t)m * sizeof b->items[0]);
    if (!b) {
        err_set(e, "out of memory for reverse DNS");
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&b->mu, NULL);
    b->lookup = lookup;
    b->refs = 1; /* the caller's */
    b->n = m;
    for (uint32_t k = 0; k < m; k++)
        b->items[k].addr = hosts[idx[k]].addr;
    return b;
}

/* Starts up to RDNS_THREADS detached threads; returns how many started. */
static uint32_t start_pool(struct batch *b, err_t *e)
{
    uint32_t want = MIN(b->n, (uint32_t)RDNS_THREADS), started = 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    b->refs += (int)want; /* one per thread, taken before any runs */
    for (; started < want; started++) {
        pthread_t t;
        int err = pthread_create(&t, &attr, pool_thread, b);
        if (err) {
            err_set(e, "cannot start a reverse DNS thread: %s", strerror(err));
            break;
        }
    }
    pthread_attr_destroy(&attr);
    if (started < want) {
        pthread_mutex_lock(&b->mu);
        b->refs -= (int)(want - started);
        pthread_mutex_unlock(&b->mu);
    }
    return started;
}

/* Waits, the mutex held, until every lookup is over, *stop or the deadline. */
static void wait_done(struct batch *b, const volatile sig_atomic_t *stop, uint64_t deadline_ns)
{
    for (;;) {
        uint64_t now = now_ns();
        if (b->finished == b->n || (stop && *stop) || (deadline_ns && now >= deadline_ns))
            return;
        uint64_t until = now + WAIT_SLICE_NS;
        if (deadline_ns && deadline_ns < until)
            until = deadline_ns;
        struct timespec ts = {(time_t)(until / NS_PER_SEC), (long)(until % NS_PER_SEC)};
        pthread_cond_timedwait(&b->cv, &b->mu, &ts);
    }
}

int rdns_resolve_with(struct host_result *hosts, uint32_t n, const volatile sig_atomic_t *stop,
                      uint64_t deadline_ns, rdns_lookup_fn lookup, err_t *e)
{
    uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return err_set(e, "out of memory for reverse DNS");
    struct batch *b = batch_new(hosts, n, idx, lookup, e);
    if (!b) {
        free(idx);
        return -1;
    }
    if (b->n && start_pool(b, e) == 0) {
        batch_free(b);
        free(idx);
        return -1;
    }
    pthread_mutex_lock(&b->mu);
    wait_done(b, stop, deadline_ns);
    b->abandoned = true;
    int cut = 0;
    for (uint32_t k = 0; k < b->n; k++) {
        hosts[idx[k]].rdns = b->items[k].name; /* ownership moves to the host */
        b->items[k].name = NULL;
        cut += !b->items[k].done;
    }
    unref_unlock(b);
    free(idx);
    return cut;
}

int rdns_resolve(struct host_result *hosts, uint32_t n, const volatile sig_atomic_t *stop,
                 uint64_t deadline_ns, err_t *e)
{
    return rdns_resolve_with(hosts, n, stop, deadline_ns, system_lookup, e);
}
