#include "service/vscan.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fdlimit.h"
#include "service/match.h"
#include "service/servicefp.h"
#include "service/vscan_udp.h"
#include "service/walk.h"

#define RESP_MAX 16384
#define BANNER_MAX 160
/* Wait left to earlier probes once a later one hard-matched: three times
 * what the later one took, within these bounds. */
#define GRACE_MIN_MS 50
#define GRACE_MAX_MS 1000
#define BANNER_WAIT_MS 3000 /* --banners without -sV: how long to listen */

enum outcome { OUT_NONE, OUT_SOFT, OUT_HARD, OUT_WRAPPED };

#define WINDOW 8            /* probes of one port in flight at once */
#define MAX_CONNS 512       /* gentle on a single host; fewer if descriptors are short */
#define SHORT_WAIT_MS 2000  /* no descriptor with nothing in flight: give up after this */
#define UDP_EVENT UINT32_MAX /* the UDP engine's epoll descriptor, among the connections */

struct inflight {           /* one probe of a port, in walk order */
    int conn;               /* connection slot, parked (phase 4) once finished */
    int probe;
    bool finished;
    enum outcome out;
    int match;
};

struct pjob {               /* one open port */
    uint32_t h, pi;
    struct service_info *si;
    bool ssl, done;
    bool starved;           /* waits for a connection slot, nothing in flight */
    bool need_walk;         /* ...to start (or restart inside TLS) its walk */
    struct walk w;          /* nmap's probe order (walk.h) */
    struct inflight q[WINDOW]; /* q[0] is the oldest: results count in this order */
    uint8_t qlen;
    /* nmap's fingerprint of the responses so far (servicefp.h), and the
     * NULL probe's response (greeting) until the next probe's is in */
    struct servicefp fp;
    uint8_t *greeting;
    size_t greeting_len;
    bool probed;            /* a probe after the NULL probe has been taken */
};

struct conn {
    int fd;
    SSL *ssl;
    uint32_t job;
    int probe;
    uint8_t phase;          /* 0 connecting, 1 TLS handshake, 2 sending, 3 reading */
    bool eof;               /* the peer closed (once concluded) */
    bool failed;            /* ended by an error: a reset, a refused send */
    uint64_t start, deadline;
    size_t sent, len;
    uint8_t buf[RESP_MAX];
};

struct vscan {
    const struct conf *conf;
    struct probedb db;
    bool have_db;
    struct matcher m;
    SSL_CTX *tls;
    int ep;
    struct conn *conns;
    int *free_slots;
    uint32_t nconns, nfree;
    struct pjob *jobs;
    uint32_t njobs, jobs_left, nstarved;
    uint64_t short_since;   /* ms: starved with nothing in flight since, 0 = not */
    int short_err;          /* errno of the last refused socket or connect */
    struct group *g;
    struct uvscan *udp;     /* -sU -sV: the UDP ports' probes, on this loop */
};

static uint64_t ms_now(void)
{
    return now_ns() / NS_PER_MS;
}

