#!/usr/bin/env python3
"""udpecho: answers every datagram on each PORT with its own bytes (an empty
one with an empty one): a stand-in for a DNS server in the detector's benign
recording, and the UDP host's open ports of our own.  PORT=TEXT answers
TEXT (and \r\n) instead: a service in a protocol nobody knows.

  udpecho.py [--addr A] PORT[=TEXT] ...  (A: 0.0.0.0 unless given; IPv6 if it has a colon)"""
import selectors
import socket
import sys

addr = "0.0.0.0"
args = sys.argv[1:]
if args[:1] == ["--addr"]:
    addr, args = args[1], args[2:]
sel = selectors.DefaultSelector()
for spec in args:
    port, eq, text = spec.partition("=")
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    sel.register(s, selectors.EVENT_READ, text.encode() + b"\r\n" if eq else None)
while True:
    for key, _ in sel.select():
        try:
            data, peer = key.fileobj.recvfrom(2048)
            key.fileobj.sendto(data if key.data is None else key.data, peer)
        except OSError:
            pass
