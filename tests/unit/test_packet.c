#include "classify.h"
#include "cookie.h"
#include "packet.h"
#include "unit.h"

void test_cookie_siphash(void);
void test_packet_roundtrip(void);
void test_packet_malformed(void);
void test_packet_checksums(void);
void test_classify_raw(void);

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* The pseudo-header sum of the IPv4 packet in buf over l4len bytes. */
static uint32_t pseudo_sum(const uint8_t *buf, size_t l4len)
{
    return (uint32_t)rd16(buf + 12) + rd16(buf + 14) + rd16(buf + 16) + rd16(buf + 18) + buf[9] +
           (uint32_t)l4len;
}

/* Fills in the IP and the TCP, UDP or ICMP checksum of a hand-made packet. */
static void seal(uint8_t *buf, size_t n)
{
    size_t ihl = (size_t)(buf[0] & 0xf) * 4, l4 = n - ihl;
    wr16(buf + 10, 0);
    wr16(buf + 10, inet_checksum(buf, ihl, 0));
    size_t at = buf[9] == 6 ? 16 : buf[9] == 17 ? 6 : 2;
    if (buf[9] != 1 && buf[9] != 6 && buf[9] != 17)
        return;
    wr16(buf + ihl + at, 0);
    wr16(buf + ihl + at, inet_checksum(buf + ihl, l4, buf[9] == 1 ? 0 : pseudo_sum(buf, l4)));
}

void test_cookie_siphash(void)
{
    /* The reference vector of the SipHash paper: key 00..0f, message 00..0e. */
    uint8_t key[16], msg[15];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    CHECK(siphash24(msg, 15, key) == 0xa129ca6149be45e5ULL);
    struct addr a = addr_v4(0x0a000001), b = addr_v4(0x0a000002);
    uint32_t c1 = probe_cookie(key, &a, &b, 40000, 80);
    CHECK(c1 == probe_cookie(key, &a, &b, 40000, 80));
    CHECK(c1 != probe_cookie(key, &a, &b, 40000, 81));
    CHECK(c1 != probe_cookie(key, &b, &a, 40000, 80));
    key[0] ^= 1; /* another scan's key: a stale reply no longer validates */
    CHECK(c1 != probe_cookie(key, &a, &b, 40000, 80));
    /* The time bits ride above the cookie and come back as the RTT. */
    uint64_t t = 123456789ULL * 1000000;
    uint32_t seq = seq_make(c1, t), sent;
    CHECK(seq_check(seq, c1, 0, &sent));
    CHECK(seq_check(seq + 2, c1, 2, &sent) && seq_age_ms(sent, t + 37 * 1000000ULL) == 37);
    CHECK(!seq_check(seq + 3, c1, 2, &sent));
    CHECK(!seq_check(seq ^ 1, c1, 0, &sent));
    CHECK(seq_age_ms(seq_make(c1, 4095 * 1000000ULL) >> 20, 4097 * 1000000ULL) == 2); /* wraps */
}

void test_packet_roundtrip(void)
{
    uint8_t buf[PROBE_MAX];
    struct tcp_probe p = {.src = addr_v4(0xc6120001), .dst = addr_v4(0xc612000a), .sport = 45000,
                          .dport = 22, .seq = 0xdeadbeef, .flags = TH_SYN, .ttl = 64, .window = 1024};
    size_t n = packet_build_tcp4(buf, &p);
    CHECK(n == 44);                                /* 20 IP + 20 TCP + MSS option */
    CHECK(inet_checksum(buf, 20, 0) == 0);         /* IP checksum verifies */
    uint32_t pseudo = 0xc612 + 0x0001 + 0xc612 + 0x000a + 6 + 24;
    CHECK(inet_checksum(buf + 20, 24, pseudo) == 0); /* TCP checksum verifies */
    struct reply r;
    CHECK(packet_decode(buf, n, &r) == 1);
    CHECK(r.kind == REPLY_TCP && r.sport == 45000 && r.dport == 22 && r.seq == 0xdeadbeef &&
          r.flags == TH_SYN && r.ttl == 64 && r.src.u.v4 == 0xc6120001);

    /* An ICMP admin-prohibited quoting that probe (IP header + 8 bytes). */
    uint8_t icmp[20 + 8 + 28] = {0x45, 0, 0, sizeof icmp, 0, 0, 0, 0, 63, 1, 0, 0,
                                 0xc6, 0x12, 0, 0x0a, 0xc6, 0x12, 0, 1, 3, 13};
    memcpy(icmp + 28, buf, 28);
    seal(icmp, sizeof icmp);
    CHECK(packet_decode(icmp, sizeof icmp, &r) == 1);
    CHECK(r.kind == REPLY_ICMP && r.icmp_type == 3 && r.icmp_code == 13 && r.sport == 45000 &&
          r.dport == 22 && r.seq == 0xdeadbeef && r.inner_dst.u.v4 == 0xc612000a && r.ttl == 63);
}

