#include "detect/tripwire.h"

#include <stdio.h>
#include <string.h>

#include "services.h"

/* e's message, said to be about option what. */
static int about(err_t *e, const char *what)
{
    char why[sizeof e->msg];
    snprintf(why, sizeof why, "%s", e->msg);
    return err_set(e, "%s: %s", what, why);
}

int tripwires_arm(struct tripwires *t, const struct conf *c, struct detector *d, err_t *e)
{
    targets_init(&t->hosts);
    if (c->tripwire_ports) {
        /* names (telnet, tftp) from nmap-services, as -p takes them */
        struct services *svc = NULL;
        int rc = services_load(&svc, NULL, e) < 0 ? -1 : portset_parse(&t->ports, c->tripwire_ports, svc, e);
        services_free(svc);
        if (rc < 0)
            return about(e, "--tripwire");
        t->any_ports = true;
    }
    if (c->tripwire_hosts) {
        if (targets_add_list(&t->hosts, c->tripwire_hosts, TARGET_V4 | TARGET_NO_RESOLVE, e) < 0 ||
            targets_finish(&t->hosts, e) < 0)
            return about(e, "--tripwire-hosts");
        t->any_hosts = true;
    }
    detector_tripwires(d, t->any_ports ? &t->ports : NULL, t->any_hosts ? &t->hosts : NULL);
    return 0;
}

void tripwires_free(struct tripwires *t)
{
    targets_free(&t->hosts);
}

/* The hit's parts as text, shared by both formats. */
struct trip_text {
    char src[ADDR_STRLEN], dst[ADDR_STRLEN], when[40], flags[8];
    const char *proto;
};

static void trip_text(const struct det_trip *h, struct trip_text *t)
{
    addr_str(&h->src, t->src, sizeof t->src);
    addr_str(&h->dst, t->dst, sizeof t->dst);
    iso_time_ns(h->ns, t->when, sizeof t->when);
    t->proto = h->proto == 6 ? "tcp" : h->proto == 17 ? "udp" : h->proto == 0 ? "arp" : "icmp";
    /* tcpdump's letters: FIN SYN RST PSH ACK URG ECE CWR */
    static const char letters[] = "FSRPAUEC";
    size_t n = 0;
    for (int b = 0; b < 8; b++)
        if (h->flags & (1u << b))
            t->flags[n++] = letters[b];
    t->flags[n] = 0;
}

void tripwire_line(FILE *f, const struct det_trip *h)
{
    struct trip_text t;
    trip_text(h, &t);
    fprintf(f, "tripwire: %s -> %s", t.src, t.dst);
    if (h->proto == 6 || h->proto == 17)
        fprintf(f, ":%u/%s", h->dport, t.proto);
    else
        fprintf(f, " (%s)", t.proto);
    if (h->proto == 6)
        fprintf(f, " flags %s", t.flags[0] ? t.flags : "none");
    if (h->proto == 6 || h->proto == 17)
        fprintf(f, ", %u payload bytes", h->paylen);
    fprintf(f, " at %s\n", t.when);
}

void tripwire_json(FILE *f, const struct det_trip *h)
{
    struct trip_text t;
    trip_text(h, &t);
    fprintf(f, "{\"event\":\"tripwire\",\"src\":\"%s\",\"dst\":\"%s\",\"proto\":\"%s\"", t.src, t.dst, t.proto);
    if (h->proto == 6 || h->proto == 17)
        fprintf(f, ",\"port\":%u,\"payload\":%u", h->dport, h->paylen);
    if (h->proto == 6)
        fprintf(f, ",\"flags\":\"%s\"", t.flags);
    fprintf(f, ",\"time\":\"%s\"}\n", t.when);
}
