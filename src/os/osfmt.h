/* osfmt: nmap's text forms of an OS fingerprint (osfp.h), written and read.
 *
 * Owns the formats, nothing else (pure: no I/O, no clock):
 *  - the submission form nmap prints and puts in its XML (osscan.cc
 *    mergeFPs with wrapping): a SCAN pseudo-test of the scan's conditions,
 *    then the tests in nmap's order (SEQ OPS WIN ECN T1..T7 U1 IE), all run
 *    together and cut into lines of 72 characters, each after "OS:":
 *      OS:SCAN(V=7.93%E=4%D=11/25%OT=22%CT=1%CU=41091%PV=N%DS=0%DC=L%G=Y%TM=6B0
 *      OS:634A7%P=x86_64-pc-linux-gnu)SEQ(SP=108%GCD=1%ISR=10C%TI=Z%CI=Z%II=I%TS=2
 *  - the same unwrapped, one test a line (nmap prints that when the
 *    conditions were not fit for a submission);
 *  - one test a line without SCAN, in the fingerprint's own order (debugging);
 * and a parser that reads any of them back. */
#ifndef SCOUT_OS_OSFMT_H
#define SCOUT_OS_OSFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nmapfmt.h"
#include "os/osfp.h"

/* What nmap writes when a field is left NULL (nmapfmt.h). */
#define OSFMT_VERSION NMAPFMT_VERSION
#define OSFMT_PLATFORM NMAPFMT_PLATFORM

/* The SCAN pseudo-test's fields, in nmap's order (osscan.cc WriteSInfo):
 * V E D OT CT CU PV DS DC G M TM P. */
struct osfmt_scan {
    const char *version;  /* V; NULL: OSFMT_VERSION */
    const char *engine;   /* E: "4" (NULL means that), "6" */
    int open, closed, closed_udp; /* OT CT CU: the ports the probes used; 0: none (written empty) */
    bool private_addr;    /* PV=Y: a private address */
    int distance;         /* DS=n hops; -1: unknown, left out */
    char dist_method;     /* DC: 'L'ocalhost 'D'irect 'I'CMP 'T'raceroute; 0: left out */
    bool good;            /* G=Y: conditions fit for a submission */
    bool has_mac;
    uint8_t mac[6];       /* M=XXXXXX: its first three bytes, the vendor's */
    time_t when;          /* TM (hex seconds), and D's local date */
    int month, day;       /* D=M/D when month > 0, else from when (local time, as nmap) */
    const char *platform; /* P; NULL: OSFMT_PLATFORM */
};

/* The submission form, "OS:" lines each ending in '\n' (nmap's string,
 * its last newline included).  Like snprintf it returns the text's length;
 * when that is len or more, out is "" (never a cut fingerprint). */
size_t osfmt_submission(const struct osfmt_scan *scan, const struct osfp *fp, char *out, size_t len);
/* The same tests unwrapped: "SCAN(...)\nSEQ(...)\n...". */
size_t osfmt_plain(const struct osfmt_scan *scan, const struct osfp *fp, char *out, size_t len);
/* Each test of fp on a line of its own, in fp's order, no SCAN. */
size_t osfmt_fp_line(const struct osfp *fp, char *out, size_t len);

/* Reads a fingerprint from text: nmap's "OS:"-wrapped form (lines without
 * the prefix ignored, such as "TCP/IP fingerprint:") or plain test lines
 * (lines that do not start with a test, NAME(, ignored).  SCAN is skipped:
 * it describes the scan, not the host.  A test name seen again is skipped
 * (the first counts, as in nmap's matcher), so is an attribute seen again
 * in a test.  Returns 0, or -1 if a test is malformed, too big for an osfp
 * (OSFP_MAX_TESTS tests, OSFP_MAX_ATTRS attributes, names of 3 and 5
 * characters, values of OSFP_VAL_MAX - 1), or there is none. */
int osfmt_parse(const char *text, struct osfp *fp);

#endif
