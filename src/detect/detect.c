#include "detect/detect.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "perm.h"
#include "ports.h"
#include "probemark.h"
#include "targets.h"
#include "util.h"

#define SILENCE_NS (2 * NS_PER_SEC) /* no answer in this long: a failure */
#define SAMPLE 8                    /* entries looked at for an eviction */
#define HBITS 1024                  /* distinct hosts, per source (linear counting) */
#define PBITS 4096                  /* distinct ports, per source */
#define LLR_SCAN 4.595              /* ln 99 */
#define LLR_BENIGN (-4.595)
#define STEP 1.386                  /* ln 4 */
#define CLOCK_SLACK_MS 16           /* scout's UDP ID: send time, this far from the capture's */
#define NMAP_TTL_MAX 59             /* nmap's random TTLs: 37-59 (tcpip.cc, build_ip_raw) */
#define NMAP_TTL_SPREAD 22
#define NMAP_SPORT_NEAR 511         /* its source port: a base + the try number, the base
                                       moving on by 256 per round of hosts */
#define GROUP_KEY 0xffffffffULL     /* every multicast or broadcast destination's key */
/* Refused ports per (source, target host): evidence of its own, so that a
 * slow scan from a busy address (a NAT whose other users' sessions succeed
 * between its probes and balance the walk) is still a scan of that host.
 * A count that decays by half every PAIR_HALF_LIFE (it is not forgotten at
 * a window's edge); PAIR_SCAN of them declare the source: 20 probes of a
 * scan at one every 5 minutes. */
#define PAIR_BITS 14                /* 16 384 buckets of 4 */
#define PAIR_WAYS 4
#define PAIR_SCAN 19.5             /* 20 refused ports, less what decayed meanwhile */
#define PAIR_HALF_LIFE_NS (48ULL * 3600 * NS_PER_SEC)

enum cstate { C_EMPTY, C_PENDING, C_JUDGED, C_OPENED };

/* Addresses of both families are looked up by a compact 64-bit key (addr_key):
 * an IPv4 address is its own key, exact; an IPv6 address is a hash of its
 * 128 bits, which anyone can make collide (the mixer is invertible).  So a
 * source also keeps its full address and is matched on it: two IPv6
 * sources with one key stay two sources.  A contact holds keys, and the
 * slot of the source that made it, so that its silence (no packet to take
 * an address from) is charged to that very source. */
struct contact {              /* a first contact: source -> (host, port, proto) */
    uint64_t src, dst;        /* addr_key()s */
    uint16_t dport;
    uint8_t proto, state;
    uint32_t slot;            /* the source's entry when the contact was made */
    uint64_t t_ns;
};
_Static_assert(sizeof(struct contact) == 32, "two contacts to a cache line");

struct source {
    struct addr ip;
    bool used, declared;
    double llr;
    uint64_t first_ns, last_ns, probes, weighted, probes_to_detect;
    uint32_t order;
    uint32_t kind[SK_COUNT];
    uint32_t after_synack_rst, after_synack_ack;
    uint32_t tcp_probes, sig_nmap, sig_masscan, sig_zmap, sig_scout;
    /* UDP marks, over every datagram the source sent as a prober (udp_signs) */
    uint32_t udp_dgrams, udp_zmap, udp_low_ttl, udp_ttl_moves, udp_sport_near;
    uint32_t udp_clock, udp_clock_moved;      /* on the first's clock; of those, ID moved */
    uint8_t udp_ttl, udp_ttl_lo, udp_ttl_hi;  /* the last TTL; the range of those <= 59 */
    uint16_t udp_sport, udp_id0;              /* the last source port; the first ID */
    uint64_t udp_ms0;                         /* the first's capture time, ms */
    uint32_t nopen;
    uint32_t unheard;       /* contacts gone silent before any reply was seen */
    bool maps;              /* bitmaps in use (from the second probe on) */
    uint64_t first_dst;     /* addr_key() */
    uint32_t first_port;
    /* Not cleared for a new source: a flood source sends one probe, and
     * clearing 1 KiB for each would cost more than all the rest. */
    uint16_t open[DET_OPEN_MAX];
    uint64_t hosts[HBITS / 64], ports[PBITS / 64];
};

/* The hot part of a source entry, kept apart so that a lookup or an
 * eviction reads a few compact cache lines, not eight 1 KiB entries. */
struct source_key {
    uint64_t key;           /* addr_key(&source.ip) */
    bool used;
    float ev;               /* evidence(): what forgetting it would cost */
};

struct pair {
    uint64_t src, dst;   /* addr_key()s; src 0: an empty slot */
    double fails;        /* as of t_ns */
    uint64_t t_ns;
};

