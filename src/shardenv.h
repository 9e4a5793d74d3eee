/* shardenv: what `--shard auto` reads from the scheduler that started the
 * process, and the one key every shard of a fleet scan shares.
 *
 * Pure: the environment comes through a lookup function (shardenv_getenv
 * for the real one), so the unit tests feed a fake one.
 *
 * Where K/N come from (K is 1-based, as in --shard K/N):
 *
 *   Kubernetes Indexed Job (completionMode: Indexed):
 *     JOB_COMPLETION_INDEX   0-based, set by Kubernetes         K = index + 1
 *     SCOUT_JOB_COMPLETIONS  the Job's spec.completions          N
 *   Kubernetes does not export the completion count, so the manifest sets
 *   SCOUT_JOB_COMPLETIONS itself, beside `completions:`
 *   (deploy/k8s/scout-indexed-job.yaml does; a unit test checks it).
 *
 *   Slurm job array (sbatch --array=A-B or A-B:S):
 *     SLURM_ARRAY_TASK_ID, _MIN, _MAX, _STEP (1 when unset)
 *                     K = (ID - MIN) / STEP + 1,  N = (MAX - MIN) / STEP + 1
 *     SLURM_ARRAY_TASK_COUNT, when set, must equal N.
 *   Arrays may start at any index and may have a step.  Sparse arrays
 *   (--array=0,3,7 or 1-3,9: Slurm then says COUNT 3 for MIN..MAX 0..7) are
 *   refused: the missing indices would be shards no task scans.  MIN and MAX
 *   are required (every Slurm since 14.x sets them; COUNT alone cannot say
 *   where a task is).
 *
 * Anything else (no scheduler, a plain Slurm job, both schedulers, values
 * that disagree, N over SHARDENV_N_MAX) is a one-line error.
 *
 * The scan key (shardenv_scan_key) is SipHash-2-4 (cookie.h) under the
 * fixed, public key "scout fleet key1" of 16 bytes: the seed (8 bytes,
 * little-endian) followed by the hash, likewise, of the command line without
 * its --shard option (shardenv_args, 8 bytes, little-endian), hashed again.
 * It is the same for every shard of one fleet, whatever K each was given, so
 * the store merges their rows; a new seed makes a new scan. */
#ifndef SCOUT_SHARDENV_H
#define SCOUT_SHARDENV_H

#include <stdint.h>

#include "util.h"

/* The largest N of --shard K/N (conf.c's limit too). */
#define SHARDENV_N_MAX 65536u

/* The variable the Kubernetes manifest sets to the Job's spec.completions. */
#define SHARDENV_K8S_COUNT "SCOUT_JOB_COMPLETIONS"

/* Returns the value of variable `name`, or NULL when it is unset. */
typedef const char *(*shardenv_get_fn)(void *ctx, const char *name);

/* getenv(name); ctx is ignored. */
const char *shardenv_getenv(void *ctx, const char *name);

struct shardenv {
    uint32_t k, n;         /* 1 <= k <= n <= SHARDENV_N_MAX */
    const char *scheduler; /* "Slurm job array" or "Kubernetes Indexed Job" */
};

/* K/N from the environment `get` reads; -1 with a one-line error in e
 * (starting "--shard auto: ") when it names no scheduler, or values that
 * are malformed or disagree. */
int shardenv_detect(shardenv_get_fn get, void *ctx, struct shardenv *out, err_t *e);

/* argv[1..argc-1] as one shell-quoted line (words that need it in '...'),
 * without --shard and its value (--shard X, --shard=X, or getopt's
 * abbreviations --sh/--sha/--shar; never after a "--"): the command line
 * every shard of a fleet shares.  Malloc'd; NULL with e set when out of
 * memory. */
char *shardenv_args(int argc, char *const argv[], err_t *e);

/* The fleet's scan key: 16 lowercase hex digits and a NUL in out. */
void shardenv_scan_key(uint64_t seed, const char *args_without_shard, char out[17]);

#endif
