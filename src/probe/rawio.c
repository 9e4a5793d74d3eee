#include "probe/rawio.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scan.h"

bool raw_available(void)
{
    int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (s < 0)
        return false;
    close(s);
    return true;
}

int raw_io_source(const struct addr *dst, struct addr *src, err_t *e)
{
    struct sockaddr_storage ss, local;
    socklen_t len, llen = sizeof local;
    addr_to_sockaddr(dst, 9, &ss, &len);
    /* connect() on a UDP socket asks the route table without sending. */
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&ss, len) < 0 ||
        getsockname(s, (struct sockaddr *)&local, &llen) < 0) {
        int err = errno;
        if (s >= 0)
            close(s);
        return err_set(e, "no route to the targets: %s", strerror(err));
    }
    close(s);
    if (src->family == 0)
        addr_from_sockaddr((struct sockaddr *)&local, src);
    return 0;
}

/* The interface that holds address a. */
static int iface_of(const struct addr *a, char *ifname, err_t *e)
{
    struct ifaddrs *ifs, *it;
    if (getifaddrs(&ifs) < 0)
        return err_set(e, "getifaddrs: %s", strerror(errno));
    for (it = ifs; it; it = it->ifa_next) {
        struct addr x;
        if (it->ifa_addr && addr_from_sockaddr(it->ifa_addr, &x) == 0 && addr_eq(&x, a)) {
            snprintf(ifname, IF_NAMESIZE, "%s", it->ifa_name);
            break;
        }
    }
    freeifaddrs(ifs);
    return *ifname ? 0 : err_set(e, "no interface has the source address; use -e IFACE");
}

/* -e, else the interface of the route to the first target that has one
 * (among the first few: a leading unroutable target should not decide). */
static int pick_iface(const struct conf *c, char *ifname, err_t *e)
{
    if (c->iface) {
        snprintf(ifname, IF_NAMESIZE, "%s", c->iface);
        return 0;
    }
    int rc = err_set(e, "no targets to route to");
    for (uint64_t i = 0; i < c->targets.total && i < 64 && rc < 0; i++) {
        struct addr dst, src = c->source;
        const char *name;
        targets_get(&c->targets, i, &dst, &name);
        if (dst.family == AF_INET)
            rc = raw_io_source(&dst, &src, e);
        if (rc == 0)
            rc = iface_of(&src, ifname, e);
    }
    return rc;
}

static int open_capture(struct raw_io *io, err_t *e)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    io->pc = pcap_create(io->ifname, errbuf);
    if (!io->pc)
        return err_set(e, "capture on %s: %s", io->ifname, errbuf);
    pcap_set_snaplen(io->pc, 256);
    pcap_set_immediate_mode(io->pc, 1);
    pcap_set_buffer_size(io->pc, 16 << 20);
    if (pcap_activate(io->pc) < 0)
        return err_set(e, "capture on %s: %s", io->ifname, pcap_geterr(io->pc));
    pcap_setnonblock(io->pc, 1, errbuf);
    io->dlt = pcap_datalink(io->pc);
    return 0;
}

int raw_io_open(struct raw_io *io, const struct conf *c, err_t *e)
{
    memset(io, 0, sizeof *io);
    io->sock = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (io->sock < 0)
        return err_set(e, "%s needs raw sockets (root or CAP_NET_RAW): %s; -sT needs no privileges",
                       c->scan->flag, strerror(errno));
    int sndbuf = 4 << 20;
    setsockopt(io->sock, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (pick_iface(c, io->ifname, e) < 0)
        return -1;
    return open_capture(io, e);
}

int raw_io_filter(struct raw_io *io, const struct addr *src, uint16_t sport, err_t *e)
{
    char filter[160], s[ADDR_STRLEN];
    struct bpf_program prog;
    snprintf(filter, sizeof filter, "dst host %s and ((tcp dst port %u) or icmp)",
             addr_str(src, s, sizeof s), sport);
    if (pcap_compile(io->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
        pcap_setfilter(io->pc, &prog) < 0)
        return err_set(e, "capture filter: %s", pcap_geterr(io->pc));
    pcap_freecode(&prog);
    return 0;
}

void raw_io_close(struct raw_io *io)
{
    if (io->pc)
        pcap_close(io->pc);
    if (io->sock >= 0)
        close(io->sock);
    io->pc = NULL;
    io->sock = -1;
}
