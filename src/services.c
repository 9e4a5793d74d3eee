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
    if (*len + n > *cap) {
        size_t nc = (*cap + n) * 2;
        char *np = realloc(*pool, nc);
        if (!np)
            return 0;
        *pool = np;
        *cap = nc;
    }
    memcpy(*pool + *len, name, n);
    uint32_t off = (uint32_t)*len;
    *len += n;
    return off;
}

static void load_builtin(struct services *s, char **pool, size_t *len, size_t *cap)
{
    const struct builtin_service *lists[PROTO_COUNT] = {builtin_tcp, builtin_udp};
    size_t counts[PROTO_COUNT] = {builtin_tcp_count, builtin_udp_count};
    for (int p = 0; p < PROTO_COUNT; p++)
        for (size_t i = 0; i < counts[p]; i++) {
            uint16_t port = lists[p][i].port;
            s->name_off[p][port] = pool_add(pool, len, cap, lists[p][i].name);
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
    s->name_off[p][port] = pool_add(pool, len, cap, name);
    s->freq[p][port] = fr ? strtof(fr, NULL) : 0;
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
    struct services *s = xcalloc(1, sizeof *s, e);
    if (!s)
        return -1;
    size_t len = 0, cap = 0;
    char *pool = NULL;
    pool_add(&pool, &len, &cap, "");
    if (!path) {
        load_builtin(s, &pool, &len, &cap);
    } else {
        char *buf;
        if (read_file(path, &buf, NULL, e) < 0) {
            free(pool);
            free(s);
            return -1;
        }
        char *save = NULL;
        int lineno = 0;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            lineno++;
            if (parse_line(s, line, &pool, &len, &cap) < 0) {
                err_set(e, "%s: malformed line %d", path, lineno);
                free(buf);
                free(pool);
                free(s);
                return -1;
            }
        }
        free(buf);
        s->source = path == defpath ? "/usr/share/nmap/nmap-services" : path;
    }
    if (!pool) {
        free(s);
        return err_set(e, "out of memory loading services");
    }
    s->pool = pool;
    *out = s;
    return 0;
}

void services_free(struct services *s)
{
    if (s) {
        free(s->pool);
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
    for (unsigned port = 0; port < 65536; port++) {
        uint32_t off = s->name_off[p][port];
        if (off && fnmatch(pattern, s->pool + off, FNM_CASEFOLD) == 0)
            fn(ctx, (uint16_t)port);
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
