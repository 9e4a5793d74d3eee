#include <stdlib.h>
#include <unistd.h>

#include "payloads.h"
#include "unit.h"

void test_payloads_grammar(void);
void test_payloads_probes(void);
void test_payloads_malformed(void);
void test_payloads_limits(void);
void test_payloads_debian(void);
void test_payloads_data(void);

/* The warnings a load gave: their line numbers, in order. */
struct seen {
    const char *name;
    unsigned lines[64];
    unsigned n;
    char last[512];
};

static void record(void *ctx, const char *msg)
{
    struct seen *s = ctx;
    size_t k = strlen(s->name);
    snprintf(s->last, sizeof s->last, "%s", msg);
    if (strncmp(msg, s->name, k) || msg[k] != ':') {
        s->lines[s->n < 64 ? s->n++ : 63] = 0; /* no FILE:LINE prefix: a failure below */
        return;
    }
    s->lines[s->n < 64 ? s->n++ : 63] = (unsigned)strtoul(msg + k + 1, NULL, 10);
}

static struct payload_text text(const char *name, const char *t, size_t len)
{
    return (struct payload_text){.name = name, .text = t, .len = len};
}

static const struct payload_text none = {0};

/* Payload i of port equals the n bytes want. */
static int is(const struct payloads *pl, uint16_t port, uint32_t i, const char *want, size_t n)
{
    uint16_t len;
    const uint8_t *p = payload_nth(pl, port, i, &len);
    return p && len == n && !memcmp(p, want, n);
}

static uint16_t sport_of(const struct payloads *pl, uint16_t port)
{
    const struct payload_set *s = &pl->set[pl->port_set[port]];
    return s->count ? pl->ref[s->first].sport : 0;
}

/* nmap-payloads: strings concatenated across lines and on one line,
 * escapes, port lists with ranges, `source`, unknown keywords, comments,
 * CRLF line ends, empty payloads, shared identical payloads. */
void test_payloads_grammar(void)
{
    static const char t[] =
        "# Nmap nmap payload database\n"                 /* 1 */
        "udp 7 \"\\x0D\\x0A\\x0d\\x0a\"\n"               /* 2 */
        "udp 53,69,1000-1002\n"                          /* 3 */
        "  \"ab\" \"cd\"   # two on one line\n"          /* 4 */
        "\n"                                             /* 5 */
        "  \"\\0\\n\\r\\t\\\\\\\"x\"\n"                  /* 6 */
        "udp 500 \"ike\"\r\n"                            /* 7 */
        "source 500\n"                                   /* 8 */
        "udp 501 \"k\" source 1234 trailing words\n"     /* 9 */
        "udp 502 \"u\"\n"                                /* 10 */
        "future-keyword a b \"c\"\n"                     /* 11 */
        "udp 503 \"\"\n"                                 /* 12 */
        "udp 53 \"ab\"\n"                                /* 13 */
        "udp 60 \"same\"\nudp 61 \"sa\" \"me\"\n"        /* 14, 15 */
        "udp 62 \"same\" udp 62 \"same\"";               /* 16, no final newline */
    struct payloads pl;
    struct seen s = {.name = "t"};
    err_t e;
    CHECK(payloads_parse(&pl, text("t", t, sizeof t - 1), none, record, &s, &e) == 0);
    CHECK(s.n == 0 && pl.warnings == 0);
    CHECK(pl.entries[0] == 11 && pl.entries[1] == 0);
    CHECK(payload_count(&pl, 7) == 1 && is(&pl, 7, 0, "\r\n\r\n", 4));
    CHECK(payload_count(&pl, 53) == 2);
    CHECK(is(&pl, 53, 0, "abcd\0\n\r\t\\\"x", 11));
    CHECK(is(&pl, 53, 1, "ab", 2));
    for (uint16_t p = 1000; p <= 1002; p++)
        CHECK(payload_count(&pl, p) == 1 && is(&pl, p, 0, "abcd\0\n\r\t\\\"x", 11));
    CHECK(payload_count(&pl, 69) == 1 && payload_count(&pl, 999) == 0 && payload_count(&pl, 1003) == 0);
    CHECK(is(&pl, 500, 0, "ike", 3) && sport_of(&pl, 500) == 500);
    CHECK(is(&pl, 501, 0, "k", 1) && sport_of(&pl, 501) == 1234);
    CHECK(is(&pl, 502, 0, "u", 1) && sport_of(&pl, 502) == 0);
    uint16_t len = 99;
    CHECK(payload_for(&pl, 503, &len) != NULL && len == 0); /* "" is a payload */
    CHECK(payload_for(&pl, 504, &len) == NULL && len == 0);
    CHECK(payload_nth(&pl, 7, 1, &len) == NULL && len == 0);
    /* One copy of identical bytes; a port lists it once. */
    uint16_t l60, l61;
    CHECK(payload_for(&pl, 60, &l60) == payload_for(&pl, 61, &l61) && l60 == 4 && l61 == 4);
    CHECK(payload_count(&pl, 62) == 1 && is(&pl, 62, 0, "same", 4));
    CHECK(payloads_ports(&pl) == 13);
    payloads_free(&pl);

    /* A range over every port costs what one port does. */
    static const char all[] = "udp 0-65535 \"all\"\nudp 65535 \"last\"\n";
    CHECK(payloads_parse(&pl, text("t", all, sizeof all - 1), none, NULL, NULL, &e) == 0);
    CHECK(payloads_ports(&pl) == 65536 && is(&pl, 0, 0, "all", 3) && is(&pl, 65535, 1, "last", 4));
    CHECK(payload_count(&pl, 65534) == 1);
    payloads_free(&pl);
}

