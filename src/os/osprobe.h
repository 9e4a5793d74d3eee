/* osprobe: nmap's OS-detection probes and what their replies say, as pure
 * functions over one host's round (os/osscan.c sends and listens).
 *
 * The probes are nmap's, byte for byte where it matters, so that
 * nmap-os-db's fingerprints apply: six SYNs to an open port 100 ms apart
 * (SEQ; their replies also give OPS and WIN, and the first gives T1), two
 * ICMP echoes (IE), a SYN with the ECN flags (ECN), T2-T4 to the open port
 * and T5-T7 to a closed one, and 300 bytes of UDP to a closed port (U1).
 * Every TCP probe has its own source port (sport + its index), so a reply's
 * destination port names the probe it answers; the echoes carry their own
 * identifier, and U1's reply quotes it.  A SEQ probe that got no answer is
 * sent again in the second phase as an OPS probe, for OPS and WIN only.
 *
 * osprobe_record reads one reply into the round; osprobe_fingerprint turns
 * a finished round into nmap's test lines (osfp.h) and its sequence report,
 * computed as nmap computes them.  IPv4 only: nmap's IPv6 OS detection is
 * another method altogether. */
#ifndef SCOUT_OSPROBE_H
#define SCOUT_OSPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "os/osfp.h"

enum os_probe {
    OSP_SEQ = 0,   /* 0..5 */
    OSP_OPS = 6,   /* 6..11: a SEQ probe again, for OPS/WIN */
    OSP_ECN = 12,
    OSP_T1 = 13,   /* 13..19: T1..T7 (T1 is SEQ 1's twin) */
    OSP_IE1 = 20,
    OSP_IE2 = 21,
    OSP_U1 = 22,
    OSP_COUNT = 23
};
#define OSP_NSEQ 6
#define OSP_MAX_LEN 360 /* bytes of the largest probe (U1), from the IP header on */
#define OSP_U1_DATA 300

/* One reply to a TCP, IE or U1 probe, as its test line will read it
 * (everything except R, DF and T/TG, which osprobe_fingerprint adds). */
struct os_answer {
    bool got;
    bool df;
    uint8_t ttl;
    struct osfp_test rest;
};

/* One host's round: the caller sets the first block, osprobe_record the rest. */
struct os_round {
    struct addr src, dst;
    uint16_t open, closed, closed_udp; /* 0: none (their probes are not sent) */
    bool closed_known;                 /* closed came from the scan (else a guess: nmap's random one) */
    uint16_t sport, udp_sport;         /* TCP probe i leaves from sport + i */
    uint32_t seq, ack;                 /* nmap's tcpSeqBase and tcpAck */
    uint16_t icmp_id;                  /* IE1's; IE2 has icmp_id + 1 */
    uint8_t udp_ttl;                   /* U1's TTL: its quote gives the distance */
    bool localhost;
    uint64_t seq_sent_ns[OSP_NSEQ];    /* when each SEQ probe left (the caller) */
    uint8_t tries[OSP_COUNT];          /* times each probe was sent (the caller) */
    /* replies */
    uint32_t isn[OSP_NSEQ], tsval[OSP_NSEQ];
    bool has_seq[OSP_NSEQ];
    uint8_t ts_kind;                   /* 0 seen, 1 zero, 2 unsupported (nmap's TS_SEQ_*) */
    uint16_t lastipid;
    int32_t tcp_ipid[OSP_NSEQ], closed_ipid[3], icmp_ipid[2]; /* -1: none */
    bool has_ops[OSP_NSEQ], has_win[OSP_NSEQ];
    char ops[OSP_NSEQ][OSFP_VAL_MAX];
    uint16_t win[OSP_NSEQ];
    struct os_answer ecn, t[7], u1;
    bool ie_got[2], ie_df[2];
    uint8_t ie_code[2], ie_ttl;
    int distance;                      /* from U1's quote, -1 unknown */
};

/* What the SEQ replies say beyond the test lines (nmap's -v report). */
struct os_seqreport {
    uint32_t responses;
    uint32_t index;        /* TCP sequence difficulty */
    bool has_index;
    int ipid_class, ts_class;   /* indexes into the name tables below */
    uint64_t uptime_s;
    bool has_uptime;
};
const char *osprobe_ipid_name(int cls);
const char *osprobe_ts_name(int cls);
const char *osprobe_difficulty(uint32_t index);

/* Sets up a round for dst (fields of the first block), with nothing answered. */
void osprobe_round_init(struct os_round *r);
/* Whether probe p goes out to this host at all (its port is known). */
bool osprobe_applies(const struct os_round *r, enum os_probe p);
/* Writes probe p from the IP header on into out (OSP_MAX_LEN bytes);
 * returns its length.  ipid is the IP ID for probes nmap leaves random. */
size_t osprobe_build(const struct os_round *r, enum os_probe p, uint16_t ipid, uint8_t *out);
/* Reads an IPv4 packet from r->dst (cap bytes captured, the IP header on);
 * returns the probe it answers, or -1 if it is none of this round's (or is
 * a duplicate, or malformed: every length is checked). */
int osprobe_record(struct os_round *r, const uint8_t *ip, size_t cap);
/* The round's fingerprint, nmap's tests in nmap's order, and the report. */
void osprobe_fingerprint(const struct os_round *r, struct osfp *fp, struct os_seqreport *rep);

#endif
