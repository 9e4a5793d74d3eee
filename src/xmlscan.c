/* xmlscan: nmap's, scout's and masscan's XML reports into records (xmlscan.h).
 *
 * libxml2's SAX2 push parser hands us each element as it is parsed; a small
 * state machine keeps what each open element is, and any element that is
 * not one of the few below is skipped with its whole content, so the depth
 * we track stays small whatever the input nests:
 *
 *   nmaprun (scanner, args, start, version)
 *     host
 *       status (state, reason)   address (addr, addrtype, vendor)
 *       hostnames/hostname (name, type)
 *       ports/extraports (state)/extrareasons (reason, proto, ports)
 *       ports/port (protocol, portid)/state (state, reason, reason_ttl)
 *       ports/port/service (name, product, version, extrainfo, tunnel, method)/cpe
 *       os/osmatch (name)        hostscript/script (id)
 *     runstats/finished (time, exit)
 *
 * No tree is built.  Entities: a declaration stops the parse (nmap writes
 * none; they are how XML bombs grow), and the only entities looked up are
 * XML's five, so nothing expands; the parser options add no DTD loading, no
 * entity substitution (XML_PARSE_NOENT), no network, and keep libxml2's own
 * limits on depth and text (no XML_PARSE_HUGE).  We count the bytes fed. */
#include "xmlscan.h"
#include "dynlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

/* ---- the byte source ---------------------------------------------------- */

struct src {
    int fd;               /* -1: read from mem */
    const char *mem;
    size_t len, pos;
    uint64_t total, max;
    bool eof;
};

/* Up to n bytes; 0 at the end; -1 with errno set. */
static ssize_t src_read(struct src *s, char *buf, size_t n)
{
    ssize_t got;
    if (s->fd < 0) {
        got = (ssize_t)MIN(n, s->len - s->pos);
        memcpy(buf, s->mem + s->pos, (size_t)got);
        s->pos += (size_t)got;
    } else {
        do
            got = read(s->fd, buf, n);
        while (got < 0 && errno == EINTR);
    }
    if (got == 0)
        s->eof = true;
    if (got > 0)
        s->total += (uint64_t)got;
    return got;
}

/* ---- the parse state ---------------------------------------------------- */

enum kind {
    K_RUN, K_HOST, K_HOSTNAMES, K_PORTS, K_EXTRA, K_PORT, K_SERVICE, K_CPE, K_OS, K_HOSTSCRIPT,
    K_RUNSTATS, K_LEAF, /* an element whose attributes were read; its content is skipped */
};

#define MAX_DEPTH 8 /* nmaprun/host/ports/port/service/cpe is the deepest kept: 6 */
#define CPE_MAX 1024

/* libxml2, opened when a report is first read (dynlib.h): each xml name
 * below is a call through the parse's own table. */
#define XML_FUNCS(X) X(xmlSAX2GetLineNumber) X(xmlCreatePushParserCtxt) X(xmlCtxtUseOptions) X(xmlFreeDoc) X(xmlFreeParserCtxt) X(xmlGetPredefinedEntity) X(xmlParseChunk) X(xmlStopParser)
struct xml_api {
#define XML_MEMBER(f) __typeof__(f) *f;
    XML_FUNCS(XML_MEMBER)
#undef XML_MEMBER
};

struct px {
    struct xml_api xml;
    void *lib;
    xmlParserCtxtPtr ctxt;
    const xmlChar **attrs; /* of the element being started: (name, prefix, URI, value, end) each */
    int nattrs;
    int depth;             /* of the innermost open element, -1 outside the root */
    int skip;              /* > 0: inside an element skipped whole, this many levels down */
    bool entity;           /* an entity declaration was refused */
    long entity_line;
    struct src *src;
    const char *origin;
    const struct xmlscan_limits *lim;
    err_t *e;
    struct rec_scan *out;
    uint32_t hcap;
    uint64_t nports;
    bool root_seen, root_closed, masscan, oom, failed;
    enum kind stack[MAX_DEPTH];
    /* the libxml2 error, first one only */
    char xml_msg[200];
    long xml_line;
    int xml_code;
    /* the host being read */
    bool has_ip, has_status, os_seen;
    long host_line;
    struct rec_host h;
    uint32_t pcap;
    char *ptr_name, *user_name;
    /* its <extraports> being read */
    int extra_state;
    /* the port being read */
    bool has_state, service_seen, cpe_seen, skip_service;
    long port_line;
    struct rec_port port;
    char cpe[CPE_MAX];
    size_t cpe_len;
};

