/* osdb: nmap-os-db's grammar, MatchPoints weighting, nmap 7.93's
 * expression rules and ranking, malformed entries, and Debian's file
 * against what nmap 7.93 itself reported for the same fingerprints. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "os/osdb.h"
#include "os/osfmt.h"
#include "unit.h"

void test_osdb_expressions(void);
void test_osdb_points(void);
void test_osdb_rank(void);
void test_osdb_malformed(void);
void test_osdb_errors(void);
void test_osdb_debian(void);

/* The warnings of a load: their line numbers, in order. */
struct seen {
    unsigned lines[64];
    unsigned n;
    char last[512];
};

static void record(void *ctx, const char *msg)
{
    struct seen *s = ctx;
    snprintf(s->last, sizeof s->last, "%s", msg);
    const char *k = strstr(msg, " line "); /* "nmap-os-db line 12: ..." */
    unsigned line = k ? (unsigned)strtoul(k + 6, NULL, 10) : 0;
    s->lines[s->n < 64 ? s->n++ : 63] = line;
}

static int parse(struct osdb *db, const char *text, struct seen *s, err_t *e)
{
    memset(s, 0, sizeof *s);
    return osdb_parse(db, "nmap-os-db", text, strlen(text), record, s, e);
}

static struct osfp fp_of(const char *text)
{
    struct osfp fp;
    CHECK(osfmt_parse(text, &fp) == 0);
    return fp;
}

/* The T1 nmap 7.93 saw from 127.0.0.1 (Linux 6.1). */
static const char T1_SEEN[] = "T1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)";

/* One entry per expression, each worth 1 point: accuracy 1 or 0.  The
 * first sixteen were run through nmap 7.93 (a database of these entries
 * via --datadir, -O against 127.0.0.1): the quirks are nmap's. */
void test_osdb_expressions(void)
{
    static const struct {
        const char *attr;
        bool match;
    } cases[] = {
        {"T=40|50-60", false}, /* a literal before a range is skipped for a number */
        {"F=A|B", true},       /* an alternative before '|' matches as a prefix */
        {"F=|X", true},        /* so an empty first one matches anything */
        {"RD=0|5-9", false},
        {"Q=<1", true},        /* "" is a number, 0 */
        {"T=>3F", true},
        {"T=40", true},
        {"A=S+|X", true},
        {"F=ASX|B", false},
        {"Q=0", false},
        {"T=30-50|X", true},
        {"T=3F|40", true},
        {"T=41|30-50", true},
        {"T=040", false},      /* literal: no numeric equality */
        {"T=20-30|40", true},
        {"S=O|1-2", true},     /* "O" is not a number: literal */
        /* the same rules, further */
        {"T=3B-45", true}, {"T=3b-45", true}, {"T=41-45", false}, {"T=<40", false},
        {"T=<41", true}, {"T=>40", false}, {"T=3F|41", false}, {"F=AS", true},
        {"F=AR|AS", true}, {"F=A", false}, {"Q=", true}, {"Q=|Y", true}, {"DF=N", false},
        {"DF=N|Y", true}, {"T=45-3B", false}, {"T=28|3B-45", true}, {"T=40|3B-3F", false},
        {"S=>3", false},       /* not a number: compared literally */
        {"R=Y", true},
    };
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "MatchPoints\nT1(R=1%%DF=1%%T=1%%S=1%%A=1%%F=1%%RD=1%%Q=1)\n\n");
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "Fingerprint case %zu\nT1(%s)\n\n", i,
                              cases[i].attr);
    struct osdb db;
    struct seen s;
    err_t e;
    CHECK(parse(&db, text, &s, &e) == 0);
    CHECK(db.nentries == ARRAY_LEN(cases) && db.warnings == 0);
    struct osfp fp = fp_of(T1_SEEN);
    for (size_t i = 0; i < ARRAY_LEN(cases) && i < db.nentries; i++) {
        double acc = osdb_accuracy(&db, (uint32_t)i, &fp);
        if (acc != (cases[i].match ? 1.0 : 0.0))
            fprintf(stderr, "    T1(%s) against %s: %g\n", cases[i].attr, T1_SEEN, acc);
        CHECK(acc == (cases[i].match ? 1.0 : 0.0));
    }
    osdb_free(&db);
}

