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
    seal(buf, n);
    frame[12] = 0x08;
    memcpy(frame + 14, buf, n);
    CHECK(packet_decode_frame(1, frame, 14 + n, 14 + n, &r) == 1 && r.kind == REPLY_IP);
    CHECK(packet_decode_frame(1, frame, 10, 10, &r) == -1);
    frame[12] = 0x86, frame[13] = 0xdd; /* IPv6 ethertype, IPv4 inside */
    CHECK(packet_decode_frame(1, frame, 14 + n, 14 + n, &r) == -1);
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

/* ICMP unreachable codes as every raw TCP table reads them (the tables
 * themselves are the modules', tested in test_probe.c). */
void test_classify_raw(void)
{
    static const int codes[] = {1, 2, 3, 9, 10, 13};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        struct port_result pr = {0};
        CHECK(classify_icmp(3, codes[i], &pr) && pr.state == PS_FILTERED);
    }
    struct port_result pr = {0};
    CHECK(!classify_icmp(3, 4, &pr) && !classify_icmp(11, 0, &pr) && !classify_icmp(0, 0, &pr));
}

void test_packet_ip6(void);
void test_packet_icmp6(void);
void test_packet_ndp_arp(void);
void test_packet_frames(void);

static struct addr v6(const char *s)
{
    struct addr a;
    addr_parse(s, &a);
    return a;
}

/* A SYN from 2001:db8::1 to 2001:db8::2 (64 bytes: 40 IPv6 + 24 TCP). */
static size_t syn6(uint8_t *buf)
{
    struct tcp_probe p = {.src = v6("2001:db8::1"), .dst = v6("2001:db8::2"), .sport = 45000,
                          .dport = 443, .seq = 0xdeadbeef, .flags = TH_SYN, .ttl = 64,
                          .window = 1024, .ipid = 0xdead};
    return packet_build_tcp(buf, &p);
}

/* Refills the upper-layer checksum (at `at` from l4) of an IPv6 packet
 * whose upper layer starts at l4 and runs to the end (n bytes in all). */
static void seal6(uint8_t *buf, size_t n, size_t l4, uint8_t proto, size_t at)
{
    struct addr s = v6("::"), d = v6("::");
    memcpy(s.u.v6, buf + 8, 16);
    memcpy(d.u.v6, buf + 24, 16);
    wr16(buf + l4 + at, 0);
    wr16(buf + l4 + at, packet_l4_checksum(&s, &d, proto, buf + l4, n - l4));
}

/* IPv6: TCP both ways through the one decoder, checksums with IPv6's
 * pseudo-header, extension headers walked, fragments and truncations. */
