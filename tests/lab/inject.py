#!/usr/bin/env python3
"""inject: forged replies for the raw scanner's receiver, sent from a target.

    inject.py SRC DST DPORT FIRST_PORT COUNT MALFORMED [BADSUM]

Sends COUNT SYN-ACKs from SRC:FIRST_PORT.. to DST:DPORT whose sequence and
acknowledgement numbers are random (spoofed, or left over from another scan),
then MALFORMED TCP segments whose data offset points past their end, then
BADSUM resets whose TCP checksum is wrong.  The scanner must reject and
count every one, and keep the real answers."""
import random
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def segment(src, dst, sport, dport, seq, ack, flags, doff=5, spoil=0):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 1024, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp) ^ spoil) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + tcp


def main():
    src, dst = sys.argv[1], sys.argv[2]
    dport, first, count, malformed = (int(a) for a in sys.argv[3:7])
    badsum = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    rnd = random.Random(1)
    for i in range(count):
        pkt = segment(src, dst, first + i, dport, rnd.getrandbits(32), rnd.getrandbits(32), 0x12)
        s.sendto(pkt, (dst, 0))
    for i in range(malformed):
        pkt = segment(src, dst, first + i, dport, 0, 0, 0x14, doff=15)
        s.sendto(pkt, (dst, 0))
    for i in range(badsum):
        pkt = segment(src, dst, first + i, dport, 0, 0, 0x14, spoil=0x5555)
        s.sendto(pkt, (dst, 0))


if __name__ == "__main__":
    main()
