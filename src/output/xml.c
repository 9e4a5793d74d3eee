/* xml: nmap's XML format (-oX), valid against nmap.dtd, so that tools that
 * import nmap XML read scout's.  One <host> per host with its ports grouped
 * inside (never one element per port), <extraports> for folded states, and a
 * closing <runstats> written on every exit path, interrupted ones included:
 * a host the stop caught half-way carries a "scout-progress" host script
 * saying how far its scan went, one caught before its discovery is
 * state="unknown". */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "service/servicefp.h"

struct xml_state {
    uint64_t unknown; /* hosts whose discovery the stop cut short (not down) */
};

/* Escapes for attribute values and comments; "--" may not appear in a
 * comment, so every '-' that follows a '-' is written as &#45; as nmap does. */
static void esc(FILE *f, const char *s)
{
    char prev = 0;
    for (; s && *s; prev = *s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '-':
            fputs(prev == '-' ? "&#45;" : "-", f);
            break;
        default:
            if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                fprintf(f, "\\x%02X", ch);
            else
                fputc(ch, f);
        }
    }
}

/* Whole seconds, truncated as fmt_time's strings are: an epoch attribute and
 * its string always name the same second. */
static long long epoch(double t)
{
    return (long long)t;
}

static void begin(void *st, FILE *f, const struct run_info *ri)
{
    (void)st;
    const struct conf *c = ri->conf;
    char when[64];
    fmt_time(ri->start, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    /* nmap's stylesheet line: browsers and xsltproc render the report with
     * nmap.xsl (nmap-common installs it) */
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
               "<?xml-stylesheet href=\"file:///usr/share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n");
    fprintf(f, "<!-- scout %s scan initiated %s as: ", SCOUT_VERSION, when);
    esc(f, c->args);
    /* nmap.dtd allows only scanner="nmap"; importers validate it, so scout
     * says who it is in the comment above and in version="scout-...". */
    fprintf(f, " -->\n<nmaprun scanner=\"nmap\" args=\"");
    esc(f, c->args);
    fprintf(f, "\" start=\"%lld\" startstr=\"%s\" version=\"scout-%s\" xmloutputversion=\"1.05\">\n",
            epoch(ri->start), when, SCOUT_VERSION);
    if (!c->ping_only)
        for (int p = 0; p < PROTO_COUNT; p++) {
            if (!c->ports.n[p])
                continue;
            fprintf(f, "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%u\" services=\"",
                    p == PROTO_UDP ? "udp" : c->scan->nmap_type, proto_name((enum proto)p), c->ports.n[p]);
            write_port_ranges(f, ri, NULL, (enum proto)p, -1, -1);
            fprintf(f, "\"/>\n");
        }
    fprintf(f, "<verbose level=\"%d\"/>\n<debugging level=\"0\"/>\n", c->verbose);
}

static void hostnames(FILE *f, const struct host_result *h)
{
    fprintf(f, "<hostnames>\n");
    if (h->user_name) {
        fprintf(f, "<hostname name=\"");
        esc(f, h->user_name);
        fprintf(f, "\" type=\"user\"/>\n");
    }
    if (h->rdns) {
        fprintf(f, "<hostname name=\"");
        esc(f, h->rdns);
        fprintf(f, "\" type=\"PTR\"/>\n");
    }
    fprintf(f, "</hostnames>\n");
}

static void extraports(FILE *f, const struct run_info *ri, const struct host_result *h,
                       const struct host_view *v)
{
    for (int i = 0; i < v->nign; i++) {
        enum port_state s = v->order[i];
        uint32_t rc[PROTO_COUNT][R_COUNT];
        reason_counts(ri, h, s, rc);
        fprintf(f, "<extraports state=\"%s\" count=\"%u\">\n", state_name(s), v->counts[s]);
        for (int p = 0; p < PROTO_COUNT; p++)
            for (int r = 0; r < R_COUNT; r++) {
                if (!rc[p][r])
                    continue;
                fprintf(f, "<extrareasons reason=\"%s\" count=\"%u\" proto=\"%s\" ports=\"",
                        reason_name((enum reason)r), rc[p][r], proto_name((enum proto)p));
                write_port_ranges(f, ri, h, (enum proto)p, s, r);
                fprintf(f, "\"/>\n");
            }
        fprintf(f, "</extraports>\n");
    }
}