/* From here on, xmlFoo(...) is p->xml.xmlFoo(...): every caller has p. */
#define xmlSAX2GetLineNumber p->xml.xmlSAX2GetLineNumber
#define xmlCreatePushParserCtxt p->xml.xmlCreatePushParserCtxt
#define xmlCtxtUseOptions p->xml.xmlCtxtUseOptions
#define xmlFreeDoc p->xml.xmlFreeDoc
#define xmlFreeParserCtxt p->xml.xmlFreeParserCtxt
#define xmlGetPredefinedEntity p->xml.xmlGetPredefinedEntity
#define xmlParseChunk p->xml.xmlParseChunk
#define xmlStopParser p->xml.xmlStopParser


/* Where the parser is: the line of the tag just parsed (its end, when a
 * tag spans lines). */
static long node_line(const struct px *p)
{
    return xmlSAX2GetLineNumber(p->ctxt);
}

static int fail_at(struct px *p, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(struct px *p, long line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->failed = true;
    return err_set(p->e, "%s:%ld: %s", p->origin, line, msg);
}

static int fail(struct px *p, const char *fmt, const char *arg)
{
    char q[48];
    return fail_at(p, node_line(p), fmt, clip(arg ? arg : "", q, sizeof q));
}

/* An attribute's value, malloc'd (NULL when absent; p->oom on failure).
 * Without entity substitution libxml2 hands SAX an '&' that the value
 * holds (from "&amp;" or "&#38;") as "&#38;", and only those: every '&'
 * in what it gives starts one. */
static char *attr(struct px *p, const char *name)
{
    for (int i = 0; i < p->nattrs; i++) {
        const xmlChar *const *a = p->attrs + 5 * i;
        if (strcmp((const char *)a[0], name) || a[1]) /* no prefixed attribute is ours */
            continue;
        size_t n = (size_t)(a[4] - a[3]);
        char *d = malloc(n + 1), *w = d;
        p->oom |= d == NULL;
        for (const char *r = (const char *)a[3], *end = r + n; d && r < end;) {
            bool amp = *r == '&' && end - r >= 5 && !memcmp(r, "&#38;", 5);
            *w++ = *r;
            r += amp ? 5 : 1;
        }
        if (d)
            *w = '\0';
        return d;
    }
    return NULL;
}

static bool attr_is(struct px *p, const char *name, const char *want)
{
    char *v = attr(p, name);
    bool eq = v && !strcmp(v, want);
    free(v);
    return eq;
}

/* A whole decimal number no larger than max. */
static bool number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static uint8_t reason_lookup(const char *s)
{
    for (int r = 0; s && r < R_COUNT; r++)
        if (!strcmp(s, reason_name((enum reason)r)))
            return (uint8_t)r;
    return R_NONE;
}

static int proto_lookup(const char *s)
{
    return !s ? -1 : !strcmp(s, "tcp") ? PROTO_TCP : !strcmp(s, "udp") ? PROTO_UDP : -1;
}

static void port_clear(struct rec_port *rp)
{
    free(rp->service), free(rp->tunnel), free(rp->product), free(rp->version), free(rp->extrainfo),
        free(rp->cpe);
    memset(rp, 0, sizeof *rp);
}

/* ---- hosts and ports ---------------------------------------------------- */

static int add_port(struct px *p, const struct rec_port *rp)
{
    if (++p->nports > p->lim->max_ports)
        return fail_at(p, node_line(p), "more than %llu ports in the report, the limit",
                       (unsigned long long)p->lim->max_ports);
    if (p->h.nports == p->pcap) {
        uint32_t nc = p->pcap ? p->pcap * 2 : 16;
        struct rec_port *np = nc > p->pcap ? realloc(p->h.ports, nc * sizeof *np) : NULL;
        if (!np) {
            p->oom = true;
            return -1;
        }
        p->h.ports = np;
        p->pcap = nc;
    }
    p->h.ports[p->h.nports++] = *rp;
    return 0;
}

static void host_reset(struct px *p)
{
    scanrec_host_free(&p->h);
    port_clear(&p->port);
    free(p->ptr_name), free(p->user_name);
    p->ptr_name = p->user_name = NULL;
    p->has_ip = p->has_status = p->os_seen = false;
    p->pcap = 0;
}

static int host_begin(struct px *p)
{
    host_reset(p);
    p->host_line = node_line(p);
    return 0;
}

static int host_end(struct px *p)
{
    if (!p->has_ip)
        return fail_at(p, p->host_line, "host without an IP address");
    /* nmap writes the status; masscan writes a host only for an answer. */
    if (!p->has_status)
        p->h.status = HOST_UP;
    /* one name, as scanrec_from_host keeps it: the PTR name, else the user's */
    p->h.name = p->ptr_name ? p->ptr_name : p->user_name;
    if (p->h.name == p->ptr_name)
        free(p->user_name);
    else
        free(p->ptr_name);
    p->ptr_name = p->user_name = NULL;
    struct rec_scan *s = p->out;
    if (s->nhosts == p->hcap) {
        uint32_t nc = p->hcap ? p->hcap * 2 : 16;
        struct rec_host *nh = nc > p->hcap ? realloc(s->hosts, nc * sizeof *nh) : NULL;
        if (!nh) {
            p->oom = true;
            return -1;
        }
        s->hosts = nh;
        p->hcap = nc;
    }
    s->hosts[s->nhosts++] = p->h;
    memset(&p->h, 0, sizeof p->h);
    return 0;
}

static int on_status(struct px *p)
{
    char *s = attr(p, "state");
    p->h.status = !s ? HOST_UNKNOWN : !strcmp(s, "up") ? HOST_UP : !strcmp(s, "down") ? HOST_DOWN : HOST_UNKNOWN;
    free(s);
    p->has_status = true;
    char *r = attr(p, "reason");
    p->h.reason = reason_lookup(r);
    free(r);
    return 0;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hex_value((unsigned char)s[0]), lo = hi < 0 ? -1 : hex_value((unsigned char)s[1]);
        if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 3;
    }
    return true;
}

