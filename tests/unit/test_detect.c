#include <stdlib.h>

#include "detect/detect.h"
#include "ports.h"
#include "targets.h"
#include "perm.h"
#include "probemark.h"
#include "unit.h"
#include "util.h"

void test_detect_trw(void);
void test_detect_one_way(void);
void test_detect_ping_silence(void);
void test_detect_tool_marks(void);
void test_detect_tick(void);
void test_detect_ipv6(void);
void test_detect_key_collision(void);
void test_detect_udp_tools(void);
void test_detect_udp_benign(void);
void test_detect_tripwire(void);
void test_detect_slow_nat(void);

static struct reply tcp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t flags)
{
    return (struct reply){.kind = REPLY_TCP, .src = addr_v4(src), .dst = addr_v4(dst),
                          .sport = sport, .dport = dport, .flags = flags, .window = 64240};
}

/* Closed ports answer RST: a few first contacts decide; an open service
 * answering SYN-ACKs to a client that completes the handshake does not. */
void test_detect_trw(void)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint16_t p = 1; p <= 10; p++) {
        struct reply syn = tcp(1, 2, 40000, p, TH_SYN), rst = tcp(2, 1, p, 40000, TH_RST | TH_ACK);
        detector_packet(d, &syn, t += 1000);
        detector_packet(d, &rst, t += 1000);
    }
    for (int i = 0; i < 10; i++) { /* a client of host 2's port 80, again and again */
        struct reply syn = tcp(3, 2, (uint16_t)(50000 + i), 80, TH_SYN);
        struct reply sa = tcp(2, 3, 80, (uint16_t)(50000 + i), TH_SYN | TH_ACK);
        struct reply ack = tcp(3, 2, (uint16_t)(50000 + i), 80, TH_ACK);
        detector_packet(d, &syn, t += 1000);
        detector_packet(d, &sa, t += 1000);
        detector_packet(d, &ack, t += 1000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(s[0].src.family == AF_INET && s[0].src.u.v4 == 1 && s[0].kind == SK_SYN && s[0].probes_to_detect == 4 && !s[0].one_way);
    CHECK(s[0].hosts == 1 && s[0].ports == 10 && !strcmp(s[0].shape, "vertical"));
    detector_free(d);
}

/* With no replies in the capture, a weighted count decides, and says so. */
void test_detect_one_way(void)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint16_t p = 1; p <= 30; p++) {
        struct reply syn = tcp(1, 2, 40000, p, TH_SYN);
        detector_packet(d, &syn, t += 1000);
    }
    for (uint16_t p = 1; p <= 5; p++) { /* a few connections: not enough */
        struct reply syn = tcp(3, 2, 40000, p, TH_SYN);
        detector_packet(d, &syn, t += 1000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(s[0].src.family == AF_INET && s[0].src.u.v4 == 1 && s[0].one_way);
    detector_free(d);
}

static struct reply icmp(uint32_t src, uint32_t dst, uint8_t type)
{
    return (struct reply){.kind = REPLY_ICMP_QUERY, .src = addr_v4(src), .dst = addr_v4(dst),
                          .icmp_type = type};
}

/* A ping sweep of absent hosts: echo requests left unanswered.  Silence
 * before any reply has been seen is only counted; the first reply (here an
 * echo reply from the one live host) turns the silences into failures,
 * and they are judged as they fall due, not when the capture ends. */
void test_detect_ping_silence(void)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint32_t h = 10; h < 30; h++) { /* over 4 s: the first ones fall due */
        struct reply echo = icmp(1, h, 8);
        detector_packet(d, &echo, t += NS_PER_SEC / 5);
    }
    CHECK(detector_declared(d) == 0); /* silent, but no reply seen yet */
    struct reply live = icmp(29, 1, 0), noise = tcp(7, 8, 1000, 2000, TH_ACK);
    detector_packet(d, &live, t += 1000);
    CHECK(detector_declared(d) == 1); /* the counted silences now count */
    for (uint32_t h = 30; h < 40; h++) {
        struct reply echo = icmp(1, h, 8);
        detector_packet(d, &echo, t += NS_PER_SEC / 10);
    }
    detector_packet(d, &noise, t += 3 * NS_PER_SEC);
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(s[0].src.family == AF_INET && s[0].src.u.v4 == 1 && s[0].kind == SK_PING && !strcmp(s[0].shape, "horizontal"));
    CHECK(s[0].hosts >= 29 && s[0].hosts <= 31); /* a linear-counting estimate */
    CHECK(s[0].probes == 30 && s[0].probes_to_detect == 20);
    detector_free(d);
}

