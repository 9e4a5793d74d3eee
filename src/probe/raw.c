/* raw: the engine of the raw TCP scans (-sS -sA -sF -sN -sX -sW -sM).
 *
 * Stateless: each probe carries probe_cookie(key, src, dst, sport, dport) in
 * its sequence and acknowledgement numbers, so a reply is validated by
 * recomputing the cookie; there is no table of sent probes.  The only state
 * is the results array itself: a pair whose state is still PS_UNKNOWN has not
 * been answered.
 *
 * Sender (calling thread): walks this shard's permutation indices, builds
 * each probe from the scan type's flags, and sends in sendmmsg() batches at
 * the allowed rate.  Pass 0 sends every pair; pass 1 resends what stayed
 * silent; further passes happen only while the previous resend pass got new
 * answers (evidence of loss, not filtering), up to --max-retries.  After the
 * last pass and one timeout, silence becomes the scan type's silent state.
 *
 * Receiver (own thread): libpcap, non-blocking, with a BPF filter for this
 * scan's replies only (to our address: TCP to our source port, or ICMP); each
 * frame goes through the one decoder (packet.c), the cookie check, and the
 * state table (classify.c).  Results are published with a compare-and-swap
 * so the first answer wins and the sender can read them without a lock. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "cookie.h"
#include "packet.h"
#include "probe/rawio.h"
#include "scan.h"

#define BATCH 64

struct raw {
    struct job *job;
    const struct scan_type *type;
    struct raw_io *io;
    struct addr src;
    uint16_t sport;
    uint8_t flags;        /* of every probe: the type's, or --scanflags */
    uint8_t key[16];
    const uint16_t *ports;
    uint32_t nports;
    int32_t *port_index;  /* port number -> index in the list, -1 if not scanned */
    uint32_t *htab_key, *htab_val, hmask; /* IPv4 address -> group host index */
    uint8_t *active;
    volatile int done;
    uint64_t answers;     /* replies that decided a pair (atomic) */
    uint64_t nsent;       /* probes queued, all passes (sender only) */
    uint64_t invalid, malformed; /* replies failing the cookie; undecodable frames */
    uint8_t bufs[BATCH][PROBE_MAX];
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    struct sockaddr_in dsts[BATCH];
    unsigned nbatch;
    struct ratelimit rl;
    struct rate_ctl ctl;
    struct rtt_est rtt;   /* the receiver's, from the time bits of each reply */
    uint64_t srtt_ns, rttvar_ns; /* published copy for the sender (atomic) */
};

static uint32_t hslot(uint32_t key, uint32_t mask)
{
    return (uint32_t)mix64(key) & mask;
}

static int host_lookup(const struct raw *r, const struct addr *a)
{
    if (a->family != AF_INET)
        return -1;
    for (uint32_t i = hslot(a->u.v4, r->hmask);; i = (i + 1) & r->hmask) {
        if (r->htab_val[i] == UINT32_MAX)
            return -1;
        if (r->htab_key[i] == a->u.v4)
            return (int)r->htab_val[i];
    }
}

/* Publishes a result unless the pair is already decided. */
static bool publish(struct raw *r, uint32_t h, uint32_t p, const struct port_result *res)
{
    struct port_result *slot = &r->job->g->hosts[h].ports[PROTO_TCP][p];
    struct port_result expected = {0}, desired = *res;
    return __atomic_compare_exchange(slot, &expected, &desired, false, __ATOMIC_RELEASE,
                                     __ATOMIC_RELAXED);
}

static bool decided(const struct raw *r, uint32_t h, uint32_t p)
{
    struct port_result v;
    __atomic_load(&r->job->g->hosts[h].ports[PROTO_TCP][p], &v, __ATOMIC_ACQUIRE);
    return v.state != PS_UNKNOWN;
}

/* Folds one RTT sample into the estimate the sender reads for its waits. */
static void rtt_from_reply(struct raw *r, uint32_t sent_ms)
{
    rtt_sample(&r->rtt, (uint64_t)seq_age_ms(sent_ms, now_ns()) * NS_PER_MS);
    __atomic_store_n(&r->srtt_ns, r->rtt.srtt_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&r->rttvar_ns, r->rtt.rttvar_ns, __ATOMIC_RELAXED);
}

