#include <stdlib.h>

#include "ports.h"
#include "unit.h"

void test_ports_grammar(void);
void test_ports_errors(void);
void test_ports_top(void);
void test_services_file(void);
void test_ports_blanks(void);
void test_ports_ranges(void);

static struct services *svc(void)
{
    static struct services *s;
    err_t e;
    if (!s && services_load(&s, NULL, &e) < 0)
        fprintf(stderr, "    services: %s\n", e.msg);
    return s;
}

static uint32_t count(const char *spec, enum proto p)
{
    struct portset *ps = calloc(1, sizeof *ps);
    err_t e;
    uint32_t n = 0;
    if (portset_parse(ps, spec, svc(), &e) == 0)
        for (unsigned port = 0; port < 65536; port++)
            n += portset_has(ps, p, (uint16_t)port);
    else
        n = (uint32_t)-1;
    free(ps);
    return n;
}

void test_ports_grammar(void)
{
    CHECK(count("22,80,1000-2000", PROTO_TCP) == 1003);
    CHECK(count("-", PROTO_TCP) == 65535);          /* -p- is 1-65535 */
    CHECK(count("0-65535", PROTO_TCP) == 65536);
    CHECK(count("-100", PROTO_TCP) == 100);
    CHECK(count("65530-", PROTO_TCP) == 6);
    CHECK(count("U:53,T:80,443", PROTO_TCP) == 2);
    CHECK(count("U:53,T:80,443", PROTO_UDP) == 1);
    CHECK(count("http", PROTO_TCP) >= 1);
    CHECK(count("ssh*", PROTO_TCP) >= 1);
    CHECK(count("[1-1024]", PROTO_TCP) < 1024);   /* only named ports */
    CHECK(count("[1-1024]", PROTO_TCP) > 500);
}

void test_ports_errors(void)
{
    static const char *const bad[] = {"", "65536", "22,,80", "80-22", "x:80", "nosuchservicename",
                                      "1-2-3", "[1-10", "-1-", "22 80", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct portset *ps = calloc(1, sizeof *ps);
        err_t e = {{0}};
        int rc = portset_parse(ps, bad[i], svc(), &e);
        if (rc == 0)
            fprintf(stderr, "    accepted bad ports '%s'\n", bad[i]);
        CHECK(rc < 0 && e.msg[0]);
        free(ps);
    }
}

void test_ports_builtin(void);

/* Without nmap-services the built-in list must rank ports the same way. */
void test_ports_builtin(void)
{
    struct services *file = svc(), *builtin;
    err_t e;
    setenv("SCOUT_DATADIR", "/nonexistent", 1);
    CHECK(services_load(&builtin, NULL, &e) == 0);
    unsetenv("SCOUT_DATADIR");
    CHECK_STR(builtin->source, "built-in");
    if (strcmp(file->source, "built-in") == 0)
        fprintf(stderr, "    note: nmap-services not installed; comparing built-in with itself\n");
    bool want[PROTO_COUNT] = {true, true};
    struct portlist a, b;
    CHECK(portlist_build(&a, NULL, NULL, 0, want, file, &e) == 0);
    CHECK(portlist_build(&b, NULL, NULL, 0, want, builtin, &e) == 0);
    for (int p = 0; p < PROTO_COUNT; p++) {
        CHECK(a.n[p] == 1000 && b.n[p] == 1000);
        CHECK(memcmp(a.v[p], b.v[p], 1000 * sizeof(uint16_t)) == 0);
    }
    CHECK_STR(services_name(builtin, PROTO_TCP, 22), "ssh");
    portlist_free(&a);
    portlist_free(&b);
    services_free(builtin);
}

