#include "detect/watch.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/block.h"
#include "detect/detect.h"
#include "detect/ecs.h"
#include "detect/syslog.h"
#include "detect/tripwire.h"
#include "privs.h"

/* More scans than this are summarised, not listed. */
#define REPORT_MAX 64

struct feed {
    struct detector *d;
    int dlt;
    uint64_t last_ns;
    struct blocker *block; /* --block, or NULL */
    struct syslog_out *sys; /* --syslog, or NULL */
    bool ecs;               /* --ecs: JSON lines in the Elastic Common Schema */
};

void detect_frame(struct detector *d, int dlt, const struct pcap_pkthdr *h, const uint8_t *frame,
                  uint64_t *last_ns)
{
    uint64_t ns = (uint64_t)h->ts.tv_sec * NS_PER_SEC + (uint64_t)h->ts.tv_usec * 1000;
    *last_ns = MAX(*last_ns, ns); /* capture clocks may step back: never the detector's */
    struct reply r;
    int rc = packet_decode_frame(dlt, frame, h->caplen, h->len, &r);
    if (rc < 0)
        detector_malformed(d);
    else if (rc > 0)
        detector_packet(d, &r, *last_ns);
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *frame)
{
    struct feed *f = (struct feed *)user;
    detect_frame(f->d, f->dlt, h, frame, &f->last_ns);
}

static pcap_t *open_input(const struct conf *c, err_t *e)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p;
    if (c->detect_file) {
        p = pcap_open_offline(c->detect_file, errbuf);
        if (!p) {
            /* libpcap's message may start with the path itself: said once */
            size_t n = strlen(c->detect_file);
            const char *why = !strncmp(errbuf, c->detect_file, n) && !strncmp(errbuf + n, ": ", 2)
                                  ? errbuf + n + 2 : errbuf;
            err_set(e, "cannot read capture %s: %s", c->detect_file, why);
        }
        return p;
    }
    const char *ifname = c->iface ? c->iface : "any";
    p = pcap_create(ifname, errbuf);
    if (!p) {
        err_set(e, "capture on %s: %s", ifname, errbuf);
        return NULL;
    }
    pcap_set_snaplen(p, 256);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, 32 << 20);
    if (pcap_activate(p) < 0) {
        err_set(e, "capture on %s: %s", ifname, pcap_geterr(p));
        pcap_close(p);
        return NULL;
    }
    pcap_setnonblock(p, 1, errbuf);
    char who[64];
    if (!c->keep_privileges && privs_drop(who, sizeof who, e) < 0) {
        pcap_close(p);
        return NULL;
    }
    return p;
}

static void print_json(FILE *f, const struct det_scan *s, const char *event);
static void print_line(FILE *f, const struct det_scan *s);

/* --syslog: what a writer prints, as a message's text. */
#define SYSLOG_TEXT 1024
static FILE *text_buffer(char *buf)
{
    buf[0] = 0;
    return fmemopen(buf, SYSLOG_TEXT, "w");
}

static void syslog_scan(const struct feed *f, const struct det_scan *s)
{
    char text[SYSLOG_TEXT], src[ADDR_STRLEN], hosts[12], ports[12], probes[24];
    FILE *t = f->sys ? text_buffer(text) : NULL;
    if (!t)
        return;
    print_line(t, s);
    fclose(t);
    addr_str(&s->src, src, sizeof src);
    snprintf(hosts, sizeof hosts, "%u", s->hosts);
    snprintf(ports, sizeof ports, "%u", s->ports);
    snprintf(probes, sizeof probes, "%llu", (unsigned long long)s->probes);
    const char *kv[] = {"src", src, "type", scan_kind_name(s->kind), "shape", s->shape,
                        "tool", scan_tool_name(s->tool), "hosts", hosts, "ports", ports, "probes", probes};
    syslog_send(f->sys, "scan", kv, 7, text);
}