void test_packet_ip6(void)
{
    uint8_t buf[PROBE_MAX + 64], x[PROBE_MAX + 64];
    size_t n = syn6(buf);
    struct reply r;
    CHECK(n == 64 && buf[0] >> 4 == 6 && buf[6] == 6 && buf[7] == 64);
    CHECK(packet_decode(buf, n, &r) == 1);
    struct addr a1 = v6("2001:db8::1"), a2 = v6("2001:db8::2");
    CHECK(r.kind == REPLY_TCP && r.proto == 6 && addr_eq(&r.src, &a1) && addr_eq(&r.dst, &a2) &&
          r.sport == 45000 && r.dport == 443 && r.seq == 0xdeadbeef && r.flags == TH_SYN &&
          r.ttl == 64 && r.mss == 1460 && r.optlen == 4 && r.window == 1024 && r.ipid == 0xdead &&
          !r.icmp6);
    for (size_t len = 0; len < n; len++) { /* cut on the wire: malformed; by the snap length: unknown */
        CHECK(packet_decode(buf, len, &r) == -1);
        int rc = packet_decode_cap(buf, len, n, &r);
        CHECK(len < 40 ? rc == -1 : rc == 0);
    }
    buf[50] ^= 1; /* one bit of the TCP header */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[50] ^= 1;
    buf[8] ^= 1; /* the source address: the pseudo-header's sum breaks */
    CHECK(packet_decode(buf, n, &r) == -1);
    buf[8] ^= 1;
    /* Offload's partial sum: the pseudo-header alone. */
    memcpy(x, buf, n);
    uint32_t pseudo = 0;
    for (int i = 8; i < 40; i += 2)
        pseudo += rd16(x + i);
    wr16(x + 56, (uint16_t)~inet_checksum(x, 0, pseudo + 6 + 24));
    CHECK(packet_decode(x, n, &r) == 1 && r.kind == REPLY_TCP);

    /* Hop-by-hop (8 bytes), destination options (16), an atomic fragment
     * (8), then the same TCP segment. */
    memcpy(x, buf, 40);
    x[6] = 0;
    uint8_t ext[32] = {60, 0, 1, 4, 0, 0, 0, 0, /* hop-by-hop: PadN */
                       44, 1, 1, 12, [24] = 6}; /* dest options (PadN), fragment */
    memcpy(x + 40, ext, 32);
    memcpy(x + 72, buf + 40, 24);
    wr16(x + 4, 32 + 24);
    CHECK(packet_decode(x, 96, &r) == 1 && r.kind == REPLY_TCP && r.proto == 6 && r.sport == 45000);
    CHECK(packet_decode_cap(x, 60, 96, &r) == 0); /* cut inside the chain */
    CHECK(packet_decode_cap(x, 78, 96, &r) == 0); /* cut inside TCP */
    x[66] = 0x00, x[67] = 0x01; /* fragment: M set */
    CHECK(packet_decode(x, 96, &r) == 0);
    x[66] = 0x05, x[67] = 0x00; /* fragment: offset 160 */
    CHECK(packet_decode(x, 96, &r) == 0);
    x[66] = x[67] = 0;
    x[49] = 12; /* destination options of 104 bytes: past the end */
    CHECK(packet_decode(x, 96, &r) == -1);
    x[49] = 1;
    for (size_t len = 0; len < 96; len++) {
        CHECK(packet_decode(x, len, &r) == -1);
        CHECK(packet_decode_cap(x, len, 96, &r) <= 0);
    }
    x[41] = 255; /* hop-by-hop of 2 KiB */
    CHECK(packet_decode(x, 96, &r) == -1);
    x[41] = 0;
    x[72 - 8] = 59; /* the fragment header says: no next header */
    CHECK(packet_decode(x, 96, &r) == 1 && r.kind == REPLY_IP && r.proto == 59);
    /* A chain of nine hop-by-hop headers: longer than any sender's. */
    memcpy(x, buf, 40);
    x[6] = 0;
    memset(x + 40, 0, 72);
    wr16(x + 4, 72);
    CHECK(packet_decode(x, 112, &r) == 0);

    /* UDP over IPv6: a checksum of 0 is malformed, a right one passes. */
    memcpy(x, buf, 40);
    x[6] = 17;
    wr16(x + 4, 12);
    uint8_t udp[12] = {0x00, 0x35, 0x9c, 0x40, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};
    memcpy(x + 40, udp, 12);
    CHECK(packet_decode(x, 52, &r) == -1);
    seal6(x, 52, 40, 17, 6);
    CHECK(packet_decode(x, 52, &r) == 1 && r.kind == REPLY_UDP && r.sport == 53 &&
          r.dport == 40000 && r.paylen == 4);
    x[50] ^= 1;
    CHECK(packet_decode(x, 52, &r) == -1);
    x[0] = 0x70; /* no IP version 7 */
    CHECK(packet_decode(x, 52, &r) == -1);
}

/* ICMPv6: an unreachable quoting the SYN, echo replies, bad checksums;
 * ICMP (IPv4) echo carries its id and seq too. */
