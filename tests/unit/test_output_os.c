/* -O's results in the four formats, against nmap 7.93's strings (output.cc's
 * printosscanoutput and printosclassificationoutput) for a synthetic host:
 * perfect matches, guesses only, no match, too many matches, and what -v,
 * -vv and --osscan-guess add. */
#include <stdlib.h>
#include <unistd.h>

#include "output/output.h"
#include "unit.h"

void test_output_os_perfect(void);
void test_output_os_guesses(void);
void test_output_os_none(void);
void test_output_os_xml_valid(void);

#define FP "OS:SCAN(V=7.93%E=4%D=11/25%OT=22%CT=20%CU=40000%PV=Y%DS=1%DC=D%G=Y%TM=6B0\n" \
           "OS:634F7%P=x86_64-pc-linux-gnu)SEQ(SP=100%GCD=1%ISR=105%TI=Z%CI=Z%II=I%TS=A)\n"

/* A host with its ports and a zeroed os_result (freed by group_free). */
struct os_fixture {
    struct conf c;
    struct group g;
    struct host_result *h;
    struct os_result *os;
};

static int fixture(struct os_fixture *x)
{
    char *argv[] = {"scout", "-n", "-sS", "-p", "20-60", "10.0.0.1", NULL};
    err_t e;
    memset(x, 0, sizeof *x);
    if (conf_parse(&x->c, 6, argv, &e) != CONF_RUN)
        return -1;
    if (group_alloc(&x->g, 1, &x->c.ports, &e) < 0) {
        conf_free(&x->c);
        return -1;
    }
    /* set here, not parsed: the outputs read only these fields */
    x->c.os = true;
    struct host_result *h = x->h = &x->g.hosts[0];
    addr_parse("10.0.0.1", &h->addr);
    h->status = HOST_UP;
    h->up_reason = R_SYN_ACK;
    h->srtt_us = 270;
    for (uint32_t i = 0; i < x->c.ports.n[PROTO_TCP]; i++) {
        uint16_t port = x->c.ports.v[PROTO_TCP][i];
        h->ports[PROTO_TCP][i] = (struct port_result){PS_CLOSED, R_RESET, 64, 1};
        if (port == 22)
            h->ports[PROTO_TCP][i] = (struct port_result){PS_OPEN, R_SYN_ACK, 64, 1};
        if (port == 25)
            h->ports[PROTO_TCP][i] = (struct port_result){PS_FILTERED, R_NO_RESPONSE, 0, 1};
    }
    x->os = h->os = calloc(1, sizeof *h->os);
    x->os->open_tcp = 22;
    x->os->closed_tcp = 20;
    x->os->closed_udp = 40000;
    x->os->distance = 1;
    return 0;
}

static void fixture_free(struct os_fixture *x)
{
    group_free(&x->g);
    conf_free(&x->c);
}

static void set_class(struct os_class *k, const char *vendor, const char *family, const char *gen,
                      const char *type, const char *cpe1, const char *cpe2)
{
    memset(k, 0, sizeof *k);
    snprintf(k->vendor, sizeof k->vendor, "%s", vendor);
    snprintf(k->family, sizeof k->family, "%s", family);
    snprintf(k->gen, sizeof k->gen, "%s", gen);
    snprintf(k->type, sizeof k->type, "%s", type);
    if (cpe1)
        snprintf(k->cpe[k->ncpe++], sizeof k->cpe[0], "%s", cpe1);
    if (cpe2)
        snprintf(k->cpe[k->ncpe++], sizeof k->cpe[0], "%s", cpe2);
}

