/* cmd_diff: `scout diff` and `scout import` (cmd_diff.h).
 *
 * The text form is ndiff's (nmap's Ndiff, the reference: Debian's ndiff
 * package), line for line where the records hold what ndiff reads:
 *
 *   -Nmap 7.93 scan initiated Wed Nov 25 01:24:59 2026 as: nmap -p 1-100 t
 *   +Nmap scout-0.1.0 scan initiated Wed Nov 25 01:30:02 2026 as: scout ...
 *                                       (only when the two banners differ)
 *
 *    198.18.0.11, 02:00:00:00:00:11:     (" " one host, "-"/"+" A's and B's
 *   -Not shown: 997 closed ports          names when they differ, or when
 *   +Not shown: 996 closed ports          the host is in one scan only)
 *    PORT     STATE  SERVICE VERSION
 *   -8080/tcp closed http-proxy
 *   +8080/tcp open   http-proxy
 *
 * a blank line before each host that changed, "-Host is up." / "+Host is
 * down." for a status, "OS details:" for the best OS match.  What it does
 * not show: scripts' output, OS matches after the best (the records keep
 * one), and a service change that is only its tunnel counts here
 * (ndiff's comparison leaves the tunnel out).  A port that changed between
 * two folded states while the folded counts stayed equal, which ndiff
 * cannot see, is listed with its real states.
 *
 * --json writes one object per change, one per line:
 *   {"change": "appeared" | "disappeared" | "changed",
 *    "host": "198.18.0.11",            the address
 *    "port": 80 | null,  "proto": "tcp" | "udp" | null,   null: the host itself
 *    "from": {...} | null,  "to": {...} | null}           null: absent from A / B
 * where a host's from/to is
 *   {"status": "up"|"down"|"unknown", "name": s|null, "mac": "02:00:..."|null,
 *    "os": s|null, "not_shown": {"closed": 997, ...}}
 * and a port's
 *   {"state": "open"|..., "reason": "syn-ack"|..., "service": s|null,
 *    "product": s|null, "version": s|null, "extrainfo": s|null, "tunnel": s|null}
 * A host's object comes first, then its ports', hosts and ports in ndiff's
 * order.  A host that changed has an object of its own only when a field of
 * it changed; a port in one scan only is a change unless that host folds its
 * state ("not_shown" carries it).  Strings are UTF-8 (bytes that are not
 * become U+FFFD). */
#include "cmd_diff.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diff.h"
#include "store/store.h"
#include "xmlscan.h"

/* ---- ndiff's text ------------------------------------------------------- */

/* Characters as Python counts them for ljust: UTF-8 code points. */
static size_t cp_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* One line per thing, whatever a name holds: control bytes become '?'. */
static void put_clean(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
    }
}

static const char *status_word(uint8_t s)
{
    return s == HOST_UP ? "up" : s == HOST_DOWN ? "down" : "unknown";
}

/* ndiff's format_name: "name (address, MAC)", "address, MAC", "address". */
static void host_name(FILE *f, const struct rec_host *h)
{
    char ip[ADDR_STRLEN], mac[18];
    addr_str(&h->addr, ip, sizeof ip);
    if (h->has_mac)
        mac_format(h->mac, mac);
    if (h->name) {
        put_clean(f, h->name);
        fputs(" (", f);
    }
    fprintf(f, "%s%s%s%s", ip, h->has_mac ? ", " : "", h->has_mac ? mac : "", h->name ? ")" : "");
}

/* "997 closed ports, 30 filtered ports": most first, as ndiff sorts them
 * (count, then state name, both descending). */
static void not_shown(FILE *f, char mark, const struct diff_fold *fo)
{
    int order[PS_COUNT], n = 0;
    for (int s = 1; s < PS_COUNT; s++)
        if (fo->folded[s])
            order[n++] = s;
    if (!n)
        return;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            int x = order[j - 1], y = order[j];
            bool before = fo->count[y] > fo->count[x] ||
                          (fo->count[y] == fo->count[x] && strcmp(state_name(y), state_name(x)) > 0);
            if (!before)
                break;
            order[j - 1] = y, order[j] = x;
        }
    fprintf(f, "%cNot shown: ", mark);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%u %s ports", i ? ", " : "", fo->count[order[i]], state_name((enum port_state)order[i]));
    fputc('\n', f);
}

