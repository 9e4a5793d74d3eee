#include <stdlib.h>

#include "shardenv.h"
#include "unit.h"
#include "util.h"

void test_shardenv_slurm(void);
void test_shardenv_k8s(void);
void test_shardenv_errors(void);
void test_shardenv_key(void);
void test_shardenv_k8s_manifest(void);

/* A fake environment: "NAME=value" strings, NULL-terminated. */
static const char *fake_get(void *ctx, const char *name)
{
    size_t n = strlen(name);
    for (const char *const *v = ctx; *v; v++)
        if (!strncmp(*v, name, n) && (*v)[n] == '=')
            return *v + n + 1;
    return NULL;
}

/* K/N from env, or 0/0 (and the message in e) when detection fails. */
static struct shardenv detect(const char *const *env, err_t *e)
{
    struct shardenv s = {0};
    if (shardenv_detect(fake_get, (void *)env, &s, e) < 0)
        s.k = s.n = 0;
    return s;
}

static void check_kn(const char *const *env, uint32_t k, uint32_t n)
{
    err_t e = {{0}};
    struct shardenv s = detect(env, &e);
    if (s.k != k || s.n != n)
        fprintf(stderr, "    want %u/%u, got %u/%u (%s)\n", k, n, s.k, s.n, e.msg);
    CHECK(s.k == k && s.n == n);
}

/* Detection fails with a one-line message containing `part`. */
static void check_err(const char *const *env, const char *part)
{
    err_t e = {{0}};
    struct shardenv s = detect(env, &e);
    CHECK(s.n == 0);
    if (!strstr(e.msg, part) || strncmp(e.msg, "--shard auto: ", 14) || strchr(e.msg, '\n'))
        fprintf(stderr, "    want '%s' in '%s'\n", part, e.msg);
    CHECK(strstr(e.msg, part) != NULL);
    CHECK(!strncmp(e.msg, "--shard auto: ", 14));
}

/* Every form Slurm 22.05 was seen to give (tests/lab/test_fleet.sh runs the
 * real thing): what sbatch --array=0-3, 1-7:2 and 5-6 set in each task. */
void test_shardenv_slurm(void)
{
    for (int id = 0; id < 4; id++) {
        char v[32];
        snprintf(v, sizeof v, "SLURM_ARRAY_TASK_ID=%d", id);
        const char *env[] = {v, "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=0",
                             "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_STEP=1",
                             "SLURM_ARRAY_JOB_ID=15", "SLURM_JOB_ID=16", NULL};
        check_kn(env, (uint32_t)id + 1, 4);
    }
    /* --array=1-7:2: indices 1 3 5 7 */
    const char *step[] = {"SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=1",
                          "SLURM_ARRAY_TASK_MAX=7", "SLURM_ARRAY_TASK_STEP=2", NULL};
    check_kn(step, 3, 4);
    /* starting anywhere: --array=5-6 */
    const char *five[] = {"SLURM_ARRAY_TASK_ID=6", "SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_MIN=5",
                          "SLURM_ARRAY_TASK_MAX=6", "SLURM_ARRAY_TASK_STEP=1", NULL};
    check_kn(five, 2, 2);
    /* a Slurm without COUNT and STEP: MIN/MAX alone, step 1 */
    const char *old[] = {"SLURM_ARRAY_TASK_ID=12", "SLURM_ARRAY_TASK_MIN=10",
                         "SLURM_ARRAY_TASK_MAX=13", NULL};
    check_kn(old, 3, 4);
    /* a one-task array */
    const char *one[] = {"SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=1", "SLURM_ARRAY_TASK_MIN=0",
                         "SLURM_ARRAY_TASK_MAX=0", "SLURM_ARRAY_TASK_STEP=1", NULL};
    check_kn(one, 1, 1);
    /* the largest --shard N */
    const char *big[] = {"SLURM_ARRAY_TASK_ID=65535", "SLURM_ARRAY_TASK_MIN=0",
                         "SLURM_ARRAY_TASK_MAX=65535", NULL};
    check_kn(big, 65536, 65536);
    err_t e;
    struct shardenv s;
    CHECK(shardenv_detect(fake_get, (void *)one, &s, &e) == 0 && !strcmp(s.scheduler, "Slurm job array"));
}

void test_shardenv_k8s(void)
{
    for (int i = 0; i < 3; i++) {
        char v[40];
        snprintf(v, sizeof v, "JOB_COMPLETION_INDEX=%d", i);
        const char *env[] = {"HOSTNAME=scout-fleet-1-abcde", v, "SCOUT_JOB_COMPLETIONS=3", NULL};
        check_kn(env, (uint32_t)i + 1, 3);
    }
    err_t e;
    struct shardenv s;
    const char *env[] = {"JOB_COMPLETION_INDEX=0", "SCOUT_JOB_COMPLETIONS=1", NULL};
    CHECK(shardenv_detect(fake_get, (void *)env, &s, &e) == 0 &&
          !strcmp(s.scheduler, "Kubernetes Indexed Job") && s.k == 1 && s.n == 1);
}

