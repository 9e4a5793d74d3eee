/* osscan: the OS-detection stage (-O).  Every chosen host of a group is
 * probed at once: the six SEQ probes go to all of them 100 ms apart, then
 * the other probes (osprobe.h) in up to three tries each, every reply read
 * off the run's one capture.  A round's fingerprint is matched against
 * nmap-os-db (osdb.h); the best round is kept.  nmap repeats its whole probe
 * set up to five times while no fingerprint matches perfectly (on a modern
 * kernel that is always); scout repeats a round only when its SEQ replies
 * were incomplete, the one loss that retries inside a round do not repair,
 * because a host's answers to the same probes are the same.
 *
 * Probes go out through the raw IP way of the run's sender (the kernel
 * routes them and finds the next hop): sixteen packets a host need no TX
 * ring.  The result is an owned os_result per host (results.h). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "os/osdb.h"
#include "os/osfmt.h"
#include "os/osprobe.h"
#include "perm.h"
#include "stage.h"

#define SEQ_GAP_NS (100 * NS_PER_MS) /* nmap's OS_SEQ_PROBE_DELAY */
#define TUI_TRIES 3

struct oshost {
    struct host_result *h;
    struct os_round r;
    bool done;                 /* matched perfectly, or nothing more to learn */
    bool answered[OSP_COUNT];
    uint64_t timeout_ns;
    struct osfp best;          /* the best round's fingerprint */
    struct os_seqreport best_rep;
    struct os_round best_round;
    int best_acc;              /* percent, -1 before any round */
};

struct osrun {
    const struct scan_env *env;
    const struct osdb *db;
    struct oshost *hosts;
    uint32_t n;
    struct sender *snd;
    int way;
    uint64_t rng;
};

static bool os_wanted(const struct conf *c)
{
    return c->os && !c->ping_only;
}

static int os_open(const struct scan_env *env, void **st, err_t *e)
{
    if (!env->handles->have_raw)
        return err_set(e, "-O sends raw probes: it needs root or CAP_NET_RAW");
    struct osdb *db = xcalloc(1, sizeof *db, e);
    if (!db)
        return -1;
    *st = db;
    return osdb_load(db, env->conf->osdb, env->warn, NULL, e);
}

static void os_close(void *st)
{
    if (st)
        osdb_free(st);
    free(st);
}

static uint64_t next_rand(struct osrun *x)
{
    x->rng = mix64(x->rng + 0x9e3779b97f4a7c15ull);
    return x->rng;
}

/* ---- which ports, as nmap picks them: the lowest open TCP port (not a
 * tcpwrapped one if there is another), the lowest closed (else unfiltered)
 * TCP port, the lowest closed UDP port; else a random high one ---- */

static uint16_t lowest(const struct conf *c, const struct host_result *h, enum proto p, uint8_t state,
                       bool skip_wrapped)
{
    uint32_t best = 0;
    for (uint32_t i = 0; h->ports[p] && i < c->ports.n[p]; i++) {
        uint16_t port = c->ports.v[p][i];
        if (h->ports[p][i].state != state || port == 0 || (best && port >= best))
            continue;
        const struct service_info *s = skip_wrapped ? host_service(h, p, i) : NULL;
        if (s && strcmp(s->name, "tcpwrapped") == 0)
            continue;
        best = port;
    }
    return (uint16_t)best;
}

static void pick_ports(struct osrun *x, struct oshost *o)
{
    const struct conf *c = x->env->conf;
    const struct host_result *h = o->h;
    struct os_round *r = &o->r;
    r->open = lowest(c, h, PROTO_TCP, PS_OPEN, true);
    if (!r->open)
        r->open = lowest(c, h, PROTO_TCP, PS_OPEN, false);
    r->closed = lowest(c, h, PROTO_TCP, PS_CLOSED, false);
    if (!r->closed)
        r->closed = lowest(c, h, PROTO_TCP, PS_UNFILTERED, false);
    r->closed_known = r->closed != 0;
    if (!r->closed)
        r->closed = (uint16_t)(30000 + next_rand(x) % 14781);
    r->closed_udp = lowest(c, h, PROTO_UDP, PS_CLOSED, false);
    if (!r->closed_udp)
        r->closed_udp = (uint16_t)(30000 + next_rand(x) % 14781);
}