#define COLS 5

/* A row of ndiff's port table: mark, PORT, STATE, SERVICE, VERSION; cells
 * after the last non-empty one are absent, as ndiff drops trailing Nones. */
struct row {
    char *cell[COLS];
    int n;
};

struct table {
    struct row *r;
    size_t n, cap;
    size_t width[COLS];
    bool oom;
};

static char *str_printf(bool *oom, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *str_printf(bool *oom, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    *oom |= s == NULL;
    return s;
}

static void table_add(struct table *t, char *cell[COLS])
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 8;
        struct row *nr = realloc(t->r, nc * sizeof *nr);
        if (!nr) {
            t->oom = true;
            for (int i = 0; i < COLS; i++)
                free(cell[i]);
            return;
        }
        t->r = nr;
        t->cap = nc;
    }
    struct row *r = &t->r[t->n++];
    r->n = COLS;
    while (r->n > 0 && !cell[r->n - 1])
        r->n--;
    for (int i = 0; i < COLS; i++) {
        r->cell[i] = cell[i];
        if (i < r->n && cell[i])
            t->width[i] = MAX(t->width[i], cp_len(cell[i]));
    }
}

/* ndiff's SERVICE column ("ssl/http") and VERSION column ("nginx 1.22.1 (Debian)"). */
static void port_row(struct table *t, char mark, const struct rec_port *p, const struct services *svc)
{
    const char *name = diff_service(p, svc), *x = p->extrainfo;
    char *cell[COLS] = {0};
    cell[0] = str_printf(&t->oom, "%c", mark);
    cell[1] = str_printf(&t->oom, "%u/%s", p->port, proto_name((enum proto)p->proto));
    cell[2] = str_printf(&t->oom, "%s", state_name((enum port_state)p->state));
    if (name || p->tunnel)
        cell[3] = str_printf(&t->oom, "%s%s%s", p->tunnel ? p->tunnel : "", p->tunnel && name ? "/" : "",
                             name ? name : "");
    if (p->product || p->version || x)
        cell[4] = str_printf(&t->oom, "%s%s%s%s%s%s%s", p->product ? p->product : "",
                             p->product && p->version ? " " : "", p->version ? p->version : "",
                             (p->product || p->version) && x ? " " : "", x ? "(" : "", x ? x : "", x ? ")" : "");
    table_add(t, cell);
}

/* Each cell left-justified to its column's width, the columns joined by
 * ndiff's template "** * * *" (no blank after the mark), trailing blanks
 * stripped, as ndiff's Table prints. */
static int table_print(FILE *f, const struct table *t)
{
    static const char *const pad[COLS] = {"", " ", " ", " ", ""};
    char *line = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct row *r = &t->r[i];
        /* bytes, not characters: a record's string need not be UTF-8 */
        size_t need = 1;
        for (int c = 0; c < r->n; c++)
            need += (r->cell[c] ? strlen(r->cell[c]) : 0) + t->width[c] + 1;
        if (need > cap) {
            char *nl = realloc(line, need);
            if (!nl) {
                free(line);
                return -1;
            }
            line = nl;
            cap = need;
        }
        size_t len = 0;
        for (int c = 0; c < r->n; c++) {
            const char *s = r->cell[c] ? r->cell[c] : "";
            size_t n = strlen(s), w = cp_len(s);
            memcpy(line + len, s, n);
            len += n;
            memset(line + len, ' ', t->width[c] - w);
            len += t->width[c] - w;
            memcpy(line + len, pad[c], strlen(pad[c]));
            len += strlen(pad[c]);
        }
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        line[len] = '\0';
        put_clean(f, line);
        fputc('\n', f);
    }
    free(line);
    return 0;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (int c = 0; c < COLS; c++)
            free(t->r[i].cell[c]);
    free(t->r);
}