static void attr(FILE *f, const char *name, const char *val)
{
    if (!val)
        return;
    fprintf(f, " %s=\"", name);
    esc(f, val);
    fputc('"', f);
}

/* nmap's servicefp attribute: the fingerprint without its line breaks. */
static void attr_fp(FILE *f, const struct service_info *si)
{
    char *fp = si && si->fp ? servicefp_unwrap(si->fp) : NULL;
    attr(f, "servicefp", fp);
    free(fp);
}

/* A port -sV did not name: the services file's name (and what it sent). */
static void service_table(FILE *f, const char *svc, const struct service_info *si)
{
    fprintf(f, "<service");
    attr(f, "name", svc);
    attr_fp(f, si);
    fprintf(f, " method=\"table\" conf=\"3\"/>");
}

/* nmap's <service> of a probed port, with its CPEs. */
static void service_probed(FILE *f, const struct service_info *si)
{
    fprintf(f, "<service");
    attr(f, "name", si->name[0] ? si->name : "unknown");
    for (int i = 0; i < SVC_FIELDS; i++)
        attr(f, service_field_name[i], si->field[i]);
    attr_fp(f, si);
    if (si->ssl)
        fprintf(f, " tunnel=\"ssl\"");
    fprintf(f, " method=\"probed\" conf=\"%d\">", si->name[0] ? 10 : 3);
    for (int i = 0; i < si->ncpe; i++) {
        fprintf(f, "<cpe>");
        esc(f, si->cpe[i]);
        fprintf(f, "</cpe>");
    }
    fprintf(f, "</service>");
}

/* Banner and certificate, as nmap's banner and ssl-cert scripts report them. */
static void port_scripts(FILE *f, const struct run_info *ri, const struct service_info *si)
{
    if (si->banner && ri->conf->banners) {
        fprintf(f, "<script id=\"banner\"");
        attr(f, "output", si->banner);
        fprintf(f, "/>");
    }
    if (si->dialog_note) {
        fprintf(f, "<script id=\"dialog-%s\"", si->dialog);
        attr(f, "output", si->dialog_note);
        fprintf(f, "/>");
    }
    if (si->cert) {
        fprintf(f, "<script id=\"ssl-cert\"");
        attr(f, "output", si->cert);
        fprintf(f, "/>");
    }
}

static void ports(FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct host_view v;
    host_view_make(ri, h, &v);
    fprintf(f, "<ports>");
    extraports(f, ri, h, &v);
    struct shown_port sp = {0};
    while (next_shown_port(ri, h, &v, &sp)) {
        const char *svc = port_service(ri, sp.p, sp.port);
        fprintf(f,
                "<port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" reason=\"%s\" "
                "reason_ttl=\"%u\"/>",
                proto_name(sp.p), sp.port, state_name((enum port_state)sp.r->state),
                reason_name((enum reason)sp.r->reason), sp.r->ttl);
        const struct service_info *si = shown_service(h, sp.p, sp.i);
        if (si && (si->name[0] || si->ssl))
            service_probed(f, si);
        else if (svc || (si && si->fp))
            service_table(f, svc ? svc : "unknown", si);
        if (si)
            port_scripts(f, ri, si);
        fprintf(f, "</port>\n");
    }
    fprintf(f, "</ports>\n");
}

/* An attribute value with its line breaks kept: nmap writes them as &#xa;
 * (a parser turns a raw one into a space). */
static void esc_lines(FILE *f, const char *s)
{
    char line[OS_FP_MAX];
    while (*s) {
        size_t n = strcspn(s, "\n");
        snprintf(line, sizeof line, "%.*s", (int)n, s);
        esc(f, line);
        if (s[n] == '\n')
            n++, fputs("&#xa;", f);
        s += n;
    }
}

static void osclass(FILE *f, const struct os_class *c, unsigned accuracy)
{
    fprintf(f, "<osclass");
    attr(f, "type", c->type);
    attr(f, "vendor", c->vendor);
    attr(f, "osfamily", c->family);
    if (c->gen[0]) /* optional in nmap-os-db */
        attr(f, "osgen", c->gen);
    fprintf(f, " accuracy=\"%u\"", accuracy);
    if (!c->ncpe) {
        fprintf(f, "/>\n");
        return;
    }
    fprintf(f, ">");
    for (int i = 0; i < c->ncpe && i < OS_MAX_CPES; i++) {
        fprintf(f, "<cpe>");
        esc(f, c->cpe[i]);
        fprintf(f, "</cpe>");
    }
    fprintf(f, "</osclass>\n");
}

