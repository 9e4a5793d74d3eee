#include "service/vscan_udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fdlimit.h"
#include "service/servicefp.h"
#include "service/walk.h"

#define UWINDOW 8           /* probes of one port out at once */
#define MAX_SOCKS 512       /* in all: ~100 datagrams a second at 5 s a probe */
#define RESP_MAX 4096       /* nmap reads no more of a probe's answer */
#define GRACE_MS 1000       /* wait left to earlier probes once a later one hard-matched */
#define SHORT_WAIT_MS 2000  /* no socket with none of ours open: give up after this */

enum uout { UO_WAIT, UO_NONE, UO_SOFT, UO_HARD };

/* One probe out: its socket while it waits, then its parked result until
 * every probe before it in the port's walk is over too. */
struct uslot {
    int fd;                 /* -1 once the probe is over */
    uint32_t job;
    int probe;
    uint8_t out;            /* enum uout */
    int match;
    uint64_t start, deadline; /* ms */
    size_t len;
    uint8_t buf[RESP_MAX];
};

struct ujob {               /* one UDP port */
    uint32_t h;
    struct service_info *si;
    struct port_result *pr;
    uint16_t port;
    bool done, starved;
    struct walk w;
    uint32_t q[UWINDOW];    /* slots of its probes out, in walk order */
    uint8_t qlen;
    struct servicefp fp;    /* nmap's fingerprint of its answers so far */
};

struct uvscan {
    const struct conf *conf;
    const struct probedb *db;
    struct matcher *m;
    struct group *g;
    int ep;
    struct uslot *slots;
    uint32_t *free_slots;
    uint32_t nslots, nfree, nopen;
    struct ujob *jobs;
    uint32_t njobs, next, left, nstarved;
    uint64_t short_since;   /* ms: starved with none of ours open since, 0 = not */
    int short_err;
};

static uint64_t ms_now(void)
{
    return now_ns() / NS_PER_MS;
}

bool uvscan_port_wanted(const struct port_result *pr)
{
    return pr->state == PS_OPEN || pr->state == PS_OPEN_FILTERED;
}

static void close_fd(struct uvscan *u, struct uslot *s)
{
    if (s->fd < 0)
        return;
    close(s->fd); /* leaves u->ep's interest list with it */
    s->fd = -1;
    u->nopen--;
}

static void release(struct uvscan *u, uint32_t si)
{
    close_fd(u, &u->slots[si]);
    u->free_slots[u->nfree++] = si;
}

static void pop_front(struct uvscan *u, struct ujob *j)
{
    release(u, j->q[0]);
    memmove(&j->q[0], &j->q[1], (size_t)(j->qlen - 1) * sizeof j->q[0]);
    j->qlen--;
}

static void finish(struct uvscan *u, struct ujob *j)
{
    if (j->done)
        return;
    j->done = true;
    u->left--;
    if (j->starved) {
        j->starved = false;
        u->nstarved--;
    }
    while (j->qlen)
        pop_front(u, j);
    /* nmap prints the fingerprint of a port no hard match named (a
     * softmatch's only at the default intensity or above) */
    if (j->si->soft && u->conf->version_intensity < 7)
        servicefp_free(&j->fp);
    free(j->si->fp);
    j->si->fp = servicefp_finish(&j->fp);
}

enum { SOCK_SHORT = -1, SOCK_FAILED = -2, SOCK_UNREACH = -3 };

static bool unreachable(int err)
{
    return err == ENETUNREACH || err == EHOSTUNREACH || err == ENETDOWN || err == EHOSTDOWN ||
           err == ENONET;
}

/* Sends probe p of job ji from a socket of its own.  Returns the slot;
 * SOCK_SHORT when no slot or descriptor is to be had now; SOCK_UNREACH when
 * the host cannot be reached at all; SOCK_FAILED when this datagram could
 * not leave (the probe gets no answer). */
