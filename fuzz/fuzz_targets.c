/* libFuzzer target for -iL and --excludefile: the input is the file's text
 * (NUL bytes, comments and all), parsed as nmap reads a target list.  The
 * first byte picks the family names would resolve to; names are never
 * resolved (TARGET_NO_RESOLVE).  Whatever loads must index consistently:
 * each address the set yields is contained in the set. */
#include <stdlib.h>
#include <string.h>

#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int family = (data[0] & 1 ? TARGET_V6 : TARGET_V4) | TARGET_NO_RESOLVE;
    struct targets t;
    err_t e;
    targets_init(&t);
    int rc = targets_add_text(&t, (const char *)data + 1, size - 1, family, "fuzz", &e);
    if (rc < 0 && strncmp(e.msg, "fuzz:", 5) != 0 && strncmp(e.msg, "out of memory", 13) != 0)
        abort(); /* an error names the file and line */
    if (rc == 0 && targets_finish(&t, &e) == 0 && t.total) {
        uint64_t step = t.total / 61 + 1;
        for (uint64_t i = 0; i < t.total; i += step) {
            struct addr a;
            targets_get(&t, i, &a, NULL);
            if (!targets_contains(&t, &a))
                abort();
        }
        struct addr last;
        targets_get(&t, t.total - 1, &last, NULL);
        if (!targets_contains(&t, &last))
            abort();
    }
    targets_free(&t);
    return 0;
}
