/* dialog: short protocol conversations of scout's own, for versions that
 * nmap-service-probes cannot see and nmap only learns from NSE scripts.  A
 * dialog runs after -sV, only on a port whose service -sV already named
 * (its `service`), and fills the port's product, version, extrainfo and a
 * CPE where the probes left them empty, with a note of what it saw.  One
 * file per protocol (dialog_mqtt.c, ...), listed in dialog_list.
 *
 * Contract for a dialog (`struct dialog_ops`):
 *   service   the -sV name it applies to ("mqtt");
 *   max_read  bytes it may read from the peer in all; max_ms the time it
 *             may take from connect to its last step; the driver
 *             (dialogs.c) enforces both, and ends it without a result;
 *   step      pure: given everything read so far (in, len; NULL and 0
 *             before the first read), its own state (st, DIALOG_STATE
 *             bytes zeroed at start) and room for a request (out, *outlen
 *             bytes), writes the next request (*outlen = its length, 0 for
 *             none) and returns DIALOG_MORE to go on reading, DIALOG_DONE
 *             with r filled, or DIALOG_FAIL when the peer is not speaking
 *             the protocol.  It never trusts a length from the wire
 *             beyond len.  Fuzzed: fuzz/fuzz_dialog.c. */
#ifndef SCOUT_SERVICE_DIALOG_H
#define SCOUT_SERVICE_DIALOG_H

#include <stddef.h>
#include <stdint.h>

#include "stage.h"

#define DIALOG_STATE 64
#define DIALOG_OUT 512

enum { DIALOG_MORE, DIALOG_DONE, DIALOG_FAIL };

/* What a dialog learned; empty strings for what it did not. */
struct dialog_result {
    char product[64], version[48], info[96], cpe[96];
    char note[200]; /* what it saw, for the port's script-style line */
};

struct dialog_ops {
    const char *name;     /* "mqtt": the note's id is "dialog-NAME" */
    const char *service;
    size_t max_read;
    uint32_t max_ms;
    int (*step)(void *st, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
                struct dialog_result *r);
};

/* Every dialog, NULL-terminated. */
extern const struct dialog_ops *const dialog_list[];
/* The stage that runs them (after vscan). */
extern const struct stage_ops stage_dialogs;

#endif
