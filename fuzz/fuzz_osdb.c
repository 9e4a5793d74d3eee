/* libFuzzer target for nmap-os-db and the matcher.  The input up to its
 * first NUL is loaded as an nmap-os-db file, twice: from memory and
 * streamed from a memfd, which must agree.  What follows the NUL is read
 * as an observed fingerprint (osfmt), or a fixed one if it is none, and
 * ranked against what loaded.  Malformed entries must be warned about (one
 * printable line naming the file) and skipped, never crash; the ranking
 * must be nmap's invariants: at most 36, best first, one per name, every
 * accuracy in [0, 1] and equal to the entry's own. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "os/osdb.h"
#include "os/osfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_warning(void *ctx, const char *msg)
{
    const char *name = ctx;
    size_t k = strlen(name);
    if (strncmp(msg, name, k) || (strncmp(msg + k, " line ", 6) && strncmp(msg + k, ": more", 6)))
        abort();
    for (const char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            abort();
}

static const char SEEN[] = "SEQ(SP=108%GCD=1%ISR=10C%TI=Z%CI=Z%II=I%TS=22)\n"
                           "T1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)\nT2(R=N)\n"
                           "U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)\n";

static void check_rank(const struct osdb *db, const struct osfp *fp)
{
    struct osdb_rank r;
    osdb_rank(db, fp, 0.5, &r);
    if (r.n > OSDB_RANK_MAX || r.nperfect > r.n)
        abort();
    for (uint32_t i = 0; i < r.n; i++) {
        double a = r.hit[i].accuracy;
        if (!(a >= 0 && a <= 1) || r.hit[i].entry >= db->nentries || a != osdb_accuracy(db, r.hit[i].entry, fp))
            abort();
        if (i && a > r.hit[i - 1].accuracy)
            abort();
        for (uint32_t j = 0; j < i; j++)
            if (db->entries[r.hit[j].entry].name == db->entries[r.hit[i].entry].name)
                abort();
    }
    struct os_match m[OS_MAX_MATCHES];
    uint32_t n = osdb_match(db, fp, 0.5, m, OS_MAX_MATCHES);
    for (uint32_t i = 0; i < n; i++)
        if (m[i].accuracy > 100 || m[i].nclass > OS_MAX_CLASSES || strlen(m[i].name) >= sizeof m[i].name)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t dblen = nul ? (size_t)(nul - data) : size;
    struct osdb db, db2;
    err_t e, e2;
    int rc = osdb_parse(&db, "nmap-os-db", (const char *)data, dblen, check_warning, "nmap-os-db", &e);

    char path[64];
    int fd = memfd_create("nmap-os-db", 0);
    if (fd < 0 || write(fd, data, dblen) != (ssize_t)dblen)
        abort();
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char name[64];
    snprintf(name, sizeof name, "%d", fd); /* the file's base name in messages */
    int rc2 = osdb_load(&db2, path, check_warning, name, &e2);
    close(fd);
    if (rc != rc2)
        abort();
    if (rc == 0) {
        if (db.nentries != db2.nentries || db.warnings != db2.warnings || db.npairs != db2.npairs ||
            db.pool_len != db2.pool_len || memcmp(db.pool, db2.pool, db.pool_len))
            abort();
        osdb_free(&db2);
        char *rest = nul ? strndup((const char *)nul + 1, size - dblen - 1) : NULL;
        struct osfp fp;
        if (!rest || osfmt_parse(rest, &fp) < 0)
            osfmt_parse(SEEN, &fp);
        free(rest);
        check_rank(&db, &fp);
        osdb_free(&db);
    } else if (strchr(e.msg, '\n')) {
        abort();
    }
    return 0;
}
