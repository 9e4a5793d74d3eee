/* privs: giving up privileges before scout reads anything it did not write.
 *
 * Two steps, because the raw handles depend on the targets (which
 * interfaces get a TX ring) and the targets may come from an -iL file:
 *   1. privs_lower, before any file or host name is read: become the
 *      invoking user when run through sudo (SUDO_UID, SUDO_GID), else
 *      "nobody", with supplementary groups and the bounding set cleared and
 *      no capability in effect.  CAP_NET_RAW alone stays *permitted* (not
 *      effective) when the process had it, so that the raw handles can
 *      still be opened once the targets are known (privs_raw around that).
 *   2. privs_clear, once they are open: every capability cleared
 *      explicitly (libcap-ng), and the kernel asked that none is left.
 * As a non-root user holding file capabilities (setcap cap_net_raw) the same
 * two steps apply without the change of user.  No setuid program can give
 * anything back (PR_SET_NO_NEW_PRIVS).  Descriptors opened before stay
 * usable: the raw sockets and the capture keep working.
 *
 * Capabilities belong to a thread: these calls must run while the process
 * has one thread (threads started later inherit the calling thread's). */
#ifndef SCOUT_PRIVS_H
#define SCOUT_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Step 1; writes who we are now into who.  Returns 0, or -1 with e set (the
 * caller must not go on with privileges it meant to drop). */
int privs_lower(char *who, size_t len, err_t *e);
/* CAP_NET_RAW in effect (on) or not; a no-op when it is not permitted (the
 * raw socket's own error then says what is missing). */
int privs_raw(bool on, err_t *e);
/* Step 2: no capability left in any set, checked; from root, uid 0 cannot
 * come back either.  Returns 0, or -1 with e set. */
int privs_clear(err_t *e);
/* Both steps at once, for handles opened before (--detect's capture). */
int privs_drop(char *who, size_t len, err_t *e);

#endif
