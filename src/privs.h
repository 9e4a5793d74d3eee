/* privs: giving up privileges once the privileged handles are open.
 *
 * As root: become the invoking user when run through sudo (SUDO_UID and
 * SUDO_GID), else "nobody"; supplementary groups are cleared and no setuid
 * program can give them back (PR_SET_NO_NEW_PRIVS).  As a non-root user
 * holding file capabilities (setcap cap_net_raw): clear every capability.
 * Descriptors opened before stay usable: the raw socket and the capture keep
 * working, nothing new can be opened with privilege. */
#ifndef SCOUT_PRIVS_H
#define SCOUT_PRIVS_H

#include <stddef.h>

#include "util.h"

/* Drops privileges; writes who we are now into who.  Returns 0, or -1 with
 * e set (the caller must not go on with privileges it meant to drop). */
int privs_drop(char *who, size_t len, err_t *e);

#endif
