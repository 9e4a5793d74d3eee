#include "engine.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cookie.h"
#include "debug.h"
#include "icmplimit.h"
#include "perm.h"

#define SEND_BATCH 256     /* probes per clock reading and per kernel hand-off */
#define TICK_NS (1 * NS_PER_MS)
#define REPORT_NS (100 * NS_PER_MS)
#define MAX_SOURCES 8
#define ARP_TRIES 3
#define CAPTURE_BLOCK_NS (2 * NS_PER_MS) /* rawio.c's block timeout, and a margin */
/* A probe costs the sending thread's CPU most in the kernel (the frame's
 * way through the ring and the driver), so above this rate a thread per CPU
 * sends, up to ENGINE_THREADS. */
#define THREAD_RATE 100000.0

/* One way to a next hop: the sender's way out, the link header, the source
 * address (and so the templates) its probes use. */
struct route {
    struct addr next_hop;
    int way;
    uint8_t src;            /* index into sources */
    bool eth;
    uint8_t hdr[14];        /* Ethernet header, valid once `resolved` */
    int resolved;           /* atomic: 1 once the MAC is known */
    uint64_t asked_us, answered_us; /* wall clock: our last ARP/NS for it (before the send), and
                                     * its answer's capture time: a round trip to the microsecond */
};

/* The receiver's counters, on a cache line of their own. */
struct rx_counters {
    _Alignas(64) uint64_t answers, invalid, malformed;
    uint64_t srtt_ns, rttvar_ns;
    uint64_t caught_up_ns;  /* last time the capture ring was found empty */
};

struct eng;
struct budget;
static int budget_build(struct eng *x, struct budget *b, err_t *e);
static void budget_run(struct eng *x, struct budget *b);
static void budget_free(struct budget *b);

/* One sending thread: its own TX sockets, token bucket and counters (its
 * own cache lines), and an interleaved share of every pass's indices.
 * Thread 0 also runs the ticks. */
struct sendthread {
    _Alignas(64) struct eng *x;
    struct sender *snd;
    uint32_t t;
    uint64_t nsent, sent_pass;   /* nsent is read by thread 0's tick (atomic) */
    uint64_t now;
    uint32_t tokens;
    double rate;                 /* the controller's rate this bucket was set from */
    struct ratelimit rl;
    const struct perm *pm;
    bool resend;                 /* this pass is not the first */
};

struct eng {
    const struct engine_job *job;
    struct sendthread st[ENGINE_THREADS];
    uint32_t nthreads;
    uint32_t nmods;
    int32_t *port_index;    /* [module][65536]: port -> index in the module's list, -1 */
    uint64_t *mod_base;     /* [module + 1]: first pair index of each module */
    size_t *mod_off;        /* [module]: offset of its protocol's ports in a host's results */
    /* The send loop walks hosts in random order: it reads these compact
     * copies, never the large host_result array. */
    struct addr *haddr;
    /* hosts: address -> group index (open addressing), and their routes */
    uint32_t *htab, hmask;
    uint8_t *active;        /* 1: probe; 2: no way to it (silent); 0: down or timed out */
    uint32_t *host_route;
    struct route *routes;
    uint32_t nroutes, *rtab, rmask; /* next hop -> route */
    struct addr sources[MAX_SOURCES];
    uint32_t nsources;
    struct probe_tmpl *tmpl; /* [source][module] */
    /* sender */
    volatile int done;
    uint64_t next_tick, next_report, timeouts;
    struct scan_stats base; /* the scan's counters when this group began */
    struct rate_ctl ctl;
    double rate;            /* the controller's rate, read by every thread (atomic) */
    struct rtt_est rtt;     /* the receiver's, from the time bits of each reply */
    uint32_t *hrtt;         /* per host: smoothed RTT in us (receiver's), 0 = no sample */
    uint64_t frame_us;      /* receiver: the capture time of the frame in hand */
    struct budget *bud;     /* icmp_limited modules: the hosts spending an ICMP budget */
    struct rx_counters rx;
};

/* ---- tables ---- */

static uint64_t addr_hash(const struct addr *a)
{
    if (a->family != AF_INET6)
        return mix64(a->u.v4);
    uint64_t hi, lo;
    memcpy(&hi, a->u.v6, 8);
    memcpy(&lo, a->u.v6 + 8, 8);
    return mix64(hi ^ mix64(lo));
}

static uint32_t table_size(uint32_t n)
{
    uint32_t size = 16;
    while (size < 2 * n)
        size *= 2;
    return size;
}

static int host_lookup(const struct eng *x, const struct addr *a)
{
    for (uint32_t i = (uint32_t)addr_hash(a) & x->hmask;; i = (i + 1) & x->hmask) {
        if (x->htab[i] == UINT32_MAX)
            return -1;
        if (addr_eq(&x->haddr[x->htab[i]], a))
            return (int)x->htab[i];
    }
}

static int route_lookup(const struct eng *x, const struct addr *hop)
{
    for (uint32_t i = (uint32_t)addr_hash(hop) & x->rmask;; i = (i + 1) & x->rmask) {
        if (x->rtab[i] == UINT32_MAX)
            return -1;
        if (addr_eq(&x->routes[x->rtab[i]].next_hop, hop))
            return (int)x->rtab[i];
    }
}

/* ---- results ---- */

static struct port_result *slot_of(const struct eng *x, uint32_t m, uint32_t h, uint32_t p)
{
    const struct group *g = x->job->g;
    return g->store + (size_t)h * g->stride + x->mod_off[m] + p;
}

static bool decided(const struct eng *x, uint32_t m, uint32_t h, uint32_t p)
{
    if (x->job->mods[m].ops->discovery)
        return __atomic_load_n(&x->job->g->hosts[h].status, __ATOMIC_ACQUIRE) == HOST_UP;
    struct port_result v;
    __atomic_load(slot_of(x, m, h, p), &v, __ATOMIC_ACQUIRE);
    return v.state != PS_UNKNOWN;
}

/* Publishes a result unless the pair (or, for discovery, the host) is
 * already decided. */
static bool publish(struct eng *x, uint32_t m, uint32_t h, uint32_t p, const struct port_result *res)
{
    struct host_result *hr = &x->job->g->hosts[h];
    if (x->job->mods[m].ops->discovery) {
        uint8_t expected = HOST_UNKNOWN;
        if (!__atomic_compare_exchange_n(&hr->status, &expected, (uint8_t)HOST_UP, false,
                                         __ATOMIC_RELEASE, __ATOMIC_RELAXED))
            return false;
        hr->up_reason = res->reason;
        hr->up_ttl = res->ttl;
        return true;
    }
    struct port_result expected = {0}, desired = *res;
    return __atomic_compare_exchange(slot_of(x, m, h, p), &expected, &desired, false, __ATOMIC_RELEASE,
                                     __ATOMIC_RELAXED);
}

