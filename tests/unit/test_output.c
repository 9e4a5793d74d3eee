#include <stdlib.h>

#include "output/output.h"
#include "unit.h"

void test_output_formats(void);
void test_output_folding(void);
void test_output_nmap_details(void);

static int make_conf(struct conf *c, int argc, char **argv)
{
    err_t e;
    if (conf_parse(c, argc, argv, &e) != CONF_RUN) {
        fprintf(stderr, "    conf: %s\n", e.msg);
        return -1;
    }
    return 0;
}

/* Ports 20-60 of 10.0.0.1: 22 open, 25 filtered admin-prohibited, the rest closed. */
static void fill_host(struct group *g, const struct conf *c)
{
    struct host_result *h = &g->hosts[0];
    addr_parse("10.0.0.1", &h->addr);
    h->status = HOST_UP;
    h->up_reason = R_SYN_ACK;
    h->srtt_us = 270;
    for (uint32_t i = 0; i < c->ports.n[PROTO_TCP]; i++) {
        struct port_result *r = &h->ports[PROTO_TCP][i];
        uint16_t port = c->ports.v[PROTO_TCP][i];
        *r = (struct port_result){PS_CLOSED, R_CONN_REFUSED, 64, 1};
        if (port == 22)
            *r = (struct port_result){PS_OPEN, R_SYN_ACK, 64, 1};
        if (port == 25)
            *r = (struct port_result){PS_FILTERED, R_ADMIN_PROHIBITED, 0, 1};
    }
}

static char *render(const struct output_ops *ops, const struct conf *c, const struct host_result *h)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct run_info ri = {.conf = c, .start = 0, .scan_name = "connect"};
    void *st = calloc(1, ops->state_size);
    ops->host(st, f, &ri, h);
    fclose(f);
    free(st);
    return buf;
}

void test_output_formats(void)
{
    char *argv[] = {"scout", "-n", "-sT", "-p", "20-60", "--reason", "10.0.0.1", NULL};
    struct conf c;
    struct group g;
    err_t e;
    if (make_conf(&c, 7, argv) < 0 || group_alloc(&g, 1, &c.ports, &e) < 0) {
        CHECK(0);
        return;
    }
    fill_host(&g, &c);
    char *normal = render(&output_normal, &c, &g.hosts[0]);
    CHECK_STR(normal,
              "Nmap scan report for 10.0.0.1\n"
              "Host is up, received syn-ack (0.00027s latency).\n"
              "Not shown: 39 closed tcp ports (conn-refused)\n"
              "PORT   STATE    SERVICE REASON\n"
              "22/tcp open     ssh     syn-ack ttl 64\n"
              "25/tcp filtered smtp    admin-prohibited\n"
              "\n");
    char *grep = render(&output_grepable, &c, &g.hosts[0]);
    CHECK_STR(grep, "Host: 10.0.0.1 ()\tStatus: Up\n"
                    "Host: 10.0.0.1 ()\tPorts: 22/open/tcp//ssh///, 25/filtered/tcp//smtp///"
                    "\tIgnored State: closed (39)\n");
    char *xml = render(&output_xml, &c, &g.hosts[0]);
    CHECK(strstr(xml, "<extraports state=\"closed\" count=\"39\">\n<extrareasons reason=\"conn-refused\" "
                      "count=\"39\" proto=\"tcp\" ports=\"20-21,23-24,26-60\"/>\n</extraports>"));
    CHECK(strstr(xml, "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
                      "reason_ttl=\"64\"/><service name=\"ssh\" method=\"table\" conf=\"3\"/></port>"));
    char *json = render(&output_json, &c, &g.hosts[0]);
    CHECK(strstr(json, "{\"event\":\"port\",\"ip\":\"10.0.0.1\",\"hostname\":null,\"proto\":\"tcp\","
                       "\"port\":22,\"state\":\"open\",\"reason\":\"syn-ack\",\"reason_ttl\":64,"
                       "\"service\":\"ssh\"}\n"));
    CHECK(strstr(json, "\"extraports\":{\"closed\":39}"));
    free(normal);
    free(grep);
    free(xml);
    free(json);
    group_free(&g);
    conf_free(&c);
}

