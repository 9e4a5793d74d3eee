/* walk: nmap's order of a port's version probes (ServiceNFO::nextProbe),
 * shared by the TCP and UDP engines (vscan.c, vscan_udp.c).
 *
 * Stage 0 is the probes of the port's protocol whose `ports` (`sslports`
 * inside TLS) list the port, in file order; stage 1 the others whose rarity
 * is within --version-intensity.  After a softmatch only probes that can
 * name that service go on (any rarity in stage 1), unless the intensity is 9.
 * TCP's NULL probe is never returned: the TCP engine starts every walk with
 * it, and UDP has none.  Pure: no I/O. */
#ifndef SCOUT_SERVICE_WALK_H
#define SCOUT_SERVICE_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "service/probedb.h"

struct walk {
    uint8_t stage;   /* 0: probes listing the port, 1: the others, 2: over */
    int cursor;      /* next probe index to consider in this stage */
    int soft;        /* match line of the first softmatch, -1 if none */
};

/* A fresh walk (stage 0, no softmatch). */
void walk_start(struct walk *w);

/* The next probe for port (UDP probes when udp, else TCP; ssl: inside TLS),
 * or -1 when the walk is over.  The returned index p can be asked for again
 * by setting w->cursor = p (the stage does not move while it returns). */
int walk_next(const struct probedb *db, struct walk *w, bool udp, bool ssl, uint16_t port, int intensity);

#endif