static bool counts(uint8_t kind)
{
    return kind == DIFF_APPEARED || kind == DIFF_DISAPPEARED || kind == DIFF_CHANGED;
}

/* ndiff's view of a port: the record, unless its host folds its state. */
static const struct rec_port *shown(const struct rec_port *p, const struct diff_fold *fo)
{
    return p && !(p->state < PS_COUNT && fo->folded[p->state]) ? p : NULL;
}

static int host_text(FILE *f, const struct diff_host *h, const struct diff_port *v, uint32_t n,
                     const struct services *svc, err_t *e)
{
    const struct rec_host *a = h->a, *b = h->b;
    fputc('\n', f);
    if (a && b && !h->ident) {
        fputc(' ', f);
        host_name(f, a);
        fputs(":\n", f);
    } else {
        if (a)
            fputc('-', f), host_name(f, a), fputs(":\n", f);
        if (b)
            fputc('+', f), host_name(f, b), fputs(":\n", f);
    }
    if (!a || !b || h->status) {
        if (a)
            fprintf(f, "-Host is %s.\n", status_word(a->status));
        if (b)
            fprintf(f, "+Host is %s.\n", status_word(b->status));
    }
    if (!diff_fold_eq(&h->fa, &h->fb)) {
        not_shown(f, '-', &h->fa);
        not_shown(f, '+', &h->fb);
    }
    struct table t = {0};
    char *head[COLS] = {str_printf(&t.oom, "%c", !a ? '+' : !b ? '-' : ' '), str_printf(&t.oom, "PORT"),
                        str_printf(&t.oom, "STATE"), str_printf(&t.oom, "SERVICE"), str_printf(&t.oom, "VERSION")};
    table_add(&t, head);
    for (uint32_t i = 0; i < n && !t.oom; i++) {
        const struct rec_port *va = shown(v[i].a, &h->fa), *vb = shown(v[i].b, &h->fb);
        if (!va && !vb && v[i].kind == DIFF_CHANGED && !h->fold) {
            /* a change between folded states that the counts do not show */
            va = v[i].a, vb = v[i].b;
        } else if ((!va && !vb) || (va && vb && diff_port_eq(va, vb, svc))) {
            continue;
        }
        if (va)
            port_row(&t, '-', va, svc);
        if (vb)
            port_row(&t, '+', vb, svc);
    }
    if (!t.oom && t.n > 1 && table_print(f, &t) < 0)
        t.oom = true;
    bool oom = t.oom;
    table_free(&t);
    if (oom)
        return err_set(e, "out of memory");
    const char *oa = a ? a->os : NULL, *ob = b ? b->os : NULL;
    if ((oa || ob) && !(oa && ob && !strcmp(oa, ob))) {
        fprintf(f, "%cOS details:\n", oa && ob ? ' ' : oa ? '-' : '+');
        if (oa)
            fputs("-  ", f), put_clean(f, oa), fputc('\n', f);
        if (ob)
            fputs("+  ", f), put_clean(f, ob), fputc('\n', f);
    }
    return 0;
}

/* ndiff's banner: "Nmap 7.93 scan initiated <date> as: <args>".  ndiff
 * names the scanner by the report's scanner attribute ("Nmap" for nmap,
 * which scout's reports say too, with version="scout-X"). */
static char *banner(const struct rec_scan *s)
{
    const char *v = s->version ? s->version : "", *sp = strchr(v, ' ');
    char scanner[64], version[128];
    snprintf(scanner, sizeof scanner, "%.*s", sp ? (int)(sp - v) : 0, v);
    snprintf(version, sizeof version, "%s%s", !strcmp(scanner, "scout") ? "scout-" : "", sp ? sp + 1 : v);
    if (!sp || !strcmp(scanner, "nmap") || !strcmp(scanner, "scout"))
        snprintf(scanner, sizeof scanner, "Nmap");
    char when[64] = "";
    if (s->start > 0) {
        time_t t = (time_t)s->start;
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%a %b %d %H:%M:%S %Y", &tm);
    }
    char *b = NULL;
    if (asprintf(&b, "%s%s%s scan%s%s%s%s", scanner, version[0] ? " " : "", version, when[0] ? " initiated " : "",
                 when, s->args ? " as: " : "", s->args ? s->args : "") < 0)
        return NULL;
    return b;
}

