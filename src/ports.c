#include "ports.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void set_bit(struct portset *ps, int p, unsigned port)
{
    ps->bits[p][port / 8] |= (uint8_t)(1u << (port % 8));
    ps->any[p] = true;
}

/* lo..hi inclusive: whole bytes at once, so that "-p-" is 8 192 steps. */
static void set_range(struct portset *ps, int p, unsigned lo, unsigned hi)
{
    for (; lo <= hi && lo % 8; lo++)
        set_bit(ps, p, lo);
    if (lo > hi)
        return;
    unsigned whole = (hi + 1 - lo) / 8;
    memset(&ps->bits[p][lo / 8], 0xff, whole);
    if (whole)
        ps->any[p] = true;
    for (lo += whole * 8; lo <= hi; lo++)
        set_bit(ps, p, lo);
}

bool portset_has(const struct portset *ps, enum proto p, uint16_t port)
{
    return ps->bits[p][port / 8] & (1u << (port % 8));
}

/* "a", "a-b", "-b", "a-", "-"; nmap's open ends are 1 and 65535. */
static int parse_port_range(const char *s, unsigned *lo, unsigned *hi)
{
    const char *dash = strchr(s, '-');
    char a[8] = "", b[8] = "";
    size_t al = dash ? (size_t)(dash - s) : strlen(s);
    size_t bl = dash ? strlen(dash + 1) : 0;
    if (al >= sizeof a || bl >= sizeof b || (!dash && al == 0))
        return -1;
    memcpy(a, s, al);
    if (dash)
        memcpy(b, dash + 1, bl);
    uint64_t va = 1, vb = 65535;
    if (al && parse_uint(a, 0, 65535, &va, NULL, "") < 0)
        return -1;
    if (!dash)
        vb = va;
    else if (bl && parse_uint(b, 0, 65535, &vb, NULL, "") < 0)
        return -1;
    if (va > vb)
        return -1;
    *lo = (unsigned)va, *hi = (unsigned)vb;
    return 0;
}

struct match_ctx {
    struct portset *ps;
    int proto;
    unsigned lo, hi;
    int hits;
};

static void on_match(void *ctx, uint16_t port)
{
    struct match_ctx *m = ctx;
    if (port >= m->lo && port <= m->hi) {
        set_bit(m->ps, m->proto, port);
        m->hits++;
    }
}

static bool looks_numeric(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '-')
            return false;
    return true;
}

/* One comma-separated item, applied to the protocols in `mask`. */
static int parse_item(struct portset *ps, const char *item, unsigned mask,
                      const struct services *svc, err_t *e)
{
    size_t len = strlen(item);
    if (len == 0)
        return err_set(e, "invalid port specification: empty item");
    bool bracket = item[0] == '[';
    char inner[64];
    if (bracket) {
        if (item[len - 1] != ']' || len - 2 >= sizeof inner)
            return err_set(e, "invalid port specification '%s': unclosed '['", item);
        memcpy(inner, item + 1, len - 2);
        inner[len - 2] = '\0';
        item = inner;
    }
    unsigned lo, hi;
    if (looks_numeric(item)) {
        if (parse_port_range(item, &lo, &hi) < 0)
            return err_set(e, "invalid port specification '%s': ports are 0-65535, low-high", item);
        for (int p = 0; p < PROTO_COUNT; p++) {
            if (!(mask & (1u << p)))
                continue;
            if (!bracket)
                set_range(ps, p, lo, hi);
            for (uint32_t i = 0; bracket && i < svc->nnamed[p]; i++)
                if (svc->named[p][i] >= lo && svc->named[p][i] <= hi)
                    set_bit(ps, p, svc->named[p][i]);
        }
        return 0;
    }
    if (bracket)
        return err_set(e, "invalid port specification '[%s]': expected a range", item);
    struct match_ctx m = {.ps = ps, .lo = 0, .hi = 65535};
    for (int p = 0; p < PROTO_COUNT; p++)
        if (mask & (1u << p)) {
            m.proto = p;
            services_match(svc, p, item, on_match, &m);
        }
    if (m.hits == 0)
        return err_set(e, "invalid port specification '%s': not a port, range or known service name", item);
    return 0;
}

