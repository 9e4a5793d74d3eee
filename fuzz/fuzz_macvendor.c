/* libFuzzer target for the MAC vendor database (ieee-data CSV and
 * nmap-mac-prefixes, read at run time).  The first byte picks what the rest
 * is: 0 a registry CSV, 1 nmap-mac-prefixes, 2 both (the second byte says
 * where the rest is cut in two), registry first, 3 both, nmap first.
 * Corrupt lines must be counted and described ("FILE:LINE: why", printable,
 * one line), never crash; whatever loads must be sorted tables of
 * in-range keys whose names are clean one-line UTF-8, and every lookup must
 * give the longest prefix that matches, as a linear search finds it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macvendor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A name: non-empty, at most MV_NAME_MAX bytes, UTF-8 without C0, DEL or
 * C1 controls, no space at either end nor two in a row. */
static bool clean(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    if (!n || n > MV_NAME_MAX || s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  "))
        return false;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        size_t k = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : (c & 0xf0) == 0xe0 ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (!k || i + k > n || (k == 1 && (c < 0x20 || c == 0x7f)))
            return false;
        uint32_t v = k == 1 ? c : c & (0x7f >> k);
        for (size_t j = 1; j < k; j++) {
            if ((u[i + j] & 0xc0) != 0x80)
                return false;
            v = v << 6 | (u[i + j] & 0x3f);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (v < min[k] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (v >= 0x80 && v < 0xa0))
            return false;
        i += k;
    }
    return true;
}

/* The longest prefix of mac in the tables by linear search. */
static const char *slow_lookup(const struct macvendor *mv, const uint8_t mac[6])
{
    uint64_t m = 0;
    for (int i = 0; i < 6; i++)
        m = m << 8 | mac[i];
    for (int l = 0; l < MV_LEVELS; l++) {
        const struct mv_table *t = &mv->level[l];
        uint64_t key = m >> (48 - mv_level_bits((enum mv_level)l));
        for (uint32_t i = 0; i < t->n; i++)
            if (t->key[i] == key)
                return mv->blob + t->name[i];
    }
    return NULL;
}

static void to_mac(uint64_t key, unsigned bits, uint64_t rest, uint8_t mac[6])
{
    uint64_t m = key << (48 - bits) | (rest & ((1ull << (48 - bits)) - 1));
    for (int i = 5; i >= 0; i--, m >>= 8)
        mac[i] = (uint8_t)m;
}

/* Not coverage-instrumented: the checks find no new paths in the parser. */
__attribute__((no_sanitize("coverage"), noinline)) static void check(const struct macvendor *mv,
                                                                      const uint8_t *data,
                                                                      size_t size)
{
    if (!mv->ready || mv->build || mv->from_nmap > mv->entries)
        abort();
    if (mv->skipped == 0 ? mv->skip_msg[0] != '\0'
                         : strncmp(mv->skip_msg, "reg:", 4) && strncmp(mv->skip_msg, "nmap:", 5))
        abort();
    for (const char *c = mv->skip_msg; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            abort();
    if (mv->blob_len && mv->blob[mv->blob_len - 1] != '\0')
        abort();
    uint32_t total = 0;
    uint64_t rest = size >= 8 ? (uint64_t)data[size - 1] << 40 | (uint64_t)data[size - 2] << 20
                                    | data[size - 3]
                              : 0x123456789abull;
    for (int l = 0; l < MV_LEVELS; l++) {
        const struct mv_table *t = &mv->level[l];
        unsigned bits = mv_level_bits((enum mv_level)l);
        total += t->n;
        for (uint32_t i = 0; i < t->n; i++) {
            if ((i && t->key[i] <= t->key[i - 1]) || t->key[i] >> bits || t->name[i] >= mv->blob_len)
                abort();
            const char *name = mv->blob + t->name[i];
            if (!clean(name))
                abort();
            /* A MAC inside this prefix: this entry, or a longer one. */
            uint8_t mac[6];
            to_mac(t->key[i], bits, rest ^ i, mac);
            enum mv_level got = MV_LEVELS;
            const char *v = macvendor_lookup_level(mv, mac, &got);
            if (!v || (int)got > l || (got == (enum mv_level)l && v != name))
                abort();
            if (i < 16 && v != slow_lookup(mv, mac))
                abort();
        }
    }
    if (total != mv->entries)
        abort();
    /* MACs from the input's bytes. */
    for (size_t i = 0; i + 6 <= size && i < 96; i += 6)
        if (macvendor_lookup(mv, data + i) != slow_lookup(mv, data + i))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1, cut = n;
    int mode = data[0] % 4;
    if (mode >= 2) {
        if (n < 1)
            return 0;
        cut = (size_t)(uint8_t)rest[0] * (n - 1) / 255;
        rest++;
        n--;
    }
    /* Exact-size copies: a read past a text's end is an ASan error. */
    size_t la = mode == 1 ? 0 : cut, lb = mode == 0 ? 0 : mode == 1 ? n : n - cut;
    char *a = malloc(la + 1), *b = malloc(lb + 1);
    if (!a || !b)
        abort();
    memcpy(a, rest, la);
    memcpy(b, rest + (mode == 1 ? 0 : la), lb);
    struct macvendor mv;
    err_t e;
    macvendor_init(&mv);
    int rc = 0;
    if (mode == 3)
        rc |= macvendor_parse(&mv, MV_NMAP, b, lb, "nmap", &e);
    if (mode != 1)
        rc |= macvendor_parse(&mv, MV_REGISTRY, a, la, "reg", &e);
    if (mode == 1 || mode == 2)
        rc |= macvendor_parse(&mv, MV_NMAP, b, lb, "nmap", &e);
    if (rc < 0 || macvendor_finish(&mv, &e) < 0)
        abort(); /* only out of memory may fail */
    check(&mv, data, size);
    macvendor_free(&mv);
    free(a);
    free(b);
    return 0;
}