static int send_probe(struct uvscan *u, uint32_t ji, int p)
{
    struct ujob *j = &u->jobs[ji];
    if (u->nfree == 0)
        return SOCK_SHORT;
    struct sockaddr_storage ss;
    socklen_t alen;
    addr_to_sockaddr(&u->g->hosts[j->h].addr, j->port, &ss, &alen);
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        u->short_err = errno;
        return SOCK_SHORT;
    }
    const struct svc_probe *pr = &u->db->probes[p];
    if (connect(fd, (struct sockaddr *)&ss, alen) < 0 || send(fd, pr->payload, pr->len, 0) < 0) {
        int err = errno;
        close(fd);
        if (err == EADDRNOTAVAIL || err == EAGAIN || err == ENOBUFS || err == ENOMEM) {
            u->short_err = err;
            return SOCK_SHORT;
        }
        return unreachable(err) ? SOCK_UNREACH : SOCK_FAILED;
    }
    uint32_t si = u->free_slots[--u->nfree];
    struct uslot *s = &u->slots[si];
    *s = (struct uslot){.fd = fd, .job = ji, .probe = p, .out = UO_WAIT, .match = -1, .start = ms_now()};
    s->deadline = s->start + (pr->totalwait_ms ? pr->totalwait_ms : 5000);
    u->nopen++;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = si};
    epoll_ctl(u->ep, EPOLL_CTL_ADD, fd, &ev);
    return (int)si;
}

static void starve(struct uvscan *u, struct ujob *j)
{
    if (!j->starved)
        u->nstarved++;
    j->starved = true;
}

/* Keeps up to UWINDOW probes of the walk out; ends the job when its walk is
 * over and nothing is out. */
static void fill(struct uvscan *u, uint32_t ji)
{
    struct ujob *j = &u->jobs[ji];
    while (!j->done && j->qlen < UWINDOW) {
        int p = walk_next(u->db, &j->w, true, false, j->port, u->conf->version_intensity);
        if (p < 0)
            break;
        int s = send_probe(u, ji, p);
        if (s == SOCK_SHORT) {
            j->w.cursor = p; /* walk_next's stage has not moved: ask again later */
            if (j->qlen == 0)
                starve(u, j);
            return;
        }
        if (s == SOCK_UNREACH) {
            finish(u, j); /* as nmap: the port went away under us; its state stands */
            return;
        }
        if (s >= 0)
            j->q[j->qlen++] = (uint32_t)s;
    }
    if (j->qlen == 0)
        finish(u, j);
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
}

/* The first softmatch names the service; only probes that can name it go on. */
static void take_soft(struct uvscan *u, struct ujob *j, const struct uslot *s)
{
    if (j->w.soft >= 0)
        return;
    j->w.soft = s->match;
    clear_fields(j->si);
    match_fill(u->m, s->match, s->buf, s->len, j->si);
    if (u->conf->version_intensity >= 9)
        return;
    const char *svc = u->db->matches[s->match].service;
    for (int k = j->qlen - 1; k >= 1; k--) {
        struct uslot *o = &u->slots[j->q[k]];
        if (!probe_can_find(u->db, &u->db->probes[o->probe], svc)) {
            release(u, j->q[k]);
            memmove(&j->q[k], &j->q[k + 1], (size_t)(j->qlen - k - 1) * sizeof j->q[0]);
            j->qlen--;
        }
    }
}

/* Takes finished results in walk order, as a sequential walk would have. */
static void commit(struct uvscan *u, uint32_t ji)
{
    struct ujob *j = &u->jobs[ji];
    while (!j->done && j->qlen && u->slots[j->q[0]].out != UO_WAIT) {
        const struct uslot *s = &u->slots[j->q[0]];
        if (s->out == UO_HARD) {
            clear_fields(j->si);
            match_fill(u->m, s->match, s->buf, s->len, j->si);
            servicefp_free(&j->fp);
            finish(u, j);
            return;
        }
        struct servicefp_head h = {.port = j->port, .udp = true, .intensity = u->conf->version_intensity,
                                   .when = time(NULL)};
        servicefp_add(&j->fp, &h, u->db->probes[s->probe].name, s->buf, s->len);
        if (s->out == UO_SOFT)
            take_soft(u, j, s);
        pop_front(u, j);
    }
    fill(u, ji);
}

static enum uout judge(struct uvscan *u, struct uslot *s)
{
    s->match = -1;
    if (s->len == 0)
        return UO_NONE;
    s->match = match_response(u->m, &u->db->probes[s->probe], s->buf, s->len);
    return s->match < 0 ? UO_NONE : u->db->matches[s->match].soft ? UO_SOFT : UO_HARD;
}

