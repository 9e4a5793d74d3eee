/* libFuzzer target for the protocol dialogs (service/dialog.h): the input
 * is what a hostile peer sends, arriving in pieces; every dialog's step
 * reads it.  A step must stay within what it was given, write at most
 * DIALOG_OUT bytes of request, and leave its result's strings terminated. */
#include <stdlib.h>
#include <string.h>

#include "service/dialog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct dialog_result *r)
{
    if (strnlen(r->product, sizeof r->product) == sizeof r->product ||
        strnlen(r->version, sizeof r->version) == sizeof r->version ||
        strnlen(r->info, sizeof r->info) == sizeof r->info || strnlen(r->cpe, sizeof r->cpe) == sizeof r->cpe ||
        strnlen(r->note, sizeof r->note) == sizeof r->note)
        abort();
}

static void run(const struct dialog_ops *d, const uint8_t *data, size_t size)
{
    uint8_t st[DIALOG_STATE] = {0}, out[DIALOG_OUT];
    struct dialog_result r = {0};
    size_t n = sizeof out, len = size < d->max_read ? size : d->max_read;
    int rc = d->step(st, NULL, 0, out, &n, &r);
    /* a byte at a time for the first 32, then in quarters */
    for (size_t got = 1; rc == DIALOG_MORE && got <= len; got += got < 32 ? 1 : (len / 4 ? len / 4 : 1)) {
        /* an exact copy, so that ASan sees any read past `got` */
        uint8_t *in = malloc(got);
        memcpy(in, data, got);
        n = sizeof out;
        rc = d->step(st, in, got, out, &n, &r);
        free(in);
        if (n > sizeof out || rc < DIALOG_MORE || rc > DIALOG_FAIL)
            abort();
    }
    check(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int i = 0; dialog_list[i]; i++)
        run(dialog_list[i], data, size);
    return 0;
}
