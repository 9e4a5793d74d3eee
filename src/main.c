/* main: argv -> conf -> scan -> outputs.  The one place that exits.
 * Exit codes: 0 done, 1 the scan failed at run time, 2 bad input, 128+N
 * stopped by signal N (130 Ctrl-C, 143 SIGTERM), as a shell reports a process
 * that signal killed, and as nmap exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conf.h"
#include "output/output.h"
#include "detect/watch.h"
#include "iflist.h"
#include "privs.h"
#include "record.h"
#include "report.h"
#include "cmd_diff.h"
#include "scan.h"

/* The number of the signal (SIGINT/SIGTERM) that asked the run to stop, 0
 * while none has; the engines poll it through a const pointer.  The outputs
 * set it to SIGPIPE when stdout's reader is gone (output.h). */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    stop_flag = sig;
}

/* Connect scans want many descriptors: raise the soft limit to the hard one. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* A malformed line of a data file: said, then skipped. */
static void warn_line(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "scout: warning: %s\n", msg);
}

/* A file the unprivileged user may not read or write: the message says
 * who tried, and how to keep root's access. */
static void explain_denied(err_t *e, const char *who)
{
    if (!who[0] || !strstr(e->msg, strerror(EACCES)))
        return;
    char msg[sizeof e->msg];
    memcpy(msg, e->msg, sizeof msg);
    err_set(e, "%s (scout runs as %s by then; --no-drop-privileges keeps root's access)", msg, who);
}

/* --detect: a capture file is read as the unprivileged user (a live
 * capture drops privileges itself, once its handle is open). */
static int run_detect(const struct conf *c, err_t *e)
{
    char who[64] = "";
    if (c->detect_file && !c->keep_privileges && privs_drop(who, sizeof who, e) < 0) {
        fprintf(stderr, "scout: %s\n", e->msg);
        return 1;
    }
    int drc = detect_run(c, &stop_flag, e);
    if (drc < 0) {
        explain_denied(e, who);
        fprintf(stderr, "scout: %s\n", e->msg);
    }
    /* -2: the capture file is not one (bad input) */
    return drc == -2 ? 2 : drc < 0 ? 1 : stop_flag ? 128 + stop_flag : 0;
}

/* Everything that needs privilege, then privileges go, then everything that
 * reads what others wrote (privs.h): the user's own identity first (only
 * CAP_NET_RAW left, not in effect), then the targets, -iL and exclude files
 * and nmap-services, then the raw handles (which interfaces they use depends
 * on the targets) with CAP_NET_RAW raised for that alone, then no
 * capability at all; the output files, the probe databases and the scan
 * come after.  Returns 0, or main()'s exit code with e set. */
static int open_scan(struct conf *c, struct scan_handles *hd, char *who, size_t len, err_t *e)
{
    bool drop = !c->keep_privileges;
    if (drop && privs_lower(who, len, e) < 0)
        return 1;
    if (conf_load(c, e) < 0) {
        explain_denied(e, who);
        return 2;
    }
    if (drop && privs_raw(true, e) < 0)
        return 1;
    int rc = scan_open(c, hd, e);
    if (rc < 0)
        return rc == -2 ? 2 : 1;
    if (drop && privs_clear(e) < 0)
        return 1;
    if (drop && c->verbose)
        fprintf(stderr, "scout: running as %s\n", who);
    return 0;
}

