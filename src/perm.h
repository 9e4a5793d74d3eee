/* perm: a keyed pseudo-random permutation of [0, n) for any n up to 2^62.
 *
 * Why: scout visits (host, port) pairs in random order without materialising
 * or shuffling a list; index i of the scan is perm_get(p, i).  Retries,
 * sharding, resume and progress are then index arithmetic.
 *
 * How: a balanced Feistel network on the smallest domain of 2^(2k) >= n
 * (halves of k bits), 6 rounds with a keyed 64-bit mixer as the round
 * function.  A Feistel network is a bijection on its domain whatever the round
 * function, so it permutes [0, 4^k).  "Cycle walking" (apply it again while the
 * result is >= n) restricts it to a bijection of [0, n): following the cycle
 * from an in-range x must reach another in-range value before returning to x.
 * Since 4^k < 4n, fewer than 4 steps are expected. */
#ifndef SCOUT_PERM_H
#define SCOUT_PERM_H

#include <stdint.h>

struct perm {
    uint64_t n;
    unsigned half_bits;
    uint64_t half_mask;
    uint64_t key[6];
    int identity; /* sequential order (-r, or n <= 1) */
};

void perm_init(struct perm *p, uint64_t n, uint64_t seed, int identity);
uint64_t perm_get(const struct perm *p, uint64_t i);

/* A 64-bit mixer (splitmix64 finaliser); also used to derive keys. */
uint64_t mix64(uint64_t x);

#endif
