/* The output set (which formats go to which files) and the helpers the
 * formats share: which states fold into "Not shown", port range lists, and
 * time formatting. */
#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct output_ops *const formats[OUT_KIND_COUNT] = {
    [OUT_NORMAL] = &output_normal,
    [OUT_XML] = &output_xml,
    [OUT_GREP] = &output_grepable,
    [OUT_JSON] = &output_json,
};

static int add(struct output_set *s, enum out_kind k, const char *path, err_t *e)
{
    if (s->n >= (int)ARRAY_LEN(s->o))
        return err_set(e, "too many output files");
    FILE *f = stdout;
    bool own = false;
    if (path && strcmp(path, "-") != 0) {
        /* --resume continues the files an interrupted scan wrote */
        f = fopen(path, s->ri.conf->resume ? "r+" : "w");
        if (!f)
            return err_set(e, "cannot %s '%s': %s", s->ri.conf->resume ? "continue" : "write", path,
                           strerror(errno));
        own = true;
    }
    void *st = xcalloc(1, MAX(formats[k]->state_size, output_lan.state_size), e);
    if (!st) {
        if (own)
            fclose(f);
        return -1;
    }
    /* --lan's report takes the normal output's place. */
    s->o[s->n].ops = k == OUT_NORMAL && s->ri.conf->lan ? &output_lan : formats[k];
    s->o[s->n].f = f;
    s->o[s->n].own = own;
    s->o[s->n].st = st;
    s->o[s->n].path = own ? path : NULL;
    s->n++;
    return 0;
}

int outputs_open(struct output_set *s, const struct conf *c, volatile sig_atomic_t *stop,
                 err_t *e)
{
    memset(s, 0, sizeof *s);
    s->stop = stop;
    s->ri.conf = c;
    s->ri.start = wall_time();
    s->ri.scan_name = c->tcp ? c->scan->name : "udp";
    s->ri.stop = stop;
    bool stdout_taken = false;
    for (int i = 0; i < c->noutputs; i++)
        if (!strcmp(c->outputs[i].path, "-"))
            stdout_taken = true;
    /* Normal output goes to the terminal unless a file format claimed stdout. */
    if (!stdout_taken && add(s, OUT_NORMAL, NULL, e) < 0)
        return -1;
    for (int i = 0; i < c->noutputs; i++)
        if (add(s, c->outputs[i].kind, c->outputs[i].path, e) < 0) {
            outputs_close(s);
            return -1;
        }
    return 0;
}

/* Records output i's first error, and says it once. */
static void failed(struct output_set *s, int i, int err)
{
    s->o[i].err = err ? err : EIO;
    s->failed = true;
    if (!s->o[i].own && s->o[i].err == EPIPE) {
        /* stdout's reader is gone.  SIGPIPE itself stays ignored (sockets
         * raise it too), so the outputs raise it by hand: the scan stops at
         * once and main() exits 141 (128 + SIGPIPE), what a shell shows for
         * nmap, with the other files closed properly. */
        if (s->stop)
            *s->stop = SIGPIPE;
        return;
    }
    fprintf(stderr, "scout: cannot write %s: %s (its output is incomplete; the others go on)\n",
            s->o[i].path ? s->o[i].path : "standard output", strerror(s->o[i].err));
}

/* err_in_call is errno as the format's call left it: the error may have
 * happened inside it (stdio writing out a full buffer), leaving fflush
 * nothing to fail on. */
static void check(struct output_set *s, int i, int err_in_call)
{
    errno = 0;
    if (fflush(s->o[i].f) != 0)
        failed(s, i, errno ? errno : err_in_call);
    else if (ferror(s->o[i].f))
        failed(s, i, err_in_call);
}

enum call { BEGIN, GROUP, HOST, END };

