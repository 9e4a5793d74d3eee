/* osdb: nmap-os-db (Debian's nmap-common), read at run time, and the
 * matcher that ranks its fingerprints against an observed one (osfp.h).
 *
 * Owns the database: every Fingerprint entry (name, line, Class and CPE
 * lines, test lines with their expressions) and the MatchPoints weights.
 * Compact by construction: one string pool in which every string is stored
 * once (names, classes, CPEs, expressions), and index arithmetic over a few
 * arrays: an entry is a slice of test ids, a test a slice of pair ids, a
 * pair one (test, attribute, expression) of the file.  Debian's 5678
 * entries hold 73 826 test lines but only ~15 000 distinct ones.
 *
 * Semantics are nmap 7.93's (osscan.cc), the version Debian ships, checked
 * against nmap itself: see osdb.c for the expression rules, quirks included,
 * and for the ranking (best per name, ties in file order, 36 kept). */
#ifndef SCOUT_OS_OSDB_H
#define SCOUT_OS_OSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/osfp.h"
#include "results.h"
#include "util.h"

/* nmap's MAX_FP_RESULTS: the ranking keeps this many. */
#define OSDB_RANK_MAX 36
/* nmap's OSSCAN_GUESS_THRESHOLD: the accuracy -O ranks down to. */
#define OSDB_GUESS_THRESHOLD 0.85

struct osdb_key {          /* a MatchPoints attribute: SEQ.SP = 25 points */
    uint32_t test, attr;   /* pool offsets */
    uint32_t points;
};

struct osdb_pair {         /* one attribute of a test line: T1.F=AS|AR */
    uint32_t test, attr, expr; /* pool offsets */
    uint16_t key;          /* index into keys, OSDB_NO_KEY if MatchPoints has none */
};
#define OSDB_NO_KEY 0xffff

struct osdb_test {         /* a distinct test line: pairs ids[first, first + n) */
    uint32_t first;
    uint32_t n;
};

struct osdb_class {        /* Class vendor | family | gen | type, and its CPEs */
    uint32_t vendor, family, gen, type; /* pool offsets; gen may be "" (none) */
    uint32_t first_cpe;    /* cpes[first_cpe, + ncpe) */
    uint32_t ncpe;
};

struct osdb_entry {
    uint32_t name;         /* pool offset */
    uint32_t line;         /* of its Fingerprint line (nmap's XML line="") */
    uint32_t first_test, ntest;   /* entry_tests[...] */
    uint32_t first_class, nclass; /* classes[...] */
};

struct osdb {
    char *pool;            /* NUL-terminated strings, each stored once */
    size_t pool_len;
    struct osdb_key *keys;
    uint32_t nkeys;
    struct osdb_pair *pairs;
    uint32_t npairs;
    uint32_t *test_pairs;  /* pair ids, by test */
    struct osdb_test *tests;
    uint32_t ntests;
    uint32_t *entry_tests; /* test ids, by entry */
    struct osdb_class *classes;
    uint32_t nclasses;
    uint32_t *cpes;        /* pool offsets, by class */
    uint32_t ncpes;
    struct osdb_entry *entries;
    uint32_t nentries;
    uint32_t warnings;     /* malformed lines or entries skipped */
};

typedef void (*osdb_warn_fn)(void *ctx, const char *msg);

/* Loads the file at path.  A malformed entry is reported through warn
 * ("nmap-os-db line 1234: what", one line; the first 50, then a count) and
 * skipped; the rest loads.  Returns 0, or -1 with e set (one line) when the
 * file cannot be read, is empty, holds a NUL byte, has no MatchPoints or no
 * usable Fingerprint.  The file is streamed, never held whole. */
int osdb_load(struct osdb *db, const char *path, osdb_warn_fn warn, void *ctx, err_t *e);
/* The same over text in memory (len bytes); name stands for the file in
 * messages. */
int osdb_parse(struct osdb *db, const char *name, const char *text, size_t len,
               osdb_warn_fn warn, void *ctx, err_t *e);
void osdb_free(struct osdb *db);

/* A string of the pool. */
static inline const char *osdb_str(const struct osdb *db, uint32_t off)
{
    return db->pool + off;
}

/* nmap's accuracy of entry i against fp: the MatchPoints of the attributes
 * both hold, matched points over possible points (0 when none). */
double osdb_accuracy(const struct osdb *db, uint32_t i, const struct osfp *fp);

/* nmap's ranking (match_fingerprint): every entry at or above threshold
 * (and every perfect one), best first, ties in file order, one per name
 * (the best, the earlier on a tie), at most OSDB_RANK_MAX.  too_many is
 * nmap's OSSCAN_TOOMANYMATCHES: more than OSDB_RANK_MAX perfect matches,
 * ranking stopped there.  The exact accuracies are kept, because nmap's
 * outputs compare them (a guess is listed while it is within 0.10 of the
 * best), which whole percents cannot reproduce. */
struct osdb_hit {
    uint32_t entry;
    double accuracy;       /* 0..1 */
};
struct osdb_rank {
    uint32_t n, nperfect;
    bool too_many;
    struct osdb_hit hit[OSDB_RANK_MAX];
};
void osdb_rank(const struct osdb *db, const struct osfp *fp, double threshold, struct osdb_rank *r);

/* Entry i as the outputs want it, copied (cut to the struct's sizes):
 * name, accuracy in whole percents as nmap prints it ((int)(acc * 100)),
 * line, the classes with their CPEs. */
void osdb_fill(const struct osdb *db, uint32_t i, double accuracy, struct os_match *m);

/* osdb_rank then osdb_fill: the best max matches at or above min_accuracy
 * (0..1), best first; returns how many were written. */
uint32_t osdb_match(const struct osdb *db, const struct osfp *fp, double min_accuracy,
                    struct os_match *out, uint32_t max);

#endif
