#include "services.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *proto_name(enum proto p)
{
    return p == PROTO_UDP ? "udp" : "tcp";
}

/* Appends a name to the pool; returns its offset (never 0: the pool starts
 * with one NUL so that 0 means "no name"). */
static uint32_t pool_add(char **pool, size_t *len, size_t *cap, const char *name)
{
    size_t n = strlen(name) + 1;
    if (!*pool && *len) /* an earlier allocation failed: the caller sees NULL */
        return 0;
    if (*len + n > *cap) {
        size_t nc = (*cap + n) * 2;
        char *np = realloc(*pool, nc);
        if (!np) {
            free(*pool);
            *pool = NULL;
            return 0;
        }
        *pool = np;
        *cap = nc;
    }
    memcpy(*pool + *len, name, n);
    uint32_t off = (uint32_t)*len;
    *len += n;
    return off;
}

/* Names `port`; a port named for the first time joins the named list
 * (sorted once the file is read).  Returns -1 when out of memory. */
static int name_port(struct services *s, enum proto p, uint16_t port, uint32_t off)
{
    if (!off)
        return -1;
    if (!s->name_off[p][port]) {
        if (!s->named[p] && !(s->named[p] = malloc(65536 * sizeof *s->named[p])))
            return -1;
        s->named[p][s->nnamed[p]++] = port;
    }
    s->name_off[p][port] = off;
    return 0;
}

static int cmp_port(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void sort_named(struct services *s)
{
    for (int p = 0; p < PROTO_COUNT; p++)
        if (s->named[p])
            qsort(s->named[p], s->nnamed[p], sizeof *s->named[p], cmp_port);
}

static void load_builtin(struct services *s, char **pool, size_t *len, size_t *cap)
{
    const struct builtin_service *lists[PROTO_COUNT] = {builtin_tcp, builtin_udp};
    size_t counts[PROTO_COUNT] = {builtin_tcp_count, builtin_udp_count};
    for (int p = 0; p < PROTO_COUNT; p++)
        for (size_t i = 0; i < counts[p]; i++) {
            uint16_t port = lists[p][i].port;
            if (name_port(s, p, port, pool_add(pool, len, cap, lists[p][i].name)) < 0)
                return;
            /* Rank order is all that the frequencies are used for. */
            s->freq[p][port] = (float)(counts[p] - i) / (float)counts[p];
        }
    s->source = "built-in";
}

static int parse_line(struct services *s, char *line, char **pool, size_t *len, size_t *cap)
{
    char *save = NULL;
    char *name = strtok_r(line, " \t", &save);
    char *pp = strtok_r(NULL, " \t", &save);
    char *fr = strtok_r(NULL, " \t", &save);
    if (!name || !pp || name[0] == '#')
        return 0;
    char *slash = strchr(pp, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    char *end;
    long port = strtol(pp, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    enum proto p;
    if (!strcmp(slash + 1, "tcp"))
        p = PROTO_TCP;
    else if (!strcmp(slash + 1, "udp"))
        p = PROTO_UDP;
    else
        return 0; /* sctp: not scanned */
    if (name_port(s, p, (uint16_t)port, pool_add(pool, len, cap, name)) < 0) {
        free(*pool); /* the caller reports a NULL pool as out of memory */
        *pool = NULL;
        return 0;
    }
    s->freq[p][port] = fr ? strtof(fr, NULL) : 0;
    return 0;
}

/* Lines are counted from 1, blank ones included, so that a message's line
 * number is the one an editor shows.  A NUL byte is an error: a C string
 * would silently end the file there. */
int services_parse(struct services **out, char *text, size_t len, const char *origin, err_t *e)
{
    struct services *s = xcalloc(1, sizeof *s, e);
    if (!s)
        return -1;
    size_t plen = 0, cap = 0;
    char *pool = NULL;
    pool_add(&pool, &plen, &cap, "");
    unsigned lineno = 0;
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0 && pool;) {
        char *line = text + i;
        char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        i += n + 1;
        lineno++;
        if (memchr(line, '\0', n))
            rc = err_set(e, "%s:%u: a NUL byte (not a text file?)", origin, lineno);
        else if ((line[n] = '\0', parse_line(s, line, &pool, &plen, &cap)) < 0)
            rc = err_set(e, "%s:%u: malformed line (expected: name port/protocol frequency)",
                         origin, lineno);
    }
    if (rc == 0 && !pool)
        rc = err_set(e, "out of memory loading %s", origin);
    if (rc < 0) {
        free(pool);
        s->pool = NULL;
        services_free(s);
        return -1;
    }
    s->pool = pool;
    s->source = origin;
    sort_named(s);
    *out = s;
    return 0;
}

int services_load(struct services **out, const char *path, err_t *e)
{
    char defpath[512];
    if (!path) {
        const char *dir = getenv("SCOUT_DATADIR");
        snprintf(defpath, sizeof defpath, "%s/nmap-services", dir ? dir : "/usr/share/nmap");
        path = access(defpath, R_OK) == 0 ? defpath : NULL;
    }
    if (!path) {
        struct services *s = xcalloc(1, sizeof *s, e);
        if (!s)
            return -1;
        size_t len = 0, cap = 0;
        char *pool = NULL;
        pool_add(&pool, &len, &cap, "");
        load_builtin(s, &pool, &len, &cap);
        s->pool = pool;
        if (!pool || !s->named[PROTO_TCP] || !s->named[PROTO_UDP]) {
            services_free(s);
            return err_set(e, "out of memory loading services");
        }
        sort_named(s);
        *out = s;
        return 0;
    }
    char *buf;
    size_t len;
    if (read_file(path, &buf, &len, e) < 0)
        return -1;
    /* source outlives this call: the default path is a string constant. */
    int rc = services_parse(out, buf, len, path == defpath ? "/usr/share/nmap/nmap-services" : path, e);
    free(buf);
    return rc;
}

void services_free(struct services *s)
{
    if (s) {
        free(s->pool);
        for (int p = 0; p < PROTO_COUNT; p++)
            free(s->named[p]);
        free(s);
    }
}

const char *services_name(const struct services *s, enum proto p, uint16_t port)
{
    uint32_t off = s->name_off[p][port];
    return off ? s->pool + off : "unknown";
}

void services_match(const struct services *s, enum proto p, const char *pattern,
                    void (*fn)(void *ctx, uint16_t port), void *ctx)
{
    for (uint32_t i = 0; i < s->nnamed[p]; i++) {
        uint16_t port = s->named[p][i];
        if (fnmatch(pattern, s->pool + s->name_off[p][port], FNM_CASEFOLD) == 0)
            fn(ctx, port);
    }
}

static int rank_cmp(const void *a, const void *b, void *ctx)
{
    const float *freq = ctx;
    uint16_t pa = *(const uint16_t *)a, pb = *(const uint16_t *)b;
    if (freq[pa] != freq[pb])
        return freq[pa] > freq[pb] ? -1 : 1;
    return (int)pa - (int)pb;
}

void services_rank(const struct services *s, enum proto p, uint16_t *ports, size_t n)
{
    qsort_r(ports, n, sizeof *ports, rank_cmp, (void *)s->freq[p]);
}