/* ---- receiver ---- */

static void on_neighbour(struct eng *x, const struct reply *r)
{
    bool answer = (r->kind == REPLY_ARP && r->icmp_type == 2) || (r->kind == REPLY_NDP && r->icmp_type == 136);
    int ri = answer && r->has_mac ? route_lookup(x, &r->src) : -1;
    if (ri < 0)
        return;
    struct route *rt = &x->routes[ri];
    if (__atomic_load_n(&rt->resolved, __ATOMIC_ACQUIRE))
        return;
    memcpy(rt->hdr, r->mac, 6);
    rt->answered_us = x->frame_us;
    __atomic_store_n(&rt->resolved, 1, __ATOMIC_RELEASE);
}

/* A host's own latency, as nmap reports it: an average of its replies'
 * round trips (milliseconds: the cookie's time bits). */
static void host_rtt(struct eng *x, uint32_t h, uint32_t ms)
{
    uint32_t us = MAX(ms, 1u) * 1000, *v = &x->hrtt[h];
    *v = *v ? *v - *v / 8 + us / 8 : us;
}

/* Folds one RTT sample into the estimate the sender reads for its waits. */
static void rtt_from_reply(struct eng *x, uint32_t sent_ms)
{
    rtt_sample(&x->rtt, (uint64_t)seq_age_ms(sent_ms, now_ns()) * NS_PER_MS);
    __atomic_store_n(&x->rx.srtt_ns, x->rtt.srtt_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&x->rx.rttvar_ns, x->rtt.rttvar_ns, __ATOMIC_RELAXED);
}

static void on_reply(struct eng *x, const struct reply *r)
{
    const struct engine_job *job = x->job;
    if (r->kind == REPLY_ARP || r->kind == REPLY_NDP) {
        on_neighbour(x, r);
        return;
    }
    for (uint32_t m = 0; m < x->nmods; m++) {
        const struct probe_ops *ops = job->mods[m].ops;
        struct probe_hit hit;
        if (!ops->validate(job->ctx, r, &hit))
            continue;
        int h = host_lookup(x, &hit.target);
        int32_t p = x->port_index[(size_t)m * 65536 + hit.port];
        if (h < 0 || p < 0)
            continue;
        struct port_result res = {0};
        if (!ops->classify(job->ctx, r, &res))
            return;
        res.ttl = r->ttl;
        if (hit.sent_ms != PROBE_NO_TIME) {
            rtt_from_reply(x, hit.sent_ms);
            host_rtt(x, (uint32_t)h, seq_age_ms(hit.sent_ms, now_ns()));
        }
        if (publish(x, m, (uint32_t)h, (uint32_t)p, &res))
            __atomic_fetch_add(&x->rx.answers, 1, __ATOMIC_RELAXED);
        return;
    }
    __atomic_fetch_add(&x->rx.invalid, 1, __ATOMIC_RELAXED);
}

static void on_frame(u_char *user, const struct pcap_pkthdr *hdr, const u_char *frame)
{
    struct eng *x = (struct eng *)user;
    struct reply r;
    x->frame_us = (uint64_t)hdr->ts.tv_sec * 1000000u + (uint64_t)hdr->ts.tv_usec;
    int rc = packet_decode_frame(x->job->raw->dlt, frame, hdr->caplen, hdr->len, &r);
    if (rc < 0)
        __atomic_fetch_add(&x->rx.malformed, 1, __ATOMIC_RELAXED);
    else if (rc > 0)
        on_reply(x, &r);
}

static void *receiver(void *arg)
{
    struct eng *x = arg;
    pcap_t *pc = x->job->raw->pc;
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(pc), .events = POLLIN};
    while (!x->done) {
        poll(&pfd, 1, 10);
        while (pcap_dispatch(pc, 256, on_frame, (u_char *)x) > 0)
            ;
        __atomic_store_n(&x->rx.caught_up_ns, now_ns(), __ATOMIC_RELEASE);
    }
    while (pcap_dispatch(pc, 256, on_frame, (u_char *)x) > 0)
        ;
    return NULL;
}

/* ---- ticks: rate control, statistics, host timeouts, progress ---- */

static uint64_t rx_answers(const struct eng *x)
{
    return __atomic_load_n(&x->rx.answers, __ATOMIC_RELAXED);
}

static uint64_t total_sent(const struct eng *x)
{
    uint64_t n = 0;
    for (uint32_t t = 0; t < x->nthreads; t++)
        n += __atomic_load_n(&x->st[t].nsent, __ATOMIC_RELAXED);
    return n;
}

/* The scan's counters are the sender's to write: the receiver's own are
 * folded in here, on the tick. */
static void publish_stats(struct eng *x)
{
    struct scan_stats *st = x->job->stats;
    uint64_t answers = rx_answers(x);
    st->sent = x->base.sent + total_sent(x);
    st->replies = x->base.replies + answers;
    st->timeouts = x->base.timeouts + x->timeouts;
    st->pairs_done = x->base.pairs_done + answers + x->timeouts;
    st->invalid = x->base.invalid + __atomic_load_n(&x->rx.invalid, __ATOMIC_RELAXED);
    st->malformed = x->base.malformed + __atomic_load_n(&x->rx.malformed, __ATOMIC_RELAXED);
}

static void expire_hosts(struct eng *x, uint64_t now)
{
    uint64_t limit = x->job->conf->timing.host_timeout_ns;
    struct group *g = x->job->g;
    for (uint32_t h = 0; limit && h < g->n; h++)
        if (x->active[h] && now - g->hosts[h].start_ns > limit) {
            __atomic_store_n(&x->active[h], 0, __ATOMIC_RELAXED);
            g->hosts[h].timed_out = true;
        }
}

static void tick(struct eng *x, uint64_t now)
{
    x->next_tick = now + TICK_NS;
    uint64_t srtt = __atomic_load_n(&x->rx.srtt_ns, __ATOMIC_RELAXED);
    /* The ring was empty then, but the kernel hands replies over a block
     * at a time: those of the last CAPTURE_BLOCK_NS may not be in it yet. */
    uint64_t seen = __atomic_load_n(&x->rx.caught_up_ns, __ATOMIC_ACQUIRE);
    seen = seen > CAPTURE_BLOCK_NS ? seen - CAPTURE_BLOCK_NS : 0;
    if (ratectl_update(&x->ctl, total_sent(x), rx_answers(x), srtt, now, seen))
        __atomic_store(&x->rate, &x->ctl.rate, __ATOMIC_RELAXED);
    if (now < x->next_report)
        return;
    x->next_report = now + REPORT_NS;
    publish_stats(x);
    if (debug_on(x->job->conf, 1))
        debug_line("raw engine: rate %.0f/s, %lu sent, %lu answered, srtt %.2f ms", x->ctl.rate,
                   (unsigned long)total_sent(x), (unsigned long)rx_answers(x),
                   (double)__atomic_load_n(&x->rx.srtt_ns, __ATOMIC_RELAXED) / 1e6);
    expire_hosts(x, now);
    if (x->job->tick)
        x->job->tick(x->job->tick_ctx, x->job->stats, now);
}

