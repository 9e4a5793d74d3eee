/* osdb: nmap-os-db read into one string pool and a few arrays, and nmap
 * 7.93's matcher over it (osdb.h).
 *
 * The file (nmap.org/book/osdetect-fingerprint-format.html): a MatchPoints
 * block, then entries separated by blank lines, each a `Fingerprint NAME`
 * line, `Class vendor | family | gen | type` lines each followed by its
 * `CPE cpe:/... [auto]` lines, and test lines `T1(R=Y%DF=N%T=3B-45|80)`.
 * Lines starting with '#' are comments.  The file is streamed line by line
 * (never held whole), and every string is interned: an entry is a slice of
 * test ids, a test a slice of pair ids, a pair a (test, attribute,
 * expression) triple of pool offsets, so equal strings have equal offsets
 * and the matcher compares integers.
 *
 * Matching (osscan.cc: compare_fingerprints, AVal_match, expr_match): an
 * entry's accuracy is the sum of the MatchPoints of the attributes that
 * both the entry and the observed fingerprint hold, matched over possible.
 * A test or attribute the observation lacks counts nothing either way.
 * The matcher evaluates each distinct pair once per observation, then each
 * distinct test, then sums per entry. */
#include "os/osdb.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_LEN_MAX 4096     /* Debian's longest line is 758 bytes */
#define WARN_REPORT_MAX 50    /* then counted, not reported: a wrong file would print one per line */
#define TEST_ATTRS_MAX 64     /* nmap's tests have up to 11 */
#define ENTRY_TESTS_MAX 32    /* nmap's entries have up to 13 */
#define POINTS_MAX 1000000    /* per attribute: sums stay far from overflow */
#define CHUNK (64 * 1024)

/* ---- interning: open addressing over (hash, id + 1) slots ---- */

struct slot {
    uint32_t hash, id1; /* id1 == 0: empty */
};
struct htab {
    struct slot *s;
    uint32_t cap, n;    /* cap a power of two, at most half full */
};

struct loader {
    struct osdb *db;
    const char *name;   /* the file, as messages call it */
    osdb_warn_fn warn;
    void *ctx;
    unsigned reported;
    uint32_t line;
    bool oom;
    /* capacities of db's arrays, and the counts db has no field for */
    size_t pool_cap;
    uint32_t keys_cap, pairs_cap, tp_cap, ntp, tests_cap, et_cap, net, classes_cap, cpes_cap,
        entries_cap;
    struct htab strs, pairs, tests;
    /* where the parse is: between blocks, in MatchPoints, in an entry, or
     * skipping a block (a second MatchPoints) */
    enum { TOP, POINTS, ENTRY, SKIP } state;
    bool seen_points;
    bool bad;                  /* the current entry is malformed: skipped */
    struct osdb_entry cur;     /* the entry being read */
    uint32_t cur_cpes;         /* db->ncpes when it began (for undoing) */
    uint32_t names[ENTRY_TESTS_MAX]; /* its tests' names so far */
    uint32_t nnames;
};

static uint32_t hash_bytes(const void *p, size_t n, uint32_t h)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u; /* FNV-1a */
    return h ? h : 1;
}

/* Room for one more id; false when out of memory. */
static bool ht_reserve(struct htab *h)
{
    if ((h->n + 1) * 2 <= h->cap)
        return true;
    uint32_t cap = h->cap ? h->cap * 2 : 1024;
    struct slot *s = calloc(cap, sizeof *s);
    if (!s)
        return false;
    for (uint32_t i = 0; i < h->cap; i++) {
        if (!h->s[i].id1)
            continue;
        uint32_t j = h->s[i].hash & (cap - 1);
        while (s[j].id1)
            j = (j + 1) & (cap - 1);
        s[j] = h->s[i];
    }
    free(h->s);
    h->s = s;
    h->cap = cap;
    return true;
}

typedef bool (*ht_eq)(const struct loader *L, uint32_t id, const void *key);

/* The slot holding key, or the empty one where it belongs. */
static struct slot *ht_slot(const struct htab *h, uint32_t hash, ht_eq eq, const struct loader *L,
                            const void *key)
{
    for (uint32_t i = hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        struct slot *s = &h->s[i];
        if (!s->id1 || (s->hash == hash && eq(L, s->id1 - 1, key)))
            return s;
    }
}

/* p grown to hold n + 1 elements of size bytes (cap updated), or p itself
 * with L->oom set. */
