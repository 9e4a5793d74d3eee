/* cmd_diff: the `scout diff` and `scout import` subcommands, and diff's two
 * output formats (ndiff's text, JSON lines).
 *
 *   scout diff [--text | --json] [--db PATH|URL] A B
 *       A and B: an XML report (nmap's, scout's, masscan's) or the id of a
 *       scan in the results store (digits only: write ./12 for a file named
 *       12).  Exit 0: the same, 1: different, 2: error (ndiff's codes).
 *   scout import [--db PATH|URL] FILE.xml
 *       stores the report as a finished scan and prints its new id.
 *
 * main() calls them with argv[0] the subcommand's name ("diff"); they print
 * their own one-line errors ("scout: ...") and return the exit code. */
#ifndef SCOUT_CMD_DIFF_H
#define SCOUT_CMD_DIFF_H

#include <stdint.h>
#include <stdio.h>

#include "scanrec.h"
#include "services.h"
#include "util.h"

int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* The diff of a and b written to f, in ndiff's text or as JSON lines;
 * *changes counts what changed (0: the same).  svc (may be NULL) names the
 * ports the records leave unnamed.  Returns 0, or -1 with e set. */
int diff_write_text(FILE *f, const struct rec_scan *a, const struct rec_scan *b, const struct services *svc,
                    uint64_t *changes, err_t *e);
int diff_write_json(FILE *f, const struct rec_scan *a, const struct rec_scan *b, const struct services *svc,
                    uint64_t *changes, err_t *e);

#endif