static int on_address(struct px *p)
{
    char *a = attr(p, "addr"), *type = attr(p, "addrtype");
    int rc = 0;
    if (!a) {
        rc = p->oom ? -1 : fail_at(p, node_line(p), "address without an addr attribute");
    } else if (type && !strcmp(type, "mac")) {
        if (!parse_mac(a, p->h.mac))
            rc = fail(p, "bad MAC address '%s'", a);
        else if (!p->h.has_mac) {
            p->h.has_mac = true;
            p->h.vendor = attr(p, "vendor");
        }
    } else if (!p->has_ip) {
        /* by its text, not its addrtype: masscan labels IPv6 "ipv4"; a scope
         * ("fe80::1%eth0") names an interface of the scanning machine */
        char *pct = strchr(a, '%');
        if (pct)
            *pct = '\0';
        if (addr_parse(a, &p->h.addr) < 0)
            rc = fail(p, "bad IP address '%s'", a);
        p->has_ip = rc == 0;
    }
    free(a), free(type);
    return rc;
}

static int on_hostname(struct px *p)
{
    char **slot = attr_is(p, "type", "PTR") ? &p->ptr_name : &p->user_name;
    if (!*slot)
        *slot = attr(p, "name");
    return 0;
}

static int on_osmatch(struct px *p)
{
    if (!p->os_seen) {
        p->os_seen = true;
        p->h.os = attr(p, "name");
    }
    return 0;
}

