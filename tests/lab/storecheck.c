/* storecheck: drives the results store (src/store) from the lab tests
 * (test_store.sh) and measures it, on either backend, without a scan:
 *
 *   storecheck open SPEC                 open and close it (exit 2 and the one-line message if not)
 *   storecheck roundtrip SPEC            a scan of every field written and read back
 *   storecheck shard SPEC KEY K N        shard K of N of a synthetic scan (256 hosts x 100 ports,
 *                                        each port decided by one shard); prints the scan id
 *   storecheck show SPEC ID|last         the merged scan, one line a port, canonical
 *   storecheck fill SPEC                 groups until a write fails: the failure, said once,
 *                                        and every group before it intact
 *   storecheck lock PATH SECONDS         holds a SQLite write transaction (another process)
 *   storecheck bench SPEC HOSTS PORTS GROUP   write and read throughput
 *
 * Exit 0 when it did what was asked, 1 when a check failed, 2 on a store
 * error (the message on stderr, as scout prints it). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static int die(const err_t *e)
{
    fprintf(stderr, "storecheck: %s\n", e->msg);
    return 2;
}

static int open_store(struct store **s, const char *spec)
{
    err_t e;
    if (store_open(s, spec, &e) < 0) {
        fprintf(stderr, "scout: %s\n", e.msg);
        return 2;
    }
    return 0;
}

/* ---- the synthetic scan (see test_store.sh) ---- */

#define SYN_HOSTS 256
#define SYN_PORTS 100
#define SYN_GROUP 64

static void syn_port(uint32_t i, uint16_t p, struct rec_port *rp)
{
    uint32_t v = (i + p) % 10;
    *rp = (struct rec_port){.proto = PROTO_TCP, .port = p,
                            .state = v == 0 ? PS_OPEN : v < 3 ? PS_CLOSED : PS_FILTERED,
                            .reason = v == 0 ? R_SYN_ACK : v < 3 ? R_RESET : R_NO_RESPONSE,
                            .ttl = v < 3 ? 64 : 0};
    if (p == 80 && v == 0)
        rp->service = strdup("http"), rp->product = strdup("nginx");
}

/* Host i as shard k of n saw it: down everywhere (i % 7), up in one shard
 * only with every port (i % 11), else up with the ports p % n == k - 1. */
static void syn_host(uint32_t i, uint32_t k, uint32_t n, struct rec_host *h)
{
    memset(h, 0, sizeof *h);
    h->addr = addr_v4(0x0a090000 + i);
    bool all = i % 11 == 0 && k == (i / 11) % n + 1;
    bool up = i % 7 != 0 && (i % 11 != 0 || all);
    h->status = up ? HOST_UP : HOST_DOWN;
    h->reason = up ? R_ECHO_REPLY : R_NO_RESPONSE;
    h->ports = up ? calloc(SYN_PORTS, sizeof *h->ports) : NULL;
    for (uint16_t p = 1; up && p <= SYN_PORTS; p++)
        if (all || p % n == k - 1)
            syn_port(i, p, &h->ports[h->nports++]);
}

static int run_shard(const char *spec, const char *key, uint32_t k, uint32_t n)
{
    struct store *s;
    if (open_store(&s, spec))
        return 2;
    err_t e;
    struct rec_scan sc = {.key = (char *)key, .args = (char *)"storecheck shard", .version = (char *)"scout test",
                          .seed = 42, .shard_k = k, .shard_n = n, .start = 1000 + k};
    int rc = store_scan_begin(s, &sc, &e);
    for (uint32_t g = 0; rc == 0 && g < SYN_HOSTS; g += SYN_GROUP) {
        struct rec_host h[SYN_GROUP];
        for (uint32_t i = 0; i < SYN_GROUP; i++)
            syn_host(g + i, k, n, &h[i]);
        char ck[32];
        snprintf(ck, sizeof ck, "after %u", g + SYN_GROUP);
        rc = store_hosts(s, sc.id, h, SYN_GROUP, ck, strlen(ck), &e);
        for (uint32_t i = 0; i < SYN_GROUP; i++)
            scanrec_host_free(&h[i]);
    }
    if (rc == 0)
        rc = store_scan_end(s, sc.id, 2000 + k, true, &e);
    store_close(s);
    if (rc < 0)
        return die(&e);
    printf("%lld\n", (long long)sc.id);
    return 0;
}

