/* shardenv: --shard auto's K/N from a Kubernetes Indexed Job or a Slurm job
 * array, and the fleet's scan key.  The conventions are in shardenv.h. */
#include "shardenv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"

#define PFX "--shard auto: "
/* Slurm's own ceiling on array indices is MaxArraySize (4000001 at most). */
#define INDEX_MAX 0xFFFFFFFFull

const char *shardenv_getenv(void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

/* The variable as a number, when set: 1 and *v; 0 when unset; -1 on a bad value. */
static int get_num(shardenv_get_fn get, void *ctx, const char *name, uint64_t *v, err_t *e)
{
    const char *s = get(ctx, name);
    if (!s)
        return 0;
    char what[64];
    snprintf(what, sizeof what, PFX "%s", name);
    return parse_uint(s, 0, INDEX_MAX, v, e, what) < 0 ? -1 : 1;
}

static int from_k8s(shardenv_get_fn get, void *ctx, struct shardenv *out, err_t *e)
{
    uint64_t idx, count;
    int has_idx = get_num(get, ctx, "JOB_COMPLETION_INDEX", &idx, e);
    if (has_idx < 0)
        return -1;
    int has_count = get_num(get, ctx, SHARDENV_K8S_COUNT, &count, e);
    if (has_count < 0)
        return -1;
    if (!has_count)
        return err_set(e, PFX "JOB_COMPLETION_INDEX is set but " SHARDENV_K8S_COUNT
                       " is not: the Job must set it to its spec.completions");
    if (!has_idx)
        return err_set(e, PFX SHARDENV_K8S_COUNT " is set but JOB_COMPLETION_INDEX is not:"
                       " not a Kubernetes Indexed Job (completionMode: Indexed)");
    if (count == 0 || count > SHARDENV_N_MAX)
        return err_set(e, PFX SHARDENV_K8S_COUNT "=%llu: expected 1 to %u completions",
                       (unsigned long long)count, SHARDENV_N_MAX);
    if (idx >= count)
        return err_set(e, PFX "JOB_COMPLETION_INDEX=%llu is not below " SHARDENV_K8S_COUNT
                       "=%llu", (unsigned long long)idx, (unsigned long long)count);
    out->k = (uint32_t)idx + 1;
    out->n = (uint32_t)count;
    out->scheduler = "Kubernetes Indexed Job";
    return 0;
}

struct slurm_array {
    uint64_t id, min, max, step, count;
    bool has_count;
};

static int read_slurm(shardenv_get_fn get, void *ctx, struct slurm_array *a, err_t *e)
{
    int r_id = get_num(get, ctx, "SLURM_ARRAY_TASK_ID", &a->id, e);
    if (r_id < 0)
        return -1;
    int r_min = get_num(get, ctx, "SLURM_ARRAY_TASK_MIN", &a->min, e);
    if (r_min < 0)
        return -1;
    int r_max = get_num(get, ctx, "SLURM_ARRAY_TASK_MAX", &a->max, e);
    if (r_max < 0)
        return -1;
    int r_step = get_num(get, ctx, "SLURM_ARRAY_TASK_STEP", &a->step, e);
    if (r_step < 0)
        return -1;
    int r_count = get_num(get, ctx, "SLURM_ARRAY_TASK_COUNT", &a->count, e);
    if (r_count < 0)
        return -1;
    if (!r_step)
        a->step = 1;
    a->has_count = r_count;
    if (!r_min || !r_max)
        return err_set(e, PFX "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_%s is not:"
                       " cannot tell where this task is in its array", r_min ? "MAX" : "MIN");
    return 0;
}

static int from_slurm(shardenv_get_fn get, void *ctx, struct shardenv *out, err_t *e)
{
    struct slurm_array a;
    if (read_slurm(get, ctx, &a, e) < 0)
        return -1;
    if (a.step == 0 || a.max < a.min)
        return err_set(e, PFX "Slurm array MIN %llu, MAX %llu, STEP %llu: not an array range",
                       (unsigned long long)a.min, (unsigned long long)a.max,
                       (unsigned long long)a.step);
    uint64_t span = (a.max - a.min) / a.step + 1;
    /* A sparse array (0,3,7) keeps STEP 1 and says fewer tasks than its
     * range holds: its missing indices would be shards nobody scans. */
    if ((a.max - a.min) % a.step || (a.has_count && a.count != span))
        return err_set(e, PFX "Slurm array of %llu tasks over indices %llu-%llu is sparse:"
                       " submit a range (--array=A-B or A-B:STEP)",
                       a.has_count ? (unsigned long long)a.count : 0ull,
                       (unsigned long long)a.min, (unsigned long long)a.max);
    if (span > SHARDENV_N_MAX)
        return err_set(e, PFX "Slurm array of %llu tasks: at most %u shards",
                       (unsigned long long)span, SHARDENV_N_MAX);
    if (a.id < a.min || a.id > a.max || (a.id - a.min) % a.step)
        return err_set(e, PFX "SLURM_ARRAY_TASK_ID=%llu is not an index of the array %llu-%llu:%llu",
                       (unsigned long long)a.id, (unsigned long long)a.min,
                       (unsigned long long)a.max, (unsigned long long)a.step);
    out->k = (uint32_t)((a.id - a.min) / a.step) + 1;
    out->n = (uint32_t)span;
    out->scheduler = "Slurm job array";
    return 0;
}

int shardenv_detect(shardenv_get_fn get, void *ctx, struct shardenv *out, err_t *e)
{
    bool k8s = get(ctx, "JOB_COMPLETION_INDEX") || get(ctx, SHARDENV_K8S_COUNT);
    bool slurm = get(ctx, "SLURM_ARRAY_TASK_ID") != NULL;
    if (k8s && slurm)
        return err_set(e, PFX "both a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) and a Slurm"
                       " job array (SLURM_ARRAY_TASK_ID) are named: which one started this?");
    if (k8s)
        return from_k8s(get, ctx, out, e);
    if (slurm)
        return from_slurm(get, ctx, out, e);
    if (get(ctx, "SLURM_JOB_ID"))
        return err_set(e, PFX "a Slurm job, but not a job array: submit it with sbatch --array=0-N");
    return err_set(e, PFX "not started by a Slurm job array (SLURM_ARRAY_TASK_ID) nor a"
                   " Kubernetes Indexed Job (JOB_COMPLETION_INDEX): use --shard K/N");
}

/* --shard, or an abbreviation getopt_long takes for it (no other long
 * option starts "sh"); *value is what follows '=', else NULL. */
static bool is_shard_opt(const char *arg, const char **value)
{
    if (strncmp(arg, "--", 2))
        return false;
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    if (len < 2 || len > 5 || strncmp(name, "shard", len))
        return false;
    *value = name[len] == '=' ? name + len + 1 : NULL;
    return true;
}

static bool needs_quotes(const char *s)
{
    if (!*s)
        return true;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-", *s))
            return true;
    return false;
}

/* Appends s to out at *len (room was counted by the caller), quoted when needed. */
static void append_word(char *out, size_t *len, const char *s)
{
    if (*len)
        out[(*len)++] = ' ';
    if (!needs_quotes(s)) {
        size_t n = strlen(s);
        memcpy(out + *len, s, n);
        *len += n;
        return;
    }
    out[(*len)++] = '\'';
    for (; *s; s++) {
        if (*s == '\'') { /* ' -> '\'' */
            memcpy(out + *len, "'\\''", 4);
            *len += 4;
        } else {
            out[(*len)++] = *s;
        }
    }
    out[(*len)++] = '\'';
}

char *shardenv_args(int argc, char *const argv[], err_t *e)
{
    size_t room = 1;
    for (int i = 1; i < argc; i++)
        room += 4 * strlen(argv[i]) + 3; /* every byte a quote at worst, two quotes, a space */
    char *out = malloc(room);
    if (!out) {
        err_set(e, "out of memory for the command line");
        return NULL;
    }
    size_t len = 0;
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (options && !strcmp(argv[i], "--"))
            options = false;
        else if (options && is_shard_opt(argv[i], &value)) {
            if (!value)
                i++; /* its value is the next word */
            continue;
        }
        append_word(out, &len, argv[i]);
    }
    out[len] = '\0';
    return out;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void shardenv_scan_key(uint64_t seed, const char *args_without_shard, char out[17])
{
    /* Fixed and public: the key only has to be the same in every shard and
     * every scout version, not secret. */
    static const uint8_t key[16] = {'s', 'c', 'o', 'u', 't', ' ', 'f', 'l',
                                    'e', 'e', 't', ' ', 'k', 'e', 'y', '1'};
    uint8_t msg[16];
    put_le64(msg, seed);
    put_le64(msg + 8, siphash24(args_without_shard, strlen(args_without_shard), key));
    snprintf(out, 17, "%016llx", (unsigned long long)siphash24(msg, sizeof msg, key));
}
