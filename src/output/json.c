/* json: JSON lines (-oJ), one object per line with a stable schema:
 *   {"event":"start", "scanner", "version", "args", "start", "scan"}
 *   {"event":"port", "ip", "hostname", "proto", "port", "state", "reason",
 *    "reason_ttl", "service"}              one per reported port
 *   {"event":"host", "ip", "hostname", ["mac", "vendor" on the local segment], "status", "reason", "srtt_us",
 *    "ports_scanned", "ports_asked", "interrupted", "extraports": {state: count},
 *    "timed_out", "confirm": {"sampled", "reset", "proxied"} or null (confirm.c),
 *    "os": null (no -O result) or {"verdict": "details"|"guesses"|"none"|"too_many"
 *     (nmap's reading, output.h), "perfect": count, "unreliable": why or null,
 *     "ports_used": {"open_tcp", "closed_tcp", "closed_udp"} (0: none),
 *     "matches": [{"name", "accuracy", "line", "classes": [{"type", "vendor",
 *     "family", "gen", "cpe": [...]}]}], "fingerprint": "OS:..." or null,
 *     "distance": hops or null, "uptime": {"seconds", "lastboot"} or null,
 *     "tcp_sequence": {"index", "difficulty", "values"} or null,
 *     "ip_id_sequence", "tcp_ts_sequence": {"class", "values"} or null}}
 *   {"event":"end", "elapsed", "hosts_up", "hosts_total", "hosts_interrupted",
 *    "exit", "probes": {"sent", "retransmits", "replies", "timeouts", "drops"}}
 * ports_scanned counts the decided ports, ports_asked those of the list (null
 * in a shard); "interrupted": true marks a host whose scan Ctrl-C cut short
 * (status "unknown", reason "interrupted": before its discovery decided). 
 * Ports folded into "extraports" follow the same rule as the other formats
 * (-v shows more, --open only open ones). */
#include "output.h"

struct json_state {
    uint64_t partial; /* hosts written whose scan the stop cut short */
};

