/* connect: the -sT engine.  Thousands of non-blocking connect()s in flight,
 * watched with epoll; needs no privileges.
 *
 * Workers: the (host, port) index space is split across one worker thread
 * per CPU (at most 4) exactly as --shard splits it across machines: worker w
 * of W takes every W-th index of this shard.  Each worker has its own epoll
 * set, slots, window, rate share and per-host timing, and writes results only
 * for its own pairs, so the hot path takes no lock.  Per-host timing and
 * discovery state are merged after the workers join.  Most of a connect
 * scan's cost is kernel work done on the sending CPU (for a lab target, the
 * target's too), so a second core nearly halves a scan.
 *
 * A slot ends in one of three ways:
 *   - epoll reports it: writable without error means connected; otherwise
 *     IP_RECVERR's error queue names the ICMP message behind the error, or
 *     SO_ERROR gives the errno, and classify_connect() says what was seen;
 *   - its deadline (the host's RTT-based timeout) passes: the probe is
 *     retried while the host's retry allowance lasts, then the port is
 *     filtered (no-response);
 *   - its host hits --host-timeout: dropped.
 * A socket that connected is closed with SO_LINGER 0 (a RST, no TIME_WAIT),
 * so a 65535-port scan never runs out of ephemeral ports; slots are capped by
 * the descriptors free (fdlimit.h) so it rarely runs out of descriptors
 * either.  When the system does refuse a socket or a local port (the limit
 * lowered under us, another thread's sockets), the pair is queued again and
 * waits for probes in flight to end; a worker with nothing in flight that
 * still cannot start one fails with the system's reason.  No pair is dropped
 * without a state or an error. */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "classify.h"
#include "debug.h"
#include "fdlimit.h"
#include "scan.h"
#include "timing.h"

#define MAX_WORKERS 4

struct slot {
    int fd; /* -1 when free */
    uint32_t host, port;
    uint8_t try;
    uint64_t sent_ns, deadline_ns;
};

struct retry {
    uint32_t host, port;
    uint8_t try;
};

/* What one worker knows of one host. */
struct whost {
    struct rtt_est rtt;
    uint8_t max_ok_try; /* highest retransmission that got a reply (nmap's idea) */
    uint8_t up_reason;  /* discovery: why it is up, 0 = not seen up */
    bool timed_out;
    double end;
};

struct worker {
    struct job *job;
    const struct timing_conf *tc;
    const uint8_t *active; /* per group host: probed by this run (shared, read-only) */
    struct whost *hosts;
    struct scan_stats st;  /* this worker's counters (read by the ticker) */
    int ep;
    struct slot *slots;
    uint32_t *free_slots, nfree, nslots, inflight;
    const uint16_t *ports;
    uint32_t nports;
    struct perm perm;
    uint64_t total, cursor, step;
    struct retry *retry;
    uint32_t r_head, r_len;
    struct cwnd cw;
    struct ratelimit rl;
    double min_rate;
    uint64_t max_gap_ns;     /* --max-scan-delay, this worker's share: a send floor */
    uint64_t start_ns, last_send_ns, next_expire_ns;
    uint64_t short_since_ns; /* local shortage with nothing in flight since, 0 = none */
    int quit;                /* set by connect_run when a sibling failed to start */
    int rc;
    err_t err;
};

#define STAT_ADD(w, field, n) __atomic_fetch_add(&(w)->st.field, (n), __ATOMIC_RELAXED)

static const char *host_str(const struct worker *w, uint32_t h, char buf[ADDR_STRLEN])
{
    return addr_str(&w->job->g->hosts[h].addr, buf, ADDR_STRLEN);
}

static double run_secs(const struct worker *w, uint64_t now)
{
    return (double)(now - w->start_ns) / 1e9;
}

static bool host_active(const struct worker *w, uint32_t h)
{
    return w->active[h] && !w->hosts[h].timed_out &&
           !(w->job->discovery && w->hosts[h].up_reason);
}