/* Slot si's probe is over (hard match, full, timed out or failed). */
static void conclude(struct uvscan *u, uint32_t si)
{
    struct uslot *s = &u->slots[si];
    struct ujob *j = &u->jobs[s->job];
    close_fd(u, s);
    s->out = (uint8_t)judge(u, s);
    int k = 0;
    while (k < j->qlen && j->q[k] != si)
        k++;
    /* A later probe's hard match cuts the waits before it to a grace: an
     * answer that slow would have been taken for a silent port's anyway. */
    for (int b = 0; s->out == UO_HARD && b < k; b++) {
        struct uslot *bs = &u->slots[j->q[b]];
        if (bs->out == UO_WAIT && bs->deadline > bs->start + GRACE_MS)
            bs->deadline = MAX(bs->start + GRACE_MS, ms_now());
    }
    commit(u, s->job);
}

/* Any datagram proves the port open (nmap's adjustPortStateIfNecessary). */
static void answered(struct ujob *j)
{
    if (j->pr->state != PS_OPEN)
        *j->pr = (struct port_result){.state = PS_OPEN, .reason = R_UDP_RESPONSE, .tries = j->pr->tries};
}

/* An ICMP error on slot si's socket. */
static void on_error(struct uvscan *u, uint32_t si, int err)
{
    struct ujob *j = &u->jobs[u->slots[si].job];
    if (err == ECONNREFUSED && j->pr->state == PS_OPEN_FILTERED) {
        *j->pr = (struct port_result){.state = PS_CLOSED, .reason = R_PORT_UNREACH, .tries = j->pr->tries};
        finish(u, j);
    } else if (unreachable(err)) {
        finish(u, j);
    } else {
        conclude(u, si); /* this probe's answer is what came before the error */
    }
}

static void on_readable(struct uvscan *u, uint32_t si)
{
    struct uslot *s = &u->slots[si];
    while (s->fd >= 0 && s->out == UO_WAIT) {
        ssize_t n = recv(s->fd, s->buf + s->len, RESP_MAX - s->len, 0);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                on_error(u, si, errno);
            return;
        }
        s->len += (size_t)n; /* an empty datagram is an answer too */
        answered(&u->jobs[s->job]);
        if (s->len == RESP_MAX || judge(u, s) == UO_HARD) {
            conclude(u, si);
            return;
        }
    }
}

/* --host-timeout: a host past it is marked timed out, and its walks end. */
static bool host_over(struct uvscan *u, struct ujob *j, uint64_t ns)
{
    struct host_result *hr = &u->g->hosts[j->h];
    uint64_t limit = u->conf->timing.host_timeout_ns;
    if (limit && ns - hr->start_ns > limit)
        hr->timed_out = true;
    if (hr->timed_out)
        finish(u, j);
    return hr->timed_out;
}

static void expire(struct uvscan *u, uint64_t now, uint64_t ns)
{
    for (uint32_t s = 0; s < u->nslots; s++) {
        struct uslot *sl = &u->slots[s];
        if (sl->fd >= 0 && !host_over(u, &u->jobs[sl->job], ns) && now >= sl->deadline)
            conclude(u, s);
    }
}

/* Waiting for a socket is waiting for one of ours to close: with none
 * open, nothing will change. */
static int check_starved(struct uvscan *u, uint64_t now, err_t *e)
{
    if (!u->nstarved || u->nopen) {
        u->short_since = 0;
        return 0;
    }
    if (!u->short_since)
        u->short_since = now;
    else if (now - u->short_since > SHORT_WAIT_MS)
        return err_set(e, "-sV: cannot open a UDP socket (%s) and none is open to wait for",
                       strerror(u->short_err));
    return 0;
}

int uvscan_step(struct uvscan *u, err_t *e)
{
    if (!u || !u->left)
        return 0;
    struct epoll_event evs[256];
    int n = epoll_wait(u->ep, evs, 256, 0);
    for (int i = 0; i < n; i++)
        on_readable(u, evs[i].data.u32);
    uint64_t ns = now_ns(), now = ns / NS_PER_MS;
    expire(u, now, ns);
    /* Ports that waited for a socket go first, in job order; new walks
     * only when none waits. */
    for (uint32_t ji = 0; u->nstarved && u->nfree && ji < u->njobs; ji++)
        if (u->jobs[ji].starved && !host_over(u, &u->jobs[ji], ns)) {
            u->jobs[ji].starved = false;
            u->nstarved--;
            fill(u, ji);
        }
    for (; u->next < u->njobs && u->nfree && !u->nstarved; u->next++)
        if (!host_over(u, &u->jobs[u->next], ns))
            fill(u, u->next);
    return check_starved(u, now, e);
}

