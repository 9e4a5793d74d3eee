#!/usr/bin/env python3
"""udpecho: answers every datagram on each PORT with its own bytes (an empty
one with an empty one): a stand-in for a DNS server in the detector's benign
recording, and the UDP host's open ports of our own.

  udpecho.py [--addr A] PORT ...     (A: 0.0.0.0 unless given; IPv6 if it has a colon)"""
import selectors
import socket
import sys

addr = "0.0.0.0"
args = sys.argv[1:]
if args[:1] == ["--addr"]:
    addr, args = args[1], args[2:]
sel = selectors.DefaultSelector()
for port in args:
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        try:
            data, peer = key.fileobj.recvfrom(2048)
            key.fileobj.sendto(data, peer)
        except OSError:
            pass
