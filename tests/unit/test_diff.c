/* Unit tests of xmlscan (nmap's, scout's and masscan's XML into records)
 * and diff (records compared).  The two nmap reports below are hand-made in
 * nmap 7.93's format; what ndiff (Debian's, the reference) prints for them
 * is in test_diff_text_ndiff. */
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "cmd_diff.h"
#include "diff.h"
#include "unit.h"
#include "xmlscan.h"

void test_xmlscan_nmap(void);
void test_xmlscan_masscan(void);
void test_xmlscan_refusals(void);
void test_xmlscan_truncated(void);
void test_diff_pairs(void);
void test_diff_text_ndiff(void);
void test_diff_text_cases(void);
void test_diff_json(void);

/* Before: 10.0.0.2 (MAC, PTR name, OS, ports folded as nmap folds them,
 * probed and table services, UDP), 10.0.0.3 up, 10.0.0.10 (gone after),
 * 2001:db8::1 (unchanged). */
static const char report_a[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE nmaprun>\n"
    "<nmaprun scanner=\"nmap\" args=\"nmap -sV -sU -sS -p T:1-1000,U:53 10.0.0.0/28\" start=\"1795500000\" "
    "version=\"7.93\" xmloutputversion=\"1.05\">\n"
    "<host><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n"
    "<address addr=\"10.0.0.2\" addrtype=\"ipv4\"/>\n"
    "<address addr=\"02:00:0A:00:00:02\" addrtype=\"mac\" vendor=\"Acme\"/>\n"
    "<hostnames><hostname name=\"alpha.example\" type=\"PTR\"/></hostnames>\n"
    "<ports><extraports state=\"closed\" count=\"997\"><extrareasons reason=\"reset\" count=\"997\" proto=\"tcp\" "
    "ports=\"1-21,23-79,81-442,444-1000\"/></extraports>\n"
    "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>"
    "<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1 Debian 2+deb12u3\" extrainfo=\"protocol 2.0\" "
    "ostype=\"Linux\" method=\"probed\" conf=\"10\"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe>"
    "<cpe>cpe:/o:linux:linux_kernel</cpe></service></port>\n"
    "<port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>"
    "<service name=\"http\" method=\"table\" conf=\"3\"/></port>\n"
    "<port protocol=\"tcp\" portid=\"443\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>"
    "<service name=\"http\" product=\"nginx\" version=\"1.22.1\" tunnel=\"ssl\" method=\"probed\" conf=\"10\"/></port>\n"
    "<port protocol=\"udp\" portid=\"53\"><state state=\"open\" reason=\"udp-response\" reason_ttl=\"64\"/>"
    "<service name=\"domain\" product=\"dnsmasq\" version=\"2.89\" method=\"probed\" conf=\"10\"/></port>\n"
    "</ports>\n"
    "<os><osmatch name=\"Linux 5.0 - 5.14\" accuracy=\"100\" line=\"1\"><osclass type=\"general purpose\" "
    "vendor=\"Linux\" osfamily=\"Linux\" osgen=\"5.X\" accuracy=\"100\"/></osmatch>"
    "<osmatch name=\"Linux 4.15\" accuracy=\"95\"/></os>\n"
    "</host>\n"
    "<host><status state=\"up\" reason=\"arp-response\"/>\n"
    "<address addr=\"10.0.0.3\" addrtype=\"ipv4\"/>\n"
    "<hostnames></hostnames>\n"
    "<ports><port protocol=\"tcp\" portid=\"25\"><state state=\"open\" reason=\"syn-ack\"/>"
    "<service name=\"smtp\" method=\"table\" conf=\"3\"/></port></ports>\n"
    "</host>\n"
    "<host><status state=\"up\" reason=\"echo-reply\"/>\n"
    "<address addr=\"10.0.0.10\" addrtype=\"ipv4\"/>\n"
    "<ports><port protocol=\"tcp\" portid=\"21\"><state state=\"open\" reason=\"syn-ack\"/>"
    "<service name=\"ftp\" method=\"table\" conf=\"3\"/></port>\n"
    "<port protocol=\"tcp\" portid=\"23\"><state state=\"filtered\" reason=\"no-response\"/>"
    "<service name=\"telnet\" method=\"table\" conf=\"3\"/></port></ports>\n"
    "</host>\n"
    "<host><status state=\"up\" reason=\"echo-reply\"/>\n"
    "<address addr=\"2001:db8::1\" addrtype=\"ipv6\"/>\n"
    "<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\"/>"
    "<service name=\"http\" method=\"table\" conf=\"3\"/></port></ports>\n"
    "</host>\n"
    "<runstats><finished time=\"1795500100\" exit=\"success\"/><hosts up=\"4\" down=\"0\" total=\"16\"/></runstats>\n"
    "</nmaprun>\n";

/* After: on 10.0.0.2 ssh's version changed, 80 closed (folded now), 53/udp
 * silent; 10.0.0.3 down; 10.0.0.10 gone; 10.0.0.9 new. */
static const char report_b[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE nmaprun>\n"
    "<nmaprun scanner=\"nmap\" args=\"nmap -sV -sU -sS -p T:1-1000,U:53 10.0.0.0/28\" start=\"1795586400\" "
    "version=\"7.93\" xmloutputversion=\"1.05\">\n"
    "<host><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n"
    "<address addr=\"10.0.0.2\" addrtype=\"ipv4\"/>\n"
    "<address addr=\"02:00:0A:00:00:02\" addrtype=\"mac\" vendor=\"Acme\"/>\n"
    "<hostnames><hostname name=\"alpha.example\" type=\"PTR\"/></hostnames>\n"
    "<ports><extraports state=\"closed\" count=\"998\"><extrareasons reason=\"reset\" count=\"998\" proto=\"tcp\" "
    "ports=\"1-21,23-442,444-1000\"/></extraports>\n"
    "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>"
    "<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1 Debian 2+deb12u4\" extrainfo=\"protocol 2.0\" "
    "ostype=\"Linux\" method=\"probed\" conf=\"10\"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe></service></port>\n"
    "<port protocol=\"tcp\" portid=\"443\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>"
    "<service name=\"http\" product=\"nginx\" version=\"1.22.1\" tunnel=\"ssl\" method=\"probed\" conf=\"10\"/></port>\n"
    "<port protocol=\"udp\" portid=\"53\"><state state=\"open|filtered\" reason=\"no-response\"/>"
    "<service name=\"domain\" method=\"table\" conf=\"3\"/></port>\n"
    "</ports>\n"
    "<os><osmatch name=\"Linux 5.0 - 5.14\" accuracy=\"100\" line=\"1\"/><osmatch name=\"Linux 4.15\" accuracy=\"95\"/></os>\n"
    "</host>\n"
    "<host><status state=\"down\" reason=\"no-response\"/>\n"
    "<address addr=\"10.0.0.3\" addrtype=\"ipv4\"/>\n"
    "</host>\n"
    "<host><status state=\"up\" reason=\"arp-response\"/>\n"
    "<address addr=\"10.0.0.9\" addrtype=\"ipv4\"/>\n"
    "<address addr=\"02:00:0A:00:00:09\" addrtype=\"mac\"/>\n"
    "<ports><port protocol=\"tcp\" portid=\"8080\"><state state=\"open\" reason=\"syn-ack\"/>"
    "<service name=\"http\" product=\"Jetty\" version=\"9.4\" method=\"probed\" conf=\"10\"/></port></ports>\n"
    "<os><osmatch name=\"Linux 4.15 - 5.8\" accuracy=\"98\"/></os>\n"
    "</host>\n"
    "<host><status state=\"up\" reason=\"echo-reply\"/>\n"
    "<address addr=\"2001:db8::1\" addrtype=\"ipv6\"/>\n"
    "<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\"/>"
    "<service name=\"http\" method=\"table\" conf=\"3\"/></port></ports>\n"
    "</host>\n"
    "<runstats><finished time=\"1795586500\" exit=\"success\"/><hosts up=\"3\" down=\"1\" total=\"16\"/></runstats>\n"
    "</nmaprun>\n";

static int read_str(const char *xml, struct rec_scan *s, err_t *e)
{
    return xmlscan_mem(xml, strlen(xml), "t.xml", NULL, s, e);
}

static const struct rec_host *find_host(const struct rec_scan *s, const char *ip)
{
    struct addr a;
    if (addr_parse(ip, &a) < 0)
        return NULL;
    for (uint32_t i = 0; i < s->nhosts; i++)
        if (addr_eq(&s->hosts[i].addr, &a))
            return &s->hosts[i];
    return NULL;
}

static const struct rec_port *find_port(const struct rec_host *h, enum proto p, uint16_t port)
{
    for (uint32_t i = 0; h && i < h->nports; i++)
        if (h->ports[i].proto == p && h->ports[i].port == port)
            return &h->ports[i];
    return NULL;
}

void test_xmlscan_nmap(void)
{
    struct rec_scan s;
    err_t e;
    CHECK(read_str(report_a, &s, &e) == 0);
    CHECK_STR(s.version, "nmap 7.93");
    CHECK_STR(s.args, "nmap -sV -sU -sS -p T:1-1000,U:53 10.0.0.0/28");
    CHECK(s.start == 1795500000.0 && s.end == 1795500100.0 && s.finished);
    CHECK(s.nhosts == 4);
    /* sorted by address, IPv4 first */
    for (uint32_t i = 1; i < s.nhosts; i++)
        CHECK(addr_cmp(&s.hosts[i - 1].addr, &s.hosts[i].addr) < 0);
    const struct rec_host *h = find_host(&s, "10.0.0.2");
    CHECK(h && h->status == HOST_UP && h->reason == R_ARP_RESPONSE);
    CHECK(h && h->has_mac && h->mac[0] == 0x02 && h->mac[2] == 0x0A && h->mac[5] == 0x02);
    CHECK_STR(h ? h->vendor : NULL, "Acme");
    CHECK_STR(h ? h->name : NULL, "alpha.example");
    CHECK_STR(h ? h->os : NULL, "Linux 5.0 - 5.14");
    /* the 997 folded ports, expanded from extrareasons, and the 4 listed */
    CHECK(h && h->nports == 1001);
    for (uint32_t i = 1; h && i < h->nports; i++)
        CHECK((h->ports[i - 1].proto << 16 | h->ports[i - 1].port) < (h->ports[i].proto << 16 | h->ports[i].port));
    const struct rec_port *p = find_port(h, PROTO_TCP, 1000);
    CHECK(p && p->state == PS_CLOSED && p->reason == R_RESET);
    p = find_port(h, PROTO_TCP, 22);
    CHECK(p && p->state == PS_OPEN && p->reason == R_SYN_ACK && p->ttl == 64);
    CHECK_STR(p ? p->service : NULL, "ssh");
    CHECK_STR(p ? p->product : NULL, "OpenSSH");
    CHECK_STR(p ? p->version : NULL, "9.2p1 Debian 2+deb12u3");
    CHECK_STR(p ? p->extrainfo : NULL, "protocol 2.0");
    CHECK_STR(p ? p->cpe : NULL, "cpe:/a:openbsd:openssh:9.2p1"); /* the first */
    p = find_port(h, PROTO_TCP, 80);
    CHECK(p && p->state == PS_OPEN && !p->service); /* a table name is not kept */
    p = find_port(h, PROTO_TCP, 443);
    CHECK_STR(p ? p->tunnel : NULL, "ssl");
    p = find_port(h, PROTO_UDP, 53);
    CHECK(p && p->state == PS_OPEN && p->reason == R_UDP_RESPONSE);
    h = find_host(&s, "2001:db8::1");
    CHECK(h && h->nports == 1 && !h->has_mac && !h->name);
    scanrec_free(&s);

    /* scout's own report: scanner="nmap" version="scout-X", a host a stop
     * caught half-way, names of both kinds (the PTR one kept) */
    static const char scout[] =
        "<?xml version=\"1.0\"?><nmaprun scanner=\"nmap\" args=\"scout -sT x\" start=\"7\" version=\"scout-0.1.0\">"
        "<host><status state=\"unknown\" reason=\"user-set\"/><address addr=\"192.0.2.1\" addrtype=\"ipv4\"/>"
        "<hostnames><hostname name=\"given\" type=\"user\"/><hostname name=\"ptr.example\" type=\"PTR\"/></hostnames>"
        "<hostscript><script id=\"scout-progress\" output=\"12 of 1000 ports\"/></hostscript></host>"
        "<runstats><finished time=\"9\" exit=\"error\"/></runstats></nmaprun>";
    CHECK(read_str(scout, &s, &e) == 0);
    CHECK_STR(s.version, "scout 0.1.0");
    CHECK(!s.finished && s.end == 9.0);
    CHECK(s.nhosts == 1 && s.hosts[0].status == HOST_UNKNOWN && s.hosts[0].partial);
    CHECK_STR(s.nhosts ? s.hosts[0].name : NULL, "ptr.example");
    scanrec_free(&s);

    /* entities XML itself defines are fine, in attributes and in text */
    static const char amp[] =
        "<nmaprun scanner=\"nmap\" args=\"a &amp; b &#38; c &lt;&#x41;\"><host><address addr=\"192.0.2.2\"/>"
        "<ports><port protocol=\"tcp\" portid=\"1\"><state state=\"open\"/><service name=\"x\" product=\"R&amp;D\">"
        "<cpe>cpe:/a:r&amp;d</cpe></service></port></ports></host></nmaprun>";
    CHECK(read_str(amp, &s, &e) == 0);
    CHECK_STR(s.args, "a & b & c <A");
    CHECK_STR(s.nhosts ? s.hosts[0].ports[0].product : NULL, "R&D");
    CHECK_STR(s.nhosts ? s.hosts[0].ports[0].cpe : NULL, "cpe:/a:r&d");
    scanrec_free(&s);
}

/* masscan's -oX: one <host> per port, no <status>, "ipv4" on every address,
 * and a banner's <service> (not a service name). */
void test_xmlscan_masscan(void)
{
    static const char m[] =
        "<?xml version=\"1.0\"?>\r\n<!-- masscan v1.0 scan -->\r\n"
        "<nmaprun scanner=\"masscan\" start=\"1795500000\" version=\"1.0-BETA\"  xmloutputversion=\"1.03\">\r\n"
        "<scaninfo type=\"syn\" protocol=\"tcp\" />\r\n"
        "<host endtime=\"1795500001\"><address addr=\"10.0.0.5\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
        "portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/></port></ports></host>\r\n"
        "<host endtime=\"1795500001\"><address addr=\"2001:db8::5\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
        "portid=\"22\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/></port></ports></host>\r\n"
        "<host endtime=\"1795500002\"><address addr=\"10.0.0.5\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
        "portid=\"22\"><state state=\"closed\" reason=\"rst\" reason_ttl=\"64\"/></port></ports></host>\r\n"
        "<host endtime=\"1795500003\"><address addr=\"10.0.0.5\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
        "portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\" /><service name=\"title\" "
        "banner=\"It works\"></service></port></ports></host>\r\n"
        "<runstats>\r\n<finished time=\"1795500009\" timestr=\"2026-11-24 06:00:09\" elapsed=\"9\" />\r\n"
        "<hosts up=\"3\" down=\"1\" total=\"4\" />\r\n</runstats>\r\n</nmaprun>\r\n";
    struct rec_scan s;
    err_t e;
    CHECK(read_str(m, &s, &e) == 0);
    CHECK_STR(s.version, "masscan 1.0-BETA");
    CHECK(s.finished && s.end == 1795500009.0);
    CHECK(s.nhosts == 2);
    const struct rec_host *h = find_host(&s, "10.0.0.5");
    CHECK(h && h->status == HOST_UP && h->nports == 2); /* merged, 80 once */
    const struct rec_port *p = find_port(h, PROTO_TCP, 80);
    CHECK(p && p->state == PS_OPEN && !p->service);
    p = find_port(h, PROTO_TCP, 22);
    CHECK(p && p->state == PS_CLOSED && p->reason == R_NONE); /* masscan's "rst" is not nmap's */
    h = find_host(&s, "2001:db8::5");
    CHECK(h && h->addr.family == AF_INET6 && h->nports == 1);
    scanrec_free(&s);
}

static void refused(const char *xml, const char *want)
{
    struct rec_scan s;
    err_t e;
    int rc = read_str(xml, &s, &e);
    CHECK(rc < 0);
    CHECK(s.nhosts == 0 && s.hosts == NULL && s.version == NULL);
    if (rc < 0 && !strstr(e.msg, want)) {
        unit_failures++;
        fprintf(stderr, "    message '%s' lacks '%s'\n", e.msg, want);
    }
    if (rc < 0 && strchr(e.msg, '\n'))
        CHECK(!"one line");
}

#define HOSTP(ports) "<nmaprun scanner=\"nmap\">\n<host><address addr=\"192.0.2.1\"/>\n<ports>" ports "</ports></host></nmaprun>"

void test_xmlscan_refusals(void)
{
    refused("", "t.xml: empty file");
    refused("just text\n", "t.xml:1: not XML");
    refused("<?xml version=\"1.0\"?>\n<html><body/></html>", "t.xml:2: not an nmap or masscan XML report (its root element is <html>)");
    refused("<nmaprun>\n<host>\n</nmaprun>", "t.xml:3: not well-formed XML");
    refused("<nmaprun/><nmaprun/>", "not well-formed XML");
    refused(HOSTP("<port protocol=\"tcp\" portid=\"70000\"><state state=\"open\"/></port>"),
            "t.xml:3: bad port number '70000'");
    refused(HOSTP("<port protocol=\"tcp\" portid=\"-1\"><state state=\"open\"/></port>"), "bad port number '-1'");
    refused(HOSTP("<port protocol=\"sctp\" portid=\"1\"><state state=\"open\"/></port>"),
            "protocol 'sctp' is not supported");
    refused(HOSTP("<port protocol=\"tcp\" portid=\"1\"><state state=\"ajar\"/></port>"),
            "t.xml:3: unknown port state 'ajar'");
    refused(HOSTP("<port protocol=\"tcp\" portid=\"1\"></port>"), "t.xml:3: port 1/tcp without a state");
    refused(HOSTP("<extraports state=\"closed\"><extrareasons proto=\"tcp\" ports=\"5-3\"/></extraports>"),
            "bad port range '5-3'");
    refused(HOSTP("<extraports state=\"closed\"><extrareasons proto=\"tcp\" ports=\"1,,2\"/></extraports>"),
            "bad port range");
    refused("<nmaprun>\n<host><status state=\"up\"/>\n<address addr=\"02:00:00:00:00:01\" addrtype=\"mac\"/></host></nmaprun>",
            "t.xml:2: host without an IP address");
    refused("<nmaprun><host><address addr=\"10.0.0.300\"/></host></nmaprun>", "bad IP address '10.0.0.300'");
    refused("<nmaprun><host><address addr=\"1.2.3.4\"/><address addr=\"0200\" addrtype=\"mac\"/></host></nmaprun>",
            "bad MAC address");
    /* entity declarations, however harmless they look: the billion laughs,
     * an external entity, a parameter entity */
    refused("<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n <!ENTITY a \"aaaaaaaaaa\">\n"
            " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n"
            "<nmaprun args=\"&c;\"/>",
            "t.xml:3: entity declarations are refused");
    refused("<!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><nmaprun args=\"&x;\"/>",
            "entity declarations are refused");
    refused("<!DOCTYPE nmaprun [<!ENTITY % p SYSTEM \"http://192.0.2.1/x.dtd\"> %p;]><nmaprun/>",
            "entity declarations are refused");
    /* an undeclared entity is no entity */
    refused("<nmaprun args=\"&x;\"/>", "t.xml:1: not well-formed XML: Entity 'x' not defined");
    /* an external DTD is never fetched: the document reads as without it */
    struct rec_scan s;
    err_t e;
    CHECK(read_str("<!DOCTYPE nmaprun SYSTEM \"/nonexistent/nmap.dtd\"><nmaprun scanner=\"nmap\"/>", &s, &e) == 0);
    scanrec_free(&s);
    /* the limits: bytes, and ports (a short range list is many records) */
    struct xmlscan_limits lim = {.max_bytes = 100, .max_ports = 1000};
    const char *big = HOSTP("<extraports state=\"closed\"><extrareasons proto=\"tcp\" ports=\"1-65535\"/></extraports>");
    CHECK(xmlscan_mem(big, strlen(big), "t.xml", &lim, &s, &e) < 0);
    CHECK_STR(e.msg, "t.xml: larger than 100 bytes, the limit for an XML report");
    lim.max_bytes = 1 << 20;
    CHECK(xmlscan_mem(big, strlen(big), "t.xml", &lim, &s, &e) < 0);
    CHECK(strstr(e.msg, "t.xml:3: more than 1000 ports in the report") != NULL);
    lim.max_ports = 65535;
    CHECK(xmlscan_mem(big, strlen(big), "t.xml", &lim, &s, &e) == 0);
    CHECK(s.nhosts == 1 && s.hosts[0].nports == 65535);
    scanrec_free(&s);
    /* files */
    CHECK(xmlscan_file("/nonexistent/a.xml", NULL, &s, &e) < 0);
    CHECK_STR(e.msg, "cannot read '/nonexistent/a.xml': No such file or directory");
    CHECK(xmlscan_file("/", NULL, &s, &e) < 0);
    CHECK_STR(e.msg, "cannot read '/': Is a directory");
}

/* nmap killed mid-run leaves its report unclosed: what it finished counts. */
void test_xmlscan_truncated(void)
{
    const char *end = strstr(report_a, "<host><status state=\"up\" reason=\"echo-reply\"/>\n<address addr=\"10.0.0.10\"");
    struct rec_scan s;
    err_t e;
    CHECK(end != NULL);
    size_t cut = end ? (size_t)(end - report_a) : 0;
    CHECK(xmlscan_mem(report_a, cut, "t.xml", NULL, &s, &e) == 0);
    CHECK(s.nhosts == 2 && !s.finished && s.end == 0);
    scanrec_free(&s);
    /* in the middle of the third host, between two tags: the two before it */
    const char *mid = end ? strchr(end, '\n') : NULL;
    CHECK(mid != NULL);
    CHECK(xmlscan_mem(report_a, mid ? (size_t)(mid + 1 - report_a) : 0, "t.xml", NULL, &s, &e) == 0);
    CHECK(s.nhosts == 2 && !s.finished);
    scanrec_free(&s);
    /* cut inside a tag: corrupt, not merely short */
    CHECK(xmlscan_mem(report_a, cut + 10, "t.xml", NULL, &s, &e) < 0);
    CHECK(strstr(e.msg, "not well-formed XML") != NULL);
    /* every prefix is either read or refused with a message, never a crash */
    for (size_t n = 0; n < sizeof report_b - 1; n += 7) {
        int rc = xmlscan_mem(report_b, n, "t.xml", NULL, &s, &e);
        CHECK(rc == 0 || (e.msg[0] && s.nhosts == 0));
        if (rc == 0)
            scanrec_free(&s);
    }
}

void test_diff_pairs(void)
{
    struct rec_scan a, b;
    err_t e;
    CHECK(read_str(report_a, &a, &e) == 0 && read_str(report_b, &b, &e) == 0);
    struct services *svc = NULL;
    CHECK(services_load(&svc, NULL, &e) == 0);
    struct diff_host *hv;
    uint32_t n;
    CHECK(diff_hosts(&a, &b, &hv, &n, &e) == 0);
    /* ndiff's order: by the address's text */
    static const char *const order[] = {"10.0.0.10", "10.0.0.2", "10.0.0.3", "10.0.0.9", "2001:db8::1"};
    CHECK(n == 5);
    for (uint32_t i = 0; i < n && i < 5; i++) {
        char ip[ADDR_STRLEN];
        const struct rec_host *h = hv[i].a ? hv[i].a : hv[i].b;
        CHECK_STR(addr_str(&h->addr, ip, sizeof ip), order[i]);
    }
    CHECK(hv[0].a && !hv[0].b && diff_host_changed(&hv[0]));  /* disappeared */
    CHECK(hv[3].b && !hv[3].a && diff_host_changed(&hv[3]));  /* appeared */
    CHECK(hv[2].status && !hv[2].ident && !hv[2].os);         /* up -> down */
    CHECK(!diff_host_changed(&hv[4]));                        /* the same */
    /* 10.0.0.2: the folded closed ports went from 997 to 998 */
    const struct diff_host *h = &hv[1];
    CHECK(h->fold && !h->status && !h->ident && !h->os);
    CHECK(h->fa.folded[PS_CLOSED] && h->fa.count[PS_CLOSED] == 997 && h->fb.count[PS_CLOSED] == 998);
    CHECK(!h->fa.folded[PS_OPEN]);
    struct diff_port *pv;
    uint32_t np, changed = 0;
    CHECK(diff_ports(h, svc, &pv, &np, &e) == 0);
    CHECK(np == 1001);
    for (uint32_t i = 1; i < np; i++) /* by number, then protocol */
        CHECK(pv[i - 1].port < pv[i].port || (pv[i - 1].port == pv[i].port && pv[i - 1].proto < pv[i].proto));
    for (uint32_t i = 0; i < np; i++) {
        if (pv[i].kind == DIFF_SAME)
            continue;
        changed++;
        CHECK(pv[i].kind == DIFF_CHANGED);
        CHECK((pv[i].port == 22 && pv[i].proto == PROTO_TCP) || pv[i].port == 53 || pv[i].port == 80);
    }
    CHECK(changed == 3);
    free(pv);
    /* the same scan read twice: nothing at all */
    struct diff_host *hs;
    uint32_t ns;
    CHECK(diff_hosts(&a, &a, &hs, &ns, &e) == 0 && ns == 4);
    for (uint32_t i = 0; i < ns; i++) {
        CHECK(!diff_host_changed(&hs[i]));
        CHECK(diff_ports(&hs[i], svc, &pv, &np, &e) == 0);
        for (uint32_t k = 0; k < np; k++)
            CHECK(pv[k].kind == DIFF_SAME);
        free(pv);
    }
    free(hs);
    free(hv);
    /* a table name and no name compare equal: a service is its record's
     * name, else the table's for the port */
    struct rec_port p1 = {.proto = PROTO_TCP, .port = 80, .state = PS_OPEN}, p2 = p1;
    p2.service = "http";
    CHECK(diff_port_eq(&p1, &p2, svc));
    CHECK(!diff_port_eq(&p1, &p2, NULL));
    p2.tunnel = "ssl";
    CHECK(!diff_port_eq(&p1, &p2, svc));
    /* a port in one scan only, in a state that side folds, is not a change */
    struct rec_port ports[30];
    for (int i = 0; i < 30; i++)
        ports[i] = (struct rec_port){.proto = PROTO_TCP, .port = (uint16_t)(1000 + i), .state = PS_CLOSED};
    ports[29].state = PS_OPEN;
    struct rec_host ha = {.addr = addr_v4(0xC0000201), .status = HOST_UP, .ports = ports, .nports = 30};
    struct rec_host hb = ha;
    hb.ports = ports + 3; /* 1003-1029: three closed ports fewer */
    hb.nports = 27;
    struct rec_scan sa = {.hosts = &ha, .nhosts = 1}, sb = {.hosts = &hb, .nhosts = 1};
    CHECK(diff_hosts(&sa, &sb, &hs, &ns, &e) == 0 && ns == 1);
    CHECK(hs[0].fold); /* 29 folded closed ports, then 26 */
    CHECK(diff_ports(&hs[0], svc, &pv, &np, &e) == 0 && np == 30);
    for (uint32_t k = 0; k < np; k++)
        CHECK(pv[k].kind == (k < 3 ? DIFF_FOLDED : DIFF_SAME));
    free(pv);
    free(hs);
    hb.nports = 26; /* without the open port: it disappeared */
    CHECK(diff_hosts(&sa, &sb, &hs, &ns, &e) == 0 && diff_ports(&hs[0], svc, &pv, &np, &e) == 0);
    CHECK(np == 30 && pv[29].kind == DIFF_DISAPPEARED && pv[29].a && !pv[29].b);
    free(pv);
    free(hs);
    /* records in another order than xmlscan's pair all the same */
    struct rec_port rev[3] = {{.proto = PROTO_UDP, .port = 53, .state = PS_OPEN},
                              {.proto = PROTO_TCP, .port = 80, .state = PS_OPEN},
                              {.proto = PROTO_TCP, .port = 22, .state = PS_OPEN}};
    struct rec_host two[2] = {{.addr = addr_v4(0xC0000202), .status = HOST_UP, .ports = rev, .nports = 3},
                              {.addr = addr_v4(0xC0000201), .status = HOST_UP}};
    struct rec_host one[2] = {two[1], two[0]};
    struct rec_port fwd[3] = {rev[2], rev[1], rev[0]};
    one[1].ports = fwd;
    struct rec_scan s1 = {.hosts = one, .nhosts = 2}, s2 = {.hosts = two, .nhosts = 2};
    CHECK(diff_hosts(&s1, &s2, &hs, &ns, &e) == 0 && ns == 2);
    for (uint32_t i = 0; i < ns; i++) {
        CHECK(hs[i].a && hs[i].b && !diff_host_changed(&hs[i]));
        CHECK(diff_ports(&hs[i], svc, &pv, &np, &e) == 0 && np == (i ? 3 : 0));
        for (uint32_t k = 0; k < np; k++)
            CHECK(pv[k].kind == DIFF_SAME);
        free(pv);
    }
    free(hs);
    services_free(svc);
    scanrec_free(&a);
    scanrec_free(&b);
}

/* What `ndiff report_a.xml report_b.xml` (Debian's ndiff 7.93, TZ=UTC)
 * prints, byte for byte. */
static const char ndiff_ab[] =
    "-Nmap 7.93 scan initiated Tue Nov 24 06:00:00 2026 as: nmap -sV -sU -sS -p T:1-1000,U:53 10.0.0.0/28\n"
    "+Nmap 7.93 scan initiated Wed Nov 25 06:00:00 2026 as: nmap -sV -sU -sS -p T:1-1000,U:53 10.0.0.0/28\n"
    "\n"
    "-10.0.0.10:\n"
    "-Host is up.\n"
    "-PORT   STATE    SERVICE VERSION\n"
    "-21/tcp open     ftp\n"
    "-23/tcp filtered telnet\n"
    "\n"
    " alpha.example (10.0.0.2, 02:00:0A:00:00:02):\n"
    "-Not shown: 997 closed ports\n"
    "+Not shown: 998 closed ports\n"
    " PORT   STATE         SERVICE VERSION\n"
    "-22/tcp open          ssh     OpenSSH 9.2p1 Debian 2+deb12u3 (protocol 2.0)\n"
    "+22/tcp open          ssh     OpenSSH 9.2p1 Debian 2+deb12u4 (protocol 2.0)\n"
    "-53/udp open          domain  dnsmasq 2.89\n"
    "+53/udp open|filtered domain\n"
    "-80/tcp open          http\n"
    "\n"
    " 10.0.0.3:\n"
    "-Host is up.\n"
    "+Host is down.\n"
    " PORT   STATE SERVICE VERSION\n"
    "-25/tcp open  smtp\n"
    "\n"
    "+10.0.0.9, 02:00:0A:00:00:09:\n"
    "+Host is up.\n"
    "+PORT     STATE SERVICE VERSION\n"
    "+8080/tcp open  http    Jetty 9.4\n"
    "+OS details:\n"
    "+  Linux 4.15 - 5.8\n";

typedef int (*writer)(FILE *, const struct rec_scan *, const struct rec_scan *, const struct services *,
                      uint64_t *, err_t *);

/* The diff of two scans as a string (caller frees). */
static char *render(writer w, const struct rec_scan *a, const struct rec_scan *b, const struct services *svc,
                    uint64_t *changes)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    err_t e;
    CHECK(f && w(f, a, b, svc, changes, &e) == 0);
    fclose(f);
    return out;
}

static void utc(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
}

void test_diff_text_ndiff(void)
{
    utc();
    struct rec_scan a, b;
    err_t e;
    struct services *svc = NULL;
    CHECK(read_str(report_a, &a, &e) == 0 && read_str(report_b, &b, &e) == 0);
    CHECK(services_load(&svc, NULL, &e) == 0);
    uint64_t changes = 0;
    char *out = render(diff_write_text, &a, &b, svc, &changes);
    CHECK_STR(out, ndiff_ab);
    CHECK(changes == 11);
    free(out);
    /* the same scan: nothing, not even the banner */
    out = render(diff_write_text, &a, &a, svc, &changes);
    CHECK_STR(out, "");
    CHECK(changes == 0);
    free(out);
    /* only the banners differ: printed, and still the same (ndiff's exit 0) */
    double start = b.start;
    b.start = a.start + 1;
    out = render(diff_write_text, &b, &b, svc, &changes);
    CHECK(changes == 0);
    free(out);
    b.start = start;
    services_free(svc);
    scanrec_free(&a);
    scanrec_free(&b);
}

static struct rec_host host(uint32_t ip, struct rec_port *p, uint32_t n)
{
    return (struct rec_host){.addr = addr_v4(ip), .status = HOST_UP, .ports = p, .nports = n};
}

/* Where scout's text says more than ndiff's, and the table's layout. */
void test_diff_text_cases(void)
{
    utc();
    uint64_t changes;
    /* a port that moved between two folded states, the counts unchanged:
     * ndiff sees nothing, scout lists it */
    struct rec_port pa[52], pb[52];
    for (int i = 0; i < 52; i++) {
        pa[i] = (struct rec_port){.proto = PROTO_TCP, .port = (uint16_t)(i + 1), .state = i < 26 ? PS_CLOSED : PS_FILTERED};
        pb[i] = pa[i];
    }
    pb[0].state = PS_FILTERED, pb[26].state = PS_CLOSED;
    struct rec_host ha = host(0xC0000201, pa, 52), hb = host(0xC0000201, pb, 52);
    struct rec_scan a = {.hosts = &ha, .nhosts = 1}, b = {.hosts = &hb, .nhosts = 1};
    char *out = render(diff_write_text, &a, &b, NULL, &changes);
    CHECK_STR(out, "\n"
                   " 192.0.2.1:\n"
                   " PORT   STATE    SERVICE VERSION\n"
                   "-1/tcp  closed\n"
                   "+1/tcp  filtered\n"
                   "-27/tcp filtered\n"
                   "+27/tcp closed\n");
    CHECK(changes == 2);
    free(out);

    /* a host's name changed: one host (ndiff, which keys hosts by name too,
     * would print two); its tunnel-only service change is one too; widths
     * count characters, not bytes */
    struct rec_port qa = {.proto = PROTO_TCP, .port = 443, .state = PS_OPEN, .service = "http", .product = "Zürich httpd"};
    struct rec_port qb = qa;
    qb.tunnel = "ssl";
    ha = host(0xC0000201, &qa, 1), hb = host(0xC0000201, &qb, 1);
    ha.name = "old.example", hb.name = "new.example";
    hb.has_mac = true, memcpy(hb.mac, "\x02\x00\x00\x00\x00\x01", 6);
    out = render(diff_write_text, &a, &b, NULL, &changes);
    CHECK_STR(out, "\n"
                   "-old.example (192.0.2.1):\n"
                   "+new.example (192.0.2.1, 02:00:00:00:00:01):\n"
                   " PORT    STATE SERVICE  VERSION\n"
                   "-443/tcp open  http     Zürich httpd\n"
                   "+443/tcp open  ssl/http Zürich httpd\n");
    CHECK(changes == 2);
    free(out);

    /* a stored string need not be UTF-8: bytes that are no characters */
    char junk[201];
    memset(junk, 0x80, 200);
    junk[200] = '\0';
    qb.product = junk;
    out = render(diff_write_text, &a, &b, NULL, &changes);
    CHECK(out && strstr(out, "+443/tcp open  ssl/http \x80\x80") != NULL);
    free(out);

    /* OS and status; a name with a newline stays on its line */
    ha = host(0xC0000201, NULL, 0), hb = host(0xC0000201, NULL, 0);
    ha.os = "Linux 5.X", hb.os = "Linux 6.X\nfake line", hb.status = HOST_DOWN;
    out = render(diff_write_text, &a, &b, NULL, &changes);
    CHECK_STR(out, "\n"
                   " 192.0.2.1:\n"
                   "-Host is up.\n"
                   "+Host is down.\n"
                   " OS details:\n"
                   "-  Linux 5.X\n"
                   "+  Linux 6.X?fake line\n");
    CHECK(changes == 1);
    free(out);

    /* ndiff's banner: scout's reports say scanner="nmap" version="scout-X" */
    struct rec_scan sa = {.version = "scout 0.1.0", .args = "scout -sT x", .start = 1795500000},
                    sb = {.version = "masscan 1.3.2", .start = 1795500000};
    out = render(diff_write_text, &sa, &sb, NULL, &changes);
    CHECK_STR(out, "-Nmap scout-0.1.0 scan initiated Tue Nov 24 06:00:00 2026 as: scout -sT x\n"
                   "+masscan 1.3.2 scan initiated Tue Nov 24 06:00:00 2026\n");
    CHECK(changes == 0);
    free(out);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

void test_diff_json(void)
{
    struct rec_scan a, b;
    err_t e;
    struct services *svc = NULL;
    CHECK(read_str(report_a, &a, &e) == 0 && read_str(report_b, &b, &e) == 0);
    CHECK(services_load(&svc, NULL, &e) == 0);
    uint64_t changes = 0;
    char *out = render(diff_write_json, &a, &b, svc, &changes);
    CHECK(changes == 11 && count_lines(out) == 11);
    /* one object a line, hosts first, in ndiff's order */
    const char *want[] = {
        "{\"change\":\"disappeared\",\"host\":\"10.0.0.10\",\"port\":null,\"proto\":null,\"from\":{\"status\":\"up\","
        "\"name\":null,\"mac\":null,\"os\":null,\"not_shown\":{}},\"to\":null}\n",
        "{\"change\":\"changed\",\"host\":\"10.0.0.2\",\"port\":null,\"proto\":null,\"from\":{\"status\":\"up\","
        "\"name\":\"alpha.example\",\"mac\":\"02:00:0A:00:00:02\",\"os\":\"Linux 5.0 - 5.14\",\"not_shown\":{\"closed\":997}},"
        "\"to\":{\"status\":\"up\",\"name\":\"alpha.example\",\"mac\":\"02:00:0A:00:00:02\",\"os\":\"Linux 5.0 - 5.14\","
        "\"not_shown\":{\"closed\":998}}}\n",
        "{\"change\":\"changed\",\"host\":\"10.0.0.2\",\"port\":80,\"proto\":\"tcp\",\"from\":{\"state\":\"open\","
        "\"reason\":\"syn-ack\",\"service\":\"http\",\"product\":null,\"version\":null,\"extrainfo\":null,\"tunnel\":null},"
        "\"to\":{\"state\":\"closed\",\"reason\":\"reset\",\"service\":\"http\",\"product\":null,\"version\":null,"
        "\"extrainfo\":null,\"tunnel\":null}}\n",
        "{\"change\":\"appeared\",\"host\":\"10.0.0.9\",\"port\":8080,\"proto\":\"tcp\",\"from\":null,\"to\":{\"state\":"
        "\"open\",\"reason\":\"syn-ack\",\"service\":\"http\",\"product\":\"Jetty\",\"version\":\"9.4\","
        "\"extrainfo\":null,\"tunnel\":null}}\n",
    };
    const char *at = out;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *hit = at ? strstr(at, want[i]) : NULL;
        if (!hit) {
            unit_failures++;
            fprintf(stderr, "    JSON lacks (in order): %s", want[i]);
        }
        at = hit;
    }
    free(out);
    out = render(diff_write_json, &a, &a, svc, &changes);
    CHECK_STR(out, "");
    CHECK(changes == 0);
    free(out);
    /* strings: escaped, and bytes that are not UTF-8 replaced */
    struct rec_port p = {.proto = PROTO_TCP, .port = 1, .state = PS_OPEN, .product = "a\"b\\c\x01\xff\xc3\xa9"};
    struct rec_host h = host(0xC0000201, &p, 1);
    struct rec_scan s = {.hosts = &h, .nhosts = 1}, none = {0};
    out = render(diff_write_json, &none, &s, NULL, &changes);
    CHECK(out && strstr(out, "\"product\":\"a\\\"b\\\\c\\u0001\\ufffd\xc3\xa9\"") != NULL);
    CHECK(changes == 2);
    free(out);
    services_free(svc);
    scanrec_free(&a);
    scanrec_free(&b);
}