static struct os_match *add_match(struct os_result *os, const char *name, int accuracy, int line)
{
    struct os_match *m = &os->m[os->nmatch++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->accuracy = (uint8_t)accuracy;
    m->line = (uint32_t)line;
    os->perfect = os->m[0].accuracy == 100;
    return m;
}

/* The OS stage's classification of the matches as they stand (the stage
 * ranks more than it lists; here the listed ones are all there are). */
static void reclassify(struct os_result *os)
{
    if (!os)
        return;
    os->nclassified = os->nclassified_perfect = 0;
    for (int i = 0; i < os->nmatch && !(os->nclassified_perfect && os->m[i].accuracy < 100); i++)
        os_classified_add(os, &os->m[i], os->m[i].accuracy == 100);
}

/* One host through a format; with_run adds begin and end (one host up). */
static char *render(const struct output_ops *ops, const struct conf *c, const struct host_result *h,
                    bool with_run)
{
    reclassify(h->os);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct run_info ri = {.conf = c, .start = 1795546610, .scan_name = "syn"};
    struct scan_stats stats = {.hosts_done = 1, .hosts_up = 1};
    struct run_end re = {.end = 1795546620, .stats = &stats};
    void *st = calloc(1, ops->state_size);
    if (with_run)
        ops->begin(st, f, &ri);
    ops->host(st, f, &ri, h);
    if (with_run)
        ops->end(st, f, &ri, &re);
    fclose(f);
    free(st);
    return buf;
}

/* The Linux host of nmap's most common answer, and a second perfect match of
 * another family whose Linux class differs only by its device type. */
static void perfect_matches(struct os_result *os)
{
    struct os_match *m = add_match(os, "Linux 4.15 - 5.8", 100, 68120);
    set_class(&m->cls[0], "Linux", "Linux", "4.X", "general purpose", "cpe:/o:linux:linux_kernel:4", NULL);
    set_class(&m->cls[1], "Linux", "Linux", "5.X", "general purpose", "cpe:/o:linux:linux_kernel:5", NULL);
    m->nclass = 2;
    m = add_match(os, "MikroTik RouterOS 7.2 - 7.5 (Linux 5.6.3)", 100, 73660);
    set_class(&m->cls[0], "MikroTik", "RouterOS", "7.X", "router", "cpe:/o:mikrotik:routeros:7", NULL);
    set_class(&m->cls[1], "Linux", "Linux", "5.X", "router", "cpe:/o:linux:linux_kernel:5.6.3", NULL);
    m->nclass = 2;
    /* below the perfect ones: named nowhere, its class not merged */
    m = add_match(os, "OpenBSD 6.0", 95, 80000);
    set_class(&m->cls[0], "OpenBSD", "OpenBSD", "6.X", "general purpose", "cpe:/o:openbsd:openbsd:6", NULL);
    m->nclass = 1;
}

void test_output_os_perfect(void)
{
    struct os_fixture x;
    if (fixture(&x) < 0) {
        CHECK(0);
        return;
    }
    perfect_matches(x.os);
    snprintf(x.os->fp, sizeof x.os->fp, "%s", FP);
    struct host_result *h = x.h;
    h->has_mac = true;
    memcpy(h->mac, "\x52\x54\x00\x12\x34\x56", 6);
    h->vendor = "QEMU virtual NIC";
    /* -sV's Service Info comes after the OS lines, as in nmap */
    struct service_info svc = {.port_index = 2, .proto = PROTO_TCP, .name = "ssh"};
    svc.field[SVC_OS] = "Linux";
    h->svc = &svc;
    h->nsvc = 1;

    char *out = render(&output_normal, &x.c, h, false);
    CHECK_STR(out, "Nmap scan report for 10.0.0.1\n"
                   "Host is up (0.00027s latency).\n"
                   "Not shown: 39 closed tcp ports (reset)\n"
                   "PORT   STATE    SERVICE\n"
                   "22/tcp open     ssh\n"
                   "25/tcp filtered smtp\n"
                   "MAC Address: 52:54:00:12:34:56 (QEMU virtual NIC)\n"
                   "Device type: general purpose|router\n"
                   "Running: Linux 4.X|5.X, MikroTik RouterOS 7.X\n"
                   "OS CPE: cpe:/o:linux:linux_kernel:4 cpe:/o:linux:linux_kernel:5 "
                   "cpe:/o:mikrotik:routeros:7 cpe:/o:linux:linux_kernel:5.6.3\n"
                   "OS details: Linux 4.15 - 5.8, MikroTik RouterOS 7.2 - 7.5 (Linux 5.6.3)\n"
                   "Network Distance: 1 hop\n"
                   "Service Info: OS: Linux\n"
                   "\n");
    free(out);
    /* -vv (or -d) shows the fingerprint of a perfect match too */
    x.c.verbose = 2;
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "(Linux 5.6.3)\nTCP/IP fingerprint:\n" FP "\nNetwork Distance: 1 hop\n"));
    free(out);
    x.c.verbose = 0;

    out = render(&output_grepable, &x.c, h, false);
    CHECK(strstr(out, "25/filtered/tcp//smtp///\tIgnored State: closed (39)\t"
                      "OS: Linux 4.15 - 5.8|MikroTik RouterOS 7.2 - 7.5 (Linux 5.6.3)\n"));
    free(out);

    out = render(&output_xml, &x.c, h, false);
    CHECK(strstr(out, "</ports>\n<os><portused state=\"open\" proto=\"tcp\" portid=\"22\"/>\n"
                      "<portused state=\"closed\" proto=\"tcp\" portid=\"20\"/>\n"
                      "<portused state=\"closed\" proto=\"udp\" portid=\"40000\"/>\n"
                      "<osmatch name=\"Linux 4.15 - 5.8\" accuracy=\"100\" line=\"68120\">\n"
                      "<osclass type=\"general purpose\" vendor=\"Linux\" osfamily=\"Linux\" osgen=\"4.X\" "
                      "accuracy=\"100\"><cpe>cpe:/o:linux:linux_kernel:4</cpe></osclass>\n"
                      "<osclass type=\"general purpose\" vendor=\"Linux\" osfamily=\"Linux\" osgen=\"5.X\" "
                      "accuracy=\"100\"><cpe>cpe:/o:linux:linux_kernel:5</cpe></osclass>\n"
                      "</osmatch>\n"
                      "<osmatch name=\"MikroTik RouterOS 7.2 - 7.5 (Linux 5.6.3)\" accuracy=\"100\" "
                      "line=\"73660\">\n"));
    CHECK(strstr(out, "</osmatch>\n</os>\n<distance value=\"1\"/>\n<times"));
    CHECK(!strstr(out, "OpenBSD") && !strstr(out, "osfingerprint"));
    free(out);

    out = render(&output_json, &x.c, h, false);
    CHECK(strstr(out, ",\"os\":{\"verdict\":\"details\",\"perfect\":2,\"unreliable\":null,"
                      "\"ports_used\":{\"open_tcp\":22,\"closed_tcp\":20,\"closed_udp\":40000},"
                      "\"matches\":[{\"name\":\"Linux 4.15 - 5.8\",\"accuracy\":100,\"line\":68120,"
                      "\"classes\":[{\"type\":\"general purpose\",\"vendor\":\"Linux\",\"family\":\"Linux\","
                      "\"gen\":\"4.X\",\"cpe\":[\"cpe:/o:linux:linux_kernel:4\"]},"));
    CHECK(strstr(out, "{\"name\":\"OpenBSD 6.0\",\"accuracy\":95,"));
    CHECK(strstr(out, "],\"fingerprint\":\"OS:SCAN(V=7.93%E=4%D=11/25%OT=22%CT=20%CU=40000%PV=Y%DS=1%DC=D"
                      "%G=Y%TM=6B0\\u000aOS:634F7%P=x86_64-pc-linux-gnu)SEQ(SP=100%GCD=1%ISR=105%TI=Z%CI=Z%II=I"
                      "%TS=A)\\u000a\",\"distance\":1,\"uptime\":null,\"tcp_sequence\":null,"
                      "\"ip_id_sequence\":null,\"tcp_ts_sequence\":null}}\n"));
    free(out);

    /* More than 8 perfect matches: nmap still classifies, names none. */
    x.os->nmatch = 0;
    for (int i = 0; i < 9; i++) {
        char name[32];
        snprintf(name, sizeof name, "Linux 5.%d", i);
        struct os_match *m = add_match(x.os, name, 100, 1000 + i);
        set_class(&m->cls[0], "Linux", "Linux", "5.X", "general purpose", "cpe:/o:linux:linux_kernel:5", NULL);
        m->nclass = 1;
    }
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "MAC Address: 52:54:00:12:34:56 (QEMU virtual NIC)\n"
                      "Device type: general purpose\n"
                      "Running: Linux 5.X\n"
                      "OS CPE: cpe:/o:linux:linux_kernel:5\n"
                      "Too many fingerprints match this host to give specific OS details\n"
                      "Network Distance: 1 hop\n"));
    free(out);
    out = render(&output_grepable, &x.c, h, false);
    CHECK(!strstr(out, "OS:"));
    free(out);
    out = render(&output_xml, &x.c, h, false);
    CHECK(strstr(out, "portid=\"40000\"/>\n</os>\n"));
    free(out);
    x.c.debug = 1; /* nmap -d names them all */
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "OS details: Linux 5.0, Linux 5.1, ") && strstr(out, ", Linux 5.8\nTCP/IP fingerprint:\n"));
    free(out);
    x.c.debug = 0;

    /* The closing line, without nmap's request for reports. */
    out = render(&output_normal, &x.c, h, true);
    CHECK(strstr(out, "\nOS detection performed.\n# scout done at "));
    free(out);
    x.c.version = true;
    out = render(&output_normal, &x.c, h, true);
    CHECK(strstr(out, "\nOS and Service detection performed.\n# scout done at "));
    free(out);

    h->svc = NULL;
    h->nsvc = 0;
    fixture_free(&x);
}