int vscan_open(struct vscan **vp, const struct conf *c, probedb_warn_fn warn, void *ctx, err_t *e)
{
    struct vscan *v = xcalloc(1, sizeof *v, e);
    if (!v)
        return -1;
    *vp = v;
    v->conf = c;
    v->ep = -1;
    if (c->version) {
        if (probedb_load(&v->db, c->versiondb, warn, ctx, e) < 0)
            return -1;
        v->have_db = true;
        if (matcher_init(&v->m, &v->db, e) < 0)
            return -1;
    }
    v->tls = SSL_CTX_new(TLS_client_method());
    if (!v->tls)
        return err_set(e, "OpenSSL: cannot create a TLS context");
    /* Identify, never trust: any certificate, any protocol the peer offers. */
    SSL_CTX_set_verify(v->tls, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_min_proto_version(v->tls, 0);
    SSL_CTX_set_security_level(v->tls, 0);
    return 0;
}

void vscan_close(struct vscan *v)
{
    if (!v)
        return;
    if (v->have_db) {
        matcher_free(&v->m);
        probedb_free(&v->db);
    }
    if (v->tls)
        SSL_CTX_free(v->tls);
    free(v);
}

/* nmap's probe order (walk.h); -1 when the walk is over. */
static int next_probe(const struct vscan *v, struct pjob *j, uint16_t port)
{
    return walk_next(&v->db, &j->w, false, j->ssl, port, v->conf->version_intensity);
}

static uint16_t job_port(const struct vscan *v, const struct pjob *j)
{
    return v->conf->ports.v[PROTO_TCP][j->pi];
}

static void close_conn(struct vscan *v, int s)
{
    struct conn *c = &v->conns[s];
    if (c->fd < 0)
        return;
    if (c->ssl)
        SSL_free(c->ssl);
    close(c->fd);
    c->fd = -1;
    c->ssl = NULL;
    v->free_slots[v->nfree++] = (uint32_t)s;
}

static void drop_inflight(struct vscan *v, struct pjob *j, int k)
{
    close_conn(v, j->q[k].conn);
    memmove(&j->q[k], &j->q[k + 1], (size_t)(j->qlen - k - 1) * sizeof j->q[0]);
    j->qlen--;
}

static void forget_greeting(struct pjob *j)
{
    free(j->greeting);
    j->greeting = NULL;
    j->greeting_len = 0;
    j->probed = false;
}

/* nmap prints the fingerprint of a port no hard match named (a softmatch's
 * only at the default intensity or above). */
static void settle_fp(const struct vscan *v, struct pjob *j)
{
    if (j->si->soft && v->conf->version_intensity < 7)
        servicefp_free(&j->fp);
    free(j->si->fp);
    j->si->fp = servicefp_finish(&j->fp);
    forget_greeting(j);
}

static void finish_job(struct vscan *v, struct pjob *j)
{
    if (j->done)
        return;
    j->done = true;
    v->jobs_left--;
    while (j->qlen)
        drop_inflight(v, j, j->qlen - 1);
    settle_fp(v, j);
}

static uint32_t wait_ms(const struct vscan *v, int probe)
{
    if (!v->have_db || probe < 0)
        return BANNER_WAIT_MS;
    return v->db.probes[probe].totalwait_ms;
}

enum { CONN_SHORT = -1, CONN_FAILED = -2 };

/* Opens a connection for probe (-1 = listen only) of job ji.  Returns the
 * slot; CONN_SHORT when no slot, descriptor or local port is to be had now
 * (try again once a connection closes); CONN_FAILED when the connect failed
 * at once (the probe gets no answer, as from a silent port). */
static int open_conn(struct vscan *v, uint32_t ji, int probe)
{
    struct pjob *j = &v->jobs[ji];
    if (v->nfree == 0)
        return CONN_SHORT;
    const struct host_result *hr = &v->g->hosts[j->h];
    struct sockaddr_storage ss;
    socklen_t len;
    addr_to_sockaddr(&hr->addr, job_port(v, j), &ss, &len);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        v->short_err = errno;
        return CONN_SHORT;
    }
    if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
        int err = errno;
        close(fd);
        if (err == EADDRNOTAVAIL || err == EAGAIN || err == ENOBUFS || err == ENOMEM) {
            v->short_err = err;
            return CONN_SHORT;
        }
        return CONN_FAILED;
    }
    int s = (int)v->free_slots[--v->nfree];
    struct conn *c = &v->conns[s];
    c->fd = fd;
    c->ssl = NULL;
    c->job = ji;
    c->probe = probe;
    c->phase = 0;
    c->eof = c->failed = false;
    c->sent = c->len = 0;
    c->start = ms_now();
    c->deadline = c->start + wait_ms(v, probe);
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)s};
    epoll_ctl(v->ep, EPOLL_CTL_ADD, fd, &ev);
    return s;
}

static bool is_null_probe(const struct vscan *v, int probe)
{
    return probe < 0 || !v->have_db || probe == v->db.null_probe;
}

static void clear_fields(struct service_info *si)
{
    for (int i = 0; i < SVC_FIELDS; i++) {
        free(si->field[i]);
        si->field[i] = NULL;
    }
    for (int i = 0; i < si->ncpe; i++)
        free(si->cpe[i]);
    si->ncpe = 0;
    si->name[0] = 0;
    si->soft = false;
}

