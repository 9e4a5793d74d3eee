/* stages: the pipeline's steps over a host group, in order (stage.h):
 * discovery, the port scan, the SYN-proxy check, service detection, OS
 * detection and reverse DNS.  Each is a thin adapter from the stage contract to the module
 * that does the work. */
#include "stage.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "macvendor.h"
#include "payloads.h"
#include "rdns.h"
#include "service/dialog.h"

static bool always(const struct conf *c)
{
    (void)c;
    return true;
}

static bool scans_ports(const struct conf *c)
{
    return !c->ping_only;
}

static struct job connect_job(const struct scan_env *env, struct group *g, uint64_t seed)
{
    return (struct job){.conf = env->conf, .g = g, .ports = &env->conf->ports, .proto = PROTO_TCP,
                        .seed = seed, .stats = env->stats, .stop = env->stop,
                        .tick = env->tick, .tick_ctx = env->tick_ctx};
}

/* ---- discovery: -Pn, or nmap's pings (raw with privileges, connect
 * without) ---- */

static bool is_loopback(const struct addr *a)
{
    static const uint8_t v6lo[16] = {[15] = 1};
    if (a->family == AF_INET)
        return (a->u.v4 >> 24) == 127;
    return memcmp(a->u.v6, v6lo, 16) == 0;
}

extern const struct probe_ops probe_echo_ping, probe_syn_ping, probe_ack_ping, probe_timestamp_ping,
    probe_udp_ping, probe_mask_ping;

/* The UDP payloads of -sU and -PU (nmap-payloads, Probe UDP lines), read
 * once privileges are gone: the state of the stages that send them. */
static int payloads_open(const struct scan_env *env, void **st, err_t *e)
{
    const struct conf *c = env->conf;
    struct payloads *pl = xcalloc(1, sizeof *pl, e);
    if (!pl)
        return -1;
    *st = pl;
    return payloads_load(pl, c->payloaddb, c->versiondb, env->warn, NULL, e);
}

static void payloads_close(void *st)
{
    if (st)
        payloads_free(st);
    free(st);
}

/* The discovery modules of -PE -PP -PS -PA, or nmap's privileged default:
 * ICMP echo, SYN to 443, ACK to 80, ICMP timestamp. */
static uint32_t ping_mods(const struct ping_conf *pc, struct engine_mod *mods)
{
    static const uint16_t none[] = {0}, p443[] = {443}, p80[] = {80};
    unsigned want = pc->probes & ~(unsigned)PING_ARP;
    uint32_t n = 0;
    if (!want) {
        mods[n++] = (struct engine_mod){.ops = &probe_echo_ping, .ports = none, .nports = 1};
        mods[n++] = (struct engine_mod){.ops = &probe_syn_ping, .ports = p443, .nports = 1};
        mods[n++] = (struct engine_mod){.ops = &probe_ack_ping, .ports = p80, .nports = 1};
        mods[n++] = (struct engine_mod){.ops = &probe_timestamp_ping, .ports = none, .nports = 1};
        return n;
    }
    if (want & PING_ECHO)
        mods[n++] = (struct engine_mod){.ops = &probe_echo_ping, .ports = none, .nports = 1};
    if (want & PING_SYN)
        mods[n++] = (struct engine_mod){.ops = &probe_syn_ping, .ports = pc->syn, .nports = pc->nsyn};
    if (want & PING_ACK)
        mods[n++] = (struct engine_mod){.ops = &probe_ack_ping, .ports = pc->ack, .nports = pc->nack};
    if (want & PING_TIMESTAMP)
        mods[n++] = (struct engine_mod){.ops = &probe_timestamp_ping, .ports = none, .nports = 1};
    if (want & PING_MASK)
        mods[n++] = (struct engine_mod){.ops = &probe_mask_ping, .ports = none, .nports = 1};
    if (want & PING_UDP)
        mods[n++] = (struct engine_mod){.ops = &probe_udp_ping, .ports = pc->udp, .nports = pc->nudp};
    return n;
}

/* -PR toward targets beyond the segment: nmap's IP probes decide those,
 * and the user is told once per group. */
static void warn_routed_arp(const struct scan_env *env, const struct group *g)
{
    uint32_t routed = 0, first = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        struct path pa;
        err_t ignore;
        if (netinfo_path(&env->handles->raw.ni, &g->hosts[i].addr, NULL, env->conf->iface, &pa, &ignore) == 0 &&
            !pa.on_link && !routed++)
            first = i;
    }
    if (!routed || !env->warn)
        return;
    char a[ADDR_STRLEN], msg[200];
    snprintf(msg, sizeof msg, "-PR: %s%s is not on an attached Ethernet segment; ARP cannot reach %s, so IP probes decide",
             addr_str(&g->hosts[first].addr, a, sizeof a), routed > 1 ? " (and others)" : "",
             routed > 1 ? "them" : "it");
    env->warn(NULL, msg);
}

