/* results: what scout saw, per host and per port.
 *
 * The six nmap port states and the reason vocabulary of --reason live here,
 * as do the per-group result arrays: one 4-byte port_result per (host, port)
 * pair, written by the engines and read by the outputs.  A state is always
 * what was observed: a reply, an ICMP error, or silence after retries. */
#ifndef SCOUT_RESULTS_H
#define SCOUT_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "ports.h"

enum port_state {
    PS_UNKNOWN = 0, /* not yet decided (never shown) */
    PS_OPEN,
    PS_CLOSED,
    PS_FILTERED,
    PS_UNFILTERED,
    PS_OPEN_FILTERED,
    PS_CLOSED_FILTERED,
    PS_COUNT
};

/* nmap's reason names (reason_str SINGULAR) for what decided a state. */
enum reason {
    R_NONE = 0,
    R_SYN_ACK,
    R_RESET,
    R_CONN_REFUSED,
    R_NO_RESPONSE,
    R_NET_UNREACH,
    R_HOST_UNREACH,
    R_PROTO_UNREACH,
    R_PORT_UNREACH,
    R_NET_PROHIBITED,
    R_HOST_PROHIBITED,
    R_ADMIN_PROHIBITED,
    R_UDP_RESPONSE,
    R_ECHO_REPLY,
    R_ARP_RESPONSE,
    R_USER_SET,
    R_LOCALHOST,
    R_NO_ROUTE,      /* ICMPv6 unreachable 0 */
    R_BEYOND_SCOPE,  /* ICMPv6 unreachable 2 */
    R_REJECT_ROUTE,  /* ICMPv6 unreachable 6 */
    R_PARAM_PROBLEM, /* ICMPv6 parameter problem */
    R_ND_RESPONSE,   /* an IPv6 neighbour advertisement (ARP's counterpart) */
    R_TIMESTAMP_REPLY, /* an ICMP timestamp reply */
    R_MASK_REPLY,      /* an ICMP address mask reply */
    R_COUNT
};

/* Four bytes, aligned as one word: the raw receiver publishes a result with a
 * single atomic compare-and-swap. */
struct port_result {
    _Alignas(4) uint8_t state; /* enum port_state */
    uint8_t reason; /* enum reason */
    uint8_t ttl;    /* TTL of the reply that decided it, 0 if none seen */
    uint8_t tries;  /* probes sent so far */
};

enum host_status { HOST_UNKNOWN = 0, HOST_UP, HOST_DOWN };

/* What -sV or --banners learned about one open port (owned strings). */
enum { SVC_PRODUCT, SVC_VERSION, SVC_INFO, SVC_HOST, SVC_OS, SVC_DEVICE, SVC_FIELDS };
struct service_info {
    uint32_t port_index;       /* into the portlist of proto */
    uint8_t proto;             /* enum proto: PROTO_TCP, or PROTO_UDP (-sU -sV) */
    char name[32];             /* "http", "ssh", "tcpwrapped"; "" = not identified */
    bool ssl;                  /* found inside TLS: shown as ssl/NAME, tunnel="ssl" */
    bool soft;                 /* a softmatch: service known, version not */
    char *field[SVC_FIELDS];   /* NULL when absent */
    char *cpe[4];
    uint8_t ncpe;
    char *banner;              /* what the port volunteered, escaped and bounded */
    char *cert;                /* the TLS certificate's subject and validity */
    const char *dialog;        /* the dialog (service/dialog.h) that added to it, or NULL */
    char *dialog_note;         /* what that dialog saw (owned), or NULL */
    char *fp;                  /* nmap's service fingerprint (servicefp.h) when no
                                  hard match named it but it returned data; NULL if none */
};

/* What -O concluded about one host (the os stage, os/osscan.c; owned
 * copies, so the outputs need no database). */
#define OS_MAX_MATCHES 10
/* Debian's nmap-os-db has entries of up to 13 classes and classes of up to
 * 8 CPEs, but only 10 entries pass 4 classes and 44 classes 3 CPEs: these
 * bounds keep every other one whole at 30 KB a host. */
