#include "quote.h"

#include <string.h>
#include <sys/socket.h>

#include "packet.h"
#include "probe/template.h"
#include "util.h"

size_t unreach_quoting(uint8_t *buf, const struct addr *from, const struct addr *to, uint8_t code,
                       const uint8_t *probe, size_t plen)
{
    bool v6 = to->family == AF_INET6;
    size_t quote = MIN(plen, (size_t)(v6 ? 48 : 28));
    memset(buf, 0, QUOTE_BUF);
    size_t hl = packet_ip_header(buf, from, to, v6 ? 58 : 1, 8 + quote, 64, 7);
    buf[hl] = v6 ? 1 : 3;
    buf[hl + 1] = code;
    memcpy(buf + hl + 8, probe, quote);
    tmpl_seal(buf, hl + 8 + quote);
    return hl + 8 + quote;
}