void test_output_folding(void)
{
    char *argv[] = {"scout", "-n", "-p", "20-60", "-v", "--open", "10.0.0.1", NULL};
    struct conf c;
    if (make_conf(&c, 7, argv) < 0) {
        CHECK(0);
        return;
    }
    struct run_info ri = {.conf = &c};
    CHECK(state_ignored(&ri, PS_CLOSED, 1));        /* --open folds closed, whatever the count */
    CHECK(!state_ignored(&ri, PS_OPEN_FILTERED, 10)); /* ...but not what may be open */
    CHECK(state_ignored(&ri, PS_OPEN_FILTERED, 1000)); /* unless there are many (-v: 50) */
    CHECK(!state_ignored(&ri, PS_OPEN, 100000));
    conf_free(&c);
    char *argv2[] = {"scout", "-n", "-p", "20-60", "10.0.0.1", NULL};
    CHECK(make_conf(&c, 5, argv2) == 0);
    ri.conf = &c;
    CHECK(!state_ignored(&ri, PS_CLOSED, 25)); /* nmap: more than 25 */
    CHECK(state_ignored(&ri, PS_CLOSED, 26));
    conf_free(&c);
    char sig[32];
    fmt_sigdigits(0.00027, sig, sizeof sig);
    CHECK_STR(sig, "0.00027");
    fmt_sigdigits(0.0123, sig, sizeof sig);
    CHECK_STR(sig, "0.012");
    fmt_sigdigits(1.5, sig, sizeof sig);
    CHECK_STR(sig, "1.5");
}

static char *render_run(const struct output_ops *ops, const struct conf *c, const struct host_result *h,
                        const struct run_end *re, double start)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct run_info ri = {.conf = c, .start = start, .scan_name = "connect"};
    void *st = calloc(1, ops->state_size);
    ops->begin(st, f, &ri);
    ops->host(st, f, &ri, h);
    ops->end(st, f, &ri, re);
    fclose(f);
    free(st);
    return buf;
}

/* nmap's small details: the stylesheet line, epoch times and their strings
 * from the same (truncated) second, and a timed-out host as nmap writes it. */
void test_output_nmap_details(void)
{
    char *argv[] = {"scout", "-n", "-sT", "-p", "20-60", "10.0.0.1", NULL};
    struct conf c;
    struct group g;
    err_t e;
    if (make_conf(&c, 6, argv) < 0 || group_alloc(&g, 1, &c.ports, &e) < 0) {
        CHECK(0);
        return;
    }
    fill_host(&g, &c);
    struct host_result *h = &g.hosts[0];
    const double t0 = 1795546610.75; /* rounds up, truncates down */
    h->start = t0 + 0.1;
    h->end = t0 + 1.6;
    struct scan_stats stats = {.hosts_done = 1, .hosts_up = 1};
    struct run_end re = {.end = t0 + 2.9, .stats = &stats};
    char *xml = render_run(&output_xml, &c, h, &re, t0);
    CHECK(!strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
                        "<?xml-stylesheet href=\"file:///usr/share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n",
                   130));
    char when[64], want[160];
    fmt_time(1795546610, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    snprintf(want, sizeof want, "start=\"1795546610\" startstr=\"%s\"", when);
    CHECK(strstr(xml, want) != NULL);
    CHECK(strstr(xml, "<host starttime=\"1795546610\" endtime=\"1795546612\">") != NULL);
    fmt_time(1795546613, "%a %b %e %H:%M:%S %Y", when, sizeof when);
    snprintf(want, sizeof want, "<finished time=\"1795546613\" timestr=\"%s\"", when);
    CHECK(strstr(xml, want) != NULL);
    free(xml);

    h->timed_out = true;
    xml = render(&output_xml, &c, h);
    CHECK(strstr(xml, "endtime=\"1795546612\" timedout=\"true\">") && !strstr(xml, "<ports"));
    free(xml);
    char *grep = render(&output_grepable, &c, h);
    CHECK_STR(grep, "Host: 10.0.0.1 ()\tStatus: Up\nHost: 10.0.0.1 ()\tStatus: Timeout\n");
    free(grep);
    group_free(&g);
    conf_free(&c);
}

void test_output_interrupted(void);

/* Begin, one host and end, with the run's stop flag as given. */
static char *render_stopped(const struct output_ops *ops, const struct conf *c, const struct host_result *h,
                            const volatile sig_atomic_t *stop)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct run_info ri = {.conf = c, .start = 0, .scan_name = "connect", .stop = stop};
    struct scan_stats stats = {.hosts_done = 1, .hosts_up = h->status == HOST_UP};
    struct run_end re = {.end = 1, .stats = &stats, .interrupted = stop && *stop};
    void *st = calloc(1, ops->state_size);
    ops->begin(st, f, &ri);
    ops->host(st, f, &ri, h);
    ops->end(st, f, &ri, &re);
    fclose(f);
    free(st);
    return buf;
}