/* The RTT timeout the port scan measured, within the timing bounds. */
static uint64_t host_timeout(const struct conf *c, const struct host_result *h)
{
    const struct timing_conf *t = &c->timing;
    uint64_t ns = h->srtt_us ? ((uint64_t)h->srtt_us + 4ull * h->rttvar_us) * 1000 : t->initial_rtt_ns;
    ns = MAX(ns, 2ull * h->srtt_us * 1000);
    return MIN(MAX(ns, t->min_rtt_ns / 2), t->max_rtt_ns);
}

static void new_round(struct osrun *x, struct oshost *o)
{
    struct os_round *r = &o->r;
    osprobe_round_init(r);
    uint64_t a = next_rand(x), b = next_rand(x);
    r->seq = (uint32_t)a, r->ack = (uint32_t)(a >> 32);
    r->sport = (uint16_t)(33000 + b % 32000);
    r->udp_sport = (uint16_t)(33000 + (b >> 16) % 32000);
    r->icmp_id = (uint16_t)(b >> 32);
    r->udp_ttl = (uint8_t)(51 + (b >> 48) % 14); /* nmap's: 51-64 */
    memset(o->answered, 0, sizeof o->answered);
}

/* ---- sending and receiving ---- */

static void send_probe(struct osrun *x, struct oshost *o, enum os_probe p)
{
    uint8_t *slot;
    while (!(slot = sender_slot(x->snd, x->way)))
        sender_flush(x->snd);
    if (sender_room(x->snd, x->way) < OSP_MAX_LEN)
        return; /* cannot happen: the sender was opened with large frames for -O */
    size_t len = osprobe_build(&o->r, p, (uint16_t)next_rand(x), slot);
    sender_commit(x->snd, x->way, len, &o->h->addr);
    o->r.tries[p]++;
    x->env->stats->sent++;
}

static int by_addr(const void *a, const void *b)
{
    uint32_t x = ((const struct oshost *)a)->r.dst.u.v4, y = ((const struct oshost *)b)->r.dst.u.v4;
    return x < y ? -1 : x > y;
}

/* The host a reply comes from (hosts are sorted by address: a group may
 * hold thousands, and each sends a dozen replies). */
static struct oshost *find_host(struct osrun *x, const struct addr *a)
{
    struct oshost key = {.r.dst = *a};
    struct oshost *o = bsearch(&key, x->hosts, x->n, sizeof *x->hosts, by_addr);
    return o && !o->done ? o : NULL;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *hdr, const u_char *frame)
{
    struct osrun *x = (struct osrun *)user;
    struct reply rp;
    if (packet_decode_frame(x->env->handles->raw.dlt, frame, hdr->caplen, hdr->len, &rp) != 1 ||
        rp.src.family != AF_INET || rp.l3off >= hdr->caplen)
        return;
    struct oshost *o = find_host(x, &rp.src);
    if (!o)
        return;
    int p = osprobe_record(&o->r, frame + rp.l3off, hdr->caplen - rp.l3off);
    if (p >= 0)
        o->answered[p] = true;
}

/* Reads replies until deadline, or until done() says nothing more is due. */
static void listen_until(struct osrun *x, uint64_t deadline, bool (*done)(const struct osrun *))
{
    pcap_t *pc = x->env->handles->raw.pc;
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(pc), .events = POLLIN};
    for (;;) {
        while (pcap_dispatch(pc, 256, on_frame, (u_char *)x) > 0)
            ;
        uint64_t now = now_ns();
        if (now >= deadline || *x->env->stop || (done && done(x)))
            return;
        poll(&pfd, 1, (int)MIN(10, (deadline - now) / NS_PER_MS + 1));
    }
}

static int set_filter(struct osrun *x, err_t *e)
{
    struct bpf_program prog;
    pcap_t *pc = x->env->handles->raw.pc;
    if (pcap_compile(pc, &prog, "ip and (tcp or icmp)", 1, PCAP_NETMASK_UNKNOWN) < 0 ||
        pcap_setfilter(pc, &prog) < 0)
        return err_set(e, "capture filter: %s", pcap_geterr(pc));
    pcap_freecode(&prog);
    return 0;
}