static void decide(struct worker *w, uint32_t h, uint32_t p, const struct port_result *r)
{
    struct port_result *pr = &w->job->g->hosts[h].ports[w->job->proto][p];
    if (pr->state != PS_UNKNOWN)
        return;
    pr->state = r->state;
    pr->reason = r->reason;
    pr->ttl = r->ttl;
    w->hosts[h].end = wall_time();
    STAT_ADD(w, pairs_done, 1);
    if (debug_on(w->job->conf, 2)) {
        char a[ADDR_STRLEN];
        debug_line("Port %u/tcp on %s: %s (%s)", w->ports[p], host_str(w, h, a),
                   state_name(r->state), reason_name(r->reason));
    }
}

static uint32_t allowed_retries(const struct worker *w, uint32_t h)
{
    /* nmap's rule, with a margin: retransmit once on a clean path; once a
     * retransmission has been seen to help on this host (loss), keep asking two
     * tries beyond the latest try that got an answer, within --max-retries.
     * With one try of margin, 4 % round-trip loss left ~1 port in 16 000 wrong. */
    uint32_t ok = w->hosts[h].max_ok_try;
    uint32_t want = ok ? ok + 2 : 1;
    return MIN(w->tc->max_retries, want);
}

static void release(struct worker *w, uint32_t s)
{
    close(w->slots[s].fd);
    w->slots[s].fd = -1;
    w->free_slots[w->nfree++] = s;
    w->inflight--;
}

static void push_retry(struct worker *w, uint32_t h, uint32_t p, uint8_t try)
{
    /* At most one entry per slot, so the ring (nslots + 1) never overflows. */
    w->retry[(w->r_head + w->r_len++) % (w->nslots + 1)] = (struct retry){h, p, try};
}

/* Reads the ICMP error queued on fd, if any; returns its errno or 0. */
static int read_icmp(int fd, int family, int *type, int *code, struct addr *from)
{
    char cbuf[512], dbuf[64];
    struct iovec iov = {dbuf, sizeof dbuf};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    *type = *code = ICMP_NONE;
    if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        return 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
        bool v4 = cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR;
        bool v6 = cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR;
        if (!v4 && !v6)
            continue;
        struct sock_extended_err ee;
        memcpy(&ee, CMSG_DATA(cm), sizeof ee);
        if (ee.ee_origin == SO_EE_ORIGIN_ICMP && family == AF_INET)
            *type = ee.ee_type, *code = ee.ee_code;
        else if (ee.ee_origin == SO_EE_ORIGIN_ICMP6)
            *type = ee.ee_type + 0x100, *code = ee.ee_code;
        else
            continue;
        const struct sock_extended_err *eep = (const void *)CMSG_DATA(cm);
        addr_from_sockaddr(SO_EE_OFFENDER(eep), from);
        return (int)ee.ee_errno;
    }
    return 0;
}

/* A reply (or a local error) ended a probe: record what it says.  err < 0
 * means "error, not yet read". */