/* "1-21,23,25-79": each port of the list, with the state of its <extraports>. */
static int on_extrareasons(struct px *p)
{
    char *ports = attr(p, "ports"), *proto = attr(p, "proto"), *reason = attr(p, "reason");
    int rc = 0, pr = proto_lookup(proto ? proto : "tcp");
    if (!ports) /* nmap before 7.90 counted them without naming them */
        goto out;
    if (pr < 0) {
        rc = fail(p, "protocol '%s' is not supported (tcp and udp only)", proto);
        goto out;
    }
    struct rec_port rp = {.proto = (uint8_t)pr, .state = (uint8_t)p->extra_state, .reason = reason_lookup(reason)};
    for (char *item = ports, *next; rc == 0 && item; item = next) {
        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        char *dash = strchr(item, '-');
        if (dash)
            *dash = '\0';
        uint64_t lo, hi;
        if (!number(item, 65535, &lo) || !number(dash ? dash + 1 : item, 65535, &hi) || hi < lo) {
            if (dash)
                *dash = '-';
            rc = fail(p, "bad port range '%s' in extrareasons", item);
            break;
        }
        for (uint64_t v = lo; rc == 0 && v <= hi; v++) {
            rp.port = (uint16_t)v;
            rc = add_port(p, &rp);
        }
    }
out:
    free(ports), free(proto), free(reason);
    return rc;
}

static int on_extraports(struct px *p)
{
    char *st = attr(p, "state");
    int s = st ? state_parse(st) : -1;
    int rc = s < 0 ? fail(p, "unknown port state '%s' in extraports", st) : 0;
    p->extra_state = s;
    free(st);
    return rc;
}

static int port_begin(struct px *p)
{
    char *proto = attr(p, "protocol"), *id = attr(p, "portid");
    int pr = proto_lookup(proto);
    uint64_t v = 0;
    int rc = 0;
    if (pr < 0)
        rc = fail(p, "protocol '%s' is not supported (tcp and udp only)", proto);
    else if (!number(id, 65535, &v))
        rc = fail(p, "bad port number '%s'", id);
    free(proto), free(id);
    if (rc < 0)
        return rc;
    port_clear(&p->port);
    p->port.proto = (uint8_t)pr;
    p->port.port = (uint16_t)v;
    p->has_state = p->service_seen = p->cpe_seen = false;
    p->port_line = node_line(p);
    return 0;
}

static int port_end(struct px *p)
{
    if (!p->has_state)
        return fail_at(p, p->port_line, "port %u/%s without a state", p->port.port,
                       proto_name((enum proto)p->port.proto));
    int rc = add_port(p, &p->port);
    if (rc == 0)
        memset(&p->port, 0, sizeof p->port); /* the host owns its strings now */
    return rc;
}

static int on_state(struct px *p)
{
    char *st = attr(p, "state"), *reason = attr(p, "reason"), *ttl = attr(p, "reason_ttl");
    int s = st ? state_parse(st) : -1;
    int rc = s < 0 ? fail(p, "unknown port state '%s'", st) : 0;
    uint64_t t = 0;
    if (rc == 0) {
        p->port.state = (uint8_t)s;
        p->port.reason = reason_lookup(reason);
        /* informational only: a TTL nmap could not read is left 0 */
        p->port.ttl = number(ttl, 255, &t) ? (uint8_t)t : 0;
        p->has_state = true;
    }
    free(st), free(reason), free(ttl);
    return rc;
}

/* A probed service is kept; a name from nmap's table is not (xmlscan.h).
 * masscan's <service> is a banner's type ("title", "X509"), not a service. */
static int on_service(struct px *p)
{
    p->cpe_len = 0;
    /* the first <service> of a port counts (nmap writes one) */
    p->skip_service = p->service_seen || p->masscan || attr_is(p, "method", "table");
    p->service_seen = true;
    if (p->skip_service)
        return 0;
    struct rec_port *rp = &p->port;
    rp->service = attr(p, "name");
    rp->product = attr(p, "product");
    rp->version = attr(p, "version");
    rp->extrainfo = attr(p, "extrainfo");
    rp->tunnel = attr(p, "tunnel");
    return 0;
}

static int cpe_end(struct px *p)
{
    if (!p->cpe_seen && !p->skip_service && p->cpe_len) {
        p->cpe_seen = true;
        p->port.cpe = strndup(p->cpe, p->cpe_len);
        p->oom |= p->port.cpe == NULL;
    }
    p->cpe_len = 0;
    return 0;
}

