/* probe: the interface every raw probe module implements.
 *
 * A module knows its packets and nothing else: what a probe looks like,
 * which replies answer it and what they mean.  The engine (engine.c) owns
 * everything around them: which (host, port) pairs to probe and in what
 * order, the route and link header of each, sending, the capture, retries,
 * rate and results.  The engine never names TCP, UDP or ICMP; adding a scan
 * type, a discovery probe or an OS-detection probe is adding one module.
 *
 * Contract for a module (`struct probe_ops`; every callback is pure: it
 * touches only its arguments, never blocks, prints, allocates or exits):
 *   filter    appends to buf a pcap filter expression (no "and"/"or" at its
 *             ends) selecting the replies this module wants, given the
 *             scan's source port; the engine ORs the modules' fragments and
 *             ANDs them with "dst host <our addresses>".  Returns 0, or -1
 *             if buf is too small.
 *   prepare   writes the module's packet for one (source address, family)
 *             into t->pkt from the IP header on, with every field that does
 *             not depend on the target; called once per source address a
 *             scan uses, before any probe.  t->src, t->family and t->ctx
 *             are set by the engine.  Returns 0, or -1 with e set.
 *   make      writes the probe for (dst, port) sent at now_ns into out (at
 *             least max_len bytes, from the IP header on) by copying the
 *             template and patching what differs: destination, port, the
 *             cookie, checksums.  Returns its length.  Called in the send
 *             loop: it must stay a copy and a few stores.
 *   validate  whether a decoded reply answers one of this module's probes:
 *             the cookie it carries must equal probe_cookie() of the
 *             4-tuple it answers (a reply quoting a probe, an ICMP error,
 *             is checked on the quote).  Fills hit: the probed target and
 *             port and the send-time bits (for an RTT sample).
 *   classify  the state, reason and TTL a validated reply gives; false if
 *             it decides nothing (a stray ACK on a SYN scan).
 *   silent    the state that silence after every retry means.
 *   variants  (optional, NULL for one) how many datagrams a probe of port
 *             is: the first pass sends make()'s and then make_nth()'s for
 *             1..variants-1 (nmap sends each of a UDP port's payloads);
 *             later probes send make()'s alone.  Replies to any of them
 *             validate alike.
 *
 * Ports: a port module (proto PROTO_TCP / PROTO_UDP) is run over a port
 * list and writes host_result.ports[proto]; a host module (PROTO_NONE:
 * ICMP echo, ARP) is run once per host with port 0, and a discovery module
 * of either kind only marks its hosts up (reason from classify). */
#ifndef SCOUT_PROBE_H
#define SCOUT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "results.h"

struct payloads;

/* What every probe of one scan shares. */
struct probe_ctx {
    uint8_t key[16];     /* the scan's cookie key */
    uint16_t sport;      /* source port of every probe of the scan */
    bool fixed_sport;    /* -g: UDP probes use sport too (else theirs carries the cookie) */
    int tcp_flags;       /* --scanflags, or -1 for the module's own */
    /* UDP: each port's payload (NULL: none), unless --data* gave one for all */
    const struct payloads *payloads;
    const uint8_t *data;
    uint16_t data_len;
    bool data_given;
};

/* A module's packet for one source address, prepared once. */
struct probe_tmpl {
    const struct probe_ctx *ctx;
    struct addr src;
    uint8_t family;      /* AF_INET or AF_INET6 */
    uint8_t pkt[PROBE_MAX];
    uint16_t len;
    uint16_t l4;         /* offset of the transport header in pkt */
};

/* The probe a reply answers. */
struct probe_hit {
    struct addr target;
    uint16_t port;
    uint32_t sent_ms;    /* send-time bits of the cookie (cookie.h), or PROBE_NO_TIME */
};

#define PROBE_NO_TIME UINT32_MAX /* the reply carries no send time */

struct probe_ops {
    const char *name;      /* "syn" */
    const char *flag;      /* "-sS" */
    const char *nmap_type; /* XML <scaninfo type=...> */
    enum proto proto;      /* PROTO_TCP or PROTO_UDP; PROTO_COUNT for host probes */
    bool discovery;
    /* Closed ports answer only with ICMP errors, which hosts rate-limit
     * (UDP): the engine spends each host's measured ICMP budget on them
     * (engine.h) instead of reading the limiter's silence as loss. */
    bool icmp_limited;
    uint16_t max_len;      /* bytes make() may write: PROBE_MAX, or more for payloads */
    uint8_t tcp_flags;     /* TCP modules: the flags of their probe (and --scanflags' table) */
    uint8_t silent;        /* enum port_state of silence after retries */
    int (*filter)(const struct probe_ctx *c, char *buf, size_t len);
    int (*prepare)(struct probe_tmpl *t, err_t *e);
    size_t (*make)(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint64_t now_ns,
                   uint8_t *out);
    bool (*validate)(const struct probe_ctx *c, const struct reply *r, struct probe_hit *hit);
    bool (*classify)(const struct probe_ctx *c, const struct reply *r, struct port_result *out);
    uint32_t (*variants)(const struct probe_ctx *c, uint16_t port);
    size_t (*make_nth)(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint32_t nth,
                       uint64_t now_ns, uint8_t *out);
};

#endif
