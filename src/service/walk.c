#include "service/walk.h"

void walk_start(struct walk *w)
{
    *w = (struct walk){.stage = 0, .cursor = 0, .soft = -1};
}

int walk_next(const struct probedb *db, struct walk *w, bool udp, bool ssl, uint16_t port, int intensity)
{
    const char *soft = w->soft >= 0 ? db->matches[w->soft].service : NULL;
    for (; w->stage < 2; w->stage++, w->cursor = 0) {
        for (; w->cursor < (int)db->nprobes; w->cursor++) {
            const struct svc_probe *p = &db->probes[w->cursor];
            if (p->udp != udp || w->cursor == db->null_probe)
                continue;
            bool listed = ranges_has(ssl ? &p->sslports : &p->ports, port);
            bool possible = !soft || intensity >= 9 || probe_can_find(db, p, soft);
            bool ok = w->stage == 0 ? listed && possible
                                    : !listed && (soft ? possible : p->rarity <= intensity);
            if (ok)
                return w->cursor++;
        }
    }
    return -1;
}
