/* libFuzzer target for the command-line parsers: target specs, port specs,
 * time values and numbers.  The first byte picks the parser; the rest is the
 * text.  Names are never resolved (TARGET_NO_RESOLVE): no DNS traffic. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct services *svc;
    static struct portset ps;
    err_t e;
    if (!svc && services_load(&svc, NULL, &e) < 0)
        abort();
    if (size < 1 || size > 4096)
        return 0;
    char *s = malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 4) {
    case 0: {
        struct targets t;
        targets_init(&t);
        if (targets_add(&t, s, TARGET_V4 | TARGET_NO_RESOLVE, &e) == 0 && targets_finish(&t, &e) == 0) {
            struct addr a;
            /* Every index of the spec must map to an address it contains. */
            for (uint64_t i = 0; i < t.total && i < 64; i++) {
                targets_get(&t, t.total - 1 - i, &a, NULL);
                if (!targets_contains(&t, &a))
                    abort();
            }
        }
        targets_free(&t);
        break;
    }
    case 1:
        memset(&ps, 0, sizeof ps);
        portset_parse(&ps, s, svc, &e);
        break;
    case 2: {
        uint64_t v;
        parse_time_ns(s, &v, &e, "fuzz");
        break;
    }
    default: {
        uint64_t v;
        parse_uint(s, 0, UINT64_MAX, &v, &e, "fuzz");
        break;
    }
    }
    free(s);
    return 0;
}