/* --iflist: what netroute sees, as nmap prints it. */
static int run_iflist(err_t *e)
{
    struct netinfo ni;
    if (netinfo_load(&ni, e) < 0) {
        fprintf(stderr, "scout: %s\n", e->msg);
        return 1;
    }
    iflist_write(stdout, &ni);
    netinfo_free(&ni);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* The outputs: new files, or (--resume) the interrupted scan's continued. */
/* The outputs' first words: the header, or (--resume) each file of the
 * interrupted scan cut back to where it continues.  After the stages are
 * open: a header says the scan is under way. */
static int start_outputs(struct output_set *outs, const struct resume_point *rp, err_t *e)
{
    if (!rp) {
        outputs_begin(outs);
        return 0;
    }
    return outputs_resume(outs, rp->offsets, rp->noutputs, e) < 0 ? 2 : 0;
}

static int run_scan(struct conf *c, struct recorder *rec, const struct resume_point *rp, err_t *e)
{
    struct scan_handles hd = {0};
    struct output_set outs;
    struct scan_stats stats = {0};
    struct scan *scan = NULL;
    char who[64] = "";
    bool outs_open = false;
    int code = open_scan(c, &hd, who, sizeof who, e);
    if (code == 0 && outputs_open(&outs, c, &stop_flag, e) < 0) {
        explain_denied(e, who);
        code = 2;
    }
    outs_open = code == 0;
    struct scan_setup su = {.conf = c, .handles = &hd, .stop = &stop_flag, .warn = warn_line, .stats = &stats,
                            .rec = rec, .resume = rp};
    if (code == 0 && scan_new(&scan, &su, e) < 0)
        code = 2;
    if (code == 0)
        code = start_outputs(&outs, rp, e);
    if (code != 0) {
        fprintf(stderr, "scout: %s\n", e->msg);
        if (outs_open)
            outputs_close(&outs);
        scan_free(scan);
        scan_close(&hd);
        return code;
    }
    bool interrupted = false;
    int rc = scan_run(scan, &outs, &interrupted, e);
    scan_free(scan);
    scan_close(&hd);
    struct run_end re = {.end = wall_time(), .stats = &stats, .interrupted = interrupted,
                         .error = rc < 0 ? e->msg : NULL};
    outputs_end(&outs, &re);
    int wrc = outputs_close(&outs); /* a lost output was said on stderr */
    if (rc < 0) {
        fprintf(stderr, "scout: %s\n", e->msg);
        return 1;
    }
    if (interrupted || stop_flag) /* SIGPIPE: the outputs' broken stdout */
        return 128 + (stop_flag ? stop_flag : SIGINT);
    return wrc < 0 ? 1 : 0;
}

/* Whether word i of argv is the store's business (--resume [ID], --db X,
 * --no-db); *skip: how many words it takes. */
static bool store_word(int argc, char **argv, int i, int *skip)
{
    const char *w = argv[i];
    *skip = 1;
    if (!strcmp(w, "--db") && i + 1 < argc)
        *skip = 2;
    else if (!strcmp(w, "--resume") && i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
        *skip = 2;
    return !strcmp(w, "--db") || !strncmp(w, "--db=", 5) || !strcmp(w, "--no-db") || !strncmp(w, "--resume", 8);
}

/* The next word at or after *i that is not the store's; NULL at the end. */
static const char *next_word(int argc, char **argv, int *i)
{
    int skip;
    while (*i < argc && store_word(argc, argv, *i, &skip))
        *i += skip;
    return *i < argc ? argv[(*i)++] : NULL;
}

/* A --resume command line may name the scan's own words again (the
 * store's words aside on both sides), or none. */
static bool same_command(int argc, char **argv, const struct resume_point *rp)
{
    int i = 1, k = 1;
    const char *a = next_word(argc, argv, &i);
    if (!a)
        return true;
    for (const char *b = next_word(rp->argc, rp->argv, &k); a || b;
         a = next_word(argc, argv, &i), b = next_word(rp->argc, rp->argv, &k))
        if (!a || !b || strcmp(a, b))
            return false;
    return true;
}

/* --resume: the conf becomes the stored scan's, with its seed; the store
 * and where to start come from its checkpoint. */
static int setup_resume(struct conf *c, struct recorder *rec, struct resume_point *rp, err_t *e)
{
    uint64_t seed;
    if (recorder_resume_find(rec, c->resume_id, &seed, rp, e) < 0)
        return -1;
    if (!same_command(c->argc, c->argv, rp))
        return err_set(e, "--resume: this command line is not scan %lld's; give --resume [ID] alone to continue it",
                       (long long)rp->scan);
    struct conf stored;
    if (conf_parse_argv(&stored, rp->argc, rp->argv, e) != CONF_RUN) {
        conf_free(&stored);
        return -1;
    }
    stored.seed = seed;
    stored.seed_given = true;
    stored.resume = true;
    stored.db = c->db;
    conf_free(c);
    *c = stored;
    return 0;
}

/* Under sudo, scout becomes its caller: the store it creates is theirs. */
static int give_store(struct recorder *rec, const struct conf *c, err_t *e)
{
    const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
    uint64_t uid, gid;
    if (!rec || c->keep_privileges || geteuid() != 0 || !u || !g || parse_uint(u, 1, UINT32_MAX - 1, &uid, e, "SUDO_UID") < 0 ||
        parse_uint(g, 0, UINT32_MAX - 1, &gid, e, "SUDO_GID") < 0)
        return 0;
    return recorder_chown(rec, (uid_t)uid, (gid_t)gid, e);
}

/* The store is opened while privileged (store.h).  One the user named
 * must work (exit 2); the default one is a convenience: a scan goes on
 * without it, said once. */
static int open_store(struct conf *c, struct recorder **rec, err_t *e)
{
    if (recorder_open(rec, c, e) < 0) {
        if (c->db || c->resume) {
            fprintf(stderr, "scout: %s (--no-db scans without it)\n", e->msg);
            return 2;
        }
        fprintf(stderr, "scout: %s; scanning without the results store\n", e->msg);
        *rec = NULL;
    }
    if (give_store(*rec, c, e) < 0)
        fprintf(stderr, "scout: %s\n", e->msg);
    return 0;
}

static int run_scan_stored(struct conf *c, err_t *e)
{
    struct recorder *rec = NULL;
    struct resume_point rp = {0};
    int code = open_store(c, &rec, e);
    if (code != 0)
        return code;
    if (c->resume && setup_resume(c, rec, &rp, e) < 0) {
        fprintf(stderr, "scout: %s\n", e->msg);
        code = 2;
    }
    if (code == 0 && c->resume)
        conf_default_scan(c, raw_available());
    if (code == 0)
        code = run_scan(c, rec, c->resume ? &rp : NULL, e);
    resume_point_free(&rp);
    recorder_close(rec);
    return code;
}

int main(int argc, char **argv)
{
    struct conf conf;
    err_t e = {{0}};
    if (argc > 1 && !strcmp(argv[1], "diff"))
        return cmd_diff(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "import"))
        return cmd_import(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "report"))
        return cmd_report(argc - 1, argv + 1);
    /* argv alone: files and host names are read once privileges are gone. */
    enum conf_result cr = conf_parse_argv(&conf, argc, argv, &e);
    if (cr != CONF_RUN) {
        conf_free(&conf);
        if (cr == CONF_EXIT_OK)
            return 0;
        fprintf(stderr, "scout: %s\n", e.msg);
        return 2;
    }
    conf_default_scan(&conf, raw_available());
    if (conf.debug && !conf.detect)
        conf_timing_report(&conf, stderr);
    raise_fd_limit();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int code = conf.detect ? run_detect(&conf, &e) : conf.iflist ? run_iflist(&e) : run_scan_stored(&conf, &e);
    conf_free(&conf);
    return code;
}