/* Sleeps at most until `until`, in slices short enough that the stop flag
 * and (on thread 0) the ticks are never late. */
static void nap(struct sendthread *s, uint64_t until)
{
    uint64_t now = now_ns();
    if (until > now) {
        uint64_t w = MIN(until - now, 2 * NS_PER_MS);
        struct timespec ts = {0, (long)w};
        nanosleep(&ts, NULL);
    }
    s->now = now_ns();
    if (s->t == 0 && s->now >= s->x->next_tick)
        tick(s->x, s->now);
}

/* Waits for a token; false if the scan was stopped meanwhile.  Each thread
 * sends its share of the controller's rate. */
static bool pace(struct sendthread *s)
{
    struct eng *x = s->x;
    if (s->tokens == 0)
        sender_flush(s->snd); /* the last batch goes out before its replies are awaited */
    while (s->tokens == 0) {
        if (*x->job->stop)
            return false;
        s->now = now_ns();
        if (s->t == 0 && s->now >= x->next_tick)
            tick(x, s->now);
        double rate;
        __atomic_load(&x->rate, &rate, __ATOMIC_RELAXED);
        if (rate != s->rate)
            rate_set(&s->rl, (s->rate = rate) / x->nthreads);
        s->tokens = rate_take_n(&s->rl, s->now, SEND_BATCH);
        if (s->tokens == 0)
            nap(s, s->now + rate_wait(&s->rl, s->now));
    }
    s->tokens--;
    return true;
}

/* ---- sending ---- */

static uint8_t *slot_for(struct sender *snd, int way)
{
    uint8_t *slot;
    while (!(slot = sender_slot(snd, way))) {
        sender_flush(snd);
        sched_yield();
    }
    return slot;
}

/* Writes and commits one datagram of pair (m, h, p): make()'s, or
 * make_nth()'s for nth > 0. */
static void send_one(struct sendthread *s, uint32_t m, uint32_t h, uint32_t p, uint32_t nth)
{
    const struct eng *x = s->x;
    const struct engine_mod *mod = &x->job->mods[m];
    const struct addr *dst = &x->haddr[h];
    const struct route *rt = &x->routes[x->host_route[h]];
    uint8_t *slot = slot_for(s->snd, rt->way);
    size_t off = 0;
    if (rt->eth) {
        memcpy(slot, rt->hdr, 14);
        off = 14;
    }
    const struct probe_tmpl *t = &x->tmpl[rt->src * x->nmods + m];
    size_t len = nth ? mod->ops->make_nth(t, dst, mod->ports[p], nth, s->now, slot + off)
                     : mod->ops->make(t, dst, mod->ports[p], s->now, slot + off);
    sender_commit(s->snd, rt->way, off + len, dst);
    __atomic_store_n(&s->nsent, s->nsent + 1, __ATOMIC_RELAXED);
}

/* The probe of pair (m, h, p); in the first pass, every variant of it. */
static void send_probe(struct sendthread *s, uint32_t m, uint32_t h, uint32_t p, bool first)
{
    const struct probe_ops *ops = s->x->job->mods[m].ops;
    send_one(s, m, h, p, 0);
    uint32_t n = first && ops->variants ? ops->variants(s->x->job->ctx, s->x->job->mods[m].ports[p]) : 1;
    for (uint32_t i = 1; i < n; i++)
        send_one(s, m, h, p, i);
}

/* Splits a pair index into (module, host, port). */
static void split(const struct eng *x, uint64_t idx, uint32_t *m, uint32_t *h, uint32_t *p)
{
    uint32_t k = 0;
    while (idx >= x->mod_base[k + 1])
        k++;
    uint64_t j = idx - x->mod_base[k];
    uint32_t np = x->job->mods[k].nports;
    *m = k;
    *h = (uint32_t)(j / np);
    *p = (uint32_t)(j % np);
}

/* Whether pair (m, h, p) is to be probed now. */
static bool wanted(const struct eng *x, uint32_t m, uint32_t h, uint32_t p)
{
    return __atomic_load_n(&x->active[h], __ATOMIC_RELAXED) == 1 &&
           __atomic_load_n(&x->routes[x->host_route[h]].resolved, __ATOMIC_ACQUIRE) &&
           !decided(x, m, h, p);
}

struct pair {
    uint32_t m, h, p;
};

/* Splits index i of the permutation and asks the cache for what deciding
 * and sending that pair will read, AHEAD pairs before it is needed. */
static void fetch(const struct eng *x, const struct perm *pm, uint64_t i, struct pair *pr)
{
    split(x, perm_get(pm, i), &pr->m, &pr->h, &pr->p);
    __builtin_prefetch(slot_of(x, pr->m, pr->h, pr->p));
    __builtin_prefetch(&x->haddr[pr->h]);
    __builtin_prefetch(&x->host_route[pr->h]);
}

#define AHEAD 8

/* A thread's share of one pass: the shard's indices i with
 * (i / shard_n) % nthreads == t. */
static void *send_share(void *arg)
{
    struct sendthread *s = arg;
    const struct eng *x = s->x;
    const struct conf *c = x->job->conf;
    uint64_t total = x->mod_base[x->nmods], step = (uint64_t)c->shard_n * x->nthreads;
    uint64_t next = c->shard_k - 1 + (uint64_t)s->t * c->shard_n;
    struct pair ring[AHEAD];
    uint32_t have = 0;
    for (; have < AHEAD && next < total; next += step)
        fetch(x, s->pm, next, &ring[have++]);
    s->sent_pass = 0;
    for (uint32_t k = 0; have; k = (k + 1) % AHEAD) {
        struct pair pr = ring[k];
        if (next < total) {
            fetch(x, s->pm, next, &ring[k]);
            next += step;
        } else {
            have--;
        }
        if (!wanted(x, pr.m, pr.h, pr.p))
            continue;
        if (!pace(s))
            break;
        send_probe(s, pr.m, pr.h, pr.p, !s->resend);
        s->sent_pass++;
    }
    sender_flush(s->snd);
    return NULL;
}

/* One pass over this shard's pairs, on every sending thread; returns how
 * many probes it sent. */