static void syslog_trip(const struct feed *f, const struct det_trip *h)
{
    char text[SYSLOG_TEXT], src[ADDR_STRLEN], dst[ADDR_STRLEN], port[8];
    FILE *t = f->sys ? text_buffer(text) : NULL;
    if (!t)
        return;
    tripwire_line(t, h);
    fclose(t);
    addr_str(&h->src, src, sizeof src);
    addr_str(&h->dst, dst, sizeof dst);
    snprintf(port, sizeof port, "%u", h->dport);
    const char *kv[] = {"src", src, "dst", dst, "port", port};
    syslog_send(f->sys, "tripwire", kv, 3, text);
}

static void syslog_block(const struct feed *f, const char *did, const struct addr *a, const char *why)
{
    char src[ADDR_STRLEN], text[160];
    if (!f->sys || !did)
        return;
    addr_str(a, src, sizeof src);
    snprintf(text, sizeof text, "%s: %s (%s)", did, src, why);
    const char *kv[] = {"action", did, "src", src, "reason", why};
    syslog_send(f->sys, "block", kv, 3, text);
}

/* --block's answer to src, said in every form asked for. */
static void respond(const struct feed *f, const struct addr *src, const char *why, FILE *text, FILE *json)
{
    const char *did = blocker_block(f->block, src, why, text, f->ecs ? NULL : json);
    if (did && f->ecs && json)
        ecs_block(json, did, src, blocker_for_s(f->block), why);
    syslog_block(f, did, src, why);
}

/* Tripwire hits from the first-th kept one on, as lines (unless the JSON
 * owns stdout) and JSON objects, each source blocked with --block; returns
 * how many are kept now. */
static uint32_t show_trips(const struct feed *f, uint32_t first, FILE *json)
{
    struct det_trip hits[DET_TRIPS_MAX]; /* 56 KiB */
    uint32_t n = detector_trips(f->d, hits, DET_TRIPS_MAX);
    FILE *text = json == stdout ? NULL : stdout;
    for (uint32_t i = first; i < n; i++) {
        if (text)
            tripwire_line(text, &hits[i]);
        if (json && f->ecs)
            ecs_trip(json, &hits[i]);
        else if (json)
            tripwire_json(json, &hits[i]);
        syslog_trip(f, &hits[i]);
        char why[48];
        snprintf(why, sizeof why, "tripwire %u/%s", hits[i].dport,
                 hits[i].proto == 6 ? "tcp" : hits[i].proto == 17 ? "udp" : "host");
        respond(f, &hits[i].src, why, text, json);
    }
    return n;
}

/* --block's answer to a declared scan. */
static void block_scan(const struct feed *f, const struct det_scan *s, FILE *json)
{
    char why[64];
    snprintf(why, sizeof why, "%s scan, %s", scan_kind_name(s->kind), scan_tool_name(s->tool));
    respond(f, &s->src, why, json == stdout ? NULL : stdout, json);
}

/* Live: a tripwire hit is reported at once; a scan is announced when it is
 * declared (event "scan-start"), and reported in full when the watch ends:
 * two lines per scan at most. */
static void announce(struct feed *f, FILE *json, uint32_t *shown, uint32_t *trips)
{
    if (MIN(detector_tripped(f->d), DET_TRIPS_MAX) > *trips)
        *trips = show_trips(f, *trips, json);
    uint32_t n = detector_declared(f->d);
    if (n <= *shown || *shown >= REPORT_MAX) {
        fflush(stdout);
        if (json)
            fflush(json);
        return;
    }
    struct det_scan scans[REPORT_MAX];
    uint32_t k = detector_scans(f->d, scans, REPORT_MAX);
    for (uint32_t i = *shown; i < k; i++) {
        if (json != stdout) {
            printf("started: ");
            print_line(stdout, &scans[i]);
        }
        if (json)
            (f->ecs ? ecs_scan : print_json)(json, &scans[i], "scan-start");
        syslog_scan(f, &scans[i]); /* one message a scan: live, when declared */
        block_scan(f, &scans[i], json);
    }
    fflush(stdout);
    if (json)
        fflush(json);
    *shown = k;
}