struct detector {
    struct pair *pairs;  /* (1 << PAIR_BITS) * PAIR_WAYS */
    struct source *src;
    struct source_key *key;
    uint32_t nsrc, smask;
    struct contact *con;
    uint32_t ncon, cmask;
    /* Contacts in the order they were made, for judging silence: a ring of
     * indices into con (a slot since reused is skipped when it comes up). */
    uint32_t *pend, pend_head, pend_tail;
    uint64_t replies;
    uint32_t declared;
    uint64_t rng;
    struct det_stats st;
    /* tripwires (the caller's), and the first DET_TRIPS_MAX hits of ntrips */
    const struct portset *trip_ports;
    const struct targets *trip_hosts;
    struct det_trip *trips;
    uint64_t ntrips;
};

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 16;
    while (p < n)
        p <<= 1;
    return p;
}

struct detector *detector_new(uint32_t max_sources, uint32_t max_contacts)
{
    struct detector *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->nsrc = pow2_at_least(max_sources);
    d->smask = d->nsrc - 1;
    d->ncon = pow2_at_least(max_contacts);
    d->cmask = d->ncon - 1;
    d->src = calloc(d->nsrc, sizeof *d->src);
    d->key = calloc(d->nsrc, sizeof *d->key);
    d->con = calloc(d->ncon, sizeof *d->con);
    d->pend = calloc(d->ncon, sizeof *d->pend);
    d->rng = 0x9e3779b97f4a7c15ULL;
    if (!d->src || !d->key || !d->con || !d->pend) {
        detector_free(d);
        return NULL;
    }
    return d;
}

void detector_free(struct detector *d)
{
    if (!d)
        return;
    free(d->src);
    free(d->key);
    free(d->con);
    free(d->pend);
    free(d->trips);
    free(d->pairs);
    free(d);
}

void detector_malformed(struct detector *d)
{
    d->st.malformed++;
}

const struct det_stats *detector_stats(const struct detector *d)
{
    return &d->st;
}

uint32_t detector_declared(const struct detector *d)
{
    return d->declared;
}

/* A source's evidence, for eviction: what it would cost to forget it. */
static double evidence(const struct source *s)
{
    return s->declared ? 1e9 : s->llr + (double)s->weighted / 64;
}

/* Refreshes the eviction score of source s after its evidence changed. */
static void rescore(struct detector *d, const struct source *s)
{
    d->key[s - d->src].ev = (float)evidence(s);
}

/* The key of an address (see struct contact). */
static uint64_t addr_key(const struct addr *a)
{
    if (a->family != AF_INET6)
        return a->u.v4;
    uint64_t hi, lo;
    memcpy(&hi, a->u.v6, 8);
    memcpy(&lo, a->u.v6 + 8, 8);
    uint64_t k = mix64(hi ^ mix64(lo));
    return k > UINT32_MAX ? k : k | 1ULL << 63; /* never an IPv4 address's */
}

/* The entry of source a, created if needed (evicting the weakest of a few
 * sampled entries when the table is full); NULL when all of them carry
 * evidence, so a flood of new sources cannot push out a scanner. */
static struct source *source_get(struct detector *d, const struct addr *a, uint64_t ns)
{
    uint64_t key = addr_key(a);
    uint32_t h = (uint32_t)mix64(key) & d->smask, victim = h;
    for (uint32_t i = 0; i < SAMPLE; i++) {
        uint32_t at = (h + i) & d->smask;
        const struct source_key *k = &d->key[at];
        if (k->used && k->key == key && addr_eq(&d->src[at].ip, a))
            return &d->src[at];
        if (!k->used) {
            victim = at;
            goto fill;
        }
        if (k->ev < d->key[victim].ev)
            victim = at;
    }
    /* Only a declared scanner is never given up; among the rest the sample's
     * weakest goes, so one-probe flood sources (a failure each, at most)
     * make way for each other and not for a source that keeps failing. */
    if (d->key[victim].ev >= (float)LLR_SCAN)
        return NULL;
    d->st.sources_evicted++;
fill:
    memset(&d->src[victim], 0, offsetof(struct source, open));
    d->src[victim].ip = *a;
    d->src[victim].used = true;
    d->src[victim].first_ns = d->src[victim].last_ns = ns;
    d->key[victim] = (struct source_key){.key = key, .used = true, .ev = 0};
    return &d->src[victim];
}

/* The entry of the source with this key; a, when known, must match too. */
static struct source *source_find(struct detector *d, uint64_t key, const struct addr *a)
{
    uint32_t h = (uint32_t)mix64(key) & d->smask;
    for (uint32_t i = 0; i < SAMPLE; i++) {
        uint32_t at = (h + i) & d->smask;
        const struct source_key *k = &d->key[at];
        if (k->used && k->key == key && (!a || addr_eq(&d->src[at].ip, a)))
            return &d->src[at];
    }
    return NULL;
}

