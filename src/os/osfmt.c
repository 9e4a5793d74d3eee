/* osfmt: nmap's fingerprint texts, written and parsed (osfmt.h).
 *
 * Writing goes through one emitter that counts what it would write (so the
 * result's length is known whatever the buffer) and, for the submission
 * form, starts a line with "OS:" before every 72nd character, as nmap's
 * mergeFPs does (FP_RESULT_WRAP_LINE_LEN 74: it copies while the line,
 * prefix included, is at most 74 long, so 72 characters a line). */
#include "os/osfmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRAP 72

struct emit {
    char *out;
    size_t len, n; /* n: what the text needs, written or not */
    bool wrap;
    unsigned col;
};

static void put(struct emit *em, char c)
{
    if (em->n + 1 < em->len)
        em->out[em->n] = c;
    em->n++;
}

static void text(struct emit *em, const char *s)
{
    for (; *s; s++) {
        if (em->wrap && em->col == 0) {
            put(em, 'O');
            put(em, 'S');
            put(em, ':');
        }
        put(em, *s);
        if (em->wrap && ++em->col == WRAP) {
            put(em, '\n');
            em->col = 0;
        }
    }
}

/* Ends the text: the last line's newline, the NUL, nothing when it did not fit. */
static size_t finish(struct emit *em)
{
    if (em->wrap && em->col)
        put(em, '\n');
    if (em->len)
        em->out[em->n < em->len ? em->n : 0] = '\0';
    return em->n;
}

/* nmap's test2str: NAME(A=v%B=w). */
static void test_text(struct emit *em, const struct osfp_test *t)
{
    text(em, t->name);
    text(em, "(");
    for (uint32_t i = 0; i < t->n; i++) {
        if (i)
            text(em, "%");
        text(em, t->a[i].name);
        text(em, "=");
        text(em, t->a[i].val);
    }
    text(em, ")");
}

/* nmap's WriteSInfo. */
static void scan_text(struct emit *em, const struct osfmt_scan *s)
{
    char b[320], ot[12] = "", ct[12] = "", cu[12] = "", ds[16] = "", dc[8] = "", m[12] = "";
    if (s->open)
        snprintf(ot, sizeof ot, "%d", s->open);
    if (s->closed)
        snprintf(ct, sizeof ct, "%d", s->closed);
    if (s->closed_udp)
        snprintf(cu, sizeof cu, "%d", s->closed_udp);
    if (s->distance != -1)
        snprintf(ds, sizeof ds, "%%DS=%d", s->distance);
    if (s->dist_method)
        snprintf(dc, sizeof dc, "%%DC=%c", s->dist_method);
    if (s->has_mac)
        snprintf(m, sizeof m, "%%M=%02X%02X%02X", s->mac[0], s->mac[1], s->mac[2]);
    int month = s->month, day = s->day;
    struct tm tm;
    if (month <= 0) { /* nmap writes 0/0 when localtime fails */
        bool ok = localtime_r(&s->when, &tm) != NULL;
        month = ok ? tm.tm_mon + 1 : 0;
        day = ok ? tm.tm_mday : 0;
    }
    snprintf(b, sizeof b, "SCAN(V=%.40s%%E=%.4s%%D=%d/%d%%OT=%s%%CT=%s%%CU=%s%%PV=%c%s%s%%G=%c%s%%TM=%X%%P=%.64s)",
             s->version ? s->version : OSFMT_VERSION, s->engine ? s->engine : "4", month, day, ot,
             ct, cu, s->private_addr ? 'Y' : 'N', ds, dc, s->good ? 'Y' : 'N', m,
             (unsigned)s->when, s->platform ? s->platform : OSFMT_PLATFORM);
    text(em, b);
}

static const char *const ORDER[] = {"SEQ", "OPS", "WIN", "ECN", "T1", "T2", "T3",
                                    "T4",  "T5",  "T6",  "T7",  "U1", "IE"};

static unsigned rank_of(const char *name)
{
    for (unsigned i = 0; i < sizeof ORDER / sizeof *ORDER; i++)
        if (!strcmp(name, ORDER[i]))
            return i;
    return sizeof ORDER / sizeof *ORDER; /* unknown: after nmap's (nmap itself refuses them) */
}

