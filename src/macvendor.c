#include "macvendor.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* How a database is built: each parsed prefix becomes an entry (key, name,
 * sequence number) in its level's array; names are interned in the blob
 * through a hash set, so the 1 053 "Apple, Inc." rows share one string.
 * finish sorts each level by key (radix) and keeps, of each key, the entry
 * with the lowest sequence number.  Registry entries' numbers are below
 * every nmap one (bit 31), which is how the registry wins a prefix both
 * name; otherwise the first parsed wins, as in nmap. */

#define NMAP_RANK 0x80000000u

struct bentry {
    uint64_t key;
    uint32_t name; /* offset into the blob */
    uint32_t seq;  /* NMAP_RANK for nmap-mac-prefixes | order parsed */
};

struct slot {
    uint32_t off1; /* name offset + 1; 0 = empty */
    uint32_t hash;
};

struct mv_build {
    struct bentry *ent[MV_LEVELS];
    size_t n[MV_LEVELS], cap[MV_LEVELS];
    size_t blob_cap;
    struct slot *hash; /* a power of two long */
    size_t hash_cap, hash_used;
    size_t sorted[MV_LEVELS]; /* ent[l][0..sorted[l]) is in key order */
    uint32_t early_dups;      /* nmap entries dropped at parse time */
    uint32_t parsed; /* entries over all texts, for MV_ENTRIES_MAX */
    bool oom;
};

/* Bits of the 48-bit MAC right of each level's prefix. */
static const unsigned level_shift[MV_LEVELS] = {48 - 36, 48 - 28, 48 - 24};

unsigned mv_level_bits(enum mv_level l)
{
    return 48 - level_shift[l];
}

void macvendor_init(struct macvendor *mv)
{
    memset(mv, 0, sizeof *mv);
}

/* ---- building ---------------------------------------------------------- */

static bool grow(struct mv_build *b, void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return true;
    size_t nc = MAX(*cap * 2, need + 64);
    void *np = realloc(*p, nc * sz);
    if (!np) {
        b->oom = true;
        return false;
    }
    *p = np;
    *cap = nc;
    return true;
}

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Doubles the hash set (from 1024), re-placing every name. */
static bool hash_grow(struct mv_build *b)
{
    size_t nc = b->hash_cap ? b->hash_cap * 2 : 1024;
    struct slot *nh = calloc(nc, sizeof *nh);
    if (!nh) {
        b->oom = true;
        return false;
    }
    for (size_t i = 0; i < b->hash_cap; i++) {
        if (!b->hash[i].off1)
            continue;
        size_t j = b->hash[i].hash & (nc - 1);
        while (nh[j].off1)
            j = (j + 1) & (nc - 1);
        nh[j] = b->hash[i];
    }
    free(b->hash);
    b->hash = nh;
    b->hash_cap = nc;
    return true;
}

/* The blob offset of name (n bytes, no NUL inside), added if new;
 * UINT32_MAX when out of memory. */
static uint32_t intern(struct macvendor *mv, struct mv_build *b, const char *name, size_t n)
{
    if ((b->hash_used + 1) * 2 > b->hash_cap && !hash_grow(b))
        return UINT32_MAX;
    uint32_t h = fnv1a(name, n);
    size_t mask = b->hash_cap - 1, j = h & mask;
    for (; b->hash[j].off1; j = (j + 1) & mask) {
        size_t at = b->hash[j].off1 - 1; /* a shorter name may end the blob: */
        if (b->hash[j].hash == h && at + n < mv->blob_len && !memcmp(mv->blob + at, name, n) &&
            mv->blob[at + n] == '\0')
            return (uint32_t)at;
    }
    if (!grow(b, (void **)&mv->blob, &b->blob_cap, mv->blob_len + n + 1, 1))
        return UINT32_MAX;
    uint32_t off = (uint32_t)mv->blob_len;
    memcpy(mv->blob + off, name, n);
    mv->blob[off + n] = '\0';
    mv->blob_len += n + 1;
    b->hash[j] = (struct slot){.off1 = off + 1, .hash = h};
    b->hash_used++;
    return off;
}

static void add(struct macvendor *mv, struct mv_build *b, enum mv_level l, uint64_t key,
                const char *name, size_t n, uint32_t rank)
{
    uint32_t off = intern(mv, b, name, n);
    if (off == UINT32_MAX || !grow(b, (void **)&b->ent[l], &b->cap[l], b->n[l] + 1, sizeof **b->ent))
        return;
    b->ent[l][b->n[l]++] = (struct bentry){.key = key, .name = off, .seq = rank | b->parsed};
    b->parsed++;
}

