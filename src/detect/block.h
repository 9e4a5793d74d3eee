/* block: --block, --detect's response to a declared scan or a tripwire hit:
 * the source's address goes into an nftables set with a timeout
 * (--block-for, default 1 h), in a table of scout's own, "inet scout_PID"
 * (sets b4 and b6; chains on the input and forward hooks that drop their
 * members), created at start and deleted at exit; the user's rules are
 * never touched.  The nftables work runs in a helper process forked while
 * still privileged (CAP_NET_ADMIN), which takes addresses over a pipe, so
 * the watch drops its privileges as always; when the pipe closes (the
 * watch ended, or died) the helper deletes the table and exits.
 * libnftables is opened at run time (dynlib).  --never-block (addresses,
 * CIDRs, or a file of them) always wins; an address is blocked at most
 * once per timeout; --dry-run reports what it would block and touches
 * nothing (a capture file too).  What was done is written as a line and a
 * JSON object ("event":"block"). */
#ifndef SCOUT_DETECT_BLOCK_H
#define SCOUT_DETECT_BLOCK_H

#include <stdio.h>

#include "addr.h"
#include "conf.h"

struct blocker;

/* Starts the helper and creates the table (unless --dry-run); call while
 * privileged, before the capture drops privileges.  NULL *b without
 * --block.  Returns 0, or -1 with e set (no libnftables, no permission). */
int blocker_open(struct blocker **b, const struct conf *c, err_t *e);
/* Reads --never-block (after privileges drop, as every input).  Returns 0,
 * or -1 with e set. */
int blocker_allow(struct blocker *b, const struct conf *c, err_t *e);
/* Blocks a for why ("syn scan, nmap") unless it is allowed or blocked
 * already, writing what it did to text and json (either may be NULL).
 * Returns what it did ("blocked", "would-block", "allowed",
 * "block-failed"), or NULL when nothing (no --block, or done already). */
const char *blocker_block(struct blocker *b, const struct addr *a, const char *why, FILE *text, FILE *json);
/* --block-for in seconds. */
uint64_t blocker_for_s(const struct blocker *b);
/* Ends the helper (which deletes the table) and frees b. */
void blocker_close(struct blocker *b);

#endif
