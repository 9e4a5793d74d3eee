#include "detect/ecs.h"

#include <string.h>

/* The head every object shares: when, and what kind of event. */
static void head(FILE *f, uint64_t ns, const char *action, const char *type)
{
    char when[40];
    iso_time_ns(ns, when, sizeof when);
    fprintf(f, "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"alert\",\"category\":[\"network\",\"intrusion_detection\"],"
               "\"type\":[\"%s\"],\"action\":\"%s\",\"dataset\":\"scout.detect\"}",
            when, type, action);
}

void ecs_scan(FILE *f, const struct det_scan *s, const char *action)
{
    char src[ADDR_STRLEN];
    addr_str(&s->src, src, sizeof src);
    head(f, s->first_ns, action, "info");
    fprintf(f, ",\"source\":{\"ip\":\"%s\"},\"rule\":{\"name\":\"%s %s scan\"},\"scout\":{\"scan\":{\"type\":\"%s\","
               "\"shape\":\"%s\",\"tool\":\"%s\",\"evidence\":\"%s\",\"hosts\":%u,\"ports\":%u,\"probes\":%llu,"
               "\"probes_to_detect\":%llu,\"one_way\":%s}}}\n",
            src, s->shape, scan_kind_name(s->kind), scan_kind_name(s->kind), s->shape, scan_tool_name(s->tool),
            s->evidence, s->hosts, s->ports, (unsigned long long)s->probes,
            (unsigned long long)s->probes_to_detect, s->one_way ? "true" : "false");
}

void ecs_trip(FILE *f, const struct det_trip *h)
{
    char src[ADDR_STRLEN], dst[ADDR_STRLEN];
    addr_str(&h->src, src, sizeof src);
    addr_str(&h->dst, dst, sizeof dst);
    head(f, h->ns, "tripwire", "connection");
    fprintf(f, ",\"source\":{\"ip\":\"%s\"},\"destination\":{\"ip\":\"%s\"", src, dst);
    if (h->proto == 6 || h->proto == 17)
        fprintf(f, ",\"port\":%u}", h->dport);
    else
        fputc('}', f);
    const char *t = h->proto == 6 ? "tcp" : h->proto == 17 ? "udp" : h->proto == 0 ? "arp" : "icmp";
    fprintf(f, ",\"network\":{\"transport\":\"%s\"},\"rule\":{\"name\":\"tripwire\"},"
               "\"scout\":{\"tripwire\":{\"tcp_flags\":%u,\"payload_bytes\":%u}}}\n",
            t, h->flags, h->paylen);
}

void ecs_block(FILE *f, const char *did, const struct addr *src, uint64_t for_s, const char *why)
{
    char ip[ADDR_STRLEN];
    addr_str(src, ip, sizeof ip);
    head(f, (uint64_t)(wall_time() * 1e9), "block", !strcmp(did, "blocked") ? "denied" : "info");
    fprintf(f, ",\"source\":{\"ip\":\"%s\"},\"rule\":{\"name\":\"%s\"},\"scout\":{\"block\":{\"action\":\"%s\","
               "\"for_s\":%llu}}}\n",
            ip, why, did, (unsigned long long)for_s);
}
