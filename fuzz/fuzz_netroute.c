/* libFuzzer target for netroute: netinfo_parse on arbitrary rtnetlink dumps
 * (lengths that lie, truncated attributes, wrong address sizes), then path
 * lookups in whatever it kept.  Nothing may read out of bounds, and every
 * path found must point at a kept interface with a source of dst's family.
 *
 * The first byte picks the form.  Even: the rest is the buffer as it is.
 * Odd: the rest is a list of (type, length, body) records that become
 * messages with right nlmsg_len fields, so mutations reach the attribute
 * walkers instead of dying at the message header. */
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "netroute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t TYPES[] = {RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH,
                                 NLMSG_DONE, NLMSG_ERROR, RTM_NEWLINK, RTM_NEWROUTE};

/* Records to messages; returns the length written to out, which needs 8
 * bytes per input byte (an empty record: 2 bytes in, a 16-byte header out). */
static size_t seal(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t o = 0;
    while (len >= 2) {
        uint16_t type = TYPES[in[0] % ARRAY_LEN(TYPES)];
        size_t blen = MIN((size_t)in[1] * 4, len - 2);
        struct nlmsghdr h = {.nlmsg_len = (uint32_t)NLMSG_LENGTH(blen), .nlmsg_type = type};
        memcpy(out + o, &h, sizeof h);
        memcpy(out + o + NLMSG_HDRLEN, in + 2, blen);
        memset(out + o + NLMSG_HDRLEN + blen, 0, NLMSG_ALIGN(blen) - blen);
        o += NLMSG_ALIGN(h.nlmsg_len);
        in += 2 + blen, len -= 2 + blen;
    }
    return o;
}

static void lookup(const struct netinfo *ni, const struct addr *dst, const char *want_if)
{
    struct path p;
    err_t e;
    if (netinfo_path(ni, dst, NULL, want_if, &p, &e) < 0)
        return;
    if (!p.iface || p.iface < ni->ifs || p.iface >= ni->ifs + ni->nifs ||
        p.src.family != dst->family || p.next_hop.family != dst->family)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    uint8_t *buf = malloc(size * 8 + 16);
    size_t len = size - 1;
    if (data[0] & 1)
        len = seal(data + 1, size - 1, buf);
    else
        memcpy(buf, data + 1, len);
    struct netinfo ni;
    err_t e;
    memset(&ni, 0, sizeof ni);
    if (netinfo_parse(&ni, buf, len, &e) >= 0) {
        static const char *dsts[] = {"10.0.0.1", "192.168.1.200", "127.0.0.1", "0.0.0.0",
                                     "255.255.255.255", "2001:db8::1", "fe80::1", "::1", "::"};
        for (size_t i = 0; i < ARRAY_LEN(dsts); i++) {
            struct addr d;
            addr_parse(dsts[i], &d);
            lookup(&ni, &d, NULL);
        }
        /* the addresses and routes it kept, through each interface too */
        for (uint32_t i = 0; i < ni.naddrs && i < 8; i++)
            lookup(&ni, &ni.addrs[i].a, NULL);
        for (uint32_t i = 0; i < ni.nroutes && i < 8; i++) {
            lookup(&ni, &ni.routes[i].dst, NULL);
            lookup(&ni, &ni.routes[i].gw, NULL);
        }
        for (uint32_t i = 0; i < ni.nifs && i < 4; i++) {
            struct addr d;
            addr_parse("10.0.0.1", &d);
            lookup(&ni, &d, ni.ifs[i].name);
        }
    }
    netinfo_free(&ni);
    free(buf);
    return 0;
}