static uint64_t send_pass(struct eng *x, const struct perm *pm, bool resend)
{
    pthread_t tid[ENGINE_THREADS];
    uint32_t started = 1;
    for (uint32_t t = 0; t < x->nthreads; t++) {
        x->st[t].pm = pm;
        x->st[t].resend = resend;
    }
    for (uint32_t t = 1; t < x->nthreads; t++)
        if (pthread_create(&tid[t], NULL, send_share, &x->st[t]) == 0)
            started++;
        else
            break;
    /* A thread that could not start leaves its share: the next pass sends it. */
    send_share(&x->st[0]);
    uint64_t sent = x->st[0].sent_pass;
    for (uint32_t t = 1; t < started; t++) {
        pthread_join(tid[t], NULL);
        sent += x->st[t].sent_pass;
    }
    if (resend)
        x->job->stats->retransmits += sent;
    return sent;
}

static uint64_t pass_timeout(const struct eng *x)
{
    /* Replies to this scan's own probes measure the RTT best; before any,
     * the slowest host's RTT from discovery sets the wait. */
    const struct timing_conf *tc = &x->job->conf->timing;
    struct rtt_est est = {.srtt_ns = __atomic_load_n(&x->rx.srtt_ns, __ATOMIC_RELAXED),
                          .rttvar_ns = __atomic_load_n(&x->rx.rttvar_ns, __ATOMIC_RELAXED)};
    est.have = est.srtt_ns > 0;
    if (est.have)
        return rtt_timeout(&est, tc);
    const struct group *g = x->job->g;
    for (uint32_t h = 0; h < g->n; h++) {
        const struct host_result *hr = &g->hosts[h];
        if (x->active[h] && hr->srtt_us && (!est.have || hr->srtt_us * 1000ULL > est.srtt_ns)) {
            est.have = true;
            est.srtt_ns = hr->srtt_us * 1000ULL;
            est.rttvar_ns = hr->rttvar_us * 1000ULL;
        }
    }
    return rtt_timeout(&est, tc);
}

/* Waits for this pass's replies: until the timeout, or until every probe
 * sent in it has been answered. */
static void wait_replies(struct eng *x, uint64_t ns, uint64_t before, uint64_t sent)
{
    uint64_t end = now_ns() + ns;
    while (!*x->job->stop && x->st[0].now < end && rx_answers(x) - before < sent)
        nap(&x->st[0], end);
}

/* Hosts still to be found up (discovery) among those probed. */
static uint64_t undecided_hosts(const struct eng *x)
{
    const struct group *g = x->job->g;
    uint64_t n = 0;
    for (uint32_t h = 0; h < g->n; h++)
        n += x->active[h] == 1 && __atomic_load_n(&g->hosts[h].status, __ATOMIC_ACQUIRE) != HOST_UP;
    return n;
}

static void run_passes(struct eng *x, const struct perm *pm)
{
    const struct timing_conf *tc = &x->job->conf->timing;
    uint64_t lost = 0;
    uint32_t empty = 0;
    for (uint32_t pass = 0; !*x->job->stop; pass++) {
        uint64_t before = rx_answers(x), open_hosts = undecided_hosts(x);
        ratectl_new_pass(&x->ctl, total_sent(x), before, now_ns());
        uint64_t t0 = now_ns();
        uint64_t sent = send_pass(x, pm, pass > 0);
        x->job->stats->send_ns += now_ns() - t0;
        if (sent == 0)
            break;
        uint64_t wait = pass_timeout(x);
        if (debug_on(x->job->conf, 1))
            debug_line("raw engine: pass %u sent %lu probes; waiting up to %.0f ms for their replies", pass,
                       (unsigned long)sent, (double)wait / 1e6);
        /* A discovery pass is over once every host it asked is up: one
         * answer per host decides it, whatever its other probes get. */
        wait_replies(x, wait, before, x->job->mods[0].ops->discovery ? MIN(sent, open_hosts) : sent);
        uint64_t gained = rx_answers(x) - before;
        if (pass == 0 && x->bud)
            budget_build(x, x->bud, &(err_t){0});
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
    }
    x->job->stats->drops += lost;
    if (x->bud)
        budget_run(x, x->bud);
}

/* Pair (m, h, p), unanswered after the last pass: silence is the module's
 * silent state (discovery: the host is down). */
static void mark_one(struct eng *x, uint32_t m, uint32_t h, uint32_t p)
{
    const struct probe_ops *ops = x->job->mods[m].ops;
    struct host_result *hr = &x->job->g->hosts[h];
    if (!x->active[h])
        return;
    if (ops->discovery) {
        if (hr->status == HOST_UNKNOWN)
            hr->status = HOST_DOWN;
        return;
    }
    struct port_result silent = {.state = ops->silent, .reason = R_NO_RESPONSE};
    if (publish(x, m, h, p, &silent))
        x->timeouts++;
}

/* After the last pass.  Unsharded, every pair is this run's: they are
 * visited in memory order; a shard's are found through the permutation. */
static void mark_silent(struct eng *x, const struct perm *pm)
{
    const struct conf *c = x->job->conf;
    if (c->shard_n == 1) {
        for (uint32_t m = 0; m < x->nmods; m++)
            for (uint32_t h = 0; h < x->job->g->n; h++)
                for (uint32_t p = 0; p < x->job->mods[m].nports; p++)
                    mark_one(x, m, h, p);
        return;
    }
    uint64_t total = x->mod_base[x->nmods];
    for (uint64_t i = c->shard_k - 1; i < total; i += c->shard_n) {
        uint32_t m, h, p;
        split(x, perm_get(pm, i), &m, &h, &p);
        mark_one(x, m, h, p);
    }
}

/* ---- the ICMP budget (probe_ops.icmp_limited: UDP) ----
 *
 * After the first pass, a host that left ports silent may have run out of
 * error tokens (or begun without), not of closed ports.  It is not resent
 * to in passes: its silent ports are probed against its learned limiter
 * (icmplimit.h), one believed
 * probe per token, and a port is open|filtered only after BUDGET_EVIDENCE
 * probes that found a token went unanswered.  Hosts are interleaved, so
 * the scan's rate is the sum of theirs. */

#define BUDGET_OUT 16          /* believed probes in flight per host */
#define BUDGET_CADENCE_NS (10 * NS_PER_MS)
#define BUDGET_GIVE_UP_NS (3 * NS_PER_SEC)
#define IN_FLIGHT 0x80u
#define DONE UINT32_MAX

/* A probe in flight: its queue entry (top bit: it found a token) and its
 * send time in microseconds since the budget began. */
struct flight {
    uint32_t qi;
    uint32_t sent_us;
};
#define FLIGHT_TOKEN 0x80000000u

