/* The results store's SQLite backend (and the parts shared with
 * PostgreSQL's, whose own test is tests/lab/test_store.sh): round trips,
 * merging a fleet's shards, checkpoints, imports, every bad input, and
 * writes after dropping privileges. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/backend.h"
#include "unit.h"

void test_store_roundtrip(void);
void test_store_merge(void);
void test_store_last_and_checkpoint(void);
void test_store_import(void);
void test_store_packing(void);
void test_store_bad_files(void);
void test_store_locked(void);
void test_store_full_disk(void);
void test_store_bad_urls(void);
void test_store_default_path(void);
void test_store_privileges(void);

/* From <grp.h>, which cannot be included beside results.h's struct group. */
int setgroups(size_t n, const gid_t *groups);

/* ---- helpers ---- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool temp_dir(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/scout-store-XXXXXX");
    if (!mkdtemp(dir)) {
        CHECK(0);
        return false;
    }
    return true;
}

static char *sdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A host with n ports: port numbers, states and reasons from the arrays. */
static struct rec_host host(const char *addr, uint8_t status, uint32_t n, const uint16_t *ports,
                            const uint8_t *states)
{
    struct rec_host h = {.status = status, .reason = status == HOST_UP ? R_ECHO_REPLY : R_NO_RESPONSE};
    CHECK(addr_parse(addr, &h.addr) == 0);
    h.ports = n ? calloc(n, sizeof *h.ports) : NULL;
    for (uint32_t i = 0; i < n; i++)
        h.ports[i] = (struct rec_port){.proto = PROTO_TCP, .port = ports[i], .state = states[i],
                                       .reason = states[i] == PS_OPEN ? R_SYN_ACK : states[i] == PS_CLOSED ? R_RESET
                                                                                                        : R_NO_RESPONSE,
                                       .ttl = states[i] == PS_FILTERED ? 0 : 64};
    h.nports = n;
    return h;
}

static void free_hosts(struct rec_host *h, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        scanrec_host_free(&h[i]);
}

static struct rec_scan scan_meta(const char *key, uint32_t k, uint32_t n, double start)
{
    return (struct rec_scan){.key = (char *)key, .args = (char *)"scout -sS -p 22,80,443 198.18.0.0/30",
                             .version = (char *)"scout 0.1.0", .seed = 0xfedcba9876543210ULL, .shard_k = k,
                             .shard_n = n, .start = start};
}

static struct store *open_at(const char *dir, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    struct store *s = NULL;
    err_t e;
    if (store_open(&s, path, &e) < 0) {
        fprintf(stderr, "    %s\n", e.msg);
        CHECK(0);
    }
    return s;
}

static const struct rec_port *find_port(const struct rec_host *h, uint8_t proto, uint16_t port)
{
    for (uint32_t i = 0; i < h->nports; i++)
        if (h->ports[i].proto == proto && h->ports[i].port == port)
            return &h->ports[i];
    return NULL;
}

/* One value of SQL run straight on the file (NULL: none), for checking what
 * the schema shows a SQL reader. */
