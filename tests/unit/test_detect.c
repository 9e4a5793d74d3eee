#include "detect/detect.h"
#include "unit.h"
#include "util.h"

void test_detect_trw(void);
void test_detect_one_way(void);

static struct reply tcp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t flags)
{
    return (struct reply){.kind = REPLY_TCP, .src = addr_v4(src), .dst = addr_v4(dst),
                          .sport = sport, .dport = dport, .flags = flags, .window = 64240};
}

/* Closed ports answer RST: a few first contacts decide; an open service
 * answering SYN-ACKs to a client that completes the handshake does not. */
void test_detect_trw(void)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint16_t p = 1; p <= 10; p++) {
        struct reply syn = tcp(1, 2, 40000, p, TH_SYN), rst = tcp(2, 1, p, 40000, TH_RST | TH_ACK);
        detector_packet(d, &syn, t += 1000);
        detector_packet(d, &rst, t += 1000);
    }
    for (int i = 0; i < 10; i++) { /* a client of host 2's port 80, again and again */
        struct reply syn = tcp(3, 2, (uint16_t)(50000 + i), 80, TH_SYN);
        struct reply sa = tcp(2, 3, 80, (uint16_t)(50000 + i), TH_SYN | TH_ACK);
        struct reply ack = tcp(3, 2, (uint16_t)(50000 + i), 80, TH_ACK);
        detector_packet(d, &syn, t += 1000);
        detector_packet(d, &sa, t += 1000);
        detector_packet(d, &ack, t += 1000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(s[0].src == 1 && s[0].kind == SK_SYN && s[0].probes_to_detect == 4 && !s[0].one_way);
    CHECK(s[0].hosts == 1 && s[0].ports == 10 && !strcmp(s[0].shape, "vertical"));
    detector_free(d);
}

/* With no replies in the capture, a weighted count decides, and says so. */
void test_detect_one_way(void)
{
    struct detector *d = detector_new(64, 1024);
    uint64_t t = NS_PER_SEC;
    for (uint16_t p = 1; p <= 30; p++) {
        struct reply syn = tcp(1, 2, 40000, p, TH_SYN);
        detector_packet(d, &syn, t += 1000);
    }
    for (uint16_t p = 1; p <= 5; p++) { /* a few connections: not enough */
        struct reply syn = tcp(3, 2, 40000, p, TH_SYN);
        detector_packet(d, &syn, t += 1000);
    }
    detector_flush(d, t + 3 * NS_PER_SEC);
    struct det_scan s[4];
    CHECK(detector_scans(d, s, 4) == 1);
    CHECK(s[0].src == 1 && s[0].one_way);
    detector_free(d);
}