/* Same name and same attribute names: nmap's mergeFPs keeps the first. */
static bool same_test(const struct osfp_test *a, const struct osfp_test *b)
{
    if (strcmp(a->name, b->name) || a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (strcmp(a->a[i].name, b->a[i].name))
            return false;
    return true;
}

/* SCAN, then the tests in nmap's order (stable), later copies dropped. */
static size_t merged(const struct osfmt_scan *scan, const struct osfp *fp, bool wrap, char *out,
                     size_t len)
{
    struct emit em = {.out = out, .len = len, .wrap = wrap};
    scan_text(&em, scan);
    if (!wrap)
        put(&em, '\n');
    uint32_t n = fp->n < OSFP_MAX_TESTS ? fp->n : OSFP_MAX_TESTS;
    for (unsigned r = 0; r <= sizeof ORDER / sizeof *ORDER; r++)
        for (uint32_t i = 0; i < n; i++) {
            const struct osfp_test *t = &fp->t[i];
            if (rank_of(t->name) != r)
                continue;
            bool dup = false;
            for (uint32_t j = 0; j < i && !dup; j++)
                dup = same_test(&fp->t[j], t);
            if (dup)
                continue;
            test_text(&em, t);
            if (!wrap)
                put(&em, '\n');
        }
    return finish(&em);
}

size_t osfmt_submission(const struct osfmt_scan *scan, const struct osfp *fp, char *out, size_t len)
{
    return merged(scan, fp, true, out, len);
}

size_t osfmt_plain(const struct osfmt_scan *scan, const struct osfp *fp, char *out, size_t len)
{
    return merged(scan, fp, false, out, len);
}

size_t osfmt_fp_line(const struct osfp *fp, char *out, size_t len)
{
    struct emit em = {.out = out, .len = len};
    for (uint32_t i = 0; i < fp->n && i < OSFP_MAX_TESTS; i++) {
        test_text(&em, &fp->t[i]);
        put(&em, '\n');
    }
    return finish(&em);
}

/* ---- parsing ---- */

static bool name_char(char c)
{
    return isalnum((unsigned char)c);
}

/* A value's characters: nmap's are letters, digits and '+'; anything
 * visible but the syntax's own. */
static bool value_char(char c)
{
    return isgraph((unsigned char)c) && c != '%' && c != '(' && c != ')';
}

/* Where the line at p starts being fingerprint text, or NULL if it has
 * none: after "OS:" in the wrapped form, at a test in the plain one. */
static const char *content(const char *p, const char *end, bool wrapped)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (wrapped)
        return end - p >= 3 && !memcmp(p, "OS:", 3) ? p + 3 : NULL;
    const char *q = p;
    while (q < end && name_char(*q))
        q++;
    return q > p && q < end && *q == '(' ? p : NULL;
}

/* The fingerprint lines of text run together, trailing blanks cut. */
static char *gather(const char *text)
{
    bool wrapped = false;
    for (const char *l = text; l && !wrapped; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *end = strchr(l, '\n');
        wrapped = content(l, end ? end : l + strlen(l), true) != NULL;
    }
    char *s = malloc(strlen(text) + 1), *w = s;
    if (!s)
        return NULL;
    for (const char *l = text; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *end = strchr(l, '\n');
        end = end ? end : l + strlen(l);
        const char *c = content(l, end, wrapped);
        if (!c)
            continue;
        while (end > c && isspace((unsigned char)end[-1]))
            end--;
        memcpy(w, c, (size_t)(end - c));
        w += end - c;
    }
    *w = '\0';
    return s;
}

/* Reads a run of characters ok takes (at most max) into out; returns what
 * follows, or NULL if too long, or empty where a name is wanted (a value
 * may be empty: "O="). */
static const char *word(const char *p, char *out, size_t max, bool (*ok)(char))
{
    size_t n = 0;
    while (ok(p[n])) {
        if (n == max)
            return NULL;
        out[n] = p[n];
        n++;
    }
    out[n] = '\0';
    return n || ok == value_char ? p + n : NULL;
}

/* One test at p, added to fp unless skipped; returns what follows, or NULL. */
static const char *parse_test(const char *p, struct osfp *fp)
{
    char name[8];
    p = word(p, name, 4, name_char);
    if (!p || *p++ != '(')
        return NULL;
    bool skip = !strcmp(name, "SCAN") || osfp_test(fp, name);
    if (!skip && strlen(name) > 3)
        return NULL;
    struct osfp_test *t = skip ? NULL : osfp_add_test(fp, name);
    if (!skip && !t)
        return NULL; /* more than OSFP_MAX_TESTS */
    while (*p != ')') {
        char an[OSFP_NAME_MAX], av[OSFP_VAL_MAX];
        /* SCAN's attributes may be longer (P=x86_64-unknown-linux-gnu): read, not kept */
        char big[256];
        p = skip ? word(p, big, sizeof big - 1, name_char) : word(p, an, OSFP_NAME_MAX - 1, name_char);
        if (!p || *p++ != '=')
            return NULL;
        p = skip ? word(p, big, sizeof big - 1, value_char) : word(p, av, OSFP_VAL_MAX - 1, value_char);
        if (!p)
            return NULL;
        if (!skip && !osfp_attr(t, an) && !osfp_add(t, an, av))
            return NULL; /* more than OSFP_MAX_ATTRS */
        if (*p == '%' && p[1] != ')')
            p++;
        else if (*p != ')')
            return NULL;
    }
    return p + 1;
}

int osfmt_parse(const char *text, struct osfp *fp)
{
    memset(fp, 0, sizeof *fp);
    char *s = gather(text);
    if (!s)
        return -1;
    const char *p = s;
    bool any = false;
    while (p && *p) {
        p = parse_test(p, fp);
        any = true;
    }
    free(s);
    return p && any && fp->n ? 0 : -1;
}