static void complete(struct worker *w, uint32_t s, int err, uint64_t now)
{
    struct slot *sl = &w->slots[s];
    uint32_t h = sl->host;
    struct whost *wh = &w->hosts[h];
    const struct addr *target = &w->job->g->hosts[h].addr;
    int itype = ICMP_NONE, icode = ICMP_NONE;
    struct addr from = {0};
    if (err < 0) {
        err = read_icmp(sl->fd, target->family, &itype, &icode, &from);
        if (!err) {
            socklen_t el = sizeof err;
            getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        }
    } else if (err > 0) {
        read_icmp(sl->fd, target->family, &itype, &icode, &from);
    }
    struct port_result r = {0};
    classify_connect(err, itype, icode, &r);
    /* A refusal, a connection or an ICMP error is a reply from the network:
     * it times the path and grows the window.  A local error is not. */
    if (debug_on(w->job->conf, 3)) {
        char a[ADDR_STRLEN];
        debug_line("CONN (%.4fs) TCP %s:%u => %s", run_secs(w, now), host_str(w, h, a),
                   w->ports[sl->port], err ? strerror(err) : "Connected");
    }
    if (err == 0 || err == ECONNREFUSED || err == ECONNRESET || itype != ICMP_NONE) {
        STAT_ADD(w, replies, 1);
        rtt_sample(&wh->rtt, now - sl->sent_ns);
        cwnd_on_reply(&w->cw);
        if (sl->try > wh->max_ok_try && debug_on(w->job->conf, 1)) {
            char a[ADDR_STRLEN];
            debug_line("Increased max_successful_tryno for %s to %u (packet drop)",
                       host_str(w, h, a), sl->try);
        }
        if (sl->try > wh->max_ok_try)
            wh->max_ok_try = sl->try;
        if (sl->try > 0) {
            STAT_ADD(w, drops, 1);
            cwnd_on_drop(&w->cw);
        }
    }
    if (err == 0) {
        struct linger lg = {1, 0}; /* close with RST: no TIME_WAIT */
        setsockopt(sl->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    if (w->job->discovery) {
        bool from_target = itype != ICMP_NONE && addr_eq(&from, target);
        if ((r.state == PS_OPEN || r.state == PS_CLOSED || from_target) && !wh->up_reason)
            wh->up_reason = r.reason;
    } else if (host_active(w, h)) {
        decide(w, h, sl->port, &r);
    }
    release(w, s);
}

/* Errors of socket() or connect() that say the local system is short of
 * something that probes in flight give back when they end. */
static bool local_shortage(int err)
{
    return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM ||
           err == EADDRNOTAVAIL || err == EAGAIN;
}

/* The pair could not start for want of a local resource: it goes back in
 * the queue (the caller has taken no slot for it, or given it back).  With
 * nothing in flight nothing of ours will free up; other workers' probes end
 * within the RTT timeout cap, so waiting longer than that is pointless. */
static bool shortage(struct worker *w, uint32_t h, uint32_t p, uint8_t try, int err,
                     uint64_t now)
{
    push_retry(w, h, p, try);
    if (debug_on(w->job->conf, 1) && !w->short_since_ns) {
        char a[ADDR_STRLEN];
        debug_line("connect: no connection to %s:%u now (%s); %u in flight, it waits",
                   host_str(w, h, a), w->ports[p], strerror(err), w->inflight);
    }
    if (w->inflight) {
        w->short_since_ns = 0;
        return false;
    }
    if (!w->short_since_ns)
        w->short_since_ns = now;
    else if (now - w->short_since_ns > w->tc->max_rtt_ns + 2 * NS_PER_SEC)
        w->rc = err_set(&w->err, "cannot start a connection (%s) and none is in flight to wait for",
                        strerror(err));
    return false;
}

/* Starts one probe in a free slot.  Returns false if the local system
 * refused (descriptors or ephemeral ports; the pair is queued again) or
 * failed (w->rc set): the caller should wait. */
static bool start(struct worker *w, uint32_t h, uint32_t p, uint8_t try, uint64_t now)
{
    const struct addr *target = &w->job->g->hosts[h].addr;
    int fd = socket(target->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (local_shortage(errno))
            return shortage(w, h, p, try, errno, now);
        w->rc = err_set(&w->err, "socket: %s", strerror(errno));
        return false;
    }
    w->short_since_ns = 0;
    int one = 1;
    if (target->family == AF_INET)
        setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one);
    else
        setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t len;
    addr_to_sockaddr(target, w->ports[p], &ss, &len);

    uint32_t s = w->free_slots[--w->nfree];
    w->inflight++;
    w->slots[s] = (struct slot){fd, h, p, try, now, now + rtt_timeout(&w->hosts[h].rtt, w->tc)};
    w->last_send_ns = now;

    int err = connect(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : errno;
    if (debug_on(w->job->conf, 3)) {
        char a[ADDR_STRLEN];
        debug_line("CONN (%.4fs) TCP %s:%u => %s%s", run_secs(w, now), host_str(w, h, a),
                   w->ports[p], err ? strerror(err) : "Connected", try ? " (retransmission)" : "");
    }
    if (err == EINPROGRESS) {
        struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = s};
        err = epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
        if (err == 0) {
            STAT_ADD(w, sent, 1);
            if (try)
                STAT_ADD(w, retransmits, 1);
            return true;
        }
    }
    if (local_shortage(err)) {
        /* Out of local resources: requeue, and let in-flight probes drain. */
        release(w, s);
        return shortage(w, h, p, try, err, now);
    }
    STAT_ADD(w, sent, 1);
    complete(w, s, err, now);
    return true;
}

/* Next pair: a retry first, then this worker's next permutation index. */
static bool next_pair(struct worker *w, uint32_t *h, uint32_t *p, uint8_t *try)
{
    while (w->r_len) {
        struct retry r = w->retry[w->r_head];
        w->r_head = (w->r_head + 1) % (w->nslots + 1);
        w->r_len--;
        if (host_active(w, r.host)) {
            *h = r.host, *p = r.port, *try = r.try;
            return true;
        }
    }
    while (w->cursor < w->total) {
        uint64_t idx = perm_get(&w->perm, w->cursor);
        w->cursor += w->step;
        *h = (uint32_t)(idx / w->nports);
        *p = (uint32_t)(idx % w->nports);
        *try = 0;
        if (host_active(w, *h))
            return true;
    }
    return false;
}

static bool may_send(struct worker *w, uint64_t now)
{
    if (w->nfree == 0)
        return false;
    if (w->tc->scan_delay_ns && w->st.sent && now - w->last_send_ns < w->tc->scan_delay_ns)
        return false;
    bool behind = w->min_rate > 0 &&
                  (double)w->st.sent < w->min_rate * (double)(now - w->start_ns) / 1e9;
    /* --max-scan-delay: the window may slow sending down to one probe per
     * gap, no further (--max-parallelism, the window's ceiling, still holds). */
    bool overdue = w->max_gap_ns && now - w->last_send_ns >= w->max_gap_ns &&
                   w->inflight < (uint32_t)w->cw.hi;
    if (w->inflight >= cwnd_allowed(&w->cw) && !behind && !overdue)
        return false;
    return rate_take(&w->rl, now);
}

/* Starts probes while window, rate and delay allow; a bounded batch per turn
 * so that replies are read promptly even when the window is huge. */
static void fill(struct worker *w)
{
    uint32_t h, p;
    uint8_t try;
    uint64_t now = now_ns();
    for (int batch = 0; batch < 512 && may_send(w, now); batch++, now = now_ns())
        if (!next_pair(w, &h, &p, &try) || !start(w, h, p, try, now))
            return;
}

static void expire(struct worker *w, uint64_t now)
{
    const struct group *g = w->job->g;
    for (uint32_t s = 0; s < w->nslots; s++) {
        struct slot *sl = &w->slots[s];
        if (sl->fd < 0)
            continue;
        uint32_t h = sl->host;
        struct whost *wh = &w->hosts[h];
        uint64_t ht = w->tc->host_timeout_ns;
        if (ht && now - g->hosts[h].start_ns > ht)
            wh->timed_out = true;
        if (!host_active(w, h)) {
            release(w, s);
            continue;
        }
        if (sl->deadline_ns > now)
            continue;
        STAT_ADD(w, timeouts, 1);
        uint32_t p = sl->port;
        uint8_t try = sl->try;
        release(w, s);
        /* Silence is evidence of congestion only once a retransmission to this
         * host has been seen to succeed; until then it is a filter dropping
         * probes, and the window may grow as it does on replies. */
        if (wh->max_ok_try == 0)
            cwnd_on_reply(&w->cw);
        if (try < allowed_retries(w, h)) {
            push_retry(w, h, p, (uint8_t)(try + 1));
        } else if (!w->job->discovery) {
            struct port_result r = {.state = PS_FILTERED, .reason = R_NO_RESPONSE};
            decide(w, h, p, &r);
        }
    }
}

static int wait_events(struct worker *w, uint64_t now)
{
    struct epoll_event evs[256];
    uint64_t wait = 10 * NS_PER_MS;
    if (w->max_gap_ns) {
        uint64_t due = w->last_send_ns + w->max_gap_ns;
        wait = MIN(wait, due > now ? MAX(due - now, NS_PER_MS) : NS_PER_MS);
    }
    if (w->inflight == 0) {
        uint64_t rw = rate_wait(&w->rl, now);
        uint64_t next_ok = w->last_send_ns + w->tc->scan_delay_ns;
        if (w->tc->scan_delay_ns && next_ok > now)
            rw = MAX(rw, next_ok - now);
        wait = MIN(MAX(rw, NS_PER_MS), 100 * NS_PER_MS);
    }
    /* Drain every ready event before expire() runs, so that no probe whose
     * answer is already queued is mistaken for a silent one. */
    int n;
    do {
        n = epoll_wait(w->ep, evs, (int)ARRAY_LEN(evs), (int)(wait / NS_PER_MS));
        if (n < 0)
            return errno == EINTR ? 0 : -1;
        now = now_ns();
        for (int i = 0; i < n; i++) {
            bool error = evs[i].events & (EPOLLERR | EPOLLHUP);
            complete(w, evs[i].data.u32, error ? -1 : 0, now);
        }
        wait = 0;
    } while (n == (int)ARRAY_LEN(evs));
    return 0;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    uint64_t now;
    while (!*w->job->stop && w->rc == 0 && !__atomic_load_n(&w->quit, __ATOMIC_RELAXED) &&
           (w->inflight || w->r_len || w->cursor < w->total)) {
        fill(w);
        now = now_ns();
        if (wait_events(w, now) < 0) {
            w->rc = err_set(&w->err, "epoll_wait: %s", strerror(errno));
            break;
        }
        now = now_ns();
        if (now >= w->next_expire_ns) {
            expire(w, now);
            w->next_expire_ns = now + 5 * NS_PER_MS;
        }
    }
    return NULL;
}

/* One worker per CPU, but one only when probes must be serialised. */
static uint32_t worker_count(const struct timing_conf *tc)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t n = (uint32_t)MAX(1, MIN(cpus, MAX_WORKERS));
    if (tc->scan_delay_ns)
        return 1;
    if (tc->max_parallelism && tc->max_parallelism < n)
        n = tc->max_parallelism;
    return n;
}