/* ---- a round: SEQ, then the rest ---- */

static bool seq_done(const struct osrun *x)
{
    for (uint32_t i = 0; i < x->n; i++)
        for (int p = 0; p < OSP_NSEQ && !x->hosts[i].done; p++)
            if (x->hosts[i].r.open && !x->hosts[i].answered[p])
                return false;
    return true;
}

/* Whether probe p of o is still owed an answer this round. */
static bool owed(const struct oshost *o, enum os_probe p)
{
    const struct os_round *r = &o->r;
    if (o->done || o->answered[p] || !osprobe_applies(r, p))
        return false;
    if (p < OSP_OPS)
        return false; /* SEQ probes are not resent: their timing is the test */
    if (p < OSP_ECN)
        return !o->answered[p - OSP_OPS] && !(r->has_ops[p - OSP_OPS] && r->has_win[p - OSP_OPS]);
    if (p == OSP_T1)
        return !r->t[0].got;
    return true;
}

static bool tui_done(const struct osrun *x)
{
    for (uint32_t i = 0; i < x->n; i++)
        for (int p = OSP_OPS; p < OSP_COUNT; p++)
            if (owed(&x->hosts[i], p) && x->hosts[i].r.tries[p] < TUI_TRIES)
                return false;
    return true;
}

static uint64_t group_timeout(const struct osrun *x)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < x->n; i++)
        if (!x->hosts[i].done)
            t = MAX(t, x->hosts[i].timeout_ns);
    return t;
}

static void seq_phase(struct osrun *x)
{
    uint64_t start = now_ns();
    for (int p = 0; p < OSP_NSEQ && !*x->env->stop; p++) {
        listen_until(x, start + (uint64_t)p * SEQ_GAP_NS, NULL);
        for (uint32_t i = 0; i < x->n; i++) {
            struct oshost *o = &x->hosts[i];
            if (o->done || !o->r.open)
                continue;
            o->r.seq_sent_ns[p] = now_ns();
            send_probe(x, o, p);
        }
        sender_flush(x->snd);
    }
    listen_until(x, now_ns() + group_timeout(x), seq_done);
}

/* nmap's order: the echoes and U1 first (the IP ID tests read the echoes
 * right after the SEQ replies), then OPS, ECN, T1-T7. */
static void tui_phase(struct osrun *x)
{
    static const enum os_probe order[] = {OSP_IE1, OSP_IE2, OSP_U1, 6, 7, 8, 9, 10, 11, OSP_ECN,
                                          13, 14, 15, 16, 17, 18, 19};
    for (int t = 0; t < TUI_TRIES && !*x->env->stop && !tui_done(x); t++) {
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
            for (uint32_t i = 0; i < x->n; i++)
                if (owed(&x->hosts[i], order[k]) && x->hosts[i].r.tries[order[k]] == t)
                    send_probe(x, &x->hosts[i], order[k]);
        sender_flush(x->snd);
        listen_until(x, now_ns() + group_timeout(x), tui_done);
    }
}

/* ---- results ---- */

static bool tests_missing(const struct osfp *fp, const char *name)
{
    return !osfp_test(fp, name);
}

/* Why a match on this fingerprint would not be worth much, or NULL.  The
 * open port's tests are what tell systems apart: without them scout
 * reports no match at all rather than one made of what is left. */
static const char *weakness(const struct os_round *r, const struct osfp *fp, bool *no_match)
{
    *no_match = false;
    if (!r->open) {
        *no_match = true;
        return "no open TCP port was found, so the tests that tell systems apart (SEQ, OPS, WIN, T1-T4) "
               "are missing: no match is given";
    }
    if (tests_missing(fp, "OPS") || tests_missing(fp, "WIN")) {
        *no_match = true;
        return "the open port's SYN replies did not all come back (OPS/WIN missing): no match is given";
    }
    if (!r->closed_known)
        return "we could not find at least 1 open and 1 closed port";
    if (!osfp_attr(osfp_test(fp, "SEQ"), "SP"))
        return "fewer than 4 of the 6 SEQ probes were answered: the sequence tests (SP, GCD, ISR) are missing";
    return NULL;
}

