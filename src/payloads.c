#include "payloads.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* How a load works: both files are parsed into entries (a payload and its
 * port ranges), nmap-payloads' first, so that its entries have the lower
 * numbers.  The table is then built by one sweep over the ports: the ranges'
 * ends are events, a bitmap holds the entries covering the current port,
 * and each stretch of ports between two events gets one set, the first
 * PAYLOADS_PER_PORT_MAX covering entries from the lowest-numbered entry's
 * file (so nmap-payloads wins a port outright).  The work is bounded by the
 * number of ranges, not by how many ports they span: "udp 0-65535" costs
 * what "udp 53" costs. */

enum { SRC_PAYLOADS, SRC_PROBES };

/* Warnings after this many per file are counted, not reported: a binary
 * file given by mistake would otherwise print one line per line. */
#define WARN_REPORT_MAX 50
/* Port ranges kept over both files (Debian's hold under 400). */
#define PAYLOAD_RANGES_MAX (1u << 17)

struct entry {
    uint32_t pay;  /* index into builder.pay */
    uint32_t line;
    uint8_t src;
    bool warned;   /* already told it overflowed a port */
};

struct prange {
    uint16_t lo, hi;
    uint32_t entry;
};

struct builder {
    struct payloads *pl;
    payloads_warn_fn warn;
    void *ctx;
    const char *name[2];
    uint8_t src;           /* the file being read */
    uint32_t reported[2];  /* warnings reported per file */
    uint32_t nfile;        /* entries read from the current file */
    bool stop;             /* the current file's limit was reached */
    bool oom;
    char why[96];          /* a reason that quotes the text */
    uint8_t *blob;
    size_t blob_len, blob_cap;
    struct payload_ref *pay; /* distinct payloads */
    uint32_t *hash;
    size_t npay, pay_cap;
    struct entry *ent;
    size_t nent, ent_cap;
    struct prange *rng;
    size_t nrng, rng_cap;
};

/* Makes room for n more items in *p (cap items of size sz); false when out
 * of memory, which is then remembered in b->oom. */
static bool grow(struct builder *b, void **p, size_t *cap, size_t used, size_t n, size_t sz)
{
    if (used + n <= *cap)
        return true;
    size_t nc = MAX(*cap * 2, used + n + 16);
    void *np = realloc(*p, nc * sz);
    if (!np) {
        b->oom = true;
        return false;
    }
    *p = np;
    *cap = nc;
    return true;
}

/* "FILE:LINE: why" to the callback.  Text quoted from the file may hold
 * any bytes: control and non-ASCII bytes are shown as '?'. */
