/* udp: -sU, nmap's UDP scan.  Each probe carries the port's protocol
 * payload (nmap-payloads, payloads.h) or the user's --data, else nothing.
 * States as nmap's: any UDP reply is open (udp-response), ICMP port
 * unreachable closed (port-unreach), other unreachables filtered, and
 * silence after the retries open|filtered (no-response).
 *
 * The cookie rides in the source port (32768-65535: 15 bits) unless -g fixed
 * it: both a reply and an ICMP error's quote give it back.  It is computed
 * over the 4-tuple with source port 0, since it then chooses that port.
 * The same probe is -PU's discovery module. */
#include <string.h>
#include <sys/socket.h>

#include "classify.h"
#include "conf.h"
#include "cookie.h"
#include "payloads.h"
#include "probe/probe.h"
#include "probe/template.h"

#define UDP_HDR 8

static uint16_t cookie_port(const struct probe_ctx *c, const struct addr *us, const struct addr *target,
                            uint16_t port)
{
    if (c->fixed_sport)
        return c->sport;
    return (uint16_t)(0x8000u | (probe_cookie(c->key, us, target, 0, port) & 0x7fffu));
}

static int filter(const struct probe_ctx *c, char *buf, size_t len)
{
    int n = c->fixed_sport ? snprintf(buf, len, "(udp dst port %u) or icmp or icmp6", c->sport)
                           : snprintf(buf, len, "(udp dst portrange 32768-65535) or icmp or icmp6");
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int prepare(struct probe_tmpl *t, err_t *e)
{
    (void)e;
    struct addr dst = {.family = t->family};
    size_t hl = packet_ip_header(t->pkt, &t->src, &dst, 17, UDP_HDR, 64, 0);
    memset(t->pkt + hl, 0, UDP_HDR);
    t->l4 = (uint16_t)hl;
    t->len = (uint16_t)(hl + UDP_HDR);
    return 0;
}

/* The port's nth payload (--data: the one for all). */
static const uint8_t *payload(const struct probe_ctx *c, uint16_t port, uint32_t nth, uint16_t *len)
{
    if (c->data_given) {
        *len = c->data_len;
        return c->data;
    }
    *len = 0;
    return c->payloads ? payload_nth(c->payloads, port, nth, len) : NULL;
}

/* Every payload nmap has for the port goes out in the first pass. */
static uint32_t variants(const struct probe_ctx *c, uint16_t port)
{
    return c->data_given || !c->payloads ? 1 : MAX(1u, payload_count(c->payloads, port));
}

static size_t make_nth(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint32_t nth,
                       uint64_t now_ns, uint8_t *out)
{
    const struct probe_ctx *c = t->ctx;
    uint16_t plen;
    const uint8_t *pay = payload(c, port, nth, &plen);
    memcpy(out, t->pkt, t->len);
    if (plen)
        memcpy(out + t->len, pay, plen);
    size_t len = t->len + (size_t)plen;
    uint8_t *udp = out + t->l4;
    tmpl_set_dst(out, dst);
    /* The IPv4 ID (IPv6: the flow label's low bits) is the send time in
     * milliseconds: an ICMP error quotes it back. */
    tmpl_put16(out + (t->family == AF_INET ? 4 : 2), (uint16_t)(now_ns / 1000000u));
    tmpl_put16(out + (t->family == AF_INET ? 2 : 4), (uint16_t)(t->family == AF_INET ? len : len - 40));
    tmpl_put16(udp, cookie_port(c, &t->src, dst, port));
    tmpl_put16(udp + 2, port);
    tmpl_put16(udp + 4, (uint16_t)(UDP_HDR + plen));
    tmpl_seal(out, len);
    return len;
}

static size_t make(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint64_t now_ns,
                   uint8_t *out)
{
    return make_nth(t, dst, port, 0, now_ns, out);
}

static bool validate(const struct probe_ctx *c, const struct reply *r, struct probe_hit *hit)
{
    bool icmp = r->kind == REPLY_ICMP;
    if (r->kind != REPLY_UDP && !(icmp && r->inner_proto == 17))
        return false;
    const struct addr *us = icmp ? &r->inner_src : &r->dst, *target = icmp ? &r->inner_dst : &r->src;
    uint16_t ours = icmp ? r->sport : r->dport, theirs = icmp ? r->dport : r->sport;
    if (ours != cookie_port(c, us, target, theirs))
        return false;
    hit->target = *target;
    hit->port = theirs;
    /* An error quotes the ID, our send time (ms, mod 65536); a reply does not. */
    hit->sent_ms = icmp ? r->inner_ipid : PROBE_NO_TIME;
    return true;
}

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    if (r->kind == REPLY_UDP) {
        *out = (struct port_result){.state = PS_OPEN, .reason = R_UDP_RESPONSE};
        return true;
    }
    bool port_unreach = r->icmp6 ? r->icmp_type == 1 && r->icmp_code == 4
                                 : r->icmp_type == 3 && r->icmp_code == 3;
    if (port_unreach) {
        *out = (struct port_result){.state = PS_CLOSED, .reason = R_PORT_UNREACH};
        return true;
    }
    return r->icmp6 ? classify_icmp6(r->icmp_type, r->icmp_code, out)
                    : classify_icmp(r->icmp_type, r->icmp_code, out);
}

/* -PU: a UDP reply or a port unreachable shows the host is up (nmap's
 * udp-response, port-unreach); other unreachables come from routers. */
static bool classify_ping(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    struct port_result p;
    if (!classify(c, r, &p) || p.state == PS_FILTERED)
        return false;
    *out = p;
    return true;
}

const struct probe_ops probe_udp_ping = {
    .name = "udp-ping", .flag = "-PU", .nmap_type = "udp", .proto = PROTO_UDP, .discovery = true,
    .max_len = PROBE_MAX + UDP_DATA_MAX, .silent = PS_OPEN_FILTERED, .filter = filter, .prepare = prepare,
    .make = make, .validate = validate, .classify = classify_ping, .variants = variants, .make_nth = make_nth,
};

const struct probe_ops probe_udp = {
    .name = "udp", .flag = "-sU", .nmap_type = "udp", .proto = PROTO_UDP, .icmp_limited = true,
    .max_len = PROBE_MAX + UDP_DATA_MAX, .silent = PS_OPEN_FILTERED, .filter = filter,
    .prepare = prepare, .make = make, .validate = validate, .classify = classify, .variants = variants,
    .make_nth = make_nth,
};