static void hexlist(char *out, size_t len, const uint32_t *v, const bool *have, int n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < n && k < len; i++)
        if (have[i])
            k += (size_t)snprintf(out + k, len - k, "%s%X", k ? "," : "", v[i]);
}

static void seq_values(const struct os_round *r, struct os_result *res)
{
    uint32_t ids[OSP_NSEQ];
    bool have[OSP_NSEQ];
    for (int i = 0; i < OSP_NSEQ; i++) {
        have[i] = r->tcp_ipid[i] >= 0;
        ids[i] = (uint32_t)(have[i] ? r->tcp_ipid[i] : 0);
    }
    hexlist(res->seq_values, sizeof res->seq_values, r->isn, r->has_seq, OSP_NSEQ);
    hexlist(res->ipid_values, sizeof res->ipid_values, ids, have, OSP_NSEQ);
    if (r->ts_kind != 2)
        hexlist(res->ts_values, sizeof res->ts_values, r->tsval, r->has_seq, OSP_NSEQ);
}

static void fill_report(const struct oshost *o, struct os_result *res)
{
    const struct os_seqreport *rep = &o->best_rep;
    if (rep->has_index) {
        res->seq_index = rep->index;
        res->seq_class = osprobe_difficulty(rep->index);
    }
    if (rep->responses >= 3)
        res->ipid_class = osprobe_ipid_name(rep->ipid_class);
    if (rep->responses >= 2)
        res->ts_class = osprobe_ts_name(rep->ts_class);
    if (rep->has_uptime) { /* nmap reports 0 days too */
        res->uptime_s = rep->uptime_s;
        res->lastboot = wall_time() - (double)rep->uptime_s;
    }
    seq_values(&o->best_round, res);
}

static int distance_of(const struct oshost *o)
{
    if (o->h->up_reason == R_LOCALHOST)
        return 0;
    if (o->h->has_mac)
        return 1;
    return o->best_round.distance;
}

/* nmap 7.93's PV: an RFC 1918 address. */
static bool private_v4(const struct addr *a)
{
    uint32_t v = a->u.v4;
    return (v >> 24) == 10 || (v >> 20) == 0xac1 || (v >> 16) == 0xc0a8;
}

static void fill_fingerprint(const struct oshost *o, struct os_result *res)
{
    const struct os_round *r = &o->best_round;
    const struct host_result *h = o->h;
    struct osfmt_scan sc = {
        .open = r->open, .closed = res->closed_tcp, .closed_udp = r->closed_udp,
        .private_addr = private_v4(&h->addr), .distance = res->distance,
        .dist_method = h->up_reason == R_LOCALHOST ? 'L' : h->has_mac ? 'D' : r->distance >= 0 ? 'I' : 0,
        .good = res->unreliable == NULL && res->distance >= 0 && res->distance < 5,
        .has_mac = h->has_mac, .when = time(NULL),
    };
    memcpy(sc.mac, h->mac, 6);
    osfmt_submission(&sc, &o->best, res->fp, sizeof res->fp);
}

/* nmap's classification: the distinct classes of every ranked match, best
 * first; once a perfect match's are in, imperfect ones add nothing. */
static void classify(const struct osdb *db, const struct osfp *fp, struct os_result *res)
{
    struct osdb_rank rank;
    osdb_rank(db, fp, OSDB_GUESS_THRESHOLD, &rank);
    struct os_match m;
    for (uint32_t i = 0; i < rank.n && !(res->nclassified_perfect && i >= rank.nperfect); i++) {
        osdb_fill(db, rank.hit[i].entry, rank.hit[i].accuracy, &m);
        os_classified_add(res, &m, i < rank.nperfect);
    }
}

