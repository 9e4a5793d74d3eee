#!/usr/bin/env python3
"""mkflood: a synthetic capture of a random-source SYN flood with a real scan
inside, for --detect's memory and detection under load.

    mkflood.py OUT.pcap FLOOD_PACKETS [SCAN_PORTS]

The flood: SYNs to 198.18.0.11:80 from random sources, none answered (a
spoofed flood gets its SYN-ACKs sent to addresses that never reply).  The
scan: 198.18.0.1 sends SYNs to SCAN_PORTS ports of 198.18.0.11, spread evenly
through the flood; each is answered by an RST.  1 us between packets."""
import random
import struct
import sys

TARGET = bytes([198, 18, 0, 11])
SCANNER = bytes([198, 18, 0, 1])


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_packet(src, dst, sport, dport, seq, ack, flags):
    """An Ethernet frame of an IPv4 TCP segment, checksums right."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 1024, 0, 0)
    addrs = sum(struct.unpack("!4H", src + dst))
    tcp = tcp[:16] + struct.pack("!H", fold(addrs + 6 + 20 + sum(struct.unpack("!10H", tcp)))) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", fold(sum(struct.unpack("!10H", ip)))) + ip[12:]
    return b"\x00" * 12 + b"\x08\x00" + ip + tcp


def main():
    out, flood = sys.argv[1], int(sys.argv[2])
    ports = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rnd = random.Random(7)
    every = max(1, flood // ports)
    t = 1_700_000_000_000_000  # microseconds
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 256, 1))
        def put(frame):
            nonlocal t
            t += 1
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)) + frame)
        port = 1
        for i in range(flood):
            src = struct.pack("!I", rnd.getrandbits(32) | 0x01000000)
            put(tcp_packet(src, TARGET, rnd.randrange(1024, 65535), 80, rnd.getrandbits(32), 0, 0x02))
            if i % every == 0 and port <= ports:
                put(tcp_packet(SCANNER, TARGET, 45000, port, 1000 + port, 0, 0x02))
                put(tcp_packet(TARGET, SCANNER, port, 45000, 0, 1001 + port, 0x14))
                port += 1


if __name__ == "__main__":
    main()