static uint32_t con_hash(uint64_t src, uint64_t dst, uint16_t dport, uint8_t proto)
{
    /* IPv4 keys fill the low halves only; the high halves are IPv6's. */
    uint64_t hi = (src >> 32) * 0x9e3779b97f4a7c15ULL ^ (dst >> 32) * 0xc2b2ae3d27d4eb4fULL;
    return (uint32_t)mix64((src << 32 | (uint32_t)dst) ^ hi ^ ((uint64_t)dport << 8 | proto) * 0x9e37);
}

static struct contact *con_find(struct detector *d, uint64_t src, uint64_t dst, uint16_t dport,
                                uint8_t proto)
{
    uint32_t h = con_hash(src, dst, dport, proto) & d->cmask;
    for (uint32_t i = 0; i < SAMPLE; i++) {
        struct contact *c = &d->con[(h + i) & d->cmask];
        if (c->state != C_EMPTY && c->src == src && c->dst == dst && c->dport == dport &&
            c->proto == proto)
            return c;
    }
    return NULL;
}

/* A slot for a new contact: an empty one, else the oldest of the window. */
static struct contact *con_slot(struct detector *d, uint64_t src, uint64_t dst, uint16_t dport,
                                uint8_t proto)
{
    uint32_t h = con_hash(src, dst, dport, proto) & d->cmask;
    struct contact *old = &d->con[h];
    for (uint32_t i = 0; i < SAMPLE; i++) {
        struct contact *c = &d->con[(h + i) & d->cmask];
        if (c->state == C_EMPTY)
            return c;
        if (c->t_ns < old->t_ns)
            old = c;
    }
    d->st.contacts_evicted++;
    return old;
}

static void set_bit(uint64_t *bm, uint32_t bits, uint64_t v)
{
    uint32_t b = (uint32_t)mix64(v) % bits;
    bm[b / 64] |= 1ULL << (b % 64);
}

/* Linear counting: distinct values behind a bitmap (exact while few, a few
 * per cent off near the bitmap's size, a floor once it is full). */
static uint32_t distinct(const uint64_t *bm, uint32_t bits)
{
    uint32_t set = 0;
    for (uint32_t i = 0; i < bits / 64; i++)
        set += (uint32_t)__builtin_popcountll(bm[i]);
    if (set >= bits)
        return bits * 8;
    /* Rounded down: with no collision (set == n) the estimate is n + 0.5. */
    double n = floor(-(double)bits * log((double)(bits - set) / bits));
    return MAX(set, (uint32_t)n);
}

/* Counts a probe's host and port into the source's distinct-count bitmaps;
 * the first probe is only remembered (see struct source). */
#define NO_PORT UINT32_MAX /* an ARP or ND request: a host, but no port */

static void note_target(struct source *s, uint64_t dst, uint32_t port)
{
    if (s->probes == 1) {
        s->first_dst = dst;
        s->first_port = port;
        return;
    }
    if (!s->maps) {
        memset(s->hosts, 0, sizeof s->hosts);
        memset(s->ports, 0, sizeof s->ports);
        set_bit(s->hosts, HBITS, s->first_dst);
        if (s->first_port != NO_PORT)
            set_bit(s->ports, PBITS, s->first_port);
        s->maps = true;
    }
    set_bit(s->hosts, HBITS, dst);
    if (port != NO_PORT)
        set_bit(s->ports, PBITS, port);
}

static void judge(struct detector *d, struct source *s, double failures)
{
    s->llr += failures * STEP;
    if (s->llr <= LLR_BENIGN)
        s->llr = 0; /* benign so far: start the walk again */
    if (!s->declared && s->llr >= LLR_SCAN) {
        s->declared = true;
        s->probes_to_detect = s->probes;
        s->order = ++d->declared;
    }
    rescore(d, s);
}

/* A reply: from the first one on, the capture sees both directions, and
 * the silences counted until then become the failures they were. */
static void heard(struct detector *d)
{
    if (d->replies++)
        return;
    for (uint32_t i = 0; i < d->nsrc; i++) {
        struct source *s = &d->src[i];
        if (d->key[i].used && s->unheard) {
            judge(d, s, s->unheard);
            s->unheard = 0;
        }
    }
}

/* The source that made contact c: the one in its slot if that still holds
 * its key, else (an evicted source that came back) looked up again, where
 * the key or prober, the address the settling packet gives, is exact. */
static double decayed(const struct pair *p, uint64_t ns)
{
    return ns > p->t_ns ? p->fails * exp2(-(double)(ns - p->t_ns) / (double)PAIR_HALF_LIFE_NS) : p->fails;
}

/* One more refused port of (src, dst); returns the pair's count.  A full
 * bucket gives up its entry with the least evidence. */
