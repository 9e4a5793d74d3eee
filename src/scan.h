/* scan: the pipeline from targets to outputs.
 *
 *   targets -> host groups (keyed permutation of host indices, excludes skipped)
 *           -> the stages, in order, over each group (stage.h): discovery,
 *              the port scan, the SYN-proxy check, service detection,
 *              reverse DNS -> each output, one host at a time
 *
 * A scan type is a `struct scan_type`: a name, its protocol, and either a
 * raw probe module (probe/probe.h, run by the raw engine, engine.h) or an
 * engine of its own (the connect scan).  Adding a raw scan type is adding
 * one module file under src/probe/ and one entry in scan_types[].
 *
 * Engine contract of the connect engine (`run`), which the raw engine keeps too:
 *   - probes every port of job->ports for protocol job->proto on every host of
 *     job->g whose status is HOST_UP or HOST_UNKNOWN and that has not timed out;
 *   - on return 0 every such port has a state other than PS_UNKNOWN, unless
 *     *job->stop became non-zero (then undecided ports stay PS_UNKNOWN);
 *   - in discovery mode it instead marks each host HOST_UP at its first
 *     reply (setting up_reason) and HOST_DOWN when all its probes went
 *     unanswered, and may stop probing a host once it is up;
 *   - visits pairs in the order perm_get(job->perm) gives, keeping only the
 *     indices of this shard (i % shard_n == shard_k - 1);
 *   - updates job->stats and calls job->tick() at least every 100 ms;
 *   - never prints, never exits; returns -1 with e set on a local failure. */
#ifndef SCOUT_SCAN_H
#define SCOUT_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "engine.h"
#include "perm.h"
#include "results.h"
#include "scantype.h"
#include "service/vscan.h"
#include "stats.h"

struct job {
    const struct conf *conf;
    struct group *g;
    const struct portlist *ports;
    enum proto proto;
    bool discovery;
    uint64_t seed;
    struct scan_stats *stats;
    const volatile sig_atomic_t *stop;
    void (*tick)(void *ctx, const struct scan_stats *st, uint64_t now);
    void *tick_ctx;
};


/* What a scan must open with privileges; main() drops them afterwards. */
struct scan_handles {
    struct raw_handles raw;
    bool have_raw;
};

/* Opens the privileged handles the scan needs.  Returns 0, -1 with e set,
 * or -2 with e set for bad input (see raw_handles_open). */
int scan_open(const struct conf *c, struct scan_handles *h, err_t *e);
void scan_close(struct scan_handles *h);

struct output_set;
struct scan;
/* Prepares a run once privileges are gone: the stages' own state, and the
 * data files they read (the -sV probe database: malformed lines go to
 * warn).  Returns 0, or -1 with e set (bad data: main() exits 2). */
struct recorder;
struct resume_point;
struct scan_setup {
    const struct conf *conf;
    struct scan_handles *handles;
    const volatile sig_atomic_t *stop;
    probedb_warn_fn warn;
    struct scan_stats *stats;
    struct recorder *rec;              /* the results store (NULL: none) */
    const struct resume_point *resume; /* --resume: where to continue (NULL: from the start) */
};
int scan_new(struct scan **s, const struct scan_setup *su, err_t *e);
/* Runs the whole scan, handing finished hosts to outs.  Returns 0, or -1
 * with e set.  *interrupted is set when the stop flag ended it early. */
int scan_run(struct scan *s, struct output_set *outs, bool *interrupted, err_t *e);
void scan_free(struct scan *s);

#endif