static void read_all(pcap_t *p, struct feed *f, const struct conf *c,
                     const volatile sig_atomic_t *stop, FILE *json)
{
    if (c->detect_file) {
        while (!*stop && pcap_dispatch(p, 4096, on_frame, (u_char *)f) > 0)
            ;
        return;
    }
    uint64_t end = c->detect_for_ns ? now_ns() + c->detect_for_ns : UINT64_MAX;
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(p), .events = POLLIN};
    uint32_t shown = 0, trips = 0;
    while (!*stop && now_ns() < end) {
        poll(&pfd, 1, 100);
        /* small batches: a declaration is answered (--block) within 64
         * packets, not after the whole burst a fast scan makes */
        while (pcap_dispatch(p, 64, on_frame, (u_char *)f) > 0)
            announce(f, json, &shown, &trips);
        /* Capture timestamps are wall-clock time: silence falls due by it
         * even while no packet comes. */
        detector_tick(f->d, (uint64_t)(wall_time() * 1e9));
        announce(f, json, &shown, &trips);
    }
}

/* A scan's address and times as text, shared by both report formats. */
struct scan_text {
    char src[ADDR_STRLEN], first[40], last[40];
};

static void scan_text(const struct det_scan *s, struct scan_text *t)
{
    addr_str(&s->src, t->src, sizeof t->src);
    iso_time_ns(s->first_ns, t->first, sizeof t->first);
    iso_time_ns(s->last_ns, t->last, sizeof t->last);
}

static void print_line(FILE *f, const struct det_scan *s)
{
    struct scan_text t;
    scan_text(s, &t);
    fprintf(f, "scan from %s: %s %s, tool %s (%s); %u host%s, %u port%s, %llu probes, %u open; "
               "%s .. %s; detected after %llu probes%s\n",
            t.src, s->shape, scan_kind_name(s->kind), scan_tool_name(s->tool), s->evidence,
            s->hosts, s->hosts == 1 ? "" : "s", s->ports, s->ports == 1 ? "" : "s",
            (unsigned long long)s->probes, s->nopen, t.first, t.last,
            (unsigned long long)s->probes_to_detect,
            s->one_way ? " (one direction only: by a weighted count)" : "");
}

static void print_json(FILE *f, const struct det_scan *s, const char *event)
{
    struct scan_text t;
    scan_text(s, &t);
    fprintf(f, "{\"event\":\"%s\",\"src\":\"%s\",\"type\":\"%s\",\"shape\":\"%s\",\"tool\":\"%s\","
               "\"evidence\":\"%s\",\"hosts\":%u,\"ports\":%u,\"probes\":%llu,\"open\":[",
            event, t.src, scan_kind_name(s->kind), s->shape, scan_tool_name(s->tool), s->evidence, s->hosts,
            s->ports, (unsigned long long)s->probes);
    for (uint32_t i = 0; i < s->nopen; i++)
        fprintf(f, "%s%u", i ? "," : "", s->open[i]);
    fprintf(f, "],\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"probes_to_detect\":%llu,\"one_way\":%s}\n",
            t.first, t.last, (unsigned long long)s->probes_to_detect, s->one_way ? "true" : "false");
}

