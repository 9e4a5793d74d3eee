#include "probe/tcp.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "classify.h"
#include "cookie.h"
#include "probemark.h"
#include "probe/template.h"

int tcp_filter(const struct probe_ctx *c, char *buf, size_t len)
{
    int n = snprintf(buf, len, "(tcp dst port %u) or icmp or icmp6", c->sport);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int tcp_prepare(struct probe_tmpl *t, uint8_t flags, err_t *e)
{
    uint8_t f = t->ctx->tcp_flags >= 0 ? (uint8_t)t->ctx->tcp_flags : flags;
    struct tcp_probe p = {.src = t->src, .dst = {.family = t->family}, .sport = t->ctx->sport,
                          .flags = f, .ttl = 64, .window = PROBEMARK_WINDOW};
    t->len = (uint16_t)packet_build_tcp(t->pkt, &p);
    t->l4 = t->family == AF_INET6 ? 40 : 20;
    (void)e;
    return 0;
}

size_t tcp_make(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint64_t now_ns,
                uint8_t *out)
{
    memcpy(out, t->pkt, t->len);
    uint8_t *tcp = out + t->l4;
    uint32_t c = seq_make(probe_cookie(t->ctx->key, &t->src, dst, t->ctx->sport, port), now_ns);
    tmpl_set_dst(out, dst);
    /* scout's mark (probemark.h): the IPv4 ID, or the IPv6 flow label's low bits. */
    tmpl_put16(out + (t->family == AF_INET ? 4 : 2), probemark_ipid(c));
    tmpl_put16(tcp + 2, port);
    tmpl_put32(tcp + 4, c);
    if (tcp[13] & TH_ACK)
        tmpl_put32(tcp + 8, c);
    tmpl_seal(out, t->len);
    return t->len;
}

bool tcp_validate(const struct probe_ctx *c, const struct reply *r, struct probe_hit *hit)
{
    bool icmp = r->kind == REPLY_ICMP;
    if (r->kind != REPLY_TCP && !(icmp && r->inner_proto == 6))
        return false;
    const struct addr *us = icmp ? &r->inner_src : &r->dst, *target = icmp ? &r->inner_dst : &r->src;
    uint16_t ours = icmp ? r->sport : r->dport, theirs = icmp ? r->dport : r->sport;
    if (ours != c->sport)
        return false;
    uint32_t ck = probe_cookie(c->key, us, target, c->sport, theirs);
    /* Our sequence number comes back as the ICMP quote's seq, as an RST's
     * seq (ACK probes), or as the ack plus what SYN and FIN consumed (up
     * to 2). */
    if (!seq_check(r->seq, ck, 0, &hit->sent_ms) &&
        !(!icmp && (r->flags & TH_ACK) && seq_check(r->ack, ck, 2, &hit->sent_ms)))
        return false;
    hit->target = *target;
    hit->port = theirs;
    return true;
}

bool tcp_classify_icmp(const struct reply *r, struct port_result *out)
{
    if (r->kind != REPLY_ICMP)
        return false;
    return r->icmp6 ? classify_icmp6(r->icmp_type, r->icmp_code, out)
                    : classify_icmp(r->icmp_type, r->icmp_code, out);
}

bool tcp_classify_reset(const struct reply *r, uint8_t state, struct port_result *out)
{
    if (r->kind != REPLY_TCP)
        return tcp_classify_icmp(r, out);
    if (!(r->flags & TH_RST))
        return false;
    *out = (struct port_result){.state = state, .reason = R_RESET};
    return true;
}