static double pair_fail(struct detector *d, uint64_t src, uint64_t dst, uint64_t ns)
{
    /* made on the first refusal: a capture with none costs no 2 MB */
    if (!d->pairs && !(d->pairs = calloc((size_t)PAIR_WAYS << PAIR_BITS, sizeof *d->pairs)))
        return 0;
    uint64_t h = mix64(src * 0x9e3779b97f4a7c15ULL ^ dst);
    struct pair *b = &d->pairs[(h & ((1u << PAIR_BITS) - 1)) * PAIR_WAYS], *p = NULL, *weakest = b;
    for (int i = 0; i < PAIR_WAYS && !p; i++) {
        if (b[i].src == src && b[i].dst == dst)
            p = &b[i];
        else if (!b[i].src || decayed(&b[i], ns) < decayed(weakest, ns))
            weakest = &b[i];
    }
    if (!p) {
        p = weakest;
        *p = (struct pair){.src = src, .dst = dst, .t_ns = ns};
    }
    p->fails = decayed(p, ns) + 1;
    p->t_ns = MAX(p->t_ns, ns);
    return p->fails;
}

static struct source *contact_source(struct detector *d, const struct contact *c,
                                     const struct addr *prober)
{
    struct source *s = &d->src[c->slot];
    if (d->key[c->slot].used && d->key[c->slot].key == c->src && (!prober || addr_eq(&s->ip, prober)))
        return s;
    return prober || c->src <= UINT32_MAX ? source_find(d, c->src, prober) : NULL;
}

/* Settles contact c; prober as for contact_source (NULL: silence). */
static void outcome(struct detector *d, struct contact *c, bool success, const struct addr *prober,
                    uint64_t ns)
{
    struct source *s = contact_source(d, c, prober);
    c->state = success && c->proto == 6 ? C_OPENED : C_JUDGED;
    c->t_ns = ns;
    if (!s || (success && c->proto == 0))
        return; /* an answered ARP or ND request is no evidence either way */
    judge(d, s, success ? -1 : 1);
    bool port = c->proto == 6 || c->proto == 17;
    if (!success && port && c->src && pair_fail(d, c->src, c->dst, ns) >= PAIR_SCAN && !s->declared)
        judge(d, s, (LLR_SCAN - s->llr) / STEP + 1); /* a host's ports refused: a scan of it */
    if (success && c->proto == 6 && s->nopen < DET_OPEN_MAX) {
        bool dup = false;
        for (uint32_t i = 0; i < s->nopen; i++)
            dup |= s->open[i] == c->dport;
        if (!dup)
            s->open[s->nopen++] = c->dport;
    }
}

/* Marks of the tool that built a TCP probe (the rules: detect.h).  zmap's
 * and masscan's live in the IPv4 ID: an IPv6 probe never carries them. */
static void tool_signs(struct source *s, const struct reply *r)
{
    bool v4 = r->src.family != AF_INET6, syn = r->flags & TH_SYN;
    s->tcp_probes++;
    if (v4 && r->ipid == 54321)
        s->sig_zmap++;
    if (v4 && r->ipid == (uint16_t)(r->dst.u.v4 ^ r->dport ^ r->seq))
        s->sig_masscan++;
    if (probemark_seen(syn, r->optlen, r->mss, r->window, r->ipid, r->seq))
        s->sig_scout++;
    bool lean = syn ? r->optlen == 4 && r->mss == 1460 : r->optlen == 0;
    if (lean && (r->window == 1024 || r->window == 2048 || r->window == 3072 || r->window == 4096))
        s->sig_nmap++;
}

/* Marks of the tool that built a UDP datagram (the rules: detect.h).  Each
 * datagram is compared with the source's previous one (TTL, source port)
 * and with its first: scout's ID is its send time in ms, so the ID moves
 * on as far as the capture's clock did since then, give or take the
 * probes' delays on the way (CLOCK_SLACK_MS).  That is evidence only where
 * the ID did move (a constant one never does), and by other than the count
 * of datagrams in between (a counter's moves by one a datagram). */
static void udp_signs(struct source *s, const struct reply *r, uint64_t ns)
{
    uint64_t ms = ns / 1000000;
    if (s->udp_dgrams++ == 0) {
        s->udp_id0 = r->ipid;
        s->udp_ms0 = ms;
        s->udp_clock = 1;
    }
    else {
        s->udp_ttl_moves += r->ttl != s->udp_ttl;
        s->udp_sport_near += abs((int)r->sport - (int)s->udp_sport) <= NMAP_SPORT_NEAR;
        uint16_t moved = (uint16_t)(r->ipid - s->udp_id0);
        uint64_t elapsed = ms - s->udp_ms0;
        int64_t beyond_count = (int64_t)moved - (s->udp_dgrams - 1);
        if (abs((int16_t)(uint16_t)(moved - (uint16_t)elapsed)) <= CLOCK_SLACK_MS) {
            s->udp_clock++;
            s->udp_clock_moved += moved >= 2 && llabs(beyond_count) > CLOCK_SLACK_MS;
        }
    }
    s->udp_ttl = r->ttl;
    s->udp_sport = r->sport;
    if (r->ttl <= NMAP_TTL_MAX) {
        if (s->udp_low_ttl++ == 0)
            s->udp_ttl_lo = s->udp_ttl_hi = r->ttl;
        s->udp_ttl_lo = MIN(s->udp_ttl_lo, r->ttl);
        s->udp_ttl_hi = MAX(s->udp_ttl_hi, r->ttl);
    }
    if (r->src.family != AF_INET6 && r->ipid == 54321)
        s->udp_zmap++;
}