static int run_show(const char *spec, const char *which)
{
    struct store *s;
    if (open_store(&s, spec))
        return 2;
    err_t e;
    int64_t id = atoll(which);
    struct rec_scan m = {0};
    int rc = strcmp(which, "last") ? 0 : store_last_scan(s, false, &id, &e);
    if (rc == 0)
        rc = store_load(s, id, &m, &e);
    store_close(s);
    if (rc < 0)
        return die(&e);
    printf("scan finished=%d shard_n=%u hosts=%u\n", m.finished, m.shard_n, m.nhosts);
    for (uint32_t i = 0; i < m.nhosts; i++) {
        const struct rec_host *h = &m.hosts[i];
        char a[ADDR_STRLEN];
        addr_str(&h->addr, a, sizeof a);
        printf("%s %s %s partial=%d\n", a, h->status == HOST_UP ? "up" : "down", reason_name(h->reason), h->partial);
        for (uint32_t j = 0; j < h->nports; j++) {
            const struct rec_port *p = &h->ports[j];
            printf("%s %u/%s %s %s %u %s %s\n", a, p->port, proto_name(p->proto), state_name(p->state),
                   reason_name(p->reason), p->ttl, p->service ? p->service : "-", p->product ? p->product : "-");
        }
    }
    scanrec_free(&m);
    return 0;
}

/* ---- round trip ---- */

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int run_roundtrip(const char *spec)
{
    struct store *s;
    if (open_store(&s, spec))
        return 2;
    err_t e;
    struct rec_scan sc = {.key = (char *)"rt", .args = (char *)"scout -sV \xe9t\xe9 'quoted' \\ back",
                          .version = (char *)"scout 0.1.0", .seed = UINT64_MAX, .shard_k = 1, .shard_n = 1,
                          .start = 1234.5};
    struct rec_host h = {.status = HOST_UP, .reason = R_ARP_RESPONSE, .has_mac = true,
                         .mac = {0x52, 0x54, 0, 0xab, 0xcd, 0xef}, .vendor = (char *)"QEMU",
                         .name = (char *)"t6.lab.test", .os = (char *)"Linux 6.1", .partial = true};
    addr_parse("2001:2::60", &h.addr);
    struct rec_port ports[3] = {
        {.proto = PROTO_TCP, .port = 21, .state = PS_OPEN, .reason = R_SYN_ACK, .ttl = 64, .service = (char *)"ftp",
         .product = (char *)"vsftpd", .version = (char *)"3.0.3", .extrainfo = (char *)"tab\there\nnl \\ \x01",
         .cpe = (char *)"cpe:/a:vsftpd:vsftpd:3.0.3"},
        {.proto = PROTO_TCP, .port = 443, .state = PS_OPEN, .reason = R_SYN_ACK, .ttl = 63, .service = (char *)"http",
         .tunnel = (char *)"ssl", .product = (char *)"bad \xff\xc0 utf8 \xe2\x82\xac"},
        {.proto = PROTO_UDP, .port = 53, .state = PS_OPEN_FILTERED, .reason = R_NO_RESPONSE}};
    h.ports = ports, h.nports = 3;
    struct rec_scan m = {0};
    int rc = store_scan_begin(s, &sc, &e);
    if (rc == 0)
        rc = store_hosts(s, sc.id, &h, 1, "\0\1\2binary", 9, &e);
    if (rc == 0)
        rc = store_scan_end(s, sc.id, 1240.25, true, &e);
    if (rc == 0)
        rc = store_load(s, sc.id, &m, &e);
    void *blob = NULL;
    size_t len = 0;
    if (rc == 0)
        rc = store_get_checkpoint(s, sc.id, &blob, &len, &e);
    store_close(s);
    if (rc < 0)
        return die(&e);
    const struct rec_host *g = m.nhosts == 1 ? &m.hosts[0] : NULL;
    const char *bad = !g ? "hosts" : m.seed != UINT64_MAX ? "seed" : !m.finished || m.end != 1240.25 ? "end"
                    : !same(m.args, "scout -sV ?t? 'quoted' \\ back") ? "args (made UTF-8)"
                    : !addr_eq(&g->addr, &h.addr) || !g->partial || g->reason != R_ARP_RESPONSE ? "host"
                    : !g->has_mac || memcmp(g->mac, h.mac, 6) || !same(g->vendor, "QEMU") ? "MAC"
                    : !same(g->name, h.name) || !same(g->os, h.os) ? "names"
                    : g->nports != 3 ? "ports"
                    : !same(g->ports[0].extrainfo, ports[0].extrainfo) || !same(g->ports[0].cpe, ports[0].cpe) ? "service"
                    : !same(g->ports[1].tunnel, "ssl") || !same(g->ports[1].product, "bad ?? utf8 \xe2\x82\xac") ? "tunnel"
                    : g->ports[1].ttl != 63 || g->ports[2].proto != PROTO_UDP || g->ports[2].service ? "udp"
                    : len != 9 || memcmp(blob, "\0\1\2binary", 9) ? "checkpoint" : NULL;
    free(blob);
    scanrec_free(&m);
    if (bad && !strcmp(bad, "args (made UTF-8)") && strstr(spec, "://") == NULL)
        bad = NULL; /* SQLite keeps bytes as they are; only PostgreSQL needs UTF-8 */
    if (bad) {
        printf("roundtrip: %s differ\n", bad);
        return 1;
    }
    printf("roundtrip ok\n");
    return 0;
}