static int on_nmaprun(struct px *p)
{
    struct rec_scan *s = p->out;
    char *scanner = attr(p, "scanner"), *version = attr(p, "version"), *start = attr(p, "start");
    p->masscan = scanner && !strcmp(scanner, "masscan");
    s->args = attr(p, "args");
    uint64_t t;
    if (number(start, UINT32_MAX * 16ULL, &t))
        s->start = (double)t;
    /* "nmap 7.93", "scout 0.1.0" (scout writes version="scout-0.1.0"),
     * "masscan 1.0-BETA": scanrec's form */
    if (version || scanner) {
        const char *name = scanner ? scanner : "nmap", *v = version ? version : "";
        if (!strncmp(v, "scout-", 6))
            name = "scout", v += 6;
        size_t n = strlen(name) + strlen(v) + 2;
        s->version = malloc(n);
        if (s->version)
            snprintf(s->version, n, "%s%s%s", name, *v ? " " : "", v);
        p->oom |= s->version == NULL;
    }
    free(scanner), free(version), free(start);
    return 0;
}

static int on_finished(struct px *p)
{
    char *t = attr(p, "time"), *exitv = attr(p, "exit");
    uint64_t v;
    if (number(t, UINT32_MAX * 16ULL, &v))
        p->out->end = (double)v;
    /* nmap says exit="success" or "error"; masscan says nothing */
    p->out->finished = !exitv || !strcmp(exitv, "success");
    free(t), free(exitv);
    return 0;
}

/* ---- the walk ----------------------------------------------------------- */

/* What an element is, given its parent; K_LEAF: read its attributes (if
 * any handler wants them) and skip its content; -1: skip it unread. */
static int classify(enum kind parent, const char *n)
{
#define IS(s) (!strcmp(n, s))
    switch (parent) {
    case K_RUN:
        return IS("host") ? K_HOST : IS("runstats") ? K_RUNSTATS : -1;
    case K_HOST:
        return IS("status") || IS("address") ? K_LEAF
             : IS("hostnames") ? K_HOSTNAMES
             : IS("ports") ? K_PORTS
             : IS("os") ? K_OS
             : IS("hostscript") ? K_HOSTSCRIPT : -1;
    case K_HOSTNAMES: return IS("hostname") ? K_LEAF : -1;
    case K_PORTS: return IS("port") ? K_PORT : IS("extraports") ? K_EXTRA : -1;
    case K_EXTRA: return IS("extrareasons") ? K_LEAF : -1;
    case K_PORT: return IS("state") ? K_LEAF : IS("service") ? K_SERVICE : -1;
    case K_SERVICE: return IS("cpe") ? K_CPE : -1;
    case K_OS: return IS("osmatch") ? K_LEAF : -1;
    case K_HOSTSCRIPT: return IS("script") ? K_LEAF : -1;
    case K_RUNSTATS: return IS("finished") ? K_LEAF : -1;
    default: return -1;
    }
#undef IS
}

static int leaf(struct px *p, enum kind parent, const char *n)
{
    switch (parent) {
    case K_HOST: return !strcmp(n, "status") ? on_status(p) : on_address(p);
    case K_HOSTNAMES: return on_hostname(p);
    case K_EXTRA: return on_extrareasons(p);
    case K_PORT: return on_state(p);
    case K_OS: return on_osmatch(p);
    case K_HOSTSCRIPT:
        /* scout's mark of a host a stop caught half-way */
        p->h.partial |= attr_is(p, "id", "scout-progress");
        return 0;
    case K_RUNSTATS: return on_finished(p);
    default: return 0;
    }
}

static int on_end(struct px *p, enum kind k)
{
    switch (k) {
    case K_HOST: return host_end(p);
    case K_PORT: return port_end(p);
    case K_CPE: return cpe_end(p);
    default: return 0;
    }
}

static int on_begin(struct px *p, enum kind k)
{
    switch (k) {
    case K_HOST: return host_begin(p);
    case K_EXTRA: return on_extraports(p);
    case K_PORT: return port_begin(p);
    case K_SERVICE: return on_service(p);
    default: return 0;
    }
}