static char *sql_value(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static bool sql_is(const char *path, const char *sql, const char *want)
{
    char *v = sql_value(path, sql);
    bool ok = v && !strcmp(v, want);
    if (!ok)
        fprintf(stderr, "    %s -> '%s', want '%s'\n", sql, v ? v : "(null)", want);
    free(v);
    return ok;
}

static int sql_run(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* Three hosts of one group: every field, an IPv6 one, a down one. */
static uint32_t sample_hosts(struct rec_host *h)
{
    static const uint16_t p0[] = {22, 80, 443, 8080};
    static const uint8_t s0[] = {PS_OPEN, PS_OPEN, PS_CLOSED, PS_UNKNOWN};
    h[0] = host("198.18.0.10", HOST_UP, 4, p0, s0);
    h[0].has_mac = true;
    memcpy(h[0].mac, "\x52\x54\x00\x12\x34\x56", 6);
    h[0].vendor = sdup("QEMU virtual NIC");
    h[0].name = sdup("t1.lab.test");
    h[0].os = sdup("Linux 5.0 - 5.14");
    h[0].ports[0].service = sdup("ssh");
    h[0].ports[0].product = sdup("OpenSSH");
    h[0].ports[0].version = sdup("9.2p1 Debian 2+deb12u3");
    h[0].ports[0].extrainfo = sdup("protocol 2.0\ttab\nnewline \\ back");
    h[0].ports[0].cpe = sdup("cpe:/a:openbsd:openssh:9.2p1");
    h[0].ports[1].service = sdup("http");
    h[0].ports[1].tunnel = sdup("ssl");
    h[0].ports[1].product = sdup("nginx \xff\xfe bytes");
    static const uint16_t p1[] = {53, 65535};
    static const uint8_t s1[] = {PS_OPEN_FILTERED, PS_CLOSED_FILTERED};
    h[1] = host("2001:2::40", HOST_UP, 2, p1, s1);
    h[1].ports[0].proto = PROTO_UDP;
    h[1].ports[0].ttl = 255;
    h[1].partial = true;
    h[2] = host("198.18.0.99", HOST_DOWN, 0, NULL, NULL);
    return 3;
}

/* ---- round trip ---- */

void test_store_roundtrip(void)
{
    char dir[64];
    if (!temp_dir(dir, sizeof dir))
        return;
    struct store *s = open_at(dir, "scout.db");
    if (!s)
        return;
    err_t e;
    struct rec_scan sc = scan_meta("key-1", 1, 1, 1000.5);
    CHECK(store_scan_begin(s, &sc, &e) == 0 && sc.id > 0);
    struct rec_host h[3];
    uint32_t n = sample_hosts(h);
    CHECK(store_hosts(s, sc.id, h, 2, NULL, 0, &e) == 0);
    CHECK(store_hosts(s, sc.id, h + 2, 1, "ck", 2, &e) == 0);
    CHECK(store_scan_end(s, sc.id, 1010.25, true, &e) == 0);
    CHECK(store_scan_end(s, 999, 1, true, &e) < 0 && strstr(e.msg, "no scan 999"));
    store_close(s);

    s = open_at(dir, "scout.db"); /* reopened: nothing kept in memory */
    struct rec_scan got;
    if (!s || store_load(s, sc.id, &got, &e) < 0) {
        CHECK(0);
        store_close(s);
        free_hosts(h, n);
        rm_tree(dir);
        return;
    }
    CHECK_STR(got.key, "key-1");
    CHECK_STR(got.args, sc.args);
    CHECK_STR(got.version, "scout 0.1.0");
    CHECK(got.seed == 0xfedcba9876543210ULL && got.shard_k == 1 && got.shard_n == 1);
    CHECK(got.start == 1000.5 && got.end == 1010.25 && got.finished);
    CHECK(got.nhosts == 3);
    if (got.nhosts == 3) {
        /* sorted by address: IPv4 first */
        const struct rec_host *a = &got.hosts[0], *d = &got.hosts[1], *v6 = &got.hosts[2];
        char buf[ADDR_STRLEN];
        CHECK_STR(addr_str(&a->addr, buf, sizeof buf), "198.18.0.10");
        CHECK_STR(addr_str(&d->addr, buf, sizeof buf), "198.18.0.99");
        CHECK_STR(addr_str(&v6->addr, buf, sizeof buf), "2001:2::40");
        CHECK(a->status == HOST_UP && a->reason == R_ECHO_REPLY && !a->partial);
        CHECK(a->has_mac && !memcmp(a->mac, "\x52\x54\x00\x12\x34\x56", 6));
        CHECK_STR(a->vendor, "QEMU virtual NIC");
        CHECK_STR(a->name, "t1.lab.test");
        CHECK_STR(a->os, "Linux 5.0 - 5.14");
        CHECK(a->nports == 3); /* the undecided 8080 is never stored */
        const struct rec_port *p22 = find_port(a, PROTO_TCP, 22), *p80 = find_port(a, PROTO_TCP, 80),
                              *p443 = find_port(a, PROTO_TCP, 443);
        CHECK(p22 && p22->state == PS_OPEN && p22->reason == R_SYN_ACK && p22->ttl == 64);
        CHECK(p22 && p22->service && !strcmp(p22->service, "ssh") && !p22->tunnel);
        CHECK(p22 && p22->extrainfo && !strcmp(p22->extrainfo, "protocol 2.0\ttab\nnewline \\ back"));
        CHECK(p22 && p22->cpe && !strcmp(p22->cpe, "cpe:/a:openbsd:openssh:9.2p1"));
        CHECK(p80 && p80->tunnel && !strcmp(p80->tunnel, "ssl") && !p80->version);
        CHECK(p80 && p80->product && !strcmp(p80->product, "nginx \xff\xfe bytes"));
        CHECK(p443 && p443->state == PS_CLOSED && p443->reason == R_RESET && !p443->service);
        CHECK(!find_port(a, PROTO_TCP, 8080));
        CHECK(d->status == HOST_DOWN && d->nports == 0 && !d->has_mac && !d->vendor);
        CHECK(v6->partial && v6->nports == 2);
        CHECK(v6->nports == 2 && v6->ports[0].proto == PROTO_TCP && v6->ports[0].port == 65535 &&
              v6->ports[0].state == PS_CLOSED_FILTERED);
        CHECK(v6->nports == 2 && v6->ports[1].proto == PROTO_UDP && v6->ports[1].port == 53 &&
              v6->ports[1].ttl == 255 && v6->ports[1].state == PS_OPEN_FILTERED);
    }
    scanrec_free(&got);
    CHECK(store_load(s, 4242, &got, &e) < 0 && strstr(e.msg, "no scan 4242") && strstr(e.msg, "results store "));
    store_close(s);

    /* What a SQL reader sees: the documented tables and views. */
    char path[256];
    snprintf(path, sizeof path, "%s/scout.db", dir);
    CHECK(sql_is(path, "SELECT version FROM schema_version", "1"));
    CHECK(sql_is(path, "PRAGMA journal_mode", "wal"));
    CHECK(sql_is(path, "SELECT count(*) FROM ports", "5"));
    CHECK(sql_is(path, "SELECT state || '/' || reason || '/' || ttl FROM ports WHERE port = 22", "1/1/64"));
    CHECK(sql_is(path, "SELECT address || ' ' || protocol || '/' || port || ' ' || state || ' ' || reason || ' ' ||"
                       " service || ' ' || product FROM port_report WHERE port = 22",
                 "198.18.0.10 tcp/22 open syn-ack ssh OpenSSH"));
    CHECK(sql_is(path, "SELECT protocol || ' ' || state || ' ' || ttl FROM port_report WHERE port = 53",
                 "udp open|filtered 255"));
    CHECK(sql_is(path, "SELECT name FROM codes WHERE kind = 'status' AND code = 2", "down"));
    CHECK(sql_is(path, "SELECT count(*) FROM services", "2"));
    CHECK(sql_is(path, "SELECT seed FROM scans", "18364758544493064720"));
    CHECK(sql_is(path, "SELECT length(blob) FROM checkpoints", "2"));
    free_hosts(h, n);
    rm_tree(dir);
}

/* ---- merging shards ---- */

/* Two shards of one key, each deciding its share of the same hosts, plus a
 * scan of another key that must stay out. */
void test_store_merge(void)
{
    char dir[64];
    if (!temp_dir(dir, sizeof dir))
        return;
    struct store *s = open_at(dir, "m.db");
    if (!s) {
        rm_tree(dir);
        return;
    }
    err_t e;
    struct rec_scan a = scan_meta("fleet", 1, 2, 100), b = scan_meta("fleet", 2, 2, 90),
                    other = scan_meta("other", 1, 1, 200);
    CHECK(store_scan_begin(s, &a, &e) == 0 && store_scan_begin(s, &b, &e) == 0);
    CHECK(store_scan_begin(s, &other, &e) == 0);

    static const uint16_t pa[] = {22, 443}, pb[] = {80, 443}, pc[] = {25};
    static const uint8_t sa[] = {PS_OPEN, PS_CLOSED}, sb[] = {PS_OPEN, PS_FILTERED}, sc[] = {PS_OPEN};
    struct rec_host ha[2] = {host("198.18.0.10", HOST_UP, 2, pa, sa), host("198.18.0.20", HOST_DOWN, 0, NULL, NULL)};
    ha[0].ports[0].service = sdup("ssh");
    struct rec_host hb[2] = {host("198.18.0.10", HOST_UP, 2, pb, sb), host("198.18.0.20", HOST_UP, 1, pc, sc)};
    hb[0].name = sdup("t1.lab.test");
    hb[1].partial = true;
    struct rec_host ho[1] = {host("198.18.0.10", HOST_UP, 1, pc, sc)};
    CHECK(store_hosts(s, a.id, ha, 2, NULL, 0, &e) == 0);
    CHECK(store_hosts(s, b.id, hb, 2, NULL, 0, &e) == 0);
    CHECK(store_hosts(s, other.id, ho, 1, NULL, 0, &e) == 0);
    CHECK(store_scan_end(s, a.id, 150, true, &e) == 0);

    struct rec_scan m;
    CHECK(store_load(s, b.id, &m, &e) == 0);
    CHECK(m.id == b.id && m.nhosts == 2 && m.shard_k == 0 && m.shard_n == 2);
    CHECK(m.start == 90 && m.end == 150 && !m.finished); /* shard 2 has not finished */
    if (m.nhosts == 2) {
        const struct rec_host *t1 = &m.hosts[0], *t2 = &m.hosts[1];
        CHECK(t1->status == HOST_UP && t1->nports == 3 && !t1->partial);
        CHECK_STR(t1->name, "t1.lab.test");
        CHECK(t1->nports == 3 && t1->ports[0].port == 22 && t1->ports[1].port == 80 && t1->ports[2].port == 443);
        CHECK(t1->nports == 3 && t1->ports[0].service && !strcmp(t1->ports[0].service, "ssh"));
        /* 443, decided by both: the later row's */
        CHECK(t1->nports == 3 && t1->ports[2].state == PS_FILTERED);
        CHECK(!find_port(t1, PROTO_TCP, 25)); /* the other key's */
        CHECK(t2->status == HOST_UP && t2->reason == R_ECHO_REPLY); /* down in a, up in b */
        CHECK(t2->partial && t2->nports == 1);
    }
    scanrec_free(&m);

    /* Shard 2 finishes: the scan is; loading by either id gives the same. */
    CHECK(store_scan_end(s, b.id, 160, true, &e) == 0);
    CHECK(store_load(s, a.id, &m, &e) == 0);
    CHECK(m.id == a.id && m.finished && m.end == 160 && m.nhosts == 2);
    scanrec_free(&m);
    CHECK(store_load(s, other.id, &m, &e) == 0);
    CHECK(m.nhosts == 1 && m.shard_k == 1 && m.hosts[0].nports == 1);
    scanrec_free(&m);

    /* A resumed scan stores a host again: its last row says whether it is partial. */
    struct rec_scan r = scan_meta("resumed", 1, 1, 300);
    CHECK(store_scan_begin(s, &r, &e) == 0);
    struct rec_host first = host("198.18.0.30", HOST_UP, 1, pa, sa), again = host("198.18.0.30", HOST_UP, 1, pb, sb);
    first.partial = true;
    CHECK(store_hosts(s, r.id, &first, 1, NULL, 0, &e) == 0 && store_hosts(s, r.id, &again, 1, NULL, 0, &e) == 0);
    CHECK(store_load(s, r.id, &m, &e) == 0);
    CHECK(m.nhosts == 1 && !m.hosts[0].partial && m.hosts[0].nports == 2);
    scanrec_free(&m);
    scanrec_host_free(&first), scanrec_host_free(&again);

    /* A scan without a key is alone. */
    struct rec_scan lone = scan_meta(NULL, 1, 1, 400);
    CHECK(store_scan_begin(s, &lone, &e) == 0 && store_hosts(s, lone.id, ho, 1, NULL, 0, &e) == 0);
    CHECK(store_load(s, lone.id, &m, &e) == 0 && m.nhosts == 1 && !m.key);
    scanrec_free(&m);

    free_hosts(ha, 2), free_hosts(hb, 2), free_hosts(ho, 1);
    store_close(s);
    rm_tree(dir);
}

/* ---- last scans, checkpoints ---- */

void test_store_last_and_checkpoint(void)
{
    char dir[64];
    if (!temp_dir(dir, sizeof dir))
        return;
    struct store *s = open_at(dir, "c.db");
    if (!s) {
        rm_tree(dir);
        return;
    }
    err_t e;
    int64_t id = -1;
    CHECK(store_last_scan(s, false, &id, &e) == 0 && id == 0);
    CHECK(store_last_scan(s, true, &id, &e) == 0 && id == 0);
    struct rec_scan s1 = scan_meta("a", 1, 1, 10), s2 = scan_meta("b", 1, 1, 20), s3 = scan_meta("c", 1, 1, 5);
    CHECK(store_scan_begin(s, &s1, &e) == 0 && store_scan_begin(s, &s2, &e) == 0 &&
          store_scan_begin(s, &s3, &e) == 0);
    CHECK(store_scan_end(s, s2.id, 30, true, &e) == 0);
    CHECK(store_last_scan(s, false, &id, &e) == 0 && id == s2.id); /* by start, not by id */
    CHECK(store_last_scan(s, true, &id, &e) == 0 && id == s1.id);
    CHECK(store_scan_end(s, s1.id, 30, false, &e) == 0); /* interrupted: still to resume */
    CHECK(store_last_scan(s, true, &id, &e) == 0 && id == s1.id);

    void *blob = (void *)1;
    size_t len = 99;
    CHECK(store_get_checkpoint(s, s1.id, &blob, &len, &e) == 0 && !blob && len == 0);
    CHECK(store_checkpoint(s, s1.id, "first", 5, &e) == 0);
    CHECK(store_checkpoint(s, s1.id, "second\0bin", 10, &e) == 0);
    CHECK(store_get_checkpoint(s, s1.id, &blob, &len, &e) == 0 && len == 10 && !memcmp(blob, "second\0bin", 10));
    free(blob);
    CHECK(store_checkpoint(s, s1.id, "", 0, &e) == 0);
    CHECK(store_get_checkpoint(s, s1.id, &blob, &len, &e) == 0 && blob && len == 0);
    free(blob);
    /* with a group's hosts, in one transaction */
    struct rec_host h = host("198.18.0.1", HOST_UP, 0, NULL, NULL);
    CHECK(store_hosts(s, s1.id, &h, 1, "third", 5, &e) == 0);
    CHECK(store_get_checkpoint(s, s1.id, &blob, &len, &e) == 0 && len == 5 && !memcmp(blob, "third", 5));
    free(blob);
    /* a checkpoint or hosts of a scan that is not there: refused, the others kept */
    CHECK(store_checkpoint(s, 777, "x", 1, &e) < 0 && strstr(e.msg, "FOREIGN KEY constraint failed"));
    CHECK(store_hosts(s, 777, &h, 1, NULL, 0, &e) < 0 && strstr(e.msg, "FOREIGN KEY"));
    CHECK(store_get_checkpoint(s, s2.id, &blob, &len, &e) == 0 && !blob);
    store_close(s);
    char path[256];
    snprintf(path, sizeof path, "%s/c.db", dir);
    CHECK(sql_is(path, "SELECT count(*) FROM checkpoints WHERE scan = 1", "1"));
    rm_tree(dir);
}

/* ---- import ---- */

void test_store_import(void)
{
    char dir[64];
    if (!temp_dir(dir, sizeof dir))
        return;
    struct store *s = open_at(dir, "i.db");
    if (!s) {
        rm_tree(dir);
        return;
    }
    err_t e;
    struct rec_scan sc = scan_meta("nmap:abc", 1, 1, 50);
    sc.key = sdup("nmap:abc"), sc.args = sdup("nmap -sV -oX x.xml t1"), sc.version = sdup("nmap 7.93");
    sc.end = 60;
    sc.hosts = calloc(3, sizeof *sc.hosts);
    sc.nhosts = sample_hosts(sc.hosts);
    CHECK(store_import(s, &sc, &e) == 0 && sc.id > 0);
    int64_t id;
    CHECK(store_last_scan(s, true, &id, &e) == 0 && id == 0); /* imported: finished */
    struct rec_scan got;
    CHECK(store_load(s, sc.id, &got, &e) == 0);
    CHECK(got.finished && got.end == 60 && got.nhosts == 3);
    CHECK_STR(got.version, "nmap 7.93");
    CHECK(got.nhosts == 3 && got.hosts[0].nports == 3 && got.hosts[2].nports == 2);
    scanrec_free(&got);

    /* A bad record (a state no scout has) refuses the whole import. */
    sc.hosts[1].ports[0].state = 42;
    CHECK(store_import(s, &sc, &e) < 0 && strstr(e.msg, "state 42"));
    CHECK(store_last_scan(s, false, &id, &e) == 0 && id == sc.id);
    scanrec_free(&sc);
    store_close(s);
    rm_tree(dir);
}

/* ---- the packed form ---- */

void test_store_packing(void)
{
    err_t e;
    struct buf b = {0};
    static const uint16_t p[] = {0, 1, 65535};
    static const uint8_t st[] = {PS_CLOSED_FILTERED, PS_OPEN, PS_UNFILTERED};
    struct rec_host h = host("10.0.0.1", HOST_UP, 3, p, st);
    h.ports[2].proto = PROTO_UDP;
    h.ports[2].reason = R_MASK_REPLY;
    h.ports[2].ttl = 255;
    CHECK(store_pack_ports(&h, &b, &e) == 0);
    struct rec_host back = {0};
    CHECK(store_unpack_ports(b.p, b.len, &back, &e) == 0 && back.nports == 3);
    for (uint32_t i = 0; i < 3 && back.nports == 3; i++)
        CHECK(back.ports[i].proto == h.ports[i].proto && back.ports[i].port == h.ports[i].port &&
              back.ports[i].state == h.ports[i].state && back.ports[i].reason == h.ports[i].reason &&
              back.ports[i].ttl == h.ports[i].ttl);
    scanrec_host_free(&back);
    /* the documented layout */
    struct rec_host one = host("10.0.0.1", HOST_UP, 1, p + 2, st + 1);
    CHECK(store_pack_ports(&one, &b, &e) == 0);
    char want[32];
    snprintf(want, sizeof want, "[%llu]", 65535ULL | 1ULL << 18 | (unsigned long long)R_SYN_ACK << 22 | 64ULL << 29);
    CHECK_STR(b.p, want);
    scanrec_host_free(&one);

    static const char *const bad[] = {"", "x", "[", "[1", "[1,]", "[,1]", "[-1]", "[1.5]", "[1] x", "[99999999999999]",
                                      "[137438953472]", "[1,,2]", "{}"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        CHECK(store_unpack_ports(bad[i], strlen(bad[i]), &back, &e) < 0);
        scanrec_host_free(&back);
    }
    static const char *const good[] = {"[]", " [ ] ", "[ 262145 , 262146 ]"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        CHECK(store_unpack_ports(good[i], strlen(good[i]), &back, &e) == 0);
        scanrec_host_free(&back);
    }
    /* unknown state (a newer scout's) dropped, unknown reason read as none;
     * duplicates kept once, sorted */
    CHECK(store_unpack_ports("[1835008,80,262224,262224]", 26, &back, &e) == 0);
    CHECK(back.nports == 1 && back.ports[0].port == 80);
    scanrec_host_free(&back);
    char big[48];
    snprintf(big, sizeof big, "[%llu]", 22ULL | 1ULL << 18 | 127ULL << 22);
    CHECK(store_unpack_ports(big, strlen(big), &back, &e) == 0 && back.nports == 1 && back.ports[0].reason == R_NONE);
    scanrec_host_free(&back);

    /* records out of range are refused before anything is written */
    struct rec_host odd = host("10.0.0.1", HOST_UP, 1, p, st);
    odd.ports[0].reason = R_COUNT;
    CHECK(store_check_host(&odd, &e) < 0);
    odd.ports[0].reason = 0, odd.ports[0].proto = 2;
    CHECK(store_check_host(&odd, &e) < 0);
    odd.ports[0].proto = 0, odd.status = 7;
    CHECK(store_check_host(&odd, &e) < 0);
    odd.status = HOST_UP, odd.addr.family = 0;
    CHECK(store_check_host(&odd, &e) < 0);
    scanrec_host_free(&odd);
    scanrec_host_free(&h);
    buf_free(&b);
}

/* ---- bad input ---- */

/* A store with one scan and host, for the bad-input cases to leave intact. */
static int64_t seed_store(const char *path)
{
    struct store *s;
    err_t e;
    if (store_open(&s, path, &e) < 0)
        return 0;
    struct rec_scan sc = scan_meta("keep", 1, 1, 1);
    static const uint16_t p[] = {22};
    static const uint8_t st[] = {PS_OPEN};
    struct rec_host h = host("198.18.0.10", HOST_UP, 1, p, st);
    int rc = store_scan_begin(s, &sc, &e) | store_hosts(s, sc.id, &h, 1, "ck", 2, &e);
    scanrec_host_free(&h);
    store_close(s);
    return rc ? 0 : sc.id;
}

static bool still_there(const char *path, int64_t id)
{
    struct store *s;
    err_t e;
    struct rec_scan m;
    if (store_open(&s, path, &e) < 0) {
        fprintf(stderr, "    %s\n", e.msg);
        return false;
    }
    bool ok = store_load(s, id, &m, &e) == 0 && m.nhosts == 1 && m.hosts[0].nports == 1;
    scanrec_free(&m);
    store_close(s);
    return ok;
}

static bool open_fails(const char *path, const char *want)
{
    struct store *s = NULL;
    err_t e = {{0}};
    int rc = store_open(&s, path, &e);
    store_close(s);
    bool ok = rc < 0 && strstr(e.msg, want) && strstr(e.msg, "results store") && !strchr(e.msg, '\n');
    if (!ok)
        fprintf(stderr, "    open %s: '%s', want '%s'\n", path, e.msg, want);
    return ok;
}

static void write_file(const char *path, const char *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, data, n) == (ssize_t)n);
    if (fd >= 0)
        close(fd);
}

