#include "cookie.h"

#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                  \
    do {                                                                          \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                 \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                    \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                    \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                 \
    } while (0)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint64_t siphash24(const void *in, size_t len, const uint8_t key[16])
{
    const uint8_t *m = in;
    uint64_t k0 = le64(key), k1 = le64(key + 8);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    size_t full = len & ~(size_t)7;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t w = le64(m + i);
        v3 ^= w;
        SIPROUND;
        SIPROUND;
        v0 ^= w;
    }
    uint64_t b = (uint64_t)len << 56;
    for (size_t i = 0; i < (len & 7); i++)
        b |= (uint64_t)m[full + i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t probe_cookie(const uint8_t key[16], const struct addr *src, const struct addr *dst,
                      uint16_t sport, uint16_t dport)
{
    uint8_t buf[40];
    memset(buf, 0, sizeof buf);
    if (src->family == AF_INET) {
        memcpy(buf, &src->u.v4, 4);
        memcpy(buf + 16, &dst->u.v4, 4);
    } else {
        memcpy(buf, src->u.v6, 16);
        memcpy(buf + 16, dst->u.v6, 16);
    }
    buf[32] = (uint8_t)(sport >> 8), buf[33] = (uint8_t)sport;
    buf[34] = (uint8_t)(dport >> 8), buf[35] = (uint8_t)dport;
    return (uint32_t)siphash24(buf, sizeof buf, key);
}

static uint32_t ms_tick(uint64_t now_ns)
{
    return (uint32_t)(now_ns / 1000000) & 0xFFF;
}

uint32_t seq_make(uint32_t cookie, uint64_t now_ns)
{
    return ms_tick(now_ns) << 20 | (cookie & SEQ_COOKIE_MASK);
}

bool seq_check(uint32_t v, uint32_t cookie, unsigned slack, uint32_t *sent_ms)
{
    for (unsigned k = 0; k <= slack; k++)
        if (((v - k) & SEQ_COOKIE_MASK) == (cookie & SEQ_COOKIE_MASK)) {
            *sent_ms = (v - k) >> 20;
            return true;
        }
    return false;
}

uint32_t seq_age_ms(uint32_t sent_ms, uint64_t now_ns)
{
    return (ms_tick(now_ns) - sent_ms) & 0xFFF;
}