/* Queues contact i for the silence check; a full ring drops its oldest
 * entry, which is then judged only at flush (or answered before). */
static void pend_push(struct detector *d, uint32_t i)
{
    if (d->pend_head - d->pend_tail == d->ncon)
        d->pend_tail++;
    d->pend[d->pend_head++ & d->cmask] = i;
}

static enum scan_kind tcp_kind(uint8_t flags)
{
    switch (flags & 0x3f) {
    case TH_SYN: return SK_SYN;
    case TH_FIN: return SK_FIN;
    case 0: return SK_NULL;
    case TH_FIN | TH_PSH | TH_URG: return SK_XMAS;
    case TH_ACK: return SK_ACK;
    case TH_FIN | TH_ACK: return SK_MAIMON;
    default: return SK_CUSTOM;
    }
}

void detector_tripwires(struct detector *d, const struct portset *ports, const struct targets *hosts)
{
    d->trip_ports = ports;
    d->trip_hosts = hosts;
}

uint32_t detector_trips(const struct detector *d, struct det_trip *out, uint32_t max)
{
    uint32_t n = d->trips ? (uint32_t)MIN(MIN(d->ntrips, DET_TRIPS_MAX), max) : 0;
    if (n)
        memcpy(out, d->trips, n * sizeof *out);
    return n;
}

uint64_t detector_tripped(const struct detector *d)
{
    return d->ntrips;
}

/* A first contact to a tripwire port or host is a hit, whatever else its
 * source does: kept (the first DET_TRIPS_MAX) and counted. */
static void trip(struct detector *d, const struct reply *r, uint16_t dport, uint8_t proto, uint64_t ns)
{
    bool port = d->trip_ports && (proto == 6 || proto == 17) &&
                portset_has(d->trip_ports, proto == 6 ? PROTO_TCP : PROTO_UDP, dport);
    if (!port && !(d->trip_hosts && targets_contains(d->trip_hosts, &r->dst)))
        return;
    /* the hits' room is made on the first: most watches have no tripwire */
    if (!d->trips && !(d->trips = calloc(DET_TRIPS_MAX, sizeof *d->trips)))
        return;
    if (d->ntrips < DET_TRIPS_MAX)
        d->trips[d->ntrips] = (struct det_trip){.src = r->src, .dst = r->dst, .proto = proto, .dport = dport,
                                                .flags = proto == 6 ? r->flags : 0,
                                                .paylen = proto == 6 || proto == 17 ? r->paylen : 0,
                                                .ns = ns};
    d->ntrips++;
}

static void probe(struct detector *d, const struct reply *r, enum scan_kind k, uint16_t dport,
                  uint8_t proto, uint64_t ns)
{
    uint64_t src = addr_key(&r->src), dst = addr_key(&r->dst);
    struct contact *c = con_find(d, src, dst, dport, proto);
    struct source *s = source_get(d, &r->src, ns);
    if (s)
        s->last_ns = ns;
    if (s && proto == 17)
        udp_signs(s, r, ns); /* retries too: the tool's marks are on every datagram */
    if (c || !s)
        return; /* a repeat (retries, a live connection) is no new evidence */
    trip(d, r, dport, proto, ns);
    c = con_slot(d, src, dst, dport, proto);
    *c = (struct contact){.src = src, .dst = dst, .dport = dport, .proto = proto,
                          .state = C_PENDING, .slot = (uint32_t)(s - d->src), .t_ns = ns};
    pend_push(d, (uint32_t)(c - d->con));
    s->probes++;
    s->kind[k]++;
    note_target(s, dst, k == SK_ARP || k == SK_ND ? NO_PORT : (uint32_t)proto << 16 | dport);
    if (proto == 6)
        tool_signs(s, r);
    /* No stack sends these to a port it never talked to: scanning by
     * construction.  (FIN|ACK and ACK also end or continue connections a
     * capture began too late to see: those wait for the answer.) */
    bool stealth = k == SK_FIN || k == SK_NULL || k == SK_XMAS;
    s->weighted += stealth ? 2 : 1;
    rescore(d, s);
    if (stealth) {
        c->state = C_JUDGED;
        judge(d, s, 2);
    }
}

