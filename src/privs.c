#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

static int clear_caps(err_t *e)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0)
        return err_set(e, "cannot drop capabilities: %s", strerror(errno));
    return 0;
}

int privs_drop(char *who, size_t len, err_t *e)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return err_set(e, "prctl(NO_NEW_PRIVS): %s", strerror(errno));
    if (geteuid() != 0) {
        snprintf(who, len, "uid %u without capabilities", (unsigned)getuid());
        return clear_caps(e);
    }
    uid_t uid = 0;
    gid_t gid = 0;
    if (target_user(&uid, &gid, who, len, e) < 0)
        return -1;
    if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
        return err_set(e, "cannot drop privileges to %s: %s", who, strerror(errno));
    /* Belt and braces: a successful way back would mean the drop failed. */
    if (setuid(0) == 0)
        return err_set(e, "privileges could not be dropped: setuid(0) still works");
    return 0;
}
