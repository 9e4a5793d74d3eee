/* payloads: the UDP payload database of the port scan (-sU), and the
 * --data, --data-string and --data-length values that replace it.
 *
 * Two of nmap-common's files feed it, read at run time: nmap-payloads
 * (`udp PORTLIST "string" "string"... [source PORT]`, the strings C-like
 * with \xHH \0 \n \r \t \\ \" escapes and concatenated across lines) and the
 * `Probe UDP NAME q|...|` lines of nmap-service-probes with their `ports`
 * lines (where newer nmap keeps its payloads); a probe flagged `no-payload`
 * is not used.  For a port both files name, nmap-payloads alone is used.
 * A malformed entry or Probe line goes to the warn callback as
 * "FILE:LINE: why; ... skipped" and the rest loads.
 *
 * A port may have several payloads (nmap sends them all, one datagram
 * each, in file order).  Lookup is two array reads: port -> set number ->
 * a slice of payload references into one blob. */
#ifndef SCOUT_PAYLOADS_H
#define SCOUT_PAYLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Largest database payload: 1500-byte Ethernet MTU less IP and UDP headers
 * with room for options.  Longer entries are reported and skipped. */
#define PAYLOAD_MAX 1400
/* Payloads kept per port (nmap allows 255 and sends every one per probe);
 * more are reported and not used for that port. */
#define PAYLOADS_PER_PORT_MAX 16
/* Entries read per file; the rest of a larger file is reported and ignored
 * (Debian's files hold 63 and 48).  Bounds the table build's work. */
#define PAYLOAD_ENTRIES_MAX 4096
/* --data, --data-string, --data-length: nmap's MAX_PAYLOAD_ALLOWED (65535
 * less the largest IP and TCP headers).  Above PAYLOAD_MAX nmap only warns
 * "may not be sent successfully"; that warning is the caller's. */
#define DATA_LEN_MAX 65435

struct payload_ref {
    uint32_t off;   /* into blob */
    uint16_t len;   /* 0..PAYLOAD_MAX */
    uint16_t sport; /* nmap-payloads' `source` port (nmap ignores it), 0 if none */
};

struct payload_set {
    uint32_t first, count; /* ref[first, first + count) */
};

struct payloads {
    uint8_t *blob;              /* every distinct payload's bytes, back to back */
    struct payload_ref *ref;    /* the sets' members, back to back */
    struct payload_set *set;    /* set 0 is empty */
    uint32_t *port_set;         /* 65536 entries: port -> set */
    uint32_t nports;            /* ports with at least one payload */
    uint32_t entries[2];        /* entries used: [0] nmap-payloads, [1] Probe UDP */
    uint32_t warnings;
};

/* Same shape as probedb_warn_fn: one line without a newline. */
typedef void (*payloads_warn_fn)(void *ctx, const char *msg);

/* One input file's text; text NULL when the file is absent.  name is used
 * in messages only. */
struct payload_text {
    const char *name;
    const char *text;
    size_t len;
};

/* Loads the two files; either path may be NULL (not given) or name a file
 * that does not exist, and both may: the table is then empty (the scan
 * sends empty datagrams).  A file that exists but cannot be read (too
 * large, a directory, no permission) is an error.  Returns 0, or -1 with e
 * set; *pl is then empty and safe to free. */
int payloads_load(struct payloads *pl, const char *payloads_path, const char *probes_path,
                  payloads_warn_fn warn, void *ctx, err_t *e);
/* The same from texts in memory (any bytes, NULs included): the unit tests'
 * and the fuzzer's entry.  Fails only when out of memory. */
int payloads_parse(struct payloads *pl, struct payload_text payloads_file,
                   struct payload_text probes_file, payloads_warn_fn warn, void *ctx, err_t *e);
void payloads_free(struct payloads *pl);

/* How many payloads port has (0..PAYLOADS_PER_PORT_MAX). */
static inline uint32_t payload_count(const struct payloads *pl, uint16_t port)
{
    return pl->set[pl->port_set[port]].count;
}
/* The i-th payload of port (file order): its bytes and *len, or NULL and 0
 * when i >= payload_count().  An empty payload ("") is a non-NULL pointer
 * with *len 0. */
static inline const uint8_t *payload_nth(const struct payloads *pl, uint16_t port, uint32_t i,
                                         uint16_t *len)
{
    const struct payload_set *s = &pl->set[pl->port_set[port]];
    if (i >= s->count) {
        *len = 0;
        return NULL;
    }
    const struct payload_ref *r = &pl->ref[s->first + i];
    *len = r->len;
    return pl->blob + r->off;
}
/* The port's first payload; NULL and 0 when it has none. */
static inline const uint8_t *payload_for(const struct payloads *pl, uint16_t port, uint16_t *len)
{
    return payload_nth(pl, port, 0, len);
}
static inline uint32_t payloads_ports(const struct payloads *pl)
{
    return pl->nports;
}

/* --data HEX as nmap takes it: "0xdeadbeef", "deadbeef" or "\xde\xad\xbe\xef"
 * (no byte order change).  Writes at most cap bytes to out; an empty string,
 * an odd number of digits, a non-hex character or more than cap bytes is an
 * error that names --data and the bad text. */
int payload_from_hex(const char *arg, uint8_t *out, size_t cap, size_t *len, err_t *e);
/* --data-length N: 0..DATA_LEN_MAX. */
int payload_data_length(const char *arg, size_t *len, err_t *e);
/* --data-string S: its length must be at most DATA_LEN_MAX. */
int payload_data_string(const char *arg, size_t *len, err_t *e);

#endif
