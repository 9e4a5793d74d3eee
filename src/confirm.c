#include "confirm.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* How long a connection gets to be reset after it is established: a proxy
 * asks its server once it has the handshake, so a round trip or two. */
static int settle_ms(const struct host_result *h)
{
    return (int)MIN(1000u, MAX(100u, 4 * h->srtt_us / 1000));
}

/* How many of h's TCP ports are open when it needs a second look (nearly
 * all of many), else 0. */
static uint32_t suspicious(const struct conf *c, const struct host_result *h)
{
    uint32_t n = c->ports.n[PROTO_TCP], counts[PS_COUNT];
    if (h->status != HOST_UP || h->timed_out || n < CONFIRM_MIN_PORTS)
        return 0;
    host_state_counts(h, PROTO_TCP, n, counts);
    return counts[PS_OPEN] * 10 >= n * 9 ? counts[PS_OPEN] : 0;
}

/* Up to CONFIRM_SAMPLE ports, spread evenly over h's nopen open ports. */
static uint32_t sample_ports(const struct conf *c, const struct host_result *h, uint32_t nopen,
                             uint16_t *out)
{
    uint32_t n = c->ports.n[PROTO_TCP], k = 0;
    for (uint32_t i = 0, seen = 0; i < n && k < CONFIRM_SAMPLE; i++) {
        if (h->ports[PROTO_TCP][i].state != PS_OPEN)
            continue;
        if (seen++ * CONFIRM_SAMPLE >= k * nopen) /* the k-th of CONFIRM_SAMPLE strides */
            out[k++] = c->ports.v[PROTO_TCP][i];
    }
    return k;
}

/* Whether a socket's connection was reset: at connect, or since. */
static bool was_reset(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    char b;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
        return err == ECONNRESET || err == ECONNREFUSED;
    return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && errno == ECONNRESET;
}

/* Connects to the sampled ports at once, waits for them to settle, and
 * counts the connections reset; ports that never connect are not counted. */
static void check_host(struct host_result *h, const uint16_t *port, uint32_t n)
{
    struct pollfd pfd[CONFIRM_SAMPLE];
    uint32_t open = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct sockaddr_storage ss;
        socklen_t len;
        addr_to_sockaddr(&h->addr, port[i], &ss, &len);
        int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
            close(fd);
            continue;
        }
        pfd[open++] = (struct pollfd){.fd = fd, .events = POLLOUT};
    }
    /* A settled socket (connected or failed) is hidden from poll as ~fd. */
    uint64_t until = now_ns() + 2 * (uint64_t)settle_ms(h) * NS_PER_MS;
    for (uint32_t waiting = open; waiting;) {
        uint64_t now = now_ns();
        if (now >= until || poll(pfd, open, (int)((until - now) / NS_PER_MS) + 1) <= 0)
            break;
        for (uint32_t i = 0; i < open; i++)
            if (pfd[i].fd >= 0 && pfd[i].revents) {
                pfd[i].fd = ~pfd[i].fd;
                waiting--;
            }
    }
    struct timespec ts = {0, (long)settle_ms(h) * 1000000L};
    nanosleep(&ts, NULL);
    for (uint32_t i = 0; i < open; i++) {
        int fd = pfd[i].fd < 0 ? ~pfd[i].fd : pfd[i].fd;
        if (pfd[i].fd < 0) {
            h->confirm.sampled++;
            h->confirm.reset += was_reset(fd);
        }
        struct linger lg = {1, 0}; /* leave with a RST: no TIME_WAIT */
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(fd);
    }
}

void confirm_group(const struct conf *c, struct group *g, const volatile sig_atomic_t *stop)
{
    for (uint32_t i = 0; i < g->n && !*stop; i++) {
        struct host_result *h = &g->hosts[i];
        uint16_t port[CONFIRM_SAMPLE];
        uint32_t nopen = suspicious(c, h);
        if (!nopen)
            continue;
        uint32_t n = sample_ports(c, h, nopen, port);
        check_host(h, port, n);
    }
}
