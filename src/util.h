/* util: the error buffer every fallible function fills, monotonic time, and
 * small parsing helpers shared by the option and spec parsers.
 *
 * Convention (after libuv): functions return 0 on success and -1 on failure,
 * writing one line that names the bad part into an err_t.  Nothing below
 * main() exits. */
#ifndef SCOUT_UTIL_H
#define SCOUT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char msg[320];
} err_t;

/* Formats into e->msg and returns -1, so callers can `return err_set(...)`.
 * Too long a message loses its middle, never its end (the reason); control
 * bytes (a newline in a quoted argument) become '?': always one line. */
int err_set(err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s itself if shorter than n, else its start with "..." written into buf
 * (n bytes): for quoting user input in messages. */
const char *clip(const char *s, char *buf, size_t n) __attribute__((warn_unused_result));

/* Monotonic nanoseconds. */
uint64_t now_ns(void);
/* Wall clock seconds (for output timestamps). */
double wall_time(void);
/* ns since the epoch as ISO 8601 UTC with microseconds
 * ("2026-11-25T05:21:31.123456Z"), into buf (n >= 28 bytes). */
void iso_time_ns(uint64_t ns, char *buf, size_t n);

#define NS_PER_MS 1000000ULL
#define NS_PER_SEC 1000000000ULL

/* Parses an nmap time spec: "500ms", "2s", "5m", "1h", a bare number is
 * seconds ("0.5" allowed).  Result in nanoseconds. */
int parse_time_ns(const char *s, uint64_t *out, err_t *e, const char *what);
/* Parses a whole non-negative decimal number within [min, max]. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, err_t *e,
               const char *what);
/* Parses a non-negative decimal real number (e.g. a rate). */
int parse_double(const char *s, double min, double max, double *out, err_t *e,
                 const char *what);

/* Every input file (-iL, --excludefile, nmap-services, a probe database) is
 * read whole, and none may be larger than this: /dev/zero or a runaway
 * generator fails at once instead of eating memory.  nmap-services is 1 MB,
 * nmap-service-probes 2.5 MB; 64 MiB holds millions of target lines. */
#define INPUT_FILE_MAX ((size_t)64 << 20)

/* Reads a whole file into a NUL-terminated heap buffer (caller frees); the
 * file may hold NUL bytes (*len counts them).  Files larger than
 * INPUT_FILE_MAX are refused; errors name the file and say what the system
 * said (EISDIR for a directory). */
int read_file(const char *path, char **out, size_t *len, err_t *e);

/* Allocation that reports failure through err_t instead of returning NULL
 * silently; callers still check the result. */
void *xcalloc(size_t n, size_t size, err_t *e);
/* The value of a hex digit (either case), or -1. */
int hex_value(unsigned char c);
/* A MAC address as nmap writes it: "52:54:00:12:34:56" upper-case (18 bytes). */
void mac_format(const uint8_t mac[6], char out[18]);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