static void report(const struct feed *f, FILE *json, bool live)
{
    const struct detector *d = f->d;
    if (!live) /* live, each hit was reported as it came */
        show_trips(f, 0, json);
    struct det_scan scans[REPORT_MAX];
    uint32_t n = detector_scans(d, scans, REPORT_MAX);
    const struct det_stats *st = detector_stats(d);
    /* With -oJ - the JSON owns stdout; the readable lines step aside. */
    FILE *text = json == stdout ? NULL : stdout;
    for (uint32_t i = 0; i < n; i++) {
        if (text)
            print_line(text, &scans[i]);
        if (json)
            (f->ecs ? ecs_scan : print_json)(json, &scans[i], "scan");
        if (!live) { /* live, each was said and answered when declared */
            syslog_scan(f, &scans[i]);
            block_scan(f, &scans[i], json);
        }
    }
    unsigned long long hits = detector_tripped(d);
    if (text)
        fprintf(text, "detect: %llu packets, %llu malformed, %u scan%s%s, %llu tripwire hit%s\n",
                (unsigned long long)st->packets, (unsigned long long)st->malformed, n,
                n == 1 ? "" : "s", n == REPORT_MAX ? " (the first ones; more not listed)" : "", hits,
                hits == 1 ? "" : "s");
    if (json && f->ecs)
        fprintf(json, "{\"event\":{\"kind\":\"metric\",\"action\":\"summary\",\"dataset\":\"scout.detect\"},"
                      "\"scout\":{\"summary\":{\"packets\":%llu,\"malformed\":%llu,\"scans\":%u,"
                      "\"sources_evicted\":%llu,\"tripwire_hits\":%llu}}}\n",
                (unsigned long long)st->packets, (unsigned long long)st->malformed, n,
                (unsigned long long)st->sources_evicted, hits);
    else if (json)
        fprintf(json, "{\"event\":\"summary\",\"packets\":%llu,\"malformed\":%llu,\"scans\":%u,"
                      "\"sources_evicted\":%llu,\"tripwire_hits\":%llu}\n",
                (unsigned long long)st->packets, (unsigned long long)st->malformed, n,
                (unsigned long long)st->sources_evicted, hits);
}

static FILE *open_json(const struct conf *c, err_t *e)
{
    for (int i = 0; i < c->noutputs; i++) {
        if (c->outputs[i].kind != OUT_JSON)
            continue;
        if (!strcmp(c->outputs[i].path, "-"))
            return stdout;
        FILE *f = fopen(c->outputs[i].path, "w");
        if (!f)
            err_set(e, "cannot write %s", c->outputs[i].path);
        return f;
    }
    return NULL;
}

int detect_run(const struct conf *c, const volatile sig_atomic_t *stop, err_t *e)
{
    e->msg[0] = 0;
    FILE *json = open_json(c, e);
    if (!json && e->msg[0])
        return -1;
    struct feed f = {.d = NULL, .ecs = c->ecs};
    /* --block's helper is started while privileged, before the capture drops privileges */
    if (blocker_open(&f.block, c, e) < 0 || syslog_open(&f.sys, c->syslog, e) < 0) {
        blocker_close(f.block);
        syslog_close(f.sys);
        if (json && json != stdout)
            fclose(json);
        return -2;
    }
    pcap_t *p = open_input(c, e);
    f.d = detector_new(1u << 14, 1u << 20);
    struct tripwires *tw = calloc(1, sizeof *tw);
    /* A capture file that cannot be read is bad input (main exits 2). */
    int rc = p && f.d && tw ? 0 : !p && c->detect_file ? -2 : -1;
    if (rc == 0 && (tripwires_arm(tw, c, f.d, e) < 0 || blocker_allow(f.block, c, e) < 0))
        rc = -2; /* a bad tripwire spec or allow list: bad input too */
    if (rc == 0) {
        f.dlt = pcap_datalink(p);
        read_all(p, &f, c, stop, json);
        if (c->detect_file && pcap_geterr(p)[0] && strstr(pcap_geterr(p), "truncated"))
            fprintf(stderr, "scout: %s: %s (read up to there)\n", c->detect_file, pcap_geterr(p));
        detector_flush(f.d, f.last_ns + 3 * NS_PER_SEC);
        report(&f, json, !c->detect_file);
    } else if (!f.d || !tw) {
        rc = err_set(e, "out of memory");
    }
    if (p)
        pcap_close(p);
    detector_free(f.d);
    blocker_close(f.block);
    syslog_close(f.sys);
    if (tw)
        tripwires_free(tw);
    free(tw);
    if (json && json != stdout)
        fclose(json);
    return rc;
}