int diff_write_text(FILE *f, const struct rec_scan *a, const struct rec_scan *b, const struct services *svc,
                    uint64_t *changes, err_t *e)
{
    *changes = 0;
    char *ba = banner(a), *bb = banner(b);
    if (ba && bb && strcmp(ba, bb)) {
        fputc('-', f), put_clean(f, ba), fputc('\n', f);
        fputc('+', f), put_clean(f, bb), fputc('\n', f);
    }
    bool oom = !ba || !bb;
    free(ba), free(bb);
    if (oom)
        return err_set(e, "out of memory");
    struct diff_host *hv;
    uint32_t nh;
    if (diff_hosts(a, b, &hv, &nh, e) < 0)
        return -1;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < nh; i++) {
        struct diff_port *pv;
        uint32_t np;
        if (diff_ports(&hv[i], svc, &pv, &np, e) < 0) {
            rc = -1;
            break;
        }
        uint64_t c = diff_host_changed(&hv[i]);
        for (uint32_t k = 0; k < np; k++)
            c += counts(pv[k].kind);
        if (c)
            rc = host_text(f, &hv[i], pv, np, svc, e);
        *changes += c;
        free(pv);
    }
    free(hv);
    return rc;
}

/* ---- JSON lines --------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s, or 0. */
static int utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n <= 1)
        return n;
    uint32_t cp = c & (0xFF >> (n + 1));
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void jstr(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_seq(p);
        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
        } else if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p++);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(f, "\\u%04x", *p++);
        } else {
            fwrite(p, 1, (size_t)n, f);
            p += n;
        }
    }
    fputc('"', f);
}

static void json_host(FILE *f, const struct rec_host *h, const struct diff_fold *fo)
{
    if (!h) {
        fputs("null", f);
        return;
    }
    char mac[18];
    if (h->has_mac)
        mac_format(h->mac, mac);
    fprintf(f, "{\"status\":\"%s\",\"name\":", status_word(h->status));
    jstr(f, h->name);
    fputs(",\"mac\":", f);
    jstr(f, h->has_mac ? mac : NULL);
    fputs(",\"os\":", f);
    jstr(f, h->os);
    fputs(",\"not_shown\":{", f);
    bool first = true;
    for (int s = 1; s < PS_COUNT; s++)
        if (fo->folded[s]) {
            fprintf(f, "%s\"%s\":%u", first ? "" : ",", state_name((enum port_state)s), fo->count[s]);
            first = false;
        }
    fputs("}}", f);
}

static void json_port(FILE *f, const struct rec_port *p, const struct services *svc)
{
    if (!p) {
        fputs("null", f);
        return;
    }
    fprintf(f, "{\"state\":\"%s\",\"reason\":\"%s\",\"service\":", state_name((enum port_state)p->state),
            reason_name((enum reason)p->reason));
    jstr(f, diff_service(p, svc));
    fputs(",\"product\":", f);
    jstr(f, p->product);
    fputs(",\"version\":", f);
    jstr(f, p->version);
    fputs(",\"extrainfo\":", f);
    jstr(f, p->extrainfo);
    fputs(",\"tunnel\":", f);
    jstr(f, p->tunnel);
    fputc('}', f);
}

static const char *change_word(bool a, bool b)
{
    return !a ? "appeared" : !b ? "disappeared" : "changed";
}

