#include "detect/syslog.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PRI (4 * 8 + 4) /* facility auth, severity warning */
#define MSG_MAX 2048

struct syslog_out {
    int fd;
    char host[256];
    char target[300];
    bool warned;
};

static int open_local(struct syslog_out *s, err_t *e)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof sun.sun_path, "/dev/log");
    s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sun, sizeof sun) < 0)
        return err_set(e, "--syslog local: /dev/log: %s", strerror(errno));
    return 0;
}

/* "udp://HOST:PORT" (an IPv6 HOST in brackets). */
static int open_udp(struct syslog_out *s, const char *hp, err_t *e)
{
    char host[256], *port;
    snprintf(host, sizeof host, "%s", hp);
    port = strrchr(host, ':');
    if (!port || port == host)
        return err_set(e, "--syslog '%s': expected udp://HOST:PORT", s->target);
    *port++ = 0;
    char *h = host;
    if (h[0] == '[' && h[strlen(h) - 1] == ']')
        h++, h[strlen(h) - 1] = 0;
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV}, *ai;
    if (getaddrinfo(h, port, &hints, &ai) != 0)
        return err_set(e, "--syslog '%s': HOST must be an address and PORT a number", s->target);
    s->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = s->fd < 0 || connect(s->fd, ai->ai_addr, ai->ai_addrlen) < 0 ? -1 : 0;
    freeaddrinfo(ai);
    return rc < 0 ? err_set(e, "--syslog '%s': %s", s->target, strerror(errno)) : 0;
}

int syslog_open(struct syslog_out **sp, const char *target, err_t *e)
{
    *sp = NULL;
    if (!target)
        return 0;
    struct syslog_out *s = xcalloc(1, sizeof *s, e);
    if (!s)
        return -1;
    *sp = s;
    s->fd = -1;
    snprintf(s->target, sizeof s->target, "%s", target);
    if (gethostname(s->host, sizeof s->host) < 0 || !s->host[0])
        snprintf(s->host, sizeof s->host, "-");
    if (!strcmp(target, "local"))
        return open_local(s, e);
    if (!strncmp(target, "udp://", 6))
        return open_udp(s, target + 6, e);
    return err_set(e, "--syslog '%s': expected local or udp://HOST:PORT", target);
}

/* A PARAM-VALUE with RFC 5424's three escapes ('"', '\', ']'). */
static size_t put_value(char *out, size_t cap, const char *v)
{
    size_t n = 0;
    for (; *v && n + 2 < cap; v++) {
        if (*v == '"' || *v == '\\' || *v == ']')
            out[n++] = '\\';
        out[n++] = *v;
    }
    out[n] = 0;
    return n;
}

void syslog_send(struct syslog_out *s, const char *msgid, const char *const *params, int n, const char *text)
{
    if (!s || s->fd < 0)
        return;
    char msg[MSG_MAX], when[40];
    iso_time_ns((uint64_t)(wall_time() * 1e9), when, sizeof when);
    int k = snprintf(msg, sizeof msg, "<%d>1 %s %s scout %d %s [scout@32473", PRI, when, s->host, (int)getpid(),
                     msgid);
    for (int i = 0; i + 1 < 2 * n && k > 0 && (size_t)k + 8 < sizeof msg; i += 2) {
        k += snprintf(msg + k, sizeof msg - (size_t)k, " %s=\"", params[i]);
        if ((size_t)k < sizeof msg) {
            k += (int)put_value(msg + k, sizeof msg - (size_t)k, params[i + 1]);
            k += snprintf(msg + k, sizeof msg - (size_t)k, "\"");
        }
    }
    if (k > 0 && (size_t)k < sizeof msg)
        k += snprintf(msg + k, sizeof msg - (size_t)k, "] %s", text);
    size_t len = k < 0 ? 0 : MIN((size_t)k, sizeof msg - 1);
    while (len && msg[len - 1] == '\n')
        len--;
    if (send(s->fd, msg, len, 0) < 0 && !s->warned) {
        s->warned = true;
        fprintf(stderr, "scout: --syslog %s: %s (detection goes on)\n", s->target, strerror(errno));
    }
}

void syslog_close(struct syslog_out *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}
