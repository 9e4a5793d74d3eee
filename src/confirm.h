/* confirm: a second look at hosts that answer (nearly) every port.
 *
 * SYN proxies and some middleboxes answer SYN-ACK for every port of the
 * hosts behind them, so a SYN scan calls everything open (masscan #463,
 * naabu #1738, nmap #1131).  When a host shows open on 90 % or more of at
 * least CONFIRM_MIN_PORTS TCP ports, a sample of those ports is connected to
 * for real: a port behind a proxy whose server is not listening completes
 * the handshake with the proxy and is then reset; a real service keeps the
 * connection (or closes it with a FIN).  The counts go into the host's
 * result and the outputs warn; port states stay what the scan saw.
 * Runs after the scan of a group, unprivileged (plain connect()). */
#ifndef SCOUT_CONFIRM_H
#define SCOUT_CONFIRM_H

#include <signal.h>

#include "conf.h"
#include "results.h"

#define CONFIRM_MIN_PORTS 20
#define CONFIRM_SAMPLE 8

/* Checks every host of g that needs it; fills host_result.confirm. */
void confirm_group(const struct conf *c, struct group *g, const volatile sig_atomic_t *stop);

#endif