/* nmap-service-probes: Probe UDP lines and their ports lines; TCP probes,
 * no-payload probes and sslports ignored; nmap-payloads wins a port it names. */
void test_payloads_probes(void)
{
    static const char probes[] =
        "# nmap-service-probes excerpt\n"
        "Probe TCP NULL q||\n"
        "ports 1-100\n"
        "Probe UDP DNSStatusRequest q|\\0\\0\\x10\\0\\0\\0\\0\\0\\0\\0\\0\\0|\n"
        "rarity 1\n"
        "ports 53,135,1000-1001\n"
        "match dns m|^x| p/x/\n"
        "Probe UDP Sqlping q|\\x02| no-payload\n"
        "ports 1434\n"
        "Probe UDP Help q/help\\r\\n\\r\\n/ some-future-flag\n"
        "ports 7, 2000\n"
        "ports 2001\n"
        "sslports 2002\n"
        "Probe UDP Second q|2|\n"
        "ports 135, 150 - 250\n";
    static const char payloads[] = "udp 53 \"A\"\nudp 7 \"B\"\nudp 140-200 \"P\"\n";
    const char dns[] = "\0\0\x10\0\0\0\0\0\0\0\0\0";
    struct payloads pl;
    struct seen s = {.name = "probes"};
    err_t e;
    CHECK(payloads_parse(&pl, text("payloads", payloads, sizeof payloads - 1),
                         text("probes", probes, sizeof probes - 1), record, &s, &e) == 0);
    CHECK(s.n == 0);
    CHECK(pl.entries[0] == 3 && pl.entries[1] == 3);
    CHECK(payload_count(&pl, 53) == 1 && is(&pl, 53, 0, "A", 1));
    CHECK(payload_count(&pl, 7) == 1 && is(&pl, 7, 0, "B", 1));
    CHECK(payload_count(&pl, 135) == 2 && is(&pl, 135, 0, dns, 12) && is(&pl, 135, 1, "2", 1));
    CHECK(is(&pl, 1000, 0, dns, 12) && is(&pl, 1001, 0, dns, 12));
    CHECK(payload_count(&pl, 1434) == 0);  /* no-payload */
    CHECK(is(&pl, 2000, 0, "help\r\n\r\n", 8) && is(&pl, 2001, 0, "help\r\n\r\n", 8));
    CHECK(payload_count(&pl, 2002) == 0);  /* sslports */
    CHECK(payload_count(&pl, 50) == 0);    /* TCP */
    /* Overlapping ranges from both files: nmap-payloads' 140-200, the probe's beyond. */
    CHECK(payload_count(&pl, 150) == 1 && is(&pl, 150, 0, "P", 1));
    CHECK(payload_count(&pl, 200) == 1 && is(&pl, 200, 0, "P", 1));
    CHECK(payload_count(&pl, 201) == 1 && is(&pl, 201, 0, "2", 1));
    CHECK(payload_count(&pl, 250) == 1 && payload_count(&pl, 251) == 0 && payload_count(&pl, 139) == 0);
    CHECK(payloads_ports(&pl) == 111 + 7);
    payloads_free(&pl);

    /* Either file alone, or neither: not an error. */
    CHECK(payloads_parse(&pl, none, text("probes", probes, sizeof probes - 1), NULL, NULL, &e) == 0);
    CHECK(is(&pl, 53, 0, dns, 12) && is(&pl, 7, 0, "help\r\n\r\n", 8) && payload_count(&pl, 150) == 1);
    payloads_free(&pl);
    CHECK(payloads_parse(&pl, none, none, NULL, NULL, &e) == 0 && payloads_ports(&pl) == 0);
    payloads_free(&pl);
    CHECK(payloads_load(&pl, "/nonexistent/nmap-payloads", NULL, NULL, NULL, &e) == 0 &&
          payloads_ports(&pl) == 0);
    payloads_free(&pl);
    CHECK(payloads_load(&pl, "/", NULL, NULL, NULL, &e) == -1 && strstr(e.msg, "'/'"));
    payloads_free(&pl);
}