static void *grown(struct loader *L, void *p, uint32_t *cap, uint32_t n, size_t size)
{
    if (n < *cap)
        return p;
    if (*cap > UINT32_MAX / 4) {
        L->oom = true;
        return p;
    }
    uint32_t nc = *cap ? *cap * 2 : 64;
    void *np = realloc(p, (size_t)nc * size);
    if (!np) {
        L->oom = true;
        return p;
    }
    *cap = nc;
    return np;
}

struct str_key {
    const char *s;
    size_t n;
};

static bool str_eq(const struct loader *L, uint32_t off, const void *key)
{
    const struct str_key *k = key;
    const char *p = L->db->pool + off;
    return !strncmp(p, k->s, k->n) && p[k->n] == '\0'; /* s holds no NUL: strncmp stops at p's */
}

/* The pool offset of s (n bytes, no NUL among them), added if new;
 * 0 (the empty string) when out of memory. */
static uint32_t intern(struct loader *L, const char *s, size_t n)
{
    struct osdb *db = L->db;
    struct str_key k = {s, n};
    uint32_t h = hash_bytes(s, n, 2166136261u);
    if (!ht_reserve(&L->strs) || db->pool_len + n + 1 > UINT32_MAX) {
        L->oom = true;
        return 0;
    }
    struct slot *sl = ht_slot(&L->strs, h, str_eq, L, &k);
    if (sl->id1)
        return sl->id1 - 1;
    if (db->pool_len + n + 1 > L->pool_cap) {
        size_t cap = MAX(L->pool_cap * 2, db->pool_len + n + 1);
        char *p = realloc(db->pool, cap);
        if (!p) {
            L->oom = true;
            return 0;
        }
        db->pool = p;
        L->pool_cap = cap;
    }
    uint32_t off = (uint32_t)db->pool_len;
    memcpy(db->pool + off, s, n);
    db->pool[off + n] = '\0';
    db->pool_len += n + 1;
    *sl = (struct slot){h, off + 1};
    L->strs.n++;
    return off;
}

static uint32_t intern_str(struct loader *L, const char *s)
{
    return intern(L, s, strlen(s));
}

static bool pair_eq(const struct loader *L, uint32_t id, const void *key)
{
    const struct osdb_pair *a = &L->db->pairs[id], *b = key;
    return a->test == b->test && a->attr == b->attr && a->expr == b->expr;
}

static uint32_t intern_pair(struct loader *L, uint32_t test, uint32_t attr, uint32_t expr)
{
    struct osdb *db = L->db;
    struct osdb_pair k = {.test = test, .attr = attr, .expr = expr, .key = OSDB_NO_KEY};
    uint32_t h = hash_bytes(&k, 3 * sizeof(uint32_t), 2166136261u);
    if (!ht_reserve(&L->pairs)) {
        L->oom = true;
        return 0;
    }
    struct slot *sl = ht_slot(&L->pairs, h, pair_eq, L, &k);
    if (sl->id1)
        return sl->id1 - 1;
    db->pairs = grown(L, db->pairs, &L->pairs_cap, db->npairs, sizeof *db->pairs);
    if (L->oom)
        return 0;
    db->pairs[db->npairs] = k;
    *sl = (struct slot){h, db->npairs + 1};
    L->pairs.n++;
    return db->npairs++;
}

struct ids_key {
    const uint32_t *id;
    uint32_t n;
};

static bool test_eq(const struct loader *L, uint32_t id, const void *key)
{
    const struct osdb_test *t = &L->db->tests[id];
    const struct ids_key *k = key;
    return t->n == k->n && !memcmp(L->db->test_pairs + t->first, k->id, k->n * sizeof *k->id);
}

/* The id of the test made of these pairs, added if new. */
static uint32_t intern_test(struct loader *L, const uint32_t *ids, uint32_t n)
{
    struct osdb *db = L->db;
    struct ids_key k = {ids, n};
    uint32_t h = hash_bytes(ids, n * sizeof *ids, 2166136261u);
    if (!ht_reserve(&L->tests)) {
        L->oom = true;
        return 0;
    }
    struct slot *sl = ht_slot(&L->tests, h, test_eq, L, &k);
    if (sl->id1)
        return sl->id1 - 1;
    for (uint32_t i = 0; i < n && !L->oom; i++) {
        db->test_pairs = grown(L, db->test_pairs, &L->tp_cap, L->ntp, sizeof *db->test_pairs);
        if (!L->oom)
            db->test_pairs[L->ntp++] = ids[i];
    }
    db->tests = grown(L, db->tests, &L->tests_cap, db->ntests, sizeof *db->tests);
    if (L->oom)
        return 0;
    db->tests[db->ntests] = (struct osdb_test){.first = L->ntp - n, .n = n};
    *sl = (struct slot){h, db->ntests + 1};
    L->tests.n++;
    return db->ntests++;
}

