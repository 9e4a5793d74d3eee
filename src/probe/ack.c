/* ack: -sA, the firewall-mapping scan (nmap's table): RST is unfiltered (the
 * probe got through, open or closed alike), ICMP unreachable and silence
 * filtered. */
#include "probe/tcp.h"

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    return tcp_classify_reset(r, PS_UNFILTERED, out);
}

TCP_PREPARE(prepare, TH_ACK)

const struct probe_ops probe_ack = {
    .name = "ack", .flag = "-sA", .nmap_type = "ack", .proto = PROTO_TCP, .tcp_flags = TH_ACK,
    .silent = PS_FILTERED, .filter = tcp_filter, .prepare = prepare, .make = tcp_make,
    .validate = tcp_validate, .classify = classify,
};