#define OS_MAX_CLASSES 6
#define OS_MAX_CPES 4
#define OS_MAX_CLASSIFIED 16 /* past 10 imperfect or 8 families nmap prints none */
#define OS_FP_MAX 1400 /* nmap's submission format: "OS:" lines of 75 columns */
struct os_class {
    char vendor[40], family[32], gen[24], type[32];
    uint8_t ncpe;
    char cpe[OS_MAX_CPES][88];
};
struct os_match {
    char name[200];
    uint8_t accuracy;  /* percent */
    uint32_t line;     /* of the entry in nmap-os-db */
    uint8_t nclass;
    struct os_class cls[OS_MAX_CLASSES];
};
struct os_result {
    /* the ports the probes went to (0: none found); nmap's <portused> */
    uint16_t open_tcp, closed_tcp, closed_udp;
    uint8_t nmatch;          /* best first, down to the threshold in use */
    bool perfect;            /* nmatch > 0 and the first is 100 % */
    struct os_match m[OS_MAX_MATCHES];
    const char *unreliable;  /* why a match would be unreliable, or NULL (static) */
    /* nmap's classification (populateClassification) over every ranked match
     * (up to 36, not only the listed ones): distinct classes in match order,
     * each with the accuracy of its first match; what "Device type:",
     * "Running:" and "OS CPE:" are made of */
    uint8_t nclassified, nclassified_perfect;
    uint8_t classified_acc[OS_MAX_CLASSIFIED];
    struct os_class classified[OS_MAX_CLASSIFIED];
    char fp[OS_FP_MAX];      /* the fingerprint, "OS:SCAN(...)..." lines, "" if none */
    int distance;            /* hops, -1 unknown */
    /* -v: nmap's uptime guess and sequence reports (0 / NULL: none) */
    uint64_t uptime_s;
    double lastboot;         /* wall clock */
    uint32_t seq_index;      /* TCP sequence difficulty; valid when seq_class */
    const char *seq_class;   /* "Good luck!", ... (static) */
    const char *ipid_class;  /* "All zeros", "Incremental", ... (static) */
    const char *ts_class;    /* "1000HZ", "zero timestamp", ... (static) */
    char seq_values[80], ipid_values[80], ts_values[80]; /* the SEQ replies', comma-separated hex */
};

struct host_result {
    struct addr addr;
    uint64_t target_index; /* position in the target list (reports are in this order) */
    const char *user_name; /* hostname from the target spec, or NULL */
    char *rdns;            /* reverse DNS name (owned), or NULL */
    uint8_t status;        /* enum host_status */
    uint8_t up_reason;     /* enum reason */
    uint8_t up_ttl;
    bool timed_out;        /* --host-timeout expired: ports not reported */
    double start, end;     /* wall clock */
    uint64_t start_ns;     /* monotonic, for --host-timeout */
    uint32_t srtt_us, rttvar_us, to_us;
    /* On the local Ethernet segment: the MAC its ARP/ND answer gave */
    uint8_t mac[6];
    bool has_mac;
    const char *vendor;    /* its registry's organisation (the vendor stage), NULL if unknown */
    /* -sU: the ICMP error limiter measured (engine.c's budget), 0 if none */
    uint32_t icmp_burst, icmp_interval_us;
    struct port_result *ports[PROTO_COUNT]; /* indexed like the portlist */
    struct service_info *svc;  /* sorted by (proto, port_index); nsvc of them (owned) */
    uint32_t nsvc;
    /* confirm.c: open ports connected to for real, and how many of those
     * connections the far side reset at once (0, 0: not checked). */
    struct {
        uint8_t sampled, reset;
    } confirm;
    struct os_result *os;      /* -O (owned), NULL when not run or no result */
};

struct group {
    struct host_result *hosts;
    uint32_t n;
    struct port_result *store; /* one block for all hosts' port arrays: host h's
                                  start at store + h * stride (TCP, then UDP),
                                  whatever order hosts[] is later sorted in */
    uint32_t stride;
};

/* Adds m's classes not yet in res->classified (nmap's populateClassification
 * step for one ranked match; perfect: m is a 100 % match). */
void os_classified_add(struct os_result *res, const struct os_match *m, bool perfect);

const char *state_name(enum port_state s);
const char *reason_name(enum reason r);
/* Parses a state name ("open", "open|filtered"...); -1 if unknown. */
int state_parse(const char *s);

int group_alloc(struct group *g, uint32_t nhosts, const struct portlist *pl, err_t *e);
void group_free(struct group *g);
/* The service found on port index pi of protocol p of h, or NULL. */
const struct service_info *host_service(const struct host_result *h, enum proto p, uint32_t pi);
/* Whether the SYN-proxy check (confirm.c) found a proxy answering for the
 * host: most of its sampled connections were reset. */
bool confirm_proxied(const struct host_result *h);
/* Counts a host's ports per state for protocol p. */
void host_state_counts(const struct host_result *h, enum proto p, uint32_t nports,
                       uint32_t counts[PS_COUNT]);

#endif
