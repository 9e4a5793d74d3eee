/* watch: scout --detect.  Frames come from a capture file (-r FILE, pcap or
 * pcapng, read by libpcap as tcpdump -r does) or live from an interface
 * (-e IFACE or "any", the same libpcap TPACKET_V3 ring as the scanner's
 * receiver, after which privileges are dropped as for a scan) until
 * SIGINT/SIGTERM or --detect-for; each goes through the one decoder
 * (packet.c) into the detector, and the scans found are reported: one
 * readable line each on stdout, and with -oJ FILE one JSON object each
 * ("event":"scan"), then a summary line ("event":"summary").  Live, a scan
 * is also announced when declared ("event":"scan-start"). */
#ifndef SCOUT_DETECT_WATCH_H
#define SCOUT_DETECT_WATCH_H

#include <signal.h>

#include <pcap/pcap.h>

#include "conf.h"
#include "detect/detect.h"

int detect_run(const struct conf *c, const volatile sig_atomic_t *stop, err_t *e);

/* One captured frame of link type dlt into d; *last_ns keeps time monotonic. */
void detect_frame(struct detector *d, int dlt, const struct pcap_pkthdr *h, const uint8_t *frame,
                  uint64_t *last_ns);

#endif