static void host_json(FILE *f, const struct diff_host *h, const struct diff_port *v, uint32_t n,
                      const struct services *svc)
{
    const struct rec_host *any = h->a ? h->a : h->b;
    char ip[ADDR_STRLEN];
    addr_str(&any->addr, ip, sizeof ip);
    if (diff_host_changed(h)) {
        fprintf(f, "{\"change\":\"%s\",\"host\":\"%s\",\"port\":null,\"proto\":null,\"from\":", change_word(h->a, h->b), ip);
        json_host(f, h->a, &h->fa);
        fputs(",\"to\":", f);
        json_host(f, h->b, &h->fb);
        fputs("}\n", f);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!counts(v[i].kind))
            continue;
        fprintf(f, "{\"change\":\"%s\",\"host\":\"%s\",\"port\":%u,\"proto\":\"%s\",\"from\":",
                change_word(v[i].a, v[i].b), ip, v[i].port, proto_name((enum proto)v[i].proto));
        json_port(f, v[i].a, svc);
        fputs(",\"to\":", f);
        json_port(f, v[i].b, svc);
        fputs("}\n", f);
    }
}

int diff_write_json(FILE *f, const struct rec_scan *a, const struct rec_scan *b, const struct services *svc,
                    uint64_t *changes, err_t *e)
{
    *changes = 0;
    struct diff_host *hv;
    uint32_t nh;
    if (diff_hosts(a, b, &hv, &nh, e) < 0)
        return -1;
    int rc = 0;
    for (uint32_t i = 0; i < nh; i++) {
        struct diff_port *pv;
        uint32_t np;
        if (diff_ports(&hv[i], svc, &pv, &np, e) < 0) {
            rc = -1;
            break;
        }
        *changes += diff_host_changed(&hv[i]);
        for (uint32_t k = 0; k < np; k++)
            *changes += counts(pv[k].kind);
        host_json(f, &hv[i], pv, np, svc);
        free(pv);
    }
    free(hv);
    return rc;
}

/* ---- the commands ------------------------------------------------------- */

enum { EXIT_SAME = 0, EXIT_DIFFERENT = 1, EXIT_ERROR = 2 };

/* "scout: diff: unknown option '--x' (scout diff [--text|--json] ...)" */
static int usage_error(const char *cmd, const char *what, const char *arg)
{
    char q[64];
    fprintf(stderr, "scout: %s: %s%s%s%s (%s)\n", cmd, what, arg ? " '" : "", arg ? clip(arg, q, sizeof q) : "",
            arg ? "'" : "",
            !strcmp(cmd, "import") ? "scout import [--db PATH|URL] FILE.xml"
                                   : "scout diff [--text|--json] [--db PATH|URL] A B");
    return EXIT_ERROR;
}

static bool is_scan_id(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A scan: the store's by id, or a report file. */
static int load(const char *arg, const char *db, struct store **st, struct rec_scan *out, err_t *e)
{
    if (!is_scan_id(arg))
        return xmlscan_file(arg, NULL, out, e);
    uint64_t id;
    if (parse_uint(arg, 1, INT64_MAX, &id, e, "scan id") < 0)
        return -1;
    if (!*st && store_open(st, db, e) < 0)
        return -1;
    return store_load(*st, (int64_t)id, out, e);
}

static void warn_unfinished(const char *arg, const struct rec_scan *s)
{
    if (!s->finished && !is_scan_id(arg))
        fprintf(stderr, "scout: warning: '%s' is the report of an unfinished scan: only its finished hosts are compared\n",
                arg);
}

static const char diff_help[] =
    "Usage: scout diff [--text|--json] [--db PATH|URL] A B\n"
    "Compares two scans: each an nmap XML report (nmap's, scout's or masscan's -oX)\n"
    "or the id of a scan in the results store.  Hosts and ports that appeared,\n"
    "disappeared, or changed state or service.\n"
    "  --text          ndiff's text (the default)\n"
    "  --json          JSON lines, one object per change\n"
    "  --db PATH|URL   the results store of the scan ids (default: the default store)\n"
    "Exit status: 0 the same, 1 different, 2 error.\n";

static const char import_help[] =
    "Usage: scout import [--db PATH|URL] FILE.xml\n"
    "Stores an nmap XML report (nmap's, scout's or masscan's -oX) in the results\n"
    "store as a finished scan, and prints its id.\n";

struct args {
    const char *cmd, *db, *pos[3];
    int npos;
    bool json, text, help;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    bool opts = true;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (opts && !strcmp(s, "--")) {
            opts = false;
        } else if (opts && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
            a->help = true;
        } else if (opts && !strcmp(a->cmd, "diff") && !strcmp(s, "--json")) {
            a->json = true;
        } else if (opts && !strcmp(a->cmd, "diff") && !strcmp(s, "--text")) {
            a->text = true;
        } else if (opts && !strcmp(s, "--db")) {
            if (i + 1 == argc)
                return usage_error(a->cmd, "--db needs a path or a URL", NULL);
            a->db = argv[++i];
        } else if (opts && !strncmp(s, "--db=", 5)) {
            a->db = s + 5;
        } else if (opts && s[0] == '-' && s[1]) {
            return usage_error(a->cmd, "unknown option", s);
        } else if (a->npos < 3) {
            a->pos[a->npos++] = s;
        } else {
            a->npos++;
        }
    }
    if (a->json && a->text)
        return usage_error(a->cmd, "--text or --json, not both", NULL);
    if (a->db && !*a->db)
        return usage_error(a->cmd, "--db needs a path or a URL", NULL);
    return 0;
}

