#!/usr/bin/env python3
"""ptrserver: a DNS server for reverse lookups only, with a known delay.

    ptrserver.py DELAY_MS [PORT]

Answers a PTR query for a.b.c.d.in-addr.arpa with h-a-b-c-d.lab.test, and
anything else with NXDOMAIN, each DELAY_MS after it came: every answer waits
the same, however many are outstanding (a timer per query, no queue), as a
distant resolver would.  It counts the queries it saw (SIGUSR1 prints the
count to stderr), so a test can tell lookups made from lookups skipped."""
import asyncio
import signal
import struct
import sys

DELAY = int(sys.argv[1]) / 1000.0
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 53
seen = 0


def qname(msg, off):
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            return labels, off
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n


def encode(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def answer(msg):
    qid, _flags, qd = struct.unpack(">HHH", msg[:6])
    if qd != 1:
        return None
    labels, end = qname(msg, 12)
    qtype, _qclass = struct.unpack(">HH", msg[end:end + 4])
    question = msg[12:end + 4]
    low = [l.lower() for l in labels]
    if qtype == 12 and len(low) == 6 and low[4:] == ["in-addr", "arpa"]:
        host = "h-%s.lab.test" % "-".join(reversed(labels[:4]))
        rdata = encode(host)
        rr = struct.pack(">HHHIH", 0xC00C, 12, 1, 60, len(rdata)) + rdata
        return struct.pack(">HHHHHH", qid, 0x8580, 1, 1, 0, 0) + question + rr
    return struct.pack(">HHHHHH", qid, 0x8583, 1, 0, 0, 0) + question


class Server(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, peer):
        global seen
        seen += 1
        try:
            reply = answer(data)
        except (IndexError, struct.error, UnicodeError):
            return
        if reply:
            asyncio.get_running_loop().call_later(DELAY, self.transport.sendto, reply, peer)


async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, lambda: print(seen, file=sys.stderr, flush=True))
    await loop.create_datagram_endpoint(Server, local_addr=("0.0.0.0", PORT))
    await asyncio.Event().wait()


asyncio.run(main())
