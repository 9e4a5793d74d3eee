#!/usr/bin/env python3
"""udpecho: answers every datagram on PORT with its own bytes (a stand-in for
a DNS server in the detector's benign recording)."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
