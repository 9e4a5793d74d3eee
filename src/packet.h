/* packet: raw probes built and replies decoded, as pure functions.
 *
 * Building: an IPv4 header and a TCP header (with an MSS option on SYN, as
 * real stacks send), checksums filled in.  Decoding: the bytes from the IP
 * header on, of TCP, UDP, ICMP (queries, and errors quoting a packet) or
 * another protocol, checksums verified.  The decoder trusts nothing: every length is
 * checked before use, and anything short, inconsistent or unknown is
 * reported as malformed or ignored, never read past.  It is the one decoder
 * of the receive path (and is fuzzed). */
#ifndef SCOUT_PACKET_H
#define SCOUT_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10, TH_URG = 0x20 };

struct tcp_probe {
    struct addr src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags, ttl;
    uint16_t window, ipid;
};

#define PROBE_MAX 64

/* Writes the probe into buf (PROBE_MAX bytes); returns its length. */
size_t packet_build_tcp4(uint8_t *buf, const struct tcp_probe *p);

enum reply_kind {
    REPLY_NONE = 0,
    REPLY_TCP,        /* a TCP segment */
    REPLY_ICMP,       /* an ICMP error quoting a packet (inner_proto; ports for TCP/UDP) */
    REPLY_UDP,        /* a UDP datagram */
    REPLY_ICMP_QUERY, /* ICMP echo, timestamp or address-mask request or reply */
    REPLY_ARP,        /* an ARP request or reply (packet_arp) */
    REPLY_IP,         /* an IPv4 packet of another protocol (proto) */
};

struct reply {
    enum reply_kind kind;
    struct addr src, dst;        /* outer IP header */
    uint8_t ttl;
    /* REPLY_TCP: the segment.  REPLY_ICMP: the quoted probe's TCP fields,
     * with src/dst below taken from the quoted IP header. */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    uint8_t icmp_type, icmp_code;
    struct addr inner_src, inner_dst;
    uint8_t proto;               /* outer IP protocol */
    uint8_t inner_proto;         /* REPLY_ICMP: the quoted packet's protocol */
    uint16_t ipid;               /* outer IP ID */
    uint8_t optlen;              /* TCP: bytes of options */
    uint16_t mss;                /* TCP: the MSS option's value, 0 if none */
    uint16_t paylen;             /* TCP/UDP: payload bytes */
};

/* Decodes one IPv4 packet, of which cap bytes were captured and wire were
 * sent (pcap's caplen and len, less the link header).  Returns 1 with *r
 * filled for a TCP segment, a UDP datagram, an ICMP error quoting a packet,
 * an ICMP query or a packet of another protocol; 0 for a well-formed packet
 * of no interest (fragments, other ICMP) or one the snap length cut before
 * its header ended; -1 for a malformed one: bad lengths, or a bad IP, TCP,
 * UDP or ICMP checksum where the whole packet was captured (a sender's own
 * packets, captured before checksum offload filled them in, pass).  The raw
 * scanner's receiver and the scan detector both read packets through it. */
int packet_decode_cap(const uint8_t *pkt, size_t cap, size_t wire, struct reply *r);
/* packet_decode_cap of a packet captured whole. */
int packet_decode(const uint8_t *pkt, size_t len, struct reply *r);
/* Strips a link-layer header (pcap DLT_EN10MB, DLT_LINUX_SLL, DLT_RAW);
 * returns the offset of the IPv4 header, or -1 if it is not IPv4. */
int packet_link_offset(int dlt, const uint8_t *frame, size_t len);
/* An ARP request or reply for IPv4 over Ethernet in a frame of link type
 * dlt: fills *r (kind REPLY_ARP, src/dst = sender/target protocol address,
 * icmp_type = the ARP operation) and returns 1; 0 if the frame is no ARP;
 * -1 if it is a malformed one. */
int packet_arp(int dlt, const uint8_t *frame, size_t len, struct reply *r);

uint16_t inet_checksum(const void *data, size_t len, uint32_t sum);

#endif
