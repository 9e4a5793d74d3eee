#include "debug.h"

#include <stdarg.h>
#include <stdio.h>

void debug_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr);
    vfprintf(stderr, fmt, ap);
    putc_unlocked('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}
