#include "conf.h"
#include "unit.h"

void test_conf_errors(void);
void test_conf_timing_order(void);
void test_conf_messages(void);
void test_conf_getopt_state(void);

static enum conf_result parse(const char *line, struct conf *c, err_t *e)
{
    static char buf[1024];
    char *argv[64];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *tok = strtok(buf, " "); tok && argc < 63; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc] = NULL;
    return conf_parse(c, argc, argv, e);
}

void test_conf_errors(void)
{
    static const char *const bad[] = {
        "scout 10.0.0.1 -p", "scout -p 70000 10.0.0.1", "scout -T9 10.0.0.1", "scout --bogus 10.0.0.1",
        "scout -sZ 10.0.0.1", "scout -sT", "scout -oX", "scout --max-retries x 10.0.0.1",
        "scout --min-rate 10 --max-rate 5 10.0.0.1", "scout --host-timeout 5y 10.0.0.1",
        "scout --shard 3/2 10.0.0.1", "scout --shard 0/2 10.0.0.1", "scout -iL /nonexistent/file",
        "scout -oQ x 10.0.0.1", "scout -sn -Pn 10.0.0.1", "scout --top-ports 0 10.0.0.1",
        "scout 10.0.0.300", "scout -p 1-10 --exclude-ports 1-10 10.0.0.1", "scout -Q 10.0.0.1",
        "scout --scan-delay 10.0.0.1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct conf c;
        err_t e = {{0}};
        enum conf_result r = parse(bad[i], &c, &e);
        if (r != CONF_ERROR)
            fprintf(stderr, "    accepted: %s\n", bad[i]);
        CHECK(r == CONF_ERROR && e.msg[0] && !strchr(e.msg, '\n'));
        conf_free(&c);
    }
}

void test_conf_timing_order(void)
{
    struct conf c;
    err_t e;
    /* Explicit values win over the template wherever they stand (nmap's rule). */
    CHECK(parse("scout --max-retries 1 -T4 -p 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.timing.max_retries == 1 && c.timing.max_rtt_ns == 1250 * NS_PER_MS);
    conf_free(&c);
    CHECK(parse("scout -T5 --host-timeout 0 -p- -oA /tmp/scout-unit-x 10.0.0.0/30", &c, &e) == CONF_RUN);
    CHECK(c.timing.host_timeout_ns == 0 && c.ports.n[PROTO_TCP] == 65535 && c.noutputs == 3);
    CHECK(c.targets.total == 4);
    conf_free(&c);
    /* As nmap: exclusions first, then the top N (the 101st port fills in). */
    CHECK(parse("scout -F --exclude-ports 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.ports.n[PROTO_TCP] == 100);
    for (uint32_t i = 0; i < c.ports.n[PROTO_TCP]; i++)
        CHECK(c.ports.v[PROTO_TCP][i] != 80);
    conf_free(&c);
}

/* Messages name the right option, and a value that is an option is quoted. */
void test_conf_messages(void)
{
    struct conf c;
    err_t e = {0};
    CHECK(parse("scout -T -n 10.0.0.1", &c, &e) == CONF_ERROR);
    CHECK(strstr(e.msg, "-T '-n'") && !strstr(e.msg, "-T-n"));
    conf_free(&c);
    CHECK(parse("scout -P -n 10.0.0.1", &c, &e) == CONF_ERROR);
    CHECK(strstr(e.msg, "-P '-n'") != NULL);
    conf_free(&c);
    CHECK(parse("scout --max-rtt-timeout 0 10.0.0.1", &c, &e) == CONF_ERROR);
    CHECK(!strncmp(e.msg, "--max-rtt-timeout", 17));
    conf_free(&c);
    CHECK(parse("scout --min-rtt-timeout 2s --max-rtt-timeout 1s 10.0.0.1", &c, &e) == CONF_ERROR);
    CHECK(!strncmp(e.msg, "--min-rtt-timeout is greater than --max-rtt-timeout", 50));
    conf_free(&c);
    /* As nmap: one bound alone moves the template's others (-T3: 100 ms min). */
    CHECK(parse("scout --max-rtt-timeout 50ms 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.timing.max_rtt_ns == 50 * NS_PER_MS && c.timing.min_rtt_ns <= 50 * NS_PER_MS &&
          c.timing.initial_rtt_ns <= 50 * NS_PER_MS);
    conf_free(&c);
    CHECK(parse("scout --min-rtt-timeout 20s 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.timing.max_rtt_ns >= 20 * NS_PER_SEC && c.timing.initial_rtt_ns >= 20 * NS_PER_SEC);
    conf_free(&c);

    /* A message too long for its buffer keeps its end, where the reason is. */
    err_t big;
    char arg[2000];
    memset(arg, 'x', sizeof arg - 1);
    arg[sizeof arg - 1] = '\0';
    err_set(&big, "--frob '%s': the reason at the end", arg);
    CHECK(!strncmp(big.msg, "--frob 'xxx", 11));
    size_t n = strlen(big.msg);
    CHECK(n == sizeof big.msg - 1 && !strcmp(big.msg + n - 21, "the reason at the end"));
}

/* Found by fuzz_conf: getopt's state must not outlive a parse (a cluster
 * stopped half-way, -vQ...), and --detect's -r FILE is getopt's to take (by
 * hand in a cluster, -r6, it crashed inside getopt). */
void test_conf_getopt_state(void)
{
    struct conf c;
    err_t e = {0};
    char a0[] = "scout", a1[] = "-vQn", a2[] = "10.0.0.1";
    char *argv1[] = {a0, a1, a2, NULL};
    CHECK(conf_parse(&c, 3, argv1, &e) == CONF_ERROR && strstr(e.msg, "-Q"));
    conf_free(&c);
    memset(a1, 'x', sizeof a1 - 1); /* the old argv is gone */
    CHECK(parse("scout -p 22 10.0.0.1", &c, &e) == CONF_RUN && c.verbose == 0 && !c.no_dns);
    conf_free(&c);
    CHECK(parse("scout --detect mudp -r6", &c, &e) == CONF_ERROR);
    conf_free(&c);
    CHECK(parse("scout --detect -r6", &c, &e) == CONF_RUN && c.detect_file && !strcmp(c.detect_file, "6"));
    conf_free(&c);
    CHECK(parse("scout --detect -r cap.pcap", &c, &e) == CONF_RUN && !strcmp(c.detect_file, "cap.pcap"));
    conf_free(&c);
    CHECK(parse("scout --detect -r", &c, &e) == CONF_ERROR);
    conf_free(&c);
}
