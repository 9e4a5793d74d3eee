/* stealth: -sF, -sN, -sX and -sM, the scans RFC 793 answers with a RST from
 * a closed port and silence from an open one (nmap's table): RST closed,
 * ICMP unreachable filtered, silence open|filtered.  The four differ only
 * in their flags (Maimon's FIN+ACK draws a RST from open ports too on most
 * stacks, as nmap notes). */
#include "probe/tcp.h"

static bool classify(const struct probe_ctx *c, const struct reply *r, struct port_result *out)
{
    (void)c;
    return tcp_classify_reset(r, PS_CLOSED, out);
}

TCP_PREPARE(prepare_fin, TH_FIN)
TCP_PREPARE(prepare_null, 0)
TCP_PREPARE(prepare_xmas, TH_FIN | TH_PSH | TH_URG)
TCP_PREPARE(prepare_maimon, TH_FIN | TH_ACK)

#define STEALTH(var, nm, fl, flags, prep)                                                        \
    const struct probe_ops var = {                                                               \
        .name = nm, .flag = fl, .nmap_type = nm, .proto = PROTO_TCP, .tcp_flags = flags,         \
        .silent = PS_OPEN_FILTERED, .filter = tcp_filter, .prepare = prep, .make = tcp_make,     \
        .validate = tcp_validate, .classify = classify,                                          \
    }

STEALTH(probe_fin, "fin", "-sF", TH_FIN, prepare_fin);
STEALTH(probe_null, "null", "-sN", 0, prepare_null);
STEALTH(probe_xmas, "xmas", "-sX", TH_FIN | TH_PSH | TH_URG, prepare_xmas);
STEALTH(probe_maimon, "maimon", "-sM", TH_FIN | TH_ACK, prepare_maimon);