struct bhost {
    uint32_t h;
    struct icmp_limiter lim;
    uint32_t *q;          /* its undecided port indices (DONE once decided) */
    uint8_t *ev;          /* per entry: believed silences, IN_FLIGHT */
    uint32_t nq, live, next;
    struct flight f[BUDGET_OUT];
    uint32_t nf, reserved;
    uint32_t answered, believed; /* settled probes: by an error; silent with a token */
    uint64_t next_learn;
    uint64_t sweep_end;   /* a host that never answers: its open sweep's deadline */
};

struct budget {
    struct bhost *hosts;
    uint32_t n;
    uint32_t *qstore;
    uint8_t *evstore;
    uint64_t timeout, cadence, t0;
    uint8_t need;
};


static bool icmp_state(const struct port_result *r)
{
    return r->state == PS_CLOSED || (r->state == PS_FILTERED && r->reason != R_NO_RESPONSE);
}

/* Every host with silent ports after the first pass. */
static int budget_build(struct eng *x, struct budget *b, err_t *e)
{
    const struct group *g = x->job->g;
    uint32_t np = x->job->mods[0].nports;
    uint64_t total = 0;
    b->cadence = BUDGET_CADENCE_NS;
    b->t0 = now_ns();
    b->need = x->job->conf->timing.max_retries ? 2 : 1;
    b->hosts = xcalloc(g->n, sizeof *b->hosts, e);
    if (!b->hosts)
        return -1;
    for (uint32_t h = 0; h < g->n; h++) {
        uint32_t icmp = 0, silent = 0;
        for (uint32_t p = 0; x->active[h] == 1 && p < np; p++) {
            struct port_result v;
            __atomic_load(slot_of(x, 0, h, p), &v, __ATOMIC_ACQUIRE);
            icmp += icmp_state(&v);
            silent += v.state == PS_UNKNOWN;
        }
        /* A host with no error yet may have begun with an empty bucket:
         * its silence is no more evidence than the others'. */
        if (!silent)
            continue;
        struct bhost *bh = &b->hosts[b->n++];
        bh->h = h;
        bh->nq = bh->live = silent;
        lim_init(&bh->lim, icmp, now_ns());
        total += silent;
    }
    b->qstore = xcalloc(total ? total : 1, sizeof *b->qstore, e);
    b->evstore = xcalloc(total ? total : 1, 1, e);
    if (!b->qstore || !b->evstore)
        return -1;
    uint64_t off = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        struct bhost *bh = &b->hosts[i];
        bh->q = b->qstore + off;
        bh->ev = b->evstore + off;
        off += bh->nq;
        uint32_t k = 0;
        for (uint32_t p = 0; p < np; p++)
            if (!decided(x, 0, bh->h, p) && k < bh->nq)
                bh->q[k++] = p;
        bh->nq = bh->live = k;
        /* Budgeted hosts leave the resend passes. */
        __atomic_store_n(&x->active[bh->h], 3, __ATOMIC_RELAXED);
    }
    return 0;
}

static void budget_drop(struct bhost *bh, uint32_t qi)
{
    bh->q[qi] = DONE;
    bh->live--;
}

static uint64_t flight_sent(const struct budget *b, const struct flight *f)
{
    return b->t0 + (uint64_t)f->sent_us * 1000;
}

/* An unanswered probe found a token: one believed silence more. */
static void believe(struct eng *x, const struct budget *b, struct bhost *bh, uint32_t qi)
{
    bh->believed++;
    if (debug_on(x->job->conf, 2))
        debug_line("budget: port %u silent with a token", x->job->mods[0].ports[bh->q[qi]]);
    if (++bh->ev[qi] >= b->need) {
        mark_one(x, 0, bh->h, bh->q[qi]);
        budget_drop(bh, qi);
    }
}

/* A probe in flight was answered, or its time is up. */
static bool flight_settle(struct eng *x, struct budget *b, struct bhost *bh, const struct flight *f, uint64_t now)
{
    uint32_t qi = f->qi & ~FLIGHT_TOKEN, p = bh->q[qi];
    bool token = f->qi & FLIGHT_TOKEN;
    struct port_result v;
    __atomic_load(slot_of(x, 0, bh->h, p), &v, __ATOMIC_ACQUIRE);
    if (v.state != PS_UNKNOWN) {
        if (icmp_state(&v)) {
            if (debug_on(x->job->conf, 2))
                debug_line("budget: port %u answered (%s probe, %u silences believed), tokens %.2f",
                           x->job->mods[0].ports[p], token ? "token" : "learning", bh->ev[qi] & ~IN_FLIGHT,
                           lim_tokens(&bh->lim, flight_sent(b, f)));
            if (bh->ev[qi] & ~IN_FLIGHT)
                lim_contradicted(&bh->lim, now);
            else
                lim_answer(&bh->lim, flight_sent(b, f), b->cadence);
            bh->answered++;
        }
        budget_drop(bh, qi);
        return true;
    }
    if (now < flight_sent(b, f) + b->timeout)
        return false;
    bh->ev[qi] &= (uint8_t)~IN_FLIGHT;
    if (token)
        believe(x, b, bh, qi);
    return true;
}

/* A host that answered nothing, pass or learning: it limits nothing we can
 * see, so every silent port is probed at once, and silence after the
 * timeout is believed. */
static void sweep(struct eng *x, struct budget *b, struct bhost *bh, uint64_t now)
{
    if (bh->sweep_end && now < bh->sweep_end)
        return;
    for (uint32_t qi = 0; bh->sweep_end && qi < bh->nq; qi++)
        if (bh->q[qi] != DONE && !decided(x, 0, bh->h, bh->q[qi]) && !(bh->ev[qi] & IN_FLIGHT))
            believe(x, b, bh, qi);
    bh->sweep_end = 0;
    x->st[0].now = now;
    for (uint32_t qi = 0; qi < bh->nq; qi++)
        if (bh->q[qi] != DONE && !decided(x, 0, bh->h, bh->q[qi]) && !(bh->ev[qi] & IN_FLIGHT)) {
            send_probe(&x->st[0], 0, bh->h, bh->q[qi], false);
            bh->sweep_end = now + b->timeout;
        }
}

/* The next entry neither decided nor in flight, round robin. */
static int budget_pick(struct bhost *bh)
{
    for (uint32_t k = 0; k < bh->nq; k++) {
        uint32_t qi = bh->next;
        bh->next = (bh->next + 1) % bh->nq;
        if (bh->q[qi] != DONE && !(bh->ev[qi] & IN_FLIGHT))
            return (int)qi;
    }
    return -1;
}

