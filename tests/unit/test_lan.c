/* The LAN view's choice of networks: attached IPv4 networks of Ethernet
 * interfaces that are up, once each, none larger than a /16. */
#include <net/if_arp.h>

#include "lan.h"
#include "unit.h"

void test_lan_networks(void);

void test_lan_networks(void)
{
    struct nr_iface ifs[] = {
        {.index = 1, .name = "lo", .flags = IFF_UP, .type = ARPHRD_LOOPBACK},
        {.index = 2, .name = "eth0", .flags = IFF_UP, .type = ARPHRD_ETHER},
        {.index = 3, .name = "eth1", .flags = 0, .type = ARPHRD_ETHER},
        {.index = 4, .name = "tun0", .flags = IFF_UP, .type = ARPHRD_NONE},
    };
    struct nr_addr addrs[] = {{.index = 1, .prefix = 8}, {.index = 2, .prefix = 24}, {.index = 2, .prefix = 24},
                              {.index = 3, .prefix = 24}, {.index = 4, .prefix = 24}, {.index = 2, .prefix = 64}};
    addr_parse("127.0.0.1", &addrs[0].a);
    addr_parse("10.1.2.5", &addrs[1].a);
    addr_parse("10.1.2.6", &addrs[2].a); /* the same network twice: swept once */
    addr_parse("10.9.0.1", &addrs[3].a); /* interface down */
    addr_parse("10.8.0.1", &addrs[4].a); /* no Ethernet */
    addr_parse("2001:db8::5", &addrs[5].a);
    struct nr_route routes[] = {{.dst_len = 0, .oif = 2}};
    addr_parse("10.1.2.1", &routes[0].gw);
    struct netinfo ni = {.ifs = ifs, .nifs = 4, .addrs = addrs, .naddrs = 6, .routes = routes, .nroutes = 1};
    struct lan_net nets[LAN_MAX_NETS];
    err_t e;
    int n = lan_networks(&ni, NULL, nets, LAN_MAX_NETS, &e);
    struct addr want;
    addr_parse("10.1.2.0", &want);
    CHECK(n == 1 && nets[0].prefix == 24 && addr_eq(&nets[0].net, &want) && nets[0].has_default);
    CHECK(lan_networks(&ni, "eth1", nets, LAN_MAX_NETS, &e) == -1 && strstr(e.msg, "nothing to sweep"));
    CHECK(lan_networks(&ni, "nosuch", nets, LAN_MAX_NETS, &e) == -1 && strstr(e.msg, "no such interface"));
    addrs[1].prefix = 8; /* a /8 is refused, not swept */
    CHECK(lan_networks(&ni, NULL, nets, LAN_MAX_NETS, &e) == -1 && strstr(e.msg, "larger than a /16"));
}
