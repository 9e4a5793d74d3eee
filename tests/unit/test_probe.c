/* The raw TCP probe modules: each builds its probe for both families from a
 * template, accepts replies that carry its cookie (and only those), and
 * reads them through its own state table. */
#include <sys/socket.h>

#include "probe/probe.h"
#include "probe/template.h"
#include "quote.h"
#include "unit.h"

void test_probe_tcp_modules(void);
void test_probe_rejects(void);

extern const struct probe_ops probe_syn, probe_ack, probe_window, probe_fin, probe_null, probe_xmas,
    probe_maimon;

struct rig {
    struct probe_ctx ctx;
    struct probe_tmpl t;
    struct addr us, them;
    uint8_t probe[PROBE_MAX];
    size_t plen;
    struct reply sent;
};

static void rig_init(struct rig *g, const struct probe_ops *ops, const char *us, const char *them)
{
    memset(g, 0, sizeof *g);
    memcpy(g->ctx.key, "0123456789abcdef", 16);
    g->ctx.sport = 41234;
    g->ctx.tcp_flags = -1;
    addr_parse(us, &g->us);
    addr_parse(them, &g->them);
    g->t = (struct probe_tmpl){.ctx = &g->ctx, .src = g->us, .family = g->us.family};
    err_t e;
    CHECK(ops->prepare(&g->t, &e) == 0);
    g->plen = ops->make(&g->t, &g->them, 443, 123456789, g->probe);
    CHECK(packet_decode(g->probe, g->plen, &g->sent) == 1); /* checksums sealed */
    CHECK(g->sent.kind == REPLY_TCP && g->sent.dport == 443 && g->sent.sport == 41234);
    CHECK(g->sent.flags == ops->tcp_flags);
}

/* The target's TCP answer to the rig's probe. */
static bool answer(struct rig *g, const struct probe_ops *ops, uint8_t flags, uint16_t win,
                   struct port_result *out)
{
    bool consumes = g->sent.flags & (TH_SYN | TH_FIN);
    struct tcp_probe p = {.src = g->them, .dst = g->us, .sport = 443, .dport = 41234,
                          .seq = (g->sent.flags & TH_ACK) ? g->sent.ack : 0,
                          .ack = g->sent.seq + consumes, .flags = flags, .ttl = 61, .window = win};
    uint8_t buf[PROBE_MAX];
    struct reply r;
    struct probe_hit hit;
    size_t n = packet_build_tcp(buf, &p);
    if (packet_decode(buf, n, &r) != 1 || !ops->validate(&g->ctx, &r, &hit))
        return false;
    CHECK(addr_eq(&hit.target, &g->them) && hit.port == 443);
    return ops->classify(&g->ctx, &r, out);
}

/* An ICMP (or ICMPv6) destination unreachable quoting the rig's probe. */
static bool unreachable(struct rig *g, const struct probe_ops *ops, uint8_t code, struct port_result *out)
{
    uint8_t buf[QUOTE_BUF];
    size_t n = unreach_quoting(buf, &g->them, &g->us, code, g->probe, g->plen);
    struct reply r;
    struct probe_hit hit;
    if (packet_decode(buf, n, &r) != 1 || !ops->validate(&g->ctx, &r, &hit))
        return false;
    return ops->classify(&g->ctx, &r, out);
}

static void expect(const struct probe_ops *ops, uint8_t flags, uint16_t win, int state)
{
    static const char *pairs[][2] = {{"198.18.0.1", "198.18.0.10"}, {"2001:2::1", "2001:2::10"}};
    for (int f = 0; f < 2; f++) {
        struct rig g;
        struct port_result pr = {0};
        rig_init(&g, ops, pairs[f][0], pairs[f][1]);
        bool decided = answer(&g, ops, flags, win, &pr);
        CHECK(decided == (state != PS_UNKNOWN));
        if (decided && pr.state != state)
            fprintf(stderr, "    %s flags %#x: state %d, want %d\n", ops->name, flags, pr.state, state);
        CHECK(!decided || pr.state == state);
        CHECK(unreachable(&g, ops, f ? 1 : 13, &pr) && pr.state == PS_FILTERED &&
              pr.reason == R_ADMIN_PROHIBITED);
    }
}

void test_probe_tcp_modules(void)
{
    expect(&probe_syn, TH_SYN | TH_ACK, 0, PS_OPEN);
    expect(&probe_syn, TH_RST | TH_ACK, 0, PS_CLOSED);
    expect(&probe_syn, TH_ACK, 0, PS_UNKNOWN);
    expect(&probe_ack, TH_RST, 0, PS_UNFILTERED);
    expect(&probe_window, TH_RST, 512, PS_OPEN);
    expect(&probe_window, TH_RST, 0, PS_CLOSED);
    expect(&probe_fin, TH_RST | TH_ACK, 0, PS_CLOSED);
    expect(&probe_null, TH_RST | TH_ACK, 0, PS_CLOSED);
    expect(&probe_xmas, TH_RST | TH_ACK, 0, PS_CLOSED);
    expect(&probe_maimon, TH_RST, 0, PS_CLOSED);
    CHECK(probe_syn.silent == PS_FILTERED && probe_ack.silent == PS_FILTERED &&
          probe_window.silent == PS_FILTERED);
    CHECK(probe_fin.silent == PS_OPEN_FILTERED && probe_null.silent == PS_OPEN_FILTERED &&
          probe_xmas.silent == PS_OPEN_FILTERED && probe_maimon.silent == PS_OPEN_FILTERED);
}

/* A reply with another scan's cookie, to another source port, or from a
 * host that was not probed (the cookie covers the 4-tuple) is refused. */
void test_probe_rejects(void)
{
    struct rig g;
    struct port_result pr;
    rig_init(&g, &probe_syn, "198.18.0.1", "198.18.0.10");
    CHECK(answer(&g, &probe_syn, TH_SYN | TH_ACK, 0, &pr));
    g.ctx.key[0] ^= 1;
    CHECK(!answer(&g, &probe_syn, TH_SYN | TH_ACK, 0, &pr));
    g.ctx.key[0] ^= 1;
    addr_parse("198.18.0.11", &g.them);
    CHECK(!answer(&g, &probe_syn, TH_SYN | TH_ACK, 0, &pr));
    rig_init(&g, &probe_syn, "198.18.0.1", "198.18.0.10");
    g.ctx.sport++;
    CHECK(!answer(&g, &probe_syn, TH_RST, 0, &pr));
    /* --scanflags: the template carries the user's flags, read by the type's table. */
    rig_init(&g, &probe_syn, "198.18.0.1", "198.18.0.10");
    g.ctx.tcp_flags = TH_FIN | TH_PSH | TH_URG;
    err_t e;
    CHECK(probe_fin.prepare(&g.t, &e) == 0);
    g.plen = probe_fin.make(&g.t, &g.them, 443, 5, g.probe);
    CHECK(packet_decode(g.probe, g.plen, &g.sent) == 1 && g.sent.flags == (TH_FIN | TH_PSH | TH_URG));
}
