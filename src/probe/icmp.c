/* icmp: the ICMP discovery probes, nmap's -PE (echo request, ICMPv6 echo
 * for IPv6 targets), -PP (timestamp request) and -PM (address mask
 * request; both IPv4 only: IPv6 has neither, so for IPv6 targets they send
 * an echo too).  Host modules: one probe per host, any matching reply says
 * the host is up (echo-reply, timestamp-reply, addressmask-reply).  The cookie of (us, target) fills the identifier (its
 * high 16 bits) and sequence number (low 16): 20 bits of SipHash and the
 * send time, as in a TCP probe's sequence number. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cookie.h"
#include "probe/probe.h"
#include "probe/template.h"

enum { ECHO = 8, ECHO_REPLY = 0, TSTAMP = 13, TSTAMP_REPLY = 14, MASK = 17, MASK_REPLY = 18, ECHO6 = 128,
       ECHO6_REPLY = 129 };

static int filter(const struct probe_ctx *c, char *buf, size_t len)
{
    (void)c;
    int n = snprintf(buf, len, "icmp or icmp6");
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int prepare(struct probe_tmpl *t, uint8_t type)
{
    bool v6 = t->family == AF_INET6;
    size_t l4len = v6 ? 8 : type == TSTAMP ? 20 : type == MASK ? 12 : 8;
    struct addr any = {.family = t->family};
    size_t hl = packet_ip_header(t->pkt, &t->src, &any, v6 ? 58 : 1, l4len, 64, 0);
    memset(t->pkt + hl, 0, l4len);
    t->pkt[hl] = v6 ? ECHO6 : type;
    t->l4 = (uint16_t)hl;
    t->len = (uint16_t)(hl + l4len);
    return 0;
}

static int prepare_echo(struct probe_tmpl *t, err_t *e)
{
    (void)e;
    return prepare(t, ECHO);
}

static int prepare_tstamp(struct probe_tmpl *t, err_t *e)
{
    (void)e;
    return prepare(t, TSTAMP);
}

static int prepare_mask(struct probe_tmpl *t, err_t *e)
{
    (void)e;
    return prepare(t, MASK);
}

static size_t make(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint64_t now_ns,
                   uint8_t *out)
{
    (void)port;
    memcpy(out, t->pkt, t->len);
    uint32_t c = seq_make(probe_cookie(t->ctx->key, &t->src, dst, 0, 0), now_ns);
    tmpl_set_dst(out, dst);
    tmpl_put32(out + t->l4 + 4, c); /* identifier, sequence */
    tmpl_seal(out, t->len);
    return t->len;
}

static bool is_reply(const struct reply *r)
{
    if (r->kind != REPLY_ICMP_QUERY)
        return false;
    return r->icmp6 ? r->icmp_type == ECHO6_REPLY
                    : r->icmp_type == ECHO_REPLY || r->icmp_type == TSTAMP_REPLY || r->icmp_type == MASK_REPLY;
}

static bool validate(const struct probe_ctx *c, const struct reply *r, struct probe_hit *hit)
{
    if (!is_reply(r))
        return false;
    uint32_t v = (uint32_t)r->icmp_id << 16 | r->icmp_seq;
    if (!seq_check(v, probe_cookie(c->key, &r->dst, &r->src, 0, 0), 0, &hit->sent_ms))
        return false;
    hit->target = r->src;
    hit->port = 0;
    return true;
}

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    uint8_t type = r->icmp6 ? ECHO_REPLY : r->icmp_type;
    *out = (struct port_result){.state = PS_OPEN,
                                .reason = type == TSTAMP_REPLY ? R_TIMESTAMP_REPLY
                                          : type == MASK_REPLY ? R_MASK_REPLY
                                                               : R_ECHO_REPLY};
    return true;
}

const struct probe_ops probe_echo_ping = {
    .name = "echo", .flag = "-PE", .nmap_type = "echo", .proto = PROTO_COUNT, .discovery = true,
    .silent = PS_FILTERED, .filter = filter, .prepare = prepare_echo, .make = make,
    .validate = validate, .classify = classify,
};

const struct probe_ops probe_timestamp_ping = {
    .name = "timestamp", .flag = "-PP", .nmap_type = "timestamp", .proto = PROTO_COUNT,
    .discovery = true, .silent = PS_FILTERED, .filter = filter, .prepare = prepare_tstamp,
    .make = make, .validate = validate, .classify = classify,
};

const struct probe_ops probe_mask_ping = {
    .name = "addressmask", .flag = "-PM", .nmap_type = "addressmask", .proto = PROTO_COUNT,
    .discovery = true, .silent = PS_FILTERED, .filter = filter, .prepare = prepare_mask,
    .make = make, .validate = validate, .classify = classify,
};
