#include "detect/detect.h"
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