/* The job list: every host's open ports first, then the open|filtered ones
 * (nmap's order: the sure ports before the speculative). */
static int make_jobs(struct uvscan *u, err_t *e)
{
    struct group *g = u->g;
    uint32_t n = 0;
    for (uint32_t h = 0; h < g->n; h++)
        for (uint32_t i = 0; i < g->hosts[h].nsvc; i++)
            n += g->hosts[h].svc[i].proto == PROTO_UDP;
    u->jobs = xcalloc(n ? n : 1, sizeof *u->jobs, e);
    if (!u->jobs)
        return -1;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t h = 0; h < g->n; h++)
            for (uint32_t i = 0; i < g->hosts[h].nsvc; i++) {
                struct service_info *si = &g->hosts[h].svc[i];
                struct port_result *pr = &g->hosts[h].ports[PROTO_UDP][si->port_index];
                uint16_t port = u->conf->ports.v[PROTO_UDP][si->port_index];
                if (si->proto != PROTO_UDP || (pr->state == PS_OPEN) != (pass == 0) ||
                    ranges_has(&u->db->exclude_udp, port))
                    continue;
                struct ujob *j = &u->jobs[u->njobs++];
                *j = (struct ujob){.h = h, .si = si, .pr = pr, .port = port};
                walk_start(&j->w);
            }
    u->left = u->njobs;
    return 0;
}

int uvscan_open(struct uvscan **up, const struct conf *c, const struct probedb *db, struct matcher *m,
                struct group *g, uint32_t reserve, err_t *e)
{
    struct uvscan *u = xcalloc(1, sizeof *u, e);
    *up = u;
    if (!u)
        return -1;
    *u = (struct uvscan){.conf = c, .db = db, .m = m, .g = g, .ep = -1};
    if (make_jobs(u, e) < 0)
        return -1;
    if (!u->njobs)
        return 0;
    /* No more slots than the ports can fill: each holds a 4 KiB answer. */
    u->nslots = fd_budget(reserve, MAX_SOCKS);
    if ((uint64_t)u->njobs * UWINDOW < u->nslots)
        u->nslots = u->njobs * UWINDOW;
    u->slots = xcalloc(u->nslots, sizeof *u->slots, e);
    u->free_slots = xcalloc(u->nslots, sizeof *u->free_slots, e);
    if (!u->slots || !u->free_slots)
        return -1;
    for (uint32_t s = 0; s < u->nslots; s++) {
        u->slots[s].fd = -1;
        u->free_slots[u->nfree++] = u->nslots - 1 - s;
    }
    u->ep = epoll_create1(EPOLL_CLOEXEC);
    return u->ep < 0 ? err_set(e, "epoll: %s", strerror(errno)) : 0;
}

int uvscan_fd(const struct uvscan *u)
{
    return u ? u->ep : -1;
}

uint32_t uvscan_left(const struct uvscan *u)
{
    return u ? u->left : 0;
}

void uvscan_close(struct uvscan *u)
{
    if (!u)
        return;
    for (uint32_t s = 0; u->slots && s < u->nslots; s++)
        close_fd(u, &u->slots[s]);
    for (uint32_t ji = 0; u->jobs && ji < u->njobs; ji++) /* interrupted walks */
        servicefp_free(&u->jobs[ji].fp);
    if (u->ep >= 0)
        close(u->ep);
    free(u->slots);
    free(u->free_slots);
    free(u->jobs);
    free(u);
}

static bool has_fields(const struct service_info *si)
{
    for (int i = 0; i < SVC_FIELDS; i++)
        if (si->field[i])
            return true;
    return si->ncpe || si->name[0] || si->banner || si->cert || si->fp;
}

void uvscan_prune(struct group *g)
{
    for (uint32_t h = 0; h < g->n; h++) {
        struct host_result *hr = &g->hosts[h];
        uint32_t k = 0;
        for (uint32_t i = 0; i < hr->nsvc; i++) {
            const struct service_info *si = &hr->svc[i];
            /* An entry that holds anything belongs to a port that answered,
             * which is open: the test keeps an owned string from leaking. */
            bool drop = si->proto == PROTO_UDP && hr->ports[PROTO_UDP][si->port_index].state != PS_OPEN &&
                        !has_fields(si);
            if (!drop)
                hr->svc[k++] = *si;
        }
        hr->nsvc = k;
    }
}
