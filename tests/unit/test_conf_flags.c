/* Options nmap has that scout once parsed and ignored (-d was refused):
 * each now has an effect a test can see. */
#include "conf.h"
#include "unit.h"

void test_conf_debug_levels(void);
void test_conf_hostgroups(void);
void test_conf_max_scan_delay(void);

static enum conf_result parse(const char *line, struct conf *c, err_t *e)
{
    static char buf[512];
    char *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *tok = strtok(buf, " "); tok && argc < 31; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc] = NULL;
    return conf_parse(c, argc, argv, e);
}

static void levels(const char *line, int debug, int verbose)
{
    struct conf c;
    err_t e = {{0}};
    enum conf_result r = parse(line, &c, &e);
    if (r != CONF_RUN || c.debug != debug || c.verbose != verbose) {
        fprintf(stderr, "    %s: debug %d verbose %d (%s)\n", line, c.debug, c.verbose, e.msg);
        unit_failures++;
    }
    conf_free(&c);
}

static void refused(const char *line, const char *what)
{
    struct conf c;
    err_t e = {{0}};
    enum conf_result r = parse(line, &c, &e);
    if (r != CONF_ERROR || !strstr(e.msg, what)) {
        fprintf(stderr, "    %s: want an error naming '%s', got '%s'\n", line, what, e.msg);
        unit_failures++;
    }
    conf_free(&c);
}

void test_conf_debug_levels(void)
{
    /* nmap's -d: each level is also a level of verbosity. */
    levels("scout -d -p 80 10.0.0.1", 1, 1);
    levels("scout -dd -p 80 10.0.0.1", 2, 2);
    levels("scout -d -d -v -p 80 10.0.0.1", 2, 3);
    levels("scout -d3 -p 80 10.0.0.1", 3, 3);
    levels("scout -vd -p 80 10.0.0.1", 1, 2);
    levels("scout -d0 -p 80 10.0.0.1", 0, 0);
    levels("scout -p 80 10.0.0.1", 0, 0);
    refused("scout -dx 10.0.0.1", "-dx");
    refused("scout -d11 10.0.0.1", "-d");
}

void test_conf_hostgroups(void)
{
    struct conf c;
    err_t e = {{0}};
    CHECK(parse("scout --min-hostgroup 64 -p 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.min_hostgroup == 64);
    CHECK(conf_hostgroup(&c, 16) == 64);   /* raised to the minimum */
    CHECK(conf_hostgroup(&c, 1000) == 1000);
    conf_free(&c);
    CHECK(parse("scout --min-hostgroup 8 --max-hostgroup 32 -p 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(conf_hostgroup(&c, 4) == 8 && conf_hostgroup(&c, 20) == 20 && conf_hostgroup(&c, 4096) == 32);
    conf_free(&c);
    CHECK(parse("scout -p 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(conf_hostgroup(&c, 0) == 1 && conf_hostgroup(&c, 4096) == 4096);
    conf_free(&c);
    refused("scout --min-hostgroup 64 --max-hostgroup 8 10.0.0.1", "--min-hostgroup (64) is greater");
    refused("scout --min-hostgroup 100000 -p- 10.0.0.1", "MiB");
    refused("scout --min-hostgroup 0 10.0.0.1", "--min-hostgroup");
}

void test_conf_max_scan_delay(void)
{
    struct conf c;
    err_t e = {{0}};
    CHECK(parse("scout --max-scan-delay 20ms -p 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.max_gap_ns == 20 * NS_PER_MS && c.timing.max_scan_delay_ns == 20 * NS_PER_MS);
    conf_free(&c);
    /* The templates' values are nmap's caps of a delay scout never adds:
     * no floor unless asked. */
    CHECK(parse("scout -T4 -p 80 10.0.0.1", &c, &e) == CONF_RUN);
    CHECK(c.max_gap_ns == 0 && c.timing.max_scan_delay_ns == 10 * NS_PER_MS);
    conf_free(&c);
    refused("scout --max-scan-delay 0 10.0.0.1", "--max-scan-delay must be greater than 0");
    refused("scout --scan-delay 1s --max-scan-delay 10ms 10.0.0.1", "--scan-delay is greater");
}
