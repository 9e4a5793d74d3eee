#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macvendor.h"
#include "unit.h"

void test_macvendor_levels(void);
void test_macvendor_csv(void);
void test_macvendor_corrupt(void);
void test_macvendor_nmap(void);
void test_macvendor_files(void);
void test_macvendor_debian(void);

static const char *look(const struct macvendor *mv, uint8_t a, uint8_t b, uint8_t c, uint8_t d,
                        uint8_t e)
{
    const uint8_t mac[6] = {a, b, c, d, e, 0x42};
    return macvendor_lookup(mv, mac);
}

/* Parses texts (registry CSV, then nmap-mac-prefixes; either NULL) and
 * finishes. */
static int build(struct macvendor *mv, const char *csv, const char *nmap)
{
    err_t e;
    macvendor_init(mv);
    if ((csv && macvendor_parse(mv, MV_REGISTRY, csv, strlen(csv), "t.csv", &e) < 0) ||
        (nmap && macvendor_parse(mv, MV_NMAP, nmap, strlen(nmap), "t.nmap", &e) < 0) ||
        macvendor_finish(mv, &e) < 0) {
        fprintf(stderr, "    %s\n", e.msg);
        return -1;
    }
    return 0;
}

/* Each prefix length wins over a shorter one that holds it: 36 over 28
 * over 24 bits, whichever order the rows come in; a MAC just outside a
 * longer block falls back to the shorter one. */
void test_macvendor_levels(void)
{
    static const char t[] =
        "Registry,Assignment,Organization Name,Organization Address\r\n"
        "MA-S,001122334,Long Co,here\r\n"
        "MA-L,001122,Short Co,there\r\n"
        "MA-M,0011223,Mid Co,\r\n"
        "IAB,00AABBCCD,Iab Co,x\r\n";
    struct macvendor mv;
    if (build(&mv, t, NULL) < 0) {
        CHECK(0);
        return;
    }
    CHECK(mv.entries == 4 && mv.skipped == 0 && mv.duplicates == 0);
    CHECK(mv.level[MV_36].n == 2 && mv.level[MV_28].n == 1 && mv.level[MV_24].n == 1);
    CHECK_STR(look(&mv, 0x00, 0x11, 0x22, 0x33, 0x4f), "Long Co");  /* 00112233 4 */
    CHECK_STR(look(&mv, 0x00, 0x11, 0x22, 0x33, 0x50), "Mid Co");   /* 00112233 5 */
    CHECK_STR(look(&mv, 0x00, 0x11, 0x22, 0x3f, 0xff), "Mid Co");   /* 0011223 f */
    CHECK_STR(look(&mv, 0x00, 0x11, 0x22, 0x40, 0x00), "Short Co"); /* 0011224 */
    CHECK_STR(look(&mv, 0x00, 0x11, 0x22, 0x00, 0x00), "Short Co");
    CHECK_STR(look(&mv, 0x00, 0xaa, 0xbb, 0xcc, 0xd7), "Iab Co");
    CHECK(look(&mv, 0x00, 0xaa, 0xbb, 0xcc, 0xe0) == NULL); /* no 24-bit parent */
    CHECK(look(&mv, 0x00, 0x11, 0x21, 0xff, 0xff) == NULL);
    CHECK(look(&mv, 0xff, 0xff, 0xff, 0xff, 0xff) == NULL);
    enum mv_level l = MV_LEVELS;
    const uint8_t m[6] = {0x00, 0x11, 0x22, 0x33, 0x40, 0x01};
    CHECK_STR(macvendor_lookup_level(&mv, m, &l), "Long Co");
    CHECK(l == MV_36 && mv_level_bits(l) == 36 && mv_level_bits(MV_28) == 28 &&
          mv_level_bits(MV_24) == 24);
    macvendor_free(&mv);
    CHECK(look(&mv, 0x00, 0x11, 0x22, 0x33, 0x4f) == NULL); /* freed: empty */
}

/* The CSV as ieee-data writes it: quoted names with commas, "" for a quote,
 * addresses quoted over several lines, CRLF, a byte order mark, the header
 * again in the middle; names trimmed, runs of spaces made one, HTML entities
 * decoded; a prefix given twice keeps the first name. */