/* One element's start: returns 1 to descend, 0 to skip its content, -1 on error. */
static int element(struct px *p, const char *n)
{
    int depth = p->depth;
    if (depth == 0) {
        if (strcmp(n, "nmaprun"))
            return fail(p, "not an nmap or masscan XML report (its root element is <%s>)", n);
        p->root_seen = true;
        p->stack[0] = K_RUN;
        return on_nmaprun(p) < 0 ? -1 : 1;
    }
    if (depth >= MAX_DEPTH)
        return 0;
    enum kind parent = p->stack[depth - 1];
    int k = classify(parent, n);
    if (k < 0)
        return 0;
    if (k == K_LEAF)
        return leaf(p, parent, n) < 0 || p->oom ? -1 : 0;
    p->stack[depth] = (enum kind)k;
    return on_begin(p, (enum kind)k) < 0 || p->oom ? -1 : 1;
}

static void stop(struct px *p)
{
    if (!p->failed && !p->entity)
        err_set(p->e, "%s: out of memory", p->origin), p->failed = true;
    xmlStopParser(p->ctxt);
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nns,
                      const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
    struct px *p = ctx;
    p->depth++;
    if (p->failed || p->entity)
        return;
    if (p->skip) {
        p->skip++;
        return;
    }
    p->attrs = attrs;
    p->nattrs = nattrs;
    int r = element(p, (const char *)name);
    p->attrs = NULL;
    p->nattrs = 0;
    if (r < 0)
        stop(p);
    else if (r == 0)
        p->skip = 1;
}

static void sax_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    (void)name, (void)prefix, (void)uri;
    struct px *p = ctx;
    int depth = p->depth--;
    if (p->failed || p->entity)
        return;
    if (p->skip) {
        p->skip--;
        return;
    }
    if (depth == 0)
        p->root_closed = true;
    else if (depth < MAX_DEPTH && (on_end(p, p->stack[depth]) < 0 || p->oom))
        stop(p);
}

static void sax_text(void *ctx, const xmlChar *t, int len)
{
    struct px *p = ctx;
    if (p->skip || p->failed || p->entity || p->depth < 1 || p->depth >= MAX_DEPTH || p->stack[p->depth] != K_CPE)
        return;
    size_t n = MIN((size_t)len, CPE_MAX - p->cpe_len);
    if (n)
        memcpy(p->cpe + p->cpe_len, t, n);
    p->cpe_len += n;
}

/* Any declaration, general or parameter, internal or external: refused. */
static void sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub, const xmlChar *sys,
                            xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    struct px *p = ctx;
    if (!p->entity && !p->failed) {
        p->entity = true;
        p->entity_line = node_line(p);
    }
    xmlStopParser(p->ctxt);
}

/* XML's five and nothing else. */
static xmlEntityPtr sax_get_entity(void *ctx, const xmlChar *name)
{
    struct px *p = ctx;
    return xmlGetPredefinedEntity(name);
}

static void sax_error(void *ctx, xmlErrorPtr err)
{
    struct px *p = ctx;
    if (!err || err->level < XML_ERR_ERROR || p->xml_msg[0])
        return;
    snprintf(p->xml_msg, sizeof p->xml_msg, "%s", err->message ? err->message : "error");
    p->xml_msg[strcspn(p->xml_msg, "\r\n")] = '\0';
    p->xml_line = err->line;
    p->xml_code = err->code;
}

/* A hosts' duplicates (masscan writes one <host> per port) folded into the
 * first: ports appended, missing fields taken from the later one. */
static int merge_host(struct rec_host *into, struct rec_host *from)
{
    if (from->nports) {
        struct rec_port *np = realloc(into->ports, ((size_t)into->nports + from->nports) * sizeof *np);
        if (!np)
            return -1;
        memcpy(np + into->nports, from->ports, from->nports * sizeof *np);
        into->ports = np;
        into->nports += from->nports;
        free(from->ports);
        from->ports = NULL;
        from->nports = 0;
    }
    if (into->status != HOST_UP && from->status == HOST_UP)
        into->status = HOST_UP, into->reason = from->reason;
#define TAKE(f) if (!into->f) into->f = from->f, from->f = NULL
    TAKE(vendor);
    TAKE(name);
    TAKE(os);
#undef TAKE
    if (!into->has_mac && from->has_mac)
        into->has_mac = true, memcpy(into->mac, from->mac, 6);
    into->partial |= from->partial;
    scanrec_host_free(from);
    return 0;
}