/* A packet from the probed side back to the prober. */
static bool answer(struct detector *d, const struct reply *r, uint64_t ns)
{
    uint8_t proto = r->kind == REPLY_UDP ? 17 : 6;
    struct contact *c = con_find(d, addr_key(&r->dst), addr_key(&r->src), r->sport, proto);
    if (!c || c->state != C_PENDING)
        return false;
    heard(d);
    bool ok = r->kind == REPLY_UDP || !(r->flags & TH_RST);
    outcome(d, c, ok, &r->dst, ns);
    return true;
}

static void on_tcp(struct detector *d, const struct reply *r, uint64_t ns)
{
    if (answer(d, r, ns))
        return;
    uint64_t src = addr_key(&r->src), dst = addr_key(&r->dst);
    struct contact *c = con_find(d, src, dst, r->dport, 6);
    if (c && c->state == C_OPENED) { /* what the prober did after a SYN-ACK */
        struct source *s = source_find(d, src, &r->src);
        if (s && (r->flags & TH_RST)) {
            s->after_synack_rst++;
            judge(d, s, 1); /* a half-open probe: no client resets a SYN-ACK */
        }
        else if (s && (r->flags & 0x3f) == TH_ACK)
            s->after_synack_ack++;
        c->state = C_JUDGED;
        return;
    }
    uint8_t f = r->flags & 0x3f;
    if ((f & TH_SYN) && (f & TH_ACK))
        return; /* a SYN-ACK for a contact we never saw open */
    if ((f & TH_RST) || c || con_find(d, dst, src, r->sport, 6))
        return; /* a reset, or part of a conversation already known */
    probe(d, r, tcp_kind(f), r->dport, 6, ns);
}

static void on_icmp_error(struct detector *d, const struct reply *r, uint64_t ns)
{
    /* Contacts are keyed (port, proto) for TCP/UDP, (0, 1) for pings (0, 58
     * over IPv6) and (protocol, 255) for IP-protocol probes. */
    uint8_t p = r->inner_proto;
    bool ports = p == 6 || p == 17, ping = p == 1 || p == 58;
    struct contact *c = con_find(d, addr_key(&r->inner_src), addr_key(&r->inner_dst),
                                 ports ? r->dport : ping ? 0 : p, ports || ping ? p : 255);
    if (c && c->state == C_PENDING) {
        heard(d);
        outcome(d, c, false, &r->inner_src, ns);
    }
}

/* Multicast and broadcast destinations (IPv4 224.0.0.0/4 and 255.255.255.255,
 * IPv6 ff00::/8): no one host answers from them. */
static bool group_addr(const struct addr *a)
{
    if (a->family == AF_INET6)
        return a->u.v6[0] == 0xff;
    return a->u.v4 >> 28 == 0xe || a->u.v4 == 0xffffffffu;
}

/* A datagram to a group is a question to whoever is there (mDNS, SSDP, NTP
 * broadcast, DHCP), not a first contact: nothing can answer it as the group,
 * so its silence would be no failure.  It is remembered, unjudged, as a
 * contact to GROUP_KEY, so that a member's unicast answer (from the port
 * asked, to the asker: mDNS's legacy and unicast-response answers) is known
 * for one and not taken for a probe of the asker. */
static void asked_group(struct detector *d, uint64_t src, uint16_t dport, uint64_t ns)
{
    struct contact *c = con_find(d, src, GROUP_KEY, dport, 17);
    if (!c) {
        c = con_slot(d, src, GROUP_KEY, dport, 17);
        *c = (struct contact){.src = src, .dst = GROUP_KEY, .dport = dport, .proto = 17,
                              .state = C_JUDGED};
    }
    c->t_ns = ns; /* kept young while the asking goes on */
}

static void on_udp(struct detector *d, const struct reply *r, uint64_t ns)
{
    if (answer(d, r, ns))
        return;
    uint64_t src = addr_key(&r->src), dst = addr_key(&r->dst);
    if (con_find(d, dst, src, r->sport, 17))
        return; /* the other side of an exchange already known */
    if (group_addr(&r->dst))
        asked_group(d, src, r->dport, ns);
    else if (!con_find(d, dst, GROUP_KEY, r->sport, 17))
        probe(d, r, SK_UDP, r->dport, 17, ns);
}

/* ICMP queries and ARP: a request is a first contact to (target, 0, proto)
 * (proto 1 for ICMP, 58 for ICMPv6, 0 for ARP and neighbour discovery);
 * a reply settles it as answered. */
static void on_query(struct detector *d, const struct reply *r, bool request, enum scan_kind k,
                     uint8_t proto, uint64_t ns)
{
    if (request) {
        probe(d, r, k, 0, proto, ns);
        return;
    }
    struct contact *c = con_find(d, addr_key(&r->dst), addr_key(&r->src), 0, proto);
    if (c && c->state == C_PENDING) {
        heard(d);
        outcome(d, c, true, &r->dst, ns);
    }
}

