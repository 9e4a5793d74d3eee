#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A message longer than the buffer (a 10 000-character target quoted in it)
 * keeps its head and its tail, where the reason is, and loses the middle; a
 * newline or other control byte quoted from the user's input is shown as '?'
 * so that the message stays one line. */
int err_set(err_t *e, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    char *full = n >= (int)sizeof e->msg ? malloc((size_t)n + 1) : NULL;
    if (full) {
        vsnprintf(full, (size_t)n + 1, fmt, ap2);
        size_t head = sizeof e->msg / 3, tail = sizeof e->msg - head - sizeof " [...] ";
        snprintf(e->msg, sizeof e->msg, "%.*s [...] %s", (int)head, full, full + (size_t)n - tail);
        free(full);
    }
    va_end(ap2);
    /* One line, whatever the user's text held: control bytes are shown as '?'. */
    for (char *c = e->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return -1;
}

const char *clip(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s);
    if (len < n)
        return s;
    snprintf(buf, n, "%.*s...", (int)(n - 4), s);
    return buf;
}

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

double wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void iso_time_ns(uint64_t ns, char *buf, size_t n)
{
    time_t t = (time_t)(ns / NS_PER_SEC);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%06uZ", (unsigned)(ns % NS_PER_SEC / 1000));
}

int parse_double(const char *s, double min, double max, double *out, err_t *e,
                 const char *what)
{
    char *end;
    if (!s || !*s)
        return err_set(e, "%s: missing value", what);
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return err_set(e, "%s: '%s' is not a number", what, s);
    if (v < min || v > max)
        return err_set(e, "%s: '%s' is out of range (%g to %g)", what, s, min, max);
    *out = v;
    return 0;
}

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, err_t *e,
               const char *what)
{
    if (!s || !*s)
        return err_set(e, "%s: missing value", what);
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return err_set(e, "%s: '%s' is not a whole number", what, s);
        if (v > (UINT64_MAX - 9) / 10)
            return err_set(e, "%s: '%s' is too large", what, s);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v < min || v > max)
        return err_set(e, "%s: '%s' is out of range (%llu to %llu)", what, s,
                       (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return 0;
}

int parse_time_ns(const char *s, uint64_t *out, err_t *e, const char *what)
{
    char *end;
    if (!s || !*s)
        return err_set(e, "%s: missing time value", what);
    if (*s == '-' || *s == '+')
        return err_set(e, "%s: '%s' is not a time (use e.g. 500ms, 2s, 5m, 1h)", what, s);
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0)
        return err_set(e, "%s: '%s' is not a time (use e.g. 500ms, 2s, 5m, 1h)", what, s);
    double mult;
    if (!*end || !strcmp(end, "s"))
        mult = 1e9;
    else if (!strcmp(end, "ms"))
        mult = 1e6;
    else if (!strcmp(end, "us"))
        mult = 1e3;
    else if (!strcmp(end, "m"))
        mult = 60e9;
    else if (!strcmp(end, "h"))
        mult = 3600e9;
    else
        return err_set(e, "%s: '%s' has an unknown unit (use ms, s, m or h)", what, s);
    double ns = v * mult;
    if (ns > 1e18)
        return err_set(e, "%s: '%s' is too long", what, s);
    *out = (uint64_t)ns;
    return 0;
}

int read_file(const char *path, char **out, size_t *len, err_t *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, "cannot read '%s': %s", path, strerror(errno));
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = 0;
    for (;;) {
        if (cap - n < 2) { /* room for one byte past the limit and the NUL */
            size_t nc = cap ? MIN(cap * 2, INPUT_FILE_MAX + 2) : 4096;
            char *nb = nc > cap ? realloc(buf, nc) : NULL;
            if (!nb) {
                rc = err_set(e, "cannot read '%s': out of memory", path);
                break;
            }
            buf = nb;
            cap = nc;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = err_set(e, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > INPUT_FILE_MAX) {
            rc = err_set(e, "cannot read '%s': larger than %zu MiB, the limit for an input file",
                         path, INPUT_FILE_MAX >> 20);
            break;
        }
    }
    close(fd);
    if (rc < 0) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return 0;
}

void *xcalloc(size_t n, size_t size, err_t *e)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        err_set(e, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void mac_format(const uint8_t mac[6], char out[18])
{
    snprintf(out, 18, "%02X:%02X:%02X:%02X:%02X:%02X", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}
