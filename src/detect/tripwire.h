/* tripwire: --detect's tripwires (--tripwire PORTS, --tripwire-hosts SPEC):
 * read after the capture is open and privileges are dropped (as every input
 * is), handed to the detector (detector_tripwires), and each hit written as
 * a readable line and as a JSON object ("event":"tripwire"). */
#ifndef SCOUT_DETECT_TRIPWIRE_H
#define SCOUT_DETECT_TRIPWIRE_H

#include <stdio.h>

#include "conf.h"
#include "detect/detect.h"
#include "ports.h"
#include "targets.h"

struct tripwires {
    struct portset ports;
    struct targets hosts;
    bool any_ports, any_hosts;
};

/* Reads c's tripwire options into t (zeroed by the caller) and arms d.
 * Returns 0, or -1 with e set (a bad port list or address). */
int tripwires_arm(struct tripwires *t, const struct conf *c, struct detector *d, err_t *e);
void tripwires_free(struct tripwires *t);
void tripwire_line(FILE *f, const struct det_trip *h);
void tripwire_json(FILE *f, const struct det_trip *h);

#endif