void test_packet_icmp6(void)
{
    uint8_t probe[PROBE_MAX], buf[256];
    size_t n = syn6(probe);
    struct addr router = v6("2001:db8:ff::1"), us = v6("2001:db8::1"), them = v6("2001:db8::2");
    size_t ip = packet_ip_header(buf, &router, &us, 58, 8 + n, 60, 0);
    uint8_t *icmp = buf + ip;
    memset(icmp, 0, 8);
    icmp[0] = 1, icmp[1] = 4; /* port unreachable */
    memcpy(icmp + 8, probe, n);
    wr16(icmp + 2, packet_l4_checksum(&router, &us, 58, icmp, 8 + n));
    struct reply r;
    CHECK(packet_decode(buf, ip + 8 + n, &r) == 1);
    CHECK(r.kind == REPLY_ICMP && r.icmp6 && r.proto == 58 && r.icmp_type == 1 &&
          r.icmp_code == 4 && r.inner_proto == 6 && addr_eq(&r.inner_src, &us) &&
          addr_eq(&r.inner_dst, &them) && addr_eq(&r.src, &router) && r.sport == 45000 &&
          r.dport == 443 && r.seq == 0xdeadbeef && r.ttl == 60);
    /* Quoting the header and 8 bytes is enough; 7 are not. */
    for (size_t q = 48; q >= 47; q--) {
        wr16(buf + 4, (uint16_t)(8 + q));
        wr16(icmp + 2, 0);
        wr16(icmp + 2, packet_l4_checksum(&router, &us, 58, icmp, 8 + q));
        int rc = packet_decode(buf, ip + 8 + q, &r);
        CHECK(q == 48 ? rc == 1 && r.seq == 0xdeadbeef : rc == -1);
    }
    for (size_t len = 0; len < ip + 8 + 48; len++) { /* never a crash, never a 1 */
        CHECK(packet_decode(buf, len, &r) == -1);
        CHECK(packet_decode_cap(buf, len, ip + 8 + 48, &r) <= 0);
    }
    /* The same error quoting an IPv4 packet: garbled. */
    buf[ip + 8] = 0x45;
    wr16(icmp + 2, 0);
    wr16(icmp + 2, packet_l4_checksum(&router, &us, 58, icmp, 8 + 48));
    CHECK(packet_decode(buf, ip + 8 + 48, &r) == -1);

    /* Echo reply: id and seq. */
    ip = packet_ip_header(buf, &them, &us, 58, 16, 64, 0);
    uint8_t echo[16] = {129, 0, 0, 0, 0x12, 0x34, 0x00, 0x07, 'p', 'i', 'n', 'g'};
    memcpy(buf + ip, echo, 16);
    wr16(buf + ip + 2, packet_l4_checksum(&them, &us, 58, buf + ip, 16));
    CHECK(packet_decode(buf, ip + 16, &r) == 1 && r.kind == REPLY_ICMP_QUERY && r.icmp6 &&
          r.icmp_type == 129 && r.icmp_id == 0x1234 && r.icmp_seq == 7);
    buf[ip + 10] ^= 1;
    CHECK(packet_decode(buf, ip + 16, &r) == -1);
    buf[ip + 10] ^= 1;
    buf[ip] = 130; /* MLD query: nothing to a scan */
    wr16(buf + ip + 2, 0);
    wr16(buf + ip + 2, packet_l4_checksum(&them, &us, 58, buf + ip, 16));
    CHECK(packet_decode(buf, ip + 16, &r) == 0);

    /* ICMP (IPv4) echo request: its id and seq. */
    struct addr a = addr_v4(0x0a000001), b = addr_v4(0x0a000002);
    ip = packet_ip_header(buf, &a, &b, 1, 8, 64, 1);
    uint8_t e4[8] = {8, 0, 0, 0, 0xbe, 0xef, 0, 42};
    memcpy(buf + ip, e4, 8);
    wr16(buf + ip + 2, inet_checksum(buf + ip, 8, 0));
    CHECK(packet_decode(buf, ip + 8, &r) == 1 && r.kind == REPLY_ICMP_QUERY && !r.icmp6 &&
          r.icmp_type == 8 && r.icmp_id == 0xbeef && r.icmp_seq == 42);
}