static void fill(struct vscan *v, uint32_t ji);

/* A job with nothing in flight that could not get a connection waits for
 * one (retry_starved), rather than ending without its answer. */
static void starve(struct vscan *v, struct pjob *j, bool need_walk)
{
    if (!j->starved)
        v->nstarved++;
    j->starved = true;
    j->need_walk = need_walk;
}

/* Starts (or restarts, inside TLS) a port's walk with the NULL probe first. */
static void start_walk(struct vscan *v, uint32_t ji)
{
    struct pjob *j = &v->jobs[ji];
    walk_start(&j->w);
    int s = open_conn(v, ji, v->have_db ? v->db.null_probe : -1);
    if (s == CONN_SHORT) {
        starve(v, j, true);
        return;
    }
    if (s < 0) {
        finish_job(v, j);
        return;
    }
    j->q[0] = (struct inflight){.conn = s, .probe = v->conns[s].probe, .match = -1};
    j->qlen = 1;
    fill(v, ji);
}

/* Keeps up to WINDOW probes of the walk in flight. */
static void fill(struct vscan *v, uint32_t ji)
{
    struct pjob *j = &v->jobs[ji];
    while (v->have_db && !j->done && j->qlen < WINDOW) {
        int p = next_probe(v, j, job_port(v, j));
        if (p < 0)
            break;
        int s = open_conn(v, ji, p);
        if (s == CONN_SHORT) {
            j->w.cursor = p; /* next_probe returned cursor++ within the stage: ask again later */
            if (j->qlen == 0)
                starve(v, j, false);
            return;
        }
        if (s >= 0)
            j->q[j->qlen++] = (struct inflight){.conn = s, .probe = p, .match = -1};
    }
    if (j->qlen == 0)
        finish_job(v, j); /* the walk is over: a softmatch or nothing */
}

/* A hard match: the answer, unless it says "ssl" and we are not inside TLS
 * yet; then the walk restarts inside. */
static void take_hard(struct vscan *v, uint32_t ji, int mi, const struct conn *c)
{
    struct pjob *j = &v->jobs[ji];
    bool tunnel = !j->ssl && !strcmp(v->db.matches[mi].service, "ssl");
    clear_fields(j->si);
    struct servicefp fp = j->fp; /* inside TLS, the walk's fingerprint goes on */
    j->fp = (struct servicefp){0};
    if (!tunnel) {
        match_fill(&v->m, mi, c->buf, c->len, j->si);
        servicefp_free(&fp);
    }
    finish_job(v, j);
    if (tunnel) {
        j->fp = fp;
        j->done = false;
        v->jobs_left++;
        j->ssl = j->si->ssl = true;
        start_walk(v, ji);
    }
}

/* A softmatch names the service; only probes that can name it go on. */
static void take_soft(struct vscan *v, struct pjob *j, int mi, const struct conn *c)
{
    if (j->w.soft >= 0)
        return; /* the first softmatch stands, as in nmap */
    j->w.soft = mi;
    clear_fields(j->si);
    match_fill(&v->m, mi, c->buf, c->len, j->si);
    if (v->conf->version_intensity >= 9)
        return;
    for (int k = j->qlen - 1; k >= 1; k--)
        if (!probe_can_find(&v->db, &v->db.probes[j->q[k].probe], v->db.matches[mi].service))
            drop_inflight(v, j, k);
}

/* A response that named nothing for sure goes into the fingerprint as nmap
 * would have read it: nmap sends the first probe after the NULL probe on
 * the NULL probe's connection when the peer kept it open, so a greeting
 * that scout's own connection for that probe got again is not part of that
 * probe's response. */