/* Neighbour discovery as ARP: a solicitation is a request from the asker
 * (the IPv6 source) for the target, an advertisement the target's reply
 * to the asker (the IPv6 destination). */
static void on_ndp(struct detector *d, const struct reply *r, uint64_t ns)
{
    static const uint8_t unspecified[16] = {0};
    struct reply q = *r;
    bool request = r->icmp_type == 135;
    if (request && !memcmp(r->inner_src.u.v6, unspecified, 16))
        return; /* duplicate address detection: a host checking its own address */
    q.src = request ? r->inner_src : r->src;
    q.dst = request ? r->src : r->inner_dst;
    on_query(d, &q, request, SK_ND, 0, ns);
}

/* Settles a contact left unanswered for SILENCE_NS as a failure. */
static void silence(struct detector *d, struct contact *c, uint64_t ns)
{
    if (d->replies) {
        outcome(d, c, false, NULL, ns);
        return;
    }
    /* Silence is evidence only where answers can be seen at all: until the
     * first reply shows that they can, it is only counted (see heard()). */
    c->state = C_JUDGED;
    struct source *s = contact_source(d, c, NULL);
    if (s)
        s->unheard++;
}

/* Judges, oldest first, up to n contacts whose answer is overdue as of ns. */
static void sweep(struct detector *d, uint32_t n, uint64_t ns)
{
    for (; n && d->pend_tail != d->pend_head; n--) {
        struct contact *c = &d->con[d->pend[d->pend_tail & d->cmask]];
        if (c->state == C_PENDING) {
            if ((int64_t)(ns - c->t_ns) <= (int64_t)SILENCE_NS)
                return; /* the oldest is still in time, so are the rest */
            silence(d, c, ns);
        }
        d->pend_tail++;
    }
}

static bool query_request(const struct reply *r)
{
    uint8_t t = r->icmp_type;
    return r->icmp6 ? t == 128 : t == 8 || t == 13 || t == 17;
}

void detector_packet(struct detector *d, const struct reply *r, uint64_t ns)
{
    d->st.packets++;
    sweep(d, 8, ns);
    switch (r->kind) {
    case REPLY_TCP: on_tcp(d, r, ns); break;
    case REPLY_UDP: on_udp(d, r, ns); break;
    case REPLY_ICMP: on_icmp_error(d, r, ns); break;
    case REPLY_ICMP_QUERY: /* echo (ICMPv6 128), timestamp, mask requests; the rest replies */
        on_query(d, r, query_request(r), SK_PING, r->icmp6 ? 58 : 1, ns);
        break;
    case REPLY_ARP: on_query(d, r, r->icmp_type == 1, SK_ARP, 0, ns); break;
    case REPLY_NDP: on_ndp(d, r, ns); break;
    case REPLY_IP: probe(d, r, SK_IPPROTO, r->proto, 255, ns); break;
    default: d->st.ignored++; break;
    }
}

void detector_tick(struct detector *d, uint64_t ns)
{
    sweep(d, d->ncon, ns);
}

void detector_flush(struct detector *d, uint64_t ns)
{
    sweep(d, d->ncon, ns);
    for (uint32_t i = 0; i < d->ncon; i++) /* those the ring dropped */
        if (d->con[i].state == C_PENDING && (int64_t)(ns - d->con[i].t_ns) > (int64_t)SILENCE_NS)
            silence(d, &d->con[i], ns);
}

const char *scan_kind_name(enum scan_kind k)
{
    static const char *const names[SK_COUNT] = {"syn",    "connect", "fin",  "null",
                                                "xmas",   "ack",     "window", "maimon",
                                                "udp",    "ping",    "arp",  "ip-proto",
                                                "nd",     "custom"};
    return k < SK_COUNT ? names[k] : "custom";
}

const char *scan_tool_name(enum scan_tool t)
{
    static const char *const names[] = {"unknown", "nmap", "masscan", "zmap", "scout"};
    return names[t];
}

static enum scan_kind main_kind(const struct source *s)
{
    enum scan_kind best = SK_CUSTOM;
    uint32_t n = 0;
    for (int k = 0; k < SK_COUNT; k++)
        if (s->kind[k] > n)
            n = s->kind[best = (enum scan_kind)k];
    /* Host discovery mixes ICMP queries with TCP (and UDP) probes to one or
     * two ports per host (nmap -sn: echo, SYN 443, ACK 80, timestamp): the
     * queries make it a ping sweep whatever the TCP share. */
    if (s->kind[SK_PING] * 4 >= s->probes)
        return SK_PING;
    /* A SYN scanner resets what answered; connect() completes it. */
    if (best == SK_SYN && s->after_synack_ack > s->after_synack_rst)
        best = SK_CONNECT;
    return best;
}

