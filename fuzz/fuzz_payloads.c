/* libFuzzer target for the -sU payload database and the --data values.
 * The first byte picks what the rest is: 0 an nmap-payloads file, 1 an
 * nmap-service-probes file, 2 both (the second byte says where the rest is
 * cut in two), 3 a --data / --data-length / --data-string value (up to a
 * NUL).  A malformed entry must be warned about ("FILE:LINE: ...", one
 * line) and skipped, never crash; whatever loads must give every port at
 * most PAYLOADS_PER_PORT_MAX payloads of at most PAYLOAD_MAX bytes, inside
 * the table. */
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payloads.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every warning names its file and line, and is one line of text. */
static void check_warning(void *ctx, const char *msg)
{
    (void)ctx;
    if (strncmp(msg, "payloads:", 9) && strncmp(msg, "probes:", 7))
        abort();
    for (const char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            abort();
}

/* Where the stretch of ports that share port_set[from]'s set ends.  Not
 * instrumented: ASan's check and comparison tracing on each of the 65536
 * reads were most of an input's time (3 300 inputs a second); the table is
 * checked addressable as a whole instead, by check_table. */
__attribute__((no_sanitize("address", "coverage"), noinline)) static uint32_t
stretch_end(const uint32_t *port_set, uint32_t from)
{
    uint32_t set = port_set[from], p = from + 1;
    while (p < 65536 && port_set[p] == set)
        p++;
    return p;
}

/* Ports in a stretch share a set: each set is checked in full where the
 * stretch starts, and the stretch counts whole towards the ports that have
 * payloads.  Not coverage-instrumented: the checks find no new paths. */
__attribute__((no_sanitize("coverage"), noinline)) static void check_table(const struct payloads *pl)
{
    if (__asan_region_is_poisoned(pl->port_set, 65536 * sizeof *pl->port_set))
        abort(); /* port -> set holds every port */
    uint32_t ports = 0;
    unsigned sum = 0;
    for (uint32_t port = 0, end; port < 65536; port = end) {
        end = stretch_end(pl->port_set, port);
        uint32_t n = payload_count(pl, (uint16_t)port);
        if (n > PAYLOADS_PER_PORT_MAX)
            abort();
        if (n)
            ports += end - port;
        for (uint32_t i = 0; i <= n; i++) {
            uint16_t len;
            const uint8_t *p = payload_nth(pl, (uint16_t)port, i, &len);
            if ((i < n) != (p != NULL) || len > PAYLOAD_MAX || (!p && len))
                abort();
            for (uint16_t k = 0; k < len; k += 97)
                sum += p[k]; /* every payload inside the blob (ASan) */
            if (len)
                sum += p[len - 1];
        }
    }
    if (ports != payloads_ports(pl) || sum == 0xdeadbeef)
        abort();
}

/* A --data value that parses reads back the same from its 0x form. */
static void check_data(const char *arg)
{
    uint8_t out[64], again[64];
    size_t len, len2;
    err_t e;
    if (payload_from_hex(arg, out, sizeof out, &len, &e) == 0) {
        char hex[2 + 2 * sizeof out + 1] = "0x";
        if (len == 0 || len > sizeof out)
            abort();
        for (size_t i = 0; i < len; i++)
            snprintf(hex + 2 + 2 * i, 3, "%02x", out[i]);
        if (payload_from_hex(hex, again, sizeof again, &len2, &e) < 0 || len2 != len ||
            memcmp(out, again, len))
            abort();
    } else if (strncmp(e.msg, "--data: ", 8)) {
        abort();
    }
    if (payload_data_length(arg, &len, &e) == 0 && len > DATA_LEN_MAX)
        abort();
    if (payload_data_string(arg, &len, &e) == 0 && len != strlen(arg))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    int mode = data[0] % 4;
    if (mode == 3) {
        char *arg = strndup(rest, n);
        if (!arg)
            return 0;
        check_data(arg);
        free(arg);
        return 0;
    }
    struct payload_text a = {.name = "payloads"}, b = {.name = "probes"};
    if (mode == 0) {
        a.text = rest;
        a.len = n;
    } else if (mode == 1) {
        b.text = rest;
        b.len = n;
    } else if (n >= 1) {
        size_t cut = (size_t)(uint8_t)rest[0] * (n - 1) / 255;
        a = (struct payload_text){.name = "payloads", .text = rest + 1, .len = cut};
        b = (struct payload_text){.name = "probes", .text = rest + 1 + cut, .len = n - 1 - cut};
    }
    /* Exact-size copies: a read past a text's end is an ASan error. */
    char *ca = a.text ? malloc(a.len + !a.len) : NULL, *cb = b.text ? malloc(b.len + !b.len) : NULL;
    if (ca)
        a.text = memcpy(ca, a.text, a.len);
    if (cb)
        b.text = memcpy(cb, b.text, b.len);
    struct payloads pl;
    err_t e;
    if (payloads_parse(&pl, a, b, check_warning, NULL, &e) < 0)
        abort(); /* only out of memory may fail */
    check_table(&pl);
    payloads_free(&pl);
    free(ca);
    free(cb);
    return 0;
}
