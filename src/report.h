/* report: `scout report [ID] [--db PATH|URL] -oX FILE ...`: a scan from the
 * results store (a fleet's shards merged) written in any of the output
 * formats, as the scan itself would have written it.  The OS guesses and
 * the scan's statistics are not stored and are not reported. */
#ifndef SCOUT_REPORT_H
#define SCOUT_REPORT_H

/* argv[0] is "report"; returns the process exit code (0, 1, 2 bad input). */
int cmd_report(int argc, char **argv);

#endif
