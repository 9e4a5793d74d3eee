/* libFuzzer target for osprobe_record, OS detection's reading of a reply
 * off the wire (TCP options, ICMP quotes of U1), and the fingerprint made
 * from whatever a round recorded: arbitrary bytes from the target's address
 * must never be read past, and every test value must fit its field.
 *
 * Input: a sequence of packets, each a 2-byte length then its bytes (the
 * IP header on); the source address is forced to the round's target so
 * that mutations reach the parsers behind that check. */
#include <string.h>
#include <sys/socket.h>

#include "os/osprobe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct os_round r;
    memset(&r, 0, sizeof r);
    r.src.family = r.dst.family = AF_INET;
    r.src.u.v4 = 0xC6120001, r.dst.u.v4 = 0xC6120032;
    r.open = 22, r.closed = 1, r.closed_udp = 40000, r.closed_known = true;
    r.sport = 40000, r.udp_sport = 50000, r.seq = 0x10000000, r.ack = 0x20000000, r.icmp_id = 0x1234;
    r.udp_ttl = 60;
    osprobe_round_init(&r);
    for (int i = 0; i < OSP_NSEQ; i++)
        r.seq_sent_ns[i] = (uint64_t)i * 100000000u;
    uint8_t pkt[1500];
    while (size >= 2) {
        size_t n = (size_t)(data[0] << 8 | data[1]) % sizeof pkt;
        data += 2, size -= 2;
        n = n < size ? n : size;
        memcpy(pkt, data, n);
        if (n >= 16)
            memcpy(pkt + 12, "\xc6\x12\x00\x32", 4);
        osprobe_record(&r, pkt, n);
        data += n, size -= n;
    }
    struct osfp fp;
    struct os_seqreport rep;
    osprobe_fingerprint(&r, &fp, &rep);
    for (int i = 0; i < fp.n; i++)
        for (int k = 0; k < fp.t[i].n; k++)
            if (strlen(fp.t[i].a[k].val) >= OSFP_VAL_MAX)
                __builtin_trap();
    return 0;
}
