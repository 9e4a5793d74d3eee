/* libFuzzer target for osfmt's parser: any text either parses into a
 * fingerprint or is refused, never crashes; and whatever parses comes back
 * the same through each of the three texts osfmt writes (one test a line,
 * nmap's wrapped submission, nmap's unwrapped one). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "os/osfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct osfp *a, const char *text)
{
    struct osfp b;
    if (osfmt_parse(text, &b) < 0 || a->n != b.n)
        abort();
    for (uint32_t i = 0; i < a->n; i++) {
        const struct osfp_test *t = osfp_test(&b, a->t[i].name);
        if (!t || t->n != a->t[i].n)
            abort();
        for (uint32_t j = 0; j < t->n; j++)
            if (strcmp(t->a[j].name, a->t[i].a[j].name) || strcmp(t->a[j].val, a->t[i].a[j].val))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    char *text = strndup((const char *)data, size);
    struct osfp fp;
    static char out[16384];
    if (text && osfmt_parse(text, &fp) == 0) {
        if (osfmt_fp_line(&fp, out, sizeof out) >= sizeof out)
            abort();
        same(&fp, out);
        struct osfmt_scan sc = {.distance = -1, .when = 1700000000, .month = 11, .day = 25};
        if (osfmt_submission(&sc, &fp, out, sizeof out) >= sizeof out)
            abort();
        same(&fp, out);
        if (osfmt_plain(&sc, &fp, out, sizeof out) >= sizeof out)
            abort();
        same(&fp, out);
    }
    free(text);
    return 0;
}
