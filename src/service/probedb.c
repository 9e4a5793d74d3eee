#include "service/probedb.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
    struct probedb *db;
    probedb_warn_fn warn;
    void *ctx;
    const char *path;
    uint32_t line;
    size_t cap_probes, cap_matches;
};

static int bad(struct loader *L, const char *why)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s:%u: %s; line skipped", L->path, L->line, why);
    L->db->warnings++;
    if (L->warn)
        L->warn(L->ctx, msg);
    return -1;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads a word into w (size n); returns what follows it. */
static const char *word(const char *s, char *w, size_t n)
{
    size_t i = 0;
    s = skip_space(s);
    while (*s && *s != ' ' && *s != '\t' && i + 1 < n)
        w[i++] = *s++;
    w[i] = 0;
    return s;
}

/* Reads "<d>text<d>" at s into a fresh string; *end is after the closing d. */
static char *delimited(const char *s, const char **end)
{
    char d = *s;
    if (!d)
        return NULL;
    const char *close = strchr(s + 1, d);
    if (!close)
        return NULL;
    *end = close + 1;
    return strndup(s + 1, (size_t)(close - s - 1));
}

/* nmap's C-string escapes of probe payloads: \\ \0 \a \b \f \n \r \t \v \xHH. */
static uint8_t *unescape(const char *s, size_t *len)
{
    uint8_t *out = malloc(strlen(s) + 1), *o = out;
    if (!out)
        return NULL;
    static const char from[] = "0abfnrtv", to[] = "\0\a\b\f\n\r\t\v";
    for (; *s; s++) {
        const char *k;
        if (*s != '\\' || !s[1]) {
            *o++ = (uint8_t)*s;
        } else if (s[1] == 'x' && hex_value(s[2]) >= 0 && hex_value(s[3]) >= 0) {
            *o++ = (uint8_t)(hex_value(s[2]) << 4 | hex_value(s[3]));
            s += 3;
        } else if ((k = memchr(from, s[1], sizeof from - 1))) {
            *o++ = (uint8_t)to[k - from];
            s++;
        } else {
            *o++ = (uint8_t)s[1]; /* \\ and any other escaped character */
            s++;
        }
    }
    *len = (size_t)(o - out);
    return out;
}

static int add_range(struct port_ranges *pr, unsigned long lo, unsigned long hi)
{
    void *n = realloc(pr->r, (pr->n + 1) * sizeof *pr->r);
    if (!n)
        return -1;
    pr->r = n;
    pr->r[pr->n][0] = (uint16_t)lo;
    pr->r[pr->n++][1] = (uint16_t)hi;
    return 0;
}

/* "21,23,1040-1043" into tcp.  With udp (Exclude), T: and U: pick the
 * protocol of the ports after them, and ports before either are both
 * protocols' (nmap's getpts). */
