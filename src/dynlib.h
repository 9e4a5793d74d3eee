/* dynlib: a shared library opened when first needed (dlopen), not linked.
 *
 * libpq and libxml2 serve one store backend and two subcommands, but linked
 * into the binary they would cost every scan 8 MB of resident memory (libpq
 * alone pulls in Kerberos, LDAP and SASL).  Their users open them with
 * dynlib_open and call through a table of function pointers of their own. */
#ifndef SCOUT_DYNLIB_H
#define SCOUT_DYNLIB_H

#include <stddef.h>

#include "util.h"

/* Opens soname and fills fns[i] with the address of names[i] for each of
 * the n names; *handle is for dynlib_close.  Returns 0, or -1 with e set
 * (one line: which library or symbol is missing, and what installs it). */
int dynlib_open(const char *soname, const char *package, const char *const *names, void **fns, size_t n,
                void **handle, err_t *e);
void dynlib_close(void *handle);

#endif
