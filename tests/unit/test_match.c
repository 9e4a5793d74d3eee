#include <stdio.h>
#include <stdlib.h>

#include "service/match.h"
#include "unit.h"

void test_match_templates(void);

static const char db_text[] =
    "Probe TCP NULL q||\n"
    "totalwaitms 6000\n"
    "match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w._-]+) Debian-(\\S+)\\r\\n| p/OpenSSH/ v/$2 Debian $3/"
    " i/protocol $1/ o/Linux/ cpe:/a:openbsd:openssh:$2/ cpe:/o:debian:debian_linux/"
    " cpe:/o:linux:linux_kernel/a cpe:/h:debian:Pkg:$3/\n"
    "match demo m|^D(.)(..)(.*)$|s p/$P(3)/ v/$I(2,\">\")/ i/$SUBST(1,\"x\",\"y\")/"
    " cpe:/a:demo:Lit_$P(3)$SUBST(1,\"x\",\"A B+\")/\n";

/* Fills a service_info from the first matching line for resp. */
static int fill(struct matcher *m, const struct probedb *db, const char *resp, size_t len,
                struct service_info *si)
{
    int mi = match_response(m, &db->probes[db->null_probe], (const uint8_t *)resp, len);
    if (mi >= 0)
        match_fill(m, mi, (const uint8_t *)resp, len, si);
    return mi;
}

static void clear(struct service_info *si)
{
    for (int i = 0; i < SVC_FIELDS; i++)
        free(si->field[i]);
    for (int i = 0; i < si->ncpe; i++)
        free(si->cpe[i]);
    *si = (struct service_info){0};
}

/* Version templates from a database in nmap's language: $n, $P, $I, $SUBST,
 * and nmap's CPE rule (one per part, the line's last of each wins). */
void test_match_templates(void)
{
    char path[] = "/tmp/scout-unit-probes.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(db_text, f);
    fclose(f);
    struct probedb db;
    struct matcher m;
    err_t e;
    int rc = probedb_load(&db, path, NULL, NULL, &e);
    remove(path);
    CHECK(rc == 0 && db.null_probe == 0 && db.nmatches == 2);
    if (rc != 0 || matcher_init(&m, &db, &e) != 0)
        return;
    struct service_info si = {0};
    const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    CHECK(fill(&m, &db, ssh, sizeof ssh - 1, &si) == 0);
    CHECK_STR(si.name, "ssh");
    CHECK_STR(si.field[SVC_VERSION], "9.2p1 Debian 2+deb12u3");
    CHECK_STR(si.field[SVC_INFO], "protocol 2.0");
    CHECK(si.ncpe == 3);
    CHECK_STR(si.cpe[0], "cpe:/a:openbsd:openssh:9.2p1");
    /* nmap's transform_cpe on what is substituted, not on the line's text */
    CHECK_STR(si.cpe[1], "cpe:/h:debian:Pkg:2%2Bdeb12u3");
    CHECK_STR(si.cpe[2], "cpe:/o:linux:linux_kernel");
    clear(&si);
    const char demo[] = "Dx\x01\x02name\x01\n";
    CHECK(fill(&m, &db, demo, sizeof demo - 1, &si) == 1);
    CHECK_STR(si.field[SVC_PRODUCT], "name"); /* $P: unprintable bytes dropped */
    CHECK_STR(si.field[SVC_VERSION], "258");  /* $I(2,">"): 0x0102 big-endian */
    CHECK_STR(si.field[SVC_INFO], "y");
    CHECK(si.ncpe == 1);
    CHECK_STR(si.cpe[0], "cpe:/a:demo:Lit_namea_b%2B");
    clear(&si);
    CHECK(fill(&m, &db, "HTTP/1.0 200 OK\r\n", 17, &si) == -1);
    matcher_free(&m);
    probedb_free(&db);
}
