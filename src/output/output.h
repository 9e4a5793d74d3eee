/* output: the interface every output format implements, and the set of
 * outputs one run writes to.
 *
 * Contract for a format (`struct output_ops`):
 *   - begin() once, before any host; group() (optional) once per host group
 *     as its results come in, before host() of each of its hosts; host()
 *     once per finished host, in the order hosts finish; end() once, also
 *     when the scan was interrupted
 *     (run_end.interrupted), so that every file is complete and parseable at
 *     any stop;
 *   - a format only writes to the FILE it is given and flushes after each
 *     host; it never sends, never exits, and reads results only through the
 *     const pointers it receives;
 *   - ports whose state is PS_UNKNOWN (another shard's, or an interrupted
 *     scan's) are not reported as any state; a host handed over after the
 *     stop flag was set may be partly scanned, and each format says how far
 *     its scan went (host_progress) so that nobody, and no later --resume,
 *     reads it as complete.
 * Adding a format is one file here plus one entry in output.c. */
#ifndef SCOUT_OUTPUT_H
#define SCOUT_OUTPUT_H

#include <signal.h>
#include <stdio.h>

#include "conf.h"
#include "results.h"
#include "stats.h"

#define SCOUT_VERSION "0.1.0"

struct run_info {
    const struct conf *conf;
    double start; /* wall clock */
    const char *scan_name;
    /* main's stop flag (NULL: never stops): set when a host is handed over,
     * that host's group was cut short */
    const volatile sig_atomic_t *stop;
};

struct run_end {
    double end;
    const struct scan_stats *stats;
    bool interrupted;
    const char *error; /* set when the run ended on an error */
};

struct output_ops {
    const char *name;
    size_t state_size; /* bytes of per-run state the format wants, zeroed */
    void (*begin)(void *st, FILE *f, const struct run_info *ri);
    void (*group)(void *st, FILE *f, const struct run_info *ri, const struct host_result *hosts,
                  uint32_t n);
    void (*host)(void *st, FILE *f, const struct run_info *ri, const struct host_result *h);
    void (*end)(void *st, FILE *f, const struct run_info *ri, const struct run_end *re);
};

extern const struct output_ops output_normal, output_xml, output_grepable, output_json, output_lan;

/* Write errors are checked here, once per call of a format (fflush and
 * ferror after begin, each host and end) and at fclose, not per fprintf: the
 * first error of an output is said once on stderr with its file and errno,
 * that output is written no more, the others go on, and outputs_close()
 * returns -1 so that main() exits non-zero.  A closed pipe on stdout (scout
 * ... | head) sets *stop to SIGPIPE instead: the scan stops as if the signal
 * had come, and quietly, as nmap is killed by it. */
struct output_set {
    struct {
        const struct output_ops *ops;
        FILE *f;
        bool own;
        void *st;
        const char *path; /* for messages; NULL = standard output */
        int err;          /* first write error (errno), 0 = none */
    } o[9];
    int n;
    struct run_info ri;
    volatile sig_atomic_t *stop; /* main's stop flag, may be NULL */
    bool failed;                 /* some output lost data */
};

int outputs_open(struct output_set *s, const struct conf *c, volatile sig_atomic_t *stop,
                 err_t *e);
void outputs_begin(struct output_set *s);
/* The length of each output file (in the set's order; -1 for standard
 * output or a failed file): where a resumed scan will continue them. */
uint32_t outputs_offsets(const struct output_set *s, int64_t *off, uint32_t max);
/* --resume, in place of outputs_begin: each file (opened for update) cut
 * back to its recorded length, where the next group's hosts follow. */
int outputs_resume(struct output_set *s, const int64_t *off, uint32_t n, err_t *e);
/* A host group's results are in: hosts[0..n), before outputs_host of each. */
void outputs_group(struct output_set *s, const struct host_result *hosts, uint32_t n);
void outputs_host(struct output_set *s, const struct host_result *h);
void outputs_end(struct output_set *s, const struct run_end *re);
/* Closes every file; -1 if any output could not be written in full. */
int outputs_close(struct output_set *s);

/* Helpers the formats share. */
/* The name nmap shows for a port: services' name for it. */
const char *port_service(const struct run_info *ri, enum proto p, uint16_t port);
/* What -sV/--banners learned about a shown port, or NULL. */
const struct service_info *shown_service(const struct host_result *h, enum proto p, uint32_t i);
/* The SERVICE column as nmap spells it: "ssl" + sep + "http" inside TLS,
 * "tcpwrapped", the table's name with "?" when -sV found nothing. */
