#include <stdlib.h>

#include "perm.h"
#include "unit.h"

void test_perm_bijection(void);
void test_perm_keyed(void);

static int is_permutation(uint64_t n, uint64_t seed)
{
    uint8_t *seen = calloc(n, 1);
    struct perm p;
    perm_init(&p, n, seed, 0);
    int ok = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = perm_get(&p, i);
        if (v >= n || seen[v])
            ok = 0;
        else
            seen[v] = 1;
    }
    free(seen);
    return ok;
}

void test_perm_bijection(void)
{
    static const uint64_t sizes[] = {1, 2, 3, 4, 5, 17, 1000, 65535, 65536, 65535 * 3 + 1};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        CHECK(is_permutation(sizes[i], 12345 + i));
}

void test_perm_keyed(void)
{
    struct perm a, b, c;
    perm_init(&a, 65535, 1, 0);
    perm_init(&b, 65535, 2, 0);
    perm_init(&c, 65535, 1, 0);
    int differ = 0, same = 1, moved = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        differ += perm_get(&a, i) != perm_get(&b, i);
        same &= perm_get(&a, i) == perm_get(&c, i);
        moved += perm_get(&a, i) != i;
    }
    CHECK(differ > 990); /* another key, another order */
    CHECK(same);         /* same key, same order: shards agree */
    CHECK(moved > 990);  /* not the identity */
    struct perm id;
    perm_init(&id, 100, 7, 1);
    for (uint64_t i = 0; i < 100; i++)
        CHECK(perm_get(&id, i) == i); /* -r */
}
