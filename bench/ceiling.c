/* ceiling: the machine's packet ceiling, for bench/engine.sh.
 *
 *   ceiling IFACE DST_MAC SRC_IP NET/LEN PORT[,PORT...] [THREADS]
 *
 * Sends one TCP SYN frame to every (address, port) of NET/LEN x PORTs, once,
 * as fast as the kernel takes them, and prints the frames sent and the rate.
 * It is the least work a SYN scanner can do per probe: frames built in place
 * in an AF_PACKET TX ring (PACKET_TX_RING, TPACKET_V2) from one template with
 * only the destination, port, sequence and checksums patched, handed to the
 * driver past the qdisc (PACKET_QDISC_BYPASS), one send() per batch; no rate
 * control, no receiver, no retransmissions, no cookie.  THREADS senders
 * (default: one per CPU) each own a socket and a ring and take every
 * THREADS-th frame.
 *
 * What the targets received is counted outside (their interface's
 * rx_packets): a frame the kernel could not queue (a full backlog) is not
 * lost here, because tpacket_snd() leaves it in the ring and the next send()
 * offers it again.
 *
 * Order: frame i goes to port i % nports of host (i / nports) * M mod 2^k
 * (M odd, so a bijection of the 2^k hosts), which spreads each port's SYNs
 * over the whole prefix as a scanner's permutation does. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_SIZE 128u   /* ring slot: tpacket2 header + 54-byte frame */
#define BLOCK_SIZE 4096u
#define RING_FRAMES 4096u /* per sender */
#define BATCH 256u        /* frames handed over per send() */
#define FRAME_LEN 54u     /* Ethernet 14 + IPv4 20 + TCP 20 */
#define MAX_PORTS 64
#define HOST_MULT 40503u  /* odd: host permutation multiplier */

/* Everything a sender needs; read-only once the senders start. */
struct work {
    int ifindex;
    uint8_t src_mac[6], dst_mac[6];
    uint32_t src_ip, net; /* host byte order */
    unsigned host_bits;
    uint16_t ports[MAX_PORTS];
    unsigned nports;
    uint64_t total;
    unsigned threads;
};

struct sender {
    const struct work *w;
    unsigned id;
    pthread_barrier_t *start;
    uint64_t sent;
    int err; /* errno of a failure, 0 if none */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sums 16-bit big-endian words into a 32-bit accumulator. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }

/* The frame every probe starts from: addresses, TTL, SYN, window. */
static void template(const struct work *w, uint8_t *f)
{
    memset(f, 0, FRAME_LEN);
    memcpy(f, w->dst_mac, 6);
    memcpy(f + 6, w->src_mac, 6);
    put16(f + 12, ETHERTYPE_IP);
    uint8_t *ip = f + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, 40);
    ip[8] = 64;
    ip[9] = IPPROTO_TCP;
    put32(ip + 12, w->src_ip);
    tcp[12] = 5 << 4;
    tcp[13] = 0x02; /* SYN */
    put16(tcp + 14, 65535);
}

/* Patches probe i into a copy of the template. */
static void patch(const struct work *w, uint8_t *f, uint64_t i)
{
    uint32_t mask = w->host_bits >= 32 ? 0xffffffffu : (1u << w->host_bits) - 1;
    uint32_t host = (uint32_t)(i / w->nports) * HOST_MULT & mask;
    uint16_t port = w->ports[i % w->nports];
    uint8_t *ip = f + 14, *tcp = ip + 20;
    uint32_t dst = w->net | host;
    put16(ip + 4, (uint16_t)i);
    put32(ip + 16, dst);
    put16(ip + 10, 0);
    put16(ip + 10, fold(sum16(ip, 20, 0)));
    put16(tcp, (uint16_t)(40000 + i % 1024));
    put16(tcp + 2, port);
    put32(tcp + 4, (uint32_t)(i * 2654435761u));
    put16(tcp + 16, 0);
    uint32_t pseudo = sum16(ip + 12, 8, 0) + IPPROTO_TCP + 20;
    put16(tcp + 16, fold(sum16(tcp, 20, pseudo)));
}

/* A socket with a mapped TX ring bound to the interface; -1 on error. */
static int open_ring(const struct work *w, uint8_t **ring)
{
    int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: receives nothing */
    int v2 = TPACKET_V2, one = 1;
    struct tpacket_req req = {.tp_block_size = BLOCK_SIZE, .tp_block_nr = RING_FRAMES * FRAME_SIZE / BLOCK_SIZE,
                              .tp_frame_size = FRAME_SIZE, .tp_frame_nr = RING_FRAMES};
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = w->ifindex};
    if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof v2) < 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_LOSS, &one, sizeof one) < 0 || /* skip a malformed frame */
        setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0 ||
        bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        goto fail;
    *ring = mmap(NULL, (size_t)RING_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (*ring == MAP_FAILED)
        goto fail;
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

static uint32_t status(const struct tpacket2_hdr *h) { return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE); }

/* Fills free slots and hands them over until this sender's share is sent,
 * then waits for the ring to drain. */
