/* window: -sW, an ACK scan that reads the RST's window (nmap's table): some
 * stacks answer a closed port with window 0 and an open one with more, so
 * RST with a window is open, with none closed; ICMP unreachable and silence
 * filtered.  On stacks that do not differ every port reads closed, as in
 * nmap. */
#include "probe/tcp.h"

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    return tcp_classify_reset(r, r->window ? PS_OPEN : PS_CLOSED, out);
}

TCP_PREPARE(prepare, TH_ACK)

const struct probe_ops probe_window = {
    .name = "window", .flag = "-sW", .nmap_type = "window", .proto = PROTO_TCP, .tcp_flags = TH_ACK,
    .silent = PS_FILTERED, .filter = tcp_filter, .prepare = prepare, .make = tcp_make,
    .validate = tcp_validate, .classify = classify,
};
