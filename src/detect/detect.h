/* detect: scans recognised in traffic, the mirror image of making them.
 *
 * Fed decoded packets (packet.c's one decoder) with their capture times;
 * keeps no clock of its own and never prints.  Evidence, not rates:
 *   - a first contact from a source to a (host, port) is judged by what came
 *     back: SYN-ACK or a UDP/ICMP answer is a success; RST, ICMP unreachable
 *     or silence (2 s of capture time, judged oldest first as it falls due;
 *     before the capture has shown any reply, silences are only counted,
 *     and the first reply turns them into failures) a failure;
 *   - Threshold Random Walk (Jung, Paxson, Berger, Balakrishnan, 2004) over
 *     those outcomes: each failure multiplies the source's likelihood ratio
 *     by (1-t1)/(1-t0) = 4, each success by t1/t0 = 1/4 (t0 = 0.8 for benign
 *     sources, t1 = 0.2 for scanners); at 99 (false positives 1 %, detection
 *     99 %) the source is a scanner.  Probes no stack would send (FIN, NULL,
 *     Xmas to a port never talked to) count as two failures, and a SYN-ACK
 *     the prober answers with a reset (half-open) as one.
 *   - Repeats to a (host, port) already judged are not first contacts: a
 *     client retrying one closed port is one failure, not many.
 *   - ARP requests on the segment are first contacts too: one left without
 *     a reply is a failure (a sweep of absent addresses); a reply is no
 *     evidence either way (every host resolves its neighbours).  IPv6
 *     neighbour solicitations and advertisements are read the same way
 *     (type "nd"); duplicate address detection (from ::) is no contact.
 *   - ICMP echo/timestamp/mask requests are first contacts to (host, ICMP);
 *     a source whose probes are a quarter or more of these is a ping sweep
 *     (nmap -sn mixes them with TCP SYN 443 and ACK 80).
 * Tools are named from marks on a source's TCP probes, only when at least
 * 8 were seen and 90 % of them carry the mark: zmap's IP ID 54321;
 * masscan's IP ID = target address ^ port ^ sequence number (both IPv4
 * only: IPv6 has no ID); scout's (probemark.h: window 1024, MSS-only SYN,
 * IP ID or IPv6 flow label low 4 bits = sequence bits 16-19); nmap's window
 * 1024/2048/3072/4096 with MSS 1460 as the only SYN option (or none).
 * connect() scans carry the kernel's marks and name no tool.
 * UDP scans are named from marks on every datagram the source sent as a
 * prober (retries too), again from 8 on and 90 % of them: zmap's IP ID
 * 54321; scout's IP ID (IPv6: flow label, low 16 bits), its send time in
 * ms: since the source's first datagram the ID moved as far as the capture
 * clock did, within 16 ms, and on a quarter of the datagrams at least it
 * moved by 2 or more and by more than 16 off the count of datagrams in
 * between (a constant ID never moves, a counter's moves with that count),
 * with source ports scattered (a cookie per target: within 511 of the
 * previous one's on half the datagrams at most).  So a scout scan sent
 * within a ms or two, or with -g, stays unnamed.  nmap's TTL is drawn per
 * datagram from 37-59: at most 59 (less a hop count), within 22 of each
 * other, changing on half the datagrams at least, from one source port (a
 * base and the try number: within 511 of the previous datagram's).  No
 * stack varies its TTL, so DNS, NTP or mDNS clients never carry nmap's
 * mark.  nmap's IPv6 probes leave the kernel's hop limit (255) and a zero
 * flow label: unnamed, as masscan's would be.
 * A datagram to a multicast or broadcast address is no first contact (no
 * one answers as the group); a member's unicast answer from the port asked
 * (mDNS's legacy and unicast-response answers) is known as one, not taken
 * for a probe of the asker.
 * Sources, targets and contacts are IPv4 or IPv6 (struct addr); ICMPv6
 * echo requests are pings as ICMP's are, and ICMPv6 errors settle
 * contacts as ICMP's do.
 * When the capture holds no replies at all (one direction visible), the
 * verdict falls back to a weighted count of first contacts and says so.
 *
 * Memory is fixed: a table of sources and a table of recent contacts, each
 * of a size set at init.  A full source table evicts, among a few sampled
 * entries, the one with the least evidence, so a random-source flood cannot
 * push out a real scanner. */
