/* The order of -sV's probes on a UDP port (walk.h, nmap's nextProbe), the
 * database's UDP Exclude, and service entries per protocol (results.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "results.h"
#include "service/vscan_udp.h"
#include "service/walk.h"
#include "unit.h"

void test_walk_udp_order(void);
void test_walk_udp_softmatch(void);
void test_walk_udp_services(void);

/* Probe indices: 0 NULL, 1 TCP GetRequest (53), 2 UDP Help (7, rarity 3),
 * 3 UDP DNSVersionBindReq (53, rarity 1), 4 UDP NTPRequest (123, rarity 5),
 * 5 UDP Rare (rarity 8), 6 UDP DNSStatusRequest (53, 69, rarity 5),
 * 7 UDP SNMPv1public (161, rarity 4). */
static const char db_text[] =
    "Exclude 9,T:9100-9107,U:30000-30002\n"
    "Probe TCP NULL q||\n"
    "match ssh m|^SSH-|\n"
    "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
    "ports 53,80\n"
    "match http m|^HTTP/1|\n"
    "Probe UDP Help q|help\\r\\n\\r\\n|\n"
    "rarity 3\n"
    "ports 7,13,37\n"
    "match echo m|^help\\r\\n\\r\\n$|\n"
    "Probe UDP DNSVersionBindReq q|\\0\\x06\\x01\\0|\n"
    "rarity 1\n"
    "ports 53,1967\n"
    "match domain m|^\\0\\x06\\x81| p/dnsmasq/\n"
    "softmatch domain m|^\\0\\x06|\n"
    "Probe UDP NTPRequest q|\\xe3\\0\\x04\\xfa|\n"
    "ports 123,5353\n"
    "match ntp m|^\\x24|\n"
    "Probe UDP Rare q|x|\n"
    "rarity 8\n"
    "match rare m|^rare|\n"
    "Probe UDP DNSStatusRequest q|\\0\\0\\x10\\0|\n"
    "rarity 5\n"
    "ports 53,69\n"
    "match domain m|^\\0\\0\\x90|\n"
    "Probe UDP SNMPv1public q|0\\x82|\n"
    "rarity 4\n"
    "ports 161\n"
    "match snmp m|^0| p/net-snmp/\n";

static int load(struct probedb *db)
{
    char path[] = "/tmp/scout-unit-walk.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return -1;
    fputs(db_text, f);
    fclose(f);
    err_t e;
    int rc = probedb_load(db, path, NULL, NULL, &e);
    remove(path);
    return rc;
}

/* The whole walk as a string of probe indices, e.g. "3 6 2 4 7". */
static void walk_all(const struct probedb *db, bool udp, uint16_t port, int intensity, int soft, char *out,
                     size_t n)
{
    struct walk w;
    walk_start(&w);
    w.soft = soft;
    size_t len = 0;
    out[0] = 0;
    for (int p; (p = walk_next(db, &w, udp, false, port, intensity)) >= 0 && len + 4 < n;)
        len += (size_t)snprintf(out + len, n - len, len ? " %d" : "%d", p);
}

static int line_of(const struct probedb *db, const char *service, bool soft)
{
    for (uint32_t i = 0; i < db->nmatches; i++)
        if (!strcmp(db->matches[i].service, service) && db->matches[i].soft == soft)
            return (int)i;
    return -1;
}

/* UDP: no NULL probe and no TCP probe; the probes listing the port first,
 * in file order, then the others within the intensity, in file order. */
void test_walk_udp_order(void)
{
    struct probedb db;
    CHECK(load(&db) == 0);
    CHECK(db.nprobes == 8);
    if (db.nprobes != 8)
        return;
    char got[128];
    walk_all(&db, true, 53, 7, -1, got, sizeof got);
    CHECK_STR(got, "3 6 2 4 7");
    walk_all(&db, true, 53, 9, -1, got, sizeof got);
    CHECK_STR(got, "3 6 2 4 5 7"); /* --version-all: the rare one too */
    walk_all(&db, true, 53, 0, -1, got, sizeof got);
    CHECK_STR(got, "3 6"); /* intensity 0: the listed probes only, whatever their rarity */
    walk_all(&db, true, 161, 2, -1, got, sizeof got);
    CHECK_STR(got, "7 3"); /* listed (rarity 4), then rarity <= 2 */
    walk_all(&db, true, 40000, 7, -1, got, sizeof got);
    CHECK_STR(got, "2 3 4 6 7"); /* a port no probe lists */
    walk_all(&db, false, 53, 7, -1, got, sizeof got);
    CHECK_STR(got, "1"); /* TCP: its own probes, never the NULL one (vscan.c starts with it) */
    /* A probe handed back (no socket yet) is asked for again, in place. */
    struct walk w;
    walk_start(&w);
    int first = walk_next(&db, &w, true, false, 53, 7);
    int second = walk_next(&db, &w, true, false, 53, 7);
    w.cursor = second;
    CHECK(first == 3 && second == 6 && walk_next(&db, &w, true, false, 53, 7) == 6);
    CHECK(walk_next(&db, &w, true, false, 53, 7) == 2);
    probedb_free(&db);
}

