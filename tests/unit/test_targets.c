#include "targets.h"
#include "unit.h"

void test_targets_grammar(void);
void test_targets_errors(void);
void test_targets_large(void);
void test_targets_file(void);

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
        "10.0.0.256", "10.0.0.0/33", "10.0.0", "1.2.3.4.5", "010.0.0.1x", "10.0.0.1.2,3", "10.0.0.5-3",
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