static int finish_output(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "scout: writing to standard output: %s\n", strerror(errno ? errno : EIO));
        return EXIT_ERROR;
    }
    return code;
}

int cmd_diff(int argc, char **argv)
{
    struct args a = {.cmd = "diff"};
    if (parse_args(argc, argv, &a) != 0)
        return EXIT_ERROR;
    if (a.help) {
        fputs(diff_help, stdout);
        return finish_output(EXIT_SAME);
    }
    if (a.npos != 2)
        return usage_error("diff", "two scans are needed, each a report file or a scan id", NULL);
    err_t e = {{0}};
    struct store *st = NULL;
    struct services *svc = NULL;
    struct rec_scan sa = {0}, sb = {0};
    uint64_t changes = 0;
    int code = EXIT_ERROR;
    if (load(a.pos[0], a.db, &st, &sa, &e) == 0 && load(a.pos[1], a.db, &st, &sb, &e) == 0 &&
        services_load(&svc, NULL, &e) == 0) {
        warn_unfinished(a.pos[0], &sa);
        warn_unfinished(a.pos[1], &sb);
        int rc = a.json ? diff_write_json(stdout, &sa, &sb, svc, &changes, &e)
                        : diff_write_text(stdout, &sa, &sb, svc, &changes, &e);
        if (rc == 0)
            code = finish_output(changes ? EXIT_DIFFERENT : EXIT_SAME);
    }
    if (code == EXIT_ERROR && e.msg[0])
        fprintf(stderr, "scout: %s\n", e.msg);
    if (svc)
        services_free(svc);
    scanrec_free(&sa);
    scanrec_free(&sb);
    if (st)
        store_close(st);
    return code;
}

int cmd_import(int argc, char **argv)
{
    struct args a = {.cmd = "import"};
    if (parse_args(argc, argv, &a) != 0)
        return EXIT_ERROR;
    if (a.help) {
        fputs(import_help, stdout);
        return finish_output(0);
    }
    if (a.npos != 1)
        return usage_error("import", "one report file is needed", NULL);
    err_t e = {{0}};
    struct store *st = NULL;
    struct rec_scan s = {0};
    int code = EXIT_ERROR;
    if (xmlscan_file(a.pos[0], NULL, &s, &e) == 0 && store_open(&st, a.db, &e) == 0 &&
        store_import(st, &s, &e) == 0) {
        warn_unfinished(a.pos[0], &s);
        printf("%lld\n", (long long)s.id);
        code = finish_output(0);
    }
    if (code == EXIT_ERROR && e.msg[0])
        fprintf(stderr, "scout: %s\n", e.msg);
    scanrec_free(&s);
    if (st)
        store_close(st);
    return code;
}