/* The tool named from eight SYN probes with the given IP IDs and windows. */
static enum scan_tool tool_of(const uint16_t *ipid, uint16_t window)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint16_t p = 1; p <= 8; p++) {
        struct reply syn = tcp(1, 2, 40000, p, TH_SYN), rst = tcp(2, 1, p, 40000, TH_RST | TH_ACK);
        syn.window = window;
        syn.optlen = 4;
        syn.mss = 1460;
        syn.seq = 0x00370000u * p;
        syn.ipid = ipid[p - 1];
        detector_packet(d, &syn, t += 1000);
        detector_packet(d, &rst, t += 1000);
    }
    struct det_scan s[2];
    enum scan_tool tool = detector_scans(d, s, 2) == 1 ? s[0].tool : (enum scan_tool)-1;
    detector_free(d);
    return tool;
}

/* Tool marks: nmap's random IP IDs match scout's mark one time in 16, so
 * two chance matches in eight probes still leave it nmap; all eight make
 * it scout; masscan's IP ID is the target address ^ port ^ sequence. */
void test_detect_tool_marks(void)
{
    uint16_t ids[8], scout[8], masscan[8];
    for (uint16_t p = 1; p <= 8; p++) {
        uint16_t mark = (uint16_t)((0x37 * p) & 0xF);
        ids[p - 1] = (uint16_t)(0x1230 | ((mark + 1) & 0xF)); /* no mark */
        scout[p - 1] = (uint16_t)(0x4560 | mark);
        masscan[p - 1] = (uint16_t)(2 ^ p ^ (0x00370000u * p));
    }
    ids[2] = scout[2];
    ids[5] = scout[5];
    CHECK(tool_of(ids, 1024) == TOOL_NMAP);
    CHECK(tool_of(scout, 1024) == TOOL_SCOUT);
    CHECK(tool_of(masscan, 1024) == TOOL_MASSCAN);
    CHECK(tool_of(ids, 29200) == TOOL_UNKNOWN);
}

/* Probes to dropped ports, then nothing more on the wire: the clock moving
 * on (a live capture's tick) turns their silence into failures. */
void test_detect_tick(void)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    struct reply syn = tcp(3, 2, 50000, 80, TH_SYN), sa = tcp(2, 3, 80, 50000, TH_SYN | TH_ACK);
    detector_packet(d, &syn, t += 1000); /* a client answered: replies are visible */
    detector_packet(d, &sa, t += 1000);
    for (uint16_t p = 1; p <= 6; p++) {
        struct reply probe = tcp(1, 2, 40000, p, TH_SYN);
        detector_packet(d, &probe, t += 1000);
    }
    detector_tick(d, t + NS_PER_SEC);
    CHECK(detector_declared(d) == 0); /* not yet overdue */
    detector_tick(d, t + 3 * NS_PER_SEC);
    CHECK(detector_declared(d) == 1);
    detector_free(d);
}

/* An IPv6 SYN scan, built as scout builds its probes and read back through
 * the one decoder: declared, its source printed in full, scout named by
 * the mark in the flow label; a second source that differs in the last
 * bit only stays a source of its own, answered as a client. */