static void worker_free(struct worker *w);

/* Sets up worker idx of nworkers.  On failure it undoes its own partial
 * work: the caller frees only the workers whose init succeeded. */
static int worker_init(struct worker *w, struct job *job, const uint8_t *active, uint32_t idx,
                       uint32_t nworkers, err_t *e)
{
    memset(w, 0, sizeof *w);
    w->job = job;
    w->tc = &job->conf->timing;
    w->active = active;
    w->ports = job->ports->v[job->proto];
    w->nports = job->ports->n[job->proto];
    w->ep = -1;
    /* The budget is for the whole run, taken before any worker holds a
     * socket; the first worker's epoll set is already open by the second's
     * turn, which the 64 kept back cover. */
    w->nslots = MAX(16u, fd_budget(64, 16384) / nworkers);
    w->hosts = xcalloc(job->g->n, sizeof *w->hosts, e);
    w->slots = xcalloc(w->nslots, sizeof *w->slots, e);
    w->free_slots = xcalloc(w->nslots, sizeof *w->free_slots, e);
    w->retry = xcalloc(w->nslots + 1, sizeof *w->retry, e);
    if (!w->hosts || !w->slots || !w->free_slots || !w->retry) {
        worker_free(w);
        return -1;
    }
    for (uint32_t s = 0; s < w->nslots; s++) {
        w->slots[s].fd = -1;
        w->free_slots[w->nfree++] = w->nslots - 1 - s;
    }
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    if (w->ep < 0) {
        err_set(e, "epoll_create1: %s", strerror(errno));
        worker_free(w);
        return -1;
    }
    /* Pairs are indexed over the whole group, whatever discovery found, so
     * every shard (and worker) agrees on what index i is.  Discovery runs
     * whole in every shard: each needs to know who is up. */
    w->total = (uint64_t)job->g->n * w->nports;
    perm_init(&w->perm, w->total, job->seed, job->conf->sequential);
    uint64_t shard_n = job->discovery ? 1 : job->conf->shard_n;
    uint64_t shard_k = job->discovery ? 0 : job->conf->shard_k - 1;
    w->step = shard_n * nworkers;
    w->cursor = shard_k + shard_n * idx;
    struct timing_conf share = *w->tc;
    if (share.max_parallelism)
        share.max_parallelism = MAX(1u, share.max_parallelism / nworkers);
    if (share.min_parallelism)
        share.min_parallelism = MAX(1u, share.min_parallelism / nworkers);
    cwnd_init(&w->cw, &share, w->nslots);
    w->start_ns = now_ns();
    rate_init(&w->rl, w->tc->max_rate / nworkers, w->start_ns);
    w->min_rate = w->tc->min_rate / nworkers;
    w->max_gap_ns = job->conf->max_gap_ns * nworkers;
    return 0;
}