/* Points count where both hold the attribute; the rest is ignored. */
void test_osdb_points(void)
{
    static const char text[] =
        "MatchPoints\n"
        "SEQ(SP=25%TS=100)\n"
        "T1(R=100%DF=20%T=15)\n"
        "\n"
        "Fingerprint A\n"
        "SEQ(SP=10-20%TS=7)\n"
        "T1(R=Y%DF=N%T=40%XX=1)\n" /* XX: no MatchPoints, weighs nothing */
        "\n"
        "Fingerprint B\n"
        "T2(R=Y)\n"                 /* nothing in common */
        "T3()\n"
        "\n";
    struct osdb db;
    struct seen s;
    err_t e;
    CHECK(parse(&db, text, &s, &e) == 0);
    CHECK(db.nentries == 2 && db.nkeys == 5);
    struct osfp fp = fp_of("SEQ(SP=15%TS=8)\nT1(R=Y%DF=Y%T=40%XX=1)\n");
    /* possible 25 + 100 + 100 + 20 + 15, matched SP, R, T */
    CHECK(osdb_accuracy(&db, 0, &fp) == 140.0 / 260.0);
    fp = fp_of("SEQ(SP=15)\nT1(R=Y%T=40)\n"); /* no TS, no DF: they do not count */
    CHECK(osdb_accuracy(&db, 0, &fp) == 1.0);
    fp = fp_of("T1(R=N%DF=N)\nECN(R=Y)\n");
    CHECK(osdb_accuracy(&db, 0, &fp) == 20.0 / 120.0);
    CHECK(osdb_accuracy(&db, 1, &fp) == 0.0);
    osdb_free(&db);
}

/* T1 with ten 1-point attributes: an entry matching k of them has k/10. */
static size_t entry(char *b, size_t n, const char *name, int k)
{
    static const char *const attrs[] = {"R", "DF", "T", "S", "A", "F", "RD", "Q", "W", "O"};
    size_t w = (size_t)snprintf(b, n, "Fingerprint %s\nT1(", name);
    for (int i = 0; i < 10; i++)
        w += (size_t)snprintf(b + w, n - w, "%s%s=%s", i ? "%" : "", attrs[i], i < k ? "1" : "2");
    return w + (size_t)snprintf(b + w, n - w, ")\n\n");
}

static const char POINTS10[] = "MatchPoints\nT1(R=1%DF=1%T=1%S=1%A=1%F=1%RD=1%Q=1%W=1%O=1)\n\n";
static const char SEEN10[] = "T1(R=1%DF=1%T=1%S=1%A=1%F=1%RD=1%Q=1%W=1%O=1)";

static const char *name_of(const struct osdb *db, const struct osdb_rank *r, uint32_t i)
{
    return osdb_str(db, db->entries[r->hit[i].entry].name);
}

/* nmap's match_fingerprint: best per name, ties in file order, the
 * threshold, 36 kept, too many perfect matches. */
