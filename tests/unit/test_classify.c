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

void test_classify_icmp6(void);

/* ICMPv6 errors quoting a raw TCP probe, as nmap's raw engine reads them;
 * the reason-only helper is what a UDP scan needs (port-unreach = closed). */
void test_classify_icmp6(void)
{
    static const struct {
        int code;
        enum reason r;
    } unreach[] = {{0, R_NO_ROUTE},     {1, R_ADMIN_PROHIBITED}, {2, R_BEYOND_SCOPE},
                   {3, R_HOST_UNREACH}, {4, R_PORT_UNREACH},     {5, R_ADMIN_PROHIBITED},
                   {6, R_REJECT_ROUTE}};
    for (size_t i = 0; i < sizeof unreach / sizeof *unreach; i++) {
        struct port_result pr = {0};
        CHECK(icmp6_unreach_reason(unreach[i].code) == unreach[i].r);
        CHECK(classify_icmp6(1, unreach[i].code, &pr) && pr.state == PS_FILTERED &&
              pr.reason == unreach[i].r);
    }
    struct port_result pr = {0};
    CHECK(icmp6_unreach_reason(7) == R_NONE && !classify_icmp6(1, 7, &pr));
    CHECK(classify_icmp6(4, 1, &pr) && pr.state == PS_FILTERED && pr.reason == R_PARAM_PROBLEM);
    CHECK(classify_icmp6(4, 0, &pr) && pr.state == PS_OPEN && pr.reason == R_PARAM_PROBLEM);
    CHECK(!classify_icmp6(4, 2, &pr) && !classify_icmp6(2, 0, &pr) && !classify_icmp6(3, 0, &pr) &&
          !classify_icmp6(129, 0, &pr));
    CHECK_STR(reason_name(R_NO_ROUTE), "no-route");
    CHECK_STR(reason_name(R_BEYOND_SCOPE), "beyond-scope");
    CHECK_STR(reason_name(R_REJECT_ROUTE), "reject-route");
    CHECK_STR(reason_name(R_PARAM_PROBLEM), "param-problem");
    CHECK_STR(reason_name(R_ND_RESPONSE), "nd-response");
}
