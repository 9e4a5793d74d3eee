/* scanrec: a scan's results as plain records, independent of the run that
 * produced them: what the results store keeps and gives back, what `scout
 * import` reads from nmap or masscan XML, what `scout diff` compares and
 * what `scout report` renders.  A running scan's host results become
 * records (scanrec_from_host) as each host finishes.
 *
 * Records own their strings (malloc'd, NUL-terminated, NULL when absent);
 * scanrec_free releases a whole scan. */
#ifndef SCOUT_SCANREC_H
#define SCOUT_SCANREC_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "results.h"

struct rec_port {
    uint8_t proto;     /* enum proto: PROTO_TCP, PROTO_UDP */
    uint16_t port;
    uint8_t state;     /* enum port_state */
    uint8_t reason;    /* enum reason */
    uint8_t ttl;       /* of the reply that decided it, 0 if none */
    /* the service, when -sV or a file named one (NULL: none) */
    char *service;     /* "http", "ssl/http" is service "http" with tunnel "ssl" */
    char *tunnel;      /* "ssl" or NULL */
    char *product, *version, *extrainfo;
    char *cpe;         /* the first CPE */
};

struct rec_host {
    struct addr addr;
    uint8_t status;    /* enum host_status */
    uint8_t reason;    /* enum reason of status */
    bool has_mac;
    uint8_t mac[6];
    char *vendor;
    char *name;        /* reverse DNS or user-given name */
    char *os;          /* best OS match, NULL if none */
    bool partial;      /* interrupted: not every port was decided */
    struct rec_port *ports; /* sorted by (proto, port) */
    uint32_t nports;
};

struct rec_scan {
    int64_t id;        /* the store's (0: not from a store) */
    char *key;         /* the fleet key: the same for every shard of one scan */
    char *args;        /* the command line */
    char *version;     /* of the scanner that ran it ("scout 0.1.0", "nmap 7.93") */
    uint64_t seed;
    uint32_t shard_k, shard_n;
    double start, end; /* wall clock; end 0 while running or when killed */
    bool finished;
    struct rec_host *hosts; /* sorted by address */
    uint32_t nhosts;
};

/* The records of one finished host of a running scan (ports of every
 * protocol in pl, the services -sV found, the best OS match).  Returns 0, or
 * -1 with e set (out of memory). */
int scanrec_from_host(const struct host_result *h, const struct portlist *pl, struct rec_host *out, err_t *e);
void scanrec_host_free(struct rec_host *h);
void scanrec_free(struct rec_scan *s);
/* Sorts hosts by address and each host's ports by (proto, port). */
void scanrec_sort(struct rec_scan *s);

#endif