/* ---- messages ---- */

static void vwarn(struct loader *L, const char *tail, const char *fmt, va_list ap)
{
    L->db->warnings++;
    if (!L->warn || L->reported > WARN_REPORT_MAX)
        return;
    char msg[512];
    int n = 0;
    if (++L->reported > WARN_REPORT_MAX) {
        snprintf(msg, sizeof msg, "%s: more malformed lines, not reported", L->name);
    } else {
        n = snprintf(msg, sizeof msg, "%s line %u: ", L->name, L->line);
        int k = vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
        if (k > 0 && (size_t)(n + k) < sizeof msg)
            snprintf(msg + n + k, sizeof msg - (size_t)(n + k), "%s", tail);
    }
    for (char *c = msg; *c; c++) /* one line of text, whatever the file held */
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    L->warn(L->ctx, msg);
}

/* A line (or part of one) is skipped; fmt says which. */
__attribute__((format(printf, 2, 3))) static void warn(struct loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(L, "", fmt, ap);
    va_end(ap);
}

/* The current entry is malformed: said once, then skipped to its end. */
__attribute__((format(printf, 2, 3))) static void bad(struct loader *L, const char *fmt, ...)
{
    if (L->bad)
        return;
    L->bad = true;
    va_list ap;
    va_start(ap, fmt);
    vwarn(L, "; entry skipped", fmt, ap);
    va_end(ap);
}

/* ---- lines ---- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "Fingerprint ..." or "MatchPoints": nmap takes either case. */
static bool keyword(const char *line, const char *kw)
{
    size_t n = strlen(kw);
    return !strncasecmp(line, kw, n) && (!line[n] || isspace((unsigned char)line[n]));
}

struct attr {
    char *name, *val;
};

/* Splits "NAME(A=v%B=w)" in place (what follows ')' is ignored, as nmap
 * does); returns the number of attributes, or -1 with *why set. */
static int split_test(char *line, char **name, struct attr *a, const char **why)
{
    char *open = strchr(line, '('), *close = open ? strchr(open + 1, ')') : NULL;
    if (!open || !close || open == line) {
        *why = "a test line is NAME(ATTR=VALUE%...)";
        return -1;
    }
    *open = *close = '\0';
    *name = line;
    int n = 0;
    for (char *p = open + 1; *p;) { /* "T2()": no attributes */
        char *pct = strchr(p, '%'), *eq = strchr(p, '=');
        if (pct)
            *pct = '\0';
        if (!eq || eq == p || (pct && eq > pct)) {
            *why = "an attribute is ATTR=VALUE";
            return -1;
        }
        if (n == TEST_ATTRS_MAX) {
            *why = "more than 64 attributes in a test";
            return -1;
        }
        *eq = '\0';
        a[n++] = (struct attr){p, eq + 1};
        if (!pct)
            break;
        p = pct + 1;
        if (!*p) {
            *why = "an attribute is ATTR=VALUE";
            return -1;
        }
    }
    return n;
}

/* The index of the first of a[0..n) named like a[n], or -1. */
static int dup_attr(const struct attr *a, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(a[i].name, a[n].name))
            return i;
    return -1;
}

/* A copy of the line for messages, taken before split_test cuts it up
 * (clip gives back the line itself when it is short: quoting that after the
 * split would quote its first word, and q alone was left unwritten: found
 * by fuzz_osdb, a read of uninitialised stack in the warning). */
static void quote(const char *line, char *q, size_t n)
{
    char b[48];
    snprintf(q, n, "%s", clip(line, b, MIN(n, sizeof b)));
}

static void points_line(struct loader *L, char *line)
{
    struct osdb *db = L->db;
    char q[48], *name;
    quote(line, q, sizeof q);
    struct attr a[TEST_ATTRS_MAX];
    const char *why;
    int n = split_test(line, &name, a, &why);
    if (n < 0) {
        warn(L, "'%s': %s; line skipped", q, why);
        return;
    }
    for (int i = 0; i < n; i++) {
        char *end;
        errno = 0;
        long v = strtol(a[i].val, &end, 10);
        if (!isdigit((unsigned char)a[i].val[0]) || *end || errno || v > POINTS_MAX) {
            warn(L, "'%s': MatchPoints are whole numbers 0-%d; line skipped", q, POINTS_MAX);
            return;
        }
    }
    uint32_t test = intern_str(L, name);
    for (int i = 0; i < n && !L->oom; i++) {
        uint32_t attr = intern_str(L, a[i].name), k;
        for (k = 0; k < db->nkeys; k++)
            if (db->keys[k].test == test && db->keys[k].attr == attr)
                break;
        if (k < db->nkeys) {
            warn(L, "%s.%s has points twice; the first count", name, a[i].name);
            continue;
        }
        if (db->nkeys == OSDB_NO_KEY) {
            warn(L, "more than %u MatchPoints; the rest skipped", OSDB_NO_KEY);
            return;
        }
        db->keys = grown(L, db->keys, &L->keys_cap, db->nkeys, sizeof *db->keys);
        if (!L->oom)
            db->keys[db->nkeys++] =
                (struct osdb_key){.test = test, .attr = attr, .points = (uint32_t)strtol(a[i].val, NULL, 10)};
    }
}