void test_osdb_rank(void)
{
    static char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", POINTS10);
    static const struct {
        const char *name;
        int k;
    } es[] = {{"Alpha", 9}, {"Beta", 10}, {"Alpha", 10}, {"Gamma", 9},
              {"Beta", 10}, {"Delta", 9}, {"Eps", 8}};
    for (size_t i = 0; i < ARRAY_LEN(es); i++)
        n += entry(text + n, sizeof text - n, es[i].name, es[i].k);
    struct osdb db;
    struct seen s;
    err_t e;
    struct osdb_rank r;
    struct osfp fp = fp_of(SEEN10);
    CHECK(parse(&db, text, &s, &e) == 0);
    osdb_rank(&db, &fp, OSDB_GUESS_THRESHOLD, &r);
    CHECK(r.n == 4 && r.nperfect == 2 && !r.too_many);
    CHECK_STR(name_of(&db, &r, 0), "Beta");
    CHECK(r.hit[0].entry == 1);  /* the earlier of two equal */
    CHECK_STR(name_of(&db, &r, 1), "Alpha");
    CHECK(r.hit[1].entry == 2);  /* the better replaced the first */
    CHECK_STR(name_of(&db, &r, 2), "Gamma");
    CHECK_STR(name_of(&db, &r, 3), "Delta");
    CHECK(r.hit[2].accuracy == 0.9 && r.hit[3].accuracy == 0.9);
    struct os_match m[3];
    CHECK(osdb_match(&db, &fp, 0.95, m, 3) == 2); /* the threshold */
    CHECK(osdb_match(&db, &fp, 0.5, m, 3) == 3);  /* at most max */
    CHECK_STR(m[2].name, "Gamma");
    CHECK(m[2].accuracy == 90 && m[2].line == 13);
    osdb_free(&db);

    /* Ties and names as nmap 7.93 ranked them (this database via --datadir,
     * -O against 127.0.0.1): the earlier of equals, the better of a name */
    static const char nmapdb[] =
        "MatchPoints\nT1(R=1%DF=1%T=1%S=1%A=1%F=1%RD=1%Q=13)\n\n"
        "Fingerprint Dup\nT1(R=N%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Tie A\nT1(R=Y%DF=N%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Dup\nT1(R=N%DF=N%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Tie B\nT1(R=Y%DF=Y%T=41%S=O%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Dup2\nT1(R=N%DF=N%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Dup2\nT1(R=Y%DF=Y%T=40%S=A%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Dup\nT1(R=Y%DF=Y%T=40%S=A%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Lower\nT1(R=N%DF=N%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n\n"
        "Fingerprint Mid\nT1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=1|0)\n";
    static const struct {
        const char *name;
        unsigned acc, line;
    } saw[] = {{"Dup", 95, 4}, {"Tie A", 95, 7}, {"Tie B", 95, 13}, {"Dup2", 95, 19}, {"Lower", 90, 25}};
    CHECK(parse(&db, nmapdb, &s, &e) == 0);
    fp = fp_of(T1_SEEN);
    struct os_match mm[8];
    CHECK(osdb_match(&db, &fp, OSDB_GUESS_THRESHOLD, mm, 8) == ARRAY_LEN(saw));
    for (size_t i = 0; i < ARRAY_LEN(saw); i++) {
        CHECK_STR(mm[i].name, saw[i].name);
        CHECK(mm[i].accuracy == saw[i].acc && mm[i].line == saw[i].line); /* nmap's lines less the Class lines */
    }
    osdb_free(&db);
    fp = fp_of(SEEN10);

    /* 37 at 0.9 then a perfect one: 36 kept, the perfect first, the 37th
     * never in (the entrance rose a hair over 0.9), the 36th pushed out */
    n = (size_t)snprintf(text, sizeof text, "%s", POINTS10);
    char name[16];
    for (int i = 0; i < 38; i++) {
        snprintf(name, sizeof name, "E%d", i);
        n += entry(text + n, sizeof text - n, name, i < 37 ? 9 : 10);
    }
    CHECK(parse(&db, text, &s, &e) == 0);
    osdb_rank(&db, &fp, OSDB_GUESS_THRESHOLD, &r);
    CHECK(r.n == OSDB_RANK_MAX && r.nperfect == 1 && !r.too_many);
    CHECK(r.hit[0].entry == 37 && r.hit[1].entry == 0 && r.hit[35].entry == 34);
    osdb_free(&db);

    /* more perfect matches than the list holds: nmap's TOOMANYMATCHES */
    n = (size_t)snprintf(text, sizeof text, "%s", POINTS10);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "P%d", i);
        n += entry(text + n, sizeof text - n, name, 10);
    }
    CHECK(parse(&db, text, &s, &e) == 0);
    osdb_rank(&db, &fp, OSDB_GUESS_THRESHOLD, &r);
    CHECK(r.n == OSDB_RANK_MAX && r.nperfect == OSDB_RANK_MAX && r.too_many);
    CHECK(r.hit[35].entry == 35);
    /* a threshold of 0 lets nothing of accuracy 0 in (nmap would stop) */
    fp = fp_of("T1(R=2%DF=2)");
    osdb_rank(&db, &fp, 0, &r);
    CHECK(r.n == 0);
    osdb_free(&db);
}

/* A malformed entry is reported with its line and skipped; a malformed
 * line between entries too; the rest loads. */