static void budget_send(struct eng *x, struct budget *b, struct bhost *bh, bool token, uint64_t now)
{
    int qi = bh->nf < BUDGET_OUT ? budget_pick(bh) : -1;
    if (qi < 0)
        return;
    x->st[0].now = now;
    send_probe(&x->st[0], 0, bh->h, bh->q[qi], false);
    bh->ev[qi] |= IN_FLIGHT;
    bh->f[bh->nf++] = (struct flight){.qi = (uint32_t)qi | (token ? FLIGHT_TOKEN : 0),
                                      .sent_us = (uint32_t)((now - b->t0) / 1000)};
    bh->reserved += token;
}

/* One step for one host: settle what came back, send what its tokens allow. */
static void budget_step(struct eng *x, struct budget *b, struct bhost *bh, uint64_t now)
{
    for (uint32_t i = 0; i < bh->nf;) {
        struct flight f = bh->f[i];
        if (!flight_settle(x, b, bh, &f, now)) {
            i++;
            continue;
        }
        bh->reserved -= (f.qi & FLIGHT_TOKEN) != 0;
        bh->f[i] = bh->f[--bh->nf];
    }
    if (__atomic_load_n(&x->active[bh->h], __ATOMIC_RELAXED) != 3 || !bh->live)
        return;
    lim_tick(&bh->lim, now, BUDGET_GIVE_UP_NS, UINT32_MAX);
    if (bh->lim.burst == UINT32_MAX) {
        sweep(x, b, bh, now);
        return;
    }
    if (!bh->lim.known) {
        if (now >= bh->next_learn) {
            budget_send(x, b, bh, false, now);
            bh->next_learn = now + b->cadence;
        }
        return;
    }
    while (bh->nf < BUDGET_OUT && lim_has_token(&bh->lim, now, bh->reserved) && bh->live > bh->nf) {
        uint32_t before = bh->nf;
        budget_send(x, b, bh, true, now);
        if (bh->nf == before)
            break;
    }
}

static bool budget_busy(struct eng *x, const struct budget *b)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (b->hosts[i].nf || b->hosts[i].sweep_end ||
            (b->hosts[i].live && __atomic_load_n(&x->active[b->hosts[i].h], __ATOMIC_RELAXED) == 3))
            return true;
    return false;
}

/* The slowest host's remaining time: its undecided ports, as many of them
 * closed as of those settled so far, one token each. */
static uint64_t budget_eta(const struct budget *b)
{
    uint64_t eta = 0;
    for (uint32_t i = 0; i < b->n; i++) {
        const struct bhost *bh = &b->hosts[i];
        if (bh->lim.burst == UINT32_MAX) { /* sweeping: a timeout per round */
            eta = MAX(eta, b->need * b->timeout);
            continue;
        }
        uint64_t iv = bh->lim.known ? bh->lim.interval_ns : NS_PER_SEC;
        double closed = (bh->answered + 1.0) / (bh->answered + bh->believed / 2.0 + 1.0);
        eta = MAX(eta, (uint64_t)(bh->live * closed * (double)iv));
    }
    return eta;
}

static void budget_report(const struct eng *x, const struct budget *b)
{
    for (uint32_t i = 0; i < b->n; i++) {
        const struct bhost *bh = &b->hosts[i];
        struct host_result *hr = &x->job->g->hosts[bh->h];
        if (!bh->lim.known || bh->lim.burst == UINT32_MAX)
            continue; /* never learned, or nothing to learn: no ICMP error at all */
        hr->icmp_burst = bh->lim.burst;
        hr->icmp_interval_us = (uint32_t)MIN(bh->lim.interval_ns / 1000, UINT32_MAX);
        if (debug_on(x->job->conf, 1)) {
            char a[ADDR_STRLEN];
            debug_line("raw engine: %s limits ICMP errors to a burst of %u, then one per %.0f ms",
                       addr_str(&hr->addr, a, sizeof a), hr->icmp_burst, hr->icmp_interval_us / 1e3);
        }
    }
}

static void budget_run(struct eng *x, struct budget *b)
{
    if (debug_on(x->job->conf, 1) && b->n)
        debug_line("raw engine: %u hosts limit their ICMP errors; probing their silent ports against that", b->n);
    while (!*x->job->stop && budget_busy(x, b)) {
        uint64_t now = now_ns();
        b->timeout = pass_timeout(x); /* the errors' quotes are RTT samples */
        for (uint32_t i = 0; i < b->n; i++)
            budget_step(x, b, &b->hosts[i], now);
        x->job->stats->budget_eta_ns = budget_eta(b) + 1;
        sender_flush(x->st[0].snd);
        nap(&x->st[0], now + NS_PER_MS);
    }
    budget_report(x, b);
    x->job->stats->budget_eta_ns = 0;
    for (uint32_t i = 0; i < b->n; i++)
        if (__atomic_load_n(&x->active[b->hosts[i].h], __ATOMIC_RELAXED) == 3)
            __atomic_store_n(&x->active[b->hosts[i].h], 1, __ATOMIC_RELAXED);
}

static void budget_free(struct budget *b)
{
    if (!b)
        return;
    free(b->hosts);
    free(b->qstore);
    free(b->evstore);
    free(b);
}

/* ---- set-up: modules, hosts, routes, templates ---- */

static int build_modules(struct eng *x, err_t *e)
{
    const struct engine_job *job = x->job;
    x->nmods = job->nmods;
    x->port_index = xcalloc((size_t)job->nmods * 65536, sizeof *x->port_index, e);
    x->mod_base = xcalloc(job->nmods + 1, sizeof *x->mod_base, e);
    x->mod_off = xcalloc(job->nmods, sizeof *x->mod_off, e);
    if (!x->port_index || !x->mod_base || !x->mod_off)
        return -1;
    memset(x->port_index, 0xff, (size_t)job->nmods * 65536 * sizeof *x->port_index);
    for (uint32_t m = 0; m < job->nmods; m++) {
        for (uint32_t i = 0; i < job->mods[m].nports; i++)
            x->port_index[(size_t)m * 65536 + job->mods[m].ports[i]] = (int32_t)i;
        x->mod_base[m + 1] = x->mod_base[m] + (uint64_t)job->g->n * job->mods[m].nports;
        /* Discovery modules keep no port results; UDP's follow TCP's. */
        x->mod_off[m] = job->mods[m].ops->proto == PROTO_UDP ? job->g->stride - job->conf->ports.n[PROTO_UDP] : 0;
    }
    return 0;
}

static int source_index(struct eng *x, const struct addr *src)
{
    for (uint32_t i = 0; i < x->nsources; i++)
        if (addr_eq(&x->sources[i], src))
            return (int)i;
    if (x->nsources == MAX_SOURCES)
        return -1;
    x->sources[x->nsources] = *src;
    return (int)x->nsources++;
}