static char *repeat(char *out, const char *s, int n)
{
    while (n-- > 0)
        strcat(out, s);
    return out;
}

/* Texts with NUL bytes are written with '#' for them: returns the length. */
static size_t nul_marks(char *t)
{
    size_t n = strlen(t);
    for (size_t i = 0; i < n; i++)
        if (t[i] == '#')
            t[i] = '\0';
    return n;
}

/* Malformed entries and Probe lines: reported with their line numbers and
 * skipped; the rest loads. */
void test_payloads_malformed(void)
{
    static char t[16384];
    strcpy(t, "udp 1 \"ok1\"\n"                  /* 1 */
              "udp 70000 \"x\"\n"                /* 2: port out of range */
              "udp 5-3 \"x\"\n"                  /* 3: reversed range */
              "udp 9 \"\\q\"\n"                  /* 4: unknown escape */
              "udp 10 \"unterminated\n"          /* 5 */
              "udp 11\n"                         /* 6 */
              "  \"a\"\n"                        /* 7 */
              "  \"\\xZZ\"\n"                    /* 8: bad \x */
              "  \"b\"\n"                        /* 9: part of the skipped entry */
              "udp 12 \"a#b\"\n"                 /* 10: a NUL byte (# below) */
              "udp 13 \"");                      /* 11: 1401 bytes */
    repeat(t, "\\x41", 1401);
    strcat(t, "\"\nudp 14 \"");                  /* 12: 1400 bytes, the most */
    repeat(t, "A", 1400);
    strcat(t, "\"\n"
              "udp 15\n"                         /* 13: no payload */
              "udp 16 \"ok16\"\n"                /* 14 */
              "source x\n"                       /* 15: bad source */
              "udp 17, \"x\"\n"                  /* 16: bad port list */
              "\"stray\"\n"                      /* 17: part of the skipped entry */
              "udp 18 \"ok18\"\n"                /* 18 */
              "tcp 19 \"x\"\n"                   /* 19: a keyword line of entry 18 */
              "udp 20 \"ok20\"\n");              /* 20 */
    size_t len = nul_marks(t);
    struct payloads pl;
    struct seen s = {.name = "bad.payloads"};
    err_t e;
    CHECK(payloads_parse(&pl, text("bad.payloads", t, len), none, record, &s, &e) == 0);
    static const unsigned want[] = {2, 3, 4, 5, 8, 10, 11, 13, 15, 16};
    CHECK(s.n == ARRAY_LEN(want) && pl.warnings == ARRAY_LEN(want));
    if (s.n != ARRAY_LEN(want))
        fprintf(stderr, "    %u warnings, the last: %s\n", s.n, s.last);
    for (size_t i = 0; i < ARRAY_LEN(want) && i < s.n; i++)
        if (s.lines[i] != want[i]) {
            fprintf(stderr, "    warning %zu: line %u, expected %u\n", i, s.lines[i], want[i]);
            CHECK(s.lines[i] == want[i]);
        }
    CHECK(is(&pl, 1, 0, "ok1", 3) && is(&pl, 18, 0, "ok18", 4) && is(&pl, 20, 0, "ok20", 4));
    uint16_t l14;
    CHECK(payload_for(&pl, 14, &l14) && l14 == PAYLOAD_MAX);
    CHECK(payloads_ports(&pl) == 4);
    payloads_free(&pl);

    /* What is not an entry where one should start: one warning, then on to
     * the next line that starts with udp. */
    static const char stray[] = "# x\n\"stray\"\ntcp 3 \"x\"\nudp 4 \"ok\"\ntcp 5 \"x\"\nudp 6 \"ok\"\n";
    s = (struct seen){.name = "stray"};
    CHECK(payloads_parse(&pl, text("stray", stray, sizeof stray - 1), none, record, &s, &e) == 0);
    CHECK(s.n == 1 && s.lines[0] == 2 && strstr(s.last, "outside an entry"));
    CHECK(payloads_ports(&pl) == 2);
    payloads_free(&pl);
    static const char tcp[] = "tcp 1 \"x\"\n  \"y\"\nudp 2 \"ok\"\n";
    s = (struct seen){.name = "tcp"};
    CHECK(payloads_parse(&pl, text("tcp", tcp, sizeof tcp - 1), none, record, &s, &e) == 0);
    CHECK(s.n == 1 && s.lines[0] == 1 && strstr(s.last, "'tcp'") && payloads_ports(&pl) == 1);
    payloads_free(&pl);

    /* A NUL byte where an entry should start; a message names the file and line. */
    static const char nul[] = "# x\n\0 junk\nudp 1 \"a\"\n";
    s = (struct seen){.name = "nul"};
    CHECK(payloads_parse(&pl, text("nul", nul, sizeof nul - 1), none, record, &s, &e) == 0);
    CHECK(s.n == 1 && s.lines[0] == 2 && strstr(s.last, "NUL") && is(&pl, 1, 0, "a", 1));
    payloads_free(&pl);

    static char p[8192];
    strcpy(p, "Probe UDP q|x|\n"                 /* 1: no name */
              "ports 1\n"                        /* 2: belongs to nothing */
              "Probe UDP Bad q|\\q|\n"           /* 3: unknown escape */
              "ports 2\n"                        /* 4 */
              "Probe UDP Open q|abc\n"           /* 5: unterminated */
              "Probe UDP Good q|good|\n"         /* 6 */
              "ports 3,70000\n"                  /* 7: bad port list, line skipped */
              "ports 4\n"                        /* 8 */
              "Probe UDP Nul q|a#b|\n"           /* 9: a NUL byte */
              "Probe UDP Big q|");               /* 10: 1401 bytes */
    repeat(p, "A", 1401);
    strcat(p, "|\n"
              "ports 6\n"                        /* 11 */
              "Probe TCP Whatever garbage\n"     /* 12: TCP, ignored */
              "ports 5\n"                        /* 13 */
              "Probe UDP\n");                    /* 14: no name */
    size_t plen = nul_marks(p);
    s = (struct seen){.name = "bad.probes"};
    CHECK(payloads_parse(&pl, none, text("bad.probes", p, plen), record, &s, &e) == 0);
    static const unsigned pwant[] = {1, 3, 5, 7, 9, 10, 14};
    CHECK(s.n == ARRAY_LEN(pwant));
    for (size_t i = 0; i < ARRAY_LEN(pwant) && i < s.n; i++)
        if (s.lines[i] != pwant[i]) {
            fprintf(stderr, "    probe warning %zu: line %u, expected %u\n", i, s.lines[i], pwant[i]);
            CHECK(s.lines[i] == pwant[i]);
        }
    CHECK(payloads_ports(&pl) == 1 && is(&pl, 4, 0, "good", 4));
    payloads_free(&pl);
}