void test_osdb_malformed(void)
{
    static const char text[] =
        "MatchPoints\n"                          /* 1 */
        "T1(R=1%DF=1)\n"
        "\n"
        "Fingerprint Good one # a comment\n"     /* 4 */
        "Class V | F | 1.X | general purpose\n"
        "CPE cpe:/o:v:f:1 auto\n"
        "CPE cpe:/h:v:box\n"
        "T1(R=Y%DF=N)\n"
        "\n"
        "Fingerprint Bad test line\n"            /* 10 */
        "Class V | F || router\n"
        "T1(R=Y%DF\n"                            /* 12 */
        "T2(R=N)\n"
        "\n"
        "Fingerprint CPE first\n"
        "CPE cpe:/o:x\n"                         /* 16 */
        "T1(R=Y)\n"
        "\n"
        "Fingerprint Bad class\n"
        "Class V | F\n"                          /* 20 */
        "T1(R=Y)\n"
        "\n"
        "Fingerprint Dup test\n"
        "T1(R=Y)\n"
        "T1(R=N)\n"                              /* 25 */
        "\n"
        "junk at top level\n"                    /* 27 */
        "Fingerprint\n"                          /* 28 */
        "T1(R=Y)\n"
        "\n"
        "Fingerprint Dup attr\n"
        "T1(R=Y%R=N)\n"                          /* 32 */
        "\n"
        "MatchPoints\n"                          /* 34 */
        "T2(R=5)\n"
        "\n"
        "# a comment\n"
        "Fingerprint Last ok\r\n"                /* 38 */
        "Class A | B | | C\n"
        "T1(R=N%DF=N)";
    struct osdb db;
    struct seen s;
    err_t e;
    CHECK(parse(&db, text, &s, &e) == 0);
    static const unsigned want[] = {12, 16, 20, 25, 27, 28, 32, 34};
    CHECK(s.n == ARRAY_LEN(want) && db.warnings == ARRAY_LEN(want));
    for (unsigned i = 0; i < ARRAY_LEN(want) && i < s.n; i++) {
        if (s.lines[i] != want[i])
            fprintf(stderr, "    warning %u: line %u, want %u\n", i, s.lines[i], want[i]);
        CHECK(s.lines[i] == want[i]);
    }
    CHECK_STR(s.last, "nmap-os-db line 34: a second MatchPoints section; skipped");
    CHECK(db.nentries == 2 && db.nkeys == 2);
    struct os_match m[2];
    struct osfp fp = fp_of("T1(R=Y%DF=N)");
    CHECK(osdb_match(&db, &fp, 0.4, m, 2) == 2);
    CHECK_STR(m[0].name, "Good one");
    CHECK(m[0].line == 4 && m[0].accuracy == 100 && m[0].nclass == 1);
    CHECK_STR(m[0].cls[0].vendor, "V");
    CHECK_STR(m[0].cls[0].family, "F");
    CHECK_STR(m[0].cls[0].gen, "1.X");
    CHECK_STR(m[0].cls[0].type, "general purpose");
    CHECK(m[0].cls[0].ncpe == 2);
    CHECK_STR(m[0].cls[0].cpe[0], "cpe:/o:v:f:1");
    CHECK_STR(m[0].cls[0].cpe[1], "cpe:/h:v:box");
    CHECK_STR(m[1].name, "Last ok");
    CHECK(m[1].line == 38 && m[1].accuracy == 50);
    CHECK_STR(m[1].cls[0].gen, "");
    CHECK_STR(m[1].cls[0].type, "C");
    osdb_free(&db);
}