static void begin_entry(struct loader *L, char *line)
{
    struct osdb *db = L->db;
    L->state = ENTRY;
    L->bad = false;
    L->cur = (struct osdb_entry){.line = L->line, .first_test = L->net, .first_class = db->nclasses};
    L->cur_cpes = db->ncpes;
    L->nnames = 0;
    char *hash = strchr(line, '#'); /* nmap ends the name there */
    if (hash)
        *hash = '\0';
    char *name = trim(line + strlen("Fingerprint"));
    if (!*name) {
        bad(L, "a Fingerprint line without a name");
        return;
    }
    L->cur.name = intern_str(L, name);
}

/* Ends the current block: a sound entry is added, a malformed one undone. */
static void end_block(struct loader *L)
{
    struct osdb *db = L->db;
    if (L->state == ENTRY && !L->bad) {
        db->entries = grown(L, db->entries, &L->entries_cap, db->nentries, sizeof *db->entries);
        if (!L->oom)
            db->entries[db->nentries++] = L->cur;
    } else if (L->state == ENTRY) {
        L->net = L->cur.first_test;
        db->nclasses = L->cur.first_class;
        db->ncpes = L->cur_cpes;
    }
    L->state = TOP;
}

static void class_line(struct loader *L, char *line)
{
    struct osdb *db = L->db;
    char *f[4], *p = line + strlen("Class ");
    for (int i = 0; i < 3; i++) {
        char *bar = strchr(p, '|');
        if (!bar) {
            bad(L, "a Class line is 'vendor | family | generation | type'");
            return;
        }
        *bar = '\0';
        f[i] = p;
        p = bar + 1;
    }
    f[3] = p; /* the rest, '|' and all, as nmap reads it */
    struct osdb_class c = {
        .vendor = intern_str(L, trim(f[0])),
        .family = intern_str(L, trim(f[1])),
        .gen = intern_str(L, trim(f[2])),
        .type = intern_str(L, trim(f[3])),
        .first_cpe = db->ncpes,
    };
    db->classes = grown(L, db->classes, &L->classes_cap, db->nclasses, sizeof *db->classes);
    if (!L->oom) {
        db->classes[db->nclasses++] = c;
        L->cur.nclass++;
    }
}

static void cpe_line(struct loader *L, char *line)
{
    struct osdb *db = L->db;
    if (db->nclasses == L->cur.first_class) {
        bad(L, "a CPE line before any Class line");
        return;
    }
    char *cpe = line + strlen("CPE ");
    while (isspace((unsigned char)*cpe))
        cpe++;
    size_t n = strcspn(cpe, " \t\v\f\r"); /* then flags such as "auto", dropped */
    if (!n) {
        bad(L, "a CPE line without a CPE");
        return;
    }
    uint32_t off = intern(L, cpe, n);
    db->cpes = grown(L, db->cpes, &L->cpes_cap, db->ncpes, sizeof *db->cpes);
    if (!L->oom) {
        db->cpes[db->ncpes++] = off;
        db->classes[db->nclasses - 1].ncpe++;
    }
}

static void test_line(struct loader *L, char *line)
{
    struct osdb *db = L->db;
    char q[48], *name;
    quote(line, q, sizeof q);
    struct attr a[TEST_ATTRS_MAX];
    const char *why;
    int n = split_test(line, &name, a, &why);
    if (n < 0) {
        bad(L, "'%s': %s", q, why);
        return;
    }
    uint32_t test = intern_str(L, name);
    for (uint32_t i = 0; i < L->nnames; i++)
        if (L->names[i] == test) {
            bad(L, "test %s twice", name);
            return;
        }
    if (L->nnames == ENTRY_TESTS_MAX) {
        bad(L, "more than %d tests", ENTRY_TESTS_MAX);
        return;
    }
    L->names[L->nnames++] = test;
    uint32_t ids[TEST_ATTRS_MAX];
    for (int i = 0; i < n && !L->oom; i++) {
        if (dup_attr(a, i) >= 0) {
            bad(L, "%s.%s twice", name, a[i].name);
            return;
        }
        ids[i] = intern_pair(L, test, intern_str(L, a[i].name), intern_str(L, a[i].val));
    }
    if (n == 0 || L->oom) /* "T2()" weighs nothing: not kept */
        return;
    uint32_t id = intern_test(L, ids, (uint32_t)n);
    db->entry_tests = grown(L, db->entry_tests, &L->et_cap, L->net, sizeof *db->entry_tests);
    if (!L->oom) {
        db->entry_tests[L->net++] = id;
        L->cur.ntest++;
    }
}