static void warn(struct builder *b, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(struct builder *b, uint32_t line, const char *fmt, ...)
{
    b->pl->warnings++;
    if (!b->warn || b->reported[b->src] > WARN_REPORT_MAX)
        return;
    char msg[512];
    int n = 0;
    if (++b->reported[b->src] > WARN_REPORT_MAX) {
        snprintf(msg, sizeof msg, "%s: more malformed lines, not reported", b->name[b->src]);
    } else {
        n = snprintf(msg, sizeof msg, "%s:%u: ", b->name[b->src], line);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
        va_end(ap);
    }
    for (char *c = msg + n; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    b->warn(b->ctx, msg);
}

/* Up to 40 bytes of s[0..n) for a message, NULs as '?' (warn() masks the
 * other bytes that are not text). */
static const char *quote(const char *s, size_t n, char buf[48])
{
    size_t k = MIN(n, 40);
    for (size_t i = 0; i < k; i++)
        buf[i] = s[i] ? s[i] : '?';
    if (n > 40)
        memcpy(buf + 37, "...", 3);
    buf[k] = '\0';
    return buf;
}

/* Appends s[0..n), a payload string without its quotes, unescaped, to the
 * payload that starts at blob offset start.  nmap's escapes (cstring_unescape)
 * and \" for nmap-payloads' quotes; anything else is refused, as nmap does.
 * Returns NULL, or why the string is bad (out of memory: b->oom). */
static const char *unescape_append(struct builder *b, const char *s, size_t n, size_t start)
{
    /* Escapes only shrink; a payload never passes PAYLOAD_MAX (below). */
    size_t room = MIN(n, PAYLOAD_MAX - (b->blob_len - start));
    if (!grow(b, (void **)&b->blob, &b->blob_cap, b->blob_len, room, 1))
        return "out of memory";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0')
            return "a NUL byte in a payload string (write it as \\0)";
        if (c == '\\') {
            if (++i == n)
                return "a backslash at the end of a payload string";
            switch (s[i]) {
            case '\\': case '"': c = (unsigned char)s[i]; break;
            case '0': c = '\0'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'x':
                if (n - i < 3 || hex_value((unsigned char)s[i + 1]) < 0 || hex_value((unsigned char)s[i + 2]) < 0)
                    return "\\x without two hex digits";
                c = (unsigned char)(hex_value((unsigned char)s[i + 1]) << 4 | hex_value((unsigned char)s[i + 2]));
                i += 2;
                break;
            default:
                snprintf(b->why, sizeof b->why, "an unknown escape '\\%c' (known: \\xHH \\0 \\n \\r \\t \\\\ \\\")",
                         s[i] ? s[i] : '?');
                return b->why;
            }
        }
        if (b->blob_len - start >= PAYLOAD_MAX)
            return "a payload longer than 1400 bytes";
        b->blob[b->blob_len++] = c;
    }
    return NULL;
}

/* Ends the payload that began at blob offset start; an identical earlier
 * payload (bytes and source port) is shared, as nmap shares them.  Returns
 * its number, or -1 when out of memory. */
static int64_t payload_commit(struct builder *b, size_t start, uint16_t sport)
{
    uint16_t len = (uint16_t)(b->blob_len - start);
    uint32_t h = 2166136261u ^ sport; /* FNV-1a */
    for (size_t i = start; i < b->blob_len; i++)
        h = (h ^ b->blob[i]) * 16777619u;
    for (size_t i = 0; i < b->npay; i++)
        if (b->hash[i] == h && b->pay[i].len == len && b->pay[i].sport == sport &&
            !memcmp(b->blob + b->pay[i].off, b->blob + start, len)) {
            b->blob_len = start;
            return (int64_t)i;
        }
    size_t hcap = b->pay_cap;
    if (!grow(b, (void **)&b->pay, &b->pay_cap, b->npay, 1, sizeof *b->pay) ||
        !grow(b, (void **)&b->hash, &hcap, b->npay, 1, sizeof *b->hash))
        return -1;
    b->pay_cap = MIN(b->pay_cap, hcap);
    b->pay[b->npay] = (struct payload_ref){.off = (uint32_t)start, .len = len, .sport = sport};
    b->hash[b->npay] = h;
    return (int64_t)b->npay++;
}

static bool entry_add(struct builder *b, size_t start, uint16_t sport, uint32_t line)
{
    int64_t pay = payload_commit(b, start, sport);
    if (pay < 0 || !grow(b, (void **)&b->ent, &b->ent_cap, b->nent, 1, sizeof *b->ent))
        return false;
    b->ent[b->nent++] = (struct entry){.pay = (uint32_t)pay, .line = line, .src = b->src};
    b->pl->entries[b->src]++;
    return true;
}

/* Reads a port number (0..65535) at s[*i..n). */
static bool port_number(const char *s, size_t n, size_t *i, uint32_t *out)
{
    uint32_t v = 0;
    size_t from = *i;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (uint32_t)(s[*i] - '0');
        if (v > 65535)
            return false;
        (*i)++;
    }
    *out = v;
    return *i > from;
}