/* Neighbour solicitation and ARP request, built and read back as frames. */
void test_packet_ndp_arp(void)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
    static const uint8_t mac2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    uint8_t f[128];
    struct addr us = v6("fe80::1"), tgt = v6("2001:db8::aa:bbcc:ddee"), grp = v6("ff02::1:ffcc:ddee");
    size_t n = packet_build_ns(f, mac, &us, &tgt);
    CHECK(n == 14 + 40 + 32);
    static const uint8_t edst[6] = {0x33, 0x33, 0xff, 0xcc, 0xdd, 0xee};
    CHECK(!memcmp(f, edst, 6) && !memcmp(f + 6, mac, 6) && rd16(f + 12) == 0x86dd);
    struct reply r;
    CHECK(packet_decode_frame(1, f, n, n, &r) == 1);
    CHECK(r.kind == REPLY_NDP && r.icmp6 && r.icmp_type == 135 && r.ttl == 255 &&
          addr_eq(&r.src, &tgt) && addr_eq(&r.dst, &grp) && r.has_mac && !memcmp(r.mac, mac, 6));
    /* The advertisement that answers it: the target's address and MAC. */
    uint8_t na[128];
    size_t ip = packet_ip_header(na + 14, &tgt, &us, 58, 32, 255, 0);
    packet_eth_header(na, mac, mac2, ETHERTYPE_IP6);
    uint8_t *icmp = na + 14 + ip;
    memset(icmp, 0, 32);
    icmp[0] = 136, icmp[4] = 0x60; /* solicited, override */
    memcpy(icmp + 8, tgt.u.v6, 16);
    icmp[24] = 2, icmp[25] = 1;
    memcpy(icmp + 26, mac2, 6);
    wr16(icmp + 2, packet_l4_checksum(&tgt, &us, 58, icmp, 32));
    n = 14 + ip + 32;
    CHECK(packet_decode_frame(1, na, n, n, &r) == 1 && r.kind == REPLY_NDP &&
          r.icmp_type == 136 && addr_eq(&r.src, &tgt) && r.has_mac && !memcmp(r.mac, mac2, 6));
    icmp[24] = 1; /* a source (not target) address option: no MAC, but the frame's */
    wr16(icmp + 2, 0);
    wr16(icmp + 2, packet_l4_checksum(&tgt, &us, 58, icmp, 32));
    CHECK(packet_decode_frame(1, na, n, n, &r) == 1 && r.has_mac && !memcmp(r.mac, mac2, 6));
    CHECK(packet_decode(na + 14, n - 14, &r) == 1 && !r.has_mac);
    icmp[25] = 0; /* an option of length 0 */
    wr16(icmp + 2, 0);
    wr16(icmp + 2, packet_l4_checksum(&tgt, &us, 58, icmp, 32));
    CHECK(packet_decode_frame(1, na, n, n, &r) == -1);
    icmp[25] = 1;
    na[14 + 7] = 64; /* hop limit below 255: from off the link */
    wr16(icmp + 2, 0);
    wr16(icmp + 2, packet_l4_checksum(&tgt, &us, 58, icmp, 32));
    CHECK(packet_decode_frame(1, na, n, n, &r) == 0);
    for (size_t len = 0; len < n; len++) {
        CHECK(packet_decode_frame(1, na, len, len, &r) == -1);
        CHECK(packet_decode_frame(1, na, len, n, &r) <= 0);
    }

    /* ARP: a broadcast request, read back with the sender's MAC. */
    struct addr sip = addr_v4(0xc0a80001), tip = addr_v4(0xc0a800fe);
    n = packet_build_arp_request(f, mac, &sip, &tip);
    CHECK(n == 42 && f[0] == 0xff && f[5] == 0xff && rd16(f + 12) == 0x0806 && rd16(f + 20) == 1);
    CHECK(packet_decode_frame(1, f, n, n, &r) == 1 && r.kind == REPLY_ARP && r.icmp_type == 1 &&
          r.src.u.v4 == 0xc0a80001 && r.dst.u.v4 == 0xc0a800fe && r.has_mac &&
          !memcmp(r.mac, mac, 6));
    CHECK(packet_decode_frame(1, f, 41, 41, &r) == -1);
    CHECK(packet_decode_frame(1, f, 41, 60, &r) == 0);
    f[21] = 3; /* RARP's operation: not ours */
    CHECK(packet_decode_frame(1, f, n, n, &r) == 0);
}

/* Link types: Ethernet (with a VLAN tag), Linux cooked v1 and v2, raw IP;
 * other ethertypes are ignored, short or inconsistent frames malformed. */
