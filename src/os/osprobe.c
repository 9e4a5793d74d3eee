/* osprobe: nmap's OS-detection probes and their replies (osprobe.h). */
#include "os/osprobe.h"

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "probe/template.h"
#include "util.h"

#define TH_ECE 0x40
#define TH_CWR 0x80
#define U1_IPID 0x1042
#define U1_BYTE 0x43 /* 'C' */

/* The TCP options and windows of nmap's probes (its prbOpts/prbWindowSz):
 * 0-5 the SEQ probes, 6 ECN, 7-12 T2-T7. */
static const struct {
    uint8_t len;
    uint8_t b[20];
} tcp_opts[13] = {
    {20, {3, 3, 10, 1, 2, 4, 5, 0xb4, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
    {20, {2, 4, 5, 0x78, 3, 3, 0, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0}},
    {20, {8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 1, 3, 3, 5, 1, 2, 4, 2, 0x80}},
    {16, {4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 3, 3, 10, 0}},
    {20, {2, 4, 2, 0x18, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 3, 3, 10, 0}},
    {16, {2, 4, 1, 9, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}},
    {12, {3, 3, 10, 1, 2, 4, 5, 0xb4, 4, 2, 1, 1}},
    {20, {3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
    {20, {3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
    {20, {3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
    {20, {3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
    {20, {3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
    {20, {3, 3, 15, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2}},
};
static const uint16_t tcp_window[13] = {1, 63, 4, 4, 16, 512, 3, 128, 256, 1024, 31337, 32768, 65535};

/* A TCP probe: its options/window row, flags, DF, reserved bits, urgent
 * pointer; the sequence is the round's base (SEQ probes: base + i). */
struct tcp_spec {
    uint8_t row, flags;
    bool df;
    uint8_t x2;
    uint16_t urp;
    bool zero_ack;
};

static struct tcp_spec tcp_spec(enum os_probe p)
{
    static const struct tcp_spec t[7] = {
        {0, TH_SYN, false, 0, 0, false},
        {7, 0, true, 0, 0, false},
        {8, TH_SYN | TH_FIN | TH_URG | TH_PSH, false, 0, 0, false},
        {9, TH_ACK, true, 0, 0, false},
        {10, TH_SYN, false, 0, 0, false},
        {11, TH_ACK, true, 0, 0, false},
        {12, TH_FIN | TH_PSH | TH_URG, false, 0, 0, false},
    };
    if (p < OSP_OPS)
        return (struct tcp_spec){(uint8_t)p, TH_SYN, false, 0, 0, false};
    if (p < OSP_ECN)
        return (struct tcp_spec){(uint8_t)(p - OSP_OPS), TH_SYN, false, 0, 0, false};
    if (p == OSP_ECN)
        return (struct tcp_spec){6, TH_CWR | TH_ECE | TH_SYN, false, 8, 63477, true};
    return t[p - OSP_T1];
}

void osprobe_round_init(struct os_round *r)
{
    memset(r->seq_sent_ns, 0, sizeof *r - offsetof(struct os_round, seq_sent_ns));
    for (int i = 0; i < OSP_NSEQ; i++)
        r->tcp_ipid[i] = -1;
    for (int i = 0; i < 3; i++)
        r->closed_ipid[i] = -1;
    r->icmp_ipid[0] = r->icmp_ipid[1] = -1;
    r->distance = -1;
}

bool osprobe_applies(const struct os_round *r, enum os_probe p)
{
    if (p < OSP_T1 + 4)
        return r->open != 0;
    if (p < OSP_IE1)
        return r->closed != 0;
    return p != OSP_U1 || r->closed_udp != 0;
}

static size_t ip_header(const struct os_round *r, uint8_t *out, uint8_t proto, size_t l4len, uint8_t ttl,
                        uint16_t ipid, bool df, uint8_t tos)
{
    size_t n = packet_ip_header(out, &r->src, &r->dst, proto, l4len, ttl, ipid);
    out[1] = tos;
    if (df)
        out[6] |= 0x40;
    return n;
}

static size_t build_tcp(const struct os_round *r, enum os_probe p, uint16_t ipid, uint8_t *out)
{
    struct tcp_spec s = tcp_spec(p);
    size_t olen = tcp_opts[s.row].len, l4 = 20 + olen;
    size_t h = ip_header(r, out, IPPROTO_TCP, l4, 64, ipid, s.df, 0);
    uint8_t *t = out + h;
    memset(t, 0, l4);
    bool to_open = p < OSP_T1 + 4;
    tmpl_put16(t, (uint16_t)(r->sport + p));
    tmpl_put16(t + 2, to_open ? r->open : r->closed);
    tmpl_put32(t + 4, r->seq + (p < OSP_OPS ? (uint32_t)p : 0));
    tmpl_put32(t + 8, s.zero_ack ? 0 : r->ack);
    t[12] = (uint8_t)((l4 / 4) << 4 | s.x2);
    t[13] = s.flags;
    tmpl_put16(t + 14, tcp_window[s.row]);
    tmpl_put16(t + 18, s.urp);
    memcpy(t + 20, tcp_opts[s.row].b, olen);
    tmpl_seal(out, h + l4);
    return h + l4;
}

/* IE1: DF, code 9, 120 bytes; IE2: TOS 4 (reliability), code 0, 150 bytes. */
static size_t build_echo(const struct os_round *r, int n, uint16_t ipid, uint8_t *out)
{
    size_t data = n ? 150 : 120, l4 = 8 + data;
    size_t h = ip_header(r, out, IPPROTO_ICMP, l4, 64, ipid, n == 0, n ? 4 : 0);
    uint8_t *c = out + h;
    memset(c, 0, l4);
    c[0] = 8;
    c[1] = n ? 0 : 9;
    tmpl_put16(c + 4, (uint16_t)(r->icmp_id + n));
    tmpl_put16(c + 6, (uint16_t)(295 + n));
    tmpl_seal(out, h + l4);
    return h + l4;
}

static size_t build_u1(const struct os_round *r, uint8_t *out)
{
    size_t l4 = 8 + OSP_U1_DATA;
    size_t h = ip_header(r, out, IPPROTO_UDP, l4, r->udp_ttl, U1_IPID, false, 0);
    uint8_t *u = out + h;
    tmpl_put16(u, r->udp_sport);
    tmpl_put16(u + 2, r->closed_udp);
    tmpl_put16(u + 4, (uint16_t)l4);
    tmpl_put16(u + 6, 0);
    memset(u + 8, U1_BYTE, OSP_U1_DATA);
    tmpl_seal(out, h + l4);
    return h + l4;
}

size_t osprobe_build(const struct os_round *r, enum os_probe p, uint16_t ipid, uint8_t *out)
{
    if (p < OSP_IE1)
        return build_tcp(r, p, ipid, out);
    if (p < OSP_U1)
        return build_echo(r, p - OSP_IE1, ipid, out);
    return build_u1(r, out);
}

/* ---- replies ---- */

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The standard CRC-32 (IEEE 802.3, nmap's nbase_crc32) of a reset's data. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* nmap's TCP option string: M<mss> W<scale> S T<tsval!=0><tsecr!=0> N L;
 * "" for options it cannot parse. */
static void opt_string(const uint8_t *o, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    while (len > 0) {
        uint8_t op = o[0], ol = 1;
        if (op > 1) {
            if (len < 2 || o[1] < 2 || o[1] > len) {
                out[0] = '\0';
                return;
            }
            ol = o[1];
        }
        char piece[12] = "";
        if (op == 0 || op == 1)
            snprintf(piece, sizeof piece, "%c", op ? 'N' : 'L');
        else if ((op == 2 && ol < 4) || (op == 3 && ol < 3) || (op == 8 && ol < 10)) {
            out[0] = '\0';
            return;
        } else if (op == 2)
            snprintf(piece, sizeof piece, "M%X", get16(o + 2));
        else if (op == 3)
            snprintf(piece, sizeof piece, "W%X", o[2]);
        else if (op == 4)
            snprintf(piece, sizeof piece, "S");
        else if (op == 8)
            snprintf(piece, sizeof piece, "T%c%c", get32(o + 2) ? '1' : '0', get32(o + 6) ? '1' : '0');
        size_t pl = strlen(piece);
        if (n + pl + 1 > cap)
            return; /* nmap stops where its buffer ends */
        memcpy(out + n, piece, pl + 1);
        n += pl;
        len -= ol;
        o += ol;
    }
}

/* The timestamp option's TSval; false if there is none. */
static bool opt_tsval(const uint8_t *o, size_t len, uint32_t *ts)
{
    while (len > 0) {
        if (o[0] == 0 || o[0] == 1) {
            o++, len--;
            continue;
        }
        if (len < 2 || o[1] < 2 || o[1] > len)
            return false;
        if (o[0] == 8 && o[1] >= 10) {
            *ts = get32(o + 2);
            return true;
        }
        len -= o[1];
        o += o[1];
    }
    return false;
}

struct seg {
    const uint8_t *ip, *tcp, *opt, *data;
    size_t optlen, datalen;
    uint16_t ipid;
    uint8_t ttl, flags, x2;
    bool df;
    uint32_t seq, ack;
    uint16_t win, urp;
};

static void tcp_answer(const struct os_round *r, const struct seg *s, bool first, struct os_answer *a)
{
    char buf[OSFP_VAL_MAX];
    a->got = true;
    a->df = s->df;
    a->ttl = s->ttl;
    struct osfp_test *t = &a->rest;
    memset(t, 0, sizeof *t);
    const char *sv = s->seq == 0 ? "Z" : s->seq == r->ack ? "A" : s->seq == r->ack + 1 ? "A+" : "O";
    const char *av = s->ack == 0 ? "Z" : s->ack == r->seq ? "S" : s->ack == r->seq + 1 ? "S+" : "O";
    if (!first)
        osfp_addx(t, "W", s->win);
    osfp_add(t, "S", sv);
    osfp_add(t, "A", av);
    static const struct {
        uint8_t bit;
        char c;
    } fl[] = {{TH_ECE, 'E'}, {TH_URG, 'U'}, {TH_ACK, 'A'}, {TH_PSH, 'P'}, {TH_RST, 'R'}, {TH_SYN, 'S'}, {TH_FIN, 'F'}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        if (s->flags & fl[i].bit)
            buf[n++] = fl[i].c;
    buf[n] = '\0';
    osfp_add(t, "F", buf);
    if (!first) {
        opt_string(s->opt, s->optlen, buf, sizeof buf);
        osfp_add(t, "O", buf);
    }
    if ((s->flags & TH_RST) && s->datalen)
        osfp_addx(t, "RD", crc32_ieee(s->data, s->datalen));
    else
        osfp_add(t, "RD", "0");
}

/* nmap's Q: R when reserved bits are set, U for an urgent pointer without URG. */
static void quirks(const struct seg *s, struct osfp_test *t)
{
    char q[3];
    size_t n = 0;
    if (s->x2)
        q[n++] = 'R';
    if (!(s->flags & TH_URG) && s->urp)
        q[n++] = 'U';
    q[n] = '\0';
    osfp_add(t, "Q", q);
}

static void ecn_answer(const struct seg *s, struct os_answer *a)
{
    char buf[OSFP_VAL_MAX];
    a->got = true;
    a->df = s->df;
    a->ttl = s->ttl;
    struct osfp_test *t = &a->rest;
    memset(t, 0, sizeof *t);
    osfp_addx(t, "W", s->win);
    opt_string(s->opt, s->optlen, buf, sizeof buf);
    osfp_add(t, "O", buf);
    bool ece = s->flags & TH_ECE, cwr = s->flags & TH_CWR;
    osfp_add(t, "CC", ece && cwr ? "S" : ece ? "Y" : !cwr ? "N" : "O");
    quirks(s, t);
}

static int seq_reply(struct os_round *r, const struct seg *s, int n)
{
    if (r->lastipid && s->ipid == r->lastipid)
        return -1; /* a duplicate (nmap sees these on loopback) */
    r->lastipid = s->ipid;
    if ((s->flags & (TH_SYN | TH_ACK | TH_RST)) != (TH_SYN | TH_ACK))
        return -1;
    int k = (int)(s->ack - r->seq - 1);
    if (k != n)
        k = n;
    if (r->has_seq[k])
        return -1;
    r->has_seq[k] = true;
    r->isn[k] = s->seq;
    r->tcp_ipid[k] = s->ipid;
    uint32_t ts = 0;
    if (!opt_tsval(s->opt, s->optlen, &ts))
        r->ts_kind = 2;
    else if (ts == 0)
        r->ts_kind = 1;
    r->tsval[k] = ts;
    return n;
}

static bool opswin_reply(struct os_round *r, const struct seg *s, int n)
{
    bool useful = false;
    if (!r->has_ops[n]) {
        opt_string(s->opt, s->optlen, r->ops[n], sizeof r->ops[n]);
        r->has_ops[n] = useful = true;
    }
    if (!r->has_win[n]) {
        r->win[n] = s->win;
        r->has_win[n] = useful = true;
    }
    return useful;
}

static int t_reply(struct os_round *r, const struct seg *s, int n)
{
    if (r->t[n].got)
        return -1;
    tcp_answer(r, s, n == 0, &r->t[n]);
    quirks(s, &r->t[n].rest);
    if (n >= 4)
        r->closed_ipid[n - 4] = s->ipid;
    return OSP_T1 + n;
}

static int tcp_reply(struct os_round *r, struct seg *s, size_t tcplen)
{
    const uint8_t *t = s->tcp;
    size_t off = (size_t)(t[12] >> 4) * 4;
    if (off < 20 || off > tcplen)
        return -1;
    int p = (int)(uint16_t)(get16(t + 2) - r->sport);
    uint16_t from = get16(t);
    if (p >= OSP_IE1 || from != (p < OSP_T1 + 4 ? r->open : r->closed))
        return -1;
    s->seq = get32(t + 4), s->ack = get32(t + 8);
    s->x2 = t[12] & 0x0f, s->flags = t[13];
    s->win = get16(t + 14), s->urp = get16(t + 18);
    s->opt = t + 20, s->optlen = off - 20;
    s->data = t + off, s->datalen = tcplen - off;
    if (p < OSP_OPS) {
        int rc = seq_reply(r, s, p);
        if (p == 0)
            t_reply(r, s, 0);
        opswin_reply(r, s, p);
        return rc;
    }
    if (p < OSP_ECN)
        return opswin_reply(r, s, p - OSP_OPS) ? p : -1;
    if (p == OSP_ECN) {
        if (r->ecn.got)
            return -1;
        ecn_answer(s, &r->ecn);
        return p;
    }
    return t_reply(r, s, p - OSP_T1);
}

static int echo_reply(struct os_round *r, const struct seg *s, const uint8_t *icmp)
{
    int n = (int)(uint16_t)(get16(icmp + 4) - r->icmp_id);
    if (n > 1 || r->ie_got[n])
        return -1;
    r->ie_got[n] = true;
    r->ie_df[n] = s->df;
    r->ie_code[n] = icmp[1];
    r->ie_ttl = s->ttl;
    if (r->tries[OSP_IE1 + n] <= 1) /* nmap: a resent probe's IP ID says nothing of the sequence */
        r->icmp_ipid[n] = s->ipid;
    return OSP_IE1 + n;
}

/* U1's answer: a port unreachable quoting it (ICMP header, IP header, UDP). */
static int unreach_reply(struct os_round *r, const struct seg *s, const uint8_t *icmp, size_t len)
{
    if (len < 8 + 20 + 8 || r->u1.got)
        return -1;
    const uint8_t *q = icmp + 8;
    size_t qh = (size_t)(q[0] & 0x0f) * 4;
    if ((q[0] >> 4) != 4 || qh < 20 || len < 8 + qh + 8 || q[9] != IPPROTO_UDP)
        return -1;
    const uint8_t *u = q + qh;
    if (get16(u) != r->udp_sport || get16(u + 2) != r->closed_udp)
        return -1;
    uint8_t sent[OSP_MAX_LEN];
    build_u1(r, sent);
    struct osfp_test *t = &r->u1.rest;
    memset(t, 0, sizeof *t);
    r->u1.got = true;
    r->u1.df = s->df;
    r->u1.ttl = s->ttl;
    osfp_addx(t, "IPL", get16(s->ip + 2));
    osfp_addx(t, "UN", get32(icmp + 4));
    uint16_t ripl = get16(q + 2), rid = get16(q + 4), rck = get16(q + 10), uck = get16(u + 6);
    ripl == 28 + OSP_U1_DATA ? osfp_add(t, "RIPL", "G") : osfp_addx(t, "RIPL", ripl);
    rid == U1_IPID ? osfp_add(t, "RID", "G") : osfp_addx(t, "RID", rid);
    uint8_t hdr[20];
    memcpy(hdr, q, 20);
    hdr[10] = hdr[11] = 0;
    osfp_add(t, "RIPCK", rck == 0 ? "Z" : inet_checksum(hdr, 20, 0) == rck ? "G" : "I");
    uck == get16(sent + 20 + 6) ? osfp_add(t, "RUCK", "G") : osfp_addx(t, "RUCK", uck);
    const uint8_t *d = u + 8, *end = icmp + len;
    while (d < end && *d == U1_BYTE)
        d++;
    osfp_add(t, "RUD", d < end ? "I" : "G");
    r->distance = r->udp_ttl - q[8] + 1;
    return OSP_U1;
}

int osprobe_record(struct os_round *r, const uint8_t *ip, size_t cap)
{
    if (cap < 20 || (ip[0] >> 4) != 4 || r->dst.family != AF_INET)
        return -1;
    size_t ih = (size_t)(ip[0] & 0x0f) * 4, tot = get16(ip + 2);
    if (ih < 20 || cap < ih + 8 || tot < ih + 8 || get32(ip + 12) != r->dst.u.v4)
        return -1;
    size_t len = MIN(cap, tot) - ih;
    struct seg s = {.ip = ip, .ipid = get16(ip + 4), .ttl = ip[8], .df = (ip[6] & 0x40) != 0};
    const uint8_t *l4 = ip + ih;
    if (ip[9] == IPPROTO_TCP && len >= 20) {
        s.tcp = l4;
        return tcp_reply(r, &s, len);
    }
    if (ip[9] != IPPROTO_ICMP)
        return -1;
    if (l4[0] == 0)
        return echo_reply(r, &s, l4);
    if (l4[0] == 3 && l4[1] == 3)
        return unreach_reply(r, &s, l4, len);
    return -1;
}

/* ---- the fingerprint ---- */

/* nmap's IP ID sequence classes (IPID_SEQ_*), and its TS_SEQ_* below. */
enum { ID_UNKNOWN, ID_INCR, ID_BROKEN, ID_RPI, ID_RD, ID_CONSTANT, ID_ZERO, ID_INCR2 };
enum { TS_UNKNOWN, TS_ZERO, TS_2HZ, TS_100HZ, TS_1000HZ, TS_OTHER, TS_UNSUPPORTED };

const char *osprobe_ipid_name(int cls)
{
    static const char *const n[] = {"Busy server or unknown class", "Incremental", "Broken little-endian incremental",
                                    "Random positive increments", "Randomized", "Duplicated ipid (!)",
                                    "All zeros", "Incrementing by 2"};
    return cls >= 0 && cls <= ID_INCR2 ? n[cls] : n[0];
}

const char *osprobe_ts_name(int cls)
{
    static const char *const n[] = {"unknown class", "zero timestamp", "2HZ", "100HZ", "1000HZ", "other",
                                    "none returned (unsupported)"};
    return cls >= 0 && cls <= TS_UNSUPPORTED ? n[cls] : n[0];
}

const char *osprobe_difficulty(uint32_t i)
{
    return i < 3 ? "Trivial joke" : i < 6 ? "Easy" : i < 11 ? "Medium" : i < 12 ? "Formidable"
         : i < 16 ? "Worthy challenge" : "Good luck!";
}

static uint32_t mod_diff(uint32_t a, uint32_t b)
{
    return MIN(a - b, b - a);
}

/* nmap's classification of the differences between n IP IDs. */
static int classify_diffs(uint32_t *d, int n, bool localhost)
{
    bool all_gt1 = true;
    for (int i = 0; i < n - 1; i++)
        all_gt1 &= d[i] >= 2;
    for (int i = 0; localhost && all_gt1 && i < n - 1; i++)
        d[i] -= d[i] % 256 == 0 ? 256 : 1; /* loopback's own resets take IDs too */
    bool zero = true, small = true, by256 = true, even = true;
    for (int i = 0; i < n - 1; i++)
        zero &= d[i] == 0;
    if (zero)
        return ID_CONSTANT;
    for (int i = 0; i < n - 1; i++)
        if (d[i] > 1000 && (d[i] % 256 != 0 || d[i] >= 25600))
            return ID_RPI;
    for (int i = 0; i < n - 1; i++) {
        by256 &= d[i] <= 5120 && d[i] % 256 == 0;
        even &= d[i] % 2 == 0;
        small &= d[i] <= 9;
    }
    return by256 ? ID_BROKEN : even ? ID_INCR2 : small ? ID_INCR : ID_UNKNOWN;
}

/* The class of the valid IDs among v[0..n) (-1: none); at least min of them. */
static int ipid_class(const int32_t *v, int n, int min, bool localhost, uint32_t *first)
{
    uint32_t ids[OSP_NSEQ], d[OSP_NSEQ];
    int k = 0;
    for (int i = 0; i < n; i++)
        if (v[i] >= 0)
            ids[k++] = (uint32_t)v[i];
    if (k < min)
        return ID_UNKNOWN;
    *first = ids[0];
    bool all_zero = true;
    for (int i = 1; i < k; i++) {
        all_zero &= ids[i - 1] == 0 && ids[i] == 0;
        d[i - 1] = ids[i] - ids[i - 1];
        if (k > 2 && d[i - 1] > 20000)
            return ID_RD;
    }
    if (all_zero)
        return ID_ZERO;
    for (int i = 0; i < k - 1; i++)
        d[i] &= 0xffff;
    return classify_diffs(d, k, localhost);
}

static void add_ipid(struct osfp_test *t, const char *name, int cls, uint32_t first)
{
    static const char *const v[] = {NULL, "I", "BI", "RI", "RD", NULL, "Z", "I"};
    if (cls == ID_CONSTANT)
        osfp_addx(t, name, first);
    else if (v[cls])
        osfp_add(t, name, v[cls]);
}

/* The SEQ replies, gaps closed up, as nmap keeps them. */
struct seqs {
    int n;
    uint32_t isn[OSP_NSEQ], ts[OSP_NSEQ], sdiff[OSP_NSEQ], tdiff[OSP_NSEQ];
    double rate[OSP_NSEQ], usec[OSP_NSEQ];
};

static void gather(const struct os_round *r, struct seqs *q)
{
    uint64_t sent[OSP_NSEQ];
    q->n = 0;
    for (int i = 0; i < OSP_NSEQ; i++) {
        if (!r->has_seq[i] || r->isn[i] == 0)
            continue;
        int j = q->n++;
        q->isn[j] = r->isn[i], q->ts[j] = r->tsval[i], sent[j] = r->seq_sent_ns[i];
        if (j == 0)
            continue;
        q->sdiff[j - 1] = mod_diff(q->isn[j], q->isn[j - 1]);
        q->tdiff[j - 1] = mod_diff(q->ts[j], q->ts[j - 1]);
        uint64_t us = (sent[j] - sent[j - 1]) / 1000;
        q->usec[j - 1] = (double)(us ? us : 1);
        q->rate[j - 1] = q->sdiff[j - 1] * 1000000.0 / q->usec[j - 1];
    }
}

static uint32_t gcd_of(const uint32_t *v, int n)
{
    if (n <= 0)
        return 1;
    uint32_t a = v[0];
    for (int i = 1; i < n; i++) {
        uint32_t b = v[i];
        while (b) {
            uint32_t c = a % b;
            a = b;
            b = c;
        }
    }
    return a;
}

/* SP, GCD, ISR: the ISN's rate and its spread, nmap's log2 x 8 scale. */
static void isn_tests(const struct seqs *q, struct osfp_test *t, struct os_seqreport *rep)
{
    if (q->n < 4)
        return;
    int m = q->n - 1;
    double avg = 0;
    for (int i = 0; i < m; i++)
        avg += q->rate[i];
    avg /= m;
    uint32_t gcd = gcd_of(q->sdiff, m), isr = 0, index = 0;
    if (gcd) {
        isr = (uint32_t)(log(avg) / log(2.0) * 8 + 0.5);
        double div = gcd > 9 ? gcd : 1, sd = 0;
        for (int i = 0; i < m; i++)
            sd += (q->rate[i] / div - avg / div) * (q->rate[i] / div - avg / div);
        sd = sqrt(sd / (q->n - 2));
        index = sd <= 1 ? 0 : (uint32_t)(log(sd) / log(2.0) * 8 + 0.5);
    }
    osfp_addx(t, "SP", index);
    osfp_addx(t, "GCD", gcd);
    osfp_addx(t, "ISR", isr);
    rep->index = index;
    rep->has_index = true;
}

/* TS: the timestamp clock's rate, and the uptime it implies. */
static void ts_test(const struct os_round *r, const struct seqs *q, struct osfp_test *t,
                    struct os_seqreport *rep)
{
    int cls = r->ts_kind == 1 ? TS_ZERO : r->ts_kind == 2 ? TS_UNSUPPORTED : TS_UNKNOWN;
    double hz = 0;
    if (cls == TS_UNKNOWN && q->n >= 2) {
        for (int i = 0; i < q->n - 1; i++)
            hz += q->tdiff[i] / (q->usec[i] / 1000000.0) / (q->n - 1);
        uint64_t up = 0;
        if (hz > 0 && hz < 5.66)
            cls = TS_2HZ, up = q->ts[0] / 2;
        else if (hz > 70 && hz < 150)
            cls = TS_100HZ, up = q->ts[0] / 100;
        else if (hz > 724 && hz < 1448)
            cls = TS_1000HZ, up = q->ts[0] / 1000;
        else if (hz > 0) /* in double: a hostile clock may tick 2^32 times a second (nmap's cast overflows) */
            cls = TS_OTHER, up = (uint64_t)(q->ts[0] / floor(0.5 + hz));
        rep->uptime_s = up > 63072000 ? 0 : up; /* "up two years" is more likely a lie */
        rep->has_uptime = cls != TS_UNKNOWN;
    }
    rep->ts_class = cls;
    if (cls == TS_ZERO)
        osfp_add(t, "TS", "0");
    else if (cls == TS_UNSUPPORTED)
        osfp_add(t, "TS", "U");
    else if (cls != TS_UNKNOWN) {
        uint32_t v = hz <= 5.66 ? 1 : hz > 70 && hz <= 150 ? 7 : hz > 150 && hz <= 350 ? 8
                   : (uint32_t)(0.5 + log(hz) / log(2.0));
        osfp_addx(t, "TS", v);
    }
}

static bool counting(int cls)
{
    return cls == ID_INCR || cls == ID_BROKEN || cls == ID_RPI;
}

static void seq_test(const struct os_round *r, struct osfp *fp, struct os_seqreport *rep)
{
    struct seqs q;
    gather(r, &q);
    struct osfp_test t;
    memset(&t, 0, sizeof t);
    snprintf(t.name, sizeof t.name, "SEQ");
    rep->responses = (uint32_t)q.n;
    isn_tests(&q, &t, rep);
    uint32_t f_tcp = 0, f_closed = 0, f_icmp = 0;
    int ti = ipid_class(r->tcp_ipid, OSP_NSEQ, 3, r->localhost, &f_tcp);
    int ci = ipid_class(r->closed_ipid, 3, 2, r->localhost, &f_closed);
    int ii = ipid_class(r->icmp_ipid, 2, 2, r->localhost, &f_icmp);
    add_ipid(&t, "TI", ti, f_tcp);
    add_ipid(&t, "CI", ci, f_closed);
    add_ipid(&t, "II", ii, f_icmp);
    rep->ipid_class = ti;
    if (counting(ti) && counting(ii)) {
        uint32_t ids[OSP_NSEQ];
        int k = 0;
        for (int i = 0; i < OSP_NSEQ; i++)
            if (r->tcp_ipid[i] >= 0)
                ids[k++] = (uint32_t)r->tcp_ipid[i];
        uint32_t avg = (ids[k - 1] - ids[0]) / (uint32_t)(k - 1);
        uint32_t icmp0 = (uint32_t)(r->icmp_ipid[0] >= 0 ? r->icmp_ipid[0] : r->icmp_ipid[1]);
        osfp_add(&t, "SS", icmp0 < ids[k - 1] + 3 * avg ? "S" : "O");
    }
    ts_test(r, &q, &t, rep);
    if (t.n && fp->n < OSFP_MAX_TESTS)
        fp->t[fp->n++] = t;
}

/* OPS and WIN: only when all six replies came. */
static void ops_win(const struct os_round *r, struct osfp *fp)
{
    for (int i = 0; i < OSP_NSEQ; i++)
        if (!r->has_ops[i] || !r->has_win[i])
            return;
    struct osfp_test *o = osfp_add_test(fp, "OPS");
    for (int i = 0; i < OSP_NSEQ; i++) {
        char name[4] = {'O', (char)('1' + i), 0};
        osfp_add(o, name, r->ops[i]);
    }
    struct osfp_test *w = osfp_add_test(fp, "WIN");
    for (int i = 0; i < OSP_NSEQ; i++) {
        char name[4] = {'W', (char)('1' + i), 0};
        osfp_addx(w, name, r->win[i]);
    }
}

static uint32_t ttl_guess(uint8_t ttl)
{
    return ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

/* R=Y, DF (IE: DFI), then T when U1 told the distance, else TG. */
static void head(const struct os_round *r, struct osfp_test *t, const char *dfname, const char *df, uint8_t ttl)
{
    osfp_add(t, "R", "Y");
    osfp_add(t, dfname, df);
    if (r->distance >= 0)
        osfp_addx(t, "T", (uint32_t)(ttl + r->distance - 1));
    else
        osfp_addx(t, "TG", ttl_guess(ttl));
}

/* A reply's test, or R=N where nmap notes the silence. */
static void answer_test(const struct os_round *r, struct osfp *fp, const char *name, const struct os_answer *a,
                        bool note_silence)
{
    if (!a->got && !note_silence)
        return;
    struct osfp_test *t = osfp_add_test(fp, name);
    if (!a->got) {
        osfp_add(t, "R", "N");
        return;
    }
    head(r, t, "DF", a->df ? "Y" : "N", a->ttl);
    for (uint32_t i = 0; i < a->rest.n; i++)
        osfp_add(t, a->rest.a[i].name, a->rest.a[i].val);
}

static void ie_test(const struct os_round *r, struct osfp *fp)
{
    struct osfp_test *t = osfp_add_test(fp, "IE");
    if (!r->ie_got[0] || !r->ie_got[1]) {
        osfp_add(t, "R", "N");
        return;
    }
    bool a = r->ie_df[0], b = r->ie_df[1];
    head(r, t, "DFI", a && b ? "Y" : a && !b ? "S" : !a && !b ? "N" : "O", r->ie_ttl);
    uint8_t c1 = r->ie_code[0], c2 = r->ie_code[1];
    if (c1 == c2 && c1 == 0)
        osfp_add(t, "CD", "Z");
    else if (c1 == c2)
        osfp_addx(t, "CD", c1);
    else
        osfp_add(t, "CD", c1 == 9 && c2 == 0 ? "S" : "O");
}

void osprobe_fingerprint(const struct os_round *r, struct osfp *fp, struct os_seqreport *rep)
{
    memset(fp, 0, sizeof *fp);
    memset(rep, 0, sizeof *rep);
    seq_test(r, fp, rep);
    ops_win(r, fp);
    answer_test(r, fp, "ECN", &r->ecn, r->open != 0);
    for (int i = 0; i < 7; i++) {
        char name[4] = {'T', (char)('1' + i), 0};
        answer_test(r, fp, name, &r->t[i], i < 4 ? r->open != 0 : r->closed_known);
    }
    answer_test(r, fp, "U1", &r->u1, true);
    ie_test(r, fp);
}
