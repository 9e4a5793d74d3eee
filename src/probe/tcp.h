/* tcp: the mechanics every raw TCP module shares (SYN, ACK, Window, FIN,
 * NULL, Xmas, Maimon, --scanflags): one template, the cookie in the
 * sequence number (and the acknowledgement number when ACK is set), and
 * validation of RSTs, SYN-ACKs and ICMP errors quoting a probe.  Each module
 * file adds only its flags and its state table. */
#ifndef SCOUT_PROBE_TCP_H
#define SCOUT_PROBE_TCP_H

#include "probe/probe.h"

/* probe_ops.filter of every TCP module. */
int tcp_filter(const struct probe_ctx *c, char *buf, size_t len);
/* probe_ops.prepare with the module's flags (--scanflags overrides them). */
int tcp_prepare(struct probe_tmpl *t, uint8_t flags, err_t *e);
size_t tcp_make(const struct probe_tmpl *t, const struct addr *dst, uint16_t port, uint64_t now_ns,
                uint8_t *out);
bool tcp_validate(const struct probe_ctx *c, const struct reply *r, struct probe_hit *hit);
/* The ICMP / ICMPv6 unreachable errors every TCP table maps to filtered;
 * false for anything else (including a TCP segment). */
bool tcp_classify_icmp(const struct reply *r, struct port_result *out);

/* The table of the scans a reset decides: an ICMP unreachable filtered, a
 * RST `state` (reason reset), anything else nothing. */
bool tcp_classify_reset(const struct reply *r, uint8_t state, struct port_result *out);

/* Declares the prepare() of a module whose probe carries `flags`. */
#define TCP_PREPARE(fn, flags) \
    static int fn(struct probe_tmpl *t, err_t *e) { return tcp_prepare(t, flags, e); }

#endif