/* ---- a full disk ---- */

static int run_fill(const char *spec)
{
    struct store *s;
    if (open_store(&s, spec))
        return 2;
    err_t e;
    struct rec_scan sc = {.key = (char *)"fill", .args = (char *)"storecheck fill", .shard_k = 1, .shard_n = 1};
    int rc = store_scan_begin(s, &sc, &e);
    uint32_t groups = 0;
    for (; rc == 0 && groups < 100000; groups++) {
        struct rec_host h[SYN_GROUP];
        for (uint32_t i = 0; i < SYN_GROUP; i++)
            syn_host(i, 1, 1, &h[i]), h[i].addr = addr_v4(0x0b000000 + groups * SYN_GROUP + i);
        char ck[32];
        snprintf(ck, sizeof ck, "group %u", groups);
        rc = store_hosts(s, sc.id, h, SYN_GROUP, ck, strlen(ck), &e);
        for (uint32_t i = 0; i < SYN_GROUP; i++)
            scanrec_host_free(&h[i]);
    }
    store_close(s);
    if (rc == 0) {
        printf("fill: 100000 groups written, no failure\n");
        return 1;
    }
    groups--; /* the failing one */
    printf("fill: %u groups, then: %s\n", groups, e.msg);
    /* everything before the failure is there, the failing group is not */
    struct rec_scan m = {0};
    void *blob = NULL;
    size_t len = 0;
    if (open_store(&s, spec))
        return 2;
    rc = store_load(s, sc.id, &m, &e);
    if (rc == 0)
        rc = store_get_checkpoint(s, sc.id, &blob, &len, &e);
    store_close(s);
    if (rc < 0)
        return die(&e);
    char want[32];
    snprintf(want, sizeof want, "group %u", groups ? groups - 1 : 0);
    bool ok = m.nhosts == groups * SYN_GROUP && (!groups || (len == strlen(want) && !memcmp(blob, want, len)));
    printf("fill: read back %u hosts (want %u), checkpoint '%.*s'\n", m.nhosts, groups * SYN_GROUP, (int)len,
           blob ? (char *)blob : "");
    free(blob);
    scanrec_free(&m);
    return ok ? 0 : 1;
}