void test_packet_malformed(void)
{
    uint8_t buf[PROBE_MAX], frame[PROBE_MAX + 14] = {0};
    struct tcp_probe p = {.src = addr_v4(1), .dst = addr_v4(2), .flags = TH_RST | TH_ACK};
    size_t n = packet_build_tcp4(buf, &p);
    struct reply r;
    for (size_t len = 0; len < n; len++)
        CHECK(packet_decode(buf, len, &r) == -1); /* every truncation is caught */
    buf[0] = 0x44;                                /* IHL below 5 */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[0] = 0x45;
    buf[32] = 0x10; /* TCP data offset 4 words */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[32] = 0xf0; /* data offset past the end */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[32] = 0x50;
    buf[9] = 17; /* as UDP: its length field (the TCP seq's top, 0) is short */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[24] = 0, buf[25] = 20; /* a UDP length of 20: 12 bytes of payload */
    seal(buf, n);
    CHECK(packet_decode(buf, n, &r) == 1 && r.kind == REPLY_UDP && r.paylen == 12);
    buf[9] = 47; /* GRE: only its protocol number is read */
    seal(buf, n);
    CHECK(packet_decode(buf, n, &r) == 1 && r.kind == REPLY_IP && r.proto == 47);
    buf[6] = 0x20; /* a fragment (more fragments): of no interest */
    seal(buf, n);
    CHECK(packet_decode(buf, n, &r) == 0);
    buf[6] = 0;
    frame[12] = 0x08;
    CHECK(packet_link_offset(1, frame, sizeof frame) == 14);
    CHECK(packet_link_offset(1, frame, 10) == -1);
    frame[12] = 0x86, frame[13] = 0xdd; /* IPv6 ethertype */
    CHECK(packet_link_offset(1, frame, sizeof frame) == -1);
}

/* Checksums: a bad one is malformed; one the capture cut off cannot be
 * checked; a sender's own packet before offload holds the pseudo-header
 * sum and passes; a UDP checksum of 0 is none. */
void test_packet_checksums(void)
{
    uint8_t buf[PROBE_MAX + 8];
    struct tcp_probe p = {.src = addr_v4(0xc6120001), .dst = addr_v4(0xc612000a), .sport = 45000,
                          .dport = 22, .flags = TH_RST | TH_ACK, .ttl = 64};
    size_t n = packet_build_tcp4(buf, &p);
    struct reply r;
    CHECK(packet_decode(buf, n, &r) == 1);
    buf[30] ^= 1; /* one bit of the TCP header */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[30] ^= 1;
    buf[8] ^= 1; /* the TTL: the IP header checksum breaks */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[8] ^= 1;
    uint8_t data[PROBE_MAX + 8];
    memcpy(data, buf, n);
    wr16(data + 2, (uint16_t)(n + 8)); /* 8 bytes of payload, then cut there */
    memset(data + n, 0xab, 8);
    seal(data, n + 8);
    CHECK(packet_decode(data, n + 8, &r) == 1 && r.paylen == 8);
    data[n] ^= 1;
    CHECK(packet_decode(data, n + 8, &r) == -1);
    CHECK(packet_decode_cap(data, n, n + 8, &r) == 1 && r.paylen == 8); /* not captured */
    CHECK(packet_decode_cap(data, 30, n + 8, &r) == 0); /* the TCP header cut */
    CHECK(packet_decode_cap(data, n, n - 1, &r) == -1); /* longer than it was sent */
    wr16(buf + 36, (uint16_t)~inet_checksum(buf, 0, pseudo_sum(buf, n - 20)));
    CHECK(packet_decode(buf, n, &r) == 1); /* offload's partial sum */
    buf[9] = 17, buf[24] = 0, buf[25] = 20; /* as UDP, 12 bytes of payload */
    seal(buf, n);
    buf[26] = buf[27] = 0;
    CHECK(packet_decode(buf, n, &r) == 1 && r.kind == REPLY_UDP);
    buf[9] = 1; /* as ICMP: a checksum of 0 is no exemption there */
    wr16(buf + 10, 0);
    wr16(buf + 10, inet_checksum(buf, 20, 0));
    buf[22] = buf[23] = 0;
    CHECK(packet_decode(buf, n, &r) == -1);
}

static void expect_tcp(enum raw_kind k, uint8_t flags, uint16_t win, bool decisive,
                       enum port_state s)
{
    struct port_result pr = {0};
    bool d = classify_tcp(k, flags, win, &pr);
    CHECK(d == decisive);
    if (d)
        CHECK(pr.state == s);
}

void test_classify_raw(void)
{
    expect_tcp(RAW_SYN, TH_SYN | TH_ACK, 0, true, PS_OPEN);
    expect_tcp(RAW_SYN, TH_RST | TH_ACK, 0, true, PS_CLOSED);
    expect_tcp(RAW_SYN, TH_ACK, 0, false, PS_UNKNOWN);
    expect_tcp(RAW_ACK, TH_RST, 0, true, PS_UNFILTERED);
    expect_tcp(RAW_WINDOW, TH_RST, 512, true, PS_OPEN);
    expect_tcp(RAW_WINDOW, TH_RST, 0, true, PS_CLOSED);
    expect_tcp(RAW_FIN, TH_RST | TH_ACK, 0, true, PS_CLOSED);
    expect_tcp(RAW_XMAS, TH_RST, 0, true, PS_CLOSED);
    CHECK(raw_silent_state(RAW_SYN) == PS_FILTERED && raw_silent_state(RAW_ACK) == PS_FILTERED);
    CHECK(raw_silent_state(RAW_NULL) == PS_OPEN_FILTERED && raw_silent_state(RAW_MAIMON) == PS_OPEN_FILTERED);
    static const int codes[] = {1, 2, 3, 9, 10, 13};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        struct port_result pr = {0};
        CHECK(classify_icmp(3, codes[i], &pr) && pr.state == PS_FILTERED);
    }
    struct port_result pr = {0};
    CHECK(!classify_icmp(3, 4, &pr) && !classify_icmp(11, 0, &pr) && !classify_icmp(0, 0, &pr));
}