/* Blanks around an item go, as nmap allows them ("-p ' 22'", "22, 80"). */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

int portset_parse(struct portset *ps, const char *spec, const struct services *svc, err_t *e)
{
    if (!spec || !*spec)
        return err_set(e, "invalid port specification: empty");
    char *copy = strdup(spec);
    if (!copy)
        return err_set(e, "out of memory");
    unsigned mask = (1u << PROTO_TCP) | (1u << PROTO_UDP);
    int rc = 0;
    /* strtok_r would skip empty items ("22,,80"); walk commas by hand. */
    for (char *item = copy; item && rc == 0;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        item = trim(item);
        if (strlen(item) >= 2 && item[1] == ':') {
            switch (toupper((unsigned char)item[0])) {
            case 'T': mask = 1u << PROTO_TCP; break;
            case 'U': mask = 1u << PROTO_UDP; break;
            default:
                rc = err_set(e, "invalid port specification '%s': protocol prefix must be T: or U:", item);
                continue;
            }
            item = trim(item + 2);
        }
        rc = parse_item(ps, item, mask, svc, e);
        item = comma ? comma + 1 : NULL;
    }
    free(copy);
    return rc;
}

static int cmp_port(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The ports of ps for protocol p, ascending, into v; returns how many. */
static uint32_t set_ports(const struct portset *ps, int p, uint16_t *v)
{
    uint32_t n = 0;
    for (unsigned byte = 0; byte < 8192; byte++)
        for (unsigned b = ps->bits[p][byte], bit = 0; b; b >>= 1, bit++)
            if (b & 1)
                v[n++] = (uint16_t)(byte * 8 + bit);
    return n;
}

/* The ports nmap-services gives a frequency, ascending. */
static uint32_t ranked_ports(const struct services *svc, int p, uint16_t *v)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < svc->nnamed[p]; i++)
        if (svc->freq[p][svc->named[p][i]] > 0)
            v[n++] = svc->named[p][i];
    return n;
}

static uint32_t drop_excluded(const struct portset *ex, int p, uint16_t *v, uint32_t n)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!portset_has(ex, p, v[i]))
            v[kept++] = v[i];
    return kept;
}

int portlist_build(struct portlist *out, const struct portset *include,
                   const struct portset *exclude, uint32_t top_n,
                   const bool want[PROTO_COUNT], const struct services *svc, err_t *e)
{
    memset(out, 0, sizeof *out);
    if (!include && !top_n)
        top_n = 1000;
    for (int p = 0; p < PROTO_COUNT; p++) {
        if (!want[p])
            continue;
        uint16_t *v = xcalloc(65536, sizeof *v, e);
        if (!v) {
            portlist_free(out);
            return -1;
        }
        uint32_t n = include ? set_ports(include, p, v) : ranked_ports(svc, p, v);
        if (exclude)
            n = drop_excluded(exclude, p, v, n);
        if (top_n && n > top_n) {
            services_rank(svc, p, v, n);
            n = top_n;
            /* Back to ascending order for output; scan order is the permutation's. */
            qsort(v, n, sizeof *v, cmp_port);
        }
        if (n == 0) {
            free(v);
            portlist_free(out);
            return err_set(e, "no %s ports left to scan: check -p and --exclude-ports",
                           proto_name(p));
        }
        out->v[p] = v;
        out->n[p] = n;
    }
    return 0;
}

void portlist_free(struct portlist *pl)
{
    for (int p = 0; p < PROTO_COUNT; p++)
        free(pl->v[p]);
    memset(pl, 0, sizeof *pl);
}