void test_packet_frames(void)
{
    static const uint8_t mac[6] = {0x02, 1, 2, 3, 4, 5}, peer[6] = {0x02, 9, 9, 9, 9, 9};
    uint8_t pkt[PROBE_MAX], f[PROBE_MAX + 32];
    struct tcp_probe p = {.src = addr_v4(0xc6120001), .dst = addr_v4(0xc612000a), .sport = 45000,
                          .dport = 22, .flags = TH_SYN, .ttl = 64};
    size_t n4 = packet_build_tcp(pkt, &p), n;
    struct reply r;

    n = packet_eth_header(f, peer, mac, ETHERTYPE_IP4);
    memcpy(f + n, pkt, n4);
    n += n4;
    CHECK(packet_decode_frame(1, f, n, n, &r) == 1 && r.kind == REPLY_TCP && r.dport == 22 &&
          r.has_mac && !memcmp(r.mac, mac, 6));
    CHECK(packet_decode_cap(f + 14, n4, n4, &r) == 1 && !r.has_mac);
    for (size_t len = 0; len < 14; len++)
        CHECK(packet_decode_frame(1, f, len, len, &r) == -1);
    f[12] = 0x86, f[13] = 0xdd; /* says IPv6, holds IPv4 */
    CHECK(packet_decode_frame(1, f, n, n, &r) == -1);
    f[12] = 0x88, f[13] = 0xcc; /* LLDP */
    CHECK(packet_decode_frame(1, f, n, n, &r) == 0);

    /* One 802.1Q tag, then IPv6. */
    n4 = syn6(pkt);
    n = packet_eth_header(f, peer, mac, 0x8100);
    wr16(f + 14, 42);
    wr16(f + 16, ETHERTYPE_IP6);
    memcpy(f + 18, pkt, n4);
    n = 18 + n4;
    CHECK(packet_decode_frame(1, f, n, n, &r) == 1 && r.kind == REPLY_TCP && r.dport == 443 &&
          r.has_mac && !memcmp(r.mac, mac, 6));
    CHECK(packet_decode_frame(1, f, 17, 17, &r) == -1);

    /* Linux cooked (v1): type, ARPHRD_ETHER, 6-byte address, protocol. */
    memset(f, 0, 16);
    wr16(f + 2, 1);
    wr16(f + 4, 6);
    memcpy(f + 6, mac, 6);
    wr16(f + 14, ETHERTYPE_IP6);
    memcpy(f + 16, pkt, n4);
    n = 16 + n4;
    CHECK(packet_decode_frame(113, f, n, n, &r) == 1 && r.kind == REPLY_TCP && r.has_mac &&
          !memcmp(r.mac, mac, 6));
    wr16(f + 2, 772); /* ARPHRD_LOOPBACK: no MAC worth the name */
    CHECK(packet_decode_frame(113, f, n, n, &r) == 1 && !r.has_mac);
    CHECK(packet_decode_frame(113, f, 15, 15, &r) == -1);

    /* Linux cooked v2: protocol first, then ifindex, ARPHRD, type, length, address. */
    memset(f, 0, 20);
    wr16(f, ETHERTYPE_IP6);
    wr16(f + 8, 1);
    f[11] = 6;
    memcpy(f + 12, mac, 6);
    memcpy(f + 20, pkt, n4);
    n = 20 + n4;
    CHECK(packet_decode_frame(276, f, n, n, &r) == 1 && r.kind == REPLY_TCP && r.sport == 45000 &&
          r.has_mac && !memcmp(r.mac, mac, 6));
    CHECK(packet_decode_frame(276, f, n - 1, n, &r) == 0); /* the snap length cut the segment */
    CHECK(packet_decode_frame(276, f, 19, 19, &r) == -1);
    uint8_t arp[64];
    struct addr sip = addr_v4(0x0a000001), tip = addr_v4(0x0a000002);
    size_t na = packet_build_arp_request(arp, mac, &sip, &tip);
    wr16(f, ETHERTYPE_ARP_);
    memcpy(f + 20, arp + 14, na - 14);
    CHECK(packet_decode_frame(276, f, 20 + na - 14, 20 + na - 14, &r) == 1 &&
          r.kind == REPLY_ARP && r.dst.u.v4 == 0x0a000002);

    /* Raw IP, both link type numbers, both families by the version nibble. */
    CHECK(packet_decode_frame(12, pkt, n4, n4, &r) == 1 && r.kind == REPLY_TCP && r.dst.family == AF_INET6 && !r.has_mac);
    CHECK(packet_decode_frame(101, pkt, n4, n4, &r) == 1 && r.kind == REPLY_TCP);
    n4 = packet_build_tcp(pkt, &p);
    CHECK(packet_decode_frame(101, pkt, n4, n4, &r) == 1 && r.dst.u.v4 == 0xc612000a);
    CHECK(packet_decode_frame(12, pkt, 0, 0, &r) == -1);
    pkt[0] = 0x55;
    CHECK(packet_decode_frame(12, pkt, n4, n4, &r) == -1);
    CHECK(packet_decode_frame(147, pkt, n4, n4, &r) == 0); /* a link type not read here */
}
