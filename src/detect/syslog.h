/* syslog: --detect's findings for a SIEM as RFC 5424 syslog messages
 * (--syslog TARGET): one message per declared scan, tripwire hit and block,
 * to the local syslog socket (/dev/log, TARGET "local") or to a server over
 * UDP (TARGET "udp://HOST:PORT", RFC 5426).  Facility auth, severity
 * warning; APP-NAME scout, MSGID scan, tripwire or block; the fields as
 * structured data (SD-ID scout@32473, the documentation enterprise number
 * of RFC 5612: scout has none registered), the readable line as the MSG.
 * A server that refuses is said once on stderr; detection goes on. */
#ifndef SCOUT_DETECT_SYSLOG_H
#define SCOUT_DETECT_SYSLOG_H

#include "util.h"

struct syslog_out;

/* Opens the target (while privileged: /dev/log may need it).  NULL *s
 * when target is NULL.  Returns 0, or -1 with e set (a bad target). */
int syslog_open(struct syslog_out **s, const char *target, err_t *e);
/* One message: msgid, then n (name, value) pairs of structured data, then
 * the readable text. */
void syslog_send(struct syslog_out *s, const char *msgid, const char *const *params, int n, const char *text);
void syslog_close(struct syslog_out *s);

#endif
