/* libFuzzer target for the command line: the input is split on NUL bytes
 * into argv[1..] (any other byte may sit in a word, so values with blanks
 * are reached) and parsed by conf_parse, as main() would, then freed; a
 * leak on any error path is a finding too (LeakSanitizer).
 *
 * conf_parse reads files (-iL, --excludefile, nmap-services) but writes none
 * (outputs are opened later, by outputs_open).  To keep the run hermetic the
 * fuzzer works in a private directory holding a small nmap-services and a
 * target list, refuses absolute paths and ".." (no file outside it is read,
 * no FIFO or /proc/kmsg can block; "10.0.0.0/24" still passes), reads stdin
 * from /dev/null (-iL -) and never resolves a name: getaddrinfo below
 * answers "no such name" without a query. */
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res);

/* Replaces libc's for this binary: names never leave the machine. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    (void)node, (void)service, (void)hints;
    *res = NULL;
    return EAI_NONAME;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static char workdir[] = "/tmp/scout-fuzz-conf-XXXXXX";

static void cleanup(void)
{
    static const char *const files[] = {"data/nmap-services", "targets", "excl"};
    char path[sizeof workdir + 32];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", workdir, files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/data", workdir);
    rmdir(path);
    rmdir(workdir); /* kept if it holds anything else */
}

/* Once: a private directory (returned open), stdin and stdout on /dev/null.
 * The process works in it only while conf_parse runs: libFuzzer's own paths
 * (the corpus) are relative to where it was started. */
static int setup(void)
{
    int home = open(".", O_RDONLY | O_DIRECTORY);
    if (home < 0 || !mkdtemp(workdir) || chdir(workdir) < 0 || mkdir("data", 0700) < 0)
        abort();
    atexit(cleanup);
    write_file("data/nmap-services",
               "# a few lines of nmap-services\n"
               "ftp\t21/tcp\t0.197667\t# File Transfer [Control]\n"
               "ssh\t22/tcp\t0.182286\t# Secure Shell Login\n"
               "telnet\t23/tcp\t0.221265\n"
               "smtp\t25/tcp\t0.131314\t# Simple Mail Transfer\n"
               "domain\t53/udp\t0.213496\t# Domain Name Server\n"
               "http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
               "https\t443/tcp\t0.208669\t# secure http (SSL)\n"
               "snmp\t161/udp\t0.433467\n"
               "http-alt\t8080/tcp\t0.006655\n");
    write_file("targets", "10.0.0.1 10.0.1-3.1,5\n# a comment\n192.168.0.0/30\tfd00::/126\n");
    write_file("excl", "10.0.2.5\n");
    setenv("SCOUT_DATADIR", "data", 1);
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
        abort();
    close(null);
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fchdir(home) < 0)
        abort();
    close(home);
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int dir = -1;
    if (dir < 0)
        dir = setup();
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[66] = {"scout"};
    int argc = 1;
    for (size_t i = 0; i < size && argc < 65; i += strlen(text + i) + 1) {
        const char *w = text + i;
        if (w[0] == '/' || strstr(w, "=/") || strstr(w, "..")) {
            free(text);
            return 0;
        }
        argv[argc++] = text + i;
    }
    argv[argc] = NULL;
    struct conf c;
    err_t e;
    int home = open(".", O_RDONLY | O_DIRECTORY);
    if (home < 0 || fchdir(dir) < 0)
        abort();
    enum conf_result r = conf_parse(&c, argc, argv, &e);
    if (fchdir(home) < 0)
        abort();
    close(home);
    if (r == CONF_ERROR && (!e.msg[0] || strchr(e.msg, '\n')))
        abort(); /* bad input must be said in one line */
    if (r == CONF_RUN && !c.detect && !c.iflist && c.targets.total == 0)
        abort(); /* a scan always has targets (--detect and --iflist take none) */
    conf_free(&c);
    free(text);
    return 0;
}
