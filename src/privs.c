#include "privs.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The user to become: sudo's caller, else nobody. */
static int target_user(uid_t *uid, gid_t *gid, char *who, size_t len, err_t *e)
{
    const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
    uint64_t u, g;
    if (su && sg && parse_uint(su, 1, UINT32_MAX - 1, &u, e, "SUDO_UID") == 0 &&
        parse_uint(sg, 0, UINT32_MAX - 1, &g, e, "SUDO_GID") == 0) {
        *uid = (uid_t)u;
        *gid = (gid_t)g;
        snprintf(who, len, "uid %u (sudo's caller)", *uid);
        return 0;
    }
    const struct passwd *pw = getpwnam("nobody");
    if (!pw)
        return err_set(e, "cannot drop privileges: no user 'nobody' (use --no-drop-privileges)");
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    snprintf(who, len, "nobody (uid %u)", *uid);
    return 0;
}

/* Root becomes uid/gid keeping its permitted capabilities (PR_SET_KEEPCAPS:
 * the effective ones go with uid 0), after clearing the bounding set while
 * CAP_SETPCAP is still in effect.  A root without CAP_SETPCAP (a container
 * that took it) keeps its bounding set: it only limits what an execve could
 * gain, and PR_SET_NO_NEW_PRIVS already forbids that. */
static int change_user(uid_t uid, gid_t gid, const char *who, err_t *e)
{
    if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP)) {
        capng_clear(CAPNG_SELECT_BOUNDS);
        if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
            return err_set(e, "cannot drop privileges: clearing the capability bounding set failed");
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setgroups(0, NULL) < 0 ||
        setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
        return err_set(e, "cannot drop privileges to %s: %s", who, strerror(errno));
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    return 0;
}

int privs_lower(char *who, size_t len, err_t *e)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return err_set(e, "prctl(NO_NEW_PRIVS): %s", strerror(errno));
    if (capng_get_caps_process() < 0)
        return err_set(e, "cannot drop privileges: cannot read this process's capabilities");
    bool raw = capng_have_capability(CAPNG_PERMITTED, CAP_NET_RAW);
    if (geteuid() == 0) {
        uid_t uid = 0;
        gid_t gid = 0;
        if (target_user(&uid, &gid, who, len, e) < 0 || change_user(uid, gid, who, e) < 0)
            return -1;
    } else {
        snprintf(who, len, "uid %u without capabilities", (unsigned)getuid());
    }
    /* Nothing in effect or inheritable; CAP_NET_RAW permitted for the raw
     * handles still to be opened. */
    capng_clear(CAPNG_SELECT_CAPS);
    if (raw)
        capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_NET_RAW);
    if (capng_apply(CAPNG_SELECT_CAPS) < 0)
        return err_set(e, "cannot drop capabilities: %s", strerror(errno));
    /* Ambient capabilities would survive in the permitted set; none wanted
     * (EINVAL: a kernel without them). */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return err_set(e, "cannot clear ambient capabilities: %s", strerror(errno));
    return 0;
}

int privs_raw(bool on, err_t *e)
{
    if (capng_get_caps_process() < 0)
        return err_set(e, "cannot read this process's capabilities");
    if (!capng_have_capability(CAPNG_PERMITTED, CAP_NET_RAW))
        return 0;
    capng_update(on ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE, CAP_NET_RAW);
    if (capng_apply(CAPNG_SELECT_CAPS) < 0)
        return err_set(e, "cannot %s CAP_NET_RAW: %s", on ? "raise" : "lower", strerror(errno));
    return 0;
}

int privs_clear(err_t *e)
{
    capng_clear(CAPNG_SELECT_BOTH);
    if (capng_apply(CAPNG_SELECT_CAPS) < 0)
        return err_set(e, "cannot drop capabilities: %s", strerror(errno));
    /* What the kernel says, not what was asked. */
    if (capng_get_caps_process() < 0 || capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE ||
        capng_have_permitted_capabilities() != CAPNG_NONE)
        return err_set(e, "privileges could not be dropped: capabilities remain after clearing them");
    /* Belt and braces: a successful way back would mean the drop failed. */
    if (getuid() != 0 && setuid(0) == 0)
        return err_set(e, "privileges could not be dropped: setuid(0) still works");
    return 0;
}

int privs_drop(char *who, size_t len, err_t *e)
{
    return privs_lower(who, len, e) < 0 ? -1 : privs_clear(e);
}
