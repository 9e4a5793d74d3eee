/* vscan: service and version detection (-sV) and banner grabbing (--banners)
 * over the open TCP ports of a host group, after its port scan; with -sU,
 * -sV's UDP probes run on the same loop (vscan_udp.h).
 *
 * One epoll loop drives every open port of every host at once; each port
 * walks nmap's probe order on its own connections:
 *   NULL probe (wait for a banner), then the probes whose `ports` (or
 *   `sslports`, inside TLS) list the port, in file order, then the others
 *   whose rarity is within --version-intensity; after a softmatch only
 *   probes that can name that service.  The first hard match ends the port;
 *   a match naming "ssl" restarts the walk inside TLS (OpenSSL).
 * Where nmap sends one probe at a time and waits out each (6 s of NULL
 * probe, 5 s for every probe a silent service ignores), scout keeps up to
 * eight probes of a port's walk in flight on their own connections and takes
 * their results in walk order, so the answer is the one a sequential walk
 * gives.  A later probe's match cuts the waits still running before it to
 * a grace: when its line is anchored at the reply's start, three times
 * what that reply took (50 ms to 1 s: nothing came before the reply on its
 * connection, so no greeting is coming on the older ones); 1 s for an
 * unanchored hard match (a banner that slow would have led the later reply
 * anyway: fallbacks end with the NULL probe's lines).  For a port no hard
 * match names, nmap's service fingerprint of the responses (servicefp.h)
 * is kept, as nmap would have read them.  A peer that closes at once
 * on the NULL probe is "tcpwrapped".  Responses are bounded in size
 * (16 KiB) and time (the probe's totalwaitms).
 *
 * Writes host_result.svc; never prints, never exits. */
#ifndef SCOUT_SERVICE_VSCAN_H
#define SCOUT_SERVICE_VSCAN_H

#include <signal.h>

#include "conf.h"
#include "results.h"
#include "service/probedb.h"

struct vscan;

/* Loads the probe database (when -sV) and the TLS context.  Malformed
 * database lines go to warn with their line numbers, and are skipped. */
int vscan_open(struct vscan **v, const struct conf *c, probedb_warn_fn warn, void *ctx, err_t *e);
int vscan_run(struct vscan *v, struct group *g, const volatile sig_atomic_t *stop, err_t *e);
void vscan_close(struct vscan *v);

#endif
