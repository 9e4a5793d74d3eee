/* packet: the wire layer of both families, as pure functions.
 *
 * Building: Ethernet, IPv4 and IPv6 headers, TCP segments (with an MSS
 * option on SYN, as real stacks send), ARP requests and IPv6 neighbour
 * solicitations, checksums filled in.  Probe modules (probe/) write their
 * templates with these.  Decoding: a whole frame (Ethernet, Linux cooked,
 * raw IP), dispatched on its ethertype to IPv4, IPv6 or ARP; from the IP
 * header on, TCP, UDP, ICMP and ICMPv6 (queries, neighbour discovery, and
 * errors quoting a packet) or another protocol, checksums verified.  The decoder trusts nothing: every length is
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

#define PROBE_MAX 128 /* bytes of the largest probe frame a module builds */
#define ETH_HLEN_ 14

enum { ETHERTYPE_IP4 = 0x0800, ETHERTYPE_ARP_ = 0x0806, ETHERTYPE_IP6 = 0x86DD };

/* Writes the probe into buf (PROBE_MAX bytes); returns its length. */
size_t packet_build_tcp4(uint8_t *buf, const struct tcp_probe *p);
/* The same for either family (p->src/dst give it): IPv4 or IPv6 + TCP. */
size_t packet_build_tcp(uint8_t *buf, const struct tcp_probe *p);
/* An Ethernet header; returns 14. */
size_t packet_eth_header(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype);
/* An IPv4 (20 bytes) or IPv6 (40 bytes) header for `proto` carrying l4len
 * bytes; the IPv4 checksum is filled in.  ipid is IPv4's ID, and for IPv6
 * the flow label's low 16 bits (where probemark.h's mark goes).  Returns
 * the header's length. */
size_t packet_ip_header(uint8_t *buf, const struct addr *src, const struct addr *dst, uint8_t proto,
                        size_t l4len, uint8_t ttl, uint16_t ipid);
/* The TCP/UDP/ICMPv6 checksum of l4 (len bytes, checksum field zero) with
 * the pseudo-header of src/dst's family. */
uint16_t packet_l4_checksum(const struct addr *src, const struct addr *dst, uint8_t proto,
                            const uint8_t *l4, size_t len);
/* An ARP request (Ethernet frame, broadcast) from smac/sip asking for tip;
 * returns its length (42). */
size_t packet_build_arp_request(uint8_t *buf, const uint8_t smac[6], const struct addr *sip,
                                const struct addr *tip);
/* An IPv6 neighbour solicitation (Ethernet frame to the solicited-node
 * multicast group of tip) from smac/sip; returns its length. */
size_t packet_build_ns(uint8_t *buf, const uint8_t smac[6], const struct addr *sip,
                       const struct addr *tip);

enum reply_kind {
    REPLY_NONE = 0,
    REPLY_TCP,        /* a TCP segment */
    REPLY_ICMP,       /* an ICMP error quoting a packet (inner_proto; ports for TCP/UDP) */
    REPLY_UDP,        /* a UDP datagram */
    REPLY_ICMP_QUERY, /* ICMP echo, timestamp or address-mask request or reply */
    REPLY_ARP,        /* an ARP request (icmp_type 1) or reply (2): src/dst = sender/target
                         protocol address, mac = sender hardware address */
    REPLY_IP,         /* an IP packet of another protocol (proto) */
    REPLY_NDP,        /* an IPv6 neighbour solicitation (icmp_type 135) or
                         advertisement (136), hop limit 255: src = its target address;
                         mac (has_mac) = its link-layer address option: on an
                         advertisement the target's, on a solicitation the asker's;
                         inner_src/inner_dst = the IPv6 header's source and destination */
};

/* One decoded packet.  ICMP and ICMPv6 keep their own type numbers
 * (icmp6 tells which); proto is the outer protocol (1, 6, 17, 58...). */