static int add_route(struct eng *x, const struct path *pa, const struct addr *dst)
{
    int ri = route_lookup(x, &pa->next_hop);
    if (ri >= 0)
        return ri;
    /* Every host on the segment is asked itself: a neighbour table's entry
     * may be stale, and the exchange measures the host's latency. */
    bool ask = addr_eq(&pa->next_hop, dst);
    const struct sender *s = x->st[0].snd;
    int way = sender_way_eth(s, pa->iface->index);
    int src = source_index(x, &pa->src);
    if (src < 0)
        return -1;
    if (way < 0)
        way = sender_way_ip(s, pa->next_hop.family);
    struct route *rt = &x->routes[x->nroutes];
    *rt = (struct route){.next_hop = pa->next_hop, .way = way, .src = (uint8_t)src,
                         .eth = s->way[way].eth, .resolved = !s->way[way].eth || (pa->have_mac && !ask)};
    if (rt->eth)
        packet_eth_header(rt->hdr, pa->mac, s->way[way].mac,
                          pa->next_hop.family == AF_INET6 ? ETHERTYPE_IP6 : ETHERTYPE_IP4);
    uint32_t i = (uint32_t)addr_hash(&pa->next_hop) & x->rmask;
    while (x->rtab[i] != UINT32_MAX)
        i = (i + 1) & x->rmask;
    x->rtab[i] = x->nroutes;
    return (int)x->nroutes++;
}

/* Looks up every host's path; hosts without one stay silent. */
static int build_hosts(struct eng *x, err_t *e)
{
    const struct conf *c = x->job->conf;
    struct group *g = x->job->g;
    uint32_t size = table_size(g->n);
    x->hmask = x->rmask = size - 1;
    x->htab = xcalloc(size, sizeof *x->htab, e);
    x->rtab = xcalloc(size, sizeof *x->rtab, e);
    x->active = xcalloc(g->n, 1, e);
    x->host_route = xcalloc(g->n, sizeof *x->host_route, e);
    x->routes = xcalloc(g->n, sizeof *x->routes, e);
    x->haddr = xcalloc(g->n, sizeof *x->haddr, e);
    x->hrtt = xcalloc(g->n, sizeof *x->hrtt, e);
    if (!x->htab || !x->rtab || !x->active || !x->host_route || !x->routes || !x->haddr || !x->hrtt)
        return -1;
    memset(x->htab, 0xff, size * sizeof *x->htab);
    memset(x->rtab, 0xff, size * sizeof *x->rtab);
    for (uint32_t h = 0; h < g->n; h++) {
        struct host_result *hr = &g->hosts[h];
        x->haddr[h] = hr->addr;
        if (hr->status == HOST_DOWN || hr->timed_out)
            continue;
        uint32_t i = (uint32_t)addr_hash(&hr->addr) & x->hmask;
        while (x->htab[i] != UINT32_MAX)
            i = (i + 1) & x->hmask;
        x->htab[i] = h;
        struct path pa;
        err_t ignore;
        const struct addr *want = c->source.family == hr->addr.family ? &c->source : NULL;
        int ri = netinfo_path(&x->job->raw->ni, &hr->addr, want, c->iface, &pa, &ignore) == 0
                     ? add_route(x, &pa, &hr->addr) : -1;
        x->active[h] = ri >= 0 ? 1 : 2;
        x->host_route[h] = ri >= 0 ? (uint32_t)ri : 0;
    }
    return 0;
}

static int build_templates(struct eng *x, err_t *e)
{
    x->tmpl = xcalloc((size_t)MAX(x->nsources, 1) * x->nmods, sizeof *x->tmpl, e);
    if (!x->tmpl)
        return -1;
    for (uint32_t s = 0; s < x->nsources; s++)
        for (uint32_t m = 0; m < x->nmods; m++) {
            struct probe_tmpl *t = &x->tmpl[s * x->nmods + m];
            *t = (struct probe_tmpl){.ctx = x->job->ctx, .src = x->sources[s],
                                     .family = x->sources[s].family};
            if (x->job->mods[m].ops->prepare(t, e) < 0)
                return -1;
        }
    return 0;
}

/* Restricts the capture to what is sent to this group's source addresses:
 * the modules' replies, and ARP and neighbour discovery for resolving. */