static void merge_ports(struct rec_host *h)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < h->nports; i++) {
        struct rec_port *cur = &h->ports[i];
        if (w && h->ports[w - 1].proto == cur->proto && h->ports[w - 1].port == cur->port) {
            struct rec_port *keep = &h->ports[w - 1];
            if (!keep->service) {
                free(keep->tunnel), free(keep->product), free(keep->version), free(keep->extrainfo), free(keep->cpe);
                keep->service = cur->service, keep->tunnel = cur->tunnel, keep->product = cur->product;
                keep->version = cur->version, keep->extrainfo = cur->extrainfo, keep->cpe = cur->cpe;
                memset(cur, 0, sizeof *cur);
            }
            port_clear(cur);
            continue;
        }
        if (w != i)
            h->ports[w] = *cur;
        w++;
    }
    h->nports = w;
}

/* scanrec_sort's order, without handing qsort a NULL array (no hosts, or
 * a host without ports), which UBSan rightly refuses. */
static int by_port(const void *a, const void *b)
{
    const struct rec_port *x = a, *y = b;
    uint32_t kx = (uint32_t)x->proto << 16 | x->port, ky = (uint32_t)y->proto << 16 | y->port;
    return kx < ky ? -1 : kx > ky;
}

static int by_addr(const void *a, const void *b)
{
    return addr_cmp(&((const struct rec_host *)a)->addr, &((const struct rec_host *)b)->addr);
}

static void sort_scan(struct rec_scan *s)
{
    if (s->nhosts)
        qsort(s->hosts, s->nhosts, sizeof *s->hosts, by_addr);
    for (uint32_t i = 0; i < s->nhosts; i++)
        if (s->hosts[i].nports)
            qsort(s->hosts[i].ports, s->hosts[i].nports, sizeof *s->hosts[i].ports, by_port);
}

static int finish(struct rec_scan *s)
{
    sort_scan(s);
    uint32_t w = 0;
    for (uint32_t i = 0; i < s->nhosts; i++) {
        if (w && addr_eq(&s->hosts[w - 1].addr, &s->hosts[i].addr)) {
            if (merge_host(&s->hosts[w - 1], &s->hosts[i]) < 0)
                return -1;
            continue;
        }
        if (w != i) {
            s->hosts[w] = s->hosts[i];
            memset(&s->hosts[i], 0, sizeof s->hosts[i]);
        }
        w++;
    }
    s->nhosts = w;
    sort_scan(s); /* merged hosts' ports */
    for (uint32_t i = 0; i < s->nhosts; i++)
        merge_ports(&s->hosts[i]);
    return 0;
}

/* The message for a parse that stopped early, when no handler set one. */
static int parse_failed(struct px *p, int read_errno)
{
    struct src *s = p->src;
    if (p->entity)
        return fail_at(p, p->entity_line, "entity declarations are refused (nmap writes none)");
    if (read_errno)
        return err_set(p->e, "cannot read '%s': %s", p->origin, strerror(read_errno));
    if (s->total > p->lim->max_bytes) {
        uint64_t m = p->lim->max_bytes;
        return err_set(p->e, "%s: larger than %llu %s, the limit for an XML report", p->origin,
                       (unsigned long long)(m % (1 << 20) ? m : m >> 20), m % (1 << 20) ? "bytes" : "MiB");
    }
    if (s->total == 0)
        return err_set(p->e, "%s: empty file, not an nmap XML report", p->origin);
    if (p->xml_code == XML_ERR_DOCUMENT_EMPTY) /* libxml2's "Document is empty": no element first */
        return fail_at(p, p->xml_line, "not XML: no element where the document should start");
    if (!p->xml_msg[0] && !p->root_seen)
        return err_set(p->e, "%s: no root element, not an nmap XML report", p->origin);
    return fail_at(p, p->xml_line > 0 ? p->xml_line : node_line(p), "not well-formed XML: %s",
                   p->xml_msg[0] ? p->xml_msg : "parse error");
}

/* Feeds the parser the whole input, 64 KiB at a time.  Returns 0 when the
 * document was read whole or cut short between two tags (below), else -1
 * with e set. */
