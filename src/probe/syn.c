/* syn: -sS, the half-open scan (nmap's table): SYN-ACK (or a bare SYN, a
 * simultaneous open) is open, RST closed, ICMP unreachable filtered, and
 * silence filtered. */
#include "probe/tcp.h"

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    if (r->kind != REPLY_TCP)
        return tcp_classify_icmp(r, out);
    if (r->flags & TH_RST) {
        *out = (struct port_result){.state = PS_CLOSED, .reason = R_RESET};
        return true;
    }
    if (r->flags & TH_SYN) {
        *out = (struct port_result){.state = PS_OPEN, .reason = R_SYN_ACK};
        return true;
    }
    return false;
}

TCP_PREPARE(prepare, TH_SYN)

const struct probe_ops probe_syn = {
    .name = "syn", .flag = "-sS", .nmap_type = "syn", .proto = PROTO_TCP, .tcp_flags = TH_SYN,
    .silent = PS_FILTERED, .filter = tcp_filter, .prepare = prepare, .make = tcp_make,
    .validate = tcp_validate, .classify = classify,
};
