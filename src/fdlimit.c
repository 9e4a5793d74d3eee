#include "fdlimit.h"

#include <dirent.h>
#include <sys/resource.h>

/* Descriptors open now, from /proc/self/fd; 0 when it cannot be read. */
static uint64_t fds_open(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 0;
    uint64_t n = 0;
    for (struct dirent *de; (de = readdir(d));)
        n += de->d_name[0] != '.';
    closedir(d);
    return n ? n - 1 : 0; /* the directory's own descriptor */
}

uint32_t fd_budget(uint32_t reserve, uint32_t cap)
{
    struct rlimit rl;
    uint64_t limit = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
        limit = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : rl.rlim_cur;
    uint64_t used = fds_open() + reserve;
    uint64_t n = limit > used ? limit - used : 0;
    if (n > cap)
        n = cap;
    return n < 8 ? 8 : (uint32_t)n;
}