static void finish_host(struct osrun *x, struct oshost *o)
{
    if (o->best_acc < 0)
        return;
    struct os_result *res = calloc(1, sizeof *res);
    if (!res)
        return; /* the host is reported without its OS */
    const struct os_round *r = &o->best_round;
    res->open_tcp = r->open;
    res->closed_tcp = r->closed_known ? r->closed : 0;
    res->closed_udp = r->u1.got ? r->closed_udp : 0;
    bool no_match;
    res->unreliable = weakness(r, &o->best, &no_match);
    if (!no_match) {
        res->nmatch = (uint8_t)osdb_match(x->db, &o->best, OSDB_GUESS_THRESHOLD, res->m, OS_MAX_MATCHES);
        classify(x->db, &o->best, res);
    }
    res->perfect = res->nmatch && res->m[0].accuracy == 100;
    res->distance = distance_of(o);
    fill_report(o, res);
    fill_fingerprint(o, res);
    o->h->os = res;
}

/* Matches a round and keeps it if it is the host's best so far. */
static void end_round(struct osrun *x, struct oshost *o)
{
    struct osfp fp;
    struct os_seqreport rep;
    osprobe_fingerprint(&o->r, &fp, &rep);
    struct os_match m;
    int acc = osdb_match(x->db, &fp, 0.0, &m, 1) ? m.accuracy : 0;
    if (acc > o->best_acc) {
        o->best_acc = acc;
        o->best = fp;
        o->best_rep = rep;
        o->best_round = o->r;
    }
    /* A round is repeated only for SEQ replies that did not come back. */
    if (acc == 100 || !o->r.open || rep.responses == OSP_NSEQ)
        o->done = true;
}

static bool chosen(const struct conf *c, const struct host_result *h)
{
    if (h->status != HOST_UP || h->timed_out || h->addr.family != AF_INET)
        return false;
    if (!c->osscan_limit)
        return true;
    return lowest(c, h, PROTO_TCP, PS_OPEN, false) && lowest(c, h, PROTO_TCP, PS_CLOSED, false);
}

static int gather_hosts(struct osrun *x, struct group *g, err_t *e)
{
    x->hosts = xcalloc(g->n ? g->n : 1, sizeof *x->hosts, e);
    if (!x->hosts)
        return -1;
    for (uint32_t i = 0; i < g->n; i++) {
        if (!chosen(x->env->conf, &g->hosts[i]))
            continue;
        struct oshost *o = &x->hosts[x->n++];
        o->h = &g->hosts[i];
        o->best_acc = -1;
        o->timeout_ns = host_timeout(x->env->conf, o->h);
        o->r.dst = o->h->addr;
        o->r.localhost = o->h->up_reason == R_LOCALHOST;
        pick_ports(x, o);
        struct path pa;
        err_t ignore;
        if (netinfo_path(&x->env->handles->raw.ni, &o->h->addr, NULL, x->env->conf->iface, &pa, &ignore) < 0)
            x->n--; /* no way to it: no OS result */
        else
            o->r.src = x->env->conf->source.family == AF_INET ? x->env->conf->source : pa.src;
    }
    qsort(x->hosts, x->n, sizeof *x->hosts, by_addr);
    return 0;
}

static int os_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    struct osrun x = {.env = env, .db = st, .snd = &env->handles->raw.snd[0], .rng = seed ^ 0x6f73};
    x.way = sender_way_ip(x.snd, AF_INET);
    int rc = gather_hosts(&x, g, e);
    if (rc == 0 && x.n && x.way < 0)
        rc = err_set(e, "-O: no raw IPv4 socket to send its probes");
    if (rc == 0 && x.n)
        rc = set_filter(&x, e);
    for (int t = 0; rc == 0 && x.n && t < env->conf->max_os_tries && !*env->stop; t++) {
        uint32_t left = 0;
        for (uint32_t i = 0; i < x.n; i++)
            if (!x.hosts[i].done && ++left)
                new_round(&x, &x.hosts[i]);
        if (!left)
            break;
        seq_phase(&x);
        tui_phase(&x);
        for (uint32_t i = 0; i < x.n; i++)
            if (!x.hosts[i].done)
                end_round(&x, &x.hosts[i]);
    }
    for (uint32_t i = 0; rc == 0 && i < x.n; i++)
        finish_host(&x, &x.hosts[i]);
    free(x.hosts);
    return rc;
}

const struct stage_ops stage_os = {
    .name = "os", .wanted = os_wanted, .open = os_open, .run = os_run, .close = os_close,
};