static size_t skip_blank(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* "53,69,5353,32768-65535" (blanks around the parts allowed, as in
 * nmap-service-probes' ports lines), added as ranges of entry number
 * entry.  On failure the caller drops the ranges added so far; when the
 * reason is a limit or memory, it is reported here and reading stops. */
static bool parse_portlist(struct builder *b, const char *s, size_t n, uint32_t entry,
                           uint32_t line)
{
    for (size_t i = 0;;) {
        uint32_t lo, hi;
        i = skip_blank(s, n, i);
        if (!port_number(s, n, &i, &lo))
            return false;
        hi = lo;
        i = skip_blank(s, n, i);
        if (i < n && s[i] == '-') {
            i = skip_blank(s, n, i + 1);
            if (!port_number(s, n, &i, &hi) || hi < lo)
                return false;
            i = skip_blank(s, n, i);
        }
        if (b->nrng >= PAYLOAD_RANGES_MAX) {
            warn(b, line, "more than %u port ranges in all; the rest of the file is ignored",
                 PAYLOAD_RANGES_MAX);
            b->stop = true;
            return false;
        }
        if (!grow(b, (void **)&b->rng, &b->rng_cap, b->nrng, 1, sizeof *b->rng))
            return false;
        b->rng[b->nrng++] = (struct prange){.lo = (uint16_t)lo, .hi = (uint16_t)hi, .entry = entry};
        if (i == n)
            return true;
        if (s[i++] != ',')
            return false;
    }
}

static void bad_portlist(struct builder *b, uint32_t line, const char *s, size_t n, const char *what)
{
    char q[48];
    if (!b->stop && !b->oom)
        warn(b, line, "bad port list '%s' (expected e.g. 53,161,32768-65535); %s skipped",
             quote(s, n, q), what);
}

/* True (once warned) when the current file has given all the entries it may. */
static bool entries_full(struct builder *b, uint32_t line)
{
    if (b->nfile < PAYLOAD_ENTRIES_MAX)
        return false;
    warn(b, line, "more than %d entries; the rest of the file is ignored", PAYLOAD_ENTRIES_MAX);
    b->stop = true;
    return true;
}

/* ---- nmap-payloads ------------------------------------------------------
 * Tokens as nmap's reader has them: symbols, "strings" (one line each, a
 * backslash escaping the next byte), newlines (significant: a keyword's
 * data is on its line), and # comments. */

enum tok { T_EOF, T_NL, T_SYM, T_STR, T_BAD };

struct lexer {
    const char *p, *end;
    uint32_t line;
    enum tok t;        /* the current token: */
    const char *s;     /* its text (a string's without the quotes) */
    size_t n;
    uint32_t tline;
    bool bol;          /* it is the first token of its line */
    const char *why;   /* T_BAD: what is wrong */
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static enum tok lex(struct lexer *x)
{
    x->bol = x->t == T_NL;
    while (x->p < x->end && is_space(*x->p))
        x->p++;
    if (x->p < x->end && *x->p == '#')
        while (x->p < x->end && *x->p != '\n')
            x->p++;
    x->tline = x->line;
    x->s = x->p;
    x->n = 0;
    if (x->p == x->end)
        return x->t = T_EOF;
    char c = *x->p;
    if (c == '\n') {
        x->p++;
        x->line++;
        return x->t = T_NL;
    }
    if (c == '\0') {
        x->p++;
        x->why = "a NUL byte (not a text file?)";
        return x->t = T_BAD;
    }
    if (c == '"') {
        const char *q = x->p + 1;
        while (q < x->end && *q != '"' && *q != '\n')
            q += *q == '\\' && q + 1 < x->end && q[1] != '\n' ? 2 : 1;
        if (q >= x->end || *q != '"') {
            x->p = q;
            x->why = "an unterminated string (strings end on their line)";
            return x->t = T_BAD;
        }
        x->s = x->p + 1;
        x->n = (size_t)(q - x->s);
        x->p = q + 1;
        return x->t = T_STR;
    }
    while (x->p < x->end && !is_space(*x->p) && *x->p != '\n' && *x->p != '"' && *x->p != '#' &&
           *x->p != '\0')
        x->p++;
    x->n = (size_t)(x->p - x->s);
    return x->t = T_SYM;
}

static bool sym_is(const struct lexer *x, const char *word)
{
    return x->t == T_SYM && x->n == strlen(word) && !memcmp(x->s, word, x->n);
}

/* Drops the rest of the current token's line: the current token becomes
 * the first of the next line. */
static void next_line(struct lexer *x)
{
    if (x->t != T_NL && x->t != T_EOF) {
        while (x->p < x->end && *x->p != '\n')
            x->p++;
        lex(x);
    }
    if (x->t == T_NL)
        lex(x);
}

static void skip_newlines(struct lexer *x)
{
    while (x->t == T_NL)
        lex(x);
}

/* After a bad entry: on to the next line that starts with "udp". */
static void recover(struct lexer *x)
{
    while (x->t != T_EOF && !(x->bol && sym_is(x, "udp")))
        next_line(x);
}

/* Drops what a bad entry added and says why (at line); returns -1. */
static int entry_fail(struct builder *b, struct lexer *x, size_t rmark, size_t bmark, uint32_t line,
                      const char *why)
{
    b->nrng = rmark;
    b->blob_len = bmark;
    if (why && !b->oom)
        warn(b, line, "%s; entry skipped", why);
    recover(x);
    return -1;
}

/* udp PORTLIST "string"... [source PORT] [other keywords, each to the end
 * of its line], the current token being "udp".  Leaves the token after the
 * entry current. */
static int payload_entry(struct builder *b, struct lexer *x)
{
    uint32_t line = x->tline;
    size_t rmark = b->nrng, bmark = b->blob_len;
    lex(x);
    if (x->t != T_SYM)
        return entry_fail(b, x, rmark, bmark, line,
                          x->t == T_BAD ? x->why : "no port list after 'udp' on its line");
    if (!parse_portlist(b, x->s, x->n, (uint32_t)b->nent, line)) {
        bad_portlist(b, line, x->s, x->n, "entry");
        return entry_fail(b, x, rmark, bmark, line, NULL);
    }
    lex(x);
    skip_newlines(x);
    if (x->t != T_STR)
        return entry_fail(b, x, rmark, bmark, x->t == T_BAD ? x->tline : line,
                          x->t == T_BAD ? x->why : "no payload string after the port list");
    for (; x->t == T_STR; lex(x), skip_newlines(x)) {
        const char *why = unescape_append(b, x->s, x->n, bmark);
        if (why)
            return entry_fail(b, x, rmark, bmark, x->tline, why);
    }
    if (x->t == T_BAD)
        return entry_fail(b, x, rmark, bmark, x->tline, x->why);
    uint16_t sport = 0;
    while (x->t == T_SYM && !sym_is(x, "udp")) {
        if (sym_is(x, "source")) {
            uint32_t kline = x->tline, v;
            size_t i = 0;
            lex(x);
            if (x->t != T_SYM || x->tline != kline || !port_number(x->s, x->n, &i, &v) || i != x->n || !v)
                return entry_fail(b, x, rmark, bmark, kline, "'source' without a port number (1-65535)");
            sport = (uint16_t)v;
        } /* other keywords: nmap's file format reserves them; ignored */
        next_line(x);
        skip_newlines(x);
    }
    if (!entry_add(b, bmark, sport, line))
        return entry_fail(b, x, rmark, bmark, line, NULL);
    b->nfile++;
    return 0;
}

static void parse_payloads_file(struct builder *b, const char *text, size_t len)
{
    struct lexer x = {.p = text, .end = text + len, .line = 1, .t = T_NL};
    lex(&x);
    while (x.t != T_EOF && !b->stop && !b->oom) {
        if (x.t == T_NL) {
            lex(&x);
        } else if (sym_is(&x, "udp")) {
            if (!entries_full(b, x.tline))
                payload_entry(b, &x);
        } else {
            char q[48];
            if (x.t == T_SYM)
                warn(b, x.tline, "'%s' where an entry should start (udp PORTLIST \"payload\"); skipped",
                     quote(x.s, x.n, q));
            else
                warn(b, x.tline, "%s; skipped",
                     x.t == T_BAD ? x.why : "a payload string outside an entry");
            next_line(&x);
            recover(&x);
        }
    }
}

/* ---- nmap-service-probes -----------------------------------------------
 * Only `Probe UDP NAME q|payload| [no-payload]` and the `ports` lines after
 * it matter here; the rest is probedb.c's (-sV), which reports its own
 * errors.  As in nmap, the payload's delimiter is the byte after q and ends
 * at its next occurrence. */

/* s[*i..n) starts with word followed by a blank or the line's end: skips
 * both. */
static bool keyword(const char *s, size_t n, size_t *i, const char *word)
{
    size_t w = strlen(word);
    if (n - *i < w || memcmp(s + *i, word, w) || (n - *i > w && s[*i + w] != ' ' && s[*i + w] != '\t'))
        return false;
    *i = skip_blank(s, n, *i + w);
    return true;
}

/* One Probe UDP line from after "UDP"; true when it added an entry. */
static bool probe_udp(struct builder *b, const char *s, size_t n, size_t i, uint32_t line)
{
    if (memchr(s, '\0', n)) {
        warn(b, line, "a NUL byte (not a text file?); line skipped");
        return false;
    }
    size_t name = i;
    while (i < n && s[i] != ' ' && s[i] != '\t')
        i++;
    if (i == name) {
        warn(b, line, "a Probe without a name (Probe UDP NAME q|payload|); line skipped");
        return false;
    }
    if (!isalnum((unsigned char)s[name])) {
        warn(b, line, "a probe name that does not start with a letter or digit; line skipped");
        return false;
    }
    i = skip_blank(s, n, i);
    if (n - i < 2 || s[i] != 'q') {
        warn(b, line, "no q|payload| after the probe name; line skipped");
        return false;
    }
    char d = s[i + 1];
    const char *from = s + i + 2, *close = memchr(from, d, (size_t)(s + n - from));
    if (!close) {
        warn(b, line, "an unterminated q%c...%c payload; line skipped", d, d);
        return false;
    }
    size_t bmark = b->blob_len;
    const char *why = unescape_append(b, from, (size_t)(close - from), bmark);
    if (why) {
        b->blob_len = bmark;
        if (!b->oom)
            warn(b, line, "%s; line skipped", why);
        return false;
    }
    /* Flags after the payload; no-payload: for -sV only, never sent by a port scan. */
    for (i = skip_blank(s, n, (size_t)(close + 1 - s)); i < n; i = skip_blank(s, n, i)) {
        size_t w = i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        if (i - w == 10 && !memcmp(s + w, "no-payload", 10)) {
            b->blob_len = bmark;
            return false;
        }
    }
    return entry_add(b, bmark, 0, line);
}

static void parse_probes_file(struct builder *b, const char *text, size_t len)
{
    bool cur = false; /* the last Probe line added an entry: its ports lines count */
    uint32_t line = 0;
    for (size_t at = 0; at < len && !b->stop && !b->oom;) {
        const char *s = text + at, *nl = memchr(s, '\n', len - at);
        size_t n = nl ? (size_t)(nl - s) : len - at;
        at += n + 1;
        line++;
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        size_t i = skip_blank(s, n, 0);
        if (keyword(s, n, &i, "Probe")) {
            cur = keyword(s, n, &i, "UDP") && !entries_full(b, line) && probe_udp(b, s, n, i, line);
            b->nfile += cur;
        } else if (cur && keyword(s, n, &i, "ports")) {
            size_t rmark = b->nrng;
            if (memchr(s, '\0', n)) {
                warn(b, line, "a NUL byte (not a text file?); line skipped");
            } else if (!parse_portlist(b, s + i, n - i, (uint32_t)b->nent - 1, line)) {
                b->nrng = rmark;
                bad_portlist(b, line, s + i, n - i, "line");
            }
        }
    }
}

/* ---- the table ------------------------------------------------------- */

struct event {
    uint32_t port; /* 0..65536 */
    uint32_t entry;
    int32_t delta;
};

static int event_cmp(const void *a, const void *b)
{
    uint32_t pa = ((const struct event *)a)->port, pb = ((const struct event *)b)->port;
    return pa < pb ? -1 : pa > pb;
}

/* The payloads of a port covered by the entries set in bits: at most
 * PAYLOADS_PER_PORT_MAX, all from the file of the lowest-numbered entry.
 * seen[payload] == gen marks a payload already taken for this port (one
 * copy even when several entries give the same bytes). */
static uint32_t collect(struct builder *b, const uint64_t *bits, size_t nwords, uint32_t port,
                        uint32_t *seen, uint32_t gen, uint32_t *m)
{
    uint32_t n = 0;
    int src = -1;
    for (size_t w = 0; w < nwords; w++)
        for (uint64_t word = bits[w]; word; word &= word - 1) {
            struct entry *en = &b->ent[w * 64 + (size_t)__builtin_ctzll(word)];
            if (src < 0)
                src = en->src;
            else if (en->src != src)
                return n; /* entries are numbered by file: the rest are the other's */
            if (seen[en->pay] == gen)
                continue;
            if (n < PAYLOADS_PER_PORT_MAX) {
                seen[en->pay] = gen;
                m[n++] = en->pay;
            } else if (!en->warned) { /* each entry left out is told once */
                uint8_t keep = b->src;
                b->src = en->src;
                warn(b, en->line, "port %u already has %d payloads; this one is not sent to it",
                     port, PAYLOADS_PER_PORT_MAX);
                b->src = keep;
                en->warned = true;
            }
        }
    return n;
}

/* A new set of the n payloads m, or the previous set when it is the same.
 * Returns its number, 0 for none, or -1 when out of memory. */
static int64_t set_for(struct builder *b, const uint32_t *m, uint32_t n, size_t *nset,
                       size_t *set_cap, size_t *nref, size_t *ref_cap)
{
    struct payloads *pl = b->pl;
    if (n == 0)
        return 0;
    const struct payload_set *last = &pl->set[*nset - 1];
    if (*nset > 1 && last->count == n) {
        bool same = true;
        for (uint32_t k = 0; k < n && same; k++)
            same = pl->ref[last->first + k].off == b->pay[m[k]].off &&
                   pl->ref[last->first + k].len == b->pay[m[k]].len &&
                   pl->ref[last->first + k].sport == b->pay[m[k]].sport;
        if (same)
            return (int64_t)*nset - 1;
    }
    if (!grow(b, (void **)&pl->set, set_cap, *nset, 1, sizeof *pl->set) ||
        !grow(b, (void **)&pl->ref, ref_cap, *nref, n, sizeof *pl->ref))
        return -1;
    pl->set[*nset] = (struct payload_set){.first = (uint32_t)*nref, .count = n};
    for (uint32_t k = 0; k < n; k++)
        pl->ref[(*nref)++] = b->pay[m[k]];
    return (int64_t)(*nset)++;
}

/* p[0..n) = v by doubling copies: a stretch such as 32768-65535 is a few
 * memcpy calls, not 32768 stores (and comparisons, in the fuzzer's build). */
static void fill(uint32_t *p, uint32_t v, size_t n)
{
    p[0] = v;
    for (size_t done = 1; done < n; done *= 2)
        memcpy(p + done, p, MIN(done, n - done) * sizeof *p);
}

/* Each range as two events, where it starts and one past its end, in port
 * order; NULL when out of memory. */
static struct event *events(const struct builder *b, size_t *nev)
{
    struct event *ev = calloc(2 * b->nrng + 1, sizeof *ev);
    *nev = 0;
    if (!ev)
        return NULL;
    for (size_t r = 0; r < b->nrng; r++) {
        ev[(*nev)++] = (struct event){b->rng[r].lo, b->rng[r].entry, 1};
        ev[(*nev)++] = (struct event){(uint32_t)b->rng[r].hi + 1, b->rng[r].entry, -1};
    }
    qsort(ev, *nev, sizeof *ev, event_cmp);
    return ev;
}

/* An entry's ranges may overlap: it covers a port while its count is not 0. */
static void apply(const struct event *ev, uint32_t *active, uint64_t *bits)
{
    uint32_t en = ev->entry;
    active[en] = (uint32_t)((int32_t)active[en] + ev->delta);
    if (active[en])
        bits[en / 64] |= 1ull << (en % 64);
    else
        bits[en / 64] &= ~(1ull << (en % 64));
}

static bool build(struct builder *b)
{
    struct payloads *pl = b->pl;
    size_t nset = 0, set_cap = 0, nref = 0, ref_cap = 0;
    size_t nwords = (b->nent + 63) / 64, nev;
    struct event *ev = events(b, &nev);
    uint32_t *active = calloc(b->nent + 1, sizeof *active), gen = 0;
    uint32_t *seen = calloc(b->npay + 1, sizeof *seen);
    uint64_t *bits = calloc(nwords + 1, sizeof *bits);
    pl->port_set = calloc(65536, sizeof *pl->port_set);
    bool ok = ev && active && seen && bits && pl->port_set &&
              grow(b, (void **)&pl->set, &set_cap, 0, 1, sizeof *pl->set);
    if (ok)
        pl->set[nset++] = (struct payload_set){0, 0};
    for (uint32_t port = 0, k = 0; ok && port < 65536;) {
        for (; k < nev && ev[k].port == port; k++)
            apply(&ev[k], active, bits);
        uint32_t next = k < nev ? MIN(ev[k].port, 65536) : 65536, m[PAYLOADS_PER_PORT_MAX];
        uint32_t n = collect(b, bits, nwords, port, seen, ++gen, m);
        int64_t set = set_for(b, m, n, &nset, &set_cap, &nref, &ref_cap);
        ok = set >= 0;
        if (ok && set > 0) { /* port_set is zeroed: most stretches have nothing to write */
            pl->nports += next - port;
            fill(pl->port_set + port, (uint32_t)set, next - port);
        }
        port = next;
    }
    free(ev);
    free(active);
    free(seen);
    free(bits);
    return ok;
}

static void builder_free(struct builder *b)
{
    free(b->blob);
    free(b->pay);
    free(b->hash);
    free(b->ent);
    free(b->rng);
}

int payloads_parse(struct payloads *pl, struct payload_text payloads_file,
                   struct payload_text probes_file, payloads_warn_fn warn_fn, void *ctx, err_t *e)
{
    memset(pl, 0, sizeof *pl);
    struct builder b = {.pl = pl, .warn = warn_fn, .ctx = ctx,
                        .name = {payloads_file.name ? payloads_file.name : "nmap-payloads",
                                 probes_file.name ? probes_file.name : "nmap-service-probes"}};
    /* One byte at least: an empty payload's pointer is never NULL. */
    bool ok = grow(&b, (void **)&b.blob, &b.blob_cap, 0, 1, 1);
    if (ok && payloads_file.text) {
        b.src = SRC_PAYLOADS;
        parse_payloads_file(&b, payloads_file.text, payloads_file.len);
    }
    if (ok && probes_file.text && !b.oom) {
        b.src = SRC_PROBES;
        b.nfile = 0;
        b.stop = false;
        parse_probes_file(&b, probes_file.text, probes_file.len);
    }
    ok = ok && !b.oom && build(&b);
    if (!ok) {
        free(pl->port_set);
        free(pl->set);
        free(pl->ref);
        memset(pl, 0, sizeof *pl);
        builder_free(&b);
        return err_set(e, "out of memory loading %s and %s", b.name[0], b.name[1]);
    }
    pl->blob = b.blob;
    b.blob = NULL;
    builder_free(&b);
    return 0;
}

/* Reads path into *t; a path not given or naming nothing leaves t->text
 * NULL (not an error: nmap-common may hold either file). */
static int read_optional(const char *path, struct payload_text *t, char **buf, err_t *e)
{
    struct stat st;
    *buf = NULL;
    *t = (struct payload_text){.name = path};
    if (!path || (stat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR)))
        return 0;
    if (read_file(path, buf, &t->len, e) < 0) /* bounded: INPUT_FILE_MAX */
        return -1;
    t->text = *buf;
    return 0;
}

int payloads_load(struct payloads *pl, const char *payloads_path, const char *probes_path,
                  payloads_warn_fn warn_fn, void *ctx, err_t *e)
{
    memset(pl, 0, sizeof *pl);
    struct payload_text pt, st;
    char *pbuf, *sbuf = NULL;
    int rc = read_optional(payloads_path, &pt, &pbuf, e);
    if (rc == 0)
        rc = read_optional(probes_path, &st, &sbuf, e);
    if (rc == 0)
        rc = payloads_parse(pl, pt, st, warn_fn, ctx, e);
    free(pbuf);
    free(sbuf);
    return rc;
}

void payloads_free(struct payloads *pl)
{
    free(pl->blob);
    free(pl->ref);
    free(pl->set);
    free(pl->port_set);
    memset(pl, 0, sizeof *pl);
}

/* ---- --data, --data-string, --data-length ------------------------------ */

int payload_from_hex(const char *arg, uint8_t *out, size_t cap, size_t *len, err_t *e)
{
    char qb[48];
    const char *q = clip(arg, qb, sizeof qb), *s = arg;
    bool esc = s[0] == '\\' && (s[1] == 'x' || s[1] == 'X');
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = 0;
    int high = -1;
    for (; *s; s++) {
        if (esc && s[0] == '\\' && (s[1] == 'x' || s[1] == 'X')) {
            s++;
            continue;
        }
        int v = hex_value((unsigned char)*s);
        if (v < 0) {
            unsigned char c = (unsigned char)*s;
            if (c > 0x20 && c < 0x7f)
                return err_set(e, "--data: '%s': '%c' is not a hex digit", q, c);
            return err_set(e, "--data: '%s': byte 0x%02x is not a hex digit", q, c);
        }
        if (high < 0) {
            high = v;
            continue;
        }
        if (n == cap)
            return err_set(e, "--data: '%s': more than %zu bytes", q, cap);
        out[n++] = (uint8_t)(high << 4 | v);
        high = -1;
    }
    if (high >= 0)
        return err_set(e, "--data: '%s': an odd number of hex digits", q);
    if (n == 0)
        return err_set(e, "--data: '%s': no hex digits (e.g. 0xdeadbeef, deadbeef, \\xde\\xad)", q);
    *len = n;
    return 0;
}

int payload_data_length(const char *arg, size_t *len, err_t *e)
{
    uint64_t v;
    if (parse_uint(arg, 0, DATA_LEN_MAX, &v, e, "--data-length") < 0)
        return -1;
    *len = (size_t)v;
    return 0;
}

int payload_data_string(const char *arg, size_t *len, err_t *e)
{
    size_t n = strlen(arg);
    if (n > DATA_LEN_MAX)
        return err_set(e, "--data-string: %zu bytes; at most %d fit in a packet", n, DATA_LEN_MAX);
    *len = n;
    return 0;
}
