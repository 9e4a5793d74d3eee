/* libFuzzer target for xmlscan, the reader of nmap, scout and masscan XML
 * reports (scout diff, scout import): any bytes either become records or
 * are refused with one line naming the input, never crash, leak or grow
 * without bound; records that come out are sorted, merged and within the
 * enums, and diff over them (against themselves and against nothing)
 * finds exactly what it should and writes both formats. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_diff.h"
#include "diff.h"
#include "xmlscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_records(const struct rec_scan *s)
{
    for (uint32_t i = 0; i < s->nhosts; i++) {
        const struct rec_host *h = &s->hosts[i];
        if (i && addr_cmp(&s->hosts[i - 1].addr, &h->addr) >= 0)
            abort(); /* sorted, one record an address */
        if (h->status > HOST_DOWN || h->reason >= R_COUNT)
            abort();
        for (uint32_t k = 0; k < h->nports; k++) {
            const struct rec_port *p = &h->ports[k];
            if (p->proto >= PROTO_COUNT || p->state == PS_UNKNOWN || p->state >= PS_COUNT || p->reason >= R_COUNT)
                abort();
            if (k && (h->ports[k - 1].proto << 16 | h->ports[k - 1].port) >= (p->proto << 16 | p->port))
                abort();
        }
    }
}

static uint64_t write_both(const struct rec_scan *a, const struct rec_scan *b)
{
    uint64_t ct = 0, cj = 0;
    err_t e;
    FILE *f = fopen("/dev/null", "w");
    if (!f || diff_write_text(f, a, b, NULL, &ct, &e) < 0 || diff_write_json(f, a, b, NULL, &cj, &e) < 0 || ct != cj)
        abort();
    fclose(f);
    return ct;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a few kB of "1-65535" ranges are millions of ports: bound them */
    const struct xmlscan_limits lim = {.max_bytes = 1 << 16, .max_ports = 1 << 18};
    struct rec_scan s;
    err_t e = {{0}};
    if (xmlscan_mem((const char *)data, size, "fuzz", &lim, &s, &e) < 0) {
        if (strncmp(e.msg, "fuzz", 4) || strchr(e.msg, '\n') || s.hosts || s.nhosts || s.version || s.args)
            abort();
        return 0;
    }
    check_records(&s);
    struct rec_scan none = {0};
    if (write_both(&s, &s) != 0)
        abort(); /* a scan is its own equal */
    uint64_t gone = write_both(&s, &none);
    if (gone < s.nhosts) /* at least every host disappeared */
        abort();
    if (write_both(&none, &s) != gone)
        abort();
    scanrec_free(&s);
    return 0;
}
