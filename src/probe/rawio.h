/* rawio: the privileged handles of the raw scans, opened once per run.
 *
 * A raw IPv4 socket (IP_HDRINCL) to send and a libpcap capture (the kernel's
 * TPACKET_V3 ring) to receive.  Both need root or CAP_NET_RAW, so they are
 * opened before main() drops privileges and live for the whole run; each host
 * group only sets the capture's BPF filter, which needs no privilege.
 *
 * The capture interface is -e, else the one the kernel would route the first
 * reachable target through; the source address is -S, else the route's. */
#ifndef SCOUT_RAWIO_H
#define SCOUT_RAWIO_H

#include <net/if.h>
#include <pcap/pcap.h>

#include "conf.h"

struct raw_io {
    int sock;
    pcap_t *pc;
    int dlt;
    char ifname[IF_NAMESIZE + 1];
};

/* True if this process may open raw sockets (root or CAP_NET_RAW). */
bool raw_available(void);

/* Opens the socket and the capture.  Returns 0, or -1 with e set. */
int raw_io_open(struct raw_io *io, const struct conf *c, err_t *e);
void raw_io_close(struct raw_io *io);

/* The source address the kernel would use towards dst (unless -S set one).
 * Returns 0, or -1 with e set when dst has no route. */
int raw_io_source(const struct addr *dst, struct addr *src, err_t *e);

/* Restricts the capture to replies to src: TCP to sport, or ICMP. */
int raw_io_filter(struct raw_io *io, const struct addr *src, uint16_t sport, err_t *e);

#endif