/* ---- text -------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s (n bytes left), 0 if there
 * is none: overlong forms, surrogates and values past U+10FFFF are not. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t k;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        k = 2, v = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        k = 3, v = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        k = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return k;
}

/* The character an HTML entity at s stands for (*k its length), or 0.  The
 * registry writes a few names so: "R&amp;M AG", "UAB &quot;SALDA&quot;". */
static char entity(const char *s, size_t n, size_t *k)
{
    static const struct {
        const char *text;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''},
                {"&lt;", '<'}, {"&gt;", '>'}};
    for (size_t i = 0; i < ARRAY_LEN(ents); i++) {
        size_t m = strlen(ents[i].text);
        if (n >= m && !memcmp(s, ents[i].text, m)) {
            *k = m;
            return ents[i].c;
        }
    }
    return 0;
}

/* Writes s[0..n) as a name into out (MV_NAME_MAX + 1 bytes): white space
 * and control characters (C0, DEL, C1) trimmed at the ends and made one
 * space inside, the registry's few HTML entities decoded, bytes that are
 * not UTF-8 as '?'.  Returns its length, or -1 when it would be longer than
 * MV_NAME_MAX. */
/* Appends k bytes to a name being cleaned, after one space if one is due;
 * false when the name would grow past MV_NAME_MAX. */
static bool put(char *out, size_t *len, bool *space, const char *src, size_t k)
{
    if (*len + *space + k > MV_NAME_MAX)
        return false;
    if (*space)
        out[(*len)++] = ' ';
    *space = false;
    memcpy(out + *len, src, k);
    *len += k;
    return true;
}

static int clean_name(const char *s, size_t n, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = 0;
    bool space = false, ok = true;
    for (size_t i = 0, k; i < n && ok; i += k) {
        char c;
        uint32_t cp;
        if (u[i] == '&' && (c = entity(s + i, n - i, &k))) {
            ok = put(out, &len, &space, &c, 1);
        } else if (u[i] > 0x20 && u[i] < 0x7f) { /* a run of printable ASCII, the usual */
            for (k = 1; i + k < n && u[i + k] > 0x20 && u[i + k] < 0x7f && u[i + k] != '&'; k++)
                ;
            ok = put(out, &len, &space, s + i, k);
        } else if (!(k = utf8_seq(u + i, n - i, &cp))) {
            k = 1;
            ok = put(out, &len, &space, "?", 1);
        } else if (cp <= 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            space = len > 0;
        } else {
            ok = put(out, &len, &space, s + i, k);
        }
    }
    out[len] = '\0';
    return ok ? (int)len : -1;
}

/* Counts a corrupt line; the first is kept as "ORIGIN:LINE: why", its
 * bytes that are not printable ASCII as '?' (one line, any terminal). */
static void skip(struct macvendor *mv, const char *origin, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void skip(struct macvendor *mv, const char *origin, uint32_t line, const char *fmt, ...)
{
    if (mv->skipped++ || !fmt)
        return;
    char *m = mv->skip_msg;
    size_t cap = sizeof mv->skip_msg;
    int k = snprintf(m, cap, "%s:%u: ", origin, line);
    if (k > 0 && (size_t)k < cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m + k, cap - (size_t)k, fmt, ap);
        va_end(ap);
    }
    for (char *c = m; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
}

/* Up to 24 bytes of s[0..n) for a message (skip() masks what is not text). */
static const char *quote(const char *s, size_t n, char buf[32])
{
    size_t k = MIN(n, 24);
    memcpy(buf, s, k);
    if (n > 24)
        memcpy(buf + 21, "...", 3);
    buf[k] = '\0';
    for (size_t i = 0; i < k; i++)
        if (!buf[i])
            buf[i] = '?';
    return buf;
}

/* A prefix of 6, 7 or 9 hex digits: its level and key. */
static bool parse_prefix(const char *s, size_t n, enum mv_level *l, uint64_t *key)
{
    if (n == 9)
        *l = MV_36;
    else if (n == 7)
        *l = MV_28;
    else if (n == 6)
        *l = MV_24;
    else
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hex_value((unsigned char)s[i]);
        if (h < 0)
            return false;
        v = v << 4 | (unsigned)h;
    }
    *key = v;
    return true;
}

