/* libFuzzer target for the command-line parsers: target specs, port specs,
 * time values and numbers.  The first byte picks the parser; the rest is the
 * text.  Names are never resolved (TARGET_NO_RESOLVE): no DNS traffic.
 *
 * Port names come from a small nmap-services of its own, parsed once: the
 * installed one (27 000 names) made every name in a -p spec cost an
 * fnmatch per named port, 2 400 inputs a second; this one keeps every kind
 * of name (a few per protocol, both ends of the range, shared prefixes and
 * names with '-', '.', '_') and does not depend on what is installed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"
#include "services.h"
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char services_text[] =
    "tcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer [rfc-1078]\n"
    "ftp\t21/tcp\t0.197667\nftp-data\t20/tcp\t0.001079\nssh\t22/tcp\t0.182286\n"
    "telnet\t23/tcp\t0.221265\nsmtp\t25/tcp\t0.131314\ndomain\t53/tcp\t0.048463\n"
    "domain\t53/udp\t0.213496\nhttp\t80/tcp\t0.484143\nhttp\t80/udp\t0.035767\n"
    "snmp\t161/udp\t0.433467\nhttps\t443/tcp\t0.208669\nhttp-alt\t8080/tcp\t0.006655\n"
    "http-proxy\t8080/udp\t0.000329\nms-sql-s\t1433/tcp\t0.007929\n"
    "netbios_ns\t137/udp\t0.365163\nx11.0\t6000/tcp\t0.000626\n"
    "unknown\t0/tcp\t0.000000\nunknown\t0/udp\t0.000000\n"
    "tcpmux\t65535/tcp\t0.000001\nudpmux\t65535/udp\t0.000001\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct services *svc;
    static struct portset ps;
    err_t e;
    if (!svc && services_parse(&svc, services_text, sizeof services_text - 1, "services", &e) < 0)
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
