/* stage: one step of the pipeline over a host group (scan.h).
 *
 * Contract for a stage (`struct stage_ops`):
 *   wanted  whether this run needs the stage at all (from the conf alone);
 *   open    once per run, after privileges are dropped: state of its own
 *           (*st, NULL if it needs none), data files read.  Returns 0, or
 *           -1 with e set;
 *   run     once per host group, in the pipeline's order, after the stages
 *           before it: reads and writes the group's results only; never
 *           prints, never exits; returns 0, or -1 with e set; stops early
 *           (returning 0) when *env->stop is set;
 *   close   once, also after a failure (st may be NULL).
 * Adding a capability (OS detection, a traceroute) is one file with its
 * stage_ops and one entry in the list in stages.c. */
#ifndef SCOUT_STAGE_H
#define SCOUT_STAGE_H

#include "scan.h"

/* What every stage of a run shares. */
struct scan_env {
    const struct conf *conf;
    struct scan_handles *handles;
    struct scan_stats *stats;
    const volatile sig_atomic_t *stop;
    probedb_warn_fn warn;
    struct probe_ctx probe;  /* the raw scans' key and source port */
    void (*tick)(void *ctx, const struct scan_stats *st, uint64_t now);
    void *tick_ctx;
};

struct stage_ops {
    const char *name;
    bool (*wanted)(const struct conf *c);
    int (*open)(const struct scan_env *env, void **st, err_t *e);
    int (*run)(void *st, const struct scan_env *env, struct group *g, uint64_t group_seed, err_t *e);
    void (*close)(void *st);
};

/* The pipeline, in order; NULL-terminated. */
extern const struct stage_ops *const scan_stages[];

#endif
