/* osprobe: the probes are nmap's, and a simulated Linux-like host's replies
 * give the fingerprint nmap would compute from them. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "os/osprobe.h"
#include "packet.h"
#include "probe/template.h"
#include "unit.h"

void test_osprobe_build(void);
void test_osprobe_linux(void);
void test_osprobe_hostile(void);

static struct addr v4(const char *s)
{
    struct addr a;
    memset(&a, 0, sizeof a);
    a.family = AF_INET;
    struct in_addr in;
    inet_pton(AF_INET, s, &in);
    a.u.v4 = ntohl(in.s_addr);
    return a;
}

static uint16_t g16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t g32(const uint8_t *p)
{
    return (uint32_t)g16(p) << 16 | g16(p + 2);
}

static void round_for(struct os_round *r)
{
    memset(r, 0, sizeof *r);
    r->src = v4("198.18.0.1");
    r->dst = v4("198.18.0.50");
    r->open = 22, r->closed = 1, r->closed_udp = 40000, r->closed_known = true;
    r->sport = 40000, r->udp_sport = 50000, r->seq = 0x10000000, r->ack = 0x20000000;
    r->icmp_id = 0x1234, r->udp_ttl = 60;
    osprobe_round_init(r);
}

void test_osprobe_build(void)
{
    struct os_round r;
    round_for(&r);
    uint8_t p[OSP_MAX_LEN];
    /* SEQ 1: SYN, window 1, nmap's option bytes, seq base + 0 */
    size_t n = osprobe_build(&r, OSP_SEQ, 7, p);
    CHECK(n == 20 + 20 + 20);
    CHECK(p[9] == 6 && (p[6] & 0x40) == 0);
    CHECK(g16(p + 20) == 40000 && g16(p + 22) == 22 && g32(p + 24) == 0x10000000);
    CHECK(p[33] == 0x02 && g16(p + 34) == 1 && p[40] == 3 && p[42] == 10);
    /* SEQ 3's sequence is base + 2, its source port sport + 2 */
    osprobe_build(&r, OSP_SEQ + 2, 7, p);
    CHECK(g32(p + 24) == 0x10000002 && g16(p + 20) == 40002 && g16(p + 34) == 4);
    /* ECN: CWR|ECE|SYN, a reserved bit, urgent pointer 0xF7F5, ack 0 */
    osprobe_build(&r, OSP_ECN, 7, p);
    CHECK(p[33] == 0xC2 && (p[32] & 0x0f) == 8 && g16(p + 38) == 0xF7F5 && g32(p + 28) == 0);
    /* T2: no flags, DF; T7 to the closed port, FIN|PSH|URG, window 65535, WScale 15 */
    osprobe_build(&r, OSP_T1 + 1, 7, p);
    CHECK(p[33] == 0 && (p[6] & 0x40) && g16(p + 34) == 128);
    osprobe_build(&r, OSP_T1 + 6, 7, p);
    CHECK(g16(p + 22) == 1 && p[33] == 0x29 && g16(p + 34) == 65535 && p[42] == 15);
    /* IE1: DF, code 9, 120 bytes; IE2: TOS 4, code 0, 150 bytes, id + 1 */
    n = osprobe_build(&r, OSP_IE1, 7, p);
    CHECK(n == 20 + 8 + 120 && (p[6] & 0x40) && p[20] == 8 && p[21] == 9 && g16(p + 26) == 295);
    n = osprobe_build(&r, OSP_IE2, 7, p);
    CHECK(n == 20 + 8 + 150 && p[1] == 4 && p[21] == 0 && g16(p + 24) == 0x1235);
    /* U1: 300 'C's, IP ID 0x1042, the round's TTL */
    n = osprobe_build(&r, OSP_U1, 7, p);
    CHECK(n == 328 && g16(p + 4) == 0x1042 && p[8] == 60 && p[28] == 'C' && p[327] == 'C');
    CHECK(inet_checksum(p, 20, 0) == 0);
}

/* ---- a simulated Linux 6 host: the replies it gives ---- */

struct sim {
    uint16_t icmp_ipid;
    uint32_t ts;
};