/* nmap's loopback answer on this kernel (nmap -O --osscan-guess -v), cut to
 * three matches within 10 points and one below them. */
static void guess_matches(struct os_result *os)
{
    struct os_match *m = add_match(os, "Linux 5.0 - 5.2", 96, 68062);
    set_class(&m->cls[0], "Linux", "Linux", "5.X", "general purpose", "cpe:/o:linux:linux_kernel:5", NULL);
    m->nclass = 1;
    m = add_match(os, "Linux 3.1", 95, 62917);
    set_class(&m->cls[0], "Linux", "Linux", "3.X", "general purpose", "cpe:/o:linux:linux_kernel:3.1", NULL);
    m->nclass = 1;
    m = add_match(os, "AXIS 210A or 211 Network Camera (Linux 2.6.17)", 94, 61815);
    set_class(&m->cls[0], "Linux", "Linux", "2.6.X", "webcam", "cpe:/o:linux:linux_kernel:2.6.17", NULL);
    set_class(&m->cls[1], "AXIS", "embedded", "", "webcam", "cpe:/h:axis:210a_network_camera",
              "cpe:/h:axis:211_network_camera");
    m->nclass = 2;
    m = add_match(os, "Linux 2.6.32", 86, 55733);
    set_class(&m->cls[0], "Linux", "Linux", "2.6.X", "general purpose", "cpe:/o:linux:linux_kernel:2.6.32", NULL);
    m->nclass = 1;
}