/* The tool behind a UDP scan, from its datagrams' marks (detect.h). */
static enum scan_tool udp_tool(const struct source *s, const char **why)
{
    uint32_t n = s->udp_dgrams, pairs = n - 1;
    *why = "no tool's marks on most datagrams";
    if (n < 8)
        return TOOL_UNKNOWN;
    if (s->udp_zmap * 10 >= n * 9) {
        *why = "IP ID 54321 on every datagram";
        return TOOL_ZMAP;
    }
    if (s->udp_clock * 10 >= n * 9 && s->udp_clock_moved * 4 >= n &&
        s->udp_sport_near * 2 <= pairs) {
        *why = "IP ID = send time in ms, moving with the capture's clock; source port per target";
        return TOOL_SCOUT;
    }
    if (s->udp_low_ttl * 10 >= n * 9 && s->udp_ttl_hi - s->udp_ttl_lo <= NMAP_TTL_SPREAD &&
        s->udp_ttl_moves * 2 >= pairs && s->udp_sport_near * 10 >= pairs * 9) {
        *why = "TTL random in 37-59 per datagram, one source port (a base + the try number)";
        return TOOL_NMAP;
    }
    return TOOL_UNKNOWN;
}

/* A tool is named only when nearly every probe carries its mark. */
static enum scan_tool main_tool(const struct source *s, enum scan_kind k, const char **why)
{
    uint32_t n = s->tcp_probes;
    bool most = n >= 8;
    if (k == SK_CONNECT) {
        *why = "connect() through the kernel's stack: any tool";
        return TOOL_UNKNOWN;
    }
    if (k == SK_UDP)
        return udp_tool(s, why);
    if (most && s->sig_zmap * 10 >= n * 9) {
        *why = "IP ID 54321 on every probe";
        return TOOL_ZMAP;
    }
    if (most && s->sig_masscan * 10 >= n * 9) {
        *why = "IP ID = target address ^ port ^ sequence number";
        return TOOL_MASSCAN;
    }
    if (most && s->sig_scout * 10 >= n * 9) {
        *why = "window 1024, MSS 1460 only, IP ID low bits echo the sequence number's";
        return TOOL_SCOUT;
    }
    /* nmap's probes match scout's IP ID mark by chance one time in 16: only
     * a source where half of them do is taken for a mix with scout. */
    if (most && s->sig_nmap * 10 >= n * 9 && s->sig_scout * 2 < n) {
        *why = "window 1024-4096, MSS 1460 as the only option (SYN) or none, random IP ID";
        return TOOL_NMAP;
    }
    *why = n ? "no tool's marks on most probes" : "not a TCP scan";
    return TOOL_UNKNOWN;
}

static const char *shape(uint32_t hosts, uint32_t ports, enum scan_kind k)
{
    if (hosts <= 1)
        return "vertical";
    /* A ping's ports are its discovery probes, not ports being mapped. */
    if (k == SK_PING || k == SK_ARP || k == SK_ND)
        return "horizontal";
    return ports <= 3 ? "horizontal" : "block";
}

static void fill_scan(const struct source *s, struct det_scan *o)
{
    *o = (struct det_scan){.src = s->ip, .kind = main_kind(s), .probes = s->probes,
                           .first_ns = s->first_ns, .last_ns = s->last_ns,
                           .probes_to_detect = s->probes_to_detect, .nopen = s->nopen};
    o->tool = main_tool(s, o->kind, &o->evidence);
    o->hosts = s->maps ? MAX(1u, distinct(s->hosts, HBITS)) : 1;
    o->ports = s->maps ? MAX(1u, distinct(s->ports, PBITS)) : 1;
    o->shape = shape(o->hosts, o->ports, o->kind);
    memcpy(o->open, s->open, s->nopen * sizeof o->open[0]);
}

static int by_order(const void *a, const void *b)
{
    const struct source *x = *(const struct source *const *)a, *y = *(const struct source *const *)b;
    return x->order < y->order ? -1 : x->order > y->order;
}

uint32_t detector_scans(const struct detector *d, struct det_scan *out, uint32_t max)
{
    const struct source **list = calloc(d->declared + d->nsrc, sizeof *list);
    uint32_t n = 0;
    if (!list)
        return 0;
    for (uint32_t i = 0; i < d->nsrc; i++) {
        const struct source *s = &d->src[i];
        /* One direction only: a weighted count of first contacts decides. */
        bool one_way = !d->replies && s->used && s->weighted >= 16;
        if (s->used && (s->declared || one_way))
            list[n++] = s;
    }
    qsort(list, n, sizeof *list, by_order);
    uint32_t k = 0;
    for (; k < n && k < max; k++) {
        fill_scan(list[k], &out[k]);
        out[k].one_way = !list[k]->declared;
        if (out[k].one_way)
            out[k].probes_to_detect = 16;
    }
    free(list);
    return k;
}
