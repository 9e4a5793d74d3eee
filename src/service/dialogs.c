/* dialogs: the stage that runs the protocol dialogs (dialog.h) on every
 * port of a group whose service -sV named and a dialog speaks, all at once
 * over one poll loop: a non-blocking connection each, the dialog's step
 * after each read, its byte and time bounds enforced here. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "service/dialog.h"

extern const struct dialog_ops dialog_mqtt;
const struct dialog_ops *const dialog_list[] = {&dialog_mqtt, NULL};

#define MAX_TALKS 256 /* connections at once */

struct talk {
    int fd;
    const struct dialog_ops *d;
    struct service_info *si;
    bool connected;
    uint64_t deadline;   /* ms */
    uint8_t st[DIALOG_STATE];
    uint8_t out[DIALOG_OUT];
    size_t outlen, sent;
    uint8_t *in;         /* d->max_read bytes */
    size_t len;
};

static uint64_t ms_now(void)
{
    return now_ns() / NS_PER_MS;
}

static const struct dialog_ops *dialog_for(const struct service_info *si)
{
    for (int i = 0; dialog_list[i]; i++)
        if (!si->ssl && !strcmp(si->name, dialog_list[i]->service))
            return dialog_list[i];
    return NULL;
}

static void set_field(struct service_info *si, int f, const char *v)
{
    if (v[0] && !si->field[f])
        si->field[f] = strdup(v);
}

/* The dialog's findings fill what the probes left empty. */
static void apply(struct talk *t, const struct dialog_result *r)
{
    struct service_info *si = t->si;
    set_field(si, SVC_PRODUCT, r->product);
    set_field(si, SVC_VERSION, r->version);
    set_field(si, SVC_INFO, r->info);
    bool have = false;
    for (int i = 0; i < si->ncpe; i++)
        have |= !strcmp(si->cpe[i], r->cpe);
    if (r->cpe[0] && !have && si->ncpe < 4 && (si->cpe[si->ncpe] = strdup(r->cpe)))
        si->ncpe++;
    if (r->note[0] && !si->dialog_note && asprintf(&si->dialog_note, "%s", r->note) < 0)
        si->dialog_note = NULL;
    si->dialog = t->d->name;
}

static void end_talk(struct talk *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    free(t->in);
    t->in = NULL;
}

static int start_talk(struct talk *t, const struct addr *a, uint16_t port, struct service_info *si,
                      const struct dialog_ops *d)
{
    *t = (struct talk){.fd = -1, .d = d, .si = si, .deadline = ms_now() + d->max_ms};
    struct sockaddr_storage ss;
    socklen_t sl;
    addr_to_sockaddr(a, port, &ss, &sl);
    t->in = malloc(d->max_read);
    t->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (!t->in || t->fd < 0 || (connect(t->fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS)) {
        end_talk(t);
        return -1;
    }
    return 0;
}

/* Runs the dialog's step over what it has read; false when it is over. */
static bool step(struct talk *t)
{
    struct dialog_result r = {0};
    size_t n = sizeof t->out;
    int rc = t->d->step(t->st, t->len ? t->in : NULL, t->len, t->out, &n, &r);
    if (rc == DIALOG_DONE)
        apply(t, &r);
    if (rc != DIALOG_MORE)
        return false;
    t->outlen = n, t->sent = 0;
    return true;
}

/* One poll event of talk t; false when it is over. */
static bool on_event(struct talk *t, short ev)
{
    if (!t->connected) {
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err)
            return false;
        t->connected = true;
        return step(t);
    }
    if ((ev & POLLOUT) && t->sent < t->outlen) {
        ssize_t w = send(t->fd, t->out + t->sent, t->outlen - t->sent, MSG_NOSIGNAL);
        if (w < 0)
            return errno == EAGAIN;
        t->sent += (size_t)w;
    }
    if (!(ev & (POLLIN | POLLHUP | POLLERR)))
        return true;
    if (t->len == t->d->max_read)
        return false; /* its bound: no result */
    ssize_t got = recv(t->fd, t->in + t->len, t->d->max_read - t->len, 0);
    if (got <= 0)
        return got < 0 && errno == EAGAIN;
    t->len += (size_t)got;
    return step(t);
}

static short wanted_events(const struct talk *t)
{
    return !t->connected || t->sent < t->outlen ? POLLOUT | POLLIN : POLLIN;
}

/* Until every talk is over, or the stop. */
static void converse(struct talk *t, uint32_t n, const volatile sig_atomic_t *stop)
{
    struct pollfd pf[MAX_TALKS];
    for (uint32_t left = n; left && !*stop;) {
        for (uint32_t i = 0; i < n; i++)
            pf[i] = (struct pollfd){.fd = t[i].fd, .events = t[i].fd >= 0 ? wanted_events(&t[i]) : 0};
        poll(pf, n, 10); /* a stop is seen within 10 ms */
        uint64_t now = ms_now();
        left = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (t[i].fd < 0)
                continue;
            if (now >= t[i].deadline || (pf[i].revents && !on_event(&t[i], pf[i].revents)))
                end_talk(&t[i]);
            left += t[i].fd >= 0;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        end_talk(&t[i]);
}

static bool dialogs_wanted(const struct conf *c)
{
    return c->version && !c->ping_only;
}

static int dialogs_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    (void)st, (void)seed, (void)e;
    struct talk t[MAX_TALKS];
    uint32_t n = 0;
    for (uint32_t h = 0; h < g->n && !*env->stop; h++)
        for (uint32_t i = 0; i < g->hosts[h].nsvc; i++) {
            struct service_info *si = &g->hosts[h].svc[i];
            const struct dialog_ops *d = si->proto == PROTO_TCP ? dialog_for(si) : NULL;
            if (!d)
                continue;
            uint16_t port = env->conf->ports.v[PROTO_TCP][si->port_index];
            if (start_talk(&t[n], &g->hosts[h].addr, port, si, d) == 0 && ++n == MAX_TALKS) {
                converse(t, n, env->stop);
                n = 0;
            }
        }
    converse(t, n, env->stop);
    return 0;
}

const struct stage_ops stage_dialogs = {
    .name = "dialogs", .wanted = dialogs_wanted, .run = dialogs_run,
};