/* Per-port cap, and warnings beyond the reported limit only counted. */
void test_payloads_limits(void)
{
    static char t[65536];
    t[0] = '\0';
    for (int i = 0; i < PAYLOADS_PER_PORT_MAX + 1; i++)
        snprintf(t + strlen(t), sizeof t - strlen(t), "udp 9 \"p%d\"\n", i);
    struct payloads pl;
    struct seen s = {.name = "cap"};
    err_t e;
    CHECK(payloads_parse(&pl, text("cap", t, strlen(t)), none, record, &s, &e) == 0);
    CHECK(payload_count(&pl, 9) == PAYLOADS_PER_PORT_MAX && is(&pl, 9, 0, "p0", 2));
    CHECK(s.n == 1 && s.lines[0] == PAYLOADS_PER_PORT_MAX + 1 && strstr(s.last, "port 9"));
    payloads_free(&pl);

    t[0] = '\0';
    for (int i = 0; i < 200; i++)
        strcat(t, "udp x \"bad\"\n");
    strcat(t, "udp 1 \"good\"\n");
    s = (struct seen){.name = "many"};
    CHECK(payloads_parse(&pl, text("many", t, strlen(t)), none, record, &s, &e) == 0);
    CHECK(pl.warnings == 200 && s.n == 51 && strstr(s.last, "not reported"));
    CHECK(payloads_ports(&pl) == 1);
    payloads_free(&pl);
}

static int contains(const uint8_t *p, size_t n, const char *needle, size_t k)
{
    for (size_t i = 0; p && i + k <= n; i++)
        if (!memcmp(p + i, needle, k))
            return 1;
    return 0;
}