/* The discovery modules as one raw engine run, with ARP (IPv6: neighbour
 * discovery) deciding the hosts on the local segment, as nmap does.  Its
 * own key: a late answer to a discovery probe must not pass for an answer
 * to the port scan (an ACK's reset from an open port 80 would read
 * "closed"). */
static int discover_raw(const struct payloads *pl, const struct scan_env *env, struct group *g, uint64_t seed,
                        err_t *e)
{
    const struct conf *c = env->conf;
    struct probe_ctx ctx = env->probe;
    ctx.key[0] ^= 0x5a;
    ctx.tcp_flags = -1; /* --scanflags is the port scan's */
    if (c->ping.probes & PING_ARP)
        warn_routed_arp(env, g);
    ctx.payloads = pl; /* -PU: the ports' UDP payloads */
    struct engine_mod mods[6];
    struct engine_job j = {.conf = c, .raw = &env->handles->raw, .g = g, .mods = mods,
                           .nmods = ping_mods(&c->ping, mods), .ctx = &ctx, .seed = seed,
                           .stats = env->stats, .stop = env->stop, .tick = env->tick, .tick_ctx = env->tick_ctx,
                           .arp_ping = !c->ping.no_arp && !c->send_ip};
    return engine_run(&j, e);
}

/* Unprivileged, nmap's ping is a TCP connect to 80 and 443 (or the -PS
 * ports; a refusal is a reply too). */
static int discover_connect(const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    static uint16_t ping_ports[] = {80, 443};
    const struct ping_conf *pc = &env->conf->ping;
    struct portlist pl = {.v = {ping_ports}, .n = {2}};
    if (pc->nsyn) {
        pl.v[PROTO_TCP] = (uint16_t *)pc->syn;
        pl.n[PROTO_TCP] = pc->nsyn;
    }
    struct job dj = connect_job(env, g, seed);
    dj.ports = &pl;
    dj.discovery = true; /* the engine records no port results in this mode */
    return scan_connect.run(&dj, e);
}

static int discover_open(const struct scan_env *env, void **st, err_t *e)
{
    const struct conf *c = env->conf;
    return c->ping_skip || !(c->ping.probes & PING_UDP) ? 0 : payloads_open(env, st, e);
}

/* -Pn marks every host up; loopback needs no probe at all. */
static int discover_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    const struct conf *c = env->conf;
    for (uint32_t i = 0; i < g->n; i++) {
        struct host_result *h = &g->hosts[i];
        if (c->ping_skip || is_loopback(&h->addr)) {
            h->status = HOST_UP;
            h->up_reason = c->ping_skip ? R_USER_SET : R_LOCALHOST;
        }
    }
    int rc = 0;
    if (!c->ping_skip)
        rc = env->handles->have_raw ? discover_raw(st, env, g, seed, e) : discover_connect(env, g, seed, e);
    for (uint32_t i = 0; i < g->n; i++) {
        if (g->hosts[i].status == HOST_UP)
            env->stats->hosts_up++;
        else if (!c->ping_only)
            env->stats->pairs_done += ((uint64_t)c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP]) / c->shard_n;
    }
    return rc;
}

static const struct stage_ops stage_discover = {
    .name = "discovery", .wanted = always, .open = discover_open, .run = discover_run, .close = payloads_close,
};

/* ---- the port scan: the TCP scan (the connect engine, or the raw engine
 * with the scan type's module), then -sU's UDP module in a raw engine run
 * of its own (that run spends each host's ICMP budget) ---- */

extern const struct probe_ops probe_udp;

static int portscan_open(const struct scan_env *env, void **st, err_t *e)
{
    const struct conf *c = env->conf;
    return !c->udp || c->data_given ? 0 : payloads_open(env, st, e);
}

static int raw_portscan(const struct scan_env *env, struct group *g, uint64_t seed, const struct engine_mod *mod,
                        const struct probe_ctx *ctx, err_t *e)
{
    struct engine_job j = {.conf = env->conf, .raw = &env->handles->raw, .g = g, .mods = mod, .nmods = 1,
                           .ctx = ctx, .seed = seed, .stats = env->stats, .stop = env->stop,
                           .tick = env->tick, .tick_ctx = env->tick_ctx};
    return engine_run(&j, e);
}

static int tcp_portscan(const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    const struct conf *c = env->conf;
    if (!scan_is_raw(c->scan)) {
        struct job j = connect_job(env, g, seed);
        return c->scan->run(&j, e);
    }
    struct engine_mod mod = {.ops = c->scan->probe, .ports = c->ports.v[PROTO_TCP], .nports = c->ports.n[PROTO_TCP]};
    return raw_portscan(env, g, seed, &mod, &env->probe, e);
}

