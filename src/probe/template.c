#include "probe/template.h"

#include <string.h>
#include <sys/socket.h>

#include "packet.h"

void tmpl_set_dst(uint8_t *pkt, const struct addr *dst)
{
    if (dst->family == AF_INET6)
        memcpy(pkt + 24, dst->u.v6, 16);
    else
        tmpl_put32(pkt + 16, dst->u.v4);
}

/* Where the transport checksum sits, by protocol; -1 for none we fill. */
static int csum_offset(uint8_t proto)
{
    switch (proto) {
    case 6: return 16;            /* TCP */
    case 17: return 6;            /* UDP */
    case 1: case 58: return 2;    /* ICMP, ICMPv6 */
    default: return -1;
    }
}

void tmpl_seal(uint8_t *pkt, size_t len)
{
    bool v6 = (pkt[0] >> 4) == 6;
    size_t hl = v6 ? 40 : (size_t)(pkt[0] & 0x0f) * 4;
    uint8_t proto = v6 ? pkt[6] : pkt[9];
    if (!v6) {
        tmpl_put16(pkt + 10, 0);
        tmpl_put16(pkt + 10, inet_checksum(pkt, hl, 0));
    }
    int off = csum_offset(proto);
    if (off < 0 || len < hl + (size_t)off + 2)
        return;
    uint8_t *l4 = pkt + hl;
    tmpl_put16(l4 + off, 0);
    uint16_t sum;
    if (proto == 1) { /* ICMP (IPv4) has no pseudo-header */
        sum = inet_checksum(l4, len - hl, 0);
    } else {
        struct addr s = {.family = v6 ? AF_INET6 : AF_INET}, d = s;
        if (v6) {
            memcpy(s.u.v6, pkt + 8, 16);
            memcpy(d.u.v6, pkt + 24, 16);
        } else {
            s.u.v4 = (uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 | (uint32_t)pkt[14] << 8 | pkt[15];
            d.u.v4 = (uint32_t)pkt[16] << 24 | (uint32_t)pkt[17] << 16 | (uint32_t)pkt[18] << 8 | pkt[19];
        }
        sum = packet_l4_checksum(&s, &d, proto, l4, len - hl);
        if (proto == 17 && sum == 0)
            sum = 0xffff; /* UDP: a computed 0 is sent as all ones */
    }
    tmpl_put16(l4 + off, sum);
}