/* Frees what worker_init set up; safe on a worker it set up only in part. */
static void worker_free(struct worker *w)
{
    for (uint32_t s = 0; w->slots && s < w->nslots; s++)
        if (w->slots[s].fd >= 0)
            close(w->slots[s].fd);
    if (w->ep >= 0)
        close(w->ep);
    free(w->slots);
    free(w->free_slots);
    free(w->retry);
    free(w->hosts);
    w->slots = NULL;
    w->free_slots = NULL;
    w->retry = NULL;
    w->hosts = NULL;
    w->ep = -1;
}

/* Folds the workers' view of each host into the group's results. */
static void merge(struct job *job, const uint8_t *active, struct worker *ws, uint32_t nw)
{
    for (uint32_t h = 0; h < job->g->n; h++) {
        if (!active[h])
            continue;
        struct host_result *hr = &job->g->hosts[h];
        const struct whost *best = &ws[0].hosts[h];
        for (uint32_t i = 0; i < nw; i++) {
            const struct whost *wh = &ws[i].hosts[h];
            if (wh->rtt.have && (!best->rtt.have || wh->rtt.srtt_ns < best->rtt.srtt_ns))
                best = wh;
            hr->timed_out |= wh->timed_out;
            hr->end = MAX(hr->end, wh->end);
            if (job->discovery && wh->up_reason && hr->status != HOST_UP) {
                hr->status = HOST_UP;
                hr->up_reason = wh->up_reason;
            }
        }
        hr->srtt_us = (uint32_t)(best->rtt.srtt_ns / 1000);
        hr->rttvar_us = (uint32_t)(best->rtt.rttvar_ns / 1000);
        hr->to_us = (uint32_t)(rtt_timeout(&best->rtt, &job->conf->timing) / 1000);
        if (job->discovery && hr->status != HOST_UP)
            hr->status = HOST_DOWN;
        if (!hr->end)
            hr->end = wall_time();
        if (debug_on(job->conf, 1)) {
            char a[ADDR_STRLEN];
            addr_str(&hr->addr, a, sizeof a);
            if (job->discovery)
                debug_line("Host %s is %s (%s)", a, hr->status == HOST_UP ? "up" : "down",
                           hr->status == HOST_UP ? reason_name(hr->up_reason) : "no-response");
            else
                debug_line("Final times for host %s: srtt: %u rttvar: %u  to: %u", a, hr->srtt_us,
                           hr->rttvar_us, hr->to_us);
        }
    }
}

