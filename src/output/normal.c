/* normal: nmap's human-readable report, on the terminal and with -oN.
 * The per-host lines are nmap's, to the letter ("Nmap scan report for",
 * "Not shown: ...", the PORT/STATE/SERVICE table, -O's "Device type:" to
 * "Network Distance:"), because people and scripts read them; the banner and
 * the closing line name scout, and nothing sends people to nmap.org/submit. */
#include <stdlib.h>
#include <string.h>

#include "output.h"

struct normal_state {
    bool file_style; /* -oN: '#' header and footer lines */
    uint64_t hosts_seen;
    uint64_t partial; /* hosts shown whose scan the stop cut short */
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

/* -v on the terminal: nmap's "Discovered open port" lines.  nmap says them
 * as it finds the ports; scout's results come in a host group at a time, so
 * they are said then, before the group's reports.  Not in -oN files: nmap
 * writes them to stdout alone. */
static void group(void *stp, FILE *f, const struct run_info *ri, const struct host_result *hosts,
                  uint32_t n)
{
    const struct normal_state *st = stp;
    const struct conf *c = ri->conf;
    if (st->file_style || !c->verbose || c->ping_only)
        return;
    for (uint32_t k = 0; k < n; k++) {
        const struct host_result *h = &hosts[k];
        char ip[ADDR_STRLEN];
        if (h->status != HOST_UP)
            continue;
        addr_str(&h->addr, ip, sizeof ip);
        for (int p = 0; p < PROTO_COUNT; p++)
            for (uint32_t i = 0; i < c->ports.n[p]; i++)
                if (h->ports[p][i].state == PS_OPEN)
                    fprintf(f, "Discovered open port %u/%s on %s\n", c->ports.v[p][i],
                            proto_name((enum proto)p), ip);
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

enum { COL_PORT, COL_STATE, COL_SERVICE, COL_REASON, COL_VERSION, NCOL };
#define CELL 200

/* One table row's cells; widths are measured over all rows first. */
static void row_cells(const struct run_info *ri, const struct host_result *h,
                      const struct shown_port *sp, char cells[NCOL][CELL])
{
    const struct port_result *r = sp->r;
    const struct service_info *si = shown_service(h, sp->p, sp->i);
    snprintf(cells[COL_PORT], CELL, "%u/%s", sp->port, proto_name(sp->p));
    snprintf(cells[COL_STATE], CELL, "%s", state_name((enum port_state)r->state));
    service_column(ri, si, sp->p, sp->port, "/", cells[COL_SERVICE], CELL);
    if (r->ttl)
        snprintf(cells[COL_REASON], CELL, "%s ttl %u", reason_name((enum reason)r->reason), r->ttl);
    else
        snprintf(cells[COL_REASON], CELL, "%s", reason_name((enum reason)r->reason));
    version_column(si, cells[COL_VERSION], CELL);
}

/* nmap's script-output style lines under a port: its banner, what a
 * dialog (service/dialog.h) saw, its certificate; "|_" marks the last. */
static void port_notes(FILE *f, const struct run_info *ri, const struct host_result *h,
                       const struct shown_port *sp)
{
    const struct service_info *si = shown_service(h, sp->p, sp->i);
    if (!si)
        return;
    const char *id[3], *text[3];
    char dialog_id[40];
    int n = 0;
    if (si->banner && ri->conf->banners)
        id[n] = "banner", text[n++] = si->banner;
    if (si->dialog_note) {
        snprintf(dialog_id, sizeof dialog_id, "dialog-%s", si->dialog);
        id[n] = dialog_id, text[n++] = si->dialog_note;
    }
    if (si->cert && ri->conf->verbose)
        id[n] = "ssl-cert", text[n++] = si->cert;
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s: %s\n", i + 1 < n ? "| " : "|_", id[i], text[i]);
}

/* True if the CPE h->svc[i].cpe[c] already appeared earlier. */
static bool cpe_seen(const struct host_result *h, uint32_t i, int c)
{
    for (uint32_t a = 0; a <= i; a++)
        for (int b = 0; b < (a == i ? c : h->svc[a].ncpe); b++)
            if (!strcmp(h->svc[a].cpe[b], h->svc[i].cpe[c]))
                return true;
    return false;
}

/* "Service Info: Host: x; OSs: Unix, Linux; CPE: cpe:/o:..." from what the
 * matches said, each value once, labels in nmap's plural when several. */
static void service_info_line(FILE *f, const struct host_result *h)
{
    static const char *const one[] = {[SVC_HOST] = "Host", [SVC_OS] = "OS", [SVC_DEVICE] = "Device"};
    static const char *const many[] = {[SVC_HOST] = "Hosts", [SVC_OS] = "OSs", [SVC_DEVICE] = "Devices"};
    static const int fields[] = {SVC_HOST, SVC_OS, SVC_DEVICE};
    bool any = false;
    for (size_t k = 0; k < ARRAY_LEN(fields); k++) {
        int fi = fields[k];
        const char *vals[16];
        int n = 0;
        for (uint32_t i = 0; i < h->nsvc && n < 16; i++) {
            const char *val = h->svc[i].field[fi];
            bool seen = false;
            for (int j = 0; val && j < n; j++)
                seen |= !strcmp(vals[j], val);
            if (val && !seen)
                vals[n++] = val;
        }
        if (!n)
            continue;
        fprintf(f, "%s%s: %s", any ? "; " : "Service Info: ", n > 1 ? many[fi] : one[fi], vals[0]);
        for (int j = 1; j < n; j++)
            fprintf(f, ", %s", vals[j]);
        any = true;
    }
    bool cpe = false;
    for (uint32_t i = 0; i < h->nsvc; i++)
        for (int c = 0; c < h->svc[i].ncpe; c++) {
            const char *v = h->svc[i].cpe[c];
            if (strncmp(v, "cpe:/o", 6) || cpe_seen(h, i, c))
                continue;
            fprintf(f, "%s%s", cpe ? ", " : any ? "; CPE: " : "Service Info: CPE: ", v);
            any = cpe = true;
        }
    if (any)
        fprintf(f, "\n");
}

/* Columns are padded to their widest cell and joined by one space; a row
 * ends without trailing blanks (an empty VERSION leaves none). */
static void put_cell(FILE *f, char *line, size_t cap, const char *s, size_t width, bool last)
{
    size_t n = strlen(line);
    snprintf(line + n, cap - n, "%-*s ", last ? 0 : (int)width, s);
    if (!last)
        return;
    n = strlen(line);
    while (n && line[n - 1] == ' ')
        line[--n] = 0;
    fprintf(f, "%s\n", line);
    line[0] = 0;
}

static void port_table(FILE *f, const struct run_info *ri, const struct host_result *h,
                       const struct host_view *v)
{
    static const char *const head[NCOL] = {"PORT", "STATE", "SERVICE", "REASON", "VERSION"};
    bool show[NCOL] = {true, true, true, ri->conf->reason, ri->conf->version};
    int last = ri->conf->version ? COL_VERSION : ri->conf->reason ? COL_REASON : COL_SERVICE;
    size_t w[NCOL] = {4, 5, 7, 6, 7};
    char cells[NCOL][CELL], line[NCOL * CELL + NCOL] = "";
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            for (int c = 0; c < NCOL; c++)
                if (show[c])
                    put_cell(f, line, sizeof line, head[c], w[c], c == last);
        struct shown_port sp = {0};
        while (next_shown_port(ri, h, v, &sp)) {
            row_cells(ri, h, &sp, cells);
            for (int c = 0; c < NCOL; c++) {
                if (!show[c])
                    continue;
                if (pass == 0)
                    w[c] = MAX(w[c], strlen(cells[c]));
                else
                    put_cell(f, line, sizeof line, cells[c], w[c], c == last);
            }
            if (pass == 1)
                port_notes(f, ri, h, &sp);
        }
    }
}

/* nmap's request to submit what -sV could not name: at most nine of a
 * host's service fingerprints, in port order. */
static void service_fingerprints(FILE *f, const struct host_result *h)
{
    const char *fp[9];
    int n = 0;
    for (uint32_t i = 0; i < h->nsvc && n < 9; i++)
        if (h->svc[i].fp)
            fp[n++] = h->svc[i].fp;
    if (n == 0)
        return;
    fprintf(f, "%d service%s unrecognized despite returning data. If you know the service/version, "
               "please submit the following fingerprint%s at https://nmap.org/cgi-bin/submit.cgi?new-service :\n",
            n, n > 1 ? "s" : "", n > 1 ? "s" : "");
    for (int i = 0; i < n; i++) {
        if (n > 1)
            fprintf(f, "==============NEXT SERVICE FINGERPRINT (SUBMIT INDIVIDUALLY)==============\n");
        fprintf(f, "%s\n", fp[i]);
    }
}

/* What confirm.c found when the host answered nearly every port. */
static void confirm_note(FILE *f, const struct conf *c, const struct host_result *h)
{
    if (confirm_proxied(h))
        fprintf(f, "Warning: nearly every port answered, but %u of %u connections to them were reset "
                   "at once: a SYN proxy or middlebox answers for this host, so its open ports are "
                   "not confirmed (-sT tells them apart)\n",
                h->confirm.reset, h->confirm.sampled);
    else if (h->confirm.sampled && c->verbose)
        fprintf(f, "Nearly every port answered; %u of %u sampled connections held: the ports are open\n",
                h->confirm.sampled - h->confirm.reset, h->confirm.sampled);
}

/* nmap's line for a host of the local segment. */
static void mac_line(FILE *f, const struct host_result *h)
{
    char m[18];
    if (!h->has_mac)
        return;
    mac_format(h->mac, m);
    fprintf(f, "MAC Address: %s (%s)\n", m, h->vendor ? h->vendor : "Unknown");
}

/* nmap's classification of an OS result (FingerPrintResults::
 * populateClassification), made by the OS stage over every ranked match:
 * distinct classes, best match first, with their accuracies. */
struct os_classes {
    const struct os_class *c[OS_MAX_CLASSIFIED];
    uint8_t acc[OS_MAX_CLASSIFIED];
    int n, nperfect;
};

static bool os_classify(const struct os_result *os, int nperfect, struct os_classes *r)
{
    (void)nperfect;
    r->n = os->nclassified;
    r->nperfect = os->nclassified_perfect;
    for (int i = 0; i < r->n; i++) {
        r->c[i] = &os->classified[i];
        r->acc[i] = os->classified_acc[i];
    }
    return r->n > 0;
}

/* nmap's MAX_OS_CLASSMEMBERS: with more device types, CPEs or families than
 * this, nmap prints none of its three classification lines. */
#define OS_MEMBERS 8

/* Adds s to list (of *n) unless there; false when there is no room. */
static bool add_new(const char **list, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(list[i], s))
            return true;
    if (*n >= OS_MEMBERS)
        return false;
    list[(*n)++] = s;
    return true;
}

/* "Device type:", "Running:" and "OS CPE:" (output.cc's
 * printosclassificationoutput): the classes down to 10 points below the best,
 * only perfect ones unless guessing, an imperfect one only among the first
 * 10.  Running
 * groups generations by "vendor family" (the family alone when the two are
 * the same), in order of first appearance, a generation added unless it is
 * already a substring of the group's (nmap's strstr); a family past the
 * perfect ones' count carries its best accuracy. */
static void os_classification(FILE *f, const struct os_result *os, const struct os_view *v,
                              bool guess)
{
    struct os_classes r;
    if (!os_classify(os, v->nperfect, &r))
        return;
    const char *types[OS_MEMBERS], *cpes[OS_MEMBERS];
    char fam[OS_MEMBERS][128], gens[OS_MEMBERS][96];
    uint8_t famacc[OS_MEMBERS];
    int nt = 0, nc = 0, nf = 0;
    bool overflow = false;
    for (int k = 0; k < r.n; k++) {
        const struct os_class *c = r.c[k];
        if ((!guess && k >= r.nperfect) || r.acc[k] + 10 <= r.acc[0] || (r.acc[k] < 100 && k > 9))
            break;
        overflow |= !add_new(types, &nt, c->type);
        for (int i = 0; i < c->ncpe && i < OS_MAX_CPES; i++)
            overflow |= !add_new(cpes, &nc, c->cpe[i]);
        char name[128];
        if (!strcmp(c->vendor, c->family))
            snprintf(name, sizeof name, "%s", c->family);
        else
            snprintf(name, sizeof name, "%s %s", c->vendor, c->family);
        int i = 0;
        while (i < nf && strcmp(fam[i], name))
            i++;
        if (i < nf) {
            size_t len = strlen(gens[i]);
            if (c->gen[0] && !strstr(gens[i], c->gen) && len + 2 + strlen(c->gen) < sizeof gens[i])
                snprintf(gens[i] + len, sizeof gens[i] - len, "%s%s", len ? "|" : "", c->gen);
            continue;
        }
        if (nf >= OS_MEMBERS) {
            overflow = true;
            break;
        }
        snprintf(fam[nf], sizeof fam[nf], "%s", name);
        snprintf(gens[nf], 48, "%s", c->gen);
        famacc[nf++] = r.acc[k];
    }
    if (overflow || nf == 0)
        return;
    fprintf(f, "Device type: ");
    for (int i = 0; i < nt; i++)
        fprintf(f, "%s%s", i ? "|" : "", types[i]);
    fprintf(f, "\nRunning%s: ", r.nperfect == 0 ? " (JUST GUESSING)" : "");
    for (int i = 0; i < nf; i++) {
        fprintf(f, "%s%s%s%s", i ? ", " : "", fam[i], gens[i][0] ? " " : "", gens[i]);
        if (i >= r.nperfect)
            fprintf(f, " (%u%%)", famacc[i]);
    }
    fprintf(f, "\n");
    if (nc) {
        fprintf(f, "OS CPE:");
        for (int i = 0; i < nc; i++)
            fprintf(f, " %s", cpes[i]);
        fprintf(f, "\n");
    }
}

/* nmap's "TCP/IP fingerprint:" block: the OS: lines, then an empty line. */
static void os_fingerprint(FILE *f, const struct os_result *os)
{
    size_t n = strlen(os->fp);
    fprintf(f, "TCP/IP fingerprint:\n%s%s\n", os->fp, n && os->fp[n - 1] == '\n' ? "" : "\n");
}

/* The matches nmap names: "A, B", or the guesses "A (96%), B (95%)". */
static void os_names(FILE *f, const struct os_result *os, int n, bool acc)
{
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s%s", i ? ", " : "", os->m[i].name);
        if (acc)
            fprintf(f, " (%u%%)", os->m[i].accuracy);
    }
    fprintf(f, "\n");
}