static void fp_response(const struct vscan *v, struct pjob *j, int probe, const struct conn *c)
{
    const uint8_t *r = c->buf;
    size_t n = c->len;
    if (is_null_probe(v, probe)) {
        forget_greeting(j);
        if (n && !c->eof && (j->greeting = malloc(n)))
            memcpy(j->greeting, r, n), j->greeting_len = n;
    } else if (!j->probed) {
        j->probed = true;
        if (j->greeting_len && n >= j->greeting_len && !memcmp(r, j->greeting, j->greeting_len))
            r += j->greeting_len, n -= j->greeting_len;
    }
    struct servicefp_head h = {.port = job_port(v, j), .ssl = j->ssl,
                               .intensity = v->conf->version_intensity, .when = time(NULL)};
    servicefp_add(&j->fp, &h, v->db.probes[probe < 0 ? v->db.null_probe : probe].name, r, n);
}

/* Takes finished results in walk order, as a sequential walk would have. */
static void commit(struct vscan *v, uint32_t ji)
{
    struct pjob *j = &v->jobs[ji];
    while (!j->done && j->qlen && j->q[0].finished) {
        struct inflight e = j->q[0];
        const struct conn *c = &v->conns[e.conn];
        if (is_null_probe(v, e.probe) && c->len && !j->si->banner)
            j->si->banner = escape_bytes(c->buf, c->len, BANNER_MAX);
        /* nmap's fingerprint leaves out what came before an error */
        if (v->have_db && (e.out == OUT_NONE || e.out == OUT_SOFT) && !c->failed)
            fp_response(v, j, e.probe, c);
        if (!v->have_db || e.out == OUT_WRAPPED) {
            if (e.out == OUT_WRAPPED)
                snprintf(j->si->name, sizeof j->si->name, "tcpwrapped");
            finish_job(v, j);
            return;
        }
        if (e.out == OUT_HARD) {
            take_hard(v, ji, e.match, c);
            return;
        }
        if (e.out == OUT_SOFT)
            take_soft(v, j, e.match, c);
        drop_inflight(v, j, 0);
    }
    fill(v, ji);
}

/* The result of what conn s read, by the probe's lines. */
static enum outcome judge(struct vscan *v, const struct conn *c, int *mi)
{
    *mi = -1;
    if (!v->have_db || c->len == 0)
        return OUT_NONE;
    int probe = c->probe < 0 ? v->db.null_probe : c->probe;
    *mi = match_response(&v->m, &v->db.probes[probe], c->buf, c->len);
    return *mi < 0 ? OUT_NONE : v->db.matches[*mi].soft ? OUT_SOFT : OUT_HARD;
}

/* A later probe's match cuts the waits of the probes before it (k) to a
 * grace.  A line anchored at the reply's start (^) that matched shows that
 * the service sent nothing before that reply on its connection, no greeting
 * in particular, so an earlier probe that got nothing in three times as
 * long gets nothing (a greeting comes at once, and the earlier probes'
 * connections are the older).  An unanchored hard match still leaves them
 * GRACE_MAX_MS: an answer that slow would have led the later reply anyway. */
static void cut_earlier(struct vscan *v, struct pjob *j, int k, enum outcome out, int mi,
                        const struct conn *c)
{
    if (out != OUT_HARD && (out != OUT_SOFT || !v->db.matches[mi].anchored))
        return;
    uint64_t now = ms_now(), grace = GRACE_MAX_MS;
    if (v->db.matches[mi].anchored)
        grace = MIN(MAX(3 * (now - c->start), GRACE_MIN_MS), GRACE_MAX_MS);
    for (int b = 0; b < k; b++) {
        struct conn *bc = &v->conns[j->q[b].conn];
        if (!j->q[b].finished && bc->deadline > bc->start + grace)
            bc->deadline = MAX(bc->start + grace, now);
    }
}

/* Conn s is over (reply complete, closed, timed out or failed): its result
 * is parked until every probe before it in the walk is over too. */
static void conclude(struct vscan *v, int s, bool eof)
{
    struct conn *c = &v->conns[s];
    uint32_t ji = c->job;
    struct pjob *j = &v->jobs[ji];
    int k = 0, mi;
    while (k < j->qlen && j->q[k].conn != s)
        k++;
    if (k == j->qlen) {
        close_conn(v, s);
        return;
    }
    enum outcome out = judge(v, c, &mi);
    if (is_null_probe(v, c->probe) && eof && c->len == 0 && v->have_db &&
        ms_now() - c->start < v->db.probes[v->db.null_probe].tcpwrapped_ms)
        out = OUT_WRAPPED;
    epoll_ctl(v->ep, EPOLL_CTL_DEL, c->fd, NULL);
    c->phase = 4;
    c->eof = eof;
    j->q[k] = (struct inflight){.conn = s, .probe = j->q[k].probe, .finished = true,
                                .out = out, .match = mi};
    cut_earlier(v, j, k, out, mi, c);
    commit(v, ji);
}

