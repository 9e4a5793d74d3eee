/* conf: the command line, parsed once into a configuration that nothing
 * changes afterwards (modules receive `const struct conf *`).
 *
 * Options follow nmap's spelling (-sT -p- -T4 -oX FILE -iL FILE -Pn ...);
 * every value is validated where it is parsed, and a bad one gives a single
 * line naming it.  The option table is in conf.c. */
#ifndef SCOUT_CONF_H
#define SCOUT_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lan.h"
#include "ports.h"
#include "services.h"
#include "targets.h"
#include "scantype.h"
#include "timing.h"

#define UDP_DATA_MAX 1400 /* payload bytes of a datagram that fits an Ethernet frame */

enum out_kind { OUT_NORMAL, OUT_XML, OUT_GREP, OUT_JSON, OUT_KIND_COUNT };

struct out_spec {
    enum out_kind kind;
    const char *path; /* "-" = stdout */
};

/* Host discovery probes (-PE -PP -PS -PA -PR); none given: nmap's defaults. */
#define PING_PORTS_MAX 32
enum { PING_ECHO = 1, PING_TIMESTAMP = 2, PING_SYN = 4, PING_ACK = 8, PING_ARP = 16, PING_UDP = 32, PING_MASK = 64 };
struct ping_conf {
    unsigned probes;              /* PING_* given; 0 = the defaults */
    uint16_t syn[PING_PORTS_MAX], ack[PING_PORTS_MAX], udp[PING_PORTS_MAX];
    uint32_t nsyn, nack, nudp;
    bool no_arp;                  /* --disable-arp-ping */
};

struct conf {
    struct targets targets, excludes;
    struct portlist ports;
    struct services *svc;

    const struct scan_type *scan; /* the TCP scan type */
    bool scan_explicit;           /* the user named the TCP scan type */
    bool tcp;                     /* TCP ports are scanned (not with -sU alone) */
    bool udp;                     /* -sU */
    bool ping_skip;               /* -Pn */
    bool ping_only;               /* -sn */
    struct ping_conf ping;
    bool no_dns;                  /* -n */
    bool sequential;              /* -r: ports (and hosts) in order */
    bool open_only;               /* --open */
    bool reason;                  /* --reason */
    int verbose;                  /* -v count (each -d level adds one, as in nmap) */
    int debug;                    /* -d level 0..10: 1 timing and engine decisions,
                                     2 each port's decision, 3 each probe (stderr) */
    int family;                   /* TARGET_V4 or TARGET_V6 (-6) */

    struct timing_conf timing;
    uint64_t stats_every_ns;      /* 0 = none */
    uint32_t max_hostgroup;       /* 0 = automatic */
    uint32_t min_hostgroup;       /* 0 = automatic; see conf_hostgroup() */
    uint64_t max_gap_ns;          /* --max-scan-delay given: congestion control never
                                     waits longer than this between probes (0 = no floor) */

    struct out_spec outputs[8];
    int noutputs;

    struct addr source;           /* -S: source address (family 0 = from the route) */
    const char *iface;            /* -e: interface to capture on (NULL = from the route) */
    int source_port;              /* -g/--source-port, -1 = random */
    int scanflags;                /* --scanflags: TCP flags of raw probes, -1 = the type's */
    bool keep_privileges;         /* --no-drop-privileges */
    bool send_eth, send_ip;       /* --send-eth / --send-ip (neither: Ethernet where there is one) */

    bool version;                 /* -sV */
    int version_intensity;        /* 0..9, --version-intensity/-light/-all (default 7) */
    bool banners;                 /* --banners: record what open ports volunteer */
    char versiondb[600];          /* nmap-service-probes to use */
    char payloaddb[600];          /* nmap-payloads to use (-sU) */
    bool os;                      /* -O (or -A): OS detection */
    bool osscan_guess;            /* --osscan-guess/--fuzzy: show guesses below a perfect match */
    bool osscan_limit;            /* --osscan-limit: only hosts with an open and a closed TCP port */
    int max_os_tries;             /* --max-os-tries: rounds of the OS probes (default 5, nmap's) */
    char osdb[600];               /* nmap-os-db to use (-O) */
    char macprefixes[600];        /* nmap-mac-prefixes: vendors where ieee-data is absent */
    uint8_t data[UDP_DATA_MAX];   /* --data, --data-string, --data-length: every UDP probe's payload */
    uint16_t data_len;
    bool data_given;