/* What -O found, as nmap's printosscanoutput prints it, to the letter but
 * for nmap's "(If you know what OS is running on it, see
 * https://nmap.org/submit/ )" after "No exact OS matches for host" and
 * "No OS matches for host": scout's fingerprints are not nmap's to collect
 * (the lines keep nmap's words up to there, for whoever greps them). */
static void os_report(FILE *f, const struct run_info *ri, const struct os_result *os)
{
    const struct conf *c = ri->conf;
    const char *why = os->unreliable;
    bool noisy = c->verbose > 1 || c->debug;
    struct os_view v;
    os_view_make(ri, os, &v);
    if (v.partial && v.verdict != OSV_TOO_MANY)
        fprintf(f, "Warning: OSScan results may be unreliable because we could not find at least 1 "
                   "open and 1 closed port\n");
    /* a fingerprint nobody should submit might as well give its guesses */
    bool guess = c->osscan_guess || why;
    os_classification(f, os, &v, guess);
    switch (v.verdict) {
    case OSV_DETAILS:
        fprintf(f, "OS details: ");
        os_names(f, os, v.nperfect, false);
        break;
    case OSV_GUESSES:
        if (noisy && why)
            fprintf(f, "OS fingerprint not ideal because: %s\n", why);
        if (guess) {
            fprintf(f, "Aggressive OS guesses: ");
            os_names(f, os, v.nlisted, true);
        }
        fprintf(f, why ? "No exact OS matches for host (test conditions non-ideal).\n"
                       : "No exact OS matches for host\n");
        break;
    case OSV_NONE:
        if (why)
            fprintf(f, "OS fingerprint not ideal because: %s\n", why);
        fprintf(f, "No OS matches for host\n");
        break;
    case OSV_TOO_MANY:
        fprintf(f, "Too many fingerprints match this host to give specific OS details\n");
        break;
    }
    if (v.show_fp)
        os_fingerprint(f, os);
    if (os->lastboot && c->verbose) {
        char since[64];
        fmt_time(os->lastboot, "%a %b %e %H:%M:%S %Y", since, sizeof since);
        fprintf(f, "Uptime guess: %.3f days (since %s)\n", os->uptime_s / 86400.0, since);
    }
    if (os->distance != -1)
        fprintf(f, "Network Distance: %d hop%s\n", os->distance, os->distance == 1 ? "" : "s");
    if (os->seq_class && c->verbose)
        fprintf(f, "TCP Sequence Prediction: Difficulty=%u (%s)\n", os->seq_index, os->seq_class);
    if (os->ipid_class && c->verbose)
        fprintf(f, "IP ID Sequence Generation: %s\n", os->ipid_class);
}