#ifndef SCOUT_DETECT_DETECT_H
#define SCOUT_DETECT_DETECT_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

enum scan_kind {
    SK_SYN, SK_CONNECT, SK_FIN, SK_NULL, SK_XMAS, SK_ACK, SK_WINDOW, SK_MAIMON, SK_UDP, SK_PING,
    SK_ARP, SK_IPPROTO, SK_ND, SK_CUSTOM, SK_COUNT
};
enum scan_tool { TOOL_UNKNOWN, TOOL_NMAP, TOOL_MASSCAN, TOOL_ZMAP, TOOL_SCOUT };

#define DET_OPEN_MAX 32

/* One declared scan, as reported. */
struct det_scan {
    struct addr src;
    enum scan_kind kind;
    const char *shape;           /* "vertical", "horizontal", "block" */
    enum scan_tool tool;
    const char *evidence;        /* why that tool (or why unknown) */
    uint32_t hosts, ports;       /* distinct targets and ports: linear-counting
                                    estimates, a few per cent off at most */
    uint64_t probes;
    uint16_t open[DET_OPEN_MAX]; /* ports seen answering as open */
    uint32_t nopen;
    uint64_t first_ns, last_ns;
    uint64_t probes_to_detect;
    bool one_way;                /* no replies seen: decided by a weighted count */
};

/* A first contact to a tripwire (detector_tripwires): a port nothing
 * should listen on, or an address nothing uses.  Any is evidence enough: a
 * hit is kept and reported at once, whatever else its source does. */
struct det_trip {
    struct addr src, dst;
    uint8_t proto;               /* 6 TCP, 17 UDP; 1/58 ICMP(v6) echo...; 0 ARP/ND */
    uint16_t dport;
    uint8_t flags;               /* TCP: the probe's flags */
    uint16_t paylen;             /* TCP/UDP: payload bytes */
    uint64_t ns;
};
#define DET_TRIPS_MAX 1024       /* hits kept; the rest are counted */

struct det_stats {
    uint64_t packets, malformed, ignored, sources_evicted, contacts_evicted;
};

struct detector;

struct detector *detector_new(uint32_t max_sources, uint32_t max_contacts);
void detector_free(struct detector *d);
/* One packet seen at time ns (capture timestamps, non-decreasing). */
void detector_packet(struct detector *d, const struct reply *r, uint64_t ns);
/* Counts a frame the decoder rejected. */
void detector_malformed(struct detector *d);
/* Judges the contacts whose answer is overdue as of ns, with no packet: a
 * live capture's clock moving on in a quiet moment. */
void detector_tick(struct detector *d, uint64_t ns);
/* Settles contacts older than the silence timeout as of ns (call at the end
 * of a capture with the last timestamp plus the timeout). */
void detector_flush(struct detector *d, uint64_t ns);
/* The declared scans, in order of detection; returns how many (up to max). */
uint32_t detector_scans(const struct detector *d, struct det_scan *out, uint32_t max);
const struct det_stats *detector_stats(const struct detector *d);
/* How many scans have been declared so far (live mode announces new ones). */
uint32_t detector_declared(const struct detector *d);

/* Tripwire ports (TCP and UDP, as a portset) and hosts; either may be
 * NULL; both must outlive d. */
struct portset;
struct targets;
void detector_tripwires(struct detector *d, const struct portset *ports, const struct targets *hosts);
/* The hits kept so far, in order (up to max); and how many there were in all. */
uint32_t detector_trips(const struct detector *d, struct det_trip *out, uint32_t max);
uint64_t detector_tripped(const struct detector *d);

const char *scan_kind_name(enum scan_kind k);
const char *scan_tool_name(enum scan_tool t);

#endif