static void on_reply(struct raw *r, const struct reply *rp)
{
    if (rp->kind != REPLY_TCP && !(rp->kind == REPLY_ICMP && rp->inner_proto == 6))
        return; /* the BPF filter passes ICMP of every kind */
    bool icmp = rp->kind == REPLY_ICMP;
    const struct addr *target = icmp ? &rp->inner_dst : &rp->src;
    uint16_t our_port = icmp ? rp->sport : rp->dport, their_port = icmp ? rp->dport : rp->sport;
    if (our_port != r->sport || (icmp && !addr_eq(&rp->inner_src, &r->src)))
        return;
    int h = host_lookup(r, target);
    int32_t p = r->port_index[their_port];
    uint32_t c = probe_cookie(r->key, &r->src, target, r->sport, their_port);
    /* Our sequence number comes back as the ICMP quote's seq, as an RST's seq
     * (ACK probes), or as the ack plus what SYN and FIN consumed (up to 2). */
    uint32_t sent_ms;
    bool ok = h >= 0 && p >= 0 &&
              (seq_check(rp->seq, c, 0, &sent_ms) ||
               (!icmp && (rp->flags & TH_ACK) && seq_check(rp->ack, c, 2, &sent_ms)));
    if (!ok) {
        __atomic_fetch_add(&r->invalid, 1, __ATOMIC_RELAXED);
        return;
    }
    struct port_result res = {0};
    bool decisive = icmp ? classify_icmp(rp->icmp_type, rp->icmp_code, &res)
                         : classify_tcp((enum raw_kind)r->type->raw_kind, rp->flags, rp->window, &res);
    if (!decisive)
        return;
    res.ttl = rp->ttl;
    rtt_from_reply(r, sent_ms);
    if (publish(r, (uint32_t)h, (uint32_t)p, &res)) {
        __atomic_fetch_add(&r->answers, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&r->job->stats->replies, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&r->job->stats->pairs_done, 1, __ATOMIC_RELAXED);
    }
}

static void on_frame(u_char *user, const struct pcap_pkthdr *hdr, const u_char *frame)
{
    struct raw *r = (struct raw *)user;
    int off = packet_link_offset(r->io->dlt, frame, hdr->caplen);
    struct reply rp;
    if (off < 0)
        return;
    int rc = packet_decode_cap(frame + off, hdr->caplen - (size_t)off, hdr->len - (size_t)off, &rp);
    if (rc < 0)
        __atomic_fetch_add(&r->malformed, 1, __ATOMIC_RELAXED);
    else if (rc > 0)
        on_reply(r, &rp);
}

static void *receiver(void *arg)
{
    struct raw *r = arg;
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(r->io->pc), .events = POLLIN};
    while (!r->done) {
        poll(&pfd, 1, 10);
        while (pcap_dispatch(r->io->pc, 256, on_frame, (u_char *)r) > 0)
            ;
    }
    while (pcap_dispatch(r->io->pc, 256, on_frame, (u_char *)r) > 0)
        ;
    return NULL;
}

static void flush(struct raw *r)
{
    unsigned off = 0, retries = 0;
    while (off < r->nbatch) {
        /* Never block: packets waiting on ARP for a missing neighbour hold
         * the socket's buffer for seconds. */
        int n = sendmmsg(r->io->sock, r->msgs + off, r->nbatch - off, MSG_DONTWAIT);
        if (n > 0) {
            off += (unsigned)n;
            retries = 0;
            continue;
        }
        /* A full queue is worth a short wait; a queue that stays full (ARP
         * unresolved for a missing neighbour) or no route is not: that probe
         * is dropped here and its port stays silent, as on the wire. */
        if ((errno == ENOBUFS || errno == EAGAIN) && retries++ < 3) {
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
            continue;
        }
        off++;
        retries = 0;
    }
    __atomic_fetch_add(&r->job->stats->sent, r->nbatch, __ATOMIC_RELAXED);
    r->nbatch = 0;
}