static uint32_t count_lines(const char *p, const char *end)
{
    uint32_t n = 0;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
        n++;
        p++;
    }
    return n;
}

/* The start of the line after the one p is in (or end). */
static const char *next_line(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl + 1 : end;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static void trim(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* ---- ieee-data CSV ----------------------------------------------------- */

/* One record as RFC 4180 has it: fields split by commas, a field in quotes
 * may hold commas, "" for a quote and line breaks (ieee-data has addresses
 * over up to 5 lines); records end at LF or CRLF.  The first three fields
 * are decoded into buf; the fourth (the address) is only walked over. */
struct csv_rec {
    char buf[MV_RECORD_MAX + 1];
    uint16_t off[3], len[3];
    unsigned nfields;
    const char *why; /* NULL: a good record */
    char whybuf[64];
};

/* Reads the record at p; returns where it ends, r->why saying what is wrong
 * with it (NULL if nothing; the end is then not meaningful).  A quoted field
 * not closed within MV_RECORD_MAX bytes of p and MV_QUOTED_LINES_MAX lines
 * is an unterminated quote.  The caller skips only the first line of a bad
 * record and reads the lines after it again as records, so that a stray
 * quote costs one line, not the rows its stretch swallowed.  That stays
 * linear: a quoted stretch is scanned from its opening quote to the next
 * quote (or MV_RECORD_MAX bytes), with no other opening quote in between. */
static const char *csv_record(const char *p, const char *end, struct csv_rec *r)
{
    const char *q = p;
    size_t out = 0;
    unsigned nf = 0;
    bool nul = false, after_quote = false;
    r->why = NULL;
    for (;;) {
        bool keep = nf < 3;
        if (keep)
            r->off[nf] = (uint16_t)out;
        else if (q >= end || *q != '"') {
            /* The address, not quoted: when the rest of the line has no
             * quote (nearly every row), only its commas and NULs matter. */
            const char *eol = memchr(q, '\n', (size_t)(end - q));
            eol = eol ? eol : end;
            if (!memchr(q, '"', (size_t)(eol - q))) {
                if (eol - (eol > q && eol[-1] == '\r') - p > MV_RECORD_MAX) {
                    snprintf(r->whybuf, sizeof r->whybuf, "longer than %d bytes", MV_RECORD_MAX);
                    r->why = r->whybuf;
                    return p;
                }
                nul |= memchr(q, '\0', (size_t)(eol - q)) != NULL;
                for (const char *c = q; (c = memchr(c, ',', (size_t)(eol - c))); c++)
                    nf++;
                nf++;
                q = eol;
                break;
            }
        }
        after_quote = false;
        if (q < end && *q == '"') {
            /* From quote to quote by memchr: each byte of the text is in
             * one such stretch, so a scan that gives up costs at most
             * MV_RECORD_MAX bytes beyond its own line. */
            const char *lim = end - p > MV_RECORD_MAX ? p + MV_RECORD_MAX : end;
            unsigned lines = 0;
            for (q++;;) {
                const char *cq = q < lim ? memchr(q, '"', (size_t)(lim - q)) : NULL;
                const char *stop = cq ? cq : lim;
                lines += count_lines(q, stop);
                if (!cq || lines > MV_QUOTED_LINES_MAX) {
                    r->why = "an unterminated quote";
                    return p;
                }
                nul |= memchr(q, '\0', (size_t)(stop - q)) != NULL;
                if (keep) {
                    memcpy(r->buf + out, q, (size_t)(stop - q));
                    out += (size_t)(stop - q);
                }
                q = cq + 1;
                if (q < lim && *q == '"') { /* "" is one quote */
                    if (keep)
                        r->buf[out++] = '"';
                    q++;
                    continue;
                }
                break;
            }
            after_quote = true;
        }
        /* The unquoted field, or what follows a closing quote. */
        for (; q < end && *q != ',' && *q != '\n'; q++) {
            if (*q == '\r' && (q + 1 == end || q[1] == '\n'))
                continue; /* CRLF */
            if (q - p >= MV_RECORD_MAX) {
                snprintf(r->whybuf, sizeof r->whybuf, "longer than %d bytes", MV_RECORD_MAX);
                r->why = r->whybuf;
                return p;
            }
            if (after_quote && !r->why)
                r->why = "text after a closing quote";
            nul |= *q == '\0';
            if (keep)
                r->buf[out++] = *q;
        }
        if (keep) {
            r->len[nf] = (uint16_t)(out - r->off[nf]);
            r->buf[out++] = '\0';
        }
        nf++;
        if (q < end && *q == ',') {
            q++;
            continue;
        }
        break;
    }
    r->nfields = nf;
    if (nul)
        r->why = "a NUL byte (not a text file?)";
    return q < end ? q + 1 : end;
}

/* Hex digits of each registry's assignments. */
static size_t registry_digits(const char *s, size_t n)
{
    if (n == 4 && (!memcmp(s, "MA-L", 4) || !memcmp(s, "MA-M", 4) || !memcmp(s, "MA-S", 4)))
        return s[3] == 'L' ? 6 : s[3] == 'M' ? 7 : 9;
    if (n == 3 && !memcmp(s, "IAB", 3))
        return 9;
    return 0;
}

static void csv_row(struct macvendor *mv, struct mv_build *b, const struct csv_rec *r,
                    const char *origin, uint32_t line)
{
    const char *reg = r->buf + r->off[0];
    size_t nreg = r->len[0];
    char qb[32], name[MV_NAME_MAX + 1];
    trim(&reg, &nreg);
    if (nreg == 8 && !memcmp(reg, "Registry", 8))
        return; /* the header (also in the middle of files put end to end) */
    if (r->nfields != 4) {
        skip(mv, origin, line, "%u field%s (expected 4: Registry,Assignment,Organization Name,"
             "Organization Address)", r->nfields, r->nfields == 1 ? "" : "s");
        return;
    }
    size_t digits = registry_digits(reg, nreg);
    if (!digits) {
        skip(mv, origin, line, "unknown registry '%s' (expected MA-L, MA-M, MA-S or IAB)",
             quote(reg, nreg, qb));
        return;
    }
    const char *asg = r->buf + r->off[1]; /* fields 1 and 2 are there: 4 fields */
    size_t nasg = r->len[1];
    trim(&asg, &nasg);
    enum mv_level l;
    uint64_t key;
    if (nasg != digits || !parse_prefix(asg, nasg, &l, &key)) {
        skip(mv, origin, line, "assignment '%s' is not %zu hex digits", quote(asg, nasg, qb),
             digits);
        return;
    }
    int n = clean_name(r->buf + r->off[2], r->len[2], name);
    if (n <= 0) {
        skip(mv, origin, line, n ? "an organization name over %d bytes" : "no organization name",
             MV_NAME_MAX);
        return;
    }
    add(mv, b, l, key, name, (size_t)n, 0);
}

static void parse_csv(struct macvendor *mv, struct mv_build *b, const char *p, const char *end,
                      const char *origin)
{
    struct csv_rec *r = malloc(sizeof *r);
    if (!r) {
        b->oom = true;
        return;
    }
    if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3; /* a UTF-8 byte order mark */
    for (uint32_t line = 1; p < end && !b->oom;) {
        if (b->parsed >= MV_ENTRIES_MAX) {
            skip(mv, origin, line, "more than %u entries; the rest is ignored", MV_ENTRIES_MAX);
            break;
        }
        const char *next = csv_record(p, end, r);
        if (r->why) {
            skip(mv, origin, line, "%s", r->why);
            next = next_line(p, end);
        } else if (!is_blank(p, (size_t)(next - p)))
            csv_row(mv, b, r, origin, line);
        line += count_lines(p, next);
        p = next;
    }
    free(r);
}

/* ---- nmap-mac-prefixes ------------------------------------------------- */

/* nmap's file is read after the registries and repeats nearly all of oui.csv
 * (32 500 lines, 250 kB of names).  An entry whose prefix an earlier text
 * named would lose in finish anyway, so it is dropped here, where its name
 * has not yet been added to the blob: the entries parsed before this text
 * are sorted when it starts. */
/* Sorts en[0..n) by key (bits wide): LSD radix, 12 bits a pass, through
 * tmp (n entries); 2 or 3 passes where qsort took 17 comparisons an entry.
 * Equal keys keep their order (finish does not depend on it). */
static void sort_keys(struct bentry *en, struct bentry *tmp, size_t n, unsigned bits)
{
    uint32_t count[4096];
    for (unsigned shift = 0; shift < bits; shift += 12) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[en[i].key >> shift & 4095]++;
        for (uint32_t d = 0, sum = 0; d < 4096; d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[en[i].key >> shift & 4095]++] = en[i];
        memcpy(en, tmp, n * sizeof *en);
    }
}

static bool sort_level(struct mv_build *b, enum mv_level l)
{
    struct bentry *tmp = malloc(MAX(b->n[l], 1) * sizeof *tmp);
    if (!tmp) {
        b->oom = true;
        return false;
    }
    sort_keys(b->ent[l], tmp, b->n[l], mv_level_bits(l));
    free(tmp);
    b->sorted[l] = b->n[l];
    return true;
}

static bool known(const struct mv_build *b, enum mv_level l, uint64_t key)
{
    const struct bentry *en = b->ent[l];
    size_t lo = 0, hi = b->sorted[l];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (en[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->sorted[l] && en[lo].key == key;
}

static void nmap_line(struct macvendor *mv, struct mv_build *b, const char *s, size_t n,
                      const char *origin, uint32_t line)
{
    char qb[32], name[MV_NAME_MAX + 1];
    if (n && s[n - 1] == '\r')
        n--;
    if (n > MV_RECORD_MAX) {
        skip(mv, origin, line, "longer than %d bytes", MV_RECORD_MAX);
        return;
    }
    if (memchr(s, '\0', n)) {
        skip(mv, origin, line, "a NUL byte (not a text file?)");
        return;
    }
    trim(&s, &n);
    if (!n || s[0] == '#')
        return;
    size_t h = 0;
    while (h < n && hex_value((unsigned char)s[h]) >= 0)
        h++;
    enum mv_level l;
    uint64_t key;
    if ((h < n && s[h] != ' ' && s[h] != '\t') || !parse_prefix(s, h, &l, &key)) {
        size_t w = 0;
        while (w < n && s[w] != ' ' && s[w] != '\t')
            w++;
        skip(mv, origin, line, "'%s' is not a prefix of 6, 7 or 9 hex digits", quote(s, w, qb));
        return;
    }
    if (known(b, l, key) && !is_blank(s + h, n - h)) { /* named already: keep no name */
        b->early_dups++;
        return;
    }
    int k = clean_name(s + h, n - h, name);
    if (k <= 0) {
        skip(mv, origin, line, k ? "a vendor name over %d bytes" : "no vendor name after the prefix",
             MV_NAME_MAX);
        return;
    }
    add(mv, b, l, key, name, (size_t)k, NMAP_RANK);
}

static void parse_nmap(struct macvendor *mv, struct mv_build *b, const char *p, const char *end,
                       const char *origin)
{
    for (int l = 0; l < MV_LEVELS; l++)
        if (b->sorted[l] < b->n[l] && !sort_level(b, (enum mv_level)l))
            return;
    for (uint32_t line = 1; p < end && !b->oom; line++) {
        if (b->parsed >= MV_ENTRIES_MAX) {
            skip(mv, origin, line, "more than %u entries; the rest is ignored", MV_ENTRIES_MAX);
            break;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        nmap_line(mv, b, p, (size_t)(eol - p), origin, line);
        p = nl ? nl + 1 : end;
    }
}

/* ---- the database ------------------------------------------------------ */

int macvendor_parse(struct macvendor *mv, enum mv_kind kind, const char *text, size_t len,
                    const char *origin, err_t *e)
{
    if (mv->ready)
        return err_set(e, "macvendor: parse after finish");
    if (!mv->build && !(mv->build = calloc(1, sizeof *mv->build)))
        return err_set(e, "out of memory loading MAC vendors from %s", origin);
    struct mv_build *b = mv->build;
    if (kind == MV_NMAP)
        parse_nmap(mv, b, text, text + len, origin);
    else
        parse_csv(mv, b, text, text + len, origin);
    if (b->oom) {
        macvendor_free(mv);
        return err_set(e, "out of memory loading MAC vendors from %s", origin);
    }
    return 0;
}

/* Sorts one level's entries and keeps, of each key, the entry with the
 * lowest sequence number: the registry's, else the first given. */
static bool index_level(struct macvendor *mv, struct mv_build *b, enum mv_level l)
{
    struct bentry *en = b->ent[l];
    size_t n = b->n[l], u = 0;
    if (!n)
        return true;
    if (b->sorted[l] < n && !sort_level(b, l))
        return false;
    for (size_t i = 0; i < n; i++)
        u += !i || en[i].key != en[i - 1].key;
    struct mv_table *t = &mv->level[l];
    t->key = malloc(u * sizeof *t->key);
    t->name = malloc(u * sizeof *t->name);
    if (!t->key || !t->name)
        return false;
    for (size_t i = 0; i < n;) {
        size_t best = i;
        for (i++; i < n && en[i].key == en[best].key; i++)
            if (en[i].seq < en[best].seq)
                best = i;
        t->key[t->n] = en[best].key;
        t->name[t->n++] = en[best].name;
        mv->from_nmap += (en[best].seq & NMAP_RANK) != 0;
    }
    mv->entries += t->n;
    mv->duplicates += (uint32_t)(n - u);
    return true;
}

static void build_free(struct mv_build *b)
{
    if (!b)
        return;
    for (int l = 0; l < MV_LEVELS; l++)
        free(b->ent[l]);
    free(b->hash);
    free(b);
}

int macvendor_finish(struct macvendor *mv, err_t *e)
{
    struct mv_build *b = mv->build;
    bool ok = true;
    for (int l = 0; b && ok && l < MV_LEVELS; l++)
        ok = index_level(mv, b, (enum mv_level)l);
    if (!ok) {
        macvendor_free(mv);
        return err_set(e, "out of memory indexing MAC vendors");
    }
    if (b)
        mv->duplicates += b->early_dups;
    build_free(b);
    mv->build = NULL;
    if (mv->blob && mv->blob_len) { /* give back the growth slack */
        char *nb = realloc(mv->blob, mv->blob_len);
        if (nb)
            mv->blob = nb;
    }
    mv->ready = true;
    return 0;
}

const char *macvendor_lookup_level(const struct macvendor *mv, const uint8_t mac[6],
                                   enum mv_level *level)
{
    if (!mv->ready)
        return NULL;
    uint64_t m = 0;
    for (int i = 0; i < 6; i++)
        m = m << 8 | mac[i];
    for (int l = 0; l < MV_LEVELS; l++) {
        const struct mv_table *t = &mv->level[l];
        uint64_t key = m >> level_shift[l];
        size_t lo = 0, hi = t->n; /* the first key >= key is in [lo, hi] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (t->key[mid] < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < t->n && t->key[lo] == key) {
            if (level)
                *level = (enum mv_level)l;
            return mv->blob + t->name[lo];
        }
    }
    return NULL;
}

const char *macvendor_lookup(const struct macvendor *mv, const uint8_t mac[6])
{
    return macvendor_lookup_level(mv, mac, NULL);
}

size_t macvendor_memory(const struct macvendor *mv)
{
    size_t n = mv->blob_len;
    for (int l = 0; l < MV_LEVELS; l++)
        n += mv->level[l].n * (sizeof *mv->level[l].key + sizeof *mv->level[l].name);
    return n;
}

void macvendor_free(struct macvendor *mv)
{
    build_free(mv->build);
    for (int l = 0; l < MV_LEVELS; l++) {
        free(mv->level[l].key);
        free(mv->level[l].name);
    }
    free(mv->blob);
    memset(mv, 0, sizeof *mv);
}

/* ---- files ------------------------------------------------------------- */

/* Parses path when it exists; one that does not is no error (ieee-data or
 * nmap-common may be absent).  read_file bounds it to INPUT_FILE_MAX and
 * names it in its errors (EISDIR, EACCES...). */
static int load_file(struct macvendor *mv, enum mv_kind kind, const char *path, err_t *e)
{
    struct stat st;
    if (stat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    char *buf;
    size_t len;
    if (read_file(path, &buf, &len, e) < 0)
        return -1;
    int rc = macvendor_parse(mv, kind, buf, len, path, e);
    free(buf);
    mv->files += rc == 0;
    return rc;
}

int macvendor_load(struct macvendor *mv, const char *ieee_dir, const char *nmap_prefixes,
                   err_t *e)
{
    /* Same-length prefixes: the first file read wins a prefix given twice. */
    static const char *const registries[] = {"oui36.csv", "iab.csv", "mam.csv", "oui.csv"};
    macvendor_init(mv);
    int rc = 0;
    for (size_t i = 0; ieee_dir && rc == 0 && i < ARRAY_LEN(registries); i++) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", ieee_dir, registries[i]);
        if (n < 0 || (size_t)n >= sizeof path)
            rc = err_set(e, "cannot read '%s': path too long", ieee_dir);
        else
            rc = load_file(mv, MV_REGISTRY, path, e);
    }
    if (rc == 0 && nmap_prefixes)
        rc = load_file(mv, MV_NMAP, nmap_prefixes, e);
    if (rc == 0)
        rc = macvendor_finish(mv, e);
    if (rc < 0)
        macvendor_free(mv);
    return rc;
}