static void sum_stats(struct scan_stats *out, const struct worker *ws, uint32_t nw)
{
    for (uint32_t i = 0; i < nw; i++) {
        const struct scan_stats *s = &ws[i].st;
        out->pairs_done += __atomic_load_n(&s->pairs_done, __ATOMIC_RELAXED);
        out->sent += __atomic_load_n(&s->sent, __ATOMIC_RELAXED);
        out->retransmits += __atomic_load_n(&s->retransmits, __ATOMIC_RELAXED);
        out->replies += __atomic_load_n(&s->replies, __ATOMIC_RELAXED);
        out->timeouts += __atomic_load_n(&s->timeouts, __ATOMIC_RELAXED);
        out->drops += __atomic_load_n(&s->drops, __ATOMIC_RELAXED);
    }
}

/* The calling thread ticks progress while the workers run. */
static void supervise(struct job *job, struct worker *ws, uint32_t nw, pthread_t *tids)
{
    bool joined[MAX_WORKERS] = {false};
    for (;;) {
        bool running = false;
        for (uint32_t i = 0; i < nw; i++) {
            /* A thread may be joined once only; remember who is done. */
            if (!joined[i])
                joined[i] = pthread_tryjoin_np(tids[i], NULL) == 0;
            running |= !joined[i];
        }
        if (!running)
            return;
        if (job->tick) {
            struct scan_stats now = *job->stats;
            sum_stats(&now, ws, nw);
            job->tick(job->tick_ctx, &now, now_ns());
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static int connect_run(struct job *job, err_t *e)
{
    uint8_t *active = xcalloc(job->g->n, 1, e);
    if (!active)
        return -1;
    for (uint32_t i = 0; i < job->g->n; i++) {
        const struct host_result *hr = &job->g->hosts[i];
        active[i] = hr->status != HOST_DOWN && !hr->timed_out &&
                    !(job->discovery && hr->status == HOST_UP);
    }
    uint32_t nw = worker_count(&job->conf->timing), ninit = 0, started = 0;
    struct worker ws[MAX_WORKERS];
    pthread_t tids[MAX_WORKERS];
    int rc = 0;
    while (ninit < nw && (rc = worker_init(&ws[ninit], job, active, ninit, nw, e)) == 0)
        ninit++;
    if (rc == 0 && debug_on(job->conf, 1)) {
        uint32_t nactive = 0;
        for (uint32_t i = 0; i < job->g->n; i++)
            nactive += active[i];
        debug_line("connect%s: %u of %u hosts x %u ports, %u workers x %u slots, timeout %llu ms at first",
                   job->discovery ? " (discovery)" : "", nactive, job->g->n, ws[0].nports, nw,
                   ws[0].nslots,
                   (unsigned long long)(rtt_timeout(&ws[0].hosts[0].rtt, ws[0].tc) / NS_PER_MS));
    }
    while (rc == 0 && started < nw) {
        int err = pthread_create(&tids[started], NULL, worker_main, &ws[started]);
        if (err)
            rc = err_set(e, "cannot start a worker thread: %s", strerror(err));
        else
            started++;
    }
    /* Workers already running stop at once when a sibling could not start. */
    for (uint32_t i = 0; rc < 0 && i < started; i++)
        __atomic_store_n(&ws[i].quit, 1, __ATOMIC_RELAXED);
    if (started)
        supervise(job, ws, started, tids);
    for (uint32_t i = 0; i < started; i++)
        if (rc == 0 && ws[i].rc < 0) {
            *e = ws[i].err;
            rc = -1;
        }
    if (rc == 0) {
        merge(job, active, ws, nw);
        sum_stats(job->stats, ws, nw);
    }
    for (uint32_t i = 0; i < ninit; i++)
        worker_free(&ws[i]);
    free(active);
    return rc;
}

const struct scan_type scan_connect = {
    .name = "connect",
    .flag = "-sT",
    .nmap_type = "connect",
    .proto = PROTO_TCP,
    .run = connect_run,
};
