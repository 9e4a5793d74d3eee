/* The UDP probe module (-sU): payloads by port or --data, the cookie in the
 * source port, and nmap's UDP state table, for both families. */
#include <sys/socket.h>

#include "conf.h"
#include "payloads.h"
#include "probe/probe.h"
#include "probe/template.h"
#include "quote.h"
#include "unit.h"

void test_probe_udp(void);

extern const struct probe_ops probe_udp;

struct urig {
    struct probe_ctx ctx;
    struct probe_tmpl t;
    struct addr us, them;
    uint8_t probe[PROBE_MAX + UDP_DATA_MAX];
    size_t plen;
    struct reply sent;
};

static void urig_probe(struct urig *g, uint16_t port)
{
    g->plen = probe_udp.make(&g->t, &g->them, port, 123456789, g->probe);
    CHECK(g->plen <= probe_udp.max_len);
    CHECK(packet_decode(g->probe, g->plen, &g->sent) == 1); /* lengths and checksums sealed */
    CHECK(g->sent.kind == REPLY_UDP && g->sent.dport == port && g->sent.sport >= 32768);
}

static void urig_init(struct urig *g, const char *us, const char *them)
{
    memset(g, 0, sizeof *g);
    memcpy(g->ctx.key, "0123456789abcdef", 16);
    g->ctx.sport = 41234;
    addr_parse(us, &g->us);
    addr_parse(them, &g->them);
    g->t = (struct probe_tmpl){.ctx = &g->ctx, .src = g->us, .family = g->us.family};
    err_t e;
    CHECK(probe_udp.prepare(&g->t, &e) == 0);
}

/* The target's datagram back from port to the probe's source port + delta. */
static bool reply_udp(struct urig *g, uint16_t port, int delta, struct port_result *out)
{
    uint8_t buf[128] = {0};
    size_t hl = packet_ip_header(buf, &g->them, &g->us, 17, 8 + 4, 64, 9);
    buf[hl] = (uint8_t)(port >> 8), buf[hl + 1] = (uint8_t)port;
    uint16_t to = (uint16_t)(g->sent.sport + delta);
    buf[hl + 2] = (uint8_t)(to >> 8), buf[hl + 3] = (uint8_t)to;
    buf[hl + 5] = 12;
    memcpy(buf + hl + 8, "pong", 4);
    tmpl_seal(buf, hl + 12);
    struct reply r;
    struct probe_hit hit;
    if (packet_decode(buf, hl + 12, &r) != 1 || !probe_udp.validate(&g->ctx, &r, &hit))
        return false;
    CHECK(addr_eq(&hit.target, &g->them) && hit.port == port && hit.sent_ms == PROBE_NO_TIME);
    return probe_udp.classify(&g->ctx, &r, out);
}

/* An ICMP (ICMPv6) unreachable of this code quoting the probe. */
static bool reply_unreach(struct urig *g, uint8_t code, struct port_result *out)
{
    uint8_t buf[QUOTE_BUF];
    size_t n = unreach_quoting(buf, &g->them, &g->us, code, g->probe, g->plen);
    struct reply r;
    struct probe_hit hit;
    if (packet_decode(buf, n, &r) != 1 || !probe_udp.validate(&g->ctx, &r, &hit))
        return false;
    CHECK(hit.sent_ms != PROBE_NO_TIME); /* the quote's ID is the send time */
    return probe_udp.classify(&g->ctx, &r, out);
}

void test_probe_udp(void)
{
    static const char *pairs[][2] = {{"198.18.0.1", "198.18.0.10"}, {"2001:2::1", "2001:2::10"}};
    struct payloads pl;
    err_t e;
    const char db[] = "udp 53 \"\\x12\\x34dns\"\nudp 53 \"second\"\n";
    CHECK(payloads_parse(&pl, (struct payload_text){"p", db, sizeof db - 1}, (struct payload_text){0}, NULL,
                         NULL, &e) == 0);
    for (int i = 0; i < 2; i++) {
        struct urig g;
        struct port_result r = {0};
        urig_init(&g, pairs[i][0], pairs[i][1]);
        g.ctx.payloads = &pl;
        urig_probe(&g, 53);
        CHECK(g.sent.paylen == 5);
        /* nmap sends each of a port's payloads: the first pass does too. */
        CHECK(probe_udp.variants(&g.ctx, 53) == 2 && probe_udp.variants(&g.ctx, 9) == 1);
        uint8_t second[PROBE_MAX + UDP_DATA_MAX];
        struct reply r2;
        size_t n2 = probe_udp.make_nth(&g.t, &g.them, 53, 1, 123456789, second);
        CHECK(packet_decode(second, n2, &r2) == 1 && r2.paylen == 6 && r2.sport == g.sent.sport);
        CHECK(reply_udp(&g, 53, 0, &r) && r.state == PS_OPEN && r.reason == R_UDP_RESPONSE);
        CHECK(!reply_udp(&g, 53, 1, &r)); /* to another source port: not ours */
        CHECK(!reply_udp(&g, 54, 0, &r)); /* from another port: its cookie differs */
        urig_probe(&g, 9); /* no payload: an empty datagram */
        CHECK(g.sent.paylen == 0);
        CHECK(reply_unreach(&g, i ? 4 : 3, &r) && r.state == PS_CLOSED && r.reason == R_PORT_UNREACH);
        CHECK(reply_unreach(&g, i ? 1 : 13, &r) && r.state == PS_FILTERED);
        /* --data replaces every payload; -g fixes the source port. */
        g.ctx.data = (const uint8_t *)"abc";
        g.ctx.data_len = 3;
        g.ctx.data_given = true;
        g.ctx.fixed_sport = true;
        g.plen = probe_udp.make(&g.t, &g.them, 53, 1, g.probe);
        CHECK(packet_decode(g.probe, g.plen, &g.sent) == 1 && g.sent.paylen == 3 && g.sent.sport == 41234);
    }
    payloads_free(&pl);
}