/* One line of the file, without its line end; cut: it was longer than
 * LINE_LEN_MAX and this is its start. */
static void feed(struct loader *L, char *line, bool cut)
{
    if (line[0] == '#')
        return;
    char *t = trim(line);
    if (!*t) {
        end_block(L);
        return;
    }
    if (cut) {
        if (L->state == ENTRY) {
            bad(L, "a line longer than %d bytes", LINE_LEN_MAX - 1);
            return;
        }
        if (L->state != SKIP)
            warn(L, "a line longer than %d bytes; line skipped", LINE_LEN_MAX - 1);
        return;
    }
    if (keyword(line, "Fingerprint")) {
        end_block(L);
        begin_entry(L, line);
        return;
    }
    if (keyword(line, "MatchPoints")) {
        end_block(L);
        if (L->seen_points) {
            warn(L, "a second MatchPoints section; skipped");
            L->state = SKIP;
            return;
        }
        L->seen_points = true;
        L->state = POINTS;
        return;
    }
    char q[48];
    switch (L->state) {
    case TOP:
        warn(L, "'%s': not in a Fingerprint or MatchPoints section; line skipped", clip(t, q, sizeof q));
        return;
    case SKIP:
        return;
    case POINTS:
        points_line(L, line);
        return;
    case ENTRY:
        if (L->bad)
            return;
        if (!strncmp(line, "Class ", 6)) {
            class_line(L, line);
            return;
        }
        if (!strncmp(line, "CPE ", 4)) {
            cpe_line(L, line);
            return;
        }
        test_line(L, line);
        return;
    }
}

/* ---- the input: a file streamed in chunks, or text in memory ---- */

struct reader {
    int fd;              /* -1: text in memory */
    const char *buf;     /* the bytes at hand */
    size_t pos, len;
    char *chunk;         /* the file's buffer */
    size_t total;
    const char *path;
};

enum { RD_LINE, RD_EOF, RD_NUL, RD_ERR };

static int refill(struct reader *r, err_t *e)
{
    if (r->fd < 0)
        return RD_EOF;
    for (;;) {
        ssize_t got = read(r->fd, r->chunk, CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err_set(e, "cannot read '%s': %s", r->path, strerror(errno));
            return RD_ERR;
        }
        if (got == 0)
            return RD_EOF;
        r->total += (size_t)got;
        if (r->total > INPUT_FILE_MAX) {
            err_set(e, "cannot read '%s': larger than %zu MiB, the limit for an input file",
                    r->path, INPUT_FILE_MAX >> 20);
            return RD_ERR;
        }
        r->buf = r->chunk;
        r->pos = 0;
        r->len = (size_t)got;
        return RD_LINE;
    }
}

/* The next line into line (LINE_LEN_MAX bytes), without its '\n'. */
static int next_line(struct reader *r, char *line, bool *cut, err_t *e)
{
    size_t n = 0;
    bool any = false;
    *cut = false;
    for (;;) {
        if (r->pos == r->len) {
            int rc = refill(r, e);
            if (rc == RD_ERR)
                return rc;
            if (rc == RD_EOF) {
                line[n] = '\0';
                return any ? RD_LINE : RD_EOF;
            }
        }
        const char *p = r->buf + r->pos, *end = r->buf + r->len;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(stop - p)))
            return RD_NUL;
        size_t k = (size_t)(stop - p);
        any = true;
        if (n + k >= LINE_LEN_MAX) {
            *cut = true;
            k = LINE_LEN_MAX - 1 - n;
        }
        memcpy(line + n, p, k);
        n += k;
        r->pos = (size_t)(stop - r->buf) + (nl ? 1 : 0);
        if (nl) {
            line[n] = '\0';
            return RD_LINE;
        }
    }
}

/* Offset of each key's pairs: equal strings are equal offsets. */
static void resolve_keys(struct osdb *db)
{
    for (uint32_t i = 0; i < db->npairs; i++) {
        struct osdb_pair *p = &db->pairs[i];
        for (uint32_t k = 0; k < db->nkeys; k++)
            if (db->keys[k].test == p->test && db->keys[k].attr == p->attr) {
                p->key = (uint16_t)k;
                break;
            }
    }
}

