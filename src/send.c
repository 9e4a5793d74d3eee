#include "send.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* 256 page-sized blocks: 4096 slots of SEND_FRAME_SMALL bytes, 1 MiB per
 * interface.  Slots come back only once the kernel has freed each frame (on
 * veth, once the peer has taken it), so the ring must cover a burst's
 * worth; single pages, because the kernel allocates each block whole and
 * larger ones took it tens of milliseconds to find. */
#define RING_BLOCK 4096u
#define RING_BLOCKS 256u
#define IP_BATCH 64u
/* Frame data starts after the aligned tpacket2_hdr (the kernel reads it at
 * tp_hdrlen - sizeof(struct sockaddr_ll) for TPACKET_V2). */
#define SLOT_DATA TPACKET_ALIGN(sizeof(struct tpacket2_hdr))

static int open_ring(struct send_way *w, const struct nr_iface *ifc, err_t *e)
{
    w->eth = true;
    uint32_t frame = w->frame;
    w->ifindex = ifc->index;
    memcpy(w->mac, ifc->mac, 6);
    w->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* protocol 0: receives nothing */
    if (w->fd < 0)
        return err_set(e, "this scan needs raw sockets (root or CAP_NET_RAW): AF_PACKET: %s; -sT needs no privileges",
                       strerror(errno));
    int v2 = TPACKET_V2, one = 1;
    struct tpacket_req req = {.tp_block_size = RING_BLOCK, .tp_block_nr = RING_BLOCKS,
                              .tp_frame_size = frame,
                              .tp_frame_nr = RING_BLOCK / frame * RING_BLOCKS};
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifc->index};
    if (setsockopt(w->fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof v2) < 0 ||
        setsockopt(w->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0)
        return err_set(e, "TX ring on %s: %s", ifc->name, strerror(errno));
    /* Best effort: without it frames still go out, through the qdisc. */
    setsockopt(w->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    w->ring = mmap(NULL, (size_t)RING_BLOCK * RING_BLOCKS, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, 0);
    if (w->ring == MAP_FAILED) {
        w->ring = NULL;
        return err_set(e, "TX ring on %s: mmap: %s", ifc->name, strerror(errno));
    }
    w->nframes = req.tp_frame_nr;
    if (bind(w->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
        return err_set(e, "TX ring on %s: bind: %s", ifc->name, strerror(errno));
    return 0;
}

static int open_ip(struct send_way *w, int family, err_t *e)
{
    w->family = family;
    w->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (w->fd < 0)
        return err_set(e, "this scan needs raw sockets (root or CAP_NET_RAW): %s; -sT needs no privileges",
                       strerror(errno));
    int sndbuf = 4 << 20;
    setsockopt(w->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    w->buf = calloc(IP_BATCH, w->frame);
    w->dst = calloc(IP_BATCH, sizeof *w->dst);
    w->len = calloc(IP_BATCH, sizeof *w->len);
    return w->buf && w->dst && w->len ? 0 : err_set(e, "out of memory");
}

int sender_open(struct sender *s, const struct netinfo *ni, const int *ifs, uint32_t nifs, uint32_t frame,
                err_t *e)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < SEND_MAX_WAYS; i++) {
        s->way[i].fd = -1;
        s->way[i].frame = frame;
    }
    for (uint32_t i = 0; i < nifs && s->nways < SEND_MAX_WAYS - 2; i++) {
        const struct nr_iface *ifc = netinfo_iface(ni, ifs[i]);
        if (ifc && ifc->type == ARPHRD_ETHER && (ifc->flags & IFF_UP) &&
            open_ring(&s->way[s->nways++], ifc, e) < 0)
            return -1;
    }
    if (open_ip(&s->way[s->nways++], AF_INET, e) < 0 || open_ip(&s->way[s->nways++], AF_INET6, e) < 0)
        return -1;
    return 0;
}

void sender_close(struct sender *s)
{
    for (uint32_t i = 0; i < s->nways; i++) {
        struct send_way *w = &s->way[i];
        if (w->ring)
            munmap(w->ring, (size_t)RING_BLOCK * RING_BLOCKS);
        if (w->fd >= 0)
            close(w->fd);
        free(w->buf);
        free(w->dst);
        free(w->len);
    }
    memset(s, 0, sizeof *s);
}

int sender_way_eth(const struct sender *s, int ifindex)
{
    for (uint32_t i = 0; i < s->nways; i++)
        if (s->way[i].eth && s->way[i].ifindex == ifindex)
            return (int)i;
    return -1;
}

int sender_way_ip(const struct sender *s, int family)
{
    for (uint32_t i = 0; i < s->nways; i++)
        if (!s->way[i].eth && s->way[i].family == family)
            return (int)i;
    return -1;
}

size_t sender_room(const struct sender *s, int wi)
{
    const struct send_way *w = &s->way[wi];
    return w->eth ? w->frame - SLOT_DATA : w->frame;
}

static struct tpacket2_hdr *ring_slot(const struct send_way *w, uint32_t i)
{
    return (struct tpacket2_hdr *)(w->ring + (size_t)i * w->frame);
}

uint8_t *sender_slot(struct sender *s, int wi)
{
    struct send_way *w = &s->way[wi];
    if (!w->eth)
        return w->nbuf < IP_BATCH ? w->buf + (size_t)w->nbuf * w->frame : NULL;
    struct tpacket2_hdr *h = ring_slot(w, w->head);
    uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    if (st == TP_STATUS_WRONG_FORMAT) { /* the kernel refused it: the slot is ours again */
        s->dropped++;
        st = TP_STATUS_AVAILABLE;
    }
    return st == TP_STATUS_AVAILABLE ? (uint8_t *)h + SLOT_DATA : NULL;
}

void sender_commit(struct sender *s, int wi, size_t len, const struct addr *dst)
{
    struct send_way *w = &s->way[wi];
    if (!w->eth) {
        w->dst[w->nbuf] = *dst;
        w->len[w->nbuf++] = (uint16_t)len;
        return;
    }
    struct tpacket2_hdr *h = ring_slot(w, w->head);
    h->tp_len = (uint32_t)len;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    w->head = (w->head + 1) % w->nframes;
    w->pending++;
}

static void flush_ring(struct sender *s, struct send_way *w)
{
    /* With MSG_DONTWAIT the kernel sends every requested slot it finds and
     * returns; a slot it could not take yet stays requested for the next. */
    if (send(w->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
        s->dropped += w->pending;
    else
        s->sent += w->pending;
    w->pending = 0;
}

static void flush_ip(struct sender *s, struct send_way *w)
{
    struct mmsghdr msgs[IP_BATCH];
    struct iovec iov[IP_BATCH];
    struct sockaddr_storage ss[IP_BATCH];
    for (uint32_t i = 0; i < w->nbuf; i++) {
        socklen_t sl;
        addr_to_sockaddr(&w->dst[i], 0, &ss[i], &sl);
        iov[i] = (struct iovec){.iov_base = w->buf + (size_t)i * w->frame, .iov_len = w->len[i]};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &ss[i], .msg_namelen = sl,
                                               .msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    uint32_t off = 0, retries = 0;
    while (off < w->nbuf) {
        /* Never block: packets waiting on ARP for a missing neighbour hold
         * the socket's buffer for seconds.  A queue that stays full, or no
         * route, loses that probe here, as the wire would. */
        int n = sendmmsg(w->fd, msgs + off, w->nbuf - off, MSG_DONTWAIT);
        if (n > 0) {
            off += (uint32_t)n;
            s->sent += (uint32_t)n;
            retries = 0;
        } else if ((errno == ENOBUFS || errno == EAGAIN) && retries++ < 3) {
            poll(NULL, 0, 0);
        } else {
            off++;
            s->dropped++;
            retries = 0;
        }
    }
    w->nbuf = 0;
}

void sender_flush(struct sender *s)
{
    for (uint32_t i = 0; i < s->nways; i++) {
        struct send_way *w = &s->way[i];
        if (w->eth && w->pending)
            flush_ring(s, w);
        else if (!w->eth && w->nbuf)
            flush_ip(s, w);
    }
}
