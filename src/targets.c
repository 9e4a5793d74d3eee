#include "targets.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

void targets_init(struct targets *t)
{
    memset(t, 0, sizeof *t);
}

void targets_free(struct targets *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].oct);
        free(t->v[i].name);
    }
    free(t->v);
    free(t->start);
    free(t->iv4);
    free(t->iv6);
    free(t->odd);
    memset(t, 0, sizeof *t);
}

static int push(struct targets *t, const struct tspec *s, err_t *e)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        struct tspec *nv = realloc(t->v, cap * sizeof *nv);
        if (!nv)
            return err_set(e, "out of memory adding targets");
        t->v = nv;
        t->cap = cap;
    }
    t->v[t->n++] = *s;
    return 0;
}

/* Parses "a", "a-b", "-b", "a-", "*" into [lo, hi] within 0..255. */
static int octet_item(const char *s, size_t len, int *lo, int *hi)
{
    if (len == 1 && s[0] == '*') {
        *lo = 0, *hi = 255;
        return 0;
    }
    int vals[2] = {-1, -1}, which = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-') {
            if (which)
                return -1;
            which = 1;
        } else if (isdigit((unsigned char)s[i])) {
            int v = (vals[which] < 0 ? 0 : vals[which]) * 10 + (s[i] - '0');
            if (v > 255)
                return -1;
            vals[which] = v;
        } else {
            return -1;
        }
    }
    if (!which) {
        if (vals[0] < 0)
            return -1;
        *lo = *hi = vals[0];
        return 0;
    }
    if (vals[0] < 0 && vals[1] < 0 && len != 1)
        return -1;
    *lo = vals[0] < 0 ? 0 : vals[0];
    *hi = vals[1] < 0 ? 255 : vals[1];
    return *lo <= *hi ? 0 : -1;
}

/* Fills one octet's set from "1,5,7-9"; returns -1 if it is not octet syntax. */
static int octet_set(const char *s, size_t len, struct octet_sets *o, int idx)
{
    if (len == 0)
        return -1;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        int lo, hi;
        if (octet_item(s + i, j - i, &lo, &hi) < 0)
            return -1;
        for (int v = lo; v <= hi; v++)
            o->bits[idx][v / 8] |= (uint8_t)(1 << (v % 8));
        i = j + 1;
    }
    o->n[idx] = 0;
    for (int v = 0; v < 256; v++)
        if (o->bits[idx][v / 8] & (1 << (v % 8)))
            o->vals[idx][o->n[idx]++] = (uint8_t)v;
    return 0;
}

/* Tries nmap's octet-range syntax; 1 = parsed, 0 = not this syntax. */
static int parse_octets(const char *s, struct tspec *out, err_t *e)
{
    if (!strpbrk(s, "-,*"))
        return 0;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr(".-,*", *p))
            return 0;
    struct octet_sets *o = calloc(1, sizeof *o);
    if (!o)
        return err_set(e, "out of memory");
    const char *p = s;
    for (int idx = 0; idx < 4; idx++) {
        const char *dot = idx < 3 ? strchr(p, '.') : p + strlen(p);
        if (!dot || octet_set(p, (size_t)(dot - p), o, idx) < 0) {
            free(o);
            char q[72];
            return err_set(e, "invalid target '%s': bad octet range in part %d", clip(s, q, sizeof q),
                           idx + 1);
        }
        p = dot + 1;
    }
    memset(out, 0, sizeof *out);
    out->kind = TS_OCTETS;
    out->oct = o;
    out->count = (uint64_t)o->n[0] * o->n[1] * o->n[2] * o->n[3];
    return 1;
}

static int resolve(const char *name, int family, struct addr *out, err_t *e)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = (family & TARGET_V6) ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0 || !res)
        return err_set(e, "failed to resolve '%s': %s", name, gai_strerror(rc));
    int ok = addr_from_sockaddr(res->ai_addr, out);
    freeaddrinfo(res);
    if (ok < 0)
        return err_set(e, "failed to resolve '%s': no usable address", name);
    return 0;
}

#define HOSTNAME_MAX 253 /* RFC 1035's limit on a name's text form */

static bool plausible_hostname(const char *s)
{
    if (!*s || strlen(s) > HOSTNAME_MAX)
        return false;
    /* Digits and dots alone that inet_aton refused are a malformed
     * address, not a name. */
    if (strspn(s, "0123456789.") == strlen(s))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
            return false;
    return true;
}

