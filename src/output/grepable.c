/* grepable: nmap's one-line-per-host format (-oG):
 *   Host: 10.0.0.2 (name)	Status: Up
 *   Host: 10.0.0.2 (name)	Ports: 22/open/tcp//ssh///, ...	Ignored State: closed (997)
 * Port fields are port/state/protocol/owner/service/rpc/version/. */
#include "output.h"

struct grep_state {
    int unused;
};

static void begin(void *st, FILE *f, const struct run_info *ri)
{
    (void)st;
    char when[64];
    fmt_time(ri->start, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    fprintf(f, "# scout %s scan initiated %s as: %s\n", SCOUT_VERSION, when, ri->conf->args);
}

static void host(void *st, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    (void)st;
    const struct conf *c = ri->conf;
    char ip[ADDR_STRLEN];
    const char *name = host_name(h);
    addr_str(&h->addr, ip, sizeof ip);
    if (h->status != HOST_UP) {
        if (c->verbose)
            fprintf(f, "Host: %s (%s)\tStatus: Down\n", ip, name ? name : "");
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
    fprintf(f, "\n");
}

static void end(void *st, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    (void)st;
    char when[64], sum[160];
    fmt_time(re->end, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    summary_line(ri, re, sum, sizeof sum);
    if (re->interrupted)
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
