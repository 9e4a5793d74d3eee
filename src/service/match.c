#include "service/match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int matcher_init(struct matcher *m, const struct probedb *db, err_t *e)
{
    m->db = db;
    m->md = pcre2_match_data_create(10, NULL);
    return m->md ? 0 : err_set(e, "out of memory");
}

void matcher_free(struct matcher *m)
{
    pcre2_match_data_free(m->md);
    m->md = NULL;
}

static bool line_matches(struct matcher *m, int mi, const uint8_t *resp, size_t len)
{
    return pcre2_match(m->db->matches[mi].re, resp, len, 0, 0, m->md, NULL) >= 0;
}

static int match_probe_lines(struct matcher *m, const struct svc_probe *p, const uint8_t *resp, size_t len)
{
    for (uint32_t i = p->first; i < p->first + p->count; i++)
        if (line_matches(m, (int)i, resp, len))
            return (int)i;
    return -1;
}

int match_response(struct matcher *m, const struct svc_probe *p, const uint8_t *resp, size_t len)
{
    int mi = match_probe_lines(m, p, resp, len);
    for (int f = 0; mi < 0 && f < p->nfallback; f++)
        mi = match_probe_lines(m, &m->db->probes[p->fallback[f]], resp, len);
    return mi;
}

/* Output buffer with a hard bound. */
struct out {
    char buf[256];
    size_t n;
};

static void put(struct out *o, const char *s, size_t len)
{
    for (size_t i = 0; i < len && o->n + 1 < sizeof o->buf; i++)
        o->buf[o->n++] = s[i];
    o->buf[o->n] = 0;
}

/* Group n of the last match, or an empty span. */
static const char *group(struct matcher *m, const uint8_t *resp, int n, size_t *len)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    uint32_t count = pcre2_get_ovector_count(m->md);
    if (n < 0 || (uint32_t)n >= count || ov[2 * n] == PCRE2_UNSET) {
        *len = 0;
        return "";
    }
    *len = ov[2 * n + 1] - ov[2 * n];
    return (const char *)resp + ov[2 * n];
}

/* A quoted argument "..." at s; returns what follows, or NULL. */
static const char *quoted(const char *s, char *dst, size_t cap)
{
    if (*s != '"')
        return NULL;
    const char *end = strchr(s + 1, '"');
    if (!end || (size_t)(end - s - 1) >= cap)
        return NULL;
    memcpy(dst, s + 1, (size_t)(end - s - 1));
    dst[end - s - 1] = 0;
    return end + 1;
}

static void put_printable(struct out *o, const char *g, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isprint((unsigned char)g[i]))
            put(o, &g[i], 1);
}

static void put_subst(struct out *o, const char *g, size_t len, const char *from, const char *to)
{
    size_t fl = strlen(from);
    for (size_t i = 0; i < len;) {
        if (fl && i + fl <= len && !memcmp(g + i, from, fl)) {
            put(o, to, strlen(to));
            i += fl;
        } else {
            put(o, g + i++, 1);
        }
    }
}

static void put_int(struct out *o, const char *g, size_t len, bool big)
{
    /* the first 8 bytes at most (a longer group shifted past 64 bits) */
    size_t n = len < 8 ? len : 8;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | (uint8_t)g[big ? i : n - 1 - i];
    char num[24];
    snprintf(num, sizeof num, "%llu", v);
    put(o, num, strlen(num));
}

/* One helper call at s ("$P(1)", "$SUBST(1,"a","b")", "$I(1,">")"); returns
 * the text after it, or NULL if it is not well formed. */
static const char *helper(struct matcher *m, const uint8_t *resp, const char *s, struct out *o)
{
    char a[64] = "", b[64] = "";
    size_t len;
    int kind = !strncmp(s, "$P(", 3) ? 'P' : !strncmp(s, "$SUBST(", 7) ? 'S' : !strncmp(s, "$I(", 3) ? 'I' : 0;
    if (!kind)
        return NULL;
    s = strchr(s, '(') + 1;
    if (!isdigit((unsigned char)*s))
        return NULL;
    const char *g = group(m, resp, *s++ - '0', &len);
    if (kind != 'P' && (*s++ != ',' || !(s = quoted(s, a, sizeof a))))
        return NULL;
    if (kind == 'S' && (*s++ != ',' || !(s = quoted(s, b, sizeof b))))
        return NULL;
    if (*s++ != ')')
        return NULL;
    if (kind == 'P')
        put_printable(o, g, len);
    else if (kind == 'S')
        put_subst(o, g, len, a, b);
    else
        put_int(o, g, len, a[0] == '>');
    return s;
}