/* h: the host (HOST), or the group's n hosts (GROUP). */
static void each(struct output_set *s, enum call c, const struct host_result *h, uint32_t n,
                 const struct run_end *re)
{
    for (int i = 0; i < s->n; i++) {
        if (s->o[i].err || (c == GROUP && !s->o[i].ops->group))
            continue;
        errno = 0;
        if (c == BEGIN)
            s->o[i].ops->begin(s->o[i].st, s->o[i].f, &s->ri);
        else if (c == GROUP)
            s->o[i].ops->group(s->o[i].st, s->o[i].f, &s->ri, h, n);
        else if (c == HOST)
            s->o[i].ops->host(s->o[i].st, s->o[i].f, &s->ri, h);
        else
            s->o[i].ops->end(s->o[i].st, s->o[i].f, &s->ri, re);
        check(s, i, errno);
    }
}

void outputs_begin(struct output_set *s)
{
    each(s, BEGIN, NULL, 0, NULL);
}

uint32_t outputs_offsets(const struct output_set *s, int64_t *off, uint32_t max)
{
    uint32_t n = 0;
    for (int i = 0; i < s->n && n < max; i++)
        off[n++] = s->o[i].own && !s->o[i].err ? (int64_t)ftell(s->o[i].f) : -1;
    return n;
}

/* Each format's begin() runs into a scratch stream, so that its state is
 * set up without writing its header a second time. */
int outputs_resume(struct output_set *s, const int64_t *off, uint32_t n, err_t *e)
{
    for (int i = 0; i < s->n; i++) {
        if (!s->o[i].own) {
            s->o[i].ops->begin(s->o[i].st, s->o[i].f, &s->ri);
            check(s, i, errno);
            continue;
        }
        if ((uint32_t)i >= n || off[i] < 0)
            return err_set(e, "--resume: %s was not among the interrupted scan's outputs", s->o[i].path);
        if (ftruncate(fileno(s->o[i].f), off[i]) < 0 || fseek(s->o[i].f, off[i], SEEK_SET) < 0)
            return err_set(e, "--resume: cannot continue %s: %s", s->o[i].path, strerror(errno));
        FILE *scratch = fopen("/dev/null", "w");
        if (!scratch)
            return err_set(e, "--resume: /dev/null: %s", strerror(errno));
        s->o[i].ops->begin(s->o[i].st, scratch, &s->ri);
        fclose(scratch);
    }
    return 0;
}

void outputs_group(struct output_set *s, const struct host_result *hosts, uint32_t n)
{
    each(s, GROUP, hosts, n, NULL);
}

void outputs_host(struct output_set *s, const struct host_result *h)
{
    each(s, HOST, h, 0, NULL);
}

void outputs_end(struct output_set *s, const struct run_end *re)
{
    struct run_end r = *re;
    if (!r.error && s->stop && *s->stop == SIGPIPE)
        r.error = "standard output was closed";
    each(s, END, NULL, 0, &r);
}

int outputs_close(struct output_set *s)
{
    for (int i = 0; i < s->n; i++) {
        if (s->o[i].own) {
            errno = 0;
            /* fclose writes what is buffered and, on NFS, may be the first
             * to hear of a failed write */
            if (fclose(s->o[i].f) != 0 && !s->o[i].err)
                failed(s, i, errno);
        }
        free(s->o[i].st);
    }
    s->n = 0;
    return s->failed ? -1 : 0;
}

const char *port_service(const struct run_info *ri, enum proto p, uint16_t port)
{
    uint32_t off = ri->conf->svc->name_off[p][port];
    return off ? ri->conf->svc->pool + off : NULL;
}

const char *const service_field_name[SVC_FIELDS] = {"product", "version", "extrainfo",
                                                    "hostname", "ostype", "devicetype"};

const struct service_info *shown_service(const struct host_result *h, enum proto p, uint32_t i)
{
    return host_service(h, p, i);
}

void service_column(const struct run_info *ri, const struct service_info *si, enum proto p,
                    uint16_t port, const char *sep, char *out, size_t n)
{
    const char *table = port_service(ri, p, port);
    bool found = si && si->name[0];
    const char *name = found ? si->name : table ? table : "unknown";
    /* nmap marks a table guess with "?" once it has tried and failed
     * ("unknown", no guess at all, has none). */
    const char *guess = ri->conf->version && !found && si && table ? "?" : "";
    snprintf(out, n, "%s%s%s%s", si && si->ssl ? "ssl" : "", si && si->ssl ? sep : "", name, guess);
}

