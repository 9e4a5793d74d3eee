/* normal: nmap's human-readable report, on the terminal and with -oN.
 * The per-host lines are nmap's, to the letter ("Nmap scan report for",
 * "Not shown: ...", the PORT/STATE/SERVICE table), because people and scripts
 * read them; the banner and the closing line name scout. */
#include <stdlib.h>
#include <string.h>

#include "output.h"

struct normal_state {
    bool file_style; /* -oN: '#' header and footer lines */
    uint64_t hosts_seen;
};

static void begin(void *stp, FILE *f, const struct run_info *ri)
{
    struct normal_state *st = stp;
    char when[64];
    st->file_style = f != stdout;
    if (st->file_style) {
        fmt_time(ri->start, "%a %b %e %H:%M:%S %Y", when, sizeof when);
        fprintf(f, "# scout %s scan initiated %s as: %s\n", SCOUT_VERSION, when, ri->conf->args);
    } else {
        fmt_time(ri->start, "%Y-%m-%d %H:%M %Z", when, sizeof when);
        fprintf(f, "Starting scout %s at %s\n", SCOUT_VERSION, when);
    }
}

static void report_line(FILE *f, const struct host_result *h, const char *suffix)
{
    char ip[ADDR_STRLEN];
    addr_str(&h->addr, ip, sizeof ip);
    const char *name = host_name(h);
    if (name)
        fprintf(f, "Nmap scan report for %s (%s)%s\n", name, ip, suffix);
    else
        fprintf(f, "Nmap scan report for %s%s\n", ip, suffix);
}

static void up_line(FILE *f, const struct run_info *ri, const struct host_result *h)
{
    char lat[32] = "";
    if (h->srtt_us)
        fmt_sigdigits(h->srtt_us / 1e6, lat, sizeof lat);
    fprintf(f, "Host is up");
    if (ri->conf->reason)
        fprintf(f, ", received %s", reason_name((enum reason)h->up_reason));
    if (*lat)
        fprintf(f, " (%ss latency)", lat);
    fprintf(f, ".\n");
}

static void not_shown(FILE *f, const struct run_info *ri, const struct host_result *h,
                      const struct host_view *v)
{
    if (v->nign && v->shown == 0) {
        char ip[ADDR_STRLEN];
        const char *name = host_name(h);
        addr_str(&h->addr, ip, sizeof ip);
        if (name)
            fprintf(f, "All %u scanned ports on %s (%s) are in ignored states.\n", v->total, name, ip);
        else
            fprintf(f, "All %u scanned ports on %s are in ignored states.\n", v->total, ip);
    }
    for (int i = 0; i < v->nign; i++) {
        enum port_state s = v->order[i];
        uint32_t rc[PROTO_COUNT][R_COUNT];
        reason_counts(ri, h, s, rc);
        bool first_reason = true;
        for (int p = 0; p < PROTO_COUNT; p++)
            for (int r = 0; r < R_COUNT; r++) {
                if (!rc[p][r])
                    continue;
                fprintf(f, "%s%u %s %s port%s (%s)",
                        i == 0 && first_reason ? "Not shown: " : ", ", rc[p][r], state_name(s),
                        proto_name((enum proto)p), v->counts[s] == 1 ? "" : "s",
                        reason_name((enum reason)r));
                first_reason = false;
            }
    }
    fprintf(f, "\n");
}

/* One table row's cells; widths are measured over all rows first. */
static void row_cells(const struct run_info *ri, enum proto p, uint32_t i,
                      const struct port_result *r, char cells[4][48])
{
    uint16_t port = ri->conf->ports.v[p][i];
    const char *svc = port_service(ri, p, port);
    snprintf(cells[0], 48, "%u/%s", port, proto_name(p));
    snprintf(cells[1], 48, "%s", state_name((enum port_state)r->state));
    snprintf(cells[2], 48, "%s", svc ? svc : "unknown");
    if (r->ttl)
        snprintf(cells[3], 48, "%s ttl %u", reason_name((enum reason)r->reason), r->ttl);
    else
        snprintf(cells[3], 48, "%s", reason_name((enum reason)r->reason));
}