void test_store_bad_files(void)
{
    char dir[64], path[256];
    if (!temp_dir(dir, sizeof dir))
        return;
    /* not a database at all */
    snprintf(path, sizeof path, "%s/garbage.db", dir);
    char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    write_file(path, junk, sizeof junk);
    CHECK(open_fails(path, "file is not a database"));
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == (off_t)sizeof junk); /* untouched */

    /* a damaged one: scout's store with its pages overwritten */
    snprintf(path, sizeof path, "%s/damaged.db", dir);
    int64_t id = seed_store(path);
    CHECK(id > 0 && sql_run(path, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK);
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, junk, 4096, 4096) == 4096 && pwrite(fd, junk, 100, 0) == 100);
    if (fd >= 0)
        close(fd);
    CHECK(open_fails(path, "not a database") || open_fails(path, "malformed"));

    /* a SQLite file of something else */
    snprintf(path, sizeof path, "%s/other.db", dir);
    CHECK(sql_run(path, "CREATE TABLE songs (title TEXT); CREATE TABLE scans (x)") == SQLITE_OK);
    CHECK(open_fails(path, "not a scout results store (it holds 2 other tables)"));
    CHECK(sql_is(path, "SELECT count(*) FROM sqlite_schema", "2"));

    /* another schema version: newer refused, older unknown refused, both named */
    snprintf(path, sizeof path, "%s/v99.db", dir);
    id = seed_store(path);
    CHECK(id > 0 && sql_run(path, "UPDATE schema_version SET version = 99") == SQLITE_OK);
    CHECK(open_fails(path, "schema version 99, newer than this scout's (1)"));
    CHECK(sql_run(path, "UPDATE schema_version SET version = 0") == SQLITE_OK);
    CHECK(open_fails(path, "schema version 0, which this scout (version 1) cannot migrate"));
    CHECK(sql_run(path, "UPDATE schema_version SET version = 1") == SQLITE_OK);
    CHECK(still_there(path, id));

    /* codes that mean something else here (an enum reordered) */
    CHECK(sql_run(path, "UPDATE codes SET name = 'closed' WHERE kind = 'state' AND code = 1") == SQLITE_OK);
    CHECK(open_fails(path, "its state code 1 means 'closed', this scout's means 'open'"));
    CHECK(sql_run(path, "UPDATE codes SET name = 'open' WHERE kind = 'state' AND code = 1") == SQLITE_OK);
    /* codes a newer scout added are fine; missing ones are added */
    CHECK(sql_run(path, "INSERT INTO codes VALUES ('reason', 200, 'future'); DELETE FROM codes WHERE kind = 'status'")
          == SQLITE_OK);
    CHECK(still_there(path, id));
    CHECK(sql_is(path, "SELECT count(*) FROM codes WHERE kind = 'status'", "3"));

    /* data damaged inside a row: one line naming it, nothing else changed */
    CHECK(sql_run(path, "UPDATE hosts SET port_data = '[1,oops]'") == SQLITE_OK);
    struct store *s;
    err_t e;
    struct rec_scan m;
    CHECK(store_open(&s, path, &e) == 0);
    if (s) {
        CHECK(store_load(s, id, &m, &e) < 0 && strstr(e.msg, "host row 1: port data"));
        store_close(s);
    }

    /* paths that cannot be a store */
    CHECK(open_fails(dir, "is a directory"));
    snprintf(path, sizeof path, "%s/no/such/dir/x.db", dir);
    CHECK(open_fails(path, "its directory: No such file or directory"));
    CHECK(open_fails("mysql://localhost/db", "not a file path nor a postgresql:// URL"));
    CHECK(open_fails("", "an empty --db"));
    rm_tree(dir);
}