/* Four decimal parts, leading zeros allowed: "198.18.0.010" is .10, as
 * nmap's parse_ipv4_ranges reads it (inet_pton refuses it, inet_aton would
 * read octal). */
static int dotted_decimal(const char *s, struct addr *out)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        if (part && *s++ != '.')
            return -1;
        if (!isdigit((unsigned char)*s))
            return -1;
        unsigned x = 0;
        for (; isdigit((unsigned char)*s); s++)
            if ((x = x * 10 + (unsigned)(*s - '0')) > 255)
                return -1;
        v = v << 8 | x;
    }
    if (*s)
        return -1;
    *out = addr_v4(v);
    return 0;
}

/* The other IPv4 forms the resolver takes through inet_aton: "127.1",
 * "10.0.0", "0x7f.1", "2130706433", "010.1" (octal: 8.0.0.1).  nmap passes
 * them to the resolver as names; the same address comes out here without a
 * DNS query. */
static int aton_form(const char *s, struct addr *out)
{
    struct in_addr in;
    /* inet_aton stops at a blank and takes what came before */
    if (strspn(s, "0123456789abcdefABCDEFxX.") != strlen(s) || !inet_aton(s, &in))
        return -1;
    *out = addr_v4(ntohl(in.s_addr));
    return 0;
}

/* Why host (no address, no name) is not a target, for the message. */
static const char *not_a_target(const char *host)
{
    const char *pct = strchr(host, '%');
    struct addr a;
    char v6[ADDR_STRLEN];
    if (pct && (size_t)(pct - host) < sizeof v6) {
        memcpy(v6, host, (size_t)(pct - host));
        v6[pct - host] = '\0';
        if (addr_parse(v6, &a) == 0 && a.family == AF_INET6)
            return "no such network interface for the IPv6 scope";
    }
    if (strlen(host) > HOSTNAME_MAX)
        return "a host name is at most 253 characters";
    return "not an address, range or hostname";
}

/* addr[/prefix] or hostname[/prefix]. */
static int parse_range(const char *spec, int family, struct tspec *out, err_t *e)
{
    char host[HOSTNAME_MAX + 2], q[72];
    const char *qs = clip(spec, q, sizeof q); /* the spec as messages quote it */
    const char *slash = strchr(spec, '/');
    size_t hl = slash ? (size_t)(slash - spec) : strlen(spec);
    if (hl == 0)
        return err_set(e, "invalid target '%s': nothing before the '/'", qs);
    if (hl >= sizeof host)
        return err_set(e, "invalid target '%s' (%zu characters): a host name is at most %d characters",
                       qs, hl, HOSTNAME_MAX);
    memcpy(host, spec, hl);
    host[hl] = '\0';

    memset(out, 0, sizeof *out);
    bool named = false; /* nmap shows "127.1 (127.0.0.1)": the text is a name */
    if (addr_parse(host, &out->base) < 0 && dotted_decimal(host, &out->base) < 0 &&
        !(named = aton_form(host, &out->base) == 0)) {
        if (!plausible_hostname(host))
            return err_set(e, "invalid target '%s': %s", qs, not_a_target(host));
        if (family & TARGET_NO_RESOLVE)
            return err_set(e, "invalid target '%s': names are not resolved here", qs);
        if (resolve(host, family, &out->base, e) < 0)
            return -1;
        named = true;
    }
    if (named && !(out->name = strdup(host)))
        return err_set(e, "out of memory");
    unsigned maxbits = out->base.family == AF_INET ? 32 : 128;
    unsigned prefix = maxbits;
    if (slash) {
        uint64_t v;
        err_t pe;
        if (parse_uint(slash + 1, 0, maxbits, &v, &pe, "prefix") < 0) {
            free(out->name);
            return err_set(e, "invalid target '%s': prefix must be 0 to %u", qs, maxbits);
        }
        prefix = (unsigned)v;
    }
    /* IPv6 ranges are indexed in 64 bits; the permutation allows 2^62. */
    if (out->base.family == AF_INET6 && maxbits - prefix > 62) {
        free(out->name);
        return err_set(e, "invalid target '%s': IPv6 prefixes shorter than /66 are too large to scan", qs);
    }
    out->kind = TS_RANGE;
    out->prefix = prefix;
    out->count = 1ULL << (maxbits - prefix);
    /* Align the base down to the network address. */
    if (out->base.family == AF_INET) {
        out->base.u.v4 &= (uint32_t)~(0xffffffffULL >> prefix);
    } else {
        for (unsigned b = prefix; b < 128; b++)
            out->base.u.v6[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
    }
    return 0;
}

int targets_add(struct targets *t, const char *spec, int family, err_t *e)
{
    struct tspec s;
    if (!spec || !*spec)
        return err_set(e, "invalid target: empty");
    int r = parse_octets(spec, &s, e);
    if (r < 0)
        return -1;
    if (r == 0 && parse_range(spec, family, &s, e) < 0)
        return -1;
    if (push(t, &s, e) < 0) {
        free(s.oct);
        free(s.name);
        return -1;
    }
    return 0;
}

int targets_add_list(struct targets *t, const char *list, int family, err_t *e)
{
    err_t whole;
    if (targets_add(t, list, family, &whole) == 0)
        return 0;
    char *copy = strdup(list), *save = NULL;
    if (!copy)
        return err_set(e, "out of memory");
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save))
        rc = targets_add(t, tok, family, e);
    free(copy);
    return rc;
}