static void seq_reports(struct os_result *os)
{
    os->lastboot = 1795546610 - 129600;
    os->uptime_s = 129600; /* 1.5 days */
    os->seq_index = 262;
    os->seq_class = "Good luck!";
    os->ipid_class = "All zeros";
    os->ts_class = "1000HZ";
    snprintf(os->seq_values, sizeof os->seq_values, "188C984D,EB52CA6,2F35FE7F,4E5C21B0,84AA44B5,D2EC4B59");
    snprintf(os->ipid_values, sizeof os->ipid_values, "0,0,0,0,0,0");
    snprintf(os->ts_values, sizeof os->ts_values, "429526D9,429526F3,4295270D,42952727,42952741,4295275B");
}

void test_output_os_guesses(void)
{
    struct os_fixture x;
    if (fixture(&x) < 0) {
        CHECK(0);
        return;
    }
    guess_matches(x.os);
    seq_reports(x.os);
    snprintf(x.os->fp, sizeof x.os->fp, "%s", FP);
    x.os->distance = 2;
    struct host_result *h = x.h;
    char since[64], want[1200];
    fmt_time(x.os->lastboot, "%a %b %e %H:%M:%S %Y", since, sizeof since);

    /* Without --osscan-guess: no classes, no guesses, the fingerprint. */
    char *out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "25/tcp filtered smtp\n"
                      "No exact OS matches for host\n"
                      "TCP/IP fingerprint:\n" FP "\n"
                      "Network Distance: 2 hops\n\n"));
    free(out);

    /* --osscan-guess -v: nmap's guessing lines and the -v reports. */
    x.c.osscan_guess = true;
    x.c.verbose = 1;
    out = render(&output_normal, &x.c, h, false);
    snprintf(want, sizeof want,
             "\nDevice type: general purpose|webcam\n"
             "Running (JUST GUESSING): Linux 5.X|3.X|2.6.X (96%%), AXIS embedded (94%%)\n"
             "OS CPE: cpe:/o:linux:linux_kernel:5 cpe:/o:linux:linux_kernel:3.1 "
             "cpe:/o:linux:linux_kernel:2.6.17 cpe:/h:axis:210a_network_camera cpe:/h:axis:211_network_camera\n"
             "Aggressive OS guesses: Linux 5.0 - 5.2 (96%%), Linux 3.1 (95%%), "
             "AXIS 210A or 211 Network Camera (Linux 2.6.17) (94%%)\n"
             "No exact OS matches for host\n"
             "TCP/IP fingerprint:\n%s\n"
             "Uptime guess: 1.500 days (since %s)\n"
             "Network Distance: 2 hops\n"
             "TCP Sequence Prediction: Difficulty=262 (Good luck!)\n"
             "IP ID Sequence Generation: All zeros\n"
             "\n",
             FP, since);
    CHECK(strstr(out, want));
    free(out);

    /* More than 8 CPEs (or device types, or families): no class lines. */
    x.os->nmatch = 3; /* in place of the 86 % one */
    struct os_match *m = add_match(x.os, "Linux 3.2 - 3.8", 93, 64664);
    for (int i = 0; i < OS_MAX_CLASSES; i++) {
        char cpe[64];
        snprintf(cpe, sizeof cpe, "cpe:/o:linux:linux_kernel:3.%d", i + 2);
        set_class(&m->cls[i], "Linux", "Linux", "3.X", "general purpose", cpe, NULL);
        snprintf(m->cls[i].type, sizeof m->cls[i].type, "general purpose %d", i);
    }
    m->nclass = OS_MAX_CLASSES;
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "\nAggressive OS guesses: Linux 5.0 - 5.2 (96%), ") && !strstr(out, "Running"));
    CHECK(strstr(out, "(Linux 2.6.17) (94%), Linux 3.2 - 3.8 (93%)\n"));
    free(out);
    x.os->nmatch = 0;
    guess_matches(x.os);

    /* An unreliable fingerprint: guesses even without --osscan-guess, no
     * fingerprint (-vv: the reason and the fingerprint). */
    x.c.osscan_guess = false;
    x.c.verbose = 0;
    x.os->closed_tcp = 0;
    x.os->unreliable = "Missing a closed TCP port so results incomplete";
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "25/tcp filtered smtp\n"
                      "Warning: OSScan results may be unreliable because we could not find at least 1 "
                      "open and 1 closed port\n"
                      "Device type: general purpose|webcam\n"
                      "Running (JUST GUESSING): Linux 5.X|3.X|2.6.X (96%), AXIS embedded (94%)\n"));
    CHECK(strstr(out, "(Linux 2.6.17) (94%)\n"
                      "No exact OS matches for host (test conditions non-ideal).\n"
                      "Network Distance: 2 hops\n\n"));
    free(out);
    x.c.verbose = 2;
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "OS fingerprint not ideal because: Missing a closed TCP port so results incomplete\n"
                      "Aggressive OS guesses: ") &&
          strstr(out, "(test conditions non-ideal).\nTCP/IP fingerprint:\n" FP "\n"));
    free(out);
    x.c.verbose = 0;

    /* Grepable: no "OS:" without a perfect match; the sequence fields. */
    out = render(&output_grepable, &x.c, h, false);
    CHECK(strstr(out, "\tIgnored State: closed (39)\tSeq Index: 262\tIP ID Seq: All zeros\n") &&
          !strstr(out, "OS:"));
    free(out);

    /* XML: the matches within 10 points, the -v reports at any verbosity;
     * no fingerprint (unreliable, not -vv). */
    out = render(&output_xml, &x.c, h, false);
    CHECK(strstr(out, "<os><portused state=\"open\" proto=\"tcp\" portid=\"22\"/>\n"
                      "<portused state=\"closed\" proto=\"udp\" portid=\"40000\"/>\n"
                      "<osmatch name=\"Linux 5.0 - 5.2\" accuracy=\"96\" line=\"68062\">\n"
                      "<osclass type=\"general purpose\" vendor=\"Linux\" osfamily=\"Linux\" osgen=\"5.X\" "
                      "accuracy=\"96\"><cpe>cpe:/o:linux:linux_kernel:5</cpe></osclass>\n"
                      "</osmatch>\n"));
    CHECK(strstr(out, "<osmatch name=\"AXIS 210A or 211 Network Camera (Linux 2.6.17)\" accuracy=\"94\" "
                      "line=\"61815\">\n"
                      "<osclass type=\"webcam\" vendor=\"Linux\" osfamily=\"Linux\" osgen=\"2.6.X\" "
                      "accuracy=\"94\"><cpe>cpe:/o:linux:linux_kernel:2.6.17</cpe></osclass>\n"
                      "<osclass type=\"webcam\" vendor=\"AXIS\" osfamily=\"embedded\" accuracy=\"94\">"
                      "<cpe>cpe:/h:axis:210a_network_camera</cpe><cpe>cpe:/h:axis:211_network_camera</cpe>"
                      "</osclass>\n</osmatch>\n</os>\n"));
    snprintf(want, sizeof want,
             "</os>\n<uptime seconds=\"129600\" lastboot=\"%s\"/>\n"
             "<distance value=\"2\"/>\n"
             "<tcpsequence index=\"262\" difficulty=\"Good luck!\" "
             "values=\"188C984D,EB52CA6,2F35FE7F,4E5C21B0,84AA44B5,D2EC4B59\"/>\n"
             "<ipidsequence class=\"All zeros\" values=\"0,0,0,0,0,0\"/>\n"
             "<tcptssequence class=\"1000HZ\" "
             "values=\"429526D9,429526F3,4295270D,42952727,42952741,4295275B\"/>\n"
             "<times",
             since);
    CHECK(strstr(out, want));
    CHECK(!strstr(out, "Linux 2.6.32") && !strstr(out, "osfingerprint"));
    free(out);

    out = render(&output_json, &x.c, h, false);
    CHECK(strstr(out, "\"os\":{\"verdict\":\"guesses\",\"perfect\":0,"
                      "\"unreliable\":\"Missing a closed TCP port so results incomplete\","
                      "\"ports_used\":{\"open_tcp\":22,\"closed_tcp\":0,\"closed_udp\":40000}"));
    CHECK(strstr(out, "{\"type\":\"webcam\",\"vendor\":\"AXIS\",\"family\":\"embedded\",\"gen\":null,"
                      "\"cpe\":[\"cpe:/h:axis:210a_network_camera\",\"cpe:/h:axis:211_network_camera\"]}"));
    CHECK(strstr(out, "{\"name\":\"Linux 2.6.32\",\"accuracy\":86,"));
    snprintf(want, sizeof want,
             ",\"distance\":2,\"uptime\":{\"seconds\":129600,\"lastboot\":%.0f},"
             "\"tcp_sequence\":{\"index\":262,\"difficulty\":\"Good luck!\","
             "\"values\":\"188C984D,EB52CA6,2F35FE7F,4E5C21B0,84AA44B5,D2EC4B59\"},"
             "\"ip_id_sequence\":{\"class\":\"All zeros\",\"values\":\"0,0,0,0,0,0\"},"
             "\"tcp_ts_sequence\":{\"class\":\"1000HZ\","
             "\"values\":\"429526D9,429526F3,4295270D,42952727,42952741,4295275B\"}}}\n",
             x.os->lastboot);
    CHECK(strstr(out, want));
    free(out);
    fixture_free(&x);
}

