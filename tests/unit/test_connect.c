/* The -sT engine's failure paths that need no network: a worker whose
 * set-up fails must not leave the run freeing what was never set up. */
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scan.h"
#include "unit.h"

void test_connect_init_failure(void);

/* Fills the stack below us with junk, so that a structure the engine forgets
 * to initialise holds junk rather than lucky zeros. */
static __attribute__((noinline)) void poison_stack(void)
{
    volatile unsigned char junk[1 << 16];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0xa5;
}

static int run_connect(struct job *job, err_t *e)
{
    poison_stack();
    return scan_connect.run(job, e);
}

void test_connect_init_failure(void)
{
    struct conf c;
    memset(&c, 0, sizeof c);
    timing_template(&c.timing, 3);
    c.shard_k = c.shard_n = 1;
    uint16_t port = 9;
    struct portlist pl = {.v = {&port}, .n = {1}};
    struct group g;
    err_t e = {{0}};
    CHECK(group_alloc(&g, 1, &pl, &e) == 0);
    addr_parse("127.0.0.1", &g.hosts[0].addr);
    g.hosts[0].status = HOST_UP;
    struct scan_stats st = {0};
    volatile sig_atomic_t stop = 0;
    struct job job = {.conf = &c, .g = &g, .ports = &pl, .proto = PROTO_TCP, .seed = 1,
                      .stats = &st, .stop = &stop};

    /* No descriptor can be created: the first worker's epoll set fails. */
    struct rlimit saved, rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    int lowest = dup(2);
    close(lowest);
    rl = saved;
    rl.rlim_cur = (rlim_t)lowest;
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    int rc = run_connect(&job, &e);
    setrlimit(RLIMIT_NOFILE, &saved);
    CHECK(rc == -1);
    CHECK(strstr(e.msg, "epoll") != NULL);
    CHECK(g.hosts[0].ports[PROTO_TCP][0].state == PS_UNKNOWN);
    /* Our own descriptors are untouched (a junk worker would close them). */
    CHECK(fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0);
    group_free(&g);
}