static int parse_ranges(const char *s, struct port_ranges *tcp, struct port_ranges *udp)
{
    bool to_tcp = true, to_udp = udp != NULL;
    while (*s) {
        s = skip_space(s);
        if (udp && (s[0] == 'T' || s[0] == 'U') && s[1] == ':') {
            to_tcp = s[0] == 'T';
            to_udp = !to_tcp;
            s += 2;
        }
        char *end;
        unsigned long lo = strtoul(s, &end, 10), hi = lo;
        if (end == s || lo > 65535)
            return -1;
        if (*end == '-') {
            s = end + 1;
            hi = strtoul(s, &end, 10);
            if (end == s || hi > 65535 || hi < lo)
                return -1;
        }
        if ((to_tcp && add_range(tcp, lo, hi) < 0) || (to_udp && add_range(udp, lo, hi) < 0))
            return -1;
        s = skip_space(end);
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

bool ranges_has(const struct port_ranges *pr, uint16_t port)
{
    for (uint32_t i = 0; i < pr->n; i++)
        if (port >= pr->r[i][0] && port <= pr->r[i][1])
            return true;
    return false;
}

static struct svc_probe *cur_probe(struct loader *L)
{
    return L->db->nprobes ? &L->db->probes[L->db->nprobes - 1] : NULL;
}

static int add_probe(struct loader *L, const char *rest)
{
    char proto[8], name[64];
    rest = word(word(rest, proto, sizeof proto), name, sizeof name);
    rest = skip_space(rest);
    bool udp = !strcmp(proto, "UDP");
    if ((!udp && strcmp(proto, "TCP")) || !*name || rest[0] != 'q')
        return bad(L, "expected: Probe TCP|UDP NAME q|payload|");
    const char *end;
    char *raw = delimited(rest + 1, &end);
    if (!raw)
        return bad(L, "unterminated probe payload");
    if (L->db->nprobes == L->cap_probes) {
        L->cap_probes = L->cap_probes ? 2 * L->cap_probes : 64;
        void *n = realloc(L->db->probes, L->cap_probes * sizeof *L->db->probes);
        if (!n) {
            free(raw);
            return bad(L, "out of memory");
        }
        L->db->probes = n;
    }
    struct svc_probe *p = &L->db->probes[L->db->nprobes++];
    *p = (struct svc_probe){.name = strdup(name), .udp = udp, .rarity = 5, .totalwait_ms = 5000,
                            .tcpwrapped_ms = 3000, .first = L->db->nmatches, .line = L->line};
    p->payload = unescape(raw, &p->len);
    free(raw);
    if (!udp && !strcmp(name, "NULL"))
        L->db->null_probe = (int)(L->db->nprobes - 1);
    return 0;
}

/* The version fields after the regex: p/../ v/../ i/../ h/../ o/../ d/../ cpe:/../a */
static int parse_fields(struct loader *L, const char *s, struct svc_match *m)
{
    static const char letters[] = "pvihod";
    for (s = skip_space(s); *s; s = skip_space(s)) {
        const char *end;
        bool cpe = !strncmp(s, "cpe:", 4);
        const char *k = cpe ? NULL : strchr(letters, *s);
        if (!cpe && (!k || !*s))
            return bad(L, "unknown version field");
        char *v = delimited(s + (cpe ? 4 : 1), &end);
        if (!v)
            return bad(L, "unterminated version field");
        if (cpe) {
            while (*end && *end != ' ' && *end != '\t')
                end++; /* the 'a' flag */
            if (m->ncpe < SVC_MAX_CPE)
                m->cpe[m->ncpe++] = v;
            else
                free(v);
        } else {
            free(m->field[k - letters]);
            m->field[k - letters] = v;
        }
        s = end;
    }
    return 0;
}

static void match_free(struct svc_match *m)
{
    free(m->service);
    pcre2_code_free(m->re);
    for (int i = 0; i < VF_COUNT; i++)
        free(m->field[i]);
    for (int i = 0; i < m->ncpe; i++)
        free(m->cpe[i]);
}

static int compile(struct loader *L, const char *rest, struct svc_match *m)
{
    if (rest[0] != 'm')
        return bad(L, "expected m|regex|");
    const char *end;
    char *pat = delimited(rest + 1, &end);
    if (!pat)
        return bad(L, "unterminated regex");
    uint32_t opts = 0;
    for (; *end && *end != ' ' && *end != '\t'; end++)
        opts |= *end == 'i' ? PCRE2_CASELESS : *end == 's' ? PCRE2_DOTALL : 0;
    int errcode;
    PCRE2_SIZE erroff;
    m->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
    free(pat);
    if (!m->re) {
        PCRE2_UCHAR buf[120];
        char why[200];
        pcre2_get_error_message(errcode, buf, sizeof buf);
        snprintf(why, sizeof why, "bad regex at offset %zu: %s", (size_t)erroff, (char *)buf);
        return bad(L, why);
    }
    uint32_t all = 0;
    pcre2_pattern_info(m->re, PCRE2_INFO_ALLOPTIONS, &all);
    m->anchored = all & PCRE2_ANCHORED;
    return parse_fields(L, end, m);
}

static int add_match(struct loader *L, const char *rest, bool soft)
{
    if (!cur_probe(L))
        return bad(L, "match before any Probe");
    char service[64];
    rest = skip_space(word(rest, service, sizeof service));
    if (!*service)
        return bad(L, "match without a service name");
    struct svc_match m = {.soft = soft, .line = L->line};
    if (compile(L, rest, &m) < 0) {
        match_free(&m);
        return -1;
    }
    if (L->db->nmatches == L->cap_matches) {
        L->cap_matches = L->cap_matches ? 2 * L->cap_matches : 1024;
        void *n = realloc(L->db->matches, L->cap_matches * sizeof *L->db->matches);
        if (!n) {
            match_free(&m);
            return bad(L, "out of memory");
        }
        L->db->matches = n;
    }
    m.service = strdup(service);
    L->db->matches[L->db->nmatches++] = m;
    cur_probe(L)->count++;
    return 0;
}

static int set_number(struct loader *L, const char *rest, uint64_t max, void *dst, bool u32)
{
    err_t e;
    uint64_t v;
    if (!cur_probe(L))
        return bad(L, "directive before any Probe");
    if (parse_uint(skip_space(rest), u32 ? 0 : 1, max, &v, &e, "value") < 0)
        return bad(L, e.msg);
    if (u32)
        *(uint32_t *)dst = (uint32_t)v;
    else
        *(int *)dst = (int)v;
    return 0;
}

/* Fallback names are resolved when the whole file is read (they may point
 * forward); here they are kept on the probe as its name list. */
static int directive(struct loader *L, const char *line, char **fallback_names)
{
    char key[32];
    const char *rest = word(line, key, sizeof key);
    struct svc_probe *p = cur_probe(L);
    if (!strcmp(key, "Probe"))
        return add_probe(L, rest);
    if (!strcmp(key, "match") || !strcmp(key, "softmatch"))
        return add_match(L, rest, key[0] == 's');
    if (!strcmp(key, "Exclude"))
        return parse_ranges(skip_space(rest), &L->db->exclude_tcp, &L->db->exclude_udp) < 0 ? bad(L, "bad Exclude list") : 0;
    if (!p)
        return bad(L, "directive before any Probe");
    if (!strcmp(key, "ports") || !strcmp(key, "sslports"))
        return parse_ranges(skip_space(rest), key[0] == 'p' ? &p->ports : &p->sslports, NULL) < 0
                   ? bad(L, "bad port list") : 0;
    if (!strcmp(key, "rarity"))
        return set_number(L, rest, 9, &p->rarity, false);
    if (!strcmp(key, "totalwaitms"))
        return set_number(L, rest, 600000, &p->totalwait_ms, true);
    if (!strcmp(key, "tcpwrappedms"))
        return set_number(L, rest, 600000, &p->tcpwrapped_ms, true);
    if (!strcmp(key, "fallback")) {
        free(fallback_names[L->db->nprobes - 1]);
        fallback_names[L->db->nprobes - 1] = strdup(skip_space(rest));
        return 0;
    }
    return bad(L, "unknown directive");
}

static int probe_by_name(const struct probedb *db, const char *name, bool udp)
{
    for (uint32_t i = 0; i < db->nprobes; i++)
        if (db->probes[i].udp == udp && !strcmp(db->probes[i].name, name))
            return (int)i;
    return -1;
}

/* nmap's rule: a probe's responses are matched against its own lines, then
 * its fallbacks', then (TCP) the NULL probe's. */
static void resolve_fallbacks(struct loader *L, char **names)
{
    struct probedb *db = L->db;
    for (uint32_t i = 0; i < db->nprobes; i++) {
        struct svc_probe *p = &db->probes[i];
        char *save = NULL;
        for (char *t = names[i] ? strtok_r(names[i], ", \t", &save) : NULL; t;
             t = strtok_r(NULL, ", \t", &save)) {
            int f = probe_by_name(db, t, p->udp);
            if (f < 0) /* DNSVersionBindReqTCP falls back to the UDP probe's lines */
                f = probe_by_name(db, t, !p->udp);
            L->line = p->line;
            if (f < 0)
                bad(L, "fallback names an unknown probe");
            else if (p->nfallback < SVC_MAX_FALLBACK - 1)
                p->fallback[p->nfallback++] = f;
        }
        if (!p->udp && db->null_probe >= 0 && (int)i != db->null_probe)
            p->fallback[p->nfallback++] = db->null_probe;
        free(names[i]);
    }
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
}

/* True if some line starts (after blanks) with "Probe ": a file without one
 * is not a probe database, and is refused before its lines are warned about
 * one by one. */
static bool has_probe_line(const char *text)
{
    for (const char *l = text; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *s = skip_space(l);
        if (!strncmp(s, "Probe", 5) && (s[5] == ' ' || s[5] == '\t'))
            return true;
    }
    return false;
}

int probedb_load(struct probedb *db, const char *path, probedb_warn_fn warn, void *ctx, err_t *e)
{
    memset(db, 0, sizeof *db);
    db->null_probe = -1;
    char *text;
    size_t len;
    if (read_file(path, &text, &len, e) < 0) /* bounded: INPUT_FILE_MAX */
        return -1;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        unsigned line = 1;
        for (const char *c = text; c < nul; c++)
            line += *c == '\n';
        free(text);
        return err_set(e, "%s:%u: a NUL byte: not a probe database (nmap-service-probes is text)",
                       path, line);
    }
    if (!has_probe_line(text)) {
        free(text);
        return err_set(e, "%s holds no Probe lines: not a probe database", path);
    }
    struct loader L = {.db = db, .warn = warn, .ctx = ctx, .path = path};
    char **names = NULL;
    size_t names_cap = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        L.line++;
        chomp(line);
        const char *s = skip_space(line);
        if (!*s || *s == '#')
            continue;
        if (db->nprobes + 1 > names_cap) {
            names_cap = names_cap ? 2 * names_cap : 64;
            char **n = realloc(names, names_cap * sizeof *names);
            if (!n)
                break;
            names = n;
            for (size_t i = db->nprobes; i < names_cap; i++)
                names[i] = NULL;
        }
        directive(&L, s, names);
    }
    free(text);
    resolve_fallbacks(&L, names);
    free(names);
    if (db->nprobes == 0) {
        probedb_free(db);
        return err_set(e, "%s holds no valid Probe lines", path);
    }
    return 0;
}

bool probe_can_find(const struct probedb *db, const struct svc_probe *p, const char *service)
{
    for (uint32_t i = p->first; i < p->first + p->count; i++)
        if (!strcmp(db->matches[i].service, service))
            return true;
    return false;
}

void probedb_free(struct probedb *db)
{
    for (uint32_t i = 0; i < db->nmatches; i++)
        match_free(&db->matches[i]);
    for (uint32_t i = 0; i < db->nprobes; i++) {
        free(db->probes[i].name);
        free(db->probes[i].payload);
        free(db->probes[i].ports.r);
        free(db->probes[i].sslports.r);
    }
    free(db->matches);
    free(db->probes);
    free(db->exclude_tcp.r);
    free(db->exclude_udp.r);
    memset(db, 0, sizeof *db);
}
