/* targets: what hosts to scan, parsed from nmap's target grammar and held as
 * ranges, never as a list of addresses.
 *
 *   10.0.0.1  10.0.0.0/24  10.0.1-3.1,5  *.*.0.1  host.name  host.name/28
 *   ::1  fd00::/120  (-iL FILE, --exclude, --excludefile use the same grammar)
 *
 * A target set is an array of specs; index i of the set maps to one address
 * by prefix sums and per-spec arithmetic, so a /8 costs one small struct.
 * Hostnames are resolved once, when parsed. */
#ifndef SCOUT_TARGETS_H
#define SCOUT_TARGETS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "util.h"

enum tspec_kind {
    TS_RANGE,  /* base + [0, count): CIDR or a single address, v4 or v6 */
    TS_OCTETS, /* IPv4 with a value set per octet: 10.0.1-3.1,5 */
};

struct octet_sets {
    uint8_t vals[4][256]; /* sorted, unique */
    uint16_t n[4];
    uint8_t bits[4][32]; /* membership bitmaps for exclusion tests */
};

struct tspec {
    enum tspec_kind kind;
    uint64_t count;
    struct addr base;        /* TS_RANGE */
    unsigned prefix;         /* TS_RANGE: prefix length for membership */
    struct octet_sets *oct;  /* TS_OCTETS */
    char *name;              /* the hostname the user gave, if any */
};

/* Membership index (targets_contains), built by targets_finish: every
 * spec as address intervals, sorted and merged per family, so a lookup is a
 * binary search however long an exclude list is.  Octet specs expand to
 * one interval per run of their last partial octet times the values before
 * it (10.0.1-3.* is 1, 10.1-3.0.1,5 is 6); the few that would need more
 * than TARGETS_EXPAND_MAX stay in `odd` and are checked one by one. */
struct tiv4 { uint32_t lo, hi; };
struct tiv6 { uint64_t lo[2], hi[2]; }; /* [0] high 64 bits, [1] low */

#define TARGETS_EXPAND_MAX 4096

struct targets {
    struct tspec *v;
    size_t n, cap;
    uint64_t *start; /* start[i] = index of spec i's first address */
    uint64_t total;
    struct tiv4 *iv4;
    struct tiv6 *iv6;
    size_t niv4, niv6;
    size_t *odd;     /* indices of octet specs not expanded */
    size_t nodd;
};

/* Flags for targets_add: the family names resolve to, and NO_RESOLVE to
 * refuse names outright (the fuzzer and tests must not query DNS). */
enum { TARGET_V4 = 0, TARGET_V6 = 1, TARGET_NO_RESOLVE = 2 };

void targets_init(struct targets *t);
void targets_free(struct targets *t);
/* Adds one spec; family is TARGET_V4 or TARGET_V6 (-6) for names. */
int targets_add(struct targets *t, const char *spec, int family, err_t *e);
/* Adds a comma-separated list of specs (--exclude's form).  Commas are
 * also octet syntax (10.0.0.1,3): the list is split only where the whole
 * is not one spec. */
int targets_add_list(struct targets *t, const char *list, int family, err_t *e);
/* Adds every spec in a file ("-" = stdin), as nmap's -iL reads them: specs
 * are separated by spaces, tabs, line ends or NUL bytes; '#' starts a
 * comment to the end of the line.  Errors say "FILE:LINE: ...". */
int targets_add_file(struct targets *t, const char *path, int family, err_t *e);
/* The same for text already in memory (len bytes, NULs allowed); origin
 * names it in errors.  The fuzzer's entry point. */
int targets_add_text(struct targets *t, const char *text, size_t len, int family,
                     const char *origin, err_t *e);
/* Call after the last add: computes the index prefix sums. */
int targets_finish(struct targets *t, err_t *e);
/* Address at index i in [0, total); *name is the user's hostname or NULL. */
void targets_get(const struct targets *t, uint64_t i, struct addr *out, const char **name);
/* Whether a is in the set (after targets_finish): O(log n) in the specs. */
bool targets_contains(const struct targets *t, const struct addr *a);

#endif
