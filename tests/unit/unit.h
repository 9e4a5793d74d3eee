/* A minimal unit-test harness: CHECK records a failure and continues; the
 * runner (main.c) calls every test in its list and prints "N passed, N failed". */
#ifndef SCOUT_UNIT_H
#define SCOUT_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            unit_failures++;                                                   \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                    \
            unit_failures++;                                                   \
            fprintf(stderr, "    %s:%d: '%s' != '%s'\n", __FILE__, __LINE__,   \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                   \
        }                                                                      \
    } while (0)

#endif