void test_shardenv_errors(void)
{
    const char *none[] = {"HOME=/root", "PATH=/usr/bin", NULL};
    check_err(none, "not started by a Slurm job array");
    const char *job[] = {"SLURM_JOB_ID=7", NULL};
    check_err(job, "not a job array");
    /* sparse arrays: --array=0,3,7 and --array=2-3,9 as Slurm reports them */
    const char *sparse[] = {"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=0",
                            "SLURM_ARRAY_TASK_MAX=7", "SLURM_ARRAY_TASK_STEP=1", NULL};
    check_err(sparse, "sparse");
    const char *sparse2[] = {"SLURM_ARRAY_TASK_ID=9", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=2",
                             "SLURM_ARRAY_TASK_MAX=9", "SLURM_ARRAY_TASK_STEP=1", NULL};
    check_err(sparse2, "sparse");
    const char *offstep[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=1",
                             "SLURM_ARRAY_TASK_MAX=8", "SLURM_ARRAY_TASK_STEP=3", NULL};
    check_err(offstep, "sparse");
    const char *outside[] = {"SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=0",
                             "SLURM_ARRAY_TASK_MAX=3", NULL};
    check_err(outside, "SLURM_ARRAY_TASK_ID=4 is not an index");
    const char *between[] = {"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=1",
                             "SLURM_ARRAY_TASK_MAX=7", "SLURM_ARRAY_TASK_STEP=2", NULL};
    check_err(between, "is not an index");
    const char *nomin[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4", NULL};
    check_err(nomin, "SLURM_ARRAY_TASK_MIN is not");
    const char *nomax[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=0", NULL};
    check_err(nomax, "SLURM_ARRAY_TASK_MAX is not");
    const char *backwards[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=3",
                               "SLURM_ARRAY_TASK_MAX=0", NULL};
    check_err(backwards, "not an array range");
    const char *step0[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=0",
                           "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_STEP=0", NULL};
    check_err(step0, "not an array range");
    const char *huge[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=0",
                          "SLURM_ARRAY_TASK_MAX=65536", NULL};
    check_err(huge, "at most 65536");
    const char *junk[] = {"SLURM_ARRAY_TASK_ID=1x", "SLURM_ARRAY_TASK_MIN=0",
                          "SLURM_ARRAY_TASK_MAX=3", NULL};
    check_err(junk, "SLURM_ARRAY_TASK_ID: '1x' is not a whole number");
    const char *neg[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=-1",
                         "SLURM_ARRAY_TASK_MAX=3", NULL};
    check_err(neg, "SLURM_ARRAY_TASK_MIN: '-1' is not a whole number");
    const char *empty[] = {"SLURM_ARRAY_TASK_ID=", "SLURM_ARRAY_TASK_MIN=0",
                           "SLURM_ARRAY_TASK_MAX=3", NULL};
    check_err(empty, "SLURM_ARRAY_TASK_ID: missing value");
    const char *overflow[] = {"SLURM_ARRAY_TASK_ID=99999999999999999999999", NULL};
    check_err(overflow, "too large");
    const char *badcount[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=0",
                              "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_COUNT=four", NULL};
    check_err(badcount, "SLURM_ARRAY_TASK_COUNT: 'four'");

    const char *noidx[] = {"SCOUT_JOB_COMPLETIONS=4", NULL};
    check_err(noidx, "JOB_COMPLETION_INDEX is not");
    const char *nocount[] = {"JOB_COMPLETION_INDEX=1", NULL};
    check_err(nocount, "SCOUT_JOB_COMPLETIONS is not");
    const char *past[] = {"JOB_COMPLETION_INDEX=4", "SCOUT_JOB_COMPLETIONS=4", NULL};
    check_err(past, "JOB_COMPLETION_INDEX=4 is not below SCOUT_JOB_COMPLETIONS=4");
    const char *zero[] = {"JOB_COMPLETION_INDEX=0", "SCOUT_JOB_COMPLETIONS=0", NULL};
    check_err(zero, "expected 1 to 65536");
    const char *many[] = {"JOB_COMPLETION_INDEX=0", "SCOUT_JOB_COMPLETIONS=65537", NULL};
    check_err(many, "expected 1 to 65536");
    const char *kjunk[] = {"JOB_COMPLETION_INDEX=0", "SCOUT_JOB_COMPLETIONS=$(N)", NULL};
    check_err(kjunk, "SCOUT_JOB_COMPLETIONS: '$(N)' is not a whole number");
    const char *both[] = {"JOB_COMPLETION_INDEX=0", "SCOUT_JOB_COMPLETIONS=2", "SLURM_ARRAY_TASK_ID=0",
                          "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=1", NULL};
    check_err(both, "both");
}

static void check_args(int argc, char *const argv[], const char *want)
{
    err_t e;
    char *got = shardenv_args(argc, argv, &e);
    CHECK_STR(got, want);
    free(got);
}

void test_shardenv_key(void)
{
    char *a[] = {"scout", "--shard", "auto", "--seed", "7", "-p", "80", "198.18.0.0/24", NULL};
    char *b[] = {"scout", "--seed", "7", "--shard=2/4", "-p", "80", "198.18.0.0/24", NULL};
    char *c[] = {"scout", "--seed", "7", "-p", "80", "--sha", "3/4", "198.18.0.0/24", NULL};
    check_args(8, a, "--seed 7 -p 80 198.18.0.0/24");
    check_args(7, b, "--seed 7 -p 80 198.18.0.0/24");
    check_args(8, c, "--seed 7 -p 80 198.18.0.0/24");
    /* not --shard: --s is ambiguous for getopt, --shards is another word;
     * after "--" everything is a target */
    char *d[] = {"scout", "--s", "x", "--shards", "--", "--shard", "1/2", NULL};
    check_args(7, d, "--s x --shards -- --shard 1/2");
    /* words that need them are quoted, so two command lines never join the same */
    char *q[] = {"scout", "--script-args", "a b", "", "it's", "--shard", NULL};
    check_args(6, q, "--script-args 'a b' '' 'it'\\''s'");
    char *none[] = {"scout", NULL};
    check_args(1, none, "");

    char k1[17], k2[17], k3[17], k4[17];
    shardenv_scan_key(7, "--seed 7 -p 80 198.18.0.0/24", k1);
    shardenv_scan_key(7, "--seed 7 -p 80 198.18.0.0/24", k2);
    shardenv_scan_key(8, "--seed 7 -p 80 198.18.0.0/24", k3);
    shardenv_scan_key(7, "--seed 7 -p 81 198.18.0.0/24", k4);
    CHECK(strlen(k1) == 16 && strspn(k1, "0123456789abcdef") == 16);
    CHECK(!strcmp(k1, k2));
    CHECK(strcmp(k1, k3) && strcmp(k1, k4) && strcmp(k3, k4));
    /* Stable across builds and versions: a fleet's shards may run different
     * scout builds, and stored scans keep their keys.  Pinned values,
     * computed apart from scout by a Python SipHash-2-4 (checked against the
     * paper's test vector) as shardenv.h defines the key. */
    shardenv_scan_key(0, "", k1);
    CHECK_STR(k1, "fe54be7a64e0efab");
    shardenv_scan_key(7, "--seed 7 -p 80 198.18.0.0/24", k1);
    CHECK_STR(k1, "c175e448bf10b483");
}

/* The shipped manifest, read as plain lines (no YAML library here): the
 * value of the first "key: value" line for key, unquoted, or "" . */
static void yaml_value(const char *text, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    size_t klen = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *p = l + strspn(l, " -");
        if (strncmp(p, key, klen) || p[klen] != ':')
            continue;
        p += klen + 1;
        p += strspn(p, " \"");
        size_t len = strcspn(p, "\"\n #");
        snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), p);
        return;
    }
}

