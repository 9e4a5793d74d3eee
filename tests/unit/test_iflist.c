/* --iflist: nmap's two tables from a netinfo, columns aligned. */
#include <net/if_arp.h>
#include <stdlib.h>

#include "iflist.h"
#include "unit.h"

void test_iflist_tables(void);

void test_iflist_tables(void)
{
    struct nr_iface ifs[] = {
        {.index = 1, .name = "lo", .flags = IFF_UP | IFF_LOOPBACK, .type = ARPHRD_LOOPBACK, .mtu = 65536},
        {.index = 2, .name = "eth0", .flags = IFF_UP, .type = ARPHRD_ETHER, .mtu = 1500,
         .mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56}},
        {.index = 3, .name = "tun9", .type = ARPHRD_NONE, .mtu = 1400},
    };
    struct nr_addr addrs[] = {{.index = 1, .prefix = 8}, {.index = 2, .prefix = 24}};
    addr_parse("127.0.0.1", &addrs[0].a);
    addr_parse("10.0.0.5", &addrs[1].a);
    struct nr_route routes[] = {{.dst_len = 24, .oif = 2}, {.dst_len = 0, .oif = 2, .metric = 100},
                                {.dst_len = 8, .oif = 0}};
    addr_parse("10.0.0.0", &routes[0].dst);
    addr_parse("10.0.0.1", &routes[1].gw);
    addr_parse("192.0.0.0", &routes[2].dst); /* unreachable: no device, not listed */
    struct netinfo ni = {.ifs = ifs, .nifs = 3, .addrs = addrs, .naddrs = 2, .routes = routes, .nroutes = 3};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    iflist_write(f, &ni);
    fclose(f);
    CHECK_STR(buf,
              "************************INTERFACES************************\n"
              "DEV  (SHORT) IP/MASK     TYPE        UP MTU    MAC\n"
              "lo   (lo)    127.0.0.1/8 loopback    up 65536\n"
              "eth0 (eth0)  10.0.0.5/24 ethernet    up 1500   52:54:00:12:34:56\n"
              "tun9 (tun9)  (none)/0    point2point down 1400\n"
              "\n**************************ROUTES**************************\n"
              "DST/MASK    DEV  METRIC GATEWAY\n"
              "10.0.0.0/24 eth0 0\n"
              "0.0.0.0/0   eth0 100    10.0.0.1\n");
    free(buf);
}
