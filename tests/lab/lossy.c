/* lossy: the lab's impaired link.  A userspace wire between two interfaces
 * that copies every frame across after a fixed delay, dropping each with a
 * given probability (this kernel has no netem).
 *
 *   lossy IF_A IF_B DELAY_MS LOSS_PERCENT SEED [RATE_PPS QUEUE_MS]
 *
 * With RATE_PPS the link is also a bottleneck, like a slow router port:
 * frames leave each direction at most RATE_PPS a second, wait in a queue
 * of QUEUE_MS, and are dropped when that queue is full (tail drop).
 *
 * Every frame is copied, whatever its ethertype: IPv4, ARP, IPv6 and its
 * neighbour discovery (multicast to 33:33:ff:..; both ends are promiscuous)
 * cross alike, so both families work through the link.
 *
 * Frames are read with AF_PACKET, held in one FIFO per direction (the delay
 * is constant, so due times are ordered) and written out when due.  A full
 * queue drops the frame, as a router's would.  Runs until killed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QCAP 16384
#define FRAME 2048

struct entry {
    uint64_t due;
    uint16_t len;
    uint8_t data[FRAME];
};

struct queue {
    struct entry *e;
    uint32_t head, len;
    uint64_t last_depart; /* bottleneck: when the previous frame left it */
};

struct link {
    uint64_t delay, gap, queue; /* ns; gap = 1/rate (0 = no bottleneck) */
    double loss;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int open_if(const char *name)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    int one = 1;
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                              .sll_ifindex = (int)if_nametoindex(name)};
    struct packet_mreq mr = {.mr_ifindex = sll.sll_ifindex, .mr_type = PACKET_MR_PROMISC};
    if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        perror(name);
        exit(1);
    }
    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr);
    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    return fd;
}

/* When a frame arriving now leaves the bottleneck; 0 if the queue is full. */
static uint64_t depart(struct queue *q, const struct link *l, uint64_t now)
{
    if (!l->gap)
        return now;
    uint64_t d = (q->last_depart > now ? q->last_depart : now) + l->gap;
    if (d - now > l->queue)
        return 0;
    q->last_depart = d;
    return d;
}

/* Reads every waiting frame from fd into q, dropping with probability loss. */
static void take(int fd, struct queue *q, const struct link *l, uint64_t *dropped)
{
    uint8_t buf[65536];
    struct sockaddr_ll from;
    for (;;) {
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n <= 0)
            return;
        if (from.sll_pkttype == PACKET_OUTGOING)
            continue;
        uint64_t d = 0;
        if (drand48() < l->loss || n > FRAME || q->len == QCAP || !(d = depart(q, l, now_ns()))) {
            (*dropped)++;
            continue;
        }
        struct entry *e = &q->e[(q->head + q->len++) % QCAP];
        e->due = d + l->delay;
        e->len = (uint16_t)n;
        memcpy(e->data, buf, (size_t)n);
    }
}

/* Sends what is due; returns ns until the next frame is due (or -1). */
static int64_t give(int fd, struct queue *q, uint64_t now)
{
    while (q->len) {
        struct entry *e = &q->e[q->head];
        if (e->due > now)
            return (int64_t)(e->due - now);
        send(fd, e->data, e->len, 0);
        q->head = (q->head + 1) % QCAP;
        q->len--;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 8) {
        fprintf(stderr, "usage: lossy IF_A IF_B DELAY_MS LOSS_PERCENT SEED [RATE_PPS QUEUE_MS]\n");
        return 2;
    }
    int fa = open_if(argv[1]), fb = open_if(argv[2]);
    struct link l = {.delay = (uint64_t)(atof(argv[3]) * 1e6), .loss = atof(argv[4]) / 100.0};
    if (argc == 8 && atof(argv[6]) > 0) {
        l.gap = (uint64_t)(1e9 / atof(argv[6]));
        l.queue = (uint64_t)(atof(argv[7]) * 1e6);
    }
    srand48(atol(argv[5]));
    struct queue ab = {calloc(QCAP, sizeof(struct entry)), 0, 0, 0};
    struct queue ba = {calloc(QCAP, sizeof(struct entry)), 0, 0, 0};
    uint64_t dropped = 0;
    struct pollfd pfd[2] = {{.fd = fa, .events = POLLIN}, {.fd = fb, .events = POLLIN}};
    for (;;) {
        uint64_t now = now_ns();
        int64_t w1 = give(fb, &ab, now), w2 = give(fa, &ba, now);
        int64_t w = w1 < 0 ? w2 : (w2 < 0 ? w1 : (w1 < w2 ? w1 : w2));
        struct timespec ts = {0, w < 0 ? 100000000 : w}, *tp = &ts;
        ppoll(pfd, 2, tp, NULL);
        take(fa, &ab, &l, &dropped);
        take(fb, &ba, &l, &dropped);
    }
}