/* Gives back what the doubling over-allocated. */
static void *fit(void *p, size_t n, size_t size)
{
    void *np = n ? realloc(p, n * size) : NULL;
    if (!n)
        free(p);
    return n && !np ? p : np;
}

static int run(struct loader *L, struct reader *r, err_t *e)
{
    struct osdb *db = L->db;
    char line[LINE_LEN_MAX];
    int rc;
    intern(L, "", 0); /* offset 0 is "" */
    for (;;) {
        bool cut;
        rc = next_line(r, line, &cut, e);
        if (rc == RD_EOF || rc == RD_ERR)
            break;
        L->line++;
        if (rc == RD_NUL) {
            rc = err_set(e, "%s line %u: a NUL byte: not an nmap-os-db file (it is text)", L->name,
                         L->line);
            break;
        }
        feed(L, line, cut);
        if (L->oom)
            break;
    }
    end_block(L);
    free(L->strs.s);
    free(L->pairs.s);
    free(L->tests.s);
    if (rc == RD_ERR || rc == -1)
        return -1;
    if (L->oom)
        return err_set(e, "%s: out of memory", r->path);
    if (L->line == 0)
        return err_set(e, "%s is empty: not an nmap-os-db file", r->path);
    if (!db->nkeys)
        return err_set(e, "%s has no MatchPoints: not an nmap-os-db file", r->path);
    if (!db->nentries)
        return err_set(e, "%s holds no usable Fingerprint entry", r->path);
    resolve_keys(db);
    db->pool = fit(db->pool, db->pool_len, 1);
    db->keys = fit(db->keys, db->nkeys, sizeof *db->keys);
    db->pairs = fit(db->pairs, db->npairs, sizeof *db->pairs);
    db->test_pairs = fit(db->test_pairs, L->ntp, sizeof *db->test_pairs);
    db->tests = fit(db->tests, db->ntests, sizeof *db->tests);
    db->entry_tests = fit(db->entry_tests, L->net, sizeof *db->entry_tests);
    db->classes = fit(db->classes, db->nclasses, sizeof *db->classes);
    db->cpes = fit(db->cpes, db->ncpes, sizeof *db->cpes);
    db->entries = fit(db->entries, db->nentries, sizeof *db->entries);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

int osdb_parse(struct osdb *db, const char *name, const char *text, size_t len,
               osdb_warn_fn warn_fn, void *ctx, err_t *e)
{
    memset(db, 0, sizeof *db);
    struct loader L = {.db = db, .name = base_name(name), .warn = warn_fn, .ctx = ctx};
    struct reader r = {.fd = -1, .buf = text, .len = len, .path = name};
    if (run(&L, &r, e) < 0) {
        osdb_free(db);
        return -1;
    }
    return 0;
}

int osdb_load(struct osdb *db, const char *path, osdb_warn_fn warn_fn, void *ctx, err_t *e)
{
    memset(db, 0, sizeof *db);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, "cannot read '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return err_set(e, "cannot read '%s': %s", path, strerror(EISDIR));
    }
    struct loader L = {.db = db, .name = base_name(path), .warn = warn_fn, .ctx = ctx};
    struct reader r = {.fd = fd, .chunk = malloc(CHUNK), .path = path};
    int rc = r.chunk ? run(&L, &r, e) : err_set(e, "%s: out of memory", path);
    free(r.chunk);
    close(fd);
    if (rc < 0)
        osdb_free(db);
    return rc;
}

void osdb_free(struct osdb *db)
{
    free(db->pool);
    free(db->keys);
    free(db->pairs);
    free(db->test_pairs);
    free(db->tests);
    free(db->entry_tests);
    free(db->classes);
    free(db->cpes);
    free(db->entries);
    memset(db, 0, sizeof *db);
}

/* ---- matching ---- */

/* One alternative of an expression, p up to bar ('|', or NULL for the
 * last), against the observed value: nmap 7.93's expr_match, quirks kept
 * because they decide its accuracies (each checked against nmap 7.93):
 *  - the value is a number when strtol(16) takes it whole; "" is, as 0;
 *  - for a number, "<X" and ">X" compare with hex X if X ends the
 *    alternative;
 *  - for a number, when a '-' follows anywhere in the rest of the
 *    expression, the alternative is a range "A-B" if A runs to that '-'
 *    and B to the alternative's end, and otherwise matches nothing, not
 *    even literally: "40|50-60" does not match 40, "0|5-9" not 0;
 *  - else it is literal, but an alternative before a '|' matches any value
 *    it begins: "A|B" matches "AS", and "|X" (an empty first) anything. */