/* The certificate's subject and validity, as verbose and XML output show. */
static char *cert_text(SSL *ssl)
{
    X509 *x = SSL_get1_peer_certificate(ssl);
    if (!x)
        return NULL;
    char subj[256], *out = NULL;
    X509_NAME_oneline(X509_get_subject_name(x), subj, sizeof subj);
    BIO *b = BIO_new(BIO_s_mem());
    if (b) {
        BIO_printf(b, "Subject: %s; Not valid before: ", subj);
        ASN1_TIME_print(b, X509_get0_notBefore(x));
        BIO_printf(b, "; Not valid after: ");
        ASN1_TIME_print(b, X509_get0_notAfter(x));
        char *p;
        long n = BIO_get_mem_data(b, &p);
        out = strndup(p, (size_t)n);
        BIO_free(b);
    }
    X509_free(x);
    return out;
}

static void want(struct vscan *v, int s, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)s};
    epoll_ctl(v->ep, EPOLL_CTL_MOD, v->conns[s].fd, &ev);
}

/* Drives the TLS handshake; false when it failed. */
static bool handshake(struct vscan *v, int s)
{
    struct conn *c = &v->conns[s];
    int r = SSL_connect(c->ssl);
    if (r == 1) {
        struct pjob *j = &v->jobs[c->job];
        if (!j->si->cert)
            j->si->cert = cert_text(c->ssl);
        c->phase = 2;
        return true;
    }
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        want(v, s, err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
        return true;
    }
    ERR_clear_error();
    return false;
}

static bool connected(struct vscan *v, int s)
{
    struct conn *c = &v->conns[s];
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
        return false;
    if (!v->jobs[c->job].ssl) {
        c->phase = 2;
        return true;
    }
    c->ssl = SSL_new(v->tls);
    if (!c->ssl || !SSL_set_fd(c->ssl, c->fd))
        return false;
    c->phase = 1;
    return handshake(v, s);
}

static bool send_probe(struct vscan *v, int s)
{
    struct conn *c = &v->conns[s];
    const uint8_t *pl = NULL;
    size_t len = 0;
    if (!is_null_probe(v, c->probe)) {
        pl = v->db.probes[c->probe].payload;
        len = v->db.probes[c->probe].len;
    }
    while (c->sent < len) {
        ssize_t n = c->ssl ? SSL_write(c->ssl, pl + c->sent, (int)(len - c->sent))
                           : send(c->fd, pl + c->sent, len - c->sent, MSG_NOSIGNAL);
        if (n <= 0) {
            bool again = c->ssl ? SSL_get_error(c->ssl, (int)n) == SSL_ERROR_WANT_WRITE
                                : errno == EAGAIN;
            if (again)
                return true;
            return false;
        }
        c->sent += (size_t)n;
    }
    c->phase = 3;
    want(v, s, EPOLLIN);
    return true;
}

/* Reads what is there.  Returns 1 to keep reading, 0 on end of stream, -1 on error. */
static int read_some(struct conn *c)
{
    while (c->len < RESP_MAX) {
        ssize_t n = c->ssl ? SSL_read(c->ssl, c->buf + c->len, (int)(RESP_MAX - c->len))
                           : recv(c->fd, c->buf + c->len, RESP_MAX - c->len, 0);
        if (n > 0) {
            c->len += (size_t)n;
            continue;
        }
        if (n == 0)
            return 0;
        if (c->ssl) {
            int err = SSL_get_error(c->ssl, (int)n);
            ERR_clear_error();
            return err == SSL_ERROR_WANT_READ ? 1 : err == SSL_ERROR_ZERO_RETURN ? 0 : -1;
        }
        return errno == EAGAIN ? 1 : -1;
    }
    return 0; /* full: what a probe may read is bounded */
}

