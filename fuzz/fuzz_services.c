/* libFuzzer target for nmap-services (read at every run from nmap-common or
 * --datadir): the input is the file's text.  A malformed line or a NUL must
 * be refused with "FILE:LINE: ...", never crash; a file that loads must rank
 * and list ports safely (--top-ports, -p with service names). */
#include <stdlib.h>
#include <string.h>

#include "ports.h"
#include "services.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct services *s = NULL;
    err_t e;
    if (services_parse(&s, text, size, "fuzz", &e) == 0) {
        const bool want[PROTO_COUNT] = {true, true};
        struct portlist pl;
        if (portlist_build(&pl, NULL, NULL, 100, want, s, &e) == 0)
            portlist_free(&pl);
        struct portset *ps = calloc(1, sizeof *ps);
        portset_parse(ps, "[1-1024],h*,U:d*", s, &e);
        free(ps);
        for (unsigned p = 0; p < 65536; p += 251)
            if (!services_name(s, PROTO_TCP, (uint16_t)p))
                abort();
        services_free(s);
    } else if (s || (strncmp(e.msg, "fuzz:", 5) && strncmp(e.msg, "out of memory", 13))) {
        abort(); /* refused: nothing returned, and the message names the line */
    }
    free(text);
    return 0;
}
