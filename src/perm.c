#include "perm.h"

uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void perm_init(struct perm *p, uint64_t n, uint64_t seed, int identity)
{
    p->n = n;
    p->identity = identity || n <= 2;
    unsigned bits = 2;
    while (bits < 64 && (1ULL << bits) < n)
        bits += 2;
    p->half_bits = bits / 2;
    p->half_mask = (1ULL << p->half_bits) - 1;
    uint64_t k = seed;
    for (int i = 0; i < 6; i++) {
        k = mix64(k + (uint64_t)i);
        p->key[i] = k;
    }
}

static uint64_t feistel(const struct perm *p, uint64_t x)
{
    uint64_t l = x >> p->half_bits, r = x & p->half_mask;
    for (int i = 0; i < 6; i++) {
        uint64_t f = mix64(r ^ p->key[i]) & p->half_mask;
        uint64_t nl = r;
        r = l ^ f;
        l = nl;
    }
    return l << p->half_bits | r;
}

uint64_t perm_get(const struct perm *p, uint64_t i)
{
    if (p->identity)
        return i;
    uint64_t x = i;
    do
        x = feistel(p, x);
    while (x >= p->n);
    return x;
}