static bool alt_match(const char *val, unsigned num, bool numeric, const char *p, const char *bar)
{
    char *end;
    if (numeric && (*p == '<' || *p == '>')) {
        unsigned lim = (unsigned)strtol(p + 1, &end, 16);
        if (end != bar && *end)
            return false;
        return *p == '<' ? num < lim : num > lim;
    }
    const char *dash = numeric ? strchr(p, '-') : NULL;
    if (dash) {
        unsigned lo = (unsigned)strtol(p, &end, 16);
        if (end != dash)
            return false;
        unsigned hi = (unsigned)strtol(dash + 1, &end, 16);
        if (end != bar && *end)
            return false;
        return num >= lo && num <= hi; /* nmap asserts lo < hi; a reversed range matches nothing */
    }
    if (bar)
        return !strncmp(p, val, (size_t)(bar - p));
    return !strcmp(p, val);
}

static bool expr_match(const char *val, const char *expr)
{
    char *end;
    unsigned num = (unsigned)strtol(val, &end, 16);
    bool numeric = !*end;
    for (const char *p = expr;;) {
        const char *bar = strchr(p, '|');
        if (alt_match(val, num, numeric, p, bar))
            return true;
        if (!bar)
            return false;
        p = bar + 1;
    }
}

/* Per observation caches (any may be NULL: computed each time then). */
struct scratch {
    const char **obs;    /* by key: the observed value, NULL if absent */
    uint8_t *pair;       /* by pair: P_* */
    uint32_t *poss, *got; /* by test; poss UINT32_MAX: not yet */
};
enum { P_UNKNOWN, P_ABSENT, P_MISS, P_HIT };

/* The first test of a name and its first attribute of a name count, as in
 * nmap's merge of stably sorted lists. */
static const char *observed(const struct osdb *db, const struct osfp *fp, uint16_t key)
{
    const struct osdb_key *k = &db->keys[key];
    return osfp_attr(osfp_test(fp, db->pool + k->test), db->pool + k->attr);
}

static int pair_state(const struct osdb *db, const struct osfp *fp, struct scratch *sc, uint32_t id)
{
    if (sc->pair && sc->pair[id] != P_UNKNOWN)
        return sc->pair[id];
    const struct osdb_pair *p = &db->pairs[id];
    const char *v = p->key == OSDB_NO_KEY ? NULL : sc->obs ? sc->obs[p->key] : observed(db, fp, p->key);
    int st = !v ? P_ABSENT : expr_match(v, db->pool + p->expr) ? P_HIT : P_MISS;
    if (sc->pair)
        sc->pair[id] = (uint8_t)st;
    return st;
}

static void test_score(const struct osdb *db, const struct osfp *fp, struct scratch *sc, uint32_t id,
                       uint64_t *poss, uint64_t *got)
{
    if (sc->poss && sc->poss[id] != UINT32_MAX) {
        *poss += sc->poss[id];
        *got += sc->got[id];
        return;
    }
    const struct osdb_test *t = &db->tests[id];
    uint32_t p = 0, g = 0;
    for (uint32_t i = t->first; i < t->first + t->n; i++) {
        uint32_t pid = db->test_pairs[i];
        int st = pair_state(db, fp, sc, pid);
        if (st == P_ABSENT)
            continue;
        uint32_t pts = db->keys[db->pairs[pid].key].points;
        p += pts;
        g += st == P_HIT ? pts : 0;
    }
    if (sc->poss) {
        sc->poss[id] = p;
        sc->got[id] = g;
    }
    *poss += p;
    *got += g;
}

static double accuracy(const struct osdb *db, const struct osfp *fp, struct scratch *sc, uint32_t i)
{
    const struct osdb_entry *en = &db->entries[i];
    uint64_t poss = 0, got = 0;
    for (uint32_t t = en->first_test; t < en->first_test + en->ntest; t++)
        test_score(db, fp, sc, db->entry_tests[t], &poss, &got);
    return poss ? (double)got / (double)poss : 0;
}

double osdb_accuracy(const struct osdb *db, uint32_t i, const struct osfp *fp)
{
    struct scratch sc = {0};
    return i < db->nentries ? accuracy(db, fp, &sc, i) : 0;
}