/* nmap's separators in target files (read_host_from_file): a NUL is one of
 * them, so the targets after it on its line are read, not dropped. */
static bool separator(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

int targets_add_text(struct targets *t, const char *text, size_t len, int family,
                     const char *origin, err_t *e)
{
    unsigned line = 1;
    for (size_t i = 0; i < len;) {
        if (text[i] == '#') { /* a comment runs to the end of its line */
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        if (separator(text[i])) {
            line += text[i++] == '\n';
            continue;
        }
        size_t j = i;
        while (j < len && !separator(text[j]) && text[j] != '#')
            j++;
        char *tok = strndup(text + i, j - i);
        if (!tok)
            return err_set(e, "out of memory reading %s", origin);
        err_t te;
        int rc = targets_add(t, tok, family, &te);
        free(tok);
        if (rc < 0)
            return err_set(e, "%s:%u: %s", origin, line, te.msg);
        i = j;
    }
    return 0;
}

int targets_add_file(struct targets *t, const char *path, int family, err_t *e)
{
    char *buf;
    size_t len;
    /* read_file takes a path; /dev/stdin gives the same for "-". */
    if (read_file(strcmp(path, "-") ? path : "/dev/stdin", &buf, &len, e) < 0)
        return -1;
    int rc = targets_add_text(t, buf, len, family, strcmp(path, "-") ? path : "stdin", e);
    free(buf);
    return rc;
}

static int build_index(struct targets *t, err_t *e);

int targets_finish(struct targets *t, err_t *e)
{
    free(t->start);
    t->start = xcalloc(t->n + 1, sizeof *t->start, e);
    if (!t->start)
        return -1;
    uint64_t sum = 0;
    for (size_t i = 0; i < t->n; i++) {
        t->start[i] = sum;
        if (sum + t->v[i].count < sum || sum + t->v[i].count > (1ULL << 62))
            return err_set(e, "too many targets (more than 2^62 addresses)");
        sum += t->v[i].count;
    }
    t->start[t->n] = sum;
    t->total = sum;
    return build_index(t, e);
}

static struct addr spec_get(const struct tspec *s, uint64_t off)
{
    if (s->kind == TS_RANGE)
        return off ? addr_add(&s->base, off) : s->base;
    const struct octet_sets *o = s->oct;
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) {
        v |= (uint32_t)o->vals[i][off % o->n[i]] << (8 * (3 - i));
        off /= o->n[i];
    }
    return addr_v4(v);
}

void targets_get(const struct targets *t, uint64_t i, struct addr *out, const char **name)
{
    /* Binary search for the spec holding index i. */
    size_t lo = 0, hi = t->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->start[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    *out = spec_get(&t->v[lo], i - t->start[lo]);
    if (name)
        *name = t->v[lo].name;
}

static bool spec_contains(const struct tspec *s, const struct addr *a)
{
    if (s->kind == TS_RANGE)
        return addr_prefix_match(a, &s->base, s->prefix);
    if (a->family != AF_INET)
        return false;
    for (int i = 0; i < 4; i++) {
        unsigned v = (a->u.v4 >> (8 * (3 - i))) & 0xff;
        if (!(s->oct->bits[i][v / 8] & (1 << (v % 8))))
            return false;
    }
    return true;
}

/* The membership index.  Every spec is a union of address intervals:
 * a TS_RANGE is one (base to base | host bits); an octet spec is, for each
 * combination of values of the octets before its last partial one (k), one
 * interval per run of consecutive values of octet k, the octets after k
 * being full (0-255).  Sorted by start and merged where they overlap or
 * touch, the intervals of a family are disjoint and ordered, so membership
 * is the one interval whose start is the last <= the address. */

#define INDEX_MAX (1u << 22) /* intervals in all: 32 MiB of IPv4 at most */

struct runs {
    uint8_t lo[256], hi[256];
    uint32_t n;
};

/* The last partial octet of o (-1 if all four are full) and its runs. */
static int octet_runs(const struct octet_sets *o, struct runs *r)
{
    int k = 3;
    while (k >= 0 && o->n[k] == 256)
        k--;
    r->n = 0;
    for (uint16_t i = 0; k >= 0 && i < o->n[k]; i++) {
        uint8_t v = o->vals[k][i];
        if (r->n && r->hi[r->n - 1] + 1 == v)
            r->hi[r->n - 1] = v;
        else
            r->lo[r->n] = r->hi[r->n] = v, r->n++;
    }
    return k;
}

static uint64_t octet_intervals(const struct octet_sets *o)
{
    struct runs r;
    int k = octet_runs(o, &r);
    if (k < 0)
        return 1;
    uint64_t n = r.n;
    for (int i = 0; i < k; i++)
        n *= o->n[i];
    return n;
}

static size_t octet_expand(const struct octet_sets *o, struct tiv4 *out)
{
    struct runs r;
    int k = octet_runs(o, &r);
    if (k < 0) {
        out[0] = (struct tiv4){0, UINT32_MAX};
        return 1;
    }
    unsigned shift = 8 * (3 - (unsigned)k);
    uint32_t below = (uint32_t)((1ULL << shift) - 1); /* the full octets after k */
    uint16_t idx[4] = {0};
    size_t m = 0;
    for (;;) {
        uint32_t prefix = 0;
        for (int i = 0; i < k; i++)
            prefix |= (uint32_t)o->vals[i][idx[i]] << (8 * (3 - i));
        for (uint32_t j = 0; j < r.n; j++)
            out[m++] = (struct tiv4){prefix | (uint32_t)r.lo[j] << shift,
                                     prefix | (uint32_t)r.hi[j] << shift | below};
        /* Next combination of the octets before k, the last one fastest. */
        int i = k - 1;
        while (i >= 0 && ++idx[i] == o->n[i])
            idx[i--] = 0;
        if (i < 0)
            return m;
    }
}

static void v6_words(const uint8_t b[16], uint64_t w[2])
{
    w[0] = w[1] = 0;
    for (int i = 0; i < 16; i++)
        w[i / 8] = w[i / 8] << 8 | b[i];
}

static struct tiv6 v6_interval(const struct tspec *s)
{
    struct tiv6 iv;
    v6_words(s->base.u.v6, iv.lo);
    unsigned p = s->prefix;
    iv.hi[0] = iv.lo[0] | (p == 0 ? UINT64_MAX : p >= 64 ? 0 : UINT64_MAX >> p);
    iv.hi[1] = iv.lo[1] | (p <= 64 ? UINT64_MAX : p == 128 ? 0 : UINT64_MAX >> (p - 64));
    return iv;
}

static int cmp6(const uint64_t a[2], const uint64_t b[2])
{
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

static int by_lo4(const void *a, const void *b)
{
    uint32_t x = ((const struct tiv4 *)a)->lo, y = ((const struct tiv4 *)b)->lo;
    return x < y ? -1 : x > y;
}

static int by_lo6(const void *a, const void *b)
{
    return cmp6(((const struct tiv6 *)a)->lo, ((const struct tiv6 *)b)->lo);
}

static size_t merge4(struct tiv4 *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, by_lo4);
    size_t m = 0;
    for (size_t i = 1; i < n; i++) {
        if ((uint64_t)v[i].lo <= (uint64_t)v[m].hi + 1) {
            if (v[i].hi > v[m].hi)
                v[m].hi = v[i].hi;
        } else {
            v[++m] = v[i];
        }
    }
    return m + 1;
}

/* Whether an interval starting at lo overlaps or touches one ending at hi
 * (given it starts no earlier than that one does). */
static bool touches6(const uint64_t hi[2], const uint64_t lo[2])
{
    if (cmp6(lo, hi) <= 0)
        return true; /* also covers hi = the last address, where hi + 1 wraps */
    uint64_t next[2] = {hi[0] + (hi[1] == UINT64_MAX), hi[1] + 1};
    return cmp6(lo, next) == 0;
}

static size_t merge6(struct tiv6 *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, by_lo6);
    size_t m = 0;
    for (size_t i = 1; i < n; i++) {
        if (touches6(v[m].hi, v[i].lo)) {
            if (cmp6(v[i].hi, v[m].hi) > 0)
                memcpy(v[m].hi, v[i].hi, sizeof v[m].hi);
        } else {
            v[++m] = v[i];
        }
    }
    return m + 1;
}

static int build_index(struct targets *t, err_t *e)
{
    free(t->iv4);
    free(t->iv6);
    free(t->odd);
    t->iv4 = NULL, t->iv6 = NULL, t->odd = NULL;
    t->niv4 = t->niv6 = t->nodd = 0;
    /* First count, deciding which octet specs expand, then fill. */
    size_t n4 = 0, n6 = 0, nodd = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct tspec *s = &t->v[i];
        uint64_t k = s->kind == TS_OCTETS ? octet_intervals(s->oct) : 1;
        if (s->kind == TS_RANGE && s->base.family == AF_INET6)
            n6++;
        else if (k <= TARGETS_EXPAND_MAX && n4 + k <= INDEX_MAX)
            n4 += k;
        else
            nodd++;
    }
    t->iv4 = malloc((n4 ? n4 : 1) * sizeof *t->iv4);
    t->iv6 = malloc((n6 ? n6 : 1) * sizeof *t->iv6);
    t->odd = malloc((nodd ? nodd : 1) * sizeof *t->odd);
    if (!t->iv4 || !t->iv6 || !t->odd)
        return err_set(e, "out of memory indexing %zu target specs", t->n);
    /* The same greedy choice as the count: a spec that fitted under
     * INDEX_MAX then fits under n4 now, and one that did not, does not. */
    size_t m4 = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct tspec *s = &t->v[i];
        uint64_t k = s->kind == TS_OCTETS ? octet_intervals(s->oct) : 1;
        if (s->kind == TS_RANGE && s->base.family == AF_INET6) {
            t->iv6[t->niv6++] = v6_interval(s);
        } else if (k > TARGETS_EXPAND_MAX || m4 + k > n4) {
            t->odd[t->nodd++] = i;
        } else if (s->kind == TS_RANGE) {
            uint32_t lo = s->base.u.v4;
            t->iv4[m4++] = (struct tiv4){lo, lo | (uint32_t)(0xffffffffULL >> s->prefix)};
        } else {
            m4 += octet_expand(s->oct, t->iv4 + m4);
        }
    }
    t->niv4 = merge4(t->iv4, m4);
    t->niv6 = merge6(t->iv6, t->niv6);
    return 0;
}

bool targets_contains(const struct targets *t, const struct addr *a)
{
    if (a->family == AF_INET && t->niv4) {
        /* The last interval starting at or before the address. */
        size_t lo = 0, hi = t->niv4;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (t->iv4[mid].lo <= a->u.v4)
                lo = mid;
            else
                hi = mid;
        }
        if (t->iv4[lo].lo <= a->u.v4 && a->u.v4 <= t->iv4[lo].hi)
            return true;
    } else if (a->family == AF_INET6 && t->niv6) {
        uint64_t x[2];
        v6_words(a->u.v6, x);
        size_t lo = 0, hi = t->niv6;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (cmp6(t->iv6[mid].lo, x) <= 0)
                lo = mid;
            else
                hi = mid;
        }
        if (cmp6(t->iv6[lo].lo, x) <= 0 && cmp6(x, t->iv6[lo].hi) <= 0)
            return true;
    }
    for (size_t i = 0; i < t->nodd; i++)
        if (spec_contains(&t->v[t->odd[i]], a))
            return true;
    return false;
}