static int set_filter(struct eng *x, err_t *e)
{
    char f[2048], frag[256];
    size_t n = 0;
    n += (size_t)snprintf(f + n, sizeof f - n, "(arp or icmp6");
    for (uint32_t m = 0; m < x->nmods; m++) {
        if (x->job->mods[m].ops->filter(x->job->ctx, frag, sizeof frag) < 0)
            return err_set(e, "capture filter too long");
        n += (size_t)snprintf(f + n, sizeof f - n, " or %s", frag);
    }
    n += (size_t)snprintf(f + n, sizeof f - n, ") and (");
    for (uint32_t s = 0; s < x->nsources && n < sizeof f; s++) {
        char a[ADDR_STRLEN];
        n += (size_t)snprintf(f + n, sizeof f - n, "%sdst host %s", s ? " or " : "",
                              addr_str(&x->sources[s], a, sizeof a));
    }
    if (n + 2 >= sizeof f)
        return err_set(e, "capture filter too long");
    snprintf(f + n, sizeof f - n, ")");
    struct bpf_program prog;
    pcap_t *pc = x->job->raw->pc;
    if (pcap_compile(pc, &prog, f, 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(pc, &prog) < 0)
        return err_set(e, "capture filter: %s", pcap_geterr(pc));
    pcap_freecode(&prog);
    return 0;
}

/* ---- neighbour resolution ---- */

static void ask_neighbour(struct eng *x, struct route *rt)
{
    rt->asked_us = (uint64_t)(wall_time() * 1e6);
    struct sender *snd = x->st[0].snd;
    const struct send_way *w = &snd->way[rt->way];
    uint8_t *slot = slot_for(snd, rt->way);
    const struct addr *src = &x->sources[rt->src];
    size_t len = rt->next_hop.family == AF_INET6 ? packet_build_ns(slot, w->mac, src, &rt->next_hop)
                                                  : packet_build_arp_request(slot, w->mac, src, &rt->next_hop);
    sender_commit(snd, rt->way, len, &rt->next_hop);
}

/* Asks every unknown next hop for its MAC, ARP_TRIES times at most, each
 * wait half as long again as the one before (a reply to any round counts). */
static void resolve_neighbours(struct eng *x)
{
    uint64_t wait = MAX(x->job->conf->timing.initial_rtt_ns / 4, 100 * NS_PER_MS);
    for (int round = 0; round < ARP_TRIES && !*x->job->stop; round++) {
        uint32_t asked = 0;
        /* Paced like probes: a sweep's burst of requests overruns a slow link. */
        for (uint32_t i = 0; i < x->nroutes && !*x->job->stop; i++)
            if (!__atomic_load_n(&x->routes[i].resolved, __ATOMIC_ACQUIRE) && pace(&x->st[0])) {
                ask_neighbour(x, &x->routes[i]);
                asked++;
            }
        sender_flush(x->st[0].snd);
        if (!asked)
            return;
        uint64_t end = now_ns() + wait;
        bool all = false;
        while (!all && !*x->job->stop && x->st[0].now < end) {
            nap(&x->st[0], end);
            all = true;
            for (uint32_t i = 0; i < x->nroutes && all; i++)
                all = __atomic_load_n(&x->routes[i].resolved, __ATOMIC_ACQUIRE);
        }
        wait += wait / 2; /* a loaded or lossy segment answers late: back off */
    }
}

/* Hosts on an Ethernet segment (their next hop is themselves): the MAC
 * that answered for them; and with an ARP ping, that answer alone makes
 * them up (no answer: down, as they are never probed). */
static void segment_hosts(struct eng *x)
{
    struct group *g = x->job->g;
    for (uint32_t h = 0; h < g->n; h++) {
        const struct route *rt = &x->routes[x->host_route[h]];
        if (x->active[h] != 1 || !rt->eth || !addr_eq(&rt->next_hop, &x->haddr[h]) ||
            !__atomic_load_n(&rt->resolved, __ATOMIC_ACQUIRE))
            continue;
        struct host_result *hr = &g->hosts[h];
        memcpy(hr->mac, rt->hdr, 6);
        hr->has_mac = true;
        if (rt->answered_us > rt->asked_us) /* the ARP/ND exchange's round trip, to the microsecond */
            hr->srtt_us = (uint32_t)MIN(rt->answered_us - rt->asked_us, UINT32_MAX);
        if (x->job->arp_ping && x->job->mods[0].ops->discovery) {
            struct port_result up = {.reason = hr->addr.family == AF_INET6 ? R_ND_RESPONSE : R_ARP_RESPONSE};
            if (publish(x, 0, h, 0, &up))
                __atomic_fetch_add(&x->rx.answers, 1, __ATOMIC_RELAXED);
        }
    }
}

/* ---- the run ---- */

/* The rate starts low and finds the path's capacity (see timing.h); the
 * template sets the ceiling.  --max-rate is the ceiling and the start (the
 * user knows the path takes it), --min-rate the floor, --scan-delay fixed. */
static void init_rate(struct eng *x, const struct timing_conf *tc)
{
    double hi = tc->level >= 5 ? 1e6 : tc->level == 4 ? 300000 : 50000, start = 10000;
    double lo = tc->min_rate;
    if (x->job->conf->max_gap_ns) /* --max-scan-delay: never slower than a probe per that */
        lo = MAX(lo, 1e9 / (double)x->job->conf->max_gap_ns);
    if (tc->scan_delay_ns)
        hi = 1e9 / (double)tc->scan_delay_ns;
    if (tc->max_rate)
        hi = start = tc->max_rate;
    hi = MAX(hi, lo);
    start = MIN(start, hi);
    uint64_t now = now_ns();
    ratectl_init(&x->ctl, start, lo, hi, now);
    x->rate = x->ctl.rate;
    x->nthreads = hi > THREAD_RATE ? x->job->raw->nsnd : 1;
    for (uint32_t t = 0; t < x->nthreads; t++) {
        struct sendthread *st = &x->st[t];
        st->rate = x->rate;
        rate_init(&st->rl, x->rate / x->nthreads, now);
        st->now = now;
    }
    x->next_tick = now + TICK_NS;
    x->next_report = now + REPORT_NS;
}

static void finish(struct eng *x)
{
    struct group *g = x->job->g;
    publish_stats(x);
    double end = wall_time();
    for (uint32_t h = 0; h < g->n; h++) {
        struct host_result *hr = &g->hosts[h];
        if (x->active[h])
            hr->end = end;
        /* Replies' millisecond samples, unless the ARP exchange measured finer. */
        if (x->hrtt[h] && (!hr->srtt_us || hr->srtt_us >= 1000)) {
            hr->srtt_us = x->hrtt[h];
            hr->rttvar_us = x->hrtt[h] / 2;
        }
    }
}

static void eng_free(struct eng *x)
{
    free(x->port_index);
    free(x->mod_base);
    free(x->mod_off);
    free(x->haddr);
    free(x->hrtt);
    free(x->htab);
    free(x->rtab);
    free(x->active);
    free(x->host_route);
    free(x->routes);
    free(x->tmpl);
    budget_free(x->bud);
    free(x);
}

static int eng_setup(struct eng *x, err_t *e)
{
    /* Probes with payloads need the large ring slots (rawio.c opens them for -sU). */
    for (uint32_t m = 0; m < x->job->nmods; m++)
        if (x->job->mods[m].ops->max_len + 14u > sender_room(x->st[0].snd, 0))
            return err_set(e, "%s probes need larger send slots than were opened", x->job->mods[m].ops->flag);
    if (build_modules(x, e) < 0 || build_hosts(x, e) < 0 || build_templates(x, e) < 0)
        return -1;
    return x->nsources ? set_filter(x, e) : 0;
}

/* Sends and receives until the passes are done (with no routable host,
 * nothing: every pair stays silent). */
static int probe_all(struct eng *x, const struct perm *pm, err_t *e)
{
    pthread_t tid;
    if (!x->nsources)
        return 0;
    /* One ICMP-limited module alone (the UDP scan's run) spends budgets. */
    if (x->nmods == 1 && x->job->mods[0].ops->icmp_limited && !(x->bud = xcalloc(1, sizeof *x->bud, e)))
        return -1;
    if (pthread_create(&tid, NULL, receiver, x) != 0)
        return err_set(e, "cannot start the receiver thread");
    init_rate(x, &x->job->conf->timing);
    resolve_neighbours(x);
    segment_hosts(x);
    run_passes(x, pm);
    x->done = 1;
    pthread_join(tid, NULL);
    return 0;
}

int engine_run(const struct engine_job *job, err_t *e)
{
    struct eng *x = xcalloc(1, sizeof *x, e);
    if (!x)
        return -1;
    x->job = job;
    x->nthreads = 1;
    for (uint32_t t = 0; t < ENGINE_THREADS; t++)
        x->st[t] = (struct sendthread){.x = x, .snd = &job->raw->snd[t < job->raw->nsnd ? t : 0], .t = t};
    x->base = *job->stats;
    int rc = eng_setup(x, e);
    struct perm pm;
    if (rc == 0) {
        perm_init(&pm, x->mod_base[x->nmods], job->seed, job->conf->sequential);
        rc = probe_all(x, &pm, e);
    }
    if (rc == 0 && !*job->stop)
        mark_silent(x, &pm);
    if (rc == 0)
        finish(x);
    eng_free(x);
    return rc;
}