static void *send_all(void *arg)
{
    struct sender *s = arg;
    const struct work *w = s->w;
    uint8_t *ring, tmpl[FRAME_LEN];
    int fd = open_ring(w, &ring);
    pthread_barrier_wait(s->start);
    if (fd < 0) {
        s->err = errno;
        return NULL;
    }
    template(w, tmpl);
    const size_t data = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
    unsigned slot = 0;
    uint64_t i = s->id;
    for (;;) {
        unsigned n = 0;
        for (; n < BATCH && i < w->total; n++, i += w->threads) {
            struct tpacket2_hdr *h = (void *)(ring + (size_t)slot * FRAME_SIZE);
            if (status(h) != TP_STATUS_AVAILABLE)
                break;
            uint8_t *f = (uint8_t *)h + data;
            memcpy(f, tmpl, FRAME_LEN);
            patch(w, f, i);
            h->tp_len = FRAME_LEN;
            __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
            slot = (slot + 1) % RING_FRAMES;
            s->sent++;
        }
        /* Blocking: returns once the kernel has taken every requested
         * frame; ENOBUFS means one was refused and stays for the next call. */
        if (send(fd, NULL, 0, 0) < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
            s->err = errno;
            break;
        }
        if (i >= w->total && n == 0) {
            unsigned busy = 0;
            for (unsigned k = 0; k < RING_FRAMES; k++)
                busy += status((void *)(ring + (size_t)k * FRAME_SIZE)) != TP_STATUS_AVAILABLE;
            if (!busy)
                break;
        }
    }
    munmap(ring, (size_t)RING_FRAMES * FRAME_SIZE);
    close(fd);
    return NULL;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
        return -1;
    for (int k = 0; k < 6; k++)
        mac[k] = (uint8_t)b[k];
    return 0;
}

static int src_mac(const char *ifname, uint8_t mac[6])
{
    struct ifreq ifr = {0};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    int rc = fd < 0 ? -1 : ioctl(fd, SIOCGIFHWADDR, &ifr);
    if (fd >= 0)
        close(fd);
    if (rc == 0)
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return rc;
}

/* argv -> work; a one-line message and -1 on bad input. */
static int parse(int argc, char **argv, struct work *w)
{
    struct in_addr a;
    char net[64], *slash;
    if (argc < 6 || argc > 7) {
        fprintf(stderr, "usage: ceiling IFACE DST_MAC SRC_IP NET/LEN PORT[,PORT...] [THREADS]\n");
        return -1;
    }
    w->ifindex = (int)if_nametoindex(argv[1]);
    if (!w->ifindex || src_mac(argv[1], w->src_mac) < 0)
        return fprintf(stderr, "ceiling: no interface %s\n", argv[1]), -1;
    if (parse_mac(argv[2], w->dst_mac) < 0)
        return fprintf(stderr, "ceiling: bad MAC %s\n", argv[2]), -1;
    if (inet_pton(AF_INET, argv[3], &a) != 1)
        return fprintf(stderr, "ceiling: bad source %s\n", argv[3]), -1;
    w->src_ip = ntohl(a.s_addr);
    snprintf(net, sizeof net, "%s", argv[4]);
    slash = strchr(net, '/');
    int len = slash ? atoi(slash + 1) : -1;
    if (slash)
        *slash = 0;
    if (!slash || len < 8 || len > 32 || inet_pton(AF_INET, net, &a) != 1)
        return fprintf(stderr, "ceiling: bad prefix %s (want A.B.C.D/8..32)\n", argv[4]), -1;
    w->host_bits = 32u - (unsigned)len;
    w->net = ntohl(a.s_addr) & (w->host_bits == 32 ? 0 : ~((1u << w->host_bits) - 1));
    for (char *p = argv[5], *end; *p && w->nports < MAX_PORTS; p = *end ? end + 1 : end) {
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 65535 || (*end && *end != ','))
            return fprintf(stderr, "ceiling: bad port list %s\n", argv[5]), -1;
        w->ports[w->nports++] = (uint16_t)v;
    }
    long t = argc == 7 ? atol(argv[6]) : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1 || t > 64)
        return fprintf(stderr, "ceiling: bad thread count\n"), -1;
    w->threads = (unsigned)t;
    w->total = ((uint64_t)1 << w->host_bits) * w->nports;
    return 0;
}

int main(int argc, char **argv)
{
    struct work w = {0};
    if (parse(argc, argv, &w) < 0)
        return 2;
    struct sender s[64];
    pthread_t tid[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, w.threads + 1);
    for (unsigned k = 0; k < w.threads; k++) {
        s[k] = (struct sender){.w = &w, .id = k, .start = &start};
        pthread_create(&tid[k], NULL, send_all, &s[k]);
    }
    pthread_barrier_wait(&start);
    uint64_t t0 = now_ns(), sent = 0;
    int err = 0;
    for (unsigned k = 0; k < w.threads; k++) {
        pthread_join(tid[k], NULL);
        sent += s[k].sent;
        err = err ? err : s[k].err;
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    if (err) {
        fprintf(stderr, "ceiling: %s\n", strerror(err));
        return 1;
    }
    printf("ceiling: %llu frames in %.3f s: %.0f frames/s sent (%u senders)\n", (unsigned long long)sent, secs,
           (double)sent / secs, w.threads);
    return 0;
}
