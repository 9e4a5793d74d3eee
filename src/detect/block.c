#include "detect/block.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dynlib.h"
#include "targets.h"

#define RECENT_MAX 4096 /* addresses remembered as blocked (oldest forgotten first) */

/* libnftables, through its stable C API */
struct nft {
    void *(*ctx_new)(uint32_t flags);
    void (*ctx_free)(void *ctx);
    int (*buffer_error)(void *ctx);
    const char *(*error_buffer)(void *ctx);
    int (*run)(void *ctx, const char *cmd);
};

struct blocker {
    bool dry_run;
    uint64_t for_ns;
    char table[32];
    pid_t helper;
    int req;                 /* requests to the helper: struct addr each */
    struct targets allow;
    struct {
        struct addr a;
        uint64_t until;
    } recent[RECENT_MAX];
    uint32_t nrecent, next;
};

static int nft_load(struct nft *n, void **lib, err_t *e)
{
    static const char *const names[] = {"nft_ctx_new", "nft_ctx_free", "nft_ctx_buffer_error",
                                        "nft_ctx_get_error_buffer", "nft_run_cmd_from_buffer"};
    return dynlib_open("libnftables.so.1", "nftables", names, (void **)n, sizeof names / sizeof *names, lib, e);
}

/* One nftables command; its error (first line) into err when it fails. */
static int nft_cmd(const struct nft *n, void *ctx, const char *cmd, char *err, size_t len)
{
    if (n->run(ctx, cmd) == 0)
        return 0;
    const char *why = n->error_buffer(ctx);
    snprintf(err, len, "%.*s", (int)strcspn(why ? why : "", "\n"), why ? why : "");
    return -1;
}

/* The table, its sets and its chains, in one transaction. */
static int nft_setup(const struct nft *n, void *ctx, const char *t, char *err, size_t len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "add table inet %s\n"
             "add set inet %s b4 { type ipv4_addr; flags timeout; }\n"
             "add set inet %s b6 { type ipv6_addr; flags timeout; }\n"
             "add chain inet %s input { type filter hook input priority -10; policy accept; }\n"
             "add chain inet %s forward { type filter hook forward priority -10; policy accept; }\n"
             "add rule inet %s input ip saddr @b4 drop\n"
             "add rule inet %s input ip6 saddr @b6 drop\n"
             "add rule inet %s forward ip saddr @b4 drop\n"
             "add rule inet %s forward ip6 saddr @b6 drop\n",
             t, t, t, t, t, t, t, t, t);
    return nft_cmd(n, ctx, cmd, err, len);
}

/* The helper: the table made (its outcome, a message or "", on status),
 * then an element added for each address read, until the pipe closes.
 * Returns the forked process's exit status. */
static int helper(int req, int status, const char *table, uint64_t for_s)
{
    signal(SIGINT, SIG_IGN); /* the watch's Ctrl-C is the watch's: the table goes when it does */
    signal(SIGTERM, SIG_IGN);
    struct nft n;
    void *lib = NULL, *ctx = NULL;
    err_t e;
    char err[sizeof e.msg] = "";
    if (nft_load(&n, &lib, &e) < 0)
        snprintf(err, sizeof err, "%s", e.msg);
    else if (!(ctx = n.ctx_new(0)) || n.buffer_error(ctx) < 0)
        snprintf(err, sizeof err, "libnftables: cannot start");
    else if (nft_setup(&n, ctx, table, err, sizeof err) < 0 && !err[0])
        snprintf(err, sizeof err, "cannot create table inet %s", table);
    if (write(status, err, strlen(err) + 1) < 0 || err[0])
        return 1;
    close(status);
    struct addr a;
    while (read(req, &a, sizeof a) == (ssize_t)sizeof a) {
        char ip[ADDR_STRLEN], cmd[200];
        addr_str(&a, ip, sizeof ip);
        snprintf(cmd, sizeof cmd, "add element inet %s %s { %s timeout %llus }", table,
                 a.family == AF_INET6 ? "b6" : "b4", ip, (unsigned long long)for_s);
        nft_cmd(&n, ctx, cmd, err, sizeof err);
    }
    snprintf(err, sizeof err, "delete table inet %s", table);
    nft_cmd(&n, ctx, err, err, sizeof err);
    return 0;
}