static void on_readable(struct vscan *v, int s)
{
    struct conn *c = &v->conns[s];
    size_t before = c->len;
    int r = read_some(c);
    if (r <= 0) {
        c->failed = r < 0;
        conclude(v, s, true);
        return;
    }
    if (c->len == before)
        return;
    int mi;
    /* A hard match ends the probe at once; anything else waits for more. */
    if (!v->have_db || judge(v, c, &mi) == OUT_HARD)
        conclude(v, s, false);
}

static void on_event(struct vscan *v, int s, uint32_t events)
{
    struct conn *c = &v->conns[s];
    if (c->fd < 0 || c->phase == 4)
        return;
    bool ok = true;
    if (c->phase == 0)
        ok = connected(v, s);
    else if (c->phase == 1)
        ok = handshake(v, s);
    if (ok && c->phase == 2)
        ok = send_probe(v, s);
    if (!ok) {
        c->failed = true;
        conclude(v, s, false);
        return;
    }
    if (c->phase == 3 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        on_readable(v, s);
}

static void expire(struct vscan *v)
{
    uint64_t now = ms_now();
    for (uint32_t s = 0; s < v->nconns; s++) {
        struct conn *c = &v->conns[s];
        if (c->fd >= 0 && c->phase != 4 && now >= c->deadline)
            conclude(v, (int)s, false);
    }
}

/* The ports -sV or --banners looks at: open TCP ports, and with -sU -sV
 * open and open|filtered UDP ports (vscan_udp.h). */
static bool port_wanted(const struct vscan *v, const struct host_result *hr, enum proto p, uint32_t i)
{
    if (p == PROTO_TCP)
        return hr->ports[p][i].state == PS_OPEN;
    return v->have_db && v->conf->udp && uvscan_port_wanted(&hr->ports[p][i]);
}

/* A service entry per port looked at (sorted by protocol, then index) and
 * one job per open TCP port of every live host, skipping Exclude'd ports. */
static int make_jobs(struct vscan *v, struct group *g, err_t *e)
{
    const struct portlist *pl = &v->conf->ports;
    uint32_t n = 0;
    for (uint32_t h = 0; h < g->n; h++) {
        struct host_result *hr = &g->hosts[h];
        uint32_t k = 0;
        for (int p = 0; p < PROTO_COUNT; p++)
            for (uint32_t i = 0; i < pl->n[p]; i++)
                k += port_wanted(v, hr, p, i);
        if (!k || hr->timed_out)
            continue;
        hr->svc = xcalloc(k, sizeof *hr->svc, e);
        if (!hr->svc)
            return -1;
        for (int p = 0; p < PROTO_COUNT; p++)
            for (uint32_t i = 0; i < pl->n[p]; i++)
                if (port_wanted(v, hr, p, i))
                    hr->svc[hr->nsvc++] = (struct service_info){.port_index = i, .proto = (uint8_t)p};
        n += k;
    }
    v->jobs = xcalloc(n ? n : 1, sizeof *v->jobs, e);
    if (!v->jobs)
        return -1;
    for (uint32_t h = 0; h < g->n; h++)
        for (uint32_t i = 0; i < g->hosts[h].nsvc; i++) {
            struct service_info *si = &g->hosts[h].svc[i];
            if (si->proto != PROTO_TCP)
                continue;
            uint16_t port = pl->v[PROTO_TCP][si->port_index];
            if (v->have_db && ranges_has(&v->db.exclude_tcp, port))
                continue;
            v->jobs[v->njobs++] = (struct pjob){.h = h, .pi = si->port_index, .si = si, .w.soft = -1};
        }
    v->jobs_left = v->njobs;
    return 0;
}

static int setup_conns(struct vscan *v, err_t *e)
{
    /* 512 in all is gentle enough on a single host; fewer when the
     * descriptors free say so (the rest of the scan keeps 64). */
    v->nconns = fd_budget(64, MAX_CONNS);
    v->conns = xcalloc(v->nconns, sizeof *v->conns, e);
    v->free_slots = xcalloc(v->nconns, sizeof *v->free_slots, e);
    if (!v->conns || !v->free_slots)
        return -1;
    for (uint32_t s = 0; s < v->nconns; s++) {
        v->conns[s].fd = -1;
        v->free_slots[v->nfree++] = v->nconns - 1 - s;
    }
    v->ep = epoll_create1(EPOLL_CLOEXEC);
    return v->ep < 0 ? err_set(e, "epoll: %s", strerror(errno)) : 0;
}

static void teardown(struct vscan *v)
{
    uvscan_close(v->udp);
    v->udp = NULL;
    for (uint32_t s = 0; v->conns && s < v->nconns; s++)
        close_conn(v, (int)s);
    for (uint32_t ji = 0; v->jobs && ji < v->njobs; ji++) { /* interrupted walks */
        servicefp_free(&v->jobs[ji].fp);
        forget_greeting(&v->jobs[ji]);
    }
    if (v->ep >= 0)
        close(v->ep);
    free(v->conns);
    free(v->free_slots);
    free(v->jobs);
    v->conns = NULL;
    v->free_slots = NULL;
    v->jobs = NULL;
    v->ep = -1;
    v->njobs = v->nconns = v->nfree = v->nstarved = 0;
    v->short_since = 0;
}

/* Jobs that waited for a connection get one as connections close, in job
 * order. */
static void retry_starved(struct vscan *v)
{
    for (uint32_t ji = 0; v->nstarved && v->nfree && ji < v->njobs; ji++) {
        struct pjob *j = &v->jobs[ji];
        if (!j->starved)
            continue;
        j->starved = false;
        v->nstarved--;
        if (j->need_walk)
            start_walk(v, ji);
        else
            fill(v, ji);
    }
}

/* Waiting for a connection is waiting for one of ours to close: with none
 * open, nothing will change. */
static int check_starved(struct vscan *v, err_t *e)
{
    if (!v->nstarved || v->nfree < v->nconns) {
        v->short_since = 0;
        return 0;
    }
    uint64_t now = ms_now();
    if (!v->short_since)
        v->short_since = now;
    else if (now - v->short_since > SHORT_WAIT_MS)
        return err_set(e, "-sV: cannot open a connection (%s) and none is open to wait for",
                       strerror(v->short_err));
    return 0;
}

/* The UDP ports' engine, its sockets within what the TCP connections leave,
 * woken through this loop's epoll. */
static int setup_udp(struct vscan *v, struct group *g, err_t *e)
{
    if (!v->have_db || !v->conf->udp)
        return 0;
    if (uvscan_open(&v->udp, v->conf, &v->db, &v->m, g, 64 + (v->njobs ? v->nconns : 0), e) < 0)
        return -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UDP_EVENT};
    if (uvscan_fd(v->udp) >= 0 && epoll_ctl(v->ep, EPOLL_CTL_ADD, uvscan_fd(v->udp), &ev) < 0)
        return err_set(e, "epoll: %s", strerror(errno));
    return 0;
}

int vscan_run(struct vscan *v, struct group *g, const volatile sig_atomic_t *stop, err_t *e)
{
    v->g = g;
    int rc = make_jobs(v, g, e) < 0 || setup_conns(v, e) < 0 || setup_udp(v, g, e) < 0 ? -1 : 0;
    uint32_t next = 0;
    while (rc == 0 && (v->jobs_left || uvscan_left(v->udp)) && !*stop) {
        retry_starved(v);
        /* New walks only when none waits: older ones go first. */
        while (next < v->njobs && v->nfree >= 2 && !v->nstarved)
            start_walk(v, next++);
        if ((rc = check_starved(v, e)) < 0)
            break;
        struct epoll_event evs[256];
        int n = epoll_wait(v->ep, evs, 256, 10); /* a stop is seen within 10 ms */
        for (int i = 0; i < n; i++)
            if (evs[i].data.u32 != UDP_EVENT)
                on_event(v, (int)evs[i].data.u32, evs[i].events);
        expire(v);
        rc = uvscan_step(v->udp, e);
    }
    teardown(v);
    uvscan_prune(g);
    return rc;
}