static void osmatch(FILE *f, const struct os_match *m)
{
    fprintf(f, "<osmatch");
    attr(f, "name", m->name);
    fprintf(f, " accuracy=\"%u\" line=\"%u\"", m->accuracy, m->line);
    if (!m->nclass) {
        fprintf(f, "/>\n");
        return;
    }
    fprintf(f, ">\n");
    for (int i = 0; i < m->nclass && i < OS_MAX_CLASSES; i++)
        osclass(f, &m->cls[i], m->accuracy);
    fprintf(f, "</osmatch>\n");
}

/* -O's elements, as nmap's printosscanoutput writes them: <os> with the
 * ports used, the matches it names and the fingerprint when the normal
 * output shows it; then uptime, distance and the sequence reports. */
static void os_elements(FILE *f, const struct run_info *ri, const struct os_result *os)
{
    static const char *const used[3][2] = {{"open", "tcp"}, {"closed", "tcp"}, {"closed", "udp"}};
    const uint16_t port[3] = {os->open_tcp, os->closed_tcp, os->closed_udp};
    struct os_view v;
    os_view_make(ri, os, &v);
    fprintf(f, "<os>");
    for (int i = 0; i < 3; i++)
        if (port[i])
            fprintf(f, "<portused state=\"%s\" proto=\"%s\" portid=\"%u\"/>\n", used[i][0],
                    used[i][1], port[i]);
    for (int i = 0; i < v.nlisted; i++)
        osmatch(f, &os->m[i]);
    if (v.show_fp) {
        size_t n = strlen(os->fp);
        fprintf(f, "<osfingerprint fingerprint=\"");
        esc_lines(f, os->fp);
        fprintf(f, "%s\"/>\n", os->fp[n - 1] == '\n' ? "" : "&#xa;");
    }
    fprintf(f, "</os>\n");
    if (os->lastboot) {
        char since[64];
        fmt_time(os->lastboot, "%a %b %e %H:%M:%S %Y", since, sizeof since);
        fprintf(f, "<uptime seconds=\"%llu\" lastboot=\"%s\"/>\n", (unsigned long long)os->uptime_s,
                since);
    }
    if (os->distance != -1)
        fprintf(f, "<distance value=\"%d\"/>\n", os->distance);
    if (os->seq_class) {
        fprintf(f, "<tcpsequence index=\"%u\"", os->seq_index);
        attr(f, "difficulty", os->seq_class);
        attr(f, "values", os->seq_values);
        fprintf(f, "/>\n");
    }
    if (os->ipid_class) {
        fprintf(f, "<ipidsequence");
        attr(f, "class", os->ipid_class);
        attr(f, "values", os->ipid_values); /* required by nmap.dtd, even empty */
        fprintf(f, "/>\n");
    }
    if (os->ts_class) {
        fprintf(f, "<tcptssequence");
        attr(f, "class", os->ts_class);
        /* nmap leaves the values out when the host sent no timestamps */
        if (os->ts_values[0] && strcmp(os->ts_class, "none returned (unsupported)"))
            attr(f, "values", os->ts_values);
        fprintf(f, "/>\n");
    }
}

/* How far an interrupted host's scan went, in the one place nmap.dtd leaves
 * for a scanner's own findings about a host: a host script, here with
 * structured fields (done, asked, the undecided ports per protocol) that a
 * later --resume can read.  The undecided ports are no port state. */
static void progress_script(FILE *f, const struct run_info *ri, const struct host_result *h,
                            const struct host_progress *hp)
{
    const struct conf *c = ri->conf;
    char done[96];
    progress_phrase(ri, hp, done, sizeof done);
    fprintf(f, "<hostscript><script id=\"scout-progress\" output=\"");
    if (hp->undiscovered)
        fprintf(f, "interrupted before host discovery: nothing scanned");
    else
        fprintf(f, "interrupted: %s (the rest unknown)", done);
    fprintf(f, "\"><elem key=\"state\">interrupted</elem><elem key=\"discovered\">%s</elem>"
               "<elem key=\"done\">%u</elem>",
            hp->undiscovered ? "false" : "true", hp->done);
    if (hp->asked)
        fprintf(f, "<elem key=\"asked\">%u</elem>", hp->asked);
    if (c->shard_n > 1)
        fprintf(f, "<elem key=\"shard\">%u/%u</elem>", c->shard_k, c->shard_n);
    if (!hp->undiscovered && hp->done < c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP]) {
        fprintf(f, "<table key=\"unknown\">");
        for (int p = 0; p < PROTO_COUNT; p++) {
            if (!c->ports.n[p])
                continue;
            fprintf(f, "<elem key=\"%s\">", proto_name((enum proto)p));
            write_port_ranges(f, ri, h, (enum proto)p, PS_UNKNOWN, -1);
            fprintf(f, "</elem>");
        }
        fprintf(f, "</table>");
    }
    fprintf(f, "</script></hostscript>\n");
}

