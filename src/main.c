/* main: argv -> conf -> scan -> outputs.  The one place that exits.
 * Exit codes: 0 done, 1 the scan failed at run time, 2 bad input, 128+N
 * stopped by signal N (130 Ctrl-C, 143 SIGTERM), as a shell reports a process
 * that signal killed, and as nmap exits. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "conf.h"
#include "output/output.h"
#include "detect/watch.h"
#include "privs.h"
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

int main(int argc, char **argv)
{
    struct conf conf;
    err_t e = {{0}};
    enum conf_result cr = conf_parse(&conf, argc, argv, &e);
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

    if (conf.detect) {
        int drc = detect_run(&conf, &stop_flag, &e);
        if (drc < 0)
            fprintf(stderr, "scout: %s\n", e.msg);
        conf_free(&conf);
        /* -2: the capture file is not one (bad input) */
        return drc == -2 ? 2 : drc < 0 ? 1 : stop_flag ? 128 + stop_flag : 0;
    }
    struct output_set outs;
    if (outputs_open(&outs, &conf, &stop_flag, &e) < 0) {
        fprintf(stderr, "scout: %s\n", e.msg);
        conf_free(&conf);
        return 2;
    }
    /* Files and privileged handles first, then privileges go, then the
     * data files the stages read. */
    struct scan_handles hd;
    struct scan_stats stats = {0};
    struct scan *scan = NULL;
    char who[64];
    int rc = scan_open(&conf, &hd, &e), bad_input = rc == -2;
    if (rc == 0 && !conf.keep_privileges && (rc = privs_drop(who, sizeof who, &e)) == 0 &&
        conf.verbose)
        fprintf(stderr, "scout: running as %s\n", who);
    if (rc == 0 && (rc = scan_new(&scan, &conf, &hd, &stop_flag, warn_line, &stats, &e)) < 0)
        bad_input = 1;
    if (rc < 0) {
        fprintf(stderr, "scout: %s\n", e.msg);
        scan_free(scan);
        scan_close(&hd);
        outputs_close(&outs);
        conf_free(&conf);
        return bad_input ? 2 : 1;
    }
    outputs_begin(&outs);
    bool interrupted = false;
    rc = scan_run(scan, &outs, &interrupted, &e);
    scan_free(scan);
    scan_close(&hd);
    struct run_end re = {.end = wall_time(), .stats = &stats, .interrupted = interrupted,
                         .error = rc < 0 ? e.msg : NULL};
    outputs_end(&outs, &re);
    int wrc = outputs_close(&outs); /* a lost output was said on stderr */
    conf_free(&conf);
    if (rc < 0) {
        fprintf(stderr, "scout: %s\n", e.msg);
        return 1;
    }
    if (interrupted || stop_flag) /* SIGPIPE: the outputs' broken stdout */
        return 128 + (stop_flag ? stop_flag : SIGINT);
    return wrc < 0 ? 1 : 0;
}