static int udp_portscan(const struct payloads *pl, const struct scan_env *env, struct group *g, uint64_t seed,
                        err_t *e)
{
    const struct conf *c = env->conf;
    struct probe_ctx ctx = env->probe;
    ctx.fixed_sport = c->source_port >= 0;
    ctx.payloads = pl;
    ctx.data = c->data;
    ctx.data_len = c->data_len;
    ctx.data_given = c->data_given;
    struct engine_mod mod = {.ops = &probe_udp, .ports = c->ports.v[PROTO_UDP], .nports = c->ports.n[PROTO_UDP]};
    return raw_portscan(env, g, mix64(seed ^ 0x756470), &mod, &ctx, e);
}

static int portscan_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    const struct conf *c = env->conf;
    int rc = c->tcp ? tcp_portscan(env, g, seed, e) : 0;
    if (rc == 0 && c->udp && !*env->stop)
        rc = udp_portscan(st, env, g, seed, e);
    return rc;
}

static const struct stage_ops stage_portscan = {
    .name = "portscan", .wanted = scans_ports, .open = portscan_open, .run = portscan_run,
    .close = payloads_close,
};

/* ---- MAC vendors of the segment's hosts (macvendor.h) ---- */

/* Raw discovery or a raw scan is what learns MACs. */
static bool may_see_macs(const struct conf *c)
{
    return scan_is_raw(c->scan) || c->udp || c->ping.probes || c->lan;
}

static int vendor_open(const struct scan_env *env, void **st, err_t *e)
{
    struct macvendor *mv = xcalloc(1, sizeof *mv, e);
    if (!mv)
        return -1;
    *st = mv;
    if (macvendor_load(mv, MV_IEEE_DIR, env->conf->macprefixes, e) < 0)
        return -1;
    malloc_trim(0); /* the load's parse buffers (~5 MB) go back before the scan's own peak */
    if (mv->skipped && env->warn) { /* a corrupt registry is said, not fatal */
        char msg[300];
        snprintf(msg, sizeof msg, "MAC vendors: %u corrupt lines skipped (first: %s)", mv->skipped, mv->skip_msg);
        env->warn(NULL, msg);
    }
    return 0;
}

static int vendor_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    (void)env, (void)seed, (void)e;
    for (uint32_t i = 0; i < g->n; i++)
        if (g->hosts[i].has_mac)
            g->hosts[i].vendor = macvendor_lookup(st, g->hosts[i].mac);
    return 0;
}

static void vendor_close(void *st)
{
    if (st)
        macvendor_free(st);
    free(st);
}

static const struct stage_ops stage_vendor = {
    .name = "vendor", .wanted = may_see_macs, .open = vendor_open, .run = vendor_run, .close = vendor_close,
};

/* ---- the SYN-proxy check (confirm.h) ---- */

static int confirm_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    (void)st, (void)seed, (void)e;
    confirm_group(env->conf, g, env->stop);
    return 0;
}

static const struct stage_ops stage_confirm = {
    .name = "confirm", .wanted = scans_ports, .run = confirm_run,
};

/* ---- service detection and banners (service/vscan.h) ---- */

static bool vscan_wanted(const struct conf *c)
{
    return (c->version || c->banners) && !c->ping_only;
}

static int vscan_stage_open(const struct scan_env *env, void **st, err_t *e)
{
    return vscan_open((struct vscan **)st, env->conf, env->warn, NULL, e);
}

static int vscan_stage_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    (void)seed;
    return vscan_run(st, g, env->stop, e);
}

static void vscan_stage_close(void *st)
{
    vscan_close(st);
}

static const struct stage_ops stage_vscan = {
    .name = "vscan", .wanted = vscan_wanted, .open = vscan_stage_open, .run = vscan_stage_run,
    .close = vscan_stage_close,
};

/* ---- reverse DNS of the hosts found up ---- */

static bool rdns_wanted(const struct conf *c)
{
    return !c->no_dns;
}

/* Every group's names are looked up at once, each lookup on its own
 * thread (rdns.h); a dead resolver costs a group 30 s at most. */
static int rdns_run(void *st, const struct scan_env *env, struct group *g, uint64_t seed, err_t *e)
{
    (void)st, (void)seed;
    return rdns_resolve(g->hosts, g->n, env->stop, now_ns() + 30 * NS_PER_SEC, e) < 0 ? -1 : 0;
}

static const struct stage_ops stage_rdns = {
    .name = "rdns", .wanted = rdns_wanted, .run = rdns_run,
};

/* ---- OS detection (os/osscan.c) ---- */
extern const struct stage_ops stage_os;

const struct stage_ops *const scan_stages[] = {
    &stage_discover, &stage_portscan, &stage_vendor, &stage_confirm, &stage_vscan, &stage_dialogs, &stage_os, &stage_rdns, NULL,
};