/* The caches in one block; all NULL when it cannot be had. */
static void *scratch_init(const struct osdb *db, const struct osfp *fp, struct scratch *sc)
{
    size_t n = db->nkeys * sizeof *sc->obs + 2 * (size_t)db->ntests * sizeof(uint32_t) + db->npairs;
    char *b = malloc(n ? n : 1);
    if (!b) {
        *sc = (struct scratch){0};
        return NULL;
    }
    sc->obs = (const char **)b;
    sc->poss = (uint32_t *)(b + db->nkeys * sizeof *sc->obs);
    sc->got = sc->poss + db->ntests;
    sc->pair = (uint8_t *)(sc->got + db->ntests);
    for (uint32_t k = 0; k < db->nkeys; k++)
        sc->obs[k] = observed(db, fp, (uint16_t)k);
    memset(sc->poss, 0xff, db->ntests * sizeof(uint32_t));
    memset(sc->pair, P_UNKNOWN, db->npairs);
    return b;
}

/* nmap's match_fingerprint, step for step: an entry goes in when it
 * reaches the entrance requirement (the threshold, then, once the list is
 * full, a hair over its last) or is perfect; one per name, the better (the
 * earlier on a tie); inserted before the first slot with a lower accuracy,
 * empty slots counting 0, so ties keep file order and an accuracy of 0
 * never gets in (nmap stops with "Bogus list insertion state" there). */
void osdb_rank(const struct osdb *db, const struct osfp *fp, double threshold, struct osdb_rank *r)
{
    memset(r, 0, sizeof *r);
    struct scratch sc;
    void *block = scratch_init(db, fp, &sc);
    double entrance = threshold;
    for (uint32_t i = 0; i < db->nentries; i++) {
        double acc = accuracy(db, fp, &sc, i);
        if (!(acc >= entrance || acc == 1.0))
            continue;
        uint32_t d;
        for (d = 0; d < r->n; d++)
            if (db->entries[r->hit[d].entry].name == db->entries[i].name)
                break;
        if (d < r->n) {
            if (r->hit[d].accuracy >= acc)
                continue;
            memmove(&r->hit[d], &r->hit[d + 1], (r->n - 1 - d) * sizeof r->hit[0]);
            r->n--;
            r->hit[r->n] = (struct osdb_hit){0};
        }
        if (acc == 1.0) {
            if (r->nperfect == OSDB_RANK_MAX) {
                r->too_many = true;
                break;
            }
            r->nperfect++;
        }
        uint32_t at;
        for (at = 0; at < OSDB_RANK_MAX && !(r->hit[at].accuracy < acc); at++)
            ;
        if (at == OSDB_RANK_MAX)
            continue;
        memmove(&r->hit[at + 1], &r->hit[at], (OSDB_RANK_MAX - 1 - at) * sizeof r->hit[0]);
        r->hit[at] = (struct osdb_hit){.entry = i, .accuracy = acc};
        r->n = MIN(r->n + 1, OSDB_RANK_MAX);
        if (r->n == OSDB_RANK_MAX)
            entrance = r->hit[OSDB_RANK_MAX - 1].accuracy + 0.00001;
    }
    free(block);
}

static void copy(char *dst, size_t n, const char *src)
{
    size_t k = strlen(src);
    k = k < n ? k : n - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
}

void osdb_fill(const struct osdb *db, uint32_t i, double acc, struct os_match *m)
{
    const struct osdb_entry *en = &db->entries[i];
    memset(m, 0, sizeof *m);
    copy(m->name, sizeof m->name, db->pool + en->name);
    m->accuracy = (uint8_t)(int)(acc * 100); /* nmap: (int)(accuracy * 100), floor(accuracy * 100) */
    m->line = en->line;
    for (uint32_t c = 0; c < en->nclass && c < OS_MAX_CLASSES; c++) {
        const struct osdb_class *k = &db->classes[en->first_class + c];
        struct os_class *o = &m->cls[m->nclass++];
        copy(o->vendor, sizeof o->vendor, db->pool + k->vendor);
        copy(o->family, sizeof o->family, db->pool + k->family);
        copy(o->gen, sizeof o->gen, db->pool + k->gen);
        copy(o->type, sizeof o->type, db->pool + k->type);
        for (uint32_t j = 0; j < k->ncpe && j < OS_MAX_CPES; j++)
            copy(o->cpe[o->ncpe++], sizeof o->cpe[0], db->pool + db->cpes[k->first_cpe + j]);
    }
}

uint32_t osdb_match(const struct osdb *db, const struct osfp *fp, double min_accuracy,
                    struct os_match *out, uint32_t max)
{
    struct osdb_rank r;
    osdb_rank(db, fp, min_accuracy, &r);
    uint32_t n = MIN(r.n, max);
    for (uint32_t i = 0; i < n; i++)
        osdb_fill(db, r.hit[i].entry, r.hit[i].accuracy, &out[i]);
    return n;
}