/* Issue 18, item 6: a host the stop cut short says how far its scan went in
 * every format, its undecided ports shown as no state; one caught before its
 * discovery is unknown, not down; a finished host, or an unstopped run,
 * carries no such mark. */
void test_output_interrupted(void)
{
    char *argv[] = {"scout", "-n", "-sT", "-p", "20-60", "10.0.0.1", NULL};
    struct conf c;
    struct group g;
    err_t e;
    if (make_conf(&c, 6, argv) < 0 || group_alloc(&g, 1, &c.ports, &e) < 0) {
        CHECK(0);
        return;
    }
    fill_host(&g, &c);
    struct host_result *h = &g.hosts[0];
    for (uint32_t i = 10; i < c.ports.n[PROTO_TCP]; i++) /* 30-60 undecided */
        h->ports[PROTO_TCP][i] = (struct port_result){0};
    volatile sig_atomic_t stop = SIGINT, running = 0;
    char *out = render_stopped(&output_normal, &c, h, &stop);
    CHECK(strstr(out, "Host is up (0.00027s latency).\nScan of this host interrupted: 10 of 41 ports done "
                      "(the rest unknown)\n"));
    CHECK(strstr(out, "except 1 marked \"Scan of this host interrupted\"") && !strstr(out, "30/tcp"));
    CHECK(strstr(out, "\n29/tcp closed ") && !strstr(out, "Not shown"));
    free(out);
    out = render_stopped(&output_grepable, &c, h, &stop);
    CHECK(strstr(out, ", 29/closed/tcp//") && strstr(out, "///\tInterrupted: 10 of 41 ports done\n") &&
          !strstr(out, " 30/"));
    free(out);
    out = render_stopped(&output_json, &c, h, &stop);
    CHECK(strstr(out, "\"ports_scanned\":10,\"ports_asked\":41,\"interrupted\":true,") &&
          strstr(out, "\"hosts_interrupted\":1,") && !strstr(out, "\"port\":30,"));
    free(out);
    out = render_stopped(&output_xml, &c, h, &stop);
    CHECK(strstr(out, "<hostscript><script id=\"scout-progress\" output=\"interrupted: 10 of 41 ports done "
                      "(the rest unknown)\"><elem key=\"state\">interrupted</elem>"
                      "<elem key=\"discovered\">true</elem><elem key=\"done\">10</elem>"
                      "<elem key=\"asked\">41</elem><table key=\"unknown\"><elem key=\"tcp\">30-60</elem>"
                      "</table></script></hostscript>\n<times"));
    CHECK(!strstr(out, "portid=\"30\""));
    free(out);
    /* Not stopped: no mark (the undecided ports are another shard's). */
    out = render_stopped(&output_normal, &c, h, &running);
    CHECK(!strstr(out, "interrupted"));
    free(out);
    /* Stopped after the host was finished: no mark either. */
    fill_host(&g, &c);
    out = render_stopped(&output_xml, &c, h, &stop);
    CHECK(!strstr(out, "scout-progress"));
    free(out);
    /* Stopped before its discovery decided: unknown, not down (with -v). */
    h->status = HOST_UNKNOWN;
    c.verbose = 1;
    out = render_stopped(&output_xml, &c, h, &stop);
    CHECK(strstr(out, "<status state=\"unknown\" reason=\"interrupted\" reason_ttl=\"0\"/>") &&
          strstr(out, "output=\"interrupted before host discovery: nothing scanned\"") &&
          strstr(out, "<hosts up=\"0\" down=\"0\" total=\"1\"/>"));
    free(out);
    out = render_stopped(&output_normal, &c, h, &stop);
    CHECK(strstr(out, "Nmap scan report for 10.0.0.1 [not scanned: interrupted before host discovery]\n") &&
          !strstr(out, "Host seems down"));
    free(out);
    out = render_stopped(&output_grepable, &c, h, &stop);
    CHECK(strstr(out, "Host: 10.0.0.1 ()\tStatus: Unknown\n"));
    free(out);
    out = render_stopped(&output_json, &c, h, &stop);
    CHECK(strstr(out, "\"status\":\"unknown\",\"reason\":\"interrupted\""));
    free(out);
    group_free(&g);
    conf_free(&c);
}