/* Columns are padded to their widest cell and joined by one space; the last
 * one is not padded. */
static void put_cell(FILE *f, const char *s, size_t width, bool last)
{
    if (last)
        fprintf(f, "%s\n", s);
    else
        fprintf(f, "%-*s ", (int)width, s);
}

static void port_table(FILE *f, const struct run_info *ri, const struct host_result *h,
                       const struct host_view *v)
{
    int ncol = ri->conf->reason ? 4 : 3;
    size_t w[4] = {4, 5, 7, 6};
    char cells[4][48];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            static const char *const head[4] = {"PORT", "STATE", "SERVICE", "REASON"};
            for (int c = 0; c < ncol; c++)
                put_cell(f, head[c], w[c], c + 1 == ncol);
        }
        struct shown_port sp = {0};
        while (next_shown_port(ri, h, v, &sp)) {
            row_cells(ri, sp.p, sp.i, sp.r, cells);
            for (int c = 0; c < ncol; c++) {
                if (pass == 0)
                    w[c] = MAX(w[c], strlen(cells[c]));
                else
                    put_cell(f, cells[c], w[c], c + 1 == ncol);
            }
        }
    }
}

static void host(void *stp, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct normal_state *st = stp;
    const struct conf *c = ri->conf;
    st->hosts_seen++;
    if (h->status != HOST_UP) {
        if (c->verbose)
            report_line(f, h, " [host down]");
        return;
    }
    struct host_view v;
    host_view_make(ri, h, &v);
    if (c->open_only && !c->ping_only && v.shown == 0)
        return; /* --open: hosts with nothing open are not reported */
    report_line(f, h, "");
    up_line(f, ri, h);
    if (c->ping_only)
        return;
    if (h->timed_out) {
        char ip[ADDR_STRLEN];
        fprintf(f, "Skipping host %s due to host timeout\n\n", addr_str(&h->addr, ip, sizeof ip));
        return;
    }
    not_shown(f, ri, h, &v);
    if (v.shown)
        port_table(f, ri, h, &v);
    fprintf(f, "\n");
}

static void end(void *stp, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    struct normal_state *st = stp;
    char sum[160], when[64];
    summary_line(ri, re, sum, sizeof sum);
    if (re->stats->hosts_done == 1 && re->stats->hosts_up == 0 && !ri->conf->ping_skip)
        fprintf(f, "Note: Host seems down. If it is really up, but blocking our ping probes, try -Pn\n");
    if (re->interrupted)
        fprintf(f, "%sscan interrupted: only the hosts above were completed\n",
                st->file_style ? "# " : "");
    if (re->error)
        fprintf(f, "%sscan stopped by an error: %s\n", st->file_style ? "# " : "", re->error);
    if (st->file_style) {
        fmt_time(re->end, "%a %b %e %H:%M:%S %Y", when, sizeof when);
        fprintf(f, "# scout done at %s -- %s\n", when, sum);
    } else {
        if (ri->conf->verbose)
            fprintf(f, "Probes: %llu sent, %llu retransmitted, %llu replies, %llu timeouts, %llu drops detected, "
                       "%llu replies rejected (cookie), %llu malformed\n",
                    (unsigned long long)re->stats->sent, (unsigned long long)re->stats->retransmits,
                    (unsigned long long)re->stats->replies, (unsigned long long)re->stats->timeouts,
                    (unsigned long long)re->stats->drops, (unsigned long long)re->stats->invalid,
                    (unsigned long long)re->stats->malformed);
        fprintf(f, "scout done: %s\n", sum);
    }
}

const struct output_ops output_normal = {
    .name = "normal",
    .state_size = sizeof(struct normal_state),
    .begin = begin,
    .host = host,
    .end = end,
};