static size_t tcp_reply(const uint8_t *probe, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
                        bool opts, uint32_t ts, uint8_t *out)
{
    struct addr src = v4("198.18.0.50"), dst = v4("198.18.0.1");
    uint8_t o[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7};
    o[8] = (uint8_t)(ts >> 24), o[9] = (uint8_t)(ts >> 16), o[10] = (uint8_t)(ts >> 8), o[11] = (uint8_t)ts;
    o[15] = 1; /* TSecr non-zero */
    size_t ol = opts ? 20 : 0, l4 = 20 + ol;
    size_t h = packet_ip_header(out, &src, &dst, 6, l4, 64, 0);
    out[6] |= 0x40;
    uint8_t *t = out + h;
    memset(t, 0, l4);
    memcpy(t, probe + 22, 2);
    memcpy(t + 2, probe + 20, 2);
    tmpl_put32(t + 4, seq);
    tmpl_put32(t + 8, ack);
    t[12] = (uint8_t)((l4 / 4) << 4);
    t[13] = flags;
    tmpl_put16(t + 14, win);
    memcpy(t + 20, o, ol);
    tmpl_seal(out, h + l4);
    return h + l4;
}

static size_t echo_reply(struct sim *s, const uint8_t *probe, size_t plen, uint8_t *out)
{
    memcpy(out, probe, plen);
    struct addr src = v4("198.18.0.50"), dst = v4("198.18.0.1");
    packet_ip_header(out, &src, &dst, 1, plen - 20, 64, s->icmp_ipid++);
    out[20] = 0; /* echo reply, the code echoed back */
    tmpl_seal(out, plen);
    return plen;
}

static size_t unreach(const uint8_t *probe, uint8_t *out)
{
    struct addr src = v4("198.18.0.50"), dst = v4("198.18.0.1");
    size_t h = packet_ip_header(out, &src, &dst, 1, 8 + 328, 64, 99);
    memset(out + h, 0, 8);
    out[h] = 3, out[h + 1] = 3;
    memcpy(out + h + 8, probe, 328);
    tmpl_seal(out, h + 8 + 328);
    return h + 8 + 328;
}

static size_t linux_answer(struct sim *s, const struct os_round *r, int p, const uint8_t *probe, size_t plen,
                           uint8_t *out)
{
    if (p == OSP_U1)
        return unreach(probe, out);
    if (p == OSP_IE1 || p == OSP_IE2)
        return echo_reply(s, probe, plen, out);
    uint32_t seq = g32(probe + 24);
    uint8_t flags = probe[33];
    bool to_open = g16(probe + 22) == r->open;
    if (to_open && (flags & 0x02) && !(flags & 0x01)) /* a SYN: SYN-ACK */
        return tcp_reply(probe, 0x12 | (p == OSP_ECN ? 0x40 : 0), 0xA0000000u + (uint32_t)p * 1000004u + 7u * (uint32_t)(p * p), seq + 1,
                         0xFAF0, true, s->ts, out);
    if (to_open && (flags == 0 || (flags & 0x01)))
        return 0; /* Linux ignores T2 and T3 */
    if (flags & 0x10) /* an ACK: a reset at its ack */
        return tcp_reply(probe, 0x04, g32(probe + 28), 0, 0, false, 0, out);
    return tcp_reply(probe, 0x14, 0, seq + (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0), 0, false, 0, out);
}

static const char *val(const struct osfp *fp, const char *test, const char *attr)
{
    return osfp_attr(osfp_test(fp, test), attr);
}

