"""Answers ICMP address mask requests (type 17) with a reply (type 18), as
old routers and some embedded stacks do; Linux itself never answers them.
Usage: maskreply.py COUNT (exits after answering COUNT requests)."""
import socket, struct, sys


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    left = int(sys.argv[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    while left > 0:
        pkt, (src, _) = s.recvfrom(2048)
        icmp = pkt[(pkt[0] & 15) * 4:]
        if len(icmp) < 12 or icmp[0] != 17:
            continue
        ident, seq = struct.unpack("!HH", icmp[4:8])
        body = struct.pack("!BBHHH4s", 18, 0, 0, ident, seq, socket.inet_aton("255.255.255.0"))
        s.sendto(body[:2] + struct.pack("!H", checksum(body)) + body[4:], (src, 0))
        left -= 1


main()
