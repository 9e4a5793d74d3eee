/* servicefp: nmap's service fingerprint text, byte for byte. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/servicefp.h"
#include "unit.h"

void test_servicefp_nmap(void);
void test_servicefp_escapes(void);
void test_servicefp_bounds(void);

/* What nmap 7.93 printed for the lab's port 7004 (listen.py's "@reply:":
 * a line back to any probe, then a close), at 0x6B066839 UTC. */
static const char nmap_7004[] =
    "SF-Port7004-TCP:V=7.93%I=7%D=11/25%Time=6B066839%P=x86_64-pc-linux-gnu%r(G\n"
    "SF:enericLines,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(GetRequest\n"
    "SF:,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(HTTPOptions,1E,\"SCOUT\n"
    "SF:LAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(RTSPRequest,1E,\"SCOUTLAB-ECHO\\x\n"
    "SF:20unknown\\x20\\(7004\\)\\r\\n\")%r(RPCCheck,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\n"
    "SF:\\(7004\\)\\r\\n\")%r(DNSVersionBindReqTCP,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\\n"
    "SF:(7004\\)\\r\\n\")%r(DNSStatusRequestTCP,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7\n"
    "SF:004\\)\\r\\n\")%r(Help,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(SSL\n"
    "SF:SessionReq,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(TerminalSer\n"
    "SF:verCookie,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(TLSSessionRe\n"
    "SF:q,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(Kerberos,1E,\"SCOUTLA\n"
    "SF:B-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(SMBProgNeg,1E,\"SCOUTLAB-ECHO\\x20u\n"
    "SF:nknown\\x20\\(7004\\)\\r\\n\")%r(X11Probe,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7\n"
    "SF:004\\)\\r\\n\")%r(FourOhFourRequest,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\\n"
    "SF:)\\r\\n\")%r(LPDString,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(LD\n"
    "SF:APSearchReq,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(LDAPBindRe\n"
    "SF:q,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(SIPOptions,1E,\"SCOUT\n"
    "SF:LAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(LANDesk-RC,1E,\"SCOUTLAB-ECHO\\x2\n"
    "SF:0unknown\\x20\\(7004\\)\\r\\n\")%r(TerminalServer,1E,\"SCOUTLAB-ECHO\\x20unknow\n"
    "SF:n\\x20\\(7004\\)\\r\\n\")%r(NCP,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\"\n"
    "SF:)%r(NotesRPC,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(JavaRMI,1\n"
    "SF:E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(WMSRequest,1E,\"SCOUTLAB\n"
    "SF:-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(oracle-tns,1E,\"SCOUTLAB-ECHO\\x20un\n"
    "SF:known\\x20\\(7004\\)\\r\\n\")%r(ms-sql-s,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(70\n"
    "SF:04\\)\\r\\n\")%r(afp,1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\")%r(giop,\n"
    "SF:1E,\"SCOUTLAB-ECHO\\x20unknown\\x20\\(7004\\)\\r\\n\");";

static char *build(const char *const *probes, size_t n, const uint8_t *resp, size_t len, uint16_t port)
{
    struct servicefp fp = {0};
    struct servicefp_head h = {.port = port, .intensity = 7, .when = 0x6B066839};
    for (size_t i = 0; i < n; i++)
        servicefp_add(&fp, &h, probes[i], resp, len);
    return servicefp_finish(&fp);
}

void test_servicefp_nmap(void)
{
    static const char *const probes[] = {"GenericLines", "GetRequest", "HTTPOptions", "RTSPRequest", "RPCCheck", "DNSVersionBindReqTCP", "DNSStatusRequestTCP", "Help", "SSLSessionReq", "TerminalServerCookie", "TLSSessionReq", "Kerberos", "SMBProgNeg", "X11Probe", "FourOhFourRequest", "LPDString", "LDAPSearchReq", "LDAPBindReq", "SIPOptions", "LANDesk-RC", "TerminalServer", "NCP", "NotesRPC", "JavaRMI", "WMSRequest", "oracle-tns", "ms-sql-s", "afp", "giop"};
    setenv("TZ", "UTC", 1);
    tzset();
    const char *r = "SCOUTLAB-ECHO unknown (7004)\r\n";
    char *fp = build(probes, sizeof probes / sizeof probes[0], (const uint8_t *)r, strlen(r), 7004);
    CHECK_STR(fp, nmap_7004);
    /* the XML attribute's form: the same text without the line breaks */
    char *flat = fp ? servicefp_unwrap(fp) : NULL;
    CHECK(flat && !strchr(flat, '\n') && strlen(flat) == strlen(fp) - 4 * (size_t)25);
    free(flat);
    free(fp);
    struct servicefp none = {0};
    CHECK(servicefp_finish(&none) == NULL);
}

void test_servicefp_escapes(void)
{
    static const char *const one[] = {"NULL"};
    static const uint8_t r[] = {0, '1', 0, 'a', '?', '(', '|', '-', '\r', '\n', '\t', ' ', 0x80, 0xff, 0};
    char *wrapped = build(one, 1, r, sizeof r, 1), *fp = wrapped ? servicefp_unwrap(wrapped) : NULL;
    free(wrapped);
    /* a NUL before a digit is \\x00 (\\0 and a digit would read as octal) */
    CHECK(fp && strstr(fp, "%r(NULL,F,\"\\x001\\0a\\?\\(\\|-\\r\\n\\t\\x20\\x80\\xff\\0\");"));
    free(fp);
    static const char *const ssl[] = {"GetRequest"};
    struct servicefp f = {0};
    struct servicefp_head h = {.port = 443, .udp = true, .ssl = true, .intensity = 9, .when = 1};
    servicefp_add(&f, &h, ssl[0], (const uint8_t *)"x", 1);
    fp = servicefp_finish(&f);
    CHECK(fp && !strncmp(fp, "SF-Port443-UDP:V=7.93%T=SSL%I=9%D=", 34));
    free(fp);
    char *cut = servicefp_unwrap("a&b;c&d");
    CHECK_STR(cut, "a&b;c"); /* nmap's quirk: cut at an '&' no ';' follows */
    free(cut);
}

/* 900 bytes of a response at most (its full length in hex), and nothing
 * added past 2 200 bytes of text. */
void test_servicefp_bounds(void)
{
    static const char *const probes[] = {"A", "B", "C", "D", "E"};
    uint8_t big[5000];
    memset(big, 'z', sizeof big);
    char *wrapped = build(probes, 5, big, sizeof big, 80), *fp = wrapped ? servicefp_unwrap(wrapped) : NULL;
    free(wrapped);
    CHECK(fp && strstr(fp, "%r(A,1388,\"") && strstr(fp, "%r(C,1388,\"") && !strstr(fp, "%r(D,"));
    size_t zs = 0;
    for (const char *p = fp ? strstr(fp, "%r(A,") : NULL; p && *p && *p != ')'; p++)
        zs += *p == 'z';
    CHECK(zs == 900);
    free(fp);
}
