/* osfmt: nmap's fingerprint texts byte for byte (two that nmap 7.93 printed
 * for 127.0.0.1), round trips, and what the parser refuses. */
#include <stdlib.h>

#include "os/osfmt.h"
#include "unit.h"
#include "util.h"

void test_osfmt_nmap_text(void);
void test_osfmt_roundtrip(void);
void test_osfmt_parse_errors(void);

/* nmap 7.93 -O -d 127.0.0.1, port 18080 open: no exact match, so the
 * submission form, wrapped. */
static const char WRAPPED[] =
    "OS:SCAN(V=7.93%E=4%D=11/25%OT=18080%CT=1%CU=41091%PV=N%DS=0%DC=L%G=Y%TM=6B0\n"
    "OS:634A7%P=x86_64-pc-linux-gnu)SEQ(SP=108%GCD=1%ISR=10C%TI=Z%CI=Z%II=I%TS=2\n"
    "OS:2)OPS(O1=MFFD7ST11NWA%O2=MFFD7ST11NWA%O3=MFFD7NNT11NWA%O4=MFFD7ST11NWA%O\n"
    "OS:5=MFFD7ST11NWA%O6=MFFD7ST11)WIN(W1=FFCB%W2=FFCB%W3=FFCB%W4=FFCB%W5=FFCB%\n"
    "OS:W6=FFCB)ECN(R=Y%DF=Y%T=40%W=FFD7%O=MFFD7NNSNWA%CC=Y%Q=)T1(R=Y%DF=Y%T=40%\n"
    "OS:S=O%A=S+%F=AS%RD=0%Q=)T2(R=N)T3(R=N)T4(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%\n"
    "OS:RD=0%Q=)T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)T6(R=Y%DF=Y%T=40%W\n"
    "OS:=0%S=A%A=Z%F=R%O=%RD=0%Q=)T7(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "OS:U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)IE(R=Y%D\n"
    "OS:FI=N%T=40%CD=S)\n";

/* nmap 7.93 -O -d 127.0.0.1, no open port: too many matches, so unwrapped. */
static const char PLAIN[] =
    "SCAN(V=7.93%E=4%D=11/25%OT=%CT=1%CU=36918%PV=N%DS=0%DC=L%G=N%TM=6B063494%P=x86_64-pc-linux-gnu)\n"
    "SEQ(CI=Z%II=I)\n"
    "T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "T6(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
    "T7(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)\n"
    "IE(R=Y%DFI=N%T=40%CD=S)\n";

static bool same_fp(const struct osfp *a, const struct osfp *b)
{
    if (a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n; i++) {
        const struct osfp_test *t = osfp_test(b, a->t[i].name);
        if (!t || t->n != a->t[i].n)
            return false;
        for (uint32_t j = 0; j < t->n; j++)
            if (strcmp(t->a[j].name, a->t[i].a[j].name) || strcmp(t->a[j].val, a->t[i].a[j].val))
                return false;
    }
    return true;
}

void test_osfmt_nmap_text(void)
{
    struct osfp fp;
    char out[2048];
    CHECK(osfmt_parse(WRAPPED, &fp) == 0);
    CHECK(fp.n == 13 && !osfp_test(&fp, "SCAN"));
    CHECK_STR(osfp_attr(osfp_test(&fp, "SEQ"), "TS"), "22"); /* across a line end */
    CHECK_STR(osfp_attr(osfp_test(&fp, "T4"), "O"), "");
    struct osfmt_scan sc = {
        .version = "7.93", .open = 18080, .closed = 1, .closed_udp = 41091, .distance = 0,
        .dist_method = 'L', .good = true, .when = 0x6B0634A7, .month = 11, .day = 25,
        .platform = "x86_64-pc-linux-gnu",
    };
    CHECK(osfmt_submission(&sc, &fp, out, sizeof out) == strlen(WRAPPED));
    CHECK_STR(out, WRAPPED);

    CHECK(osfmt_parse(PLAIN, &fp) == 0);
    CHECK(fp.n == 6);
    sc = (struct osfmt_scan){
        .version = "7.93", .closed = 1, .closed_udp = 36918, .distance = 0, .dist_method = 'L',
        .when = 0x6B063494, .month = 11, .day = 25, .platform = "x86_64-pc-linux-gnu",
    };
    CHECK(osfmt_plain(&sc, &fp, out, sizeof out) == strlen(PLAIN));
    CHECK_STR(out, PLAIN);

    /* nmap's order whatever the fingerprint's; M, DS and DC as nmap writes
     * them; a buffer too small gets nothing, and the length needed */
    struct osfp f2 = {0};
    osfp_add(osfp_add_test(&f2, "IE"), "R", "N");
    osfp_add(osfp_add_test(&f2, "SEQ"), "SP", "0");
    sc = (struct osfmt_scan){.engine = "4", .open = 22, .distance = -1, .private_addr = true,
                             .has_mac = true, .mac = {0x52, 0x54, 0x00, 1, 2, 3}, .when = 1,
                             .month = 1, .day = 2, .platform = "p"};
    size_t n = osfmt_plain(&sc, &f2, out, sizeof out);
    CHECK_STR(out, "SCAN(V=" OSFMT_VERSION "%E=4%D=1/2%OT=22%CT=%CU=%PV=Y%G=N%M=525400%TM=1%P=p)\n"
                   "SEQ(SP=0)\nIE(R=N)\n");
    char small[16] = "x";
    CHECK(osfmt_plain(&sc, &f2, small, sizeof small) == n && small[0] == '\0');
    CHECK(osfmt_fp_line(&f2, out, sizeof out) == strlen("IE(R=N)\nSEQ(SP=0)\n"));
    CHECK_STR(out, "IE(R=N)\nSEQ(SP=0)\n");
}

void test_osfmt_roundtrip(void)
{
    struct osfp fp, back;
    char out[4096];
    CHECK(osfmt_parse(WRAPPED, &fp) == 0);
    osfmt_fp_line(&fp, out, sizeof out);
    CHECK(osfmt_parse(out, &back) == 0 && same_fp(&fp, &back));
    struct osfmt_scan sc = {.distance = -1, .when = 1700000000};
    CHECK(osfmt_submission(&sc, &fp, out, sizeof out) < sizeof out);
    CHECK(osfmt_parse(out, &back) == 0 && same_fp(&fp, &back));
    /* every line of 75 columns but the last */
    for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
        size_t k = (size_t)(strchr(l, '\n') - l);
        CHECK(!strncmp(l, "OS:", 3) && (k == 75 || !strchr(l, '\n')[1]));
    }
    /* text around it is ignored (nmap's own heading, leading blanks) */
    char text[2048];
    snprintf(text, sizeof text, "TCP/IP fingerprint:\n%s\n", WRAPPED);
    CHECK(osfmt_parse(text, &back) == 0 && same_fp(&fp, &back));
    snprintf(text, sizeof text, "TCP/IP fingerprint:\r\n  %s", PLAIN);
    CHECK(osfmt_parse(text, &back) == 0 && back.n == 6);
    /* the first of a test or attribute counts */
    CHECK(osfmt_parse("T1(R=Y%R=N)\nT1(R=N)\nT2()\n", &back) == 0);
    CHECK(back.n == 2 && back.t[0].n == 1 && back.t[1].n == 0);
    CHECK_STR(osfp_attr(&back.t[0], "R"), "Y");
}

void test_osfmt_parse_errors(void)
{
    static const char *const bad[] = {
        "",
        "nothing here\n",
        "SCAN(V=7.93)\n",                           /* no test of the host */
        "T1(R=Y\n",
        "T1(R=Y%)\n",
        "T1(R)\n",
        "T1(=Y)\n",
        "T1(R=Y)x\n",
        "T1(RIPCKX=Y)\n",                           /* names of 5 at most */
        "TOOL(R=Y)\n",
        "T1(R=123456789012345678901234)\n",         /* values of 23 at most */
        "T1(R=a b)\n",
        "OS:T1(R=Y\nOS:\n",
        "T1(A=1%B=2%C=3%D=4%E=5%F=6%G=7%H=8%I=9%J=10%K=11%L=12%M=13%N=14%O=15%P=16%Q=17)\n",
        "A(R=Y)B(R=Y)C(R=Y)D(R=Y)E(R=Y)F(R=Y)G(R=Y)H(R=Y)I(R=Y)J(R=Y)K(R=Y)L(R=Y)M(R=Y)N(R=Y)\n",
    };
    struct osfp fp;
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (osfmt_parse(bad[i], &fp) != -1)
            fprintf(stderr, "    parsed: %s", bad[i]);
        CHECK(osfmt_parse(bad[i], &fp) == -1);
    }
    /* SCAN's long fields are read past, not kept */
    CHECK(osfmt_parse("SCAN(V=7.93%P=x86_64-unknown-linux-gnu-and-more)\nT1(R=Y)\n", &fp) == 0);
    CHECK(fp.n == 1);
}