void test_detect_ipv6(void)
{
    struct detector *d = detector_new(64, 1024);
    struct addr scanner, client, target;
    addr_parse("2001:db8::1", &scanner);
    addr_parse("2001:db8::", &client);
    addr_parse("2001:db8:0:1::80", &target);
    uint64_t t = NS_PER_SEC;
    uint8_t buf[PROBE_MAX];
    struct reply r;
    for (uint16_t p = 1; p <= 12; p++) {
        uint32_t seq = 0x9e3779b9u * p;
        struct tcp_probe syn = {.src = scanner, .dst = target, .sport = 40000, .dport = p, .seq = seq,
                                .flags = TH_SYN, .ttl = 64, .window = PROBEMARK_WINDOW,
                                .ipid = probemark_ipid(seq)};
        struct tcp_probe rst = {.src = target, .dst = scanner, .sport = p, .dport = 40000,
                                .ack = seq + 1, .flags = TH_RST | TH_ACK, .ttl = 64};
        CHECK(packet_decode(buf, packet_build_tcp(buf, &syn), &r) == 1);
        detector_packet(d, &r, t += 1000);
        CHECK(packet_decode(buf, packet_build_tcp(buf, &rst), &r) == 1);
        detector_packet(d, &r, t += 1000);
        struct tcp_probe c = {.src = client, .dst = target, .sport = (uint16_t)(50000 + p), .dport = 443,
                              .seq = p, .flags = TH_SYN, .ttl = 64, .window = 64240};
        struct tcp_probe sa = {.src = target, .dst = client, .sport = 443, .dport = c.sport,
                               .ack = p + 1, .flags = TH_SYN | TH_ACK, .ttl = 64, .window = 64240};
        CHECK(packet_decode(buf, packet_build_tcp(buf, &c), &r) == 1);
        detector_packet(d, &r, t += 1000);
        CHECK(packet_decode(buf, packet_build_tcp(buf, &sa), &r) == 1);
        detector_packet(d, &r, t += 1000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(addr_eq(&s[0].src, &scanner) && s[0].kind == SK_SYN && s[0].tool == TOOL_SCOUT &&
          s[0].probes == 12 && s[0].ports == 12 && s[0].hosts == 1 && !s[0].one_way);
    detector_free(d);

    /* nmap's IPv6 probes: flow label 0, one sequence number for the whole
     * scan, whose bits 16-19 here happen to be 0 like the label's: nmap's,
     * not scout's (a zero label is never the mark). */
    d = detector_new(64, 1024);
    for (uint16_t p = 1; p <= 12; p++) {
        struct tcp_probe syn = {.src = scanner, .dst = target, .sport = 40000, .dport = p,
                                .seq = 0x0000abcd, .flags = TH_SYN, .ttl = 64, .window = 1024};
        struct tcp_probe rst = {.src = target, .dst = scanner, .sport = p, .dport = 40000,
                                .ack = 0x0000abce, .flags = TH_RST | TH_ACK, .ttl = 64};
        CHECK(packet_decode(buf, packet_build_tcp(buf, &syn), &r) == 1 && r.ipid == 0);
        detector_packet(d, &r, t += 1000);
        CHECK(packet_decode(buf, packet_build_tcp(buf, &rst), &r) == 1);
        detector_packet(d, &r, t += 1000);
    }
    CHECK(detector_scans(d, s, 4) == 1 && s[0].tool == TOOL_NMAP);
    detector_free(d);

    /* An on-link sweep: neighbour solicitations for absent addresses, one
     * answered; duplicate address detection (from ::) counts for nothing. */
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    struct addr unspec, live = addr_add(&target, 20 * 0x10000);
    addr_parse("::", &unspec);
    d = detector_new(64, 1024);
    t = NS_PER_SEC;
    for (uint64_t h = 1; h <= 20; h++) {
        struct addr tgt = addr_add(&target, h * 0x10000);
        size_t n = packet_build_ns(buf, mac, &scanner, &tgt);
        CHECK(packet_decode_frame(1, buf, n, n, &r) == 1 && r.kind == REPLY_NDP);
        detector_packet(d, &r, t += NS_PER_SEC / 10);
        n = packet_build_ns(buf, mac, &unspec, &tgt);
        CHECK(packet_decode_frame(1, buf, n, n, &r) == 1);
        detector_packet(d, &r, t += 1000);
    }
    r = (struct reply){.kind = REPLY_NDP, .icmp6 = true, .icmp_type = 136, .src = live,
                       .inner_src = live, .inner_dst = scanner, .dst = scanner, .ttl = 255};
    detector_packet(d, &r, t += 1000);
    detector_flush(d, t + 3 * NS_PER_SEC);
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(addr_eq(&s[0].src, &scanner) && s[0].kind == SK_ND && !strcmp(s[0].shape, "horizontal") &&
          s[0].probes == 20 && !s[0].one_way && !strcmp(scan_kind_name(s[0].kind), "nd"));
    detector_free(d);
}

/* Two IPv6 sources whose compact keys collide (made on purpose: the key
 * is mix64(hi ^ mix64(lo)) of the address's halves): a client whose
 * connections succeed, then a prober whose probes meet silence.  They stay
 * two sources, and the silences are charged to the prober, not the client
 * the key would find first. */
void test_detect_key_collision(void)
{
    struct addr client, prober, target;
    addr_parse("2001:db8::c", &client);
    addr_parse("2001:db8::80", &target);
    prober = client;
    uint64_t hi, lo, lo2 = 0x1234567890abcdefULL;
    memcpy(&hi, client.u.v6, 8);
    memcpy(&lo, client.u.v6 + 8, 8);
    hi ^= mix64(lo) ^ mix64(lo2);
    memcpy(prober.u.v6, &hi, 8);
    memcpy(prober.u.v6 + 8, &lo2, 8);
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint16_t i = 0; i < 6; i++) {
        struct reply syn = {.kind = REPLY_TCP, .src = client, .dst = target,
                            .sport = (uint16_t)(50000 + i), .dport = 443, .flags = TH_SYN};
        struct reply sa = {.kind = REPLY_TCP, .src = target, .dst = client, .sport = 443,
                           .dport = syn.sport, .flags = TH_SYN | TH_ACK};
        detector_packet(d, &syn, t += 1000);
        detector_packet(d, &sa, t += 1000);
    }
    for (uint16_t p = 1; p <= 12; p++) {
        struct reply syn = {.kind = REPLY_TCP, .src = prober, .dst = target, .sport = 40000,
                            .dport = p, .flags = TH_SYN, .window = 29200};
        detector_packet(d, &syn, t += 1000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(addr_eq(&s[0].src, &prober) && s[0].probes == 12 && !s[0].one_way);
    detector_free(d);
}

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* A UDP datagram with no payload as a prober's stack or tool built it, read
 * back through the one decoder (IPv4 or IPv6 by src): TTL and IP ID (IPv6:
 * flow label) as given. */
static struct reply dgram(const struct addr *src, const struct addr *dst, uint16_t sport,
                          uint16_t dport, uint8_t ttl, uint16_t ipid)
{
    uint8_t buf[PROBE_MAX] = {0};
    size_t hl = packet_ip_header(buf, src, dst, 17, 8, ttl, ipid);
    uint8_t *u = buf + hl;
    be16(u, sport);
    be16(u + 2, dport);
    be16(u + 4, 8);
    uint16_t sum = packet_l4_checksum(src, dst, 17, u, 8);
    be16(u + 6, sum ? sum : 0xffff);
    struct reply r = {0};
    CHECK(packet_decode(buf, hl + 8, &r) == 1 && r.kind == REPLY_UDP && r.ttl == ttl && r.ipid == ipid &&
          r.sport == sport && r.dport == dport);
    return r;
}

/* The target's port unreachable for datagram p. */
static struct reply unreach(const struct reply *p)
{
    bool v6 = p->src.family == AF_INET6;
    return (struct reply){.kind = REPLY_ICMP, .icmp6 = v6, .icmp_type = v6 ? 1 : 3,
                          .icmp_code = v6 ? 4 : 3, .src = p->dst, .dst = p->src, .ttl = 64,
                          .inner_src = p->src, .inner_dst = p->dst, .inner_proto = 17,
                          .sport = p->sport, .dport = p->dport};
}

/* How a tool marks datagram i, sent at ms (of the capture clock). */
struct udp_mark {
    uint16_t sport;
    uint8_t ttl;
    uint16_t ipid;
};
typedef struct udp_mark (*udp_marker)(uint32_t i, uint64_t ms);

static struct udp_mark nmap4(uint32_t i, uint64_t ms) /* tcpip.cc: TTL 37-59; a base port */
{
    (void)ms;
    return (struct udp_mark){.sport = 51234, .ttl = (uint8_t)(37 + mix64(i) % 23),
                             .ipid = (uint16_t)mix64(i + 1000)};
}
static struct udp_mark nmap4_routed(uint32_t i, uint64_t ms) /* seen three hops on */
{
    struct udp_mark m = nmap4(i, ms);
    m.ttl -= 3;
    return m;
}
static struct udp_mark nmap4_retries(uint32_t i, uint64_t ms) /* second tries: base + 2 */
{
    struct udp_mark m = nmap4(i, ms);
    m.sport = (uint16_t)(m.sport + (i % 3 == 2 ? 2 : 0));
    return m;
}
static struct udp_mark nmap6(uint32_t i, uint64_t ms) /* the kernel's hop limit, label 0 */
{
    (void)ms;
    (void)i;
    return (struct udp_mark){.sport = 51234, .ttl = 255};
}
static struct udp_mark fixed_port_stack(uint32_t i, uint64_t ms) /* one socket, TTL 64 */
{
    (void)ms;
    return (struct udp_mark){.sport = 5000, .ttl = 64, .ipid = (uint16_t)(777 + i)};
}
static struct udp_mark masscan4(uint32_t i, uint64_t ms) /* one port, TTL 255, random ID */
{
    (void)ms;
    return (struct udp_mark){.sport = 40350, .ttl = 255, .ipid = (uint16_t)mix64(i + 77)};
}
static struct udp_mark scout4(uint32_t i, uint64_t ms) /* udp.c: ID = send ms; port cookie */
{
    return (struct udp_mark){.sport = (uint16_t)(0x8000 | (mix64(i) & 0x7fff)), .ttl = 64,
                             .ipid = (uint16_t)(ms + 4321)};
}
static struct udp_mark scout_late(uint32_t i, uint64_t ms) /* the probe leaves 9 ms late */
{
    struct udp_mark m = scout4(i, ms);
    m.ipid = (uint16_t)(m.ipid - (i % 4 == 1 ? 9 : 0));
    return m;
}
static struct udp_mark const_id(uint32_t i, uint64_t ms)
{
    struct udp_mark m = scout4(i, ms);
    m.ipid = 4242;
    return m;
}
static struct udp_mark counter_id(uint32_t i, uint64_t ms)
{
    struct udp_mark m = scout4(i, ms);
    m.ipid = (uint16_t)(60000 + i);
    return m;
}
static struct udp_mark zmap4(uint32_t i, uint64_t ms)
{
    (void)ms;
    return (struct udp_mark){.sport = (uint16_t)(32768 + mix64(i) % 28000), .ttl = 255,
                             .ipid = 54321};
}

/* The tool named for a UDP scan of ports 1..n of one host, datagram i sent
 * at gap_us * i (plus lead_us after the first) and answered by a port
 * unreachable; -1 unless exactly one scan was declared. */
static int udp_scan_tool(udp_marker mk, uint32_t n, uint64_t gap_us, uint64_t lead_us, bool v6)
{
    struct addr us, them;
    addr_parse(v6 ? "2001:db8::1" : "198.18.0.1", &us);
    addr_parse(v6 ? "2001:db8::2" : "198.18.0.2", &them);
    struct detector *d = detector_new(64, 1024);
    uint64_t t0 = 1700000000ull * NS_PER_SEC + 123456789, t = t0;
    for (uint32_t i = 0; i < n; i++) {
        t = t0 + i * gap_us * 1000 + (i ? lead_us * 1000 : 0);
        struct udp_mark m = mk(i, t / 1000000);
        struct reply p = dgram(&us, &them, m.sport, (uint16_t)(i + 1), m.ttl, m.ipid);
        struct reply u = unreach(&p);
        detector_packet(d, &p, t);
        detector_packet(d, &u, t + 50000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[2];
    int tool = detector_scans(d, s, 2) == 1 && s[0].kind == SK_UDP ? (int)s[0].tool : -1;
    detector_free(d);
    return tool;
}

/* UDP scans named from their datagrams: nmap's random TTL (37-59) with one
 * source port, however many hops away and with retries; not from a fixed
 * port alone (a stack's socket, masscan), nor over IPv6 where nmap leaves
 * the hop limit to the kernel.  scout's ID is its send time in ms: named
 * when the clock is seen to move it (a slow scan; a burst after a first
 * probe sent 4 ms earlier, as on the lab's wire; probes sent late by up to
 * 9 ms), not when all went out within one ms; a constant ID or a counter
 * is not taken for it.  zmap's ID is 54321. */
void test_detect_udp_tools(void)
{
    CHECK(udp_scan_tool(nmap4, 40, 20, 0, false) == TOOL_NMAP);
    CHECK(udp_scan_tool(nmap4, 8, 20, 0, false) == TOOL_NMAP);
    CHECK(udp_scan_tool(nmap4, 7, 20, 0, false) == TOOL_UNKNOWN); /* too few to tell */
    CHECK(udp_scan_tool(nmap4_routed, 40, 20, 0, false) == TOOL_NMAP);
    CHECK(udp_scan_tool(nmap4_retries, 40, 20, 0, false) == TOOL_NMAP);
    CHECK(udp_scan_tool(nmap6, 40, 20, 0, true) == TOOL_UNKNOWN);
    CHECK(udp_scan_tool(fixed_port_stack, 40, 20, 0, false) == TOOL_UNKNOWN);
    CHECK(udp_scan_tool(masscan4, 40, 20, 0, false) == TOOL_UNKNOWN);
    CHECK(udp_scan_tool(scout4, 40, 5000, 0, false) == TOOL_SCOUT);
    CHECK(udp_scan_tool(scout4, 40, 5000, 0, true) == TOOL_SCOUT);
    CHECK(udp_scan_tool(scout4, 40, 20, 4000, false) == TOOL_SCOUT);
    CHECK(udp_scan_tool(scout_late, 40, 5000, 0, false) == TOOL_SCOUT);
    CHECK(udp_scan_tool(scout4, 40, 10, 0, false) == TOOL_UNKNOWN); /* within one ms */
    CHECK(udp_scan_tool(const_id, 40, 20, 4000, false) == TOOL_UNKNOWN);
    CHECK(udp_scan_tool(const_id, 40, 5000, 0, false) == TOOL_UNKNOWN);
    CHECK(udp_scan_tool(counter_id, 40, 20, 4000, false) == TOOL_UNKNOWN);
    /* one a ms: a counter's ID keeps the clock's pace, and the count's */
    CHECK(udp_scan_tool(counter_id, 40, 1000, 0, false) == TOOL_UNKNOWN);
    CHECK(udp_scan_tool(zmap4, 40, 20, 0, false) == TOOL_ZMAP);
}

/* Benign UDP: an NTP client polling eight servers from port 123, one of
 * them gone; a DNS client with one fixed port (two servers, one of them
 * silent); mDNS, where a querier asks the group from 5353 and from a fresh
 * port for each one-shot lookup, and a responder answers the group, the
 * querier's 5353 (unicast-response questions) and each one-shot port (legacy
 * answers, unicast).  No scan: the group is nobody's first contact and the
 * unicast answers answer it. */
void test_detect_udp_benign(void)
{
    struct addr client, resp, group, gone;
    addr_parse("198.18.0.1", &client);
    addr_parse("198.18.0.10", &resp);
    addr_parse("224.0.0.251", &group);
    addr_parse("198.18.0.99", &gone);
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (int round = 0; round < 4; round++) {
        for (uint32_t h = 0; h < 8; h++) {
            struct addr srv = addr_add(&resp, 20 + h);
            struct reply q = dgram(&client, &srv, 123, 123, 64, 0);
            struct reply a = dgram(&srv, &client, 123, 123, 64, 0);
            detector_packet(d, &q, t += NS_PER_SEC / 100);
            if (h)
                detector_packet(d, &a, t += 1000000);
        }
        for (int i = 0; i < 5; i++) {
            struct reply q = dgram(&client, &resp, 5300, 53, 64, 0);
            struct reply a = dgram(&resp, &client, 53, 5300, 64, 0);
            struct reply lost = dgram(&client, &gone, 5300, 53, 64, 0);
            detector_packet(d, &q, t += NS_PER_SEC / 100);
            detector_packet(d, &a, t += 1000000);
            detector_packet(d, &lost, t += 1000000);
        }
    }
    for (uint16_t i = 0; i < 24; i++) {
        uint16_t port = (uint16_t)(40000 + 7 * i);
        struct reply qm = dgram(&client, &group, 5353, 5353, 255, 0);
        struct reply am = dgram(&resp, &group, 5353, 5353, 255, 0);
        struct reply qu = dgram(&resp, &client, 5353, 5353, 255, 0);
        struct reply legacy = dgram(&client, &group, port, 5353, 255, 0);
        struct reply al = dgram(&resp, &client, 5353, port, 255, 0);
        detector_packet(d, &qm, t += NS_PER_SEC / 4);
        detector_packet(d, &am, t += 1000000);
        detector_packet(d, &qu, t += 1000000);
        detector_packet(d, &legacy, t += 1000000);
        detector_packet(d, &al, t += 1000000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[2];
    CHECK(detector_scans(d, s, 2) == 0);
    detector_free(d);

    /* A kernel-built UDP prober (one port, TTL 64) is still a scan, with no
     * tool's name: the group rule hides no one's probes. */
    CHECK(udp_scan_tool(fixed_port_stack, 40, 1000, 0, false) == TOOL_UNKNOWN);
}

/* Tripwires: the first contact to a tripwire port or host is a hit, once,
 * with what was sent; traffic to other ports and hosts is none. */
void test_detect_tripwire(void)
{
    struct detector *d = detector_new(64, 1024);
    struct portset *ps = calloc(1, sizeof *ps);
    struct targets hosts;
    targets_init(&hosts);
    err_t e;
    CHECK(portset_parse(ps, "T:23,U:69", NULL, &e) == 0);
    CHECK(targets_add_list(&hosts, "0.0.0.9", TARGET_NO_RESOLVE, &e) == 0 && targets_finish(&hosts, &e) == 0);
    detector_tripwires(d, ps, &hosts);
    uint64_t t = NS_PER_SEC;
    struct reply web = tcp(3, 2, 50000, 80, TH_SYN), tel = tcp(1, 2, 40000, 23, TH_SYN | 0x40 | 0x80);
    struct reply again = tel, udp69 = tcp(1, 2, 40001, 69, 0), tcp69 = tcp(1, 2, 40002, 69, TH_SYN);
    udp69.kind = REPLY_UDP, udp69.paylen = 17;
    struct reply unused = tcp(4, 9, 40003, 443, TH_SYN);
    detector_packet(d, &web, t += 1000);
    detector_packet(d, &tel, t += 1000);
    detector_packet(d, &again, t += 1000); /* a retry: no new hit */
    detector_packet(d, &udp69, t += 1000);
    detector_packet(d, &tcp69, t += 1000); /* 69 is a UDP tripwire only */
    detector_packet(d, &unused, t += 1000);
    struct det_trip h[8];
    CHECK(detector_trips(d, h, 8) == 3 && detector_tripped(d) == 3);
    CHECK(h[0].src.u.v4 == 1 && h[0].dport == 23 && h[0].proto == 6 && h[0].flags == (TH_SYN | 0x40 | 0x80));
    CHECK(h[1].dport == 69 && h[1].proto == 17 && h[1].paylen == 17);
    CHECK(h[2].dst.u.v4 == 9 && h[2].dport == 443 && h[2].ns == NS_PER_SEC + 6000);
    detector_free(d);
    targets_free(&hosts);
    free(ps);
}

/* A slow scan (one probe every 15 s, nmap -T1, or every 5 minutes) from a
 * busy address: between its probes, others behind the same address open
 * web sessions that succeed, which balance the walk; the refused ports of
 * the one host it scans still declare it, within 20 probes, however long
 * that took (at 5 minutes, 100 minutes of capture time).  Returns the
 * probe it was declared at, 0 if never. */
static uint32_t slow_nat(uint64_t every_ns)
{
    struct detector *d = detector_new(64, 4096);
    uint64_t t = NS_PER_SEC;
    uint32_t declared_at = 0;
    for (uint16_t i = 0; i < 480 && !declared_at; i++, t += every_ns) {
        struct reply syn = tcp(1, 2, 40000, (uint16_t)(1000 + i), TH_SYN);
        struct reply rst = tcp(2, 1, (uint16_t)(1000 + i), 40000, TH_RST | TH_ACK);
        detector_packet(d, &syn, t);
        detector_packet(d, &rst, t + 1000);
        uint32_t web = 100 + i; /* a new web server each time: a first contact that succeeds */
        struct reply s2 = tcp(1, web, (uint16_t)(50000 + i), 443, TH_SYN);
        struct reply sa = tcp(web, 1, 443, (uint16_t)(50000 + i), TH_SYN | TH_ACK);
        struct reply ack = tcp(1, web, (uint16_t)(50000 + i), 443, TH_ACK);
        detector_packet(d, &s2, t + 2000);
        detector_packet(d, &sa, t + 3000);
        detector_packet(d, &ack, t + 4000);
        if (detector_declared(d))
            declared_at = i + 1;
    }
    struct det_scan s[2];
    if (declared_at && (detector_scans(d, s, 2) != 1 || s[0].src.u.v4 != 1))
        declared_at = 0;
    detector_free(d);
    return declared_at;
}

void test_detect_slow_nat(void)
{
    uint32_t t1 = slow_nat(15 * NS_PER_SEC), five = slow_nat(300 * NS_PER_SEC);
    CHECK(t1 > 0 && t1 <= 20);
    CHECK(five > 0 && five <= 20);
}