void test_osprobe_linux(void)
{
    struct os_round r;
    round_for(&r);
    struct sim s = {.icmp_ipid = 500, .ts = 1000000};
    uint8_t p[OSP_MAX_LEN], a[600];
    for (int i = 0; i < OSP_COUNT; i++) {
        if (i >= OSP_OPS && i < OSP_ECN)
            continue; /* every SEQ probe was answered: no OPS resends */
        if (i < OSP_NSEQ)
            r.seq_sent_ns[i] = (uint64_t)i * 100000000u, s.ts = 1000000 + (uint32_t)i * 100;
        r.tries[i]++;
        size_t n = osprobe_build(&r, i, 7, p);
        size_t m = linux_answer(&s, &r, i, p, n, a);
        if (m)
            CHECK(osprobe_record(&r, a, m) == (i == OSP_T1 ? -1 : i)); /* T1 came with SEQ 1 */
        if (m && i == OSP_SEQ + 3)
            CHECK(osprobe_record(&r, a, m) == -1); /* a duplicate is no news */
    }
    struct osfp fp;
    struct os_seqreport rep;
    osprobe_fingerprint(&r, &fp, &rep);
    CHECK(rep.responses == 6);
    CHECK_STR(val(&fp, "SEQ", "TI"), "Z");
    CHECK_STR(val(&fp, "SEQ", "CI"), "Z");
    CHECK_STR(val(&fp, "SEQ", "II"), "I");
    CHECK_STR(val(&fp, "SEQ", "TS"), "A"); /* 1000 Hz: log2 rounds to 10 */
    CHECK_STR(val(&fp, "SEQ", "GCD"), "1");
    CHECK(val(&fp, "SEQ", "SS") == NULL); /* TI is zero: no shared sequence to judge */
    CHECK_STR(val(&fp, "OPS", "O1"), "M5B4ST11NW7");
    CHECK_STR(val(&fp, "WIN", "W6"), "FAF0");
    CHECK_STR(val(&fp, "ECN", "CC"), "Y");
    CHECK_STR(val(&fp, "ECN", "Q"), "");
    CHECK_STR(val(&fp, "T1", "F"), "AS");
    CHECK_STR(val(&fp, "T1", "A"), "S+");
    CHECK_STR(val(&fp, "T1", "T"), "40"); /* U1 said one hop: T, not TG */
    CHECK(val(&fp, "T1", "W") == NULL && val(&fp, "T1", "O") == NULL);
    CHECK_STR(val(&fp, "T2", "R"), "N");
    CHECK_STR(val(&fp, "T4", "F"), "R");
    CHECK_STR(val(&fp, "T4", "S"), "A");
    CHECK_STR(val(&fp, "T5", "F"), "AR");
    CHECK_STR(val(&fp, "T5", "A"), "S+");
    CHECK_STR(val(&fp, "T5", "S"), "Z");
    CHECK_STR(val(&fp, "T7", "A"), "S+"); /* FIN|PSH|URG: acked one past */
    CHECK_STR(val(&fp, "U1", "RIPL"), "G");
    CHECK_STR(val(&fp, "U1", "RID"), "G");
    CHECK_STR(val(&fp, "U1", "RIPCK"), "G");
    CHECK_STR(val(&fp, "U1", "RUCK"), "G");
    CHECK_STR(val(&fp, "U1", "RUD"), "G");
    CHECK_STR(val(&fp, "U1", "IPL"), "164");
    CHECK_STR(val(&fp, "IE", "DFI"), "N");
    CHECK_STR(val(&fp, "IE", "CD"), "S");
    CHECK(r.distance == 1);
    static const char *const order[] = {"SEQ", "OPS", "WIN", "ECN", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "U1", "IE"};
    CHECK(fp.n == 13);
    for (int i = 0; i < 13 && i < fp.n; i++)
        CHECK_STR(fp.t[i].name, order[i]);
}

/* Truncated, foreign and garbled packets are never read past. */
void test_osprobe_hostile(void)
{
    struct os_round r;
    round_for(&r);
    uint8_t p[OSP_MAX_LEN], a[600];
    struct sim s = {0};
    size_t n = osprobe_build(&r, OSP_U1, 7, p);
    size_t m = linux_answer(&s, &r, OSP_U1, p, n, a);
    for (size_t cut = 0; cut < m; cut++) {
        uint8_t *c = malloc(cut ? cut : 1);
        memcpy(c, a, cut);
        int rc = osprobe_record(&r, c, cut);
        CHECK(rc == -1 || rc == OSP_U1);
        free(c);
        if (rc == OSP_U1)
            round_for(&r);
    }
    n = osprobe_build(&r, OSP_SEQ, 7, p);
    m = linux_answer(&s, &r, OSP_SEQ, p, n, a);
    a[12 + 3] ^= 1; /* from another host */
    CHECK(osprobe_record(&r, a, m) == -1);
    a[12 + 3] ^= 1;
    a[20 + 12] = 0xf0; /* a data offset past the end */
    CHECK(osprobe_record(&r, a, m) == -1);
    a[20 + 12] = 0xa0;
    a[20 + 20] = 2, a[20 + 21] = 40; /* an option longer than the header */
    CHECK(osprobe_record(&r, a, m) == 0);
    CHECK(r.has_ops[0] && r.ops[0][0] == '\0');
}
