/* fdlimit: how many descriptors an engine may hold at once.
 *
 * The connect engine and -sV size their connection tables from this one
 * answer: the soft RLIMIT_NOFILE less the descriptors already open (a parent
 * may hand us many) less a reserve for what opens later (output files, the
 * resolver's sockets).  Engines still treat EMFILE as a reason to wait, not
 * to lose a probe: the limit can change under a running process. */
#ifndef SCOUT_FDLIMIT_H
#define SCOUT_FDLIMIT_H

#include <stdint.h>

/* Descriptors free now beyond `reserve`, at most `cap`; never below 8 (an
 * engine that gets EMFILE waits for its own descriptors to come back). */
uint32_t fd_budget(uint32_t reserve, uint32_t cap);

#endif