/* ---- another process's lock ---- */

static int run_lock(const char *path, int seconds)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO codes VALUES ('lock', 0, 'held')", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "storecheck: lock: %s\n", sqlite3_errmsg(db));
        return 2;
    }
    printf("locked\n");
    fflush(stdout);
    sleep((unsigned)seconds);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return 0;
}

/* ---- throughput ---- */

static int run_bench(const char *spec, uint32_t nhosts, uint32_t nports, uint32_t group)
{
    struct store *s;
    if (open_store(&s, spec))
        return 2;
    err_t e;
    struct rec_scan sc = {.key = (char *)"bench", .args = (char *)"storecheck bench", .shard_k = 1, .shard_n = 1};
    int rc = store_scan_begin(s, &sc, &e);
    struct rec_host *h = calloc(group, sizeof *h);
    uint64_t built = 0, t0 = now_ns();
    for (uint32_t g = 0; rc == 0 && g < nhosts; g += group) {
        uint32_t n = MIN(group, nhosts - g);
        uint64_t b0 = now_ns(); /* building the records is the scan's cost, not the store's */
        for (uint32_t i = 0; i < n; i++) {
            h[i] = (struct rec_host){.addr = addr_v4(0x0a000000 + g + i), .status = HOST_UP, .reason = R_USER_SET};
            h[i].ports = calloc(nports, sizeof *h[i].ports);
            for (uint32_t p = 0; p < nports; p++)
                h[i].ports[h[i].nports++] = (struct rec_port){.proto = PROTO_TCP, .port = (uint16_t)(p * 7 + 1),
                                                              .state = PS_FILTERED, .reason = R_NO_RESPONSE};
        }
        built += now_ns() - b0;
        rc = store_hosts(s, sc.id, h, n, "ck", 2, &e);
        for (uint32_t i = 0; i < n; i++)
            scanrec_host_free(&h[i]);
    }
    free(h);
    double wsec = (double)(now_ns() - t0 - built) / 1e9;
    struct rec_scan m = {0};
    t0 = now_ns();
    if (rc == 0)
        rc = store_load(s, sc.id, &m, &e);
    double rsec = (double)(now_ns() - t0) / 1e9;
    store_close(s);
    if (rc < 0)
        return die(&e);
    double rows = (double)nhosts * nports;
    printf("bench %s: %u hosts x %u ports in groups of %u: write %.2f s (%.0f ports/s), load and merge %.2f s "
           "(%u hosts back)\n", strstr(spec, "://") ? "postgresql" : "sqlite", nhosts, nports, group, wsec,
           rows / wsec, rsec, m.nhosts);
    scanrec_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 2 ? argv[1] : "", *spec = argc > 2 ? argv[2] : NULL;
    if (!strcmp(cmd, "open") && argc == 3) {
        struct store *s;
        int rc = open_store(&s, spec);
        if (rc == 0)
            store_close(s);
        return rc;
    }
    if (!strcmp(cmd, "roundtrip") && argc == 3)
        return run_roundtrip(spec);
    if (!strcmp(cmd, "shard") && argc == 6)
        return run_shard(spec, argv[3], (uint32_t)atoi(argv[4]), (uint32_t)atoi(argv[5]));
    if (!strcmp(cmd, "show") && argc == 4)
        return run_show(spec, argv[3]);
    if (!strcmp(cmd, "fill") && argc == 3)
        return run_fill(spec);
    if (!strcmp(cmd, "lock") && argc == 4)
        return run_lock(spec, atoi(argv[3]));
    if (!strcmp(cmd, "bench") && argc == 6)
        return run_bench(spec, (uint32_t)atoi(argv[3]), (uint32_t)atoi(argv[4]), (uint32_t)atoi(argv[5]));
    fprintf(stderr, "usage: storecheck open|roundtrip|shard|show|fill|lock|bench SPEC ...\n");
    return 2;
}