static void host(void *stp, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct normal_state *st = stp;
    const struct conf *c = ri->conf;
    st->hosts_seen++;
    struct host_progress hp;
    host_progress(ri, h, &hp);
    if (h->status != HOST_UP) {
        if (c->verbose)
            report_line(f, h, hp.undiscovered ? " [not scanned: interrupted before host discovery]"
                                              : " [host down]");
        return;
    }
    struct host_view v;
    host_view_make(ri, h, &v);
    if (c->open_only && !c->ping_only && v.shown == 0)
        return; /* --open: hosts with nothing open are not reported */
    report_line(f, h, "");
    up_line(f, ri, h);
    if (hp.interrupted) {
        char done[96];
        progress_phrase(ri, &hp, done, sizeof done);
        fprintf(f, "Scan of this host interrupted: %s (the rest unknown)\n", done);
        st->partial++;
    }
    if (c->ping_only) {
        mac_line(f, h);
        return;
    }
    if (h->timed_out) {
        char ip[ADDR_STRLEN];
        fprintf(f, "Skipping host %s due to host timeout\n\n", addr_str(&h->addr, ip, sizeof ip));
        return;
    }
    confirm_note(f, c, h);
    if (h->icmp_interval_us && c->verbose)
        fprintf(f, "ICMP error rate limit measured: a burst of %u, then one per %.0f ms "
                   "(closed UDP ports were probed against it)\n",
                h->icmp_burst, h->icmp_interval_us / 1e3);
    not_shown(f, ri, h, &v);
    if (v.shown) {
        port_table(f, ri, h, &v);
        service_fingerprints(f, h);
    }
    /* nmap's order: the table, the MAC, the OS, then Service Info */
    mac_line(f, h);
    if (h->os)
        os_report(f, ri, h->os);
    if (v.shown)
        service_info_line(f, h);
    fprintf(f, "\n");
}

static void end(void *stp, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    struct normal_state *st = stp;
    char sum[160], when[64];
    summary_line(ri, re, sum, sizeof sum);
    if (re->stats->hosts_done == 1 && re->stats->hosts_up == 0 && !ri->conf->ping_skip && !re->interrupted)
        fprintf(f, "Note: Host seems down. If it is really up, but blocking our ping probes, try -Pn\n");
    else if (ri->conf->os && re->stats->hosts_up && !re->interrupted && !re->error)
        /* nmap's closing line of -O (and -sV) without its "Please report
         * any incorrect results at https://nmap.org/submit/": scout's
         * results are not nmap's to hear about */
        fprintf(f, "%s detection performed.\n", ri->conf->version ? "OS and Service" : "OS");
    if (re->interrupted && st->partial)
        fprintf(f, "%sscan interrupted: the hosts above were completed except %llu marked "
                   "\"Scan of this host interrupted\"; the rest were not scanned\n",
                st->file_style ? "# " : "", (unsigned long long)st->partial);
    else if (re->interrupted)
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
    .group = group,
    .host = host,
    .end = end,
};
