/* tcp_ping: nmap's TCP discovery probes, -PS (SYN, default port 80; 443 in
 * the default mix) and -PA (ACK, default port 80).  Any answer, SYN-ACK or
 * RST, says the host is up; ICMP errors say nothing about it being up. */
#include "probe/tcp.h"

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    if (r->kind != REPLY_TCP || !(r->flags & (TH_RST | TH_SYN)))
        return false;
    bool rst = r->flags & TH_RST;
    *out = (struct port_result){.state = PS_OPEN, .reason = rst ? R_RESET : R_SYN_ACK};
    return true;
}

TCP_PREPARE(prepare_syn, TH_SYN)
TCP_PREPARE(prepare_ack, TH_ACK)

const struct probe_ops probe_syn_ping = {
    .name = "syn-ping", .flag = "-PS", .nmap_type = "syn", .proto = PROTO_TCP, .discovery = true,
    .tcp_flags = TH_SYN, .silent = PS_FILTERED, .filter = tcp_filter, .prepare = prepare_syn,
    .make = tcp_make, .validate = tcp_validate, .classify = classify,
};

const struct probe_ops probe_ack_ping = {
    .name = "ack-ping", .flag = "-PA", .nmap_type = "ack", .proto = PROTO_TCP, .discovery = true,
    .tcp_flags = TH_ACK, .silent = PS_FILTERED, .filter = tcp_filter, .prepare = prepare_ack,
    .make = tcp_make, .validate = tcp_validate, .classify = classify,
};
