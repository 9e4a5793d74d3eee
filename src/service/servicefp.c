#include "service/servicefp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmapfmt.h"

#define WRAP_AT 74       /* nmap's servicewrap */
#define RESP_USED 900    /* bytes of a response kept (nmap without -d) */
#define FP_ENOUGH 2200   /* no response added past this length */

/* Room for n more bytes (and a ';' and the NUL). */
static bool reserve(struct servicefp *fp, size_t n)
{
    if (fp->failed)
        return false;
    if (fp->len + n + 2 <= fp->cap)
        return true;
    size_t cap = (fp->len + n + 2) * 2;
    char *s = realloc(fp->s, cap);
    if (!s) {
        fp->failed = true;
        return false;
    }
    fp->s = s;
    fp->cap = cap;
    return true;
}

/* nmap's addServiceChar: a line break goes in wherever the length so far
 * (breaks included) falls on the wrap column. */
static void put(struct servicefp *fp, char c)
{
    if (!reserve(fp, 5))
        return;
    if (fp->len % (WRAP_AT + 1) == WRAP_AT) {
        memcpy(fp->s + fp->len, "\nSF:", 4);
        fp->len += 4;
    }
    fp->s[fp->len++] = c;
}

static void puts_fp(struct servicefp *fp, const char *s)
{
    while (*s)
        put(fp, *s++);
}

/* The C locale's classes, whatever the process's locale. */
static bool alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool punct(uint8_t c)
{
    return c > ' ' && c < 0x7f && !alnum(c);
}

/* One byte as nmap escapes it (a NUL before a digit is \x00: "\0" and the
 * digit would read as an octal escape). */
static void put_byte(struct servicefp *fp, const uint8_t *r, size_t i, size_t used)
{
    static const char special[] = "\\?\"[]().*+$^|";
    char b[8];
    uint8_t c = r[i];
    if (alnum(c))
        put(fp, (char)c);
    else if (c == 0)
        puts_fp(fp, i + 1 < used && r[i + 1] >= '0' && r[i + 1] <= '9' ? "\\x00" : "\\0");
    else if (strchr(special, c))
        put(fp, '\\'), put(fp, (char)c);
    else if (punct(c))
        put(fp, (char)c);
    else if (c == '\r' || c == '\n' || c == '\t')
        puts_fp(fp, c == '\r' ? "\\r" : c == '\n' ? "\\n" : "\\t");
    else {
        snprintf(b, sizeof b, "\\x%02x", c);
        puts_fp(fp, b);
    }
}

static void header(struct servicefp *fp, const struct servicefp_head *h)
{
    struct tm tm;
    bool ok = localtime_r(&h->when, &tm) != NULL;
    char b[160];
    snprintf(b, sizeof b, "SF-Port%u-%s:V=%s%s%%I=%d%%D=%d/%d%%Time=%X%%P=%s", h->port,
             h->udp ? "UDP" : "TCP", NMAPFMT_VERSION, h->ssl ? "%T=SSL" : "", h->intensity,
             ok ? tm.tm_mon + 1 : 0, ok ? tm.tm_mday : 0, (unsigned)h->when, NMAPFMT_PLATFORM);
    puts_fp(fp, b);
}

void servicefp_add(struct servicefp *fp, const struct servicefp_head *h, const char *probe,
                   const uint8_t *resp, size_t len)
{
    if (len == 0 || fp->len > FP_ENOUGH || fp->failed)
        return;
    if (fp->len == 0)
        header(fp, h);
    char b[96];
    snprintf(b, sizeof b, "%%r(%.60s,%zX,\"", probe, len);
    puts_fp(fp, b);
    size_t used = len < RESP_USED ? len : RESP_USED;
    for (size_t i = 0; i < used; i++)
        put_byte(fp, resp, i, used);
    put(fp, '"');
    put(fp, ')');
}

char *servicefp_finish(struct servicefp *fp)
{
    char *s = NULL;
    if (fp->len && !fp->failed && reserve(fp, 0)) {
        fp->s[fp->len++] = ';'; /* never wrapped */
        fp->s[fp->len] = 0;
        s = fp->s;
        fp->s = NULL;
    }
    servicefp_free(fp);
    return s;
}

void servicefp_free(struct servicefp *fp)
{
    free(fp->s);
    *fp = (struct servicefp){0};
}

char *servicefp_unwrap(const char *text)
{
    char *out = malloc(strlen(text) + 1), *d = out, *amp = NULL;
    if (!out)
        return NULL;
    for (const char *s = text; *s;) {
        if (!strncmp(s, "\nSF:", 4)) {
            s += 4;
            continue;
        }
        if (*s == '&')
            amp = d;
        else if (*s == ';')
            amp = NULL;
        *d++ = *s++;
    }
    *(amp ? amp : d) = 0;
    return out;
}
