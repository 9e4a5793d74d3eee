#include "progress.h"

#include <stdio.h>
#include <unistd.h>

void progress_init(struct progress *p, const struct conf *c, uint64_t now)
{
    *p = (struct progress){0};
    p->tty = isatty(STDERR_FILENO) && !c->stats_every_ns;
    p->every_ns = c->stats_every_ns ? c->stats_every_ns : (p->tty ? NS_PER_SEC : 0);
    p->start_ns = p->last_ns = now;
    p->next_ns = now + p->every_ns;
}

static void fmt_eta(double secs, char *buf, size_t len)
{
    if (secs < 0 || secs > 360000) {
        snprintf(buf, len, "--:--:--");
        return;
    }
    unsigned s = (unsigned)(secs + 0.5);
    snprintf(buf, len, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
}

void progress_format(const struct progress *p, const struct scan_stats *st, uint64_t now,
                     char *buf, size_t len)
{
    double pct = st->pairs_total ? 100.0 * (double)st->pairs_done / (double)st->pairs_total : 0;
    double left = (double)(st->pairs_total - MIN(st->pairs_done, st->pairs_total));
    char eta[32];
    /* While ICMP budgets pace the scan, their tokens say when it ends. */
    double secs = st->budget_eta_ns ? (double)st->budget_eta_ns / 1e9 : p->done_rate > 0 ? left / p->done_rate : -1;
    fmt_eta(secs, eta, sizeof eta);
    snprintf(buf, len,
             "scout: %llu/%llu ports (%.1f%%), %llu/%llu hosts, %.0f probes/s, %llu replies, "
             "%llu retransmits, elapsed %.0fs, ETA %s",
             (unsigned long long)st->pairs_done, (unsigned long long)st->pairs_total, pct,
             (unsigned long long)st->hosts_done, (unsigned long long)st->hosts_total,
             p->send_rate, (unsigned long long)st->replies,
             (unsigned long long)st->retransmits, (double)(now - p->start_ns) / 1e9, eta);
}

void progress_tick(void *ctx, const struct scan_stats *st, uint64_t now)
{
    struct progress *p = ctx;
    double dt = (double)(now - p->last_ns) / 1e9;
    if (dt >= 0.5) {
        /* An EWMA over ~5 s: steady enough for an ETA, quick to follow change. */
        double a = MIN(1.0, dt / 5.0);
        double dr = (double)(st->pairs_done - p->last_done) / dt;
        double sr = (double)(st->sent - p->last_sent) / dt;
        p->done_rate = p->done_rate ? p->done_rate + a * (dr - p->done_rate) : dr;
        p->send_rate = p->send_rate ? p->send_rate + a * (sr - p->send_rate) : sr;
        p->last_done = st->pairs_done;
        p->last_sent = st->sent;
        p->last_ns = now;
    }
    if (!p->every_ns || now < p->next_ns)
        return;
    p->next_ns = now + p->every_ns;
    char line[256];
    progress_format(p, st, now, line, sizeof line);
    if (p->tty)
        fprintf(stderr, "\r%s\033[K", line);
    else
        fprintf(stderr, "%s\n", line);
    p->printed = true;
}

void progress_done(struct progress *p, const struct scan_stats *st, uint64_t now)
{
    (void)st;
    (void)now;
    if (p->tty && p->printed)
        fprintf(stderr, "\r\033[K");
}
