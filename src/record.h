/* record: the scan's side of the results store (store/store.h): the scan's
 * row, each finished group's hosts, and the checkpoints --resume continues
 * from.
 *
 * A checkpoint is where the scan stands: the group being scanned (its index
 * and the host cursor at its start), what each of its hosts and (host,
 * port) pairs has got so far, the hosts done before it, and how long each
 * output file was when the last group was written.  It is written with each
 * group's hosts (in the same transaction) and, during a group, every 100 ms
 * to 1 s (as often as 5 % of the scanning thread's time allows); the pairs
 * are run-length coded (a /16 group's results are mostly runs of one
 * value), so a checkpoint costs a pass over the results.
 *
 * A store that fails is said once on stderr and is then left alone: the
 * scan goes on with its file outputs. */
#ifndef SCOUT_RECORD_H
#define SCOUT_RECORD_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "conf.h"
#include "results.h"

#define RECORD_MAX_OUTPUTS 9

struct recorder;

/* Where a resumed scan starts: decoded from a checkpoint. */
struct resume_point {
    int64_t scan;          /* the store's scan id being continued */
    uint64_t group;        /* index of the group to run next */
    uint64_t cursor;       /* host cursor at that group's start */
    uint64_t hosts_done;
    uint32_t noutputs;
    int64_t offsets[RECORD_MAX_OUTPUTS]; /* output file lengths to go back to, -1: none */
    /* the group's state, when the checkpoint was taken inside it */
    uint32_t nhosts, stride;
    uint8_t *host_state;   /* nhosts x (status, up_reason) */
    uint8_t *pairs;        /* RLE of nhosts x stride port_results */
    size_t pairs_len;
    int argc;              /* the scan's command line as first given */
    char **argv;
    char *argbuf;
};

/* Opens the store the conf names (NULL *r with --no-db).  Called while
 * still privileged: the store keeps working after the drop. */
int recorder_open(struct recorder **r, const struct conf *c, err_t *e);
void recorder_close(struct recorder *r);
/* The store's new files become uid:gid's (sudo's caller, whom scout becomes). */
int recorder_chown(struct recorder *r, uid_t uid, gid_t gid, err_t *e);

/* --resume [ID]: the scan to continue (its seed; its command line in rp)
 * and where.  Errors: no store, no such scan, a scan that finished, no
 * checkpoint. */
int recorder_resume_find(struct recorder *r, int64_t id, uint64_t *seed, struct resume_point *rp, err_t *e);
void resume_point_free(struct resume_point *rp);
/* Restores a group from rp (its hosts as next_group gave them). */
int resume_group(const struct resume_point *rp, struct group *g, err_t *e);

/* The scan's row (or, resuming, the existing one). */
void recorder_begin(struct recorder *r, const struct conf *c, double start, const struct resume_point *rp);
/* How long each output file is where the next group's hosts will start
 * (outputs_offsets): after the header, then after each group. */
void recorder_outputs(struct recorder *r, const int64_t *offsets, uint32_t n);
/* A group is starting / has been written: checkpoints from now on say so. */
void recorder_group_start(struct recorder *r, uint64_t group, uint64_t cursor, struct group *g);
void recorder_group_done(struct recorder *r, const struct group *g, const struct portlist *pl, uint64_t next_group,
                         uint64_t next_cursor, uint64_t hosts_done, const int64_t *offsets, uint32_t noutputs);
/* Called often (the engines' tick): a checkpoint when a second has passed. */
void recorder_tick(struct recorder *r, uint64_t now);
/* A checkpoint now (the scan is stopping inside a group). */
void recorder_checkpoint(struct recorder *r);
void recorder_end(struct recorder *r, double end, bool finished);

#endif
