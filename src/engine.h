/* engine: the stateless raw engine, for any probe modules (probe/probe.h)
 * over either family.
 *
 * Stateless: each probe carries probe_cookie(key, src, dst, sport, dport)
 * where its module puts it, so a reply is validated by recomputing the
 * cookie; there is no table of sent probes.  The only state is the results
 * array itself: a pair whose state is still PS_UNKNOWN has not been answered.
 *
 * Per host group: the path of every host (netroute: interface, next hop,
 * source) is looked up once; next hops the neighbour table does not know
 * are resolved by the engine itself (ARP, IPv6 neighbour solicitation) and
 * a host whose next hop never answers is not probed (its ports stay silent).
 * Then the sender (the calling thread) walks this shard's permutation of
 * every (module, host, port) index, writes each probe's frame straight into
 * the TX ring of its interface (link header from the path, the rest from
 * the module's template), and hands batches to the kernel at the allowed
 * rate.  Pass 0 sends every pair; pass 1 resends what stayed silent;
 * further passes happen only while the previous resend pass got new
 * answers (evidence of loss, not filtering), up to --max-retries.  After
 * the last pass and one timeout, silence becomes each module's silent state.
 *
 * The receiver (its own thread) reads the one capture of the scan through
 * the one frame decoder (packet.c), asks the modules which probe a reply
 * answers, and publishes the module's state with a compare-and-swap so the
 * first answer wins and the sender reads results without a lock.  Its
 * counters are its own (no cache line shared with the sender's); the
 * sender folds them into the scan's statistics on its tick.
 *
 * The engine contract of scan.h holds: progress at least every 100 ms,
 * --host-timeout honoured (a timed-out host is no longer probed and is
 * reported as timed out), the stop flag acted on within 10 ms. */
#ifndef SCOUT_ENGINE_H
#define SCOUT_ENGINE_H

#include <pcap/pcap.h>
#include <signal.h>

#include "conf.h"
#include "netroute.h"
#include "probe/probe.h"
#include "results.h"
#include "send.h"
#include "stats.h"

/* The privileged handles of the raw scans, opened once per run before
 * privileges are dropped: the sender's sockets and the capture. */
#define ENGINE_THREADS 4 /* sending threads at most (one per CPU) */

struct raw_handles {
    struct sender snd[ENGINE_THREADS]; /* one per sending thread */
    uint32_t nsnd;
    struct netinfo ni;
    pcap_t *pc;
    int dlt;
};

/* True if this process may open raw sockets (root or CAP_NET_RAW). */
bool raw_available(void);
/* Opens them (-e: that interface only; --send-ip: IP sockets only).
 * Returns 0, -1 with e set on a failure, -2 with e set on bad input (an
 * interface that does not exist, --send-eth where there is no Ethernet). */
int raw_handles_open(struct raw_handles *h, const struct conf *c, err_t *e);
void raw_handles_close(struct raw_handles *h);

/* One module of a run and the ports it probes (host modules: one port, 0). */
struct engine_mod {
    const struct probe_ops *ops;
    const uint16_t *ports;
    uint32_t nports;
};

struct engine_job {
    const struct conf *conf;
    struct raw_handles *raw;
    struct group *g;
    const struct engine_mod *mods;
    uint32_t nmods;
    const struct probe_ctx *ctx; /* the scan's key and source port */
    bool arp_ping;               /* discovery: hosts on an Ethernet segment are up or down by ARP/ND alone */
    uint64_t seed;               /* of this group's permutation */
    struct scan_stats *stats;
    const volatile sig_atomic_t *stop;
    void (*tick)(void *ctx, const struct scan_stats *st, uint64_t now);
    void *tick_ctx;
};

/* Probes every pair of the job's modules on the group's hosts whose status
 * is not HOST_DOWN (discovery modules: marks hosts up or down instead).
 * Returns 0, or -1 with e set on a local failure. */
int engine_run(const struct engine_job *job, err_t *e);

#endif
