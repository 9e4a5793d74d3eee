/* grepable: nmap's one-line-per-host format (-oG):
 *   Host: 10.0.0.2 (name)	Status: Up
 *   Host: 10.0.0.2 (name)	Ports: 22/open/tcp//ssh///, ...	Ignored State: closed (997)
 *   Host: 10.0.0.2 (name)	Ports: ...	OS: Linux 5.0 - 5.4	Seq Index: 260	IP ID Seq: All zeros
 *   Host: 10.0.0.2 (name)	Ports: ...	Interrupted: 3963 of 65535 ports done
 * Port fields are port/state/protocol/owner/service/rpc/version/.  The last
 * field is scout's: a host whose scan Ctrl-C cut short, its undecided ports
 * not listed. */
#include "output.h"

struct grep_state {
    uint64_t partial; /* hosts written whose scan the stop cut short */
};

static void begin(void *st, FILE *f, const struct run_info *ri)
{
    (void)st;
    char when[64];
    fmt_time(ri->start, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    fprintf(f, "# scout %s scan initiated %s as: %s\n", SCOUT_VERSION, when, ri->conf->args);
}

/* -O's fields, nmap's: "OS:" names the perfect matches only ('|' between
 * them), none when there are more than 8; then the sequence classes. */
static void os_fields(FILE *f, const struct run_info *ri, const struct os_result *os)
{
    struct os_view v;
    os_view_make(ri, os, &v);
    for (int i = 0; v.verdict == OSV_DETAILS && i < v.nperfect; i++)
        fprintf(f, "%s%s", i ? "|" : "\tOS: ", os->m[i].name);
    if (os->seq_class)
        fprintf(f, "\tSeq Index: %u", os->seq_index);
    if (os->ipid_class)
        fprintf(f, "\tIP ID Seq: %s", os->ipid_class);
}

static void host(void *stp, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct grep_state *st = stp;
    const struct conf *c = ri->conf;
    char ip[ADDR_STRLEN];
    const char *name = host_name(h);
    addr_str(&h->addr, ip, sizeof ip);
    struct host_progress hp;
    host_progress(ri, h, &hp);
    if (h->status != HOST_UP) {
        /* Unknown: nmap's word for a host it did not probe (-sL) */
        if (c->verbose)
            fprintf(f, "Host: %s (%s)\tStatus: %s\n", ip, name ? name : "",
                    hp.undiscovered ? "Unknown" : "Down");
        return;
    }
    struct host_view v;
    host_view_make(ri, h, &v);
    if (c->open_only && !c->ping_only && v.shown == 0)
        return;
    fprintf(f, "Host: %s (%s)\tStatus: Up\n", ip, name ? name : "");
    if (h->timed_out) /* nmap's second line for a host it gave up on */
        fprintf(f, "Host: %s (%s)\tStatus: Timeout\n", ip, name ? name : "");
    if (c->ping_only || h->timed_out)
        return;
    fprintf(f, "Host: %s (%s)\tPorts: ", ip, name ? name : "");
    struct shown_port sp = {0};
    for (bool first = true; next_shown_port(ri, h, &v, &sp); first = false) {
        const struct service_info *si = shown_service(h, sp.p, sp.i);
        char svc[64], ver[200];
        service_column(ri, si, sp.p, sp.port, "|", svc, sizeof svc);
        version_column(si, ver, sizeof ver);
        /* '/' and ',' separate fields and ports: nmap writes them as '|'. */
        for (char *q = ver; *q; q++)
            if (*q == '/' || *q == ',')
                *q = '|';
        if (!si && !port_service(ri, sp.p, sp.port))
            svc[0] = 0;
        fprintf(f, "%s%u/%s/%s//%s//%s/", first ? "" : ", ", sp.port,
                state_name((enum port_state)sp.r->state), proto_name(sp.p), svc, ver);
    }
    /* The format has room for one ignored state only. */
    if (v.nign == 1)
        fprintf(f, "\tIgnored State: %s (%u)", state_name(v.order[0]), v.counts[v.order[0]]);
    if (h->os)
        os_fields(f, ri, h->os);
    if (hp.interrupted) {
        char done[96];
        progress_phrase(ri, &hp, done, sizeof done);
        fprintf(f, "\tInterrupted: %s", done);
        st->partial++;
    }
    fprintf(f, "\n");
}

static void end(void *stp, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    struct grep_state *st = stp;
    char when[64], sum[160];
    fmt_time(re->end, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    summary_line(ri, re, sum, sizeof sum);
    if (re->interrupted && st->partial)
        fprintf(f, "# scan interrupted: the hosts above were completed except %llu marked "
                   "\"Interrupted:\"; the rest were not scanned\n", (unsigned long long)st->partial);
    else if (re->interrupted)
        fprintf(f, "# scan interrupted: only the hosts above were completed\n");
    fprintf(f, "# scout done at %s -- %s\n", when, sum);
}

const struct output_ops output_grepable = {
    .name = "grepable",
    .state_size = sizeof(struct grep_state),
    .begin = begin,
    .host = host,
    .end = end,
};
