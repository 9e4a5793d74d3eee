/* send: the probe sender, opened once with privileges and used after they
 * are dropped.
 *
 * On an Ethernet interface, prebuilt frames go through an AF_PACKET socket
 * with a memory-mapped TX ring (PACKET_TX_RING, TPACKET_V2) and
 * PACKET_QDISC_BYPASS: one system call sends a whole batch, and the probes
 * skip this host's routing, netfilter and conntrack (a large scan must not
 * fill the conntrack table).  The socket's protocol is 0, so it receives
 * nothing.  Interfaces without Ethernet (loopback, tun, ppp), and --send-ip,
 * use a raw IP socket of the probe's family (IPPROTO_RAW: the header is
 * ours), batched with sendmmsg.
 *
 * Use: sender_slot() gives room for one frame on a way out; the caller
 * writes the frame (link header included for an Ethernet way) and commits
 * it with sender_commit(); sender_flush() hands everything committed to the
 * kernel.  Single-threaded: the engine's sending thread owns it. */
#ifndef SCOUT_SEND_H
#define SCOUT_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "netroute.h"

#define SEND_MAX_WAYS 16
/* Bytes of a ring slot: TCP and ICMP probes are far shorter than the small
 * one; a UDP probe carries a payload (up to UDP_DATA_MAX) and needs the
 * large one, which halves the ring's slots per page-sized block eightfold. */
#define SEND_FRAME_SMALL 256
#define SEND_FRAME_LARGE 2048

/* One way out: an Ethernet interface's TX ring, or a raw IP socket. */
struct send_way {
    int fd;
    int ifindex;      /* Ethernet ways */
    int family;       /* IP ways: AF_INET or AF_INET6 */
    bool eth;
    uint8_t mac[6];   /* the interface's own MAC (Ethernet ways) */
    uint8_t *ring;
    uint32_t frame;   /* bytes per slot (ring and IP batch) */
    uint32_t nframes, head, pending;
    /* IP ways: a batch for sendmmsg, `frame` bytes per entry */
    uint8_t *buf;
    struct addr *dst;
    uint16_t *len;
    uint32_t nbuf;
};

struct sender {
    struct send_way way[SEND_MAX_WAYS];
    uint32_t nways;
    uint64_t sent, dropped; /* frames handed to the kernel; refused by it */
};

/* Opens a way for each of the interfaces ifs[0..nifs) that is up and has
 * Ethernet, and raw IP sockets for both families (the way for everything
 * else).  Each AF_PACKET socket costs an RCU grace period (~25 ms) to
 * close, so only the interfaces a scan uses are asked for.  Returns 0, or
 * -1 with e set (no privilege: the message says what is needed). */
int sender_open(struct sender *s, const struct netinfo *ni, const int *ifs, uint32_t nifs, uint32_t frame,
                err_t *e);
void sender_close(struct sender *s);

/* The way for an Ethernet interface, or the IP way of a family; -1 if none. */
int sender_way_eth(const struct sender *s, int ifindex);
int sender_way_ip(const struct sender *s, int family);

/* Room for one frame on way w (its `frame` bytes less the ring's slot
 * header: sender_room()), or NULL when the ring is
 * full (flush, then try again). */
uint8_t *sender_slot(struct sender *s, int w);
/* Commits the frame written into the last slot: len bytes, and for an IP
 * way the destination. */
void sender_commit(struct sender *s, int w, size_t len, const struct addr *dst);
/* Sends everything committed; never blocks for long. */
void sender_flush(struct sender *s);
/* Bytes a frame written into a slot of way w may have. */
size_t sender_room(const struct sender *s, int w);

#endif