void test_macvendor_csv(void)
{
    static const char t[] =
        "\xef\xbb\xbfRegistry,Assignment,Organization Name,Organization Address\r\n" /* 1 */
        "MA-L,F4E578,\"LLC Kompania \"\"TransService\"\"\",\"Moscow, RU\"\r\n"   /* 2 */
        "MA-L,5ca06c,\"Realme Chongqing Mobile Telecommunications Corp.,Ltd.\",\"No.178, "
        "Yulong\r\n"                                                          /* 3 */
        "Avenue, Chongqing\n"                                                 /* 4 */
        "  CN 401120 \"\r\n"                                                  /* 5 */
        "MA-M,F8B568E,ZAO &quot;RADIUS Avtomatika&quot;,x\r\n"              /* 6 */
        "MA-L,344F5C,R&amp;M AG,\r\n"                                         /* 7 */
        "Registry,Assignment,Organization Name,Organization Address\r\n"     /* 8 */
        "\r\n"                                                                /* 9 */
        "MA-L,0022A0,  Jiangsu fulian \t Communication  ,\"a\"\r\n"          /* 10 */
        "MA-L,F4E578,Someone Else,again\r\n"                                  /* 11 */
        "\"MA-S\",\"8C1F6423D\",Mokila Networks Pvt Ltd,\"101, First Floor\n" /* 12 */
        "Kundanbagh, Hyderabad IN 500016 \"\r\n"                             /* 13 */
        "MA-L,001122,Snåsa Elektro AS,no newline at the end";                 /* 14 */
    struct macvendor mv;
    if (build(&mv, t, NULL) < 0) {
        CHECK(0);
        return;
    }
    if (mv.skipped)
        fprintf(stderr, "    %s\n", mv.skip_msg);
    CHECK(mv.skipped == 0 && mv.entries == 7 && mv.duplicates == 1);
    CHECK_STR(look(&mv, 0xf4, 0xe5, 0x78, 0, 0), "LLC Kompania \"TransService\"");
    CHECK_STR(look(&mv, 0x5c, 0xa0, 0x6c, 0, 0),
              "Realme Chongqing Mobile Telecommunications Corp.,Ltd.");
    CHECK_STR(look(&mv, 0xf8, 0xb5, 0x68, 0xe0, 0), "ZAO \"RADIUS Avtomatika\"");
    CHECK_STR(look(&mv, 0x34, 0x4f, 0x5c, 0, 0), "R&M AG");
    CHECK_STR(look(&mv, 0x00, 0x22, 0xa0, 0, 0), "Jiangsu fulian Communication");
    CHECK_STR(look(&mv, 0x8c, 0x1f, 0x64, 0x23, 0xd9), "Mokila Networks Pvt Ltd");
    CHECK_STR(look(&mv, 0x00, 0x11, 0x22, 0, 0), "Snåsa Elektro AS");
    /* Names are interned: the blob holds each once. */
    CHECK(mv.blob_len == strlen("LLC Kompania \"TransService\"") + 1 +
                             strlen("Realme Chongqing Mobile Telecommunications Corp.,Ltd.") + 1 +
                             strlen("ZAO \"RADIUS Avtomatika\"") + 1 + strlen("R&M AG") + 1 +
                             strlen("Jiangsu fulian Communication") + 1 +
                             strlen("Someone Else") + 1 + strlen("Mokila Networks Pvt Ltd") + 1 +
                             strlen("Snåsa Elektro AS") + 1);
    macvendor_free(&mv);

    /* The same name in many rows is stored once. */
    static const char dup[] = "MA-L,000001,Apple\\, Inc.,a\nMA-L,000002,\"Apple, Inc.\",b\n"
                              "MA-L,000003,\"Apple, Inc.\",c\nMA-M,0000041,\"Apple,  Inc. \",d\n";
    if (build(&mv, dup, NULL) == 0) {
        CHECK(mv.skipped == 1 && mv.entries == 3); /* no escapes with \ in CSV: 5 fields */
        CHECK(mv.blob_len == strlen("Apple, Inc.") + 1);
        CHECK(look(&mv, 0, 0, 2, 0, 0) == look(&mv, 0, 0, 4, 0x10, 0));
    }
    macvendor_free(&mv);
}

