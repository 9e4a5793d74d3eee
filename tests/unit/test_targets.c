#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "targets.h"
#include "unit.h"

void test_targets_grammar(void);
void test_targets_errors(void);
void test_targets_large(void);
void test_targets_file(void);
void test_targets_nmap_forms(void);

static uint64_t total_of(const char *spec)
{
    struct targets t;
    err_t e;
    targets_init(&t);
    uint64_t n = (uint64_t)-1;
    if (targets_add(&t, spec, TARGET_V4, &e) == 0 && targets_finish(&t, &e) == 0)
        n = t.total;
    targets_free(&t);
    return n;
}

static const char *nth(struct targets *t, uint64_t i, char *buf)
{
    struct addr a;
    targets_get(t, i, &a, NULL);
    return addr_str(&a, buf, ADDR_STRLEN);
}

void test_targets_grammar(void)
{
    CHECK(total_of("10.0.0.1") == 1);
    CHECK(total_of("10.0.0.0/24") == 256);
    CHECK(total_of("10.0.0.77/30") == 4);
    CHECK(total_of("10.0.1-3.1,5") == 6);
    CHECK(total_of("10.0.0.*") == 256);
    CHECK(total_of("10.0.0.-3") == 4);
    CHECK(total_of("10.0.0.250-") == 6);
    CHECK(total_of("10.0.0.1-") == 255);
    CHECK(total_of("::1") == 1);
    CHECK(total_of("fd00::/120") == 256);
    CHECK(total_of("localhost") == 1);

    struct targets t;
    err_t e;
    char buf[ADDR_STRLEN];
    targets_init(&t);
    CHECK(targets_add(&t, "10.0.1-3.1,5", TARGET_V4, &e) == 0);
    CHECK(targets_add(&t, "192.168.7.77/30", TARGET_V4, &e) == 0);
    CHECK(targets_add(&t, "fd00::10/126", TARGET_V4, &e) == 0);
    CHECK(targets_finish(&t, &e) == 0);
    CHECK(t.total == 6 + 4 + 4);
    CHECK_STR(nth(&t, 0, buf), "10.0.1.1");
    CHECK_STR(nth(&t, 1, buf), "10.0.1.5");
    CHECK_STR(nth(&t, 5, buf), "10.0.3.5");
    CHECK_STR(nth(&t, 6, buf), "192.168.7.76"); /* CIDR aligned to its network */
    CHECK_STR(nth(&t, 9, buf), "192.168.7.79");
    CHECK_STR(nth(&t, 13, buf), "fd00::13");

    struct addr a;
    addr_parse("10.0.2.5", &a);
    CHECK(targets_contains(&t, &a));
    addr_parse("10.0.2.6", &a);
    CHECK(!targets_contains(&t, &a));
    addr_parse("192.168.7.78", &a);
    CHECK(targets_contains(&t, &a));
    addr_parse("fd00::12", &a);
    CHECK(targets_contains(&t, &a));
    addr_parse("fd00::14", &a);
    CHECK(!targets_contains(&t, &a));
    targets_free(&t);
}

void test_targets_errors(void)
{
    static const char *const bad[] = {
        "10.0.0.256", "10.0.0.0/33", "1.2.3.4.5", "010.0.0.1x", "10.0.0.1.2,3", "10.0.0.5-3",
        "", "foo bar", "10.0.0.0/-1", "10.0.0.0/", "fd00::/8", "::1/129", "10..0.1",
        "some.host.name",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct targets t;
        err_t e = {{0}};
        targets_init(&t);
        int rc = targets_add(&t, bad[i], TARGET_V4 | TARGET_NO_RESOLVE, &e);
        if (rc == 0)
            fprintf(stderr, "    accepted bad target '%s'\n", bad[i]);
        CHECK(rc < 0);
        CHECK(e.msg[0] != '\0' && strchr(e.msg, '\n') == NULL);
        targets_free(&t);
    }
}

void test_targets_large(void)
{
    /* A /8 and all of IPv4 are one struct each: no per-address allocation. */
    CHECK(total_of("10.0.0.0/8") == 1u << 24);
    CHECK(total_of("0.0.0.0/0") == 1ULL << 32);
    CHECK(total_of("*.*.*.*") == 1ULL << 32);
    struct targets t;
    err_t e;
    char buf[ADDR_STRLEN];
    targets_init(&t);
    targets_add(&t, "10.0.0.0/8", TARGET_V4, &e);
    targets_finish(&t, &e);
    CHECK_STR(nth(&t, (1u << 24) - 1, buf), "10.255.255.255");
    CHECK_STR(nth(&t, 65536 + 2, buf), "10.1.0.2");
    targets_free(&t);
}

/* -iL text as nmap reads it: a NUL separates targets like a blank (nmap's
 * read_host_from_file), so the targets after it are scanned; errors give the
 * line, blank and comment lines counted. */