void test_output_os_none(void)
{
    struct os_fixture x;
    if (fixture(&x) < 0) {
        CHECK(0);
        return;
    }
    struct host_result *h = x.h;
    /* The fingerprint without a trailing newline: shown the same. */
    snprintf(x.os->fp, sizeof x.os->fp, "%.*s", (int)strlen(FP) - 1, FP);
    x.os->distance = 0;
    x.os->ts_class = "none returned (unsupported)";
    x.os->ipid_class = "Incremental";
    snprintf(x.os->ts_values, sizeof x.os->ts_values, "0,0,0");
    char *out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "25/tcp filtered smtp\n"
                      "No OS matches for host\n"
                      "TCP/IP fingerprint:\n" FP "\n"
                      "Network Distance: 0 hops\n\n"));
    free(out);
    out = render(&output_xml, &x.c, h, false);
    CHECK(strstr(out, "portid=\"40000\"/>\n"
                      "<osfingerprint fingerprint=\"OS:SCAN(V=7.93%E=4%D=11/25%OT=22%CT=20%CU=40000%PV=Y%DS=1"
                      "%DC=D%G=Y%TM=6B0&#xa;OS:634F7%P=x86_64-pc-linux-gnu)SEQ(SP=100%GCD=1%ISR=105%TI=Z%CI=Z"
                      "%II=I%TS=A)&#xa;\"/>\n</os>\n<distance value=\"0\"/>\n"
                      "<ipidsequence class=\"Incremental\" values=\"\"/>\n"
                      "<tcptssequence class=\"none returned (unsupported)\"/>\n<times"));
    free(out);
    out = render(&output_grepable, &x.c, h, false);
    CHECK(strstr(out, "(39)\tIP ID Seq: Incremental\n"));
    free(out);
    out = render(&output_json, &x.c, h, false);
    CHECK(strstr(out, "\"os\":{\"verdict\":\"none\",\"perfect\":0,\"unreliable\":null,") &&
          strstr(out, "\"matches\":[],\"fingerprint\":\"OS:SCAN(") &&
          strstr(out, "\"tcp_ts_sequence\":{\"class\":\"none returned (unsupported)\",\"values\":\"0,0,0\"}"));
    free(out);

    /* Nothing matched and the conditions were poor: the reason, always. */
    x.os->open_tcp = 0;
    x.os->unreliable = "Missing an open TCP port so results incomplete";
    out = render(&output_normal, &x.c, h, false);
    CHECK(strstr(out, "25/tcp filtered smtp\n"
                      "Warning: OSScan results may be unreliable because we could not find at least 1 "
                      "open and 1 closed port\n"
                      "OS fingerprint not ideal because: Missing an open TCP port so results incomplete\n"
                      "No OS matches for host\n"
                      "Network Distance: 0 hops\n\n"));
    free(out);
    out = render(&output_xml, &x.c, h, false);
    CHECK(strstr(out, "<os><portused state=\"closed\" proto=\"tcp\" portid=\"20\"/>\n") &&
          !strstr(out, "osfingerprint"));
    free(out);

    /* No os_result (-O not run): nothing anywhere, "os":null in JSON. */
    free(h->os);
    h->os = NULL;
    x.c.os = false;
    out = render(&output_normal, &x.c, h, true);
    CHECK(!strstr(out, "OS") && !strstr(out, "Network Distance"));
    free(out);
    out = render(&output_xml, &x.c, h, false);
    CHECK(!strstr(out, "<os>") && !strstr(out, "<distance"));
    free(out);
    out = render(&output_json, &x.c, h, false);
    CHECK(strstr(out, ",\"os\":null}\n"));
    free(out);
    fixture_free(&x);
}