struct reply {
    enum reply_kind kind;
    struct addr src, dst;        /* outer IP header (ARP: sender and target addresses) */
    bool icmp6;                  /* icmp_type/icmp_code are ICMPv6's */
    bool has_mac;                /* mac holds the frame's (ARP/NDP: the answered) link address */
    uint8_t mac[6];
    uint16_t icmp_id, icmp_seq;  /* REPLY_ICMP_QUERY: identifier and sequence */
    uint8_t ttl;
    /* REPLY_TCP: the segment.  REPLY_ICMP: the quoted probe's TCP fields,
     * with src/dst below taken from the quoted IP header. */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    uint8_t icmp_type, icmp_code;  /* ARP: the operation */
    struct addr inner_src, inner_dst; /* REPLY_ICMP: the quoted packet's */
    uint8_t proto;               /* outer IP protocol (IPv6: after extension headers) */
    uint8_t inner_proto;         /* REPLY_ICMP: the quoted packet's protocol */
    uint16_t inner_ipid;         /* REPLY_ICMP: its IPv4 ID (IPv6: flow label, low 16 bits) */
    uint16_t ipid;               /* outer IPv4 ID; IPv6: the flow label's low 16 bits */
    uint8_t optlen;              /* TCP: bytes of options */
    uint16_t mss;                /* TCP: the MSS option's value, 0 if none */
    uint16_t paylen;             /* TCP/UDP: payload bytes */
    uint16_t l3off;              /* packet_decode_frame: where the IP header starts in the frame */
};

/* Decodes one IPv4 or IPv6 packet (by its version nibble), of which cap
 * bytes were captured and wire were sent (pcap's caplen and len, less the
 * link header).  Returns 1 with *r filled for a TCP segment, a UDP
 * datagram, an ICMP or ICMPv6 error quoting a packet (IPv4: unreachable,
 * time exceeded; IPv6: unreachable, packet too big, time exceeded,
 * parameter problem), an echo (ICMP also timestamp, mask) request or
 * reply, a neighbour solicitation or advertisement, or a packet of another
 * protocol; 0 for a well-formed packet of no interest (fragments, other
 * ICMP, NDP with a hop limit below 255) or one the snap length cut before
 * its header ended; -1 for a malformed one: bad lengths, an IPv6 extension
 * header past the end, a UDP checksum of 0 over IPv6, or a bad IP, TCP,
 * UDP, ICMP or ICMPv6 checksum where the whole packet was captured (a
 * sender's own packets, captured before checksum offload filled them in,
 * pass).  IPv6 extension headers (hop-by-hop, routing, destination
 * options, an atomic fragment) are walked; a real fragment is 0. */
int packet_decode_cap(const uint8_t *pkt, size_t cap, size_t wire, struct reply *r);
/* packet_decode_cap of a packet captured whole. */
int packet_decode(const uint8_t *pkt, size_t len, struct reply *r);
/* Decodes one captured frame of link type dlt: pcap's DLT_EN10MB (1, with
 * up to one 802.1Q tag), DLT_LINUX_SLL (113), DLT_LINUX_SLL2 (276) or
 * DLT_RAW (12, 101), dispatching on its ethertype: IPv4 and IPv6 through
 * packet_decode_cap, ARP (IPv4 over Ethernet) as REPLY_ARP.  cap and wire
 * are pcap's caplen and len.  Where the link header holds the sender's
 * Ethernet address (Ethernet, and cooked captures of Ethernet devices),
 * has_mac and mac give it, unless ARP or NDP filled them in.  Same returns
 * as packet_decode_cap; -1 for a frame shorter than its link header or
 * whose ethertype and IP version disagree; 0 for other ethertypes and
 * link types.  The raw scanner's receiver and the scan detector both read
 * frames through it. */
int packet_decode_frame(int dlt, const uint8_t *frame, size_t cap, size_t wire, struct reply *r);

uint16_t inet_checksum(const void *data, size_t len, uint32_t sum);

#endif