static void queue_probe(struct raw *r, uint32_t h, uint32_t p)
{
    const struct addr *dst = &r->job->g->hosts[h].addr;
    uint16_t port = r->ports[p];
    uint32_t c = seq_make(probe_cookie(r->key, &r->src, dst, r->sport, port), now_ns());
    struct tcp_probe pr = {.src = r->src, .dst = *dst, .sport = r->sport, .dport = port,
                           .seq = c, .ack = (r->flags & TH_ACK) ? c : 0,
                           .flags = r->flags, .ttl = 64,
                           .window = 1024, .ipid = (uint16_t)(c >> 16)};
    unsigned i = r->nbatch++;
    r->nsent++;
    r->iovs[i].iov_len = packet_build_tcp4(r->bufs[i], &pr);
    r->dsts[i].sin_addr.s_addr = htonl(dst->u.v4);
    if (r->nbatch == BATCH)
        flush(r);
}

static void pace(struct raw *r)
{
    uint64_t now = now_ns();
    uint64_t answers = __atomic_load_n(&r->answers, __ATOMIC_RELAXED);
    uint64_t srtt = __atomic_load_n(&r->srtt_ns, __ATOMIC_RELAXED);
    if (ratectl_update(&r->ctl, r->nsent, answers, srtt, now))
        rate_set(&r->rl, r->ctl.rate);
    while (!rate_take(&r->rl, now)) {
        if (r->nbatch)
            flush(r);
        uint64_t w = rate_wait(&r->rl, now);
        struct timespec ts = {(time_t)(w / NS_PER_SEC), (long)(w % NS_PER_SEC)};
        nanosleep(&ts, NULL);
        now = now_ns();
    }
}

/* One pass over this shard's pairs; returns how many probes it sent. */
static uint64_t send_pass(struct raw *r, const struct perm *pm, uint8_t pass)
{
    const struct conf *c = r->job->conf;
    uint64_t total = (uint64_t)r->job->g->n * r->nports, sent = 0;
    for (uint64_t i = c->shard_k - 1; i < total && !*r->job->stop; i += c->shard_n) {
        uint64_t idx = perm_get(pm, i);
        uint32_t h = (uint32_t)(idx / r->nports), p = (uint32_t)(idx % r->nports);
        if (!r->active[h] || decided(r, h, p))
            continue;
        pace(r);
        queue_probe(r, h, p);
        sent++;
        if (pass)
            r->job->stats->retransmits++;
    }
    if (r->nbatch)
        flush(r);
    return sent;
}

static uint64_t pass_timeout(const struct raw *r)
{
    /* Replies to this scan's own probes measure the RTT best; before any,
     * the slowest host's RTT from discovery sets the wait. */
    struct rtt_est est = {.srtt_ns = __atomic_load_n(&r->srtt_ns, __ATOMIC_RELAXED),
                          .rttvar_ns = __atomic_load_n(&r->rttvar_ns, __ATOMIC_RELAXED)};
    est.have = est.srtt_ns > 0;
    if (est.have)
        return rtt_timeout(&est, &r->job->conf->timing);
    for (uint32_t h = 0; h < r->job->g->n; h++) {
        const struct host_result *hr = &r->job->g->hosts[h];
        if (r->active[h] && hr->srtt_us && (!est.have || hr->srtt_us * 1000ULL > est.srtt_ns)) {
            est.have = true;
            est.srtt_ns = hr->srtt_us * 1000ULL;
            est.rttvar_ns = hr->rttvar_us * 1000ULL;
        }
    }
    return rtt_timeout(&est, &r->job->conf->timing);
}

/* Waits for this pass's replies: until the timeout, or until every probe
 * sent in it has been answered. */