void test_ports_top(void)
{
    struct portlist pl;
    bool want[PROTO_COUNT] = {true, false};
    err_t e;
    CHECK(portlist_build(&pl, NULL, NULL, 0, want, svc(), &e) == 0);
    CHECK(pl.n[PROTO_TCP] == 1000); /* default: top 1000 */
    bool has80 = false;
    for (uint32_t i = 0; i < pl.n[PROTO_TCP]; i++)
        has80 |= pl.v[PROTO_TCP][i] == 80;
    CHECK(has80);
    for (uint32_t i = 1; i < pl.n[PROTO_TCP]; i++)
        CHECK(pl.v[PROTO_TCP][i - 1] < pl.v[PROTO_TCP][i]);
    portlist_free(&pl);

    CHECK(portlist_build(&pl, NULL, NULL, 3, want, svc(), &e) == 0);
    CHECK(pl.n[PROTO_TCP] == 3); /* http, telnet, https in nmap-services */
    CHECK(pl.v[PROTO_TCP][0] == 23 && pl.v[PROTO_TCP][1] == 80 && pl.v[PROTO_TCP][2] == 443);
    portlist_free(&pl);

    struct portset *inc = calloc(1, sizeof *inc), *exc = calloc(1, sizeof *exc);
    portset_parse(inc, "1-100", svc(), &e);
    portset_parse(exc, "1-98", svc(), &e);
    CHECK(portlist_build(&pl, inc, exc, 0, want, svc(), &e) == 0);
    CHECK(pl.n[PROTO_TCP] == 2);
    portlist_free(&pl);
    portset_parse(exc, "99-100", svc(), &e);
    CHECK(portlist_build(&pl, inc, exc, 0, want, svc(), &e) < 0); /* nothing left */
    free(inc);
    free(exc);
}

/* nmap-services: line numbers count blank lines; a NUL byte is an error
 * naming its line, never a silent end of the file. */
void test_services_file(void)
{
    struct services *s = NULL;
    err_t e = {0};
    char ok[] = "# nmap-services\n\nssh\t22/tcp\t0.182286\t# Secure Shell\n\nhttp 80/tcp 0.484143\n"
                "domain 53/udp 0.213496\nsctp-x 80/sctp 0.1\n";
    CHECK(services_parse(&s, ok, sizeof ok - 1, "svc", &e) == 0);
    if (s) {
        CHECK_STR(services_name(s, PROTO_TCP, 22), "ssh");
        CHECK_STR(services_name(s, PROTO_TCP, 80), "http");
        CHECK_STR(services_name(s, PROTO_UDP, 53), "domain");
        CHECK(s->freq[PROTO_TCP][80] > s->freq[PROTO_TCP][22]);
        services_free(s);
    }
    char nul[] = "ssh 22/tcp 0.1\n\nhttp 80/t\0cp 0.2\nftp 21/tcp 0.3\n";
    s = NULL;
    CHECK(services_parse(&s, nul, sizeof nul - 1, "svc", &e) < 0 && s == NULL);
    CHECK(!strncmp(e.msg, "svc:3: a NUL byte", 17));
    char bad[] = "ssh 22/tcp 0.1\n\n\n# c\nhttp 80 0.2\n";
    CHECK(services_parse(&s, bad, sizeof bad - 1, "svc", &e) < 0);
    CHECK(!strncmp(e.msg, "svc:5: malformed line", 21));
}

/* nmap allows blanks around items: -p ' 22', '22, 80', ' T: 22 ,U:53'. */
void test_ports_blanks(void)
{
    CHECK(count(" 22", PROTO_TCP) == 1);
    CHECK(count("22 ", PROTO_TCP) == 1);
    CHECK(count("22, 80 ,\t443", PROTO_TCP) == 3);
    CHECK(count(" T: 22 ,U:53", PROTO_TCP) == 1);
    CHECK(count(" T: 22 ,U:53", PROTO_UDP) == 1);
    CHECK(count(" 20-25 ", PROTO_TCP) == 6);
    CHECK(count(" ", PROTO_TCP) == (uint32_t)-1);
    CHECK(count("22 80", PROTO_TCP) == (uint32_t)-1);
}

/* A range sets whole bytes at once: every edge of a byte, exactly. */
void test_ports_ranges(void)
{
    static const unsigned r[][2] = {{7, 8}, {8, 15}, {9, 9}, {0, 7}, {3, 21}, {1, 65535},
                                    {65528, 65535}, {16, 23}, {15, 16}, {100, 1000}};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        char spec[32];
        snprintf(spec, sizeof spec, "%u-%u", r[i][0], r[i][1]);
        struct portset *ps = calloc(1, sizeof *ps);
        err_t e;
        CHECK(portset_parse(ps, spec, svc(), &e) == 0);
        unsigned n = 0, outside = 0;
        for (unsigned port = 0; port < 65536; port++) {
            bool in = portset_has(ps, PROTO_TCP, (uint16_t)port);
            n += in;
            outside += in != (port >= r[i][0] && port <= r[i][1]);
        }
        CHECK(n == r[i][1] - r[i][0] + 1 && outside == 0);
        free(ps);
    }
}