static void jstr(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void begin(void *st, FILE *f, const struct run_info *ri)
{
    (void)st;
    fprintf(f, "{\"event\":\"start\",\"scanner\":\"scout\",\"version\":\"%s\",\"args\":", SCOUT_VERSION);
    jstr(f, ri->conf->args);
    fprintf(f, ",\"start\":%.3f,\"scan\":\"%s\"}\n", ri->start, ri->conf->ping_only ? "ping" : ri->scan_name);
}

static void host_id(FILE *f, const struct host_result *h)
{
    char ip[ADDR_STRLEN];
    fprintf(f, "\"ip\":\"%s\",\"hostname\":", addr_str(&h->addr, ip, sizeof ip));
    jstr(f, host_name(h));
    if (h->has_mac) {
        char m[18];
        mac_format(h->mac, m);
        fprintf(f, ",\"mac\":\"%s\",\"vendor\":", m);
        jstr(f, h->vendor);
    }
}

/* -sV and --banners fields of a port. */
static void service_fields(FILE *f, const struct service_info *si)
{
    for (int i = 0; i < SVC_FIELDS; i++)
        if (si->field[i]) {
            fprintf(f, ",\"%s\":", service_field_name[i]);
            jstr(f, si->field[i]);
        }
    if (si->ssl)
        fprintf(f, ",\"tunnel\":\"ssl\"");
    if (si->name[0])
        fprintf(f, ",\"method\":\"%s\",\"soft\":%s", si->dialog ? "dialog" : "probed",
                si->soft ? "true" : "false");
    if (si->ncpe) {
        fprintf(f, ",\"cpe\":[");
        for (int i = 0; i < si->ncpe; i++) {
            fprintf(f, i ? "," : "");
            jstr(f, si->cpe[i]);
        }
        fprintf(f, "]");
    }
    if (si->banner) {
        fprintf(f, ",\"banner\":");
        jstr(f, si->banner);
    }
    if (si->dialog_note) { /* what a dialog of scout's own (service/dialog.h) found */
        fprintf(f, ",\"dialog\":");
        jstr(f, si->dialog);
        fprintf(f, ",\"dialog_note\":");
        jstr(f, si->dialog_note);
    }
    if (si->fp) {
        fprintf(f, ",\"servicefp\":");
        jstr(f, si->fp);
    }
    if (si->cert) {
        fprintf(f, ",\"cert\":");
        jstr(f, si->cert);
    }
}

static void os_class_object(FILE *f, const struct os_class *c)
{
    fprintf(f, "{\"type\":");
    jstr(f, c->type);
    fprintf(f, ",\"vendor\":");
    jstr(f, c->vendor);
    fprintf(f, ",\"family\":");
    jstr(f, c->family);
    fprintf(f, ",\"gen\":");
    jstr(f, c->gen[0] ? c->gen : NULL);
    fprintf(f, ",\"cpe\":[");
    for (int i = 0; i < c->ncpe && i < OS_MAX_CPES; i++) {
        fprintf(f, i ? "," : "");
        jstr(f, c->cpe[i]);
    }
    fprintf(f, "]}");
}

/* {"class", "values"} of a sequence report, or null. */
static void seq_object(FILE *f, const char *key, const char *cls, const char *values)
{
    fprintf(f, ",\"%s\":", key);
    if (!cls) {
        fprintf(f, "null");
        return;
    }
    fprintf(f, "{\"class\":");
    jstr(f, cls);
    fprintf(f, ",\"values\":");
    jstr(f, values[0] ? values : NULL);
    fprintf(f, "}");
}

/* -O's findings: every match the matcher kept (best first, whatever the
 * normal output names), nmap's verdict on them, and the rest of what the
 * XML carries. */
static void os_object(FILE *f, const struct run_info *ri, const struct os_result *os)
{
    static const char *const verdict[] = {[OSV_DETAILS] = "details", [OSV_GUESSES] = "guesses",
                                          [OSV_NONE] = "none", [OSV_TOO_MANY] = "too_many"};
    struct os_view v;
    os_view_make(ri, os, &v);
    fprintf(f, "{\"verdict\":\"%s\",\"perfect\":%u,\"unreliable\":", verdict[v.verdict], v.nperfect);
    jstr(f, os->unreliable);
    fprintf(f, ",\"ports_used\":{\"open_tcp\":%u,\"closed_tcp\":%u,\"closed_udp\":%u},\"matches\":[",
            os->open_tcp, os->closed_tcp, os->closed_udp);
    for (int i = 0; i < os->nmatch && i < OS_MAX_MATCHES; i++) {
        const struct os_match *m = &os->m[i];
        fprintf(f, "%s{\"name\":", i ? "," : "");
        jstr(f, m->name);
        fprintf(f, ",\"accuracy\":%u,\"line\":%u,\"classes\":[", m->accuracy, m->line);
        for (int k = 0; k < m->nclass && k < OS_MAX_CLASSES; k++) {
            fprintf(f, k ? "," : "");
            os_class_object(f, &m->cls[k]);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "],\"fingerprint\":");
    jstr(f, os->fp[0] ? os->fp : NULL);
    fprintf(f, ",\"distance\":");
    if (os->distance != -1)
        fprintf(f, "%d", os->distance);
    else
        fprintf(f, "null");
    fprintf(f, ",\"uptime\":");
    if (os->lastboot)
        fprintf(f, "{\"seconds\":%llu,\"lastboot\":%.0f}", (unsigned long long)os->uptime_s,
                os->lastboot);
    else
        fprintf(f, "null");
    fprintf(f, ",\"tcp_sequence\":");
    if (os->seq_class) {
        fprintf(f, "{\"index\":%u,\"difficulty\":", os->seq_index);
        jstr(f, os->seq_class);
        fprintf(f, ",\"values\":");
        jstr(f, os->seq_values[0] ? os->seq_values : NULL);
        fprintf(f, "}");
    } else {
        fprintf(f, "null");
    }
    seq_object(f, "ip_id_sequence", os->ipid_class, os->ipid_values);
    seq_object(f, "tcp_ts_sequence", os->ts_class, os->ts_values);
    fprintf(f, "}");
}

static void host(void *stp, FILE *f, const struct run_info *ri, const struct host_result *h)
{
    struct json_state *st = stp;
    const struct conf *c = ri->conf;
    if (h->status != HOST_UP && !c->verbose)
        return;
    struct host_progress hp;
    host_progress(ri, h, &hp);
    st->partial += hp.interrupted;
    struct host_view v;
    host_view_make(ri, h, &v);
    struct shown_port sp = {0};
    while (h->status == HOST_UP && !h->timed_out && !c->ping_only &&
           next_shown_port(ri, h, &v, &sp)) {
        fprintf(f, "{\"event\":\"port\",");
        host_id(f, h);
        fprintf(f, ",\"proto\":\"%s\",\"port\":%u,\"state\":\"%s\",\"reason\":\"%s\",\"reason_ttl\":%u,\"service\":",
                proto_name(sp.p), sp.port, state_name((enum port_state)sp.r->state),
                reason_name((enum reason)sp.r->reason), sp.r->ttl);
        const struct service_info *si = shown_service(h, sp.p, sp.i);
        char name[64];
        service_column(ri, si, sp.p, sp.port, "/", name, sizeof name);
        jstr(f, name);
        if (si)
            service_fields(f, si);
        fprintf(f, "}\n");
    }
    fprintf(f, "{\"event\":\"host\",");
    host_id(f, h);
    fprintf(f, ",\"status\":\"%s\",\"reason\":\"%s\",\"srtt_us\":%u,\"ports_scanned\":%u,\"ports_asked\":",
            h->status == HOST_UP ? "up" : hp.undiscovered ? "unknown" : "down",
            h->status == HOST_UP ? reason_name((enum reason)h->up_reason)
            : hp.undiscovered    ? "interrupted"
                                 : "no-response",
            h->srtt_us, v.total);
    if (hp.asked || c->shard_n == 1)
        fprintf(f, "%u", hp.asked);
    else
        fprintf(f, "null");
    fprintf(f, ",\"interrupted\":%s,\"extraports\":{", hp.interrupted ? "true" : "false");
    for (int i = 0; i < v.nign; i++)
        fprintf(f, "%s\"%s\":%u", i ? "," : "", state_name(v.order[i]), v.counts[v.order[i]]);
    fprintf(f, "},\"timed_out\":%s,\"confirm\":", h->timed_out ? "true" : "false");
    if (h->confirm.sampled)
        fprintf(f, "{\"sampled\":%u,\"reset\":%u,\"proxied\":%s}", h->confirm.sampled,
                h->confirm.reset, confirm_proxied(h) ? "true" : "false");
    else
        fprintf(f, "null");
    fprintf(f, ",\"os\":");
    if (h->os)
        os_object(f, ri, h->os);
    else
        fprintf(f, "null");
    fprintf(f, "}\n");
}

static void end(void *stp, FILE *f, const struct run_info *ri, const struct run_end *re)
{
    const struct json_state *st = stp;
    const struct scan_stats *s = re->stats;
    fprintf(f, "{\"event\":\"end\",\"elapsed\":%.3f,\"hosts_up\":%llu,\"hosts_total\":%llu,"
               "\"hosts_interrupted\":%llu,\"exit\":\"%s\","
               "\"probes\":{\"sent\":%llu,\"retransmits\":%llu,\"replies\":%llu,\"timeouts\":%llu,\"drops\":%llu,"
               "\"rejected\":%llu,\"malformed\":%llu,\"send_seconds\":%.3f}}\n",
            re->end - ri->start, (unsigned long long)s->hosts_up, (unsigned long long)s->hosts_done,
            (unsigned long long)st->partial, re->error ? "error" : re->interrupted ? "interrupted" : "success",
            (unsigned long long)s->sent, (unsigned long long)s->retransmits,
            (unsigned long long)s->replies, (unsigned long long)s->timeouts,
            (unsigned long long)s->drops, (unsigned long long)s->invalid,
            (unsigned long long)s->malformed, (double)s->send_ns / 1e9);
}

const struct output_ops output_json = {
    .name = "json",
    .state_size = sizeof(struct json_state),
    .begin = begin,
    .host = host,
    .end = end,
};