static int feed(struct px *p)
{
    enum { CHUNK = 64 << 10 };
    char *buf = malloc(CHUNK);
    if (!buf)
        return err_set(p->e, "%s: out of memory", p->origin);
    int read_errno = 0;
    for (;;) {
        ssize_t n = src_read(p->src, buf, CHUNK);
        if (n < 0)
            read_errno = errno;
        if (n < 0 || p->src->total > p->lim->max_bytes)
            break;
        xmlParseChunk(p->ctxt, buf, (int)n, n == 0);
        if (n == 0 || p->failed || p->entity || p->xml_msg[0])
            break;
    }
    free(buf);
    if (p->failed)
        return -1;
    if (!read_errno && p->src->eof && !p->entity && !p->xml_msg[0] && p->root_closed)
        return 0;
    /* nmap killed mid-run leaves its report unclosed: the hosts it finished
     * are good, and the scan is marked unfinished (a host it was writing is
     * dropped).  That is input that ends between two tags with the root
     * still open, which libxml2 calls "extra content" (XML_ERR_DOCUMENT_END)
     * at the end of the input; a cut inside a tag is another error. */
    if (!read_errno && p->src->eof && !p->entity && p->root_seen && !p->root_closed &&
        p->src->total <= p->lim->max_bytes && p->xml_code == XML_ERR_DOCUMENT_END) {
        p->out->finished = false;
        p->out->end = 0;
        return 0;
    }
    return parse_failed(p, read_errno);
}

static const struct xmlscan_limits default_limits = {XMLSCAN_MAX_BYTES, XMLSCAN_MAX_PORTS};

static int parse(struct src *s, const char *origin, const struct xmlscan_limits *lim, struct rec_scan *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    if (!lim)
        lim = &default_limits;
    s->max = lim->max_bytes;
    struct px *p = calloc(1, sizeof *p);
    if (!p)
        return err_set(e, "%s: out of memory", origin);
    *p = (struct px){.src = s, .origin = origin, .lim = lim, .e = e, .out = out, .depth = -1};
    /* Only these callbacks: no tree, no DTD, entities as above. */
    xmlSAXHandler sax = {
        .initialized = XML_SAX2_MAGIC,
        .startElementNs = sax_start,
        .endElementNs = sax_end,
        .characters = sax_text,
        .cdataBlock = sax_text,
        .entityDecl = sax_entity_decl,
        .getEntity = sax_get_entity,
        .serror = sax_error,
    };
    int rc;
#define XML_NAME(f) #f,
    static const char *const names[] = {XML_FUNCS(XML_NAME)};
#undef XML_NAME
    if (dynlib_open("libxml2.so.2", "libxml2", names, (void **)&p->xml, sizeof names / sizeof *names, &p->lib, e) < 0) {
        free(p);
        return -1;
    }
    p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, origin);
    if (!p->ctxt) {
        rc = err_set(e, "%s: out of memory", origin);
    } else {
        /* no XML_PARSE_DTDLOAD, _NOENT, _DTDATTR, _XINCLUDE or _HUGE */
        xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET);
        rc = feed(p);
        if (rc == 0 && (p->oom || finish(out) < 0))
            rc = err_set(e, "%s: out of memory", origin);
        /* libxml2 itself makes a document to hold a declared entity (its
         * "SAX compatibility"), which the context does not free */
        if (p->ctxt->myDoc)
            xmlFreeDoc(p->ctxt->myDoc);
        xmlFreeParserCtxt(p->ctxt);
    }
    host_reset(p);
    dynlib_close(p->lib);
    free(p);
    if (rc < 0)
        scanrec_free(out);
    return rc;
}

int xmlscan_file(const char *path, const struct xmlscan_limits *lim, struct rec_scan *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    struct src s = {.fd = open(path, O_RDONLY | O_CLOEXEC)};
    if (s.fd < 0)
        return err_set(e, "cannot read '%s': %s", path, strerror(errno));
    int rc = parse(&s, path, lim, out, e);
    close(s.fd);
    return rc;
}

int xmlscan_mem(const char *buf, size_t len, const char *origin, const struct xmlscan_limits *lim,
                struct rec_scan *out, err_t *e)
{
    struct src s = {.fd = -1, .mem = buf, .len = len};
    return parse(&s, origin, lim, out, e);
}