/* What a CPE may hold of a substituted value, as nmap's transform_cpe
 * writes it (the CPE specification's section 5.4): reserved characters
 * percent-encoded, blanks as '_', the rest lower-cased. */
static void put_cpe(struct out *o, const struct out *v)
{
    for (size_t i = 0; i < v->n; i++) {
        unsigned char c = (unsigned char)v->buf[i];
        char tmp[4];
        if (c && strchr(":/?#[]@!$&'()*+,;=%<>\"", c))
            snprintf(tmp, sizeof tmp, "%%%02X", c);
        else
            snprintf(tmp, sizeof tmp, "%c", isspace(c) ? '_' : tolower(c));
        put(o, tmp, strlen(tmp));
    }
}

/* A version field, or with cpe a CPE (its substitutions encoded). */
static char *fill_template(struct matcher *m, const char *t, const uint8_t *resp, bool cpe)
{
    struct out o = {.n = 0}, v;
    o.buf[0] = 0;
    while (*t) {
        const char *next;
        size_t len;
        v.n = 0;
        v.buf[0] = 0;
        if (t[0] == '$' && isdigit((unsigned char)t[1])) {
            const char *g = group(m, resp, t[1] - '0', &len);
            for (size_t i = 0; i < len; i++) /* raw bytes; controls would break a line */
                put(&v, isprint((unsigned char)g[i]) ? &g[i] : ".", 1);
            t += 2;
        } else if (t[0] == '$' && (next = helper(m, resp, t, &v))) {
            t = next;
        } else {
            put(&o, t++, 1);
            continue;
        }
        if (cpe)
            put_cpe(&o, &v);
        else
            put(&o, v.buf, v.n);
    }
    return o.n ? strdup(o.buf) : NULL;
}

/* The line's CPEs into si.  As nmap does, a service has at most one CPE
 * of each part (a, h, o), a line's last one of a part wins, and they are
 * listed in that order. */
static void fill_cpes(struct matcher *m, const struct svc_match *ml, const uint8_t *resp,
                      struct service_info *si)
{
    static const char parts[] = "aho";
    char *slot[3] = {NULL, NULL, NULL};
    for (int c = 0; c < si->ncpe; c++) { /* "cpe:/a:..." */
        const char *k = si->cpe[c][5] ? strchr(parts, si->cpe[c][5]) : NULL;
        if (k)
            slot[k - parts] = si->cpe[c];
        else
            free(si->cpe[c]);
    }
    for (int c = 0; c < ml->ncpe; c++) {
        const char *k = ml->cpe[c][0] ? strchr(parts, ml->cpe[c][0]) : NULL;
        char *v = k ? fill_template(m, ml->cpe[c], resp, true) : NULL, *full = NULL;
        /* cpe:/a:vendor:product/ holds "a:vendor:product" between its slashes. */
        if (v && asprintf(&full, "cpe:/%s", v) > 0) {
            free(slot[k - parts]);
            slot[k - parts] = full;
        }
        free(v);
    }
    si->ncpe = 0;
    for (int k = 0; k < 3; k++)
        if (slot[k])
            si->cpe[si->ncpe++] = slot[k];
}

void match_fill(struct matcher *m, int mi, const uint8_t *resp, size_t len, struct service_info *si)
{
    const struct svc_match *ml = &m->db->matches[mi];
    line_matches(m, mi, resp, len); /* groups of this line */
    snprintf(si->name, sizeof si->name, "%s", ml->service);
    si->soft = ml->soft;
    for (int f = 0; f < VF_COUNT; f++)
        if (ml->field[f]) {
            free(si->field[f]);
            si->field[f] = fill_template(m, ml->field[f], resp, false);
        }
    fill_cpes(m, ml, resp, si);
}

char *escape_bytes(const uint8_t *resp, size_t len, size_t max)
{
    char *out = malloc(max + 1);
    size_t n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char tmp[5];
        uint8_t c = resp[i];
        if (c == '\r' || c == '\n' || c == '\t')
            snprintf(tmp, sizeof tmp, "\\%c", c == '\r' ? 'r' : c == '\n' ? 'n' : 't');
        else if (c == '\\' || !isprint(c))
            snprintf(tmp, sizeof tmp, c == '\\' ? "\\\\" : "\\x%02x", c);
        else
            snprintf(tmp, sizeof tmp, "%c", c);
        size_t tl = strlen(tmp);
        if (n + tl > max)
            break;
        memcpy(out + n, tmp, tl);
        n += tl;
    }
    out[n] = 0;
    return out;
}