/* Forks the helper and waits for its table. */
static int start_helper(struct blocker *b, err_t *e)
{
    int req[2], st[2];
    if (pipe2(req, O_CLOEXEC) < 0 || pipe2(st, O_CLOEXEC) < 0)
        return err_set(e, "--block: pipe: %s", strerror(errno));
    b->helper = fork();
    if (b->helper < 0)
        return err_set(e, "--block: fork: %s", strerror(errno));
    if (b->helper == 0) {
        close(req[1]), close(st[0]);
        _exit(helper(req[0], st[1], b->table, b->for_ns / NS_PER_SEC)); /* the forked helper only */
    }
    close(req[0]), close(st[1]);
    b->req = req[1];
    char msg[sizeof e->msg] = "";
    ssize_t n = read(st[0], msg, sizeof msg - 1);
    close(st[0]);
    if (n <= 0 || msg[0])
        return err_set(e, "--block: %s", n > 0 ? msg : "the nftables helper died");
    return 0;
}

int blocker_open(struct blocker **bp, const struct conf *c, err_t *e)
{
    *bp = NULL;
    if (!c->block)
        return 0;
    struct blocker *b = xcalloc(1, sizeof *b, e);
    if (!b)
        return -1;
    *bp = b;
    b->dry_run = c->dry_run;
    b->for_ns = c->block_for_ns;
    b->req = -1;
    targets_init(&b->allow);
    snprintf(b->table, sizeof b->table, "scout_%d", (int)getpid());
    return b->dry_run ? 0 : start_helper(b, e);
}

int blocker_allow(struct blocker *b, const struct conf *c, err_t *e)
{
    if (!b)
        return 0;
    if (!c->never_block)
        return targets_finish(&b->allow, e);
    int rc = access(c->never_block, R_OK) == 0
                 ? targets_add_file(&b->allow, c->never_block, TARGET_V4 | TARGET_NO_RESOLVE, e)
                 : targets_add_list(&b->allow, c->never_block, TARGET_V4 | TARGET_NO_RESOLVE, e);
    if (rc < 0 || targets_finish(&b->allow, e) < 0) {
        char why[sizeof e->msg];
        snprintf(why, sizeof why, "%s", e->msg);
        return err_set(e, "--never-block: %s", why);
    }
    return 0;
}

/* Whether a was blocked less than a timeout ago; if not, it is now. */
static bool seen(struct blocker *b, const struct addr *a, uint64_t now)
{
    for (uint32_t i = 0; i < b->nrecent; i++)
        if (!addr_cmp(&b->recent[i].a, a) && b->recent[i].until > now)
            return true;
    uint32_t k = b->nrecent < RECENT_MAX ? b->nrecent++ : b->next++ % RECENT_MAX;
    b->recent[k].a = *a;
    b->recent[k].until = now + b->for_ns;
    return false;
}

static void say(FILE *text, FILE *json, const char *what, const char *ip, const struct blocker *b,
                const char *why)
{
    unsigned long long s = (unsigned long long)(b->for_ns / NS_PER_SEC);
    if (text && !strcmp(what, "allowed"))
        fprintf(text, "not blocked: %s is on --never-block\n", ip);
    else if (text)
        fprintf(text, "%s: %s for %llu s (%s)\n", what, ip, s, why);
    if (json)
        fprintf(json, "{\"event\":\"block\",\"action\":\"%s\",\"src\":\"%s\",\"for_s\":%llu,\"reason\":\"%s\"}\n",
                what, ip, s, why);
}

const char *blocker_block(struct blocker *b, const struct addr *a, const char *why, FILE *text, FILE *json)
{
    if (!b)
        return NULL;
    char ip[ADDR_STRLEN];
    addr_str(a, ip, sizeof ip);
    const char *did = b->dry_run ? "would-block" : "blocked";
    if (targets_contains(&b->allow, a))
        did = "allowed", why = "on --never-block";
    else if (seen(b, a, now_ns()))
        return NULL;
    else if (!b->dry_run && write(b->req, a, sizeof *a) != (ssize_t)sizeof *a)
        did = "block-failed";
    say(text, json, did, ip, b, why);
    return did;
}

uint64_t blocker_for_s(const struct blocker *b)
{
    return b ? b->for_ns / NS_PER_SEC : 0;
}

void blocker_close(struct blocker *b)
{
    if (!b)
        return;
    if (b->req >= 0)
        close(b->req); /* the helper deletes the table and exits */
    if (b->helper > 0)
        waitpid(b->helper, NULL, 0);
    targets_free(&b->allow);
    free(b);
}