/* Debian's nmap-common files (scripts/deps.sh installs nmap). */
void test_payloads_debian(void)
{
    const char *pf = "/usr/share/nmap/nmap-payloads", *sf = "/usr/share/nmap/nmap-service-probes";
    CHECK(access(pf, R_OK) == 0 && access(sf, R_OK) == 0);
    struct payloads pl;
    struct seen s = {.name = pf};
    err_t e;
    if (payloads_load(&pl, pf, sf, record, &s, &e) < 0) {
        fprintf(stderr, "    %s\n", e.msg);
        CHECK(0);
        return;
    }
    CHECK(s.n == 0 && pl.warnings == 0);
    CHECK(pl.entries[0] >= 60 && pl.entries[1] >= 40);
    uint16_t len;
    /* 53: DNS status request, then a version.bind CHAOS TXT query. */
    const uint8_t *p = payload_for(&pl, 53, &len);
    CHECK(payload_count(&pl, 53) == 2 && p && len == 12 && p[2] == 0x10);
    p = payload_nth(&pl, 53, 1, &len);
    CHECK(contains(p, len, "\x07version\x04" "bind\0\0\x10\0\x03", 16));
    /* 161: an SNMPv3 GetRequest (version 3, PDU tag 0xa0), then a v1
     * GetNextRequest for community "public" (0xa1). */
    p = payload_for(&pl, 161, &len);
    CHECK(p && len == 60 && p[0] == 0x30 && p[4] == 0x03 && contains(p, len, "\xa0\x0c", 2));
    p = payload_nth(&pl, 161, 1, &len);
    CHECK(contains(p, len, "\x04\x06public\xa1", 9));
    /* 1434 only in nmap-service-probes (Sqlping); 32768-65535 ONCRPC. */
    CHECK(is(&pl, 1434, 0, "\x02", 1));
    CHECK(payload_count(&pl, 40000) == 1 && payload_count(&pl, 9) == 0);
    CHECK(payloads_ports(&pl) > 33000);
    payloads_free(&pl);
}

/* --data hex forms and errors; --data-length and --data-string bounds. */
void test_payloads_data(void)
{
    uint8_t b[16];
    size_t n;
    err_t e;
    const char *ok[] = {"0xdeadbeef", "DEADBEEF", "\\xde\\xad\\xbe\\xef", "0XdeadBEEF", "\\xdead\\xbeef"};
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        n = 0;
        CHECK(payload_from_hex(ok[i], b, sizeof b, &n, &e) == 0 && n == 4 &&
              !memcmp(b, "\xde\xad\xbe\xef", 4));
    }
    CHECK(payload_from_hex("00", b, sizeof b, &n, &e) == 0 && n == 1 && b[0] == 0);
    struct {
        const char *arg, *msg;
    } bad[] = {
        {"", "--data: '': no hex digits"},
        {"0x", "--data: '0x': no hex digits"},
        {"\\x", "no hex digits"},
        {"abc", "--data: 'abc': an odd number of hex digits"},
        {"12zz", "--data: '12zz': 'z' is not a hex digit"},
        {"12 34", "byte 0x20 is not a hex digit"},
        {"\\xde\\ad", "'\\' is not a hex digit"},
        {"0x0102030405060708090a0b0c0d0e0f1011", "more than 16 bytes"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        e.msg[0] = '\0';
        CHECK(payload_from_hex(bad[i].arg, b, sizeof b, &n, &e) == -1);
        if (!strstr(e.msg, bad[i].msg)) {
            fprintf(stderr, "    '%s': '%s'\n", bad[i].arg, e.msg);
            CHECK(strstr(e.msg, bad[i].msg));
        }
    }
    CHECK(payload_data_length("0", &n, &e) == 0 && n == 0);
    CHECK(payload_data_length("65435", &n, &e) == 0 && n == DATA_LEN_MAX);
    CHECK(payload_data_length("65436", &n, &e) == -1 && strstr(e.msg, "--data-length: '65436'"));
    CHECK(payload_data_length("-1", &n, &e) == -1 && strstr(e.msg, "--data-length"));
    CHECK(payload_data_length("12x", &n, &e) == -1);
    char *big = malloc(DATA_LEN_MAX + 2);
    if (big) {
        memset(big, 'a', DATA_LEN_MAX);
        big[DATA_LEN_MAX] = '\0';
        CHECK(payload_data_string(big, &n, &e) == 0 && n == DATA_LEN_MAX);
        strcat(big, "a");
        CHECK(payload_data_string(big, &n, &e) == -1 && strstr(e.msg, "--data-string: 65436 bytes"));
        free(big);
    }
}