void test_targets_file(void)
{
    static const char text[] = "127.0.0.1\0" "127.0.0.2 127.0.0.3\n# comment 1.2.3.4\n\n10.0.0.0/30#x\n";
    struct targets t;
    err_t e = {0};
    char buf[ADDR_STRLEN];
    targets_init(&t);
    CHECK(targets_add_text(&t, text, sizeof text - 1, TARGET_V4 | TARGET_NO_RESOLVE, "list", &e) == 0);
    CHECK(targets_finish(&t, &e) == 0);
    CHECK(t.total == 3 + 4);
    CHECK_STR(nth(&t, 1, buf), "127.0.0.2");
    CHECK_STR(nth(&t, 2, buf), "127.0.0.3");
    targets_free(&t);

    static const char bad[] = "10.0.0.1\n\n# c\r\n\0\n 10.0.0.1 10.0.0.300\n";
    targets_init(&t);
    CHECK(targets_add_text(&t, bad, sizeof bad - 1, TARGET_V4 | TARGET_NO_RESOLVE, "list", &e) < 0);
    CHECK(!strncmp(e.msg, "list:5: invalid target '10.0.0.300'", 35));
    targets_free(&t);
}

/* What nmap takes beyond inet_pton: four decimal octets with leading zeros
 * (decimal, not octal), the resolver's inet_aton forms (named as typed, as
 * nmap reports "127.1 (127.0.0.1)"), IPv6 with a scope; and a message for a
 * huge name that keeps its reason. */
void test_targets_nmap_forms(void)
{
    static const struct { const char *spec, *addr; bool named; } forms[] = {
        {"198.18.0.010", "198.18.0.10", false}, {"127.000.000.001", "127.0.0.1", false},
        {"127.1", "127.0.0.1", true},           {"10.0.0", "10.0.0.0", true},
        {"0x7f.1", "127.0.0.1", true},          {"2130706433", "127.0.0.1", true},
        {"010.1", "8.0.0.1", true},             {"fe80::1%lo", "fe80::1", false},
        {"fe80::1%1", "fe80::1", false},
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        struct targets t;
        err_t e = {0};
        char buf[ADDR_STRLEN];
        targets_init(&t);
        if (targets_add(&t, forms[i].spec, TARGET_V4 | TARGET_NO_RESOLVE, &e) < 0 ||
            targets_finish(&t, &e) < 0) {
            fprintf(stderr, "    '%s': %s\n", forms[i].spec, e.msg);
            CHECK(0);
            targets_free(&t);
            continue;
        }
        struct addr a;
        const char *name;
        targets_get(&t, 0, &a, &name);
        CHECK(t.total == 1);
        CHECK_STR(addr_str(&a, buf, sizeof buf), forms[i].addr);
        if (forms[i].named)
            CHECK_STR(name, forms[i].spec);
        else
            CHECK(name == NULL);
        targets_free(&t);
    }

    /* The scope is carried into the socket address, and counts in addr_eq
     * only when both sides have one. */
    struct addr lo, one, bare;
    CHECK(addr_parse("fe80::1%lo", &lo) == 0 && lo.scope == if_nametoindex("lo"));
    CHECK(addr_parse("fe80::1%4294967295", &one) == 0 && one.scope == 4294967295u);
    CHECK(addr_parse("fe80::1", &bare) == 0 && bare.scope == 0);
    CHECK(addr_eq(&lo, &bare) && !addr_eq(&lo, &one));
    CHECK(addr_parse("fe80::1%nosuchif9", &one) < 0 && addr_parse("fe80::1%", &one) < 0 &&
          addr_parse("10.0.0.1%lo", &one) < 0 && addr_parse("fe80::1%4294967296", &one) < 0);
    struct sockaddr_storage ss;
    socklen_t sl;
    addr_to_sockaddr(&lo, 22, &ss, &sl);
    CHECK(((struct sockaddr_in6 *)&ss)->sin6_scope_id == lo.scope);
    struct addr back;
    CHECK(addr_from_sockaddr((struct sockaddr *)&ss, &back) == 0 && back.scope == lo.scope);

    /* 10 000 characters: the message says what is wrong after a clipped name. */
    char *huge = malloc(10001);
    memset(huge, 'a', 10000);
    huge[10000] = '\0';
    struct targets t;
    err_t e = {0};
    targets_init(&t);
    CHECK(targets_add(&t, huge, TARGET_V4, &e) < 0);
    CHECK(!strncmp(e.msg, "invalid target 'aaaa", 20) && strstr(e.msg, "at most 253 characters"));
    CHECK(strlen(e.msg) < 200);
    targets_free(&t);
    CHECK(targets_add(&t, "fe80::1%nosuchif9", TARGET_V6, &e) < 0);
    CHECK(strstr(e.msg, "no such network interface") != NULL);
    targets_free(&t);
    free(huge);
}
