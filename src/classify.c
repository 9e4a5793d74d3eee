#include "classify.h"

#include <errno.h>

enum reason icmp_unreach_reason(int code)
{
    switch (code) {
    case 0: return R_NET_UNREACH;
    case 1: return R_HOST_UNREACH;
    case 2: return R_PROTO_UNREACH;
    case 3: return R_PORT_UNREACH;
    case 9: return R_NET_PROHIBITED;
    case 10: return R_HOST_PROHIBITED;
    case 13: return R_ADMIN_PROHIBITED;
    default: return R_NONE;
    }
}

enum reason icmp6_unreach_reason(int code)
{
    switch (code) {
    case 0: return R_NO_ROUTE;
    case 1: return R_ADMIN_PROHIBITED;
    case 2: return R_BEYOND_SCOPE;
    case 3: return R_HOST_UNREACH;
    case 4: return R_PORT_UNREACH;
    case 5: return R_ADMIN_PROHIBITED;
    case 6: return R_REJECT_ROUTE;
    default: return R_NONE;
    }
}

static void set(struct port_result *out, enum port_state s, enum reason r)
{
    out->state = (uint8_t)s;
    out->reason = (uint8_t)r;
}

void classify_connect(int err, int icmp_type, int icmp_code, struct port_result *out)
{
    if (err == 0) {
        set(out, PS_OPEN, R_SYN_ACK);
        return;
    }
    if (icmp_type == 3) { /* IPv4 destination unreachable */
        enum reason r = icmp_unreach_reason(icmp_code);
        set(out, PS_FILTERED, r == R_NONE ? R_HOST_UNREACH : r);
        return;
    }
    if (icmp_type == 1 + 0x100) { /* IPv6 destination unreachable (tagged) */
        enum reason r = icmp6_unreach_reason(icmp_code);
        set(out, PS_FILTERED, r == R_NONE ? R_HOST_UNREACH : r);
        return;
    }
    switch (err) {
    case ECONNREFUSED:
        set(out, PS_CLOSED, R_CONN_REFUSED);
        break;
    case ECONNRESET: /* handshake done, then reset: a SYN proxy whose server
                      * refused (confirm.h) */
        set(out, PS_CLOSED, R_RESET);
        break;
    case ENETUNREACH:
        set(out, PS_FILTERED, R_NET_UNREACH);
        break;
    case EACCES:
    case EPERM:
        set(out, PS_FILTERED, R_ADMIN_PROHIBITED);
        break;
    case ETIMEDOUT:
        set(out, PS_FILTERED, R_NO_RESPONSE);
        break;
    default: /* EHOSTUNREACH (no ARP reply) and the like */
        set(out, PS_FILTERED, R_HOST_UNREACH);
        break;
    }
}

bool classify_icmp(int type, int code, struct port_result *out)
{
    if (type != 3 || code == 0)
        return false;
    enum reason r = icmp_unreach_reason(code);
    if (r == R_NONE)
        return false;
    set(out, PS_FILTERED, r);
    return true;
}

bool classify_icmp6(int type, int code, struct port_result *out)
{
    if (type == 1) {
        enum reason r = icmp6_unreach_reason(code);
        if (r == R_NONE)
            return false;
        set(out, PS_FILTERED, r);
        return true;
    }
    /* nmap (scan_engine_raw.cc) reads a parameter problem the same way for
     * every scan type: the target parsed the probe (code 0, a bad field) or
     * did not know its next header (code 1). */
    if (type == 4 && (code == 0 || code == 1)) {
        set(out, code == 0 ? PS_OPEN : PS_FILTERED, R_PARAM_PROBLEM);
        return true;
    }
    return false;
}