static int write_temp(char *path, const char *text, size_t len)
{
    strcpy(path, "/tmp/scout-osdb-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, text, len);
    close(fd);
    return w == (ssize_t)len ? 0 : -1;
}

/* One-line errors: the file missing, empty, a directory, binary, or
 * without MatchPoints or a usable entry.  And the streamed reader over a
 * file bigger than its chunk, with a line too long. */
void test_osdb_errors(void)
{
    struct osdb db;
    struct seen s;
    err_t e;
    CHECK(osdb_load(&db, "/nonexistent/nmap-os-db", NULL, NULL, &e) == -1);
    CHECK(strstr(e.msg, "cannot read '/nonexistent/nmap-os-db'") != NULL);
    CHECK(osdb_load(&db, "/tmp", NULL, NULL, &e) == -1);
    CHECK(strstr(e.msg, "directory") != NULL);
    CHECK(parse(&db, "", &s, &e) == -1 && strstr(e.msg, "is empty"));
    CHECK(parse(&db, "# nothing\n\n", &s, &e) == -1 && strstr(e.msg, "no MatchPoints"));
    CHECK(parse(&db, "Fingerprint X\nT1(R=Y)\n", &s, &e) == -1 && strstr(e.msg, "no MatchPoints"));
    CHECK(parse(&db, "MatchPoints\nT1(R=x)\n\nFingerprint X\nT1(R=Y)\n", &s, &e) == -1);
    CHECK(strstr(e.msg, "no MatchPoints") && s.n == 1 && s.lines[0] == 2);
    CHECK(parse(&db, "MatchPoints\nT1(R=1)\n\nFingerprint\nT1(R=Y)\n", &s, &e) == -1);
    CHECK(strstr(e.msg, "no usable Fingerprint"));
    CHECK(osdb_parse(&db, "nmap-os-db", "MatchPoints\nT1(R=1)\n\0", 21, NULL, NULL, &e) == -1);
    CHECK(strstr(e.msg, "line 3: a NUL byte"));
    CHECK(strchr(e.msg, '\n') == NULL);

    char path[64];
    CHECK(write_temp(path, "", 0) == 0);
    CHECK(osdb_load(&db, path, NULL, NULL, &e) == -1 && strstr(e.msg, "is empty"));
    unlink(path);

    /* 3000 entries (over 64 KiB: lines across chunk ends) and a long line */
    size_t cap = 1 << 20, n = 0;
    char *big = malloc(cap);
    n += (size_t)snprintf(big + n, cap - n, "MatchPoints\nT1(R=1%%DF=1)\n\n");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(big + n, cap - n, "Fingerprint Entry %d\nClass V | F | %d.X | router\nT1(R=Y%%DF=%X)\n\n",
                              i, i, i);
    n += (size_t)snprintf(big + n, cap - n, "Fingerprint Long\nT1(R=");
    memset(big + n, 'Y', 5000);
    n += 5000;
    n += (size_t)snprintf(big + n, cap - n, ")\n");
    CHECK(write_temp(path, big, n) == 0);
    memset(&s, 0, sizeof s);
    CHECK(osdb_load(&db, path, record, &s, &e) == 0);
    CHECK(db.nentries == 3000 && s.n == 1 && s.lines[0] == 3 + 3000 * 4 + 2);
    CHECK(strstr(s.last, "longer than"));
    struct osfp fp = fp_of("T1(R=Y%DF=BB7)");
    struct os_match m;
    CHECK(osdb_match(&db, &fp, 1.0, &m, 1) == 1);
    CHECK_STR(m.name, "Entry 2999");
    CHECK(m.line == 3 + 2999 * 4 + 1);
    osdb_free(&db);
    unlink(path);
    free(big);
}

/* What nmap 7.93 reported for 127.0.0.1 (Linux 6.1, port 18080 open, 1
 * closed), -O -d: its fingerprint and its XML's osmatch list. */
static const char LOOPBACK[] =
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

static void set(struct osfp *fp, const char *test, const char *attr, const char *val)
{
    struct osfp_test *t = (struct osfp_test *)osfp_test(fp, test);
    for (uint32_t i = 0; t && i < t->n; i++)
        if (!strcmp(t->a[i].name, attr))
            snprintf(t->a[i].val, sizeof t->a[i].val, "%s", val);
}

/* Debian's nmap-os-db: every entry loads, and the rankings are nmap's. */
void test_osdb_debian(void)
{
    struct osdb db;
    struct seen s = {0};
    err_t e;
    if (osdb_load(&db, "/usr/share/nmap/nmap-os-db", record, &s, &e) < 0) {
        fprintf(stderr, "    %s\n", e.msg);
        CHECK(!"nmap-os-db loads");
        return;
    }
    CHECK(db.nentries == 5678 && db.warnings == 0 && db.nkeys == 119);

    static const struct {
        const char *name;
        unsigned acc, line;
    } nmap[] = {
        {"Linux 5.0 - 5.2", 96, 68062},
        {"Linux 3.1", 95, 62917},
        {"Linux 3.2", 95, 64664},
        {"AXIS 210A or 211 Network Camera (Linux 2.6.17)", 94, 61815},
        {"Linux 3.7 - 3.11", 93, 65975},
        {"Linux 2.6.32", 93, 55733},
        {"ASUS RT-N56U WAP (Linux 3.4)", 93, 8398},
        {"Linux 3.16", 93, 64171},
        {"Linux 3.8 - 3.9", 92, 66328},
        {"Linux 3.8 - 4.14", 92, 66372},
    };
    struct osfp fp = fp_of(LOOPBACK);
    struct os_match m[OS_MAX_MATCHES];
    CHECK(osdb_match(&db, &fp, OSDB_GUESS_THRESHOLD, m, OS_MAX_MATCHES) == ARRAY_LEN(nmap));
    for (size_t i = 0; i < ARRAY_LEN(nmap); i++) {
        CHECK_STR(m[i].name, nmap[i].name);
        CHECK(m[i].accuracy == nmap[i].acc && m[i].line == nmap[i].line);
    }
    CHECK(m[0].nclass == 1 && m[0].cls[0].ncpe == 1);
    CHECK_STR(m[0].cls[0].vendor, "Linux");
    CHECK_STR(m[0].cls[0].gen, "5.X");
    CHECK_STR(m[0].cls[0].type, "general purpose");
    CHECK_STR(m[0].cls[0].cpe[0], "cpe:/o:linux:linux_kernel:5"); /* " auto" dropped */
    struct osdb_rank r;
    osdb_rank(&db, &fp, OSDB_GUESS_THRESHOLD, &r);
    CHECK(r.n == OSDB_RANK_MAX && r.nperfect == 0);
    CHECK(fabs(r.hit[0].accuracy - 0.962853) < 1e-6);

    /* Within Linux 5.0 - 5.2's ranges (SP=FB-105, ISR=104-112, TS=A), the
     * same host is a perfect match */
    set(&fp, "SEQ", "SP", "100");
    set(&fp, "SEQ", "ISR", "108");
    set(&fp, "SEQ", "TS", "A");
    osdb_rank(&db, &fp, OSDB_GUESS_THRESHOLD, &r);
    bool found = false;
    for (uint32_t i = 0; i < r.nperfect; i++)
        found |= db.entries[r.hit[i].entry].line == 68062;
    CHECK(r.nperfect >= 1 && found);

    /* an entry's own single-valued test lines, as an observation, match it at 100 % */
    fp = fp_of("SEQ(R=N)\nOPS(O1=%O2=%O3=%O4=%O5=%O6=)\nWIN(W1=0%W2=0%W3=0%W4=0%W5=0%W6=0)\n"
               "ECN(R=Y%DF=N%T=41%TG=40%W=0%O=%CC=N%Q=)\nT1(R=Y%DF=N%T=41%TG=40%S=Z%A=S+%F=AR%RD=0%Q=)\n"
               "T2(R=Y%DF=N%T=41%TG=40%W=0%S=Z%A=S%F=AR%O=%RD=0%Q=)\n"
               "T3(R=Y%DF=N%T=41%TG=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
               "T4(R=Y%DF=N%T=41%TG=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
               "T5(R=Y%DF=N%T=41%TG=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
               "T6(R=Y%DF=N%T=41%TG=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
               "T7(R=Y%DF=N%T=41%TG=40%W=0%S=Z%A=S%F=AR%O=%RD=0%Q=)\n"
               "U1(DF=N%T=41%TG=40%IPL=38%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=0%RUD=G)\n"
               "IE(DFI=S%T=41%TG=40%CD=S)\n");
    uint32_t n = osdb_match(&db, &fp, OSDB_GUESS_THRESHOLD, m, OS_MAX_MATCHES);
    found = false;
    for (uint32_t i = 0; i < n; i++)
        found |= !strcmp(m[i].name, "FreeBSD 4.7-STABLE") && m[i].accuracy == 100 && m[i].line == 27086;
    CHECK(found);
    osdb_free(&db);
}
