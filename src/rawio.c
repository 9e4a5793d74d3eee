/* rawio: the raw scans' privileged handles (engine.h), opened once per run:
 * the sender's ways out (send.h), and one libpcap capture for the whole
 * scan (the kernel's TPACKET_V3 ring), on -e's interface or on "any" so
 * that targets behind different interfaces are all heard.  Each host group
 * only sets the capture's BPF filter, which needs no privilege. */
#include "engine.h"

#include <errno.h>
#include <pthread.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

bool raw_available(void)
{
    int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    close(s);
    return true;
}

static int open_capture(struct raw_handles *h, const char *ifname, err_t *e)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    h->pc = pcap_create(ifname, errbuf);
    if (!h->pc)
        return err_set(e, "capture on %s: %s", ifname, errbuf);
    pcap_set_snaplen(h->pc, 256);
    /* Not immediate: the kernel hands over a block of replies at a time
     * (or after 1 ms), instead of a wake-up per packet, which at full rate
     * cost more than decoding them. */
    pcap_set_timeout(h->pc, 1);
    /* 8 MiB: a quarter of a second of replies at the machine's ceiling;
     * the kernel zeroes every page of it at open. */
    pcap_set_buffer_size(h->pc, 8 << 20);
    if (pcap_activate(h->pc) < 0)
        return err_set(e, "capture on %s: %s", ifname, pcap_geterr(h->pc));
    pcap_setnonblock(h->pc, 1, errbuf);
    /* Our own probes are not wanted (those sent through the TX ring bypass
     * the taps anyway; those through IP sockets do not). */
    pcap_setdirection(h->pc, PCAP_D_IN);
    h->dlt = pcap_datalink(h->pc);
    return 0;
}

/* The interfaces the targets' paths leave by (through -e's when given):
 * those of the targets, of an evenly spaced sample of 4096 for larger
 * scans.  A target whose interface is missed still goes out, through the
 * IP layer. */
static uint32_t used_ifaces(const struct raw_handles *h, const struct conf *c, const struct nr_iface **ifs)
{
    uint32_t n = 0;
    uint64_t total = c->targets.total, step = MAX(1, total / 4096);
    for (uint64_t i = 0; i < total && n < SEND_MAX_WAYS - 2; i += step) {
        struct addr dst;
        const char *name;
        struct path pa;
        err_t ignore;
        targets_get(&c->targets, i, &dst, &name);
        if (netinfo_path(&h->ni, &dst, NULL, c->iface, &pa, &ignore) < 0)
            continue;
        uint32_t k = 0;
        while (k < n && ifs[k] != pa.iface)
            k++;
        if (k == n)
            ifs[n++] = pa.iface;
    }
    return n;
}

int raw_handles_open(struct raw_handles *h, const struct conf *c, err_t *e)
{
    memset(h, 0, sizeof *h);
    if (netinfo_load(&h->ni, e) < 0)
        return -1;
    if (c->iface && !netinfo_iface_by_name(&h->ni, c->iface)) {
        err_set(e, "-e %s: no such interface", c->iface);
        return -2;
    }
    const struct nr_iface *used[SEND_MAX_WAYS];
    int ifs[SEND_MAX_WAYS];
    uint32_t nifs = used_ifaces(h, c, used);
    for (uint32_t i = 0; i < nifs; i++) {
        /* --send-eth asks for link-level frames on every target's link. */
        if (c->send_eth && used[i]->type != ARPHRD_ETHER) {
            err_set(e, "--send-eth: %s has no Ethernet link (use --send-ip)", used[i]->name);
            return -2;
        }
        ifs[i] = used[i]->index;
    }
    if (c->send_ip)
        nifs = 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    h->nsnd = (uint32_t)MAX(1, MIN(cpus, ENGINE_THREADS));
    /* UDP probes carry payloads (-O: U1's 300 bytes) */
    uint32_t frame = c->udp || c->os || (c->ping.probes & PING_UDP) ? SEND_FRAME_LARGE : SEND_FRAME_SMALL;
    for (uint32_t t = 0; t < h->nsnd; t++)
        if (sender_open(&h->snd[t], &h->ni, ifs, nifs, frame, e) < 0)
            return -1;
    return open_capture(h, c->iface ? c->iface : "any", e);
}

static void *close_one(void *arg)
{
    sender_close(arg);
    return NULL;
}

/* Each sender's sockets, and the capture's, wait out RCU grace periods as
 * they close: they close side by side. */
static void close_senders(struct raw_handles *h)
{
    pthread_t tid[ENGINE_THREADS];
    bool own[ENGINE_THREADS] = {false};
    for (uint32_t t = 1; t < h->nsnd; t++)
        own[t] = pthread_create(&tid[t], NULL, close_one, &h->snd[t]) == 0;
    for (uint32_t t = 0; t < h->nsnd; t++)
        if (!own[t])
            sender_close(&h->snd[t]);
    for (uint32_t t = 1; t < h->nsnd; t++)
        if (own[t])
            pthread_join(tid[t], NULL);
    h->nsnd = 0;
}

static void *close_capture(void *arg)
{
    pcap_close(arg);
    return NULL;
}

void raw_handles_close(struct raw_handles *h)
{
    pthread_t tid;
    bool own = h->pc && pthread_create(&tid, NULL, close_capture, h->pc) == 0;
    if (h->pc && !own)
        pcap_close(h->pc);
    h->pc = NULL;
    close_senders(h);
    if (own)
        pthread_join(tid, NULL);
    netinfo_free(&h->ni);
}
