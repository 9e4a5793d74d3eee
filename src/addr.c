#include "addr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct addr addr_v4(uint32_t host_order)
{
    struct addr a;
    memset(&a, 0, sizeof a);
    a.family = AF_INET;
    a.u.v4 = host_order;
    return a;
}

/* The scope of "fe80::1%SCOPE": an interface name or index; 0 = none such. */
static uint32_t scope_id(const char *s)
{
    if (!*s)
        return 0;
    if (strspn(s, "0123456789") == strlen(s)) {
        unsigned long v = strtoul(s, NULL, 10);
        return v <= UINT32_MAX && strlen(s) <= 10 ? (uint32_t)v : 0;
    }
    return if_nametoindex(s);
}

int addr_parse(const char *s, struct addr *out)
{
    struct in_addr in4;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, s, &in4) == 1) {
        *out = addr_v4(ntohl(in4.s_addr));
        return 0;
    }
    if (inet_pton(AF_INET6, s, out->u.v6) == 1) {
        out->family = AF_INET6;
        return 0;
    }
    const char *pct = strchr(s, '%');
    char v6[INET6_ADDRSTRLEN];
    if (!pct || (size_t)(pct - s) >= sizeof v6)
        return -1;
    memcpy(v6, s, (size_t)(pct - s));
    v6[pct - s] = '\0';
    if (inet_pton(AF_INET6, v6, out->u.v6) != 1 || !(out->scope = scope_id(pct + 1))) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->family = AF_INET6;
    return 0;
}

const char *addr_str(const struct addr *a, char *buf, size_t len)
{
    if (a->family == AF_INET) {
        struct in_addr in4 = {.s_addr = htonl(a->u.v4)};
        inet_ntop(AF_INET, &in4, buf, (socklen_t)len);
    } else {
        inet_ntop(AF_INET6, a->u.v6, buf, (socklen_t)len);
    }
    return buf;
}

int addr_cmp(const struct addr *a, const struct addr *b)
{
    if (a->family != b->family)
        return a->family == AF_INET ? -1 : 1;
    if (a->family == AF_INET)
        return a->u.v4 < b->u.v4 ? -1 : a->u.v4 > b->u.v4;
    return memcmp(a->u.v6, b->u.v6, 16);
}

bool addr_eq(const struct addr *a, const struct addr *b)
{
    if (a->family != b->family)
        return false;
    if (a->family == AF_INET)
        return a->u.v4 == b->u.v4;
    if (a->scope && b->scope && a->scope != b->scope)
        return false;
    return memcmp(a->u.v6, b->u.v6, 16) == 0;
}

struct addr addr_add(const struct addr *a, uint64_t off)
{
    struct addr r = *a;
    if (a->family == AF_INET) {
        r.u.v4 = (uint32_t)(a->u.v4 + off);
        return r;
    }
    uint64_t lo = 0;
    for (int i = 8; i < 16; i++)
        lo = lo << 8 | a->u.v6[i];
    lo += off;
    for (int i = 15; i >= 8; i--, lo >>= 8)
        r.u.v6[i] = (uint8_t)lo;
    return r;
}

void addr_to_sockaddr(const struct addr *a, uint16_t port, struct sockaddr_storage *ss,
                      socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(a->u.v4);
        *len = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        memcpy(sin6->sin6_addr.s6_addr, a->u.v6, 16);
        sin6->sin6_scope_id = a->scope; /* a link-local target's interface */
        *len = sizeof *sin6;
    }
}

int addr_from_sockaddr(const struct sockaddr *sa, struct addr *out)
{
    memset(out, 0, sizeof *out);
    if (sa->sa_family == AF_INET) {
        *out = addr_v4(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        out->family = AF_INET6;
        memcpy(out->u.v6, sin6->sin6_addr.s6_addr, 16);
        out->scope = sin6->sin6_scope_id;
        return 0;
    }
    return -1;
}

bool addr_prefix_match(const struct addr *a, const struct addr *net, unsigned bits)
{
    if (a->family != net->family)
        return false;
    if (a->family == AF_INET) {
        if (bits == 0)
            return true;
        uint32_t mask = bits >= 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
        return (a->u.v4 & mask) == (net->u.v4 & mask);
    }
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a->u.v6, net->u.v6, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->u.v6[full] & mask) == (net->u.v6[full] & mask);
}