void version_column(const struct service_info *si, char *out, size_t n)
{
    out[0] = 0;
    if (!si)
        return;
    const char *p = si->field[SVC_PRODUCT], *v = si->field[SVC_VERSION], *x = si->field[SVC_INFO];
    snprintf(out, n, "%s%s%s%s%s%s", p ? p : "", p && v ? " " : "", v ? v : "",
             (p || v) && x ? " (" : x ? "(" : "", x ? x : "", x ? ")" : "");
}

bool state_ignored(const struct run_info *ri, enum port_state s, uint32_t count)
{
    if (s == PS_OPEN || s == PS_UNKNOWN || count == 0)
        return false;
    if (ri->conf->open_only && s != PS_OPEN_FILTERED && s != PS_UNFILTERED)
        return true;
    return count > 25u * (uint32_t)(ri->conf->verbose + 1);
}

void host_view_make(const struct run_info *ri, const struct host_result *h, struct host_view *v)
{
    memset(v, 0, sizeof *v);
    for (int p = 0; p < PROTO_COUNT; p++) {
        uint32_t c[PS_COUNT];
        host_state_counts(h, (enum proto)p, ri->conf->ports.n[p], c);
        for (int s = 1; s < PS_COUNT; s++)
            v->counts[s] += c[s];
    }
    for (int s = 1; s < PS_COUNT; s++) {
        v->total += v->counts[s];
        v->ignored[s] = state_ignored(ri, (enum port_state)s, v->counts[s]);
        if (v->ignored[s])
            v->order[v->nign++] = (enum port_state)s;
        else
            v->shown += v->counts[s];
    }
    /* Most numerous first, as nmap lists them. */
    for (int i = 1; i < v->nign; i++)
        for (int j = i; j > 0 && v->counts[v->order[j]] > v->counts[v->order[j - 1]]; j--) {
            enum port_state t = v->order[j];
            v->order[j] = v->order[j - 1];
            v->order[j - 1] = t;
        }
}

void os_view_make(const struct run_info *ri, const struct os_result *os, struct os_view *v)
{
    const struct conf *c = ri->conf;
    int n = MIN(os->nmatch, OS_MAX_MATCHES);
    memset(v, 0, sizeof *v);
    while (v->nperfect < n && os->m[v->nperfect].accuracy >= 100)
        v->nperfect++;
    if (n == 0)
        v->verdict = OSV_NONE;
    else if (v->nperfect > 8 && !c->debug)
        v->verdict = OSV_TOO_MANY;
    else if (v->nperfect > 0)
        v->verdict = OSV_DETAILS;
    else
        v->verdict = OSV_GUESSES;
    if (v->verdict == OSV_DETAILS)
        v->nlisted = v->nperfect;
    else if (v->verdict == OSV_GUESSES)
        while (v->nlisted < 10 && v->nlisted < n &&
               os->m[v->nlisted].accuracy + 10 > os->m[0].accuracy)
            v->nlisted++;
    /* nmap shows a fingerprint for submission when nothing matched exactly
     * and the test conditions were good (no reason to omit it), and any
     * fingerprint with -vv or -d. */
    bool unmatched = v->verdict == OSV_GUESSES || v->verdict == OSV_NONE;
    v->show_fp = os->fp[0] && ((unmatched && !os->unreliable) || c->verbose > 1 || c->debug);
    /* nmap's OS_PERF_UNREL: the scan found no open or no closed TCP port */
    v->partial = !os->open_tcp || !os->closed_tcp;
}