/* Another process holds a write transaction: the busy timeout, then "locked",
 * and the store as it was. */
void test_store_locked(void)
{
    char dir[64], path[256];
    if (!temp_dir(dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/l.db", dir);
    int64_t id = seed_store(path);
    CHECK(id > 0);
    sqlite3 *other;
    CHECK(sqlite3_open(path, &other) == SQLITE_OK);
    CHECK(sqlite3_exec(other, "BEGIN IMMEDIATE; INSERT INTO codes VALUES ('x', 1, 'y')", NULL, NULL, NULL) ==
          SQLITE_OK);
    struct store *s = NULL;
    err_t e;
    CHECK(sqlite_store_open(&s, path, 300, &e) == 0); /* readers are not blocked (WAL) */
    if (s) {
        static const uint16_t p[] = {80};
        static const uint8_t st[] = {PS_OPEN};
        struct rec_host h = host("198.18.0.11", HOST_UP, 1, p, st);
        uint64_t t0 = now_ns();
        CHECK(store_hosts(s, id, &h, 1, "new", 3, &e) < 0);
        uint64_t waited = (now_ns() - t0) / NS_PER_MS;
        CHECK(strstr(e.msg, "database is locked (another process held it for 0.3 s)") != NULL);
        CHECK(waited >= 250 && waited < 3000);
        CHECK(store_checkpoint(s, id, "new", 3, &e) < 0 && strstr(e.msg, "locked"));
        sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
        /* once free, the same handle writes again */
        void *blob;
        size_t len;
        CHECK(store_get_checkpoint(s, id, &blob, &len, &e) == 0 && len == 2 && !memcmp(blob, "ck", 2));
        free(blob);
        CHECK(store_hosts(s, id, &h, 1, "new", 3, &e) == 0);
        scanrec_host_free(&h);
        store_close(s);
    }
    sqlite3_close(other);
    rm_tree(dir);
}

/* A full disk, simulated with RLIMIT_FSIZE in a child (the real one, a
 * small tmpfs, is in tests/lab/test_store.sh): the write is reported, the
 * transaction rolled back, and what was stored before is intact. */
void test_store_full_disk(void)
{
    char dir[64], path[256];
    if (!temp_dir(dir, sizeof dir))
        return;
    snprintf(path, sizeof path, "%s/f.db", dir);
    int64_t id = seed_store(path);
    CHECK(id > 0);
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        signal(SIGXFSZ, SIG_IGN);
        struct store *s;
        err_t e = {{0}};
        int rc = store_open(&s, path, &e);
        struct stat st;
        char wal[300];
        snprintf(wal, sizeof wal, "%s-wal", path);
        struct rlimit rl = {0, 0};
        if (rc == 0 && stat(wal, &st) == 0) {
            rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size + 64 * 1024;
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        /* 64 KiB of room, a megabyte of hosts */
        static struct rec_host h[64];
        static uint16_t ports[1000];
        static uint8_t states[1000];
        for (int i = 0; i < 1000; i++)
            ports[i] = (uint16_t)(i + 1), states[i] = PS_FILTERED;
        for (int i = 0; i < 64; i++) {
            char a[32];
            snprintf(a, sizeof a, "10.1.0.%d", i);
            h[i] = host(a, HOST_UP, 1000, ports, states);
        }
        if (rc == 0)
            rc = store_hosts(s, id, h, 64, "lost", 4, &e);
        free_hosts(h, 64);
        if (rc == 0)
            e.msg[0] = 0;
        if (write(pipefd[1], e.msg, strlen(e.msg)) < 0)
            rc = 0;
        store_close(s);
        _exit(rc < 0 ? 0 : 1);
    }
    close(pipefd[1]);
    char msg[400] = "";
    ssize_t n = read(pipefd[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = 0;
    close(pipefd[0]);
    int status;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strstr(msg, "results store ") && (strstr(msg, "disk") || strstr(msg, "full")) && !strchr(msg, '\n'));
    if (!strstr(msg, "disk"))
        fprintf(stderr, "    full disk: '%s'\n", msg);
    CHECK(still_there(path, id));
    CHECK(sql_is(path, "SELECT count(*) FROM hosts", "1"));
    CHECK(sql_is(path, "SELECT blob FROM checkpoints", "ck"));
    rm_tree(dir);
}

/* PostgreSQL URLs that cannot work: one line each, quickly, no password shown. */
void test_store_bad_urls(void)
{
    struct store *s = NULL;
    err_t e;
    uint64_t t0 = now_ns();
    CHECK(store_open(&s, "postgresql://scout:secret@127.0.0.1:1/scout", &e) < 0);
    CHECK(strstr(e.msg, "results store postgresql://scout@127.0.0.1:1/scout: ") == e.msg);
    CHECK(strstr(e.msg, "Connection refused") && !strstr(e.msg, "secret") && !strchr(e.msg, '\n'));
    CHECK((now_ns() - t0) / NS_PER_MS < 5000);
    CHECK(store_open(&s, "postgres://127.0.0.1:1/x?password=hunter2&sslmode=disable", &e) < 0);
    CHECK(strstr(e.msg, "postgres://127.0.0.1:1/x?sslmode=disable: ") && !strstr(e.msg, "hunter2"));
    CHECK(store_open(&s, "postgresql://[::1/x", &e) < 0 && strstr(e.msg, "results store") && !strchr(e.msg, '\n'));
    CHECK(store_open(&s, "postgresql://localhost/x?bogus=1", &e) < 0 && strstr(e.msg, "bogus"));
    CHECK(s == NULL);
}

/* The default path: XDG_DATA_HOME when absolute, else ~/.local/share, its
 * missing directories made 0700.  Run in a child: the environment is the
 * process's. */
void test_store_default_path(void)
{
    char dir[64];
    if (!temp_dir(dir, sizeof dir))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        char *p = NULL, want[256], xdg[128];
        err_t e;
        snprintf(xdg, sizeof xdg, "%s/xdg", dir);
        setenv("XDG_DATA_HOME", xdg, 1);
        snprintf(want, sizeof want, "%s/xdg/scout/scout.db", dir);
        bad |= store_default_path(&p, &e) < 0 || strcmp(p, want);
        free(p);
        setenv("XDG_DATA_HOME", "relative/path", 1);
        setenv("HOME", dir, 1);
        snprintf(want, sizeof want, "%s/.local/share/scout/scout.db", dir);
        bad |= (store_default_path(&p, &e) < 0 || strcmp(p, want)) << 1;
        free(p);
        unsetenv("XDG_DATA_HOME");
        struct store *s;
        bad |= (store_open(&s, NULL, &e) < 0) << 2;
        if (!(bad & 4)) {
            bad |= strcmp(store_name(s), want) ? 8 : 0;
            store_close(s);
        }
        struct stat st;
        char d[256];
        snprintf(d, sizeof d, "%s/.local", dir);
        bad |= (stat(d, &st) < 0 || (st.st_mode & 0777) != 0700) << 4;
        snprintf(d, sizeof d, "%s/.local/share/scout", dir);
        bad |= (stat(d, &st) < 0 || (st.st_mode & 0777) != 0700) << 5;
        bad |= (stat(want, &st) < 0) << 6;
        _exit(bad);
    }
    int status;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    if (WIFEXITED(status) && WEXITSTATUS(status))
        fprintf(stderr, "    default path: failures 0x%x\n", WEXITSTATUS(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    rm_tree(dir);
}

/* ---- privileges ---- */

/* As scout does it: open as root, drop to nobody, then write.  The store's
 * directory is root's and 0700, as /root/.local/share/scout is, so nobody
 * cannot reach it by name at all. */
static int write_as_nobody(struct store *s, int64_t scan)
{
    err_t e;
    if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0 || getuid() != 65534)
        return 10;
    static const uint16_t p[] = {22, 80};
    static const uint8_t st[] = {PS_OPEN, PS_CLOSED};
    int rc = 0;
    for (int g = 0; g < 40 && rc == 0; g++) { /* enough to cycle the WAL through checkpoints */
        struct rec_host h[50];
        for (int i = 0; i < 50; i++) {
            char a[32];
            snprintf(a, sizeof a, "10.2.%d.%d", g, i);
            h[i] = host(a, HOST_UP, 2, p, st);
            h[i].os = calloc(1, 2001);
            if (h[i].os)
                memset(h[i].os, 'x', 2000); /* 4 MB in all: past the WAL's auto-checkpoint */
        }
        char ck[32];
        snprintf(ck, sizeof ck, "group %d", g);
        rc = store_hosts(s, scan, h, 50, ck, strlen(ck), &e);
        free_hosts(h, 50);
    }
    if (rc == 0)
        rc = store_checkpoint(s, scan, "done", 4, &e);
    if (rc == 0)
        rc = store_scan_end(s, scan, 99, true, &e);
    if (rc < 0)
        fprintf(stderr, "    as nobody: %s\n", e.msg);
    store_close(s);
    return rc < 0 ? 11 : 0;
}

static void privileges_case(const char *dir, bool fresh)
{
    char sub[128], path[256];
    snprintf(sub, sizeof sub, "%s/%s", dir, fresh ? "fresh" : "again");
    /* fresh: the default path (XDG_DATA_HOME in root's 0700 directory, as
     * /root/.local/share is); again: --db PATH */
    snprintf(path, sizeof path, fresh ? "%s/scout/scout.db" : "%s/scout.db", sub);
    int64_t id = 0;
    CHECK(mkdir(sub, 0700) == 0 || errno == EEXIST);
    if (!fresh) { /* a store closed cleanly before: no -wal or -shm left */
        id = seed_store(path);
        char w[300];
        snprintf(w, sizeof w, "%s-wal", path);
        unlink(w);
        snprintf(w, sizeof w, "%s-shm", path);
        unlink(w);
    }
    /* The child is scout: opens as root, drops, writes (a connection must
     * not cross a fork: its locks stay behind). */
    struct rec_scan sc = scan_meta("privs", 1, 1, 5);
    pid_t pid = fork();
    if (pid == 0) {
        struct store *c;
        err_t ce;
        if (fresh)
            setenv("XDG_DATA_HOME", sub, 1);
        if (store_open(&c, fresh ? NULL : path, &ce) < 0 || store_scan_begin(c, &sc, &ce) < 0) {
            fprintf(stderr, "    %s\n", ce.msg);
            _exit(12);
        }
        _exit(write_as_nobody(c, sc.id));
    }
    int status;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    sc.id = id + 1; /* the scan the child began */
    struct store *s;
    err_t e;
    /* root reads it all back (the WAL nobody left is replayed) */
    struct rec_scan m;
    CHECK(store_open(&s, path, &e) == 0);
    if (!s)
        return;
    CHECK(store_load(s, sc.id, &m, &e) == 0 && m.nhosts == 2000 && m.finished && m.end == 99);
    scanrec_free(&m);
    void *blob;
    size_t len;
    CHECK(store_get_checkpoint(s, sc.id, &blob, &len, &e) == 0 && len == 4 && !memcmp(blob, "done", 4));
    free(blob);
    if (id)
        CHECK(store_load(s, id, &m, &e) == 0 && m.nhosts == 1);
    if (id)
        scanrec_free(&m);
    store_close(s);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_uid == 0); /* nothing given to nobody */
}

void test_store_privileges(void)
{
    if (geteuid() != 0) {
        printf("    (not root: the privilege drop is not tested)\n");
        return;
    }
    char dir[64];
    if (!temp_dir(dir, sizeof dir))
        return;
    CHECK(chmod(dir, 0700) == 0);
    privileges_case(dir, true);
    privileges_case(dir, false);

    /* store_chown: what this open created in the caller's directory goes
     * to the caller, no more; in root's, nothing */
    char path[256], xdg[128];
    snprintf(xdg, sizeof xdg, "%s/home", dir);
    CHECK(mkdir(xdg, 0755) == 0 && chown(xdg, 4321, 4322) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("XDG_DATA_HOME", xdg, 1);
        struct store *s;
        err_t e;
        int rc = store_open(&s, NULL, &e) < 0 ? 1 : store_chown(s, 4321, 4322, &e) < 0 ? 2 : 0;
        if (rc)
            fprintf(stderr, "    chown: %s\n", e.msg);
        else
            store_close(s);
        _exit(rc);
    }
    int status;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    snprintf(path, sizeof path, "%s/scout", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 4321 && st.st_gid == 4322 && (st.st_mode & 0777) == 0700);
    snprintf(path, sizeof path, "%s/scout/scout.db", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 4321 && st.st_gid == 4322);
    snprintf(path, sizeof path, "%s/scout/scout.db-wal", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 4321); /* persistent WAL: left for the next open */
    snprintf(path, sizeof path, "%s/scout/scout.db-shm", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 4321);

    snprintf(xdg, sizeof xdg, "%s/roots", dir); /* root's, as /root is */
    CHECK(mkdir(xdg, 0700) == 0);
    if ((pid = fork()) == 0) {
        setenv("XDG_DATA_HOME", xdg, 1);
        struct store *s;
        err_t e;
        int rc = store_open(&s, NULL, &e) < 0 ? 1 : store_chown(s, 4321, 4322, &e) < 0 ? 2 : 0;
        if (rc == 0)
            store_close(s);
        _exit(rc);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snprintf(path, sizeof path, "%s/scout", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 0);
    snprintf(path, sizeof path, "%s/scout/scout.db", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 0);
    snprintf(path, sizeof path, "%s/scout/scout.db-wal", xdg);
    CHECK(stat(path, &st) == 0 && st.st_uid == 0);
    rm_tree(dir);
}
