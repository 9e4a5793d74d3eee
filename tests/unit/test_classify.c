#include <errno.h>

#include "classify.h"
#include "unit.h"

void test_classify_connect(void);

static void expect(int err, int type, int code, enum port_state s, enum reason r)
{
    struct port_result pr = {0};
    classify_connect(err, type, code, &pr);
    if (pr.state != s || pr.reason != r)
        fprintf(stderr, "    errno %d icmp %d/%d -> %s %s\n", err, type, code,
                state_name((enum port_state)pr.state), reason_name((enum reason)pr.reason));
    CHECK(pr.state == s && pr.reason == r);
}

void test_classify_connect(void)
{
    expect(0, ICMP_NONE, ICMP_NONE, PS_OPEN, R_SYN_ACK);
    expect(ECONNREFUSED, ICMP_NONE, ICMP_NONE, PS_CLOSED, R_CONN_REFUSED);
    expect(ECONNRESET, ICMP_NONE, ICMP_NONE, PS_CLOSED, R_RESET);
    /* The kernel says ECONNREFUSED for ICMP port unreachable too; the error
     * queue tells them apart, and for TCP that ICMP means filtered. */
    expect(ECONNREFUSED, 3, 3, PS_FILTERED, R_PORT_UNREACH);
    expect(EHOSTUNREACH, 3, 13, PS_FILTERED, R_ADMIN_PROHIBITED);
    expect(EHOSTUNREACH, 3, 10, PS_FILTERED, R_HOST_PROHIBITED);
    expect(ENETUNREACH, 3, 9, PS_FILTERED, R_NET_PROHIBITED);
    expect(EHOSTUNREACH, 3, 1, PS_FILTERED, R_HOST_UNREACH);
    expect(ENETUNREACH, 3, 0, PS_FILTERED, R_NET_UNREACH);
    expect(ENOPROTOOPT, 3, 2, PS_FILTERED, R_PROTO_UNREACH);
    expect(EHOSTUNREACH, ICMP_NONE, ICMP_NONE, PS_FILTERED, R_HOST_UNREACH);
    expect(ETIMEDOUT, ICMP_NONE, ICMP_NONE, PS_FILTERED, R_NO_RESPONSE);
    expect(ECONNREFUSED, 0x101, 4, PS_FILTERED, R_PORT_UNREACH); /* ICMPv6 */
    expect(EACCES, 0x101, 1, PS_FILTERED, R_ADMIN_PROHIBITED);
}