/* Corrupt lines are counted and skipped, the first one described with its
 * line number; the good lines around them load, also after an
 * unterminated quote. */
void test_macvendor_corrupt(void)
{
    char t[4096];
    size_t n = 0;
#define ADD(s) (memcpy(t + n, s, sizeof(s) - 1), n += sizeof(s) - 1)
    ADD("Registry,Assignment,Organization Name,Organization Address\n"); /* 1 */
    ADD("MA-L,000001,Good One,a\n");                                     /* 2 */
    ADD("MA-L,00G001,Bad Hex,a\n");                                      /* 3 bad hex */
    ADD("MA-L,000002,Three Fields\n");                                   /* 4 field count */
    ADD("MA-L,000003,Five,a,b\n");                                       /* 5 field count */
    ADD("MA-L,000004,\"Unterminated,a\n");                               /* 6 quote */
    ADD("MA-L,000005,Good Two,a\n");                                     /* 7 */
    ADD("MA-L,000006,Nul\0Byte,a\n");                                    /* 8 NUL */
    ADD("MA-L,0000071,Too Many Digits,a\n");                             /* 9 length */
    ADD("MA-M,000008,Too Few Digits,a\n");                               /* 10 length */
    ADD("MA-X,000009,Unknown Registry,a\n");                             /* 11 */
    ADD("MA-L,00000A,   ,a\n");                                          /* 12 no name */
    ADD("MA-L,00000B,\"Quoted\"trailing,a\n");                           /* 13 after quote */
    ADD("MA-L,00000C,Bad \xff\xc0 UTF-8 \xe2\x82,a\n");                  /* 14 kept, '?' */
    ADD("MA-L,00000D,Ctrl\x01\x7f" "chars\t,a\n");                       /* 15 kept */
    ADD("MA-L,00000E,Long,");                                            /* 16 over-long */
    memset(t + n, 'x', MV_RECORD_MAX);
    n += MV_RECORD_MAX;
    ADD("\nMA-L,00000F,Good Three,a\n");                                 /* 17 */
    ADD("MA-L,000010,");                                                 /* 18 long name */
    memset(t + n, 'n', MV_NAME_MAX + 1);
    n += MV_NAME_MAX + 1;
    ADD(",a\n");
    ADD("MA-L,000011,Good Four,\"a");                                    /* 19 quote to EOF */
#undef ADD
    struct macvendor mv;
    err_t e;
    macvendor_init(&mv);
    CHECK(macvendor_parse(&mv, MV_REGISTRY, t, n, "t.csv", &e) == 0);
    CHECK(macvendor_finish(&mv, &e) == 0);
    CHECK(mv.skipped == 13);
    CHECK_STR(mv.skip_msg, "t.csv:3: assignment '00G001' is not 6 hex digits");
    CHECK(mv.entries == 5);
    CHECK_STR(look(&mv, 0, 0, 1, 0, 0), "Good One");
    CHECK_STR(look(&mv, 0, 0, 5, 0, 0), "Good Two");
    CHECK_STR(look(&mv, 0, 0, 0x0c, 0, 0), "Bad ?? UTF-8 ??");
    CHECK_STR(look(&mv, 0, 0, 0x0d, 0, 0), "Ctrl chars");
    CHECK_STR(look(&mv, 0, 0, 0x0f, 0, 0), "Good Three");
    CHECK(look(&mv, 0, 0, 4, 0, 0) == NULL && look(&mv, 0, 0, 0x11, 0, 0) == NULL);
    macvendor_free(&mv);

    /* Each reason, alone. */
    static const struct {
        const char *text, *msg;
        size_t len; /* 0: strlen */
    } one[] = {
        {"MA-L,000002,Three Fields\n", "t.csv:1: 3 fields (expected 4", 0},
        {"x\ny\"\n", "t.csv:1: 1 field (expected 4", 0},
        {"MA-L,000004,\"Unterminated,a\n", "t.csv:1: an unterminated quote", 0},
        {"MA-L,0000071,N,a\n", "t.csv:1: assignment '0000071' is not 6 hex digits", 0},
        {"\n\nMA-Q,000009,N,a\n", "t.csv:3: unknown registry 'MA-Q' (expected MA-L", 0},
        {"MA-L,00000A,,a\n", "t.csv:1: no organization name", 0},
        {"MA-L,00000B,\"Q\"t,a\n", "t.csv:1: text after a closing quote", 0},
        {"MA-L,00000B,\"Q\",\0\n", "t.csv:1: a NUL byte", 18},
        {"MA-L,\"0\n0\",N,a\nMA-L,000001,\"x\n\n\n\n\n\n\n\n\ny\",a\n",
         "t.csv:1: assignment '0?0' is not 6", 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(one); i++) {
        size_t len = one[i].len ? one[i].len : strlen(one[i].text);
        macvendor_init(&mv);
        CHECK(macvendor_parse(&mv, MV_REGISTRY, one[i].text, len, "t.csv", &e) == 0);
        CHECK(macvendor_finish(&mv, &e) == 0);
        if (strncmp(mv.skip_msg, one[i].msg, strlen(one[i].msg))) {
            fprintf(stderr, "    case %zu: '%s'\n", i, mv.skip_msg);
            CHECK(0);
        }
        CHECK(mv.entries == 0);
        macvendor_free(&mv);
    }

    /* A quoted field may span MV_QUOTED_LINES_MAX lines, not more. */
    static const char lines[] = "MA-L,000001,\"A\nB\nC\nD\nE\nF\nG\nH\nI\",a\n"
                                "MA-L,000002,\"A\nB\nC\nD\nE\nF\nG\nH\nI\nJ\",a\n";
    macvendor_init(&mv);
    CHECK(macvendor_parse(&mv, MV_REGISTRY, lines, strlen(lines), "t.csv", &e) == 0);
    CHECK(macvendor_finish(&mv, &e) == 0);
    CHECK_STR(look(&mv, 0, 0, 1, 0, 0), "A B C D E F G H I");
    CHECK(look(&mv, 0, 0, 2, 0, 0) == NULL);
    CHECK_STR(mv.skip_msg, "t.csv:10: an unterminated quote");
    macvendor_free(&mv);

    /* Binary junk: never a crash, nothing loads from it. */
    char junk[8192];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    for (int kind = 0; kind < 2; kind++) {
        macvendor_init(&mv);
        CHECK(macvendor_parse(&mv, (enum mv_kind)kind, junk, sizeof junk, "junk", &e) == 0);
        CHECK(macvendor_finish(&mv, &e) == 0);
        CHECK(mv.entries == 0 && mv.skipped > 0 && !strncmp(mv.skip_msg, "junk:", 5));
        macvendor_free(&mv);
    }

    /* Lookups need finish; parses after it are refused. */
    macvendor_init(&mv);
    CHECK(macvendor_parse(&mv, MV_NMAP, "000001 A\n", 9, "n", &e) == 0);
    CHECK(look(&mv, 0, 0, 1, 0, 0) == NULL);
    CHECK(macvendor_finish(&mv, &e) == 0);
    CHECK_STR(look(&mv, 0, 0, 1, 0, 0), "A");
    CHECK(macvendor_parse(&mv, MV_NMAP, "000002 B\n", 9, "n", &e) < 0);
    macvendor_free(&mv);
}

/* nmap-mac-prefixes: its names alone, 7- and 9-digit prefixes of newer
 * nmap, corrupt lines; merged below the registry: the registry's name wins
 * a prefix both have, nmap's fill what the registry lacks. */
void test_macvendor_nmap(void)
{
    static const char n[] =
        "# $Id: nmap-mac-prefixes$\n"  /* 1 */
        "000C29 VMware\n"              /* 2 */
        "525400 QEMU virtual NIC\r\n"  /* 3 */
        "0050C27D5 Deuta-werke\n"      /* 4 */
        "70B3D5A Mid\n"                /* 5 */
        "\n"                           /* 6 */
        "12345 Five Digits\n"          /* 7 */
        "00000G Bad\n"                 /* 8 */
        "000001\n"                     /* 9 */
        "000002Glued\n"                /* 10 */
        "000C29 VMware Again\n"        /* 11 */
        "  080027   Oracle VirtualBox virtual NIC  ";
    struct macvendor mv;
    if (build(&mv, NULL, n) < 0) {
        CHECK(0);
        return;
    }
    CHECK(mv.entries == 5 && mv.from_nmap == 5 && mv.duplicates == 1 && mv.skipped == 4);
    CHECK_STR(mv.skip_msg, "t.nmap:7: '12345' is not a prefix of 6, 7 or 9 hex digits");
    CHECK_STR(look(&mv, 0x00, 0x0c, 0x29, 1, 2), "VMware");
    CHECK_STR(look(&mv, 0x52, 0x54, 0x00, 0x12, 0x34), "QEMU virtual NIC");
    CHECK_STR(look(&mv, 0x00, 0x50, 0xc2, 0x7d, 0x50), "Deuta-werke");
    CHECK_STR(look(&mv, 0x70, 0xb3, 0xd5, 0xa0, 0x00), "Mid");
    CHECK_STR(look(&mv, 0x08, 0x00, 0x27, 0, 0), "Oracle VirtualBox virtual NIC");
    macvendor_free(&mv);

    static const char reg[] = "MA-L,000C29,\"VMware, Inc.\",x\n"
                              "MA-L,70B3D5,IEEE Registration Authority,x\n";
    /* Either order: the registry wins. */
    for (int order = 0; order < 2; order++) {
        err_t e;
        macvendor_init(&mv);
        for (int k = 0; k < 2; k++) {
            bool csv = (k == 0) != (order == 1);
            const char *t = csv ? reg : n;
            CHECK(macvendor_parse(&mv, csv ? MV_REGISTRY : MV_NMAP, t, strlen(t), "t", &e) == 0);
        }
        CHECK(macvendor_finish(&mv, &e) == 0);
        CHECK_STR(look(&mv, 0x00, 0x0c, 0x29, 1, 2), "VMware, Inc.");
        CHECK_STR(look(&mv, 0x52, 0x54, 0x00, 0x12, 0x34), "QEMU virtual NIC");
        CHECK_STR(look(&mv, 0x70, 0xb3, 0xd5, 0xa0, 0x00), "Mid"); /* 28 bits beat 24 */
        CHECK_STR(look(&mv, 0x70, 0xb3, 0xd5, 0xb0, 0x00), "IEEE Registration Authority");
        CHECK(mv.entries == 6 && mv.from_nmap == 4 && mv.duplicates == 2);
        /* nmap's losing name is not kept when the registry came first. */
        CHECK((memmem(mv.blob, mv.blob_len, "VMware Again", 12) != NULL) == (order == 1));
        macvendor_free(&mv);
    }
}

/* Files: absent ones are an empty database; one that exists but cannot be
 * read is an error naming it; ieee-data absent, nmap-mac-prefixes is used. */
void test_macvendor_files(void)
{
    char dir[] = "/tmp/scout-mv-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char path[256], npath[256];
    snprintf(npath, sizeof npath, "%s/nmap-mac-prefixes", dir);
    struct macvendor mv;
    err_t e;

    /* Nothing there: no error, lookups NULL. */
    CHECK(macvendor_load(&mv, dir, npath, &e) == 0);
    CHECK(mv.entries == 0 && mv.files == 0 && look(&mv, 0x52, 0x54, 0, 1, 2) == NULL);
    macvendor_free(&mv);
    CHECK(macvendor_load(&mv, "/nonexistent/dir", NULL, &e) == 0 && mv.entries == 0);
    macvendor_free(&mv);
    CHECK(macvendor_load(&mv, NULL, NULL, &e) == 0 && mv.entries == 0);
    macvendor_free(&mv);

    /* Only nmap-mac-prefixes: its names. */
    FILE *f = fopen(npath, "w");
    if (f) {
        fputs("000C29 VMware\n525400 QEMU virtual NIC\n", f);
        fclose(f);
    }
    CHECK(macvendor_load(&mv, dir, npath, &e) == 0);
    CHECK(mv.files == 1 && mv.entries == 2);
    CHECK_STR(look(&mv, 0x00, 0x0c, 0x29, 1, 2), "VMware");
    macvendor_free(&mv);

    /* A registry file beside it: the registry's name, nmap's for the rest. */
    snprintf(path, sizeof path, "%s/mam.csv", dir);
    f = fopen(path, "w");
    if (f) {
        fputs("Registry,Assignment,Organization Name,Organization Address\r\n"
              "MA-M,000C291,\"VMware, Inc. (M)\",x\r\nMA-M,bad,x,y\r\n", f);
        fclose(f);
    }
    CHECK(macvendor_load(&mv, dir, npath, &e) == 0);
    CHECK(mv.files == 2 && mv.entries == 3 && mv.skipped == 1);
    CHECK(!strncmp(mv.skip_msg, path, strlen(path)) && strstr(mv.skip_msg, ".csv:3: "));
    CHECK_STR(look(&mv, 0x00, 0x0c, 0x29, 0x10, 2), "VMware, Inc. (M)");
    CHECK_STR(look(&mv, 0x00, 0x0c, 0x29, 0x20, 2), "VMware");
    CHECK_STR(look(&mv, 0x52, 0x54, 0x00, 0x20, 2), "QEMU virtual NIC");
    macvendor_free(&mv);

    /* oui.csv a directory: an error that names it; *mv empty. */
    snprintf(path, sizeof path, "%s/oui.csv", dir);
    CHECK(mkdir(path, 0755) == 0);
    CHECK(macvendor_load(&mv, dir, npath, &e) < 0);
    CHECK(strstr(e.msg, path) && strstr(e.msg, "directory") && !strchr(e.msg, '\n'));
    CHECK(mv.entries == 0 && look(&mv, 0x52, 0x54, 0, 1, 2) == NULL);
    macvendor_free(&mv);
    rmdir(path);

    /* No permission (root reads anyway: then only checked not to crash). */
    CHECK(chmod(npath, 0) == 0);
    int rc = macvendor_load(&mv, dir, npath, &e);
    CHECK(geteuid() == 0 ? rc == 0 : rc < 0 && strstr(e.msg, npath) != NULL);
    macvendor_free(&mv);

    /* nmap-mac-prefixes given as a directory. */
    CHECK(macvendor_load(&mv, NULL, dir, &e) < 0 && strstr(e.msg, dir));
    macvendor_free(&mv);

    unlink(npath);
    snprintf(path, sizeof path, "%s/mam.csv", dir);
    unlink(path);
    rmdir(dir);
}

/* Debian's files: every row loads, each prefix length answers with the
 * registry's holder, QEMU's 52:54:00 comes from nmap-mac-prefixes; the
 * load time and memory are printed. */
void test_macvendor_debian(void)
{
    const char *dir = MV_IEEE_DIR, *np = "/usr/share/nmap/nmap-mac-prefixes";
    char p[128];
    snprintf(p, sizeof p, "%s/oui.csv", dir);
    CHECK(access(p, R_OK) == 0 && access(np, R_OK) == 0);
    struct macvendor mv;
    err_t e;
    uint64_t t0 = now_ns();
    if (macvendor_load(&mv, dir, np, &e) < 0) {
        fprintf(stderr, "    %s\n", e.msg);
        CHECK(0);
        return;
    }
    double ms = (double)(now_ns() - t0) / 1e6;
    fprintf(stderr, "    macvendor: %u prefixes (%u/%u/%u of 36/28/24 bits, %u from nmap) "
            "from %u files in %.1f ms, %zu kB\n", mv.entries, mv.level[MV_36].n,
            mv.level[MV_28].n, mv.level[MV_24].n, mv.from_nmap, mv.files, ms,
            macvendor_memory(&mv) >> 10);
    if (mv.skipped)
        fprintf(stderr, "    %u skipped: %s\n", mv.skipped, mv.skip_msg);
    CHECK(mv.files == 5 && mv.skipped == 0);
    /* Debian 12's ieee-data (2022-08): 32 530 MA-L, 4 390 MA-M, 5 029 MA-S,
     * 4 575 IAB rows; newer data has more. */
    CHECK(mv.level[MV_24].n >= 32500 && mv.level[MV_28].n >= 4390 && mv.level[MV_36].n >= 9600);
    CHECK(macvendor_memory(&mv) < (2u << 20));
    CHECK(ms < 1000); /* not a benchmark: catches a quadratic mistake */
    enum mv_level l = MV_LEVELS;
    /* MA-S inside the MA-L "IEEE Registration Authority" 70:B3:D5. */
    const uint8_t s36[6] = {0x70, 0xb3, 0xd5, 0xf2, 0xf1, 0x23};
    CHECK_STR(macvendor_lookup_level(&mv, s36, &l), "TELEPLATFORMS");
    CHECK(l == MV_36);
    CHECK_STR(look(&mv, 0x70, 0xb3, 0xd5, 0xf2, 0xe0), "Shanghai JCY Technology Company");
    CHECK_STR(look(&mv, 0x70, 0xb3, 0xd5, 0x00, 0x00), "IEEE Registration Authority");
    /* MA-M inside 20:85:93; its unassigned last block falls to the MA-L. */
    const uint8_t m28[6] = {0x20, 0x85, 0x93, 0xb1, 0x23, 0x45};
    CHECK_STR(macvendor_lookup_level(&mv, m28, &l), "IOG Products LLC");
    CHECK(l == MV_28);
    CHECK_STR(look(&mv, 0x20, 0x85, 0x93, 0xa0, 0x00), "H3 Industries, Inc.");
    CHECK_STR(look(&mv, 0x20, 0x85, 0x93, 0xf0, 0x00), "IEEE Registration Authority");
    /* IAB. */
    CHECK_STR(look(&mv, 0x00, 0x50, 0xc2, 0x7d, 0x5f), "DEUTA-WERKE GmbH");
    /* MA-L, and names from the registry over nmap's. */
    const uint8_t l24[6] = {0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef};
    CHECK_STR(macvendor_lookup_level(&mv, l24, &l), "VMware, Inc.");
    CHECK(l == MV_24);
    CHECK_STR(look(&mv, 0x34, 0x4f, 0x5c, 0, 0), "R&M AG");
    /* QEMU's locally administered prefix: unregistered, nmap's name. */
    CHECK_STR(look(&mv, 0x52, 0x54, 0x00, 0x12, 0x34), "QEMU virtual NIC");
    CHECK(look(&mv, 0x02, 0x00, 0x00, 0x00, 0x00) == NULL);
    /* Every name is one line of UTF-8 without control bytes. */
    for (size_t i = 0; i < mv.blob_len; i++)
        if ((unsigned char)mv.blob[i] < 0x20 && mv.blob[i]) {
            CHECK(0);
            break;
        }
    /* Lookups are cheap: a LAN sweep's thousands of hosts cost nothing. */
    t0 = now_ns();
    unsigned hits = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        uint32_t h = i * 2654435761u;
        const uint8_t mac[6] = {(uint8_t)(h >> 24) & 0xfc, (uint8_t)(h >> 16), (uint8_t)(h >> 8),
                                (uint8_t)h, 0, 1};
        hits += macvendor_lookup(&mv, mac) != NULL;
    }
    fprintf(stderr, "    macvendor: %.0f ns a lookup (%u of 100000 random MACs known)\n",
            (double)(now_ns() - t0) / 1e5, hits);
    macvendor_free(&mv);

    /* ieee-data alone: QEMU unknown; nmap-mac-prefixes alone: nmap's names. */
    CHECK(macvendor_load(&mv, dir, NULL, &e) == 0);
    CHECK(mv.files == 4 && look(&mv, 0x52, 0x54, 0x00, 0x12, 0x34) == NULL);
    macvendor_free(&mv);
    CHECK(macvendor_load(&mv, NULL, np, &e) == 0);
    CHECK(mv.files == 1 && mv.skipped == 0 && mv.entries >= 32000);
    CHECK_STR(look(&mv, 0x00, 0x0c, 0x29, 1, 2), "VMware");
    CHECK_STR(look(&mv, 0x52, 0x54, 0x00, 0x12, 0x34), "QEMU virtual NIC");
    macvendor_free(&mv);
}