/* The env entry NAME's value: the "value:" line after "- name: NAME". */
static void yaml_env(const char *text, const char *name, char *out, size_t n)
{
    char pat[96];
    snprintf(pat, sizeof pat, "- name: %s\n", name);
    const char *p = strstr(text, pat);
    out[0] = '\0';
    if (p)
        yaml_value(p + strlen(pat), "value", out, n);
}

static char *read_manifest(void)
{
    /* the unit runner runs from the repository root; __FILE__ also finds it */
    static const char rel[] = "deploy/k8s/scout-indexed-job.yaml";
    char path[512], *text = NULL;
    size_t len;
    err_t e;
    if (read_file(rel, &text, &len, &e) == 0)
        return text;
    const char *f = __FILE__, *slash = strstr(f, "tests/unit/");
    snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - f) : 0, f, rel);
    if (read_file(path, &text, &len, &e) == 0)
        return text;
    fprintf(stderr, "    %s\n", e.msg);
    return NULL;
}

void test_shardenv_k8s_manifest(void)
{
    char *y = read_manifest();
    CHECK(y != NULL);
    if (!y)
        return;
    char mode[32], completions[32], parallelism[32], count[32];
    yaml_value(y, "completionMode", mode, sizeof mode);
    yaml_value(y, "completions", completions, sizeof completions);
    yaml_value(y, "parallelism", parallelism, sizeof parallelism);
    yaml_env(y, SHARDENV_K8S_COUNT, count, sizeof count);
    CHECK_STR(mode, "Indexed");
    CHECK_STR(count, completions);
    CHECK_STR(parallelism, completions);
    CHECK(strstr(y, "\"--shard\", \"auto\"") != NULL);
    CHECK(strstr(y, "\"--seed\", \"$(SCOUT_SEED)\"") != NULL);
    CHECK(strstr(y, "\"--db\", \"$(SCOUT_DB)\"") != NULL);
    /* Each pod Kubernetes starts, index 0..completions-1, gets its own K. */
    int n = atoi(completions);
    CHECK(n >= 1);
    for (int i = 0; i < n; i++) {
        char idx[40], cnt[64];
        snprintf(idx, sizeof idx, "JOB_COMPLETION_INDEX=%d", i);
        snprintf(cnt, sizeof cnt, "%s=%s", SHARDENV_K8S_COUNT, count);
        const char *env[] = {idx, cnt, NULL};
        check_kn(env, (uint32_t)i + 1, (uint32_t)n);
    }
    free(y);
}
