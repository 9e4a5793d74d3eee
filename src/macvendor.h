/* macvendor: MAC address -> vendor name, for hosts on the local segment
 * (nmap's "MAC Address: 52:54:00:12:34:56 (QEMU virtual NIC)").
 *
 * Sources, read at run time:
 *  - Debian's ieee-data registries, DIR/oui36.csv and DIR/iab.csv (MA-S and
 *    IAB, 36-bit prefixes), DIR/mam.csv (MA-M, 28-bit), DIR/oui.csv (MA-L,
 *    24-bit): CSV "Registry,Assignment,Organization Name,Organization
 *    Address", fields quoted when they hold commas, quotes ("") or newlines.
 *    The organization name is used as the registry writes it, trimmed,
 *    runs of white space made one space and the few HTML entities in it
 *    (&amp; &quot; &#39;) decoded: "R&amp;M AG" is "R&M AG".
 *  - nmap's nmap-mac-prefixes ("XXXXXX Vendor" lines; newer nmap also has
 *    7- and 9-digit prefixes), nmap's shortened names.  Always merged, below
 *    the registry: a prefix the registry assigns keeps the registry's name,
 *    and nmap's names fill what the registry lacks.  With ieee-data absent it
 *    is the whole database; with ieee-data present it still gives
 *    unregistered prefixes nmap knows, such as QEMU's locally administered
 *    52:54:00.
 * A lookup takes the longest prefix that matches: 36 bits, then 28, then
 * 24 (so 70:B3:D5:xx, "IEEE Registration Authority" as an MA-L, resolves to
 * the MA-S holder of the 36-bit block).
 *
 * Bad input: a corrupt line or record (bad hex, an assignment whose length
 * does not fit its registry, a wrong field count, an unterminated quote, a
 * NUL byte, a record over MV_RECORD_MAX bytes, an empty name) is skipped and
 * counted in `skipped`; the first one is described in `skip_msg`
 * ("FILE:LINE: why").  Never a crash, never an error.  Names are always
 * valid UTF-8 (other bytes become '?') without control characters, at most
 * MV_NAME_MAX bytes, so every output format can print them as they are.
 *
 * Storage: per prefix length one sorted array of keys and one of name
 * offsets (binary search: at most 3 searches of ~15 steps a lookup); names
 * are interned once each in one blob (Debian's 46 500 registry entries have
 * 29 600 distinct names).  Pure apart from macvendor_load's file reads. */
#ifndef SCOUT_MACVENDOR_H
#define SCOUT_MACVENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Where Debian's ieee-data package puts the registries. */
#define MV_IEEE_DIR "/usr/share/ieee-data"

/* Prefix lengths, longest first: the order a lookup tries them. */
enum mv_level { MV_36, MV_28, MV_24, MV_LEVELS };

/* What a text is: a registry CSV (any of the four: each row names its
 * registry, and the assignment's length must fit it: MA-L 6 hex digits,
 * MA-M 7, MA-S and IAB 9) or nmap-mac-prefixes. */
enum mv_kind { MV_REGISTRY, MV_NMAP };

/* A record longer than this (a CSV record's quoted fields may span up to
 * MV_QUOTED_LINES_MAX lines) is skipped.  Debian's longest is 339 bytes over
 * 5 lines. */
#define MV_RECORD_MAX 1024
#define MV_QUOTED_LINES_MAX 8
/* Longest name kept (Debian's longest is 108 bytes); a longer one is
 * skipped, not cut. */
#define MV_NAME_MAX 160
/* Entries parsed over all texts (Debian's: 46 500); the rest of a text past
 * it is skipped and counted as one line.  Bounds memory: a 64 MiB file of
 * tiny lines would otherwise make 7 million entries. */
#define MV_ENTRIES_MAX (1u << 20)

struct mv_table {
    uint64_t *key;  /* ascending, unique: the MAC's top bits, right-aligned */
    uint32_t *name; /* offset into blob, parallel to key */
    uint32_t n;
};

struct mv_build; /* parse-time state, private to macvendor.c */

struct macvendor {
    struct mv_table level[MV_LEVELS];
    char *blob;                   /* every distinct name, NUL-terminated */
    size_t blob_len;
    uint32_t entries;             /* prefixes in the tables */
    uint32_t from_nmap;           /* of which named by nmap-mac-prefixes */
    uint32_t duplicates;          /* a prefix given again (first wins, registry over nmap) */
    uint32_t skipped;             /* corrupt lines or records */
    char skip_msg[200];           /* the first one: "FILE:LINE: why", or "" */
    unsigned files;               /* files macvendor_load read (0..5) */
    struct mv_build *build;       /* non-NULL between the first parse and finish */
    bool ready;                   /* finished: lookups allowed, parses not */
};

/* Loads ieee_dir/{oui36,iab,mam,oui}.csv and nmap_prefixes (either may be
 * NULL; files that do not exist are left out, not an error: with none the
 * database is empty and every lookup is NULL), then finishes.  A file that
 * exists but cannot be read (a directory, no permission, over
 * INPUT_FILE_MAX) is an error, one line naming the file: -1 with e set, and
 * *mv empty (safe to free; lookups NULL).  Corrupt lines are not errors (see
 * above).  The paths are not kept. */
int macvendor_load(struct macvendor *mv, const char *ieee_dir, const char *nmap_prefixes,
                   err_t *e);

/* The pure entry for tests and the fuzzer.  mv must be zeroed (or come
 * from macvendor_init) before the first parse; texts add up, registry
 * entries over nmap ones, and among the same kind the first given wins.
 * text is any len bytes (NULs included, no terminator needed); origin names
 * it in skip_msg.  Fails only when out of memory (*mv is then empty), or
 * after finish. */
void macvendor_init(struct macvendor *mv);
int macvendor_parse(struct macvendor *mv, enum mv_kind kind, const char *text, size_t len,
                    const char *origin, err_t *e);
/* Sorts and indexes what was parsed; lookups need it.  Fails only when out
 * of memory (*mv is then empty). */
int macvendor_finish(struct macvendor *mv, err_t *e);

/* The vendor of mac (longest registered prefix), or NULL when none is
 * known or mv is not finished.  The string lives as long as *mv.  Thread
 * safe: a finished database is read only. */
const char *macvendor_lookup(const struct macvendor *mv, const uint8_t mac[6]);
/* Same, also saying which prefix length matched (*level; untouched when
 * NULL is returned). */
const char *macvendor_lookup_level(const struct macvendor *mv, const uint8_t mac[6],
                                   enum mv_level *level);

/* Prefix bits of a level: 36, 28, 24. */
unsigned mv_level_bits(enum mv_level l);

/* Heap bytes a finished database holds (tables and blob). */
size_t macvendor_memory(const struct macvendor *mv);

/* Frees everything; *mv is then empty (lookups NULL) and may be reused
 * after macvendor_init. */
void macvendor_free(struct macvendor *mv);

#endif