/* A whole XML document with every OS element, valid against nmap.dtd (the
 * lab's check: xmllint --dtdvalid), when both are on this machine. */
void test_output_os_xml_valid(void)
{
    const char *dtd = "/usr/share/nmap/nmap.dtd";
    if (access(dtd, R_OK) != 0 || system("command -v xmllint >/dev/null 2>&1") != 0) {
        printf("    (skipped: no xmllint or %s)\n", dtd);
        return;
    }
    struct os_fixture x;
    if (fixture(&x) < 0) {
        CHECK(0);
        return;
    }
    guess_matches(x.os);
    seq_reports(x.os);
    snprintf(x.os->fp, sizeof x.os->fp, "%s", FP);
    char *doc[2];
    doc[0] = render(&output_xml, &x.c, x.h, true);
    x.os->nmatch = 0;
    perfect_matches(x.os);
    x.c.verbose = 2;
    doc[1] = render(&output_xml, &x.c, x.h, true);
    for (int i = 0; i < 2; i++) {
        char path[] = "/tmp/scout-os-xml-XXXXXX", cmd[128];
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        if (fd < 0)
            break;
        FILE *f = fdopen(fd, "w");
        fputs(doc[i], f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "xmllint --noout --dtdvalid %s %s", dtd, path);
        CHECK(system(cmd) == 0);
        unlink(path);
        free(doc[i]);
    }
    CHECK(x.os->perfect);
    fixture_free(&x);
}