void host_progress(const struct run_info *ri, const struct host_result *h, struct host_progress *hp)
{
    const struct conf *c = ri->conf;
    uint32_t listed = 0;
    memset(hp, 0, sizeof *hp);
    for (int p = 0; p < PROTO_COUNT && !c->ping_only; p++) {
        listed += c->ports.n[p];
        for (uint32_t i = 0; i < c->ports.n[p]; i++)
            hp->done += h->ports[p][i].state != PS_UNKNOWN;
    }
    hp->asked = c->shard_n == 1 ? listed : 0;
    if (!ri->stop || !*ri->stop || h->timed_out)
        return;
    hp->undiscovered = h->status == HOST_UNKNOWN;
    hp->interrupted = hp->undiscovered ||
                      (h->status == HOST_UP && (c->shard_n > 1 || hp->done < listed));
}

void progress_phrase(const struct run_info *ri, const struct host_progress *hp, char *buf, size_t len)
{
    const struct conf *c = ri->conf;
    if (hp->asked || c->shard_n == 1)
        snprintf(buf, len, "%u of %u ports done", hp->done, hp->asked);
    else
        snprintf(buf, len, "%u ports done (shard %u/%u of %u)", hp->done, c->shard_k, c->shard_n,
                 c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP]);
}

bool next_shown_port(const struct run_info *ri, const struct host_result *h,
                     const struct host_view *v, struct shown_port *sp)
{
    for (; sp->p < PROTO_COUNT; sp->p++, sp->next = 0)
        while (sp->next < ri->conf->ports.n[sp->p]) {
            uint32_t i = sp->next++;
            const struct port_result *r = &h->ports[sp->p][i];
            if (r->state == PS_UNKNOWN || v->ignored[r->state])
                continue;
            sp->i = i;
            sp->r = r;
            sp->port = ri->conf->ports.v[sp->p][i];
            return true;
        }
    return false;
}

void reason_counts(const struct run_info *ri, const struct host_result *h, enum port_state s,
                   uint32_t out[PROTO_COUNT][R_COUNT])
{
    memset(out, 0, sizeof(uint32_t) * PROTO_COUNT * R_COUNT);
    for (int p = 0; p < PROTO_COUNT; p++)
        for (uint32_t i = 0; i < ri->conf->ports.n[p]; i++) {
            const struct port_result *r = &h->ports[p][i];
            if (r->state == s && r->reason < R_COUNT)
                out[p][r->reason]++;
        }
}

void write_port_ranges(FILE *f, const struct run_info *ri, const struct host_result *h,
                       enum proto p, int state, int reason)
{
    const uint16_t *v = ri->conf->ports.v[p];
    uint32_t n = ri->conf->ports.n[p];
    bool first = true;
    for (uint32_t i = 0; i < n;) {
        bool keep = !h || ((state < 0 || h->ports[p][i].state == state) &&
                           (reason < 0 || h->ports[p][i].reason == reason));
        if (!keep) {
            i++;
            continue;
        }
        uint32_t j = i;
        while (j + 1 < n && v[j + 1] == v[j] + 1 &&
               (!h || ((state < 0 || h->ports[p][j + 1].state == state) &&
                       (reason < 0 || h->ports[p][j + 1].reason == reason))))
            j++;
        fprintf(f, "%s%u", first ? "" : ",", v[i]);
        if (j > i)
            fprintf(f, "-%u", v[j]);
        first = false;
        i = j + 1;
    }
}

void fmt_time(double t, const char *fmt, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, len, fmt, &tm);
}

void fmt_sigdigits(double x, char *buf, size_t len)
{
    if (x <= 0) {
        snprintf(buf, len, "0");
        return;
    }
    int decimals = 1 - (int)floor(log10(x));
    snprintf(buf, len, "%.*f", decimals < 0 ? 0 : decimals, x);
}

const char *host_name(const struct host_result *h)
{
    return h->user_name ? h->user_name : h->rdns;
}

void summary_line(const struct run_info *ri, const struct run_end *re, char *buf, size_t len)
{
    uint64_t total = re->stats->hosts_done, up = re->stats->hosts_up;
    snprintf(buf, len, "%llu IP address%s (%llu host%s up) scanned in %.2f seconds",
             (unsigned long long)total, total == 1 ? "" : "es", (unsigned long long)up,
             up == 1 ? "" : "s", re->end - ri->start);
}