    bool iflist;                  /* --iflist: print interfaces and routes, scan nothing */
    bool lan;                     /* --lan: sweep the attached networks, report the LAN view */
    struct netinfo *lan_ni;       /* --lan: the machine's interfaces (conf_load) */
    struct lan_net lan_nets[LAN_MAX_NETS];
    int nlan;
    bool detect;                  /* --detect: watch for scans instead of scanning */
    const char *detect_file;      /* -r FILE (with --detect): a pcap/pcapng capture */
    uint64_t detect_for_ns;       /* --detect-for TIME: live watch length, 0 = until a signal */
    const char *tripwire_ports;   /* --tripwire SPEC (ports.h grammar), or NULL */
    const char *tripwire_hosts;   /* --tripwire-hosts SPEC (targets, comma-separated), or NULL */
    bool block, dry_run;          /* --block, --dry-run (detect/block.h) */
    uint64_t block_for_ns;        /* --block-for TIME (default 1h) */
    const char *never_block;      /* --never-block CIDR,...|FILE, or NULL */
    const char *syslog;           /* --syslog TARGET (detect/syslog.h), or NULL */
    bool ecs;                     /* --ecs: -oJ in the Elastic Common Schema (detect/ecs.h) */

    uint64_t seed;                /* permutation key (--seed, else random) */
    bool seed_given;
    uint32_t shard_k, shard_n;    /* --shard k/n, 1-based k; n = 1 when unsharded */
    bool shard_auto;              /* --shard auto: k/n from the scheduler (shardenv.h) */
    const char *db;               /* --db PATH|URL: the results store (NULL: the default file) */
    bool no_db;                   /* --no-db: no results store */
    bool resume;                  /* --resume [ID]: continue an interrupted scan */
    int64_t resume_id;            /* its id, 0: the store's last interrupted one */
    char scan_key[24];            /* the scan's id across a fleet: seed and command line, --shard left out */

    struct conf_files *files;     /* what conf_load has still to read */
    char *args;                   /* the command line, for output headers */
    int argc;                     /* ... and as given (argv outlives the conf: main's, or a */
    char **argv;                  /*     resumed scan's from its checkpoint) */
    char *owned[6];               /* strings conf allocated (-oA file names) */
    int nowned;
};

enum conf_result { CONF_RUN = 0, CONF_EXIT_OK = 1, CONF_ERROR = -1 };

/* Parses argv into c.  CONF_EXIT_OK means help or version was printed. */
enum conf_result conf_parse(struct conf *c, int argc, char **argv, err_t *e);
/* conf_parse in two steps, for main(), which drops privileges between them:
 * conf_parse_argv reads argv alone (no file, no name lookup); conf_load then
 * reads what it named: the targets (resolving host names), -iL and
 * --excludefile files, nmap-services for the ports. */
enum conf_result conf_parse_argv(struct conf *c, int argc, char **argv, err_t *e);
int conf_load(struct conf *c, err_t *e);
/* nmap's default scan type: SYN when raw sockets are allowed (the caller
 * asks, raw_available()), else connect, said with -v.  Called once by main()
 * after conf_parse, which itself has no side effects. */
void conf_default_scan(struct conf *c, bool raw_allowed);
void conf_free(struct conf *c);

/* Hosts per group: the pipeline's automatic size (from memory, port count)
 * raised to --min-hostgroup and capped by --max-hostgroup, as nmap reads
 * them; at least 1.  conf_parse has checked min <= max and that the minimum's
 * results fit in memory. */
uint32_t conf_hostgroup(const struct conf *c, uint32_t automatic);

/* -d: nmap's "Timing report" block of the values in force. */
void conf_timing_report(const struct conf *c, FILE *f);

#endif