/* After a softmatch only probes that can name its service go on, and then
 * without the rarity bound (unless --version-all, which tries them all). */
void test_walk_udp_softmatch(void)
{
    struct probedb db;
    CHECK(load(&db) == 0);
    if (db.nprobes != 8)
        return;
    int soft = line_of(&db, "domain", true);
    CHECK(soft >= 0);
    char got[128];
    walk_all(&db, true, 53, 7, soft, got, sizeof got);
    CHECK_STR(got, "3 6"); /* Help, NTPRequest, SNMP cannot say "domain" */
    walk_all(&db, true, 40000, 0, soft, got, sizeof got);
    CHECK_STR(got, "3 6"); /* intensity 0 still: a softmatch lifts the rarity bound */
    walk_all(&db, true, 53, 9, soft, got, sizeof got);
    CHECK_STR(got, "3 6 2 4 5 7");
    probedb_free(&db);
}

/* Exclude: bare ports are both protocols', T: and U: each one's; a UDP
 * port's service entry is found by protocol; prune keeps only open ones. */
void test_walk_udp_services(void)
{
    struct probedb db;
    CHECK(load(&db) == 0);
    if (db.nprobes != 8)
        return;
    CHECK(ranges_has(&db.exclude_tcp, 9) && ranges_has(&db.exclude_udp, 9));
    CHECK(ranges_has(&db.exclude_tcp, 9100) && !ranges_has(&db.exclude_udp, 9100));
    CHECK(ranges_has(&db.exclude_udp, 30001) && !ranges_has(&db.exclude_tcp, 30001));
    probedb_free(&db);

    uint16_t tcp[] = {22, 53}, udp[] = {53, 161, 1900};
    struct portlist pl = {.v = {tcp, udp}, .n = {2, 3}};
    struct group g;
    err_t e;
    CHECK(group_alloc(&g, 1, &pl, &e) == 0);
    if (!g.hosts)
        return;
    struct host_result *h = &g.hosts[0];
    h->ports[PROTO_TCP][1].state = PS_OPEN;
    h->ports[PROTO_UDP][0].state = PS_OPEN;
    h->ports[PROTO_UDP][1].state = PS_OPEN;        /* open|filtered, then answered */
    h->ports[PROTO_UDP][2].state = PS_OPEN_FILTERED; /* stayed silent */
    CHECK(uvscan_port_wanted(&h->ports[PROTO_UDP][2]) && !uvscan_port_wanted(&h->ports[PROTO_TCP][0]));
    h->svc = calloc(4, sizeof *h->svc);
    if (!h->svc) {
        group_free(&g);
        return;
    }
    h->svc[0] = (struct service_info){.proto = PROTO_TCP, .port_index = 1, .name = "domain"};
    h->svc[1] = (struct service_info){.proto = PROTO_UDP, .port_index = 0, .name = "domain"};
    h->svc[2] = (struct service_info){.proto = PROTO_UDP, .port_index = 1, .name = "snmp"};
    h->svc[3] = (struct service_info){.proto = PROTO_UDP, .port_index = 2};
    h->nsvc = 4;
    CHECK(host_service(h, PROTO_TCP, 0) == NULL);
    CHECK(host_service(h, PROTO_TCP, 1) == &h->svc[0]);
    CHECK(host_service(h, PROTO_UDP, 1) == &h->svc[2]);
    CHECK(host_service(h, PROTO_UDP, 2) == &h->svc[3]);
    uvscan_prune(&g);
    CHECK(h->nsvc == 3 && host_service(h, PROTO_UDP, 2) == NULL);
    const struct service_info *si = host_service(h, PROTO_UDP, 1);
    CHECK(si && !strcmp(si->name, "snmp"));
    group_free(&g);
}