static void host(void *stp, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct xml_state *st = stp;
    const struct conf *c = ri->conf;
    char ip[ADDR_STRLEN];
    addr_str(&h->addr, ip, sizeof ip);
    struct host_progress hp;
    host_progress(ri, h, &hp);
    st->unknown += hp.undiscovered;
    if (h->status != HOST_UP && !c->verbose)
        return;
    if (c->open_only && !c->ping_only && h->status == HOST_UP) {
        struct host_view v;
        host_view_make(ri, h, &v);
        if (v.shown == 0)
            return;
    }
    fprintf(f, "<host starttime=\"%lld\" endtime=\"%lld\"%s>", epoch(h->start), epoch(h->end),
            h->timed_out ? " timedout=\"true\"" : "");
    fprintf(f, "<status state=\"%s\" reason=\"%s\" reason_ttl=\"%u\"/>\n",
            h->status == HOST_UP ? "up" : hp.undiscovered ? "unknown" : "down",
            h->status == HOST_UP ? reason_name((enum reason)h->up_reason)
            : hp.undiscovered    ? "interrupted"
                                 : "no-response",
            h->up_ttl);
    fprintf(f, "<address addr=\"%s\" addrtype=\"%s\"/>\n", ip,
            h->addr.family == AF_INET ? "ipv4" : "ipv6");
    if (h->has_mac) {
        char m[18];
        mac_format(h->mac, m);
        fprintf(f, "<address addr=\"%s\" addrtype=\"mac\"", m);
        if (h->vendor) {
            fprintf(f, " vendor=\"");
            esc(f, h->vendor);
            fprintf(f, "\"");
        }
        fprintf(f, "/>\n");
    }
    hostnames(f, h);
    if (h->status == HOST_UP && !c->ping_only && !h->timed_out) {
        ports(f, ri, h);
        if (h->os)
            os_elements(f, ri, h->os);
    }
    if (confirm_proxied(h)) /* nmap.dtd has no element for it */
        fprintf(f, "<!-- syn proxy: %u of %u connections to open ports reset at once; open ports not confirmed -->\n",
                h->confirm.reset, h->confirm.sampled);
    if (hp.interrupted)
        progress_script(f, ri, h, &hp);
    if (h->status == HOST_UP)
        fprintf(f, "<times srtt=\"%u\" rttvar=\"%u\" to=\"%u\"/>\n", h->srtt_us, h->rttvar_us,
                h->to_us);
    fprintf(f, "</host>\n");
}

static void end(void *stp, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    const struct xml_state *st = stp;
    char when[64], sum[160];
    fmt_time(re->end, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    summary_line(ri, re, sum, sizeof sum);
    fprintf(f, "<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"scout done at %s; ",
            epoch(re->end), when, when);
    esc(f, sum);
    fprintf(f, "\" elapsed=\"%.2f\" exit=\"%s\"", re->end - ri->start,
            re->interrupted || re->error ? "error" : "success");
    if (re->interrupted || re->error) {
        fprintf(f, " errormsg=\"");
        esc(f, re->error ? re->error : "interrupted");
        fprintf(f, "\"");
    }
    /* A host the stop caught before its discovery is neither up nor down. */
    uint64_t up = re->stats->hosts_up, total = re->stats->hosts_done;
    uint64_t down = total - up >= st->unknown ? total - up - st->unknown : 0;
    fprintf(f, "/><hosts up=\"%llu\" down=\"%llu\" total=\"%llu\"/>\n</runstats>\n</nmaprun>\n",
            (unsigned long long)up, (unsigned long long)down, (unsigned long long)total);
}

const struct output_ops output_xml = {
    .name = "xml",
    .state_size = sizeof(struct xml_state),
    .begin = begin,
    .host = host,
    .end = end,
};