void service_column(const struct run_info *ri, const struct service_info *si, enum proto p,
                    uint16_t port, const char *sep, char *out, size_t n);
/* nmap's XML attribute names of the service fields, in SVC_* order. */
extern const char *const service_field_name[SVC_FIELDS];
/* The VERSION column: "product version (extrainfo)"; "" when unknown. */
void version_column(const struct service_info *si, char *out, size_t n);
/* True if a state is folded into "Not shown" for this host (nmap's rule:
 * states other than open with more than 25 ports, more with -v; with --open
 * every state that cannot be open). */
bool state_ignored(const struct run_info *ri, enum port_state s, uint32_t count);
void fmt_time(double t, const char *fmt, char *buf, size_t len);
/* x with two significant digits and no exponent, as nmap shows latency. */
void fmt_sigdigits(double x, char *buf, size_t len);
/* The hostname to show: the user's, else reverse DNS, else NULL. */
const char *host_name(const struct host_result *h);
/* "2 IP addresses (1 host up) scanned in 0.52 seconds" */
void summary_line(const struct run_info *ri, const struct run_end *re, char *buf, size_t len);

/* How nmap reads an OS result (output.cc's printosscanoutput), for every
 * format alike.  Accuracies are whole percents, so nmap's "within 0.10 of
 * the best" is "more than 10 points below it" here. */
enum os_verdict {
    OSV_DETAILS,  /* perfect matches, 8 at most: "OS details:", grepable "OS:" */
    OSV_GUESSES,  /* matches, none perfect: "Aggressive OS guesses:" (when asked) */
    OSV_NONE,     /* nothing matched */
    OSV_TOO_MANY, /* more than 8 perfect matches: nmap names none (unless -d) */
};
struct os_view {
    enum os_verdict verdict;
    uint8_t nperfect; /* leading 100 % matches */
    uint8_t nlisted;  /* matches nmap lists (<osmatch>, the guesses): the perfect
                         ones, else the first 10 at most less than 10 points below
                         the best */
    bool show_fp;     /* the fingerprint is shown (normal and XML alike) */
    bool partial;     /* no open or no closed TCP port: "may be unreliable" */
};
void os_view_make(const struct run_info *ri, const struct os_result *os, struct os_view *v);

/* How far one host's scan went.  done: ports decided; asked: the ports of
 * the list (both protocols; 0 in a shard, whose share of a host's ports is
 * the engine's permutation's to know).  interrupted: the run stopped with
 * this host unfinished: undiscovered (its discovery undecided, nothing
 * scanned), or up with ports undecided (in a shard: any host handed over
 * after the stop).  A timed-out host is timed out, not interrupted. */
struct host_progress {
    uint32_t done, asked;
    bool interrupted, undiscovered;
};
void host_progress(const struct run_info *ri, const struct host_result *h, struct host_progress *hp);
/* "3963 of 65535 ports done"; in a shard "1200 ports done (shard 1/3 of 65535)". */
void progress_phrase(const struct run_info *ri, const struct host_progress *hp, char *buf, size_t len);

/* Per-host tally of states across protocols and which of them fold. */
struct host_view {
    uint32_t counts[PS_COUNT];
    bool ignored[PS_COUNT];
    enum port_state order[PS_COUNT]; /* ignored states, most numerous first */
    int nign;
    uint32_t shown, total;
};
void host_view_make(const struct run_info *ri, const struct host_result *h, struct host_view *v);
/* Walks the ports a format reports for h (decided, not folded into "Not
 * shown"), protocol by protocol in list order:
 *   struct shown_port sp = {0};
 *   while (next_shown_port(ri, h, &v, &sp)) use sp.p, sp.port, sp.r, sp.i */
struct shown_port {
    enum proto p;
    uint32_t i, next;
    uint16_t port;
    const struct port_result *r;
};
bool next_shown_port(const struct run_info *ri, const struct host_result *h,
                     const struct host_view *v, struct shown_port *sp);
void reason_counts(const struct run_info *ri, const struct host_result *h, enum port_state s,
                   uint32_t out[PROTO_COUNT][R_COUNT]);
/* Writes "22000-22221,22223" for the ports of protocol p whose state and
 * reason match (-1 = any); with h NULL, every port of the list. */
void write_port_ranges(FILE *f, const struct run_info *ri, const struct host_result *h,
                       enum proto p, int state, int reason);

#endif
