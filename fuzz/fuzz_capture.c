/* libFuzzer target for --detect's input path: the bytes are a capture file
 * (pcap or pcapng, opened by libpcap as -r does), every frame goes through
 * the link-layer and packet decoders into the detector, and the scans are
 * reported.  Truncated or corrupt files and malformed packets must be
 * counted or refused, never crash. */
#include <stdio.h>
#include <stdlib.h>

#include "detect/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline(f, errbuf); /* owns f from here */
    if (!p) {
        fclose(f);
        return 0;
    }
    struct detector *d = detector_new(64, 256);
    struct pcap_pkthdr *h;
    const u_char *frame;
    uint64_t last = 0;
    int dlt = pcap_datalink(p);
    while (pcap_next_ex(p, &h, &frame) == 1)
        detect_frame(d, dlt, h, frame, &last);
    detector_flush(d, last + 3 * NS_PER_SEC);
    struct det_scan scans[8];
    uint32_t n = detector_scans(d, scans, 8);
    for (uint32_t i = 0; i < n; i++)
        if (scans[i].nopen > DET_OPEN_MAX || !scans[i].shape)
            abort();
    detector_free(d);
    pcap_close(p);
    return 0;
}