static void wait_replies(struct raw *r, uint64_t ns, uint64_t before, uint64_t sent)
{
    uint64_t end = now_ns() + ns;
    while (!*r->job->stop && now_ns() < end &&
           __atomic_load_n(&r->answers, __ATOMIC_RELAXED) - before < sent) {
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void run_passes(struct raw *r, const struct perm *pm)
{
    const struct timing_conf *tc = &r->job->conf->timing;
    uint64_t lost = 0;
    uint32_t empty = 0;
    for (uint32_t pass = 0; !*r->job->stop; pass++) {
        uint64_t before = __atomic_load_n(&r->answers, __ATOMIC_RELAXED);
        ratectl_new_pass(&r->ctl, r->nsent, before, now_ns());
        uint64_t t0 = now_ns();
        uint64_t sent = send_pass(r, pm, (uint8_t)pass);
        r->job->stats->send_ns += now_ns() - t0;
        if (sent == 0)
            break;
        wait_replies(r, pass_timeout(r), before, sent);
        uint64_t gained = __atomic_load_n(&r->answers, __ATOMIC_RELAXED) - before;
        if (pass > 0) {
            lost += gained; /* answered only when asked again: lost before */
            empty = gained ? 0 : empty + 1;
        }
        /* Silence is believed after one empty resend pass on a clean path,
         * after two once loss has been seen: with 4 % round-trip loss a
         * single empty pass still leaves ~0.7 % odds that the last few live
         * ports were all lost again; two leave ~0.03 %. */
        bool settled = empty >= (lost ? 2u : 1u);
        if (pass >= tc->max_retries || settled)
            break;
        if (r->job->tick)
            r->job->tick(r->job->tick_ctx, r->job->stats, now_ns());
    }
    r->job->stats->drops += lost;
}

static void mark_silent(struct raw *r, const struct perm *pm)
{
    const struct conf *c = r->job->conf;
    struct port_result silent = {.state = (uint8_t)raw_silent_state((enum raw_kind)r->type->raw_kind),
                                 .reason = R_NO_RESPONSE};
    uint64_t total = (uint64_t)r->job->g->n * r->nports;
    /* Shard membership is by permutation index; map back through it. */
    for (uint64_t i = c->shard_k - 1; i < total; i += c->shard_n) {
        uint64_t idx = perm_get(pm, i);
        uint32_t h = (uint32_t)(idx / r->nports), p = (uint32_t)(idx % r->nports);
        if (r->active[h] && publish(r, h, p, &silent)) {
            r->job->stats->timeouts++;
            r->job->stats->pairs_done++;
        }
    }
}

static int build_tables(struct raw *r, err_t *e)
{
    struct group *g = r->job->g;
    r->port_index = xcalloc(65536, sizeof *r->port_index, e);
    r->active = xcalloc(g->n, 1, e);
    uint32_t size = 16;
    while (size < 2 * g->n)
        size *= 2;
    r->hmask = size - 1;
    r->htab_key = xcalloc(size, sizeof *r->htab_key, e);
    r->htab_val = xcalloc(size, sizeof *r->htab_val, e);
    if (!r->port_index || !r->active || !r->htab_key || !r->htab_val)
        return -1;
    memset(r->port_index, 0xff, 65536 * sizeof *r->port_index);
    for (uint32_t i = 0; i < r->nports; i++)
        r->port_index[r->ports[i]] = (int32_t)i;
    memset(r->htab_val, 0xff, size * sizeof *r->htab_val);
    for (uint32_t h = 0; h < g->n; h++) {
        struct host_result *hr = &g->hosts[h];
        if (hr->status == HOST_DOWN)
            continue;
        if (hr->addr.family != AF_INET)
            return err_set(e, "raw scans of IPv6 targets are not implemented yet; use -sT");
        r->active[h] = 1;
        uint32_t i = hslot(hr->addr.u.v4, r->hmask);
        while (r->htab_val[i] != UINT32_MAX)
            i = (i + 1) & r->hmask;
        r->htab_key[i] = hr->addr.u.v4;
        r->htab_val[i] = h;
    }
    return 0;
}

/* The rate starts low and finds the path's capacity (see timing.h); the
 * template sets the ceiling.  --max-rate is the ceiling and the start (the
 * user knows the path takes it), --min-rate the floor, --scan-delay fixed. */
static void init_rate(struct raw *r, const struct timing_conf *tc)
{
    double hi = tc->level >= 5 ? 200000 : tc->level == 4 ? 100000 : 50000, start = 10000;
    if (tc->scan_delay_ns)
        hi = 1e9 / (double)tc->scan_delay_ns;
    if (tc->max_rate)
        hi = start = tc->max_rate;
    hi = MAX(hi, tc->min_rate);
    uint64_t now = now_ns();
    ratectl_init(&r->ctl, start, tc->min_rate, hi, now);
    rate_init(&r->rl, r->ctl.rate, now);
}

static int raw_setup(struct raw *r, struct job *job, err_t *e)
{
    const struct conf *c = job->conf;
    r->job = job;
    r->type = c->scan;
    r->io = job->raw;
    r->flags = c->scanflags >= 0 ? (uint8_t)c->scanflags : c->scan->tcp_flags;
    r->ports = job->ports->v[PROTO_TCP];
    r->nports = job->ports->n[PROTO_TCP];
    if (build_tables(r, e) < 0)
        return -1;
    /* The first target with a route names the source address; targets
     * without one stay silent (the kernel refuses to send to them), as they
     * would for any scanner. */
    int rc = 1; /* nobody up: nothing to send */
    for (uint32_t h = 0; h < job->g->n && rc != 0; h++) {
        r->src = c->source;
        if (r->active[h])
            rc = raw_io_source(&job->g->hosts[h].addr, &r->src, e);
    }
    if (rc != 0)
        return rc;
    /* A fresh key per group: late replies to an earlier group fail the cookie. */
    if (getrandom(r->key, sizeof r->key, 0) != sizeof r->key)
        return err_set(e, "getrandom: %s", strerror(errno));
    r->sport = c->source_port >= 0 ? (uint16_t)c->source_port
                                   : (uint16_t)(40000 + (r->key[0] << 8 | r->key[1]) % 20000);
    if (raw_io_filter(r->io, &r->src, r->sport, e) < 0)
        return -1;
    for (unsigned i = 0; i < BATCH; i++) {
        r->iovs[i].iov_base = r->bufs[i];
        r->dsts[i].sin_family = AF_INET;
        r->msgs[i].msg_hdr.msg_iov = &r->iovs[i];
        r->msgs[i].msg_hdr.msg_iovlen = 1;
        r->msgs[i].msg_hdr.msg_name = &r->dsts[i];
        r->msgs[i].msg_hdr.msg_namelen = sizeof r->dsts[i];
    }
    init_rate(r, &c->timing);
    return 0;
}

static void raw_free(struct raw *r)
{
    free(r->port_index);
    free(r->active);
    free(r->htab_key);
    free(r->htab_val);
}

static int raw_run(struct job *job, err_t *e)
{
    struct raw *r = xcalloc(1, sizeof *r, e);
    if (!r)
        return -1;
    int rc = raw_setup(r, job, e);
    pthread_t tid;
    if (rc == 0 && pthread_create(&tid, NULL, receiver, r) != 0)
        rc = err_set(e, "cannot start the receiver thread");
    if (rc == 0) {
        struct perm pm;
        perm_init(&pm, (uint64_t)job->g->n * r->nports, job->seed, job->conf->sequential);
        run_passes(r, &pm);
        r->done = 1;
        pthread_join(tid, NULL);
        if (!*job->stop)
            mark_silent(r, &pm);
        job->stats->invalid += r->invalid;
        job->stats->malformed += r->malformed;
        for (uint32_t h = 0; h < job->g->n; h++)
            if (r->active[h])
                job->g->hosts[h].end = wall_time();
    }
    raw_free(r);
    free(r);
    return rc < 0 ? -1 : 0;
}

#define RAW_TYPE(var, nm, fl, typ, kind, flags)                                     \
    const struct scan_type var = {.name = nm, .flag = fl, .nmap_type = typ,          \
                                  .proto = PROTO_TCP, .raw = true, .raw_kind = kind, \
                                  .tcp_flags = flags, .run = raw_run}

RAW_TYPE(scan_syn, "syn", "-sS", "syn", RAW_SYN, TH_SYN);
RAW_TYPE(scan_ack, "ack", "-sA", "ack", RAW_ACK, TH_ACK);
RAW_TYPE(scan_fin, "fin", "-sF", "fin", RAW_FIN, TH_FIN);
RAW_TYPE(scan_null, "null", "-sN", "null", RAW_NULL, 0);
RAW_TYPE(scan_xmas, "xmas", "-sX", "xmas", RAW_XMAS, TH_FIN | TH_PSH | TH_URG);
RAW_TYPE(scan_window, "window", "-sW", "window", RAW_WINDOW, TH_ACK);
RAW_TYPE(scan_maimon, "maimon", "-sM", "maimon", RAW_MAIMON, TH_FIN | TH_ACK);
