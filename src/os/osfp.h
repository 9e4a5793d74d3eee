/* osfp: an OS fingerprint as nmap writes one, the currency between OS
 * detection's three parts: the tests computed from a host's replies
 * (osprobe.c), the database matched against them (osdb.c) and the outputs.
 *
 * A fingerprint is up to OSFP_MAX_TESTS tests named as nmap names them
 * (SEQ OPS WIN ECN T1..T7 U1 IE), each an ordered list of attribute=value
 * pairs; values are nmap's strings ("Y", "Z", "1C", "M5B4ST11NW7", "" for
 * an empty value).  A test or attribute that is absent was not observed;
 * a matcher skips it (nmap's rule), which is why a fingerprint that lacks
 * SEQ or has no open port can match too easily (osscan_confidence says so). */
#ifndef SCOUT_OSFP_H
#define SCOUT_OSFP_H

#include <stdbool.h>
#include <stdint.h>

#define OSFP_MAX_TESTS 13
#define OSFP_MAX_ATTRS 16
#define OSFP_NAME_MAX 6
#define OSFP_VAL_MAX 24

struct osfp_attr {
    char name[OSFP_NAME_MAX]; /* "SP", "RIPCK" */
    char val[OSFP_VAL_MAX];   /* "105", "" */
};

struct osfp_test {
    char name[4]; /* "SEQ", "T1" */
    uint8_t n;
    struct osfp_attr a[OSFP_MAX_ATTRS];
};

struct osfp {
    uint8_t n;
    struct osfp_test t[OSFP_MAX_TESTS];
};

/* The test named name, or NULL. */
const struct osfp_test *osfp_test(const struct osfp *fp, const char *name);
/* The value of attribute name of test t, or NULL. */
const char *osfp_attr(const struct osfp_test *t, const char *name);
/* Appends a test (returns it, NULL when full) and an attribute to it
 * (false when full; the value is cut at OSFP_VAL_MAX - 1). */
struct osfp_test *osfp_add_test(struct osfp *fp, const char *name);
bool osfp_add(struct osfp_test *t, const char *name, const char *val);
bool osfp_addx(struct osfp_test *t, const char *name, uint32_t hex); /* the value in nmap's upper-case hex */

#endif
