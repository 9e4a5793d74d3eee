/* rdnsbatch: src/rdns.c alone over every address of an IPv4 CIDR, for the
 * lab's reverse DNS test (scout's own run mixes in the port scan).
 *
 *   rdnsbatch CIDR [DEADLINE_MS]
 *
 * Prints "names N of M in S s" (and "cut K" when stopped or out of time);
 * exits 130 when SIGINT stopped it, 0 otherwise, 1 on error. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdns.h"

static volatile sig_atomic_t stop;

static void on_int(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    char net[64];
    unsigned bits;
    struct in_addr ia;
    if (argc < 2 || sscanf(argv[1], "%63[0-9.]/%u", net, &bits) != 2 || bits < 16 || bits > 32 ||
        inet_pton(AF_INET, net, &ia) != 1) {
        fprintf(stderr, "usage: rdnsbatch A.B.C.D/BITS [DEADLINE_MS]  (BITS 16-32)\n");
        return 1;
    }
    uint32_t n = 1u << (32 - bits), base = ntohl(ia.s_addr) & ~(n - 1);
    struct host_result *h = calloc(n, sizeof *h);
    if (!h)
        return 1;
    for (uint32_t i = 0; i < n; i++) {
        h[i].addr = addr_v4(base + i);
        h[i].status = HOST_UP;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_int;
    sigaction(SIGINT, &sa, NULL);
    uint64_t t0 = now_ns();
    uint64_t deadline = argc > 2 ? t0 + strtoull(argv[2], NULL, 10) * NS_PER_MS : 0;
    err_t e = {{0}};
    int cut = rdns_resolve(h, n, &stop, deadline, &e);
    if (cut < 0) {
        fprintf(stderr, "rdnsbatch: %s\n", e.msg);
        return 1;
    }
    uint32_t named = 0;
    for (uint32_t i = 0; i < n; i++)
        named += h[i].rdns != NULL;
    printf("names %u of %u in %.2f s", named, n, (double)(now_ns() - t0) / 1e9);
    if (cut)
        printf(" cut %d", cut);
    printf("\n");
    if (n > 1 && h[1].rdns)
        printf("first %s\n", h[1].rdns);
    fflush(stdout);
    /* Lookups still running hold the batch, not h: exit without waiting. */
    for (uint32_t i = 0; i < n; i++)
        free(h[i].rdns);
    free(h);
    return stop ? 130 : 0;
}
