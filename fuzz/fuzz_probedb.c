/* libFuzzer target for the -sV inputs: a probe database and a service's
 * response.  The input's first half (to the first NUL) is loaded as an
 * nmap-service-probes file; the rest is matched as a response to every probe
 * it defines, with the version templates filled in.  Malformed lines must be
 * reported and skipped, never crash, and responses of any bytes must be
 * safe to match and print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "service/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t dblen = nul ? (size_t)(nul - data) : size;
    const uint8_t *resp = nul ? nul + 1 : data + size;
    size_t rlen = size - dblen - (nul ? 1 : 0);
    char path[64];
    int fd = memfd_create("probes", 0);
    if (fd < 0 || write(fd, data, dblen) != (ssize_t)dblen)
        abort();
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct probedb db;
    struct matcher m;
    err_t e;
    if (probedb_load(&db, path, NULL, NULL, &e) == 0) {
        if (matcher_init(&m, &db, &e) < 0)
            abort();
        for (uint32_t p = 0; p < db.nprobes; p++) {
            int mi = match_response(&m, &db.probes[p], resp, rlen);
            if (mi >= 0) {
                struct service_info si = {0};
                match_fill(&m, mi, resp, rlen, &si);
                for (int f = 0; f < SVC_FIELDS; f++)
                    free(si.field[f]);
                for (int c = 0; c < si.ncpe; c++)
                    free(si.cpe[c]);
            }
        }
        char *esc = escape_bytes(resp, rlen, 160);
        free(esc);
        matcher_free(&m);
        probedb_free(&db);
    }
    close(fd);
    return 0;
}
