/* scan: the pipeline from targets to outputs.
 *
 *   targets -> host groups (keyed permutation of host indices, excludes skipped)
 *           -> discovery (unless -Pn) -> engine of the scan type -> results
 *           -> service detection of open ports (-sV, --banners)
 *           -> reverse DNS -> each output, one host at a time
 *
 * A scan type is a `struct scan_type`: a name, its protocol, whether it
 * needs raw sockets, and an engine.  Adding a scan type is adding one file
 * under src/probe/ and one entry in scan_types[].
 *
 * Engine contract (`run`):
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
#include "perm.h"
#include "probe/rawio.h"
#include "service/vscan.h"
#include "results.h"

struct scan_stats {
    uint64_t pairs_total, pairs_done;  /* (host, port) pairs of the whole scan */
    uint64_t sent, retransmits, replies, timeouts, drops;
    uint64_t hosts_total, hosts_up, hosts_done;
    uint64_t invalid, malformed;        /* raw: replies failing the cookie; undecodable */
    uint64_t send_ns;                   /* raw: time spent sending (rates are sent / this) */
};

struct job {
    const struct conf *conf;
    struct group *g;
    const struct portlist *ports;
    enum proto proto;
    bool discovery;
    uint64_t seed;
    struct scan_stats *stats;
    struct raw_io *raw;  /* open when the scan type is raw */
    const volatile sig_atomic_t *stop;
    void (*tick)(void *ctx, const struct scan_stats *st, uint64_t now);
    void *tick_ctx;
};

struct scan_type {
    const char *name;      /* "connect" */
    const char *flag;      /* "-sT" */
    const char *nmap_type; /* XML <scaninfo type=...> */
    enum proto proto;
    bool raw;              /* needs raw sockets (root or CAP_NET_RAW) */
    int raw_kind;          /* enum raw_kind, for raw TCP scans */
    uint8_t tcp_flags;     /* flags of the probe, for raw TCP scans */
    int (*run)(struct job *job, err_t *e);
};

extern const struct scan_type scan_connect, scan_syn, scan_ack, scan_fin, scan_null, scan_xmas,
    scan_window, scan_maimon;

/* Looks up a scan type by its nmap letter after -s ('T', 'S', ...). */
const struct scan_type *scan_type_by_letter(char letter);

/* What a scan must open with privileges; main() drops them afterwards. */
struct scan_handles {
    struct raw_io raw;
    bool have_raw;
    struct vscan *vs;    /* -sV / --banners, else NULL */
};

/* Opens the handles the scan needs (and loads the probe database for -sV;
 * its malformed lines go to warn).  Returns 0, or -1 with e set. */
int scan_open(const struct conf *c, struct scan_handles *h, probedb_warn_fn warn, void *ctx,
              err_t *e);
void scan_close(struct scan_handles *h);

struct output_set;
/* Runs the whole scan, handing finished hosts to outs.  Returns 0, or -1 with
 * e set.  *interrupted is set when *stop ended it early. */
int scan_run(const struct conf *c, struct scan_handles *hd, struct output_set *outs, const volatile sig_atomic_t *stop,
             struct scan_stats *stats, bool *interrupted, err_t *e);

#endif
