#!/usr/bin/env python3
"""benign: the traffic a scan detector must not call a scan.

    benign.py WEB_HOSTS SVC_HOST CLOSED_HOST [UDP_HOST]
    benign.py --mdns-responder ADDR NAME

Against the lab: HTTP load (200 requests to one server), DNS-style UDP
queries answered by a local responder, a client using several services on
one host, 20 retries to one closed port, a crawler that reaches every web
server given, and repeated SSH connections.  With UDP_HOST (a host running
Debian's dnsmasq and chronyd), real clients of those: glibc's stub resolver
(getent, with a resolv.conf of our own bind-mounted in a private mount
namespace) and chronyd as an NTP client (-Q: measures, sets nothing); and
mDNS the ways hosts use it: queries to 224.0.0.251:5353 from port 5353
(multicast and unicast-response answers) and one-shot "legacy" queries
from ephemeral ports (answered unicast, RFC 6762 6.7).

--mdns-responder answers, at ADDR, queries for NAME.local (A records) as
an mDNS responder does, after announcing it; it runs until killed."""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

MDNS_GROUP, MDNS_PORT = "224.0.0.251", 5353


def http_get(host, port=80):
    with socket.create_connection((host, port), timeout=3) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: lab\r\n\r\n")
        while s.recv(4096):
            pass


def touch(host, port):
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.settimeout(1)
            try:
                s.recv(256)
            except OSError:
                pass
    except OSError:
        pass


def dns_like(server):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
        c.settimeout(2)
        for i in range(50):
            c.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03lab\x00\x00\x01\x00\x01", (server, 53))
            c.recvfrom(512)


def dns_glibc(server, names):
    """glibc's resolver, as any program's getaddrinfo() uses it."""
    with tempfile.NamedTemporaryFile("w", suffix=".resolv.conf", delete=False) as f:
        f.write(f"nameserver {server}\nsearch lab.test\noptions timeout:1 attempts:2\n")
    os.chmod(f.name, 0o644)
    try:
        script = 'c=$1; shift; mount --bind "$c" /etc/resolv.conf && for n; do getent ahosts "$n"; done'
        subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", f.name,
                        *names], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    finally:
        os.unlink(f.name)


def ntp_client(server):
    """chronyd as a client: an iburst of requests from port 123, offsets logged, clock untouched."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["chronyd", "-Q", "-t", "20", "-u", "root", f"server {server} iburst",
                        "cmdport 0", f"pidfile {d}/chronyd.pid"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


def mdns_query(name, qu=False, qid=0):
    """An mDNS question for NAME.local, type A; qu asks for a unicast answer."""
    labels = b"".join(bytes([len(p)]) + p.encode() for p in (name, "local"))
    return struct.pack(">6H", qid, 0, 1, 0, 0, 0) + labels + b"\x00" + struct.pack(">HH", 1, 0x8001 if qu else 1)


def mdns_socket(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(addr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    if port == MDNS_PORT:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     socket.inet_aton(MDNS_GROUP) + socket.inet_aton(addr))
    return s


def mdns_client(addr, names):
    """A host's mDNS querier (port 5353, multicast and unicast-response
    questions) and one-shot resolvers (a fresh ephemeral port each)."""
    with mdns_socket(addr, MDNS_PORT) as s:
        s.settimeout(0.3)
        for i, name in enumerate(names * 3):
            s.sendto(mdns_query(name, qu=i < len(names)), (MDNS_GROUP, MDNS_PORT))
            try:
                while True:
                    s.recvfrom(1500)
            except OSError:
                pass
    for i, name in enumerate(names * 4):
        with mdns_socket(addr, 0) as s:
            s.settimeout(0.5)
            s.sendto(mdns_query(name, qid=0x4000 + i), (MDNS_GROUP, MDNS_PORT))
            try:
                s.recvfrom(1500)
            except OSError:
                pass


def mdns_answer(query, name, addr):
    """The response to QUERY if it asks for NAME.local, else None."""
    want = b"".join(bytes([len(p)]) + p.encode() for p in (name, "local")) + b"\x00"
    if len(query) < 12 or want not in query[12:]:
        return None
    rr = want + struct.pack(">HHIH", 1, 0x8001, 120, 4) + socket.inet_aton(addr)
    return struct.pack(">6H", struct.unpack(">H", query[:2])[0], 0x8400, 0, 1, 0, 0) + rr


def mdns_responder(addr, name):
    with mdns_socket(addr, MDNS_PORT) as s:
        announce = mdns_answer(mdns_query(name), name, addr)
        for _ in range(2):
            s.sendto(announce, (MDNS_GROUP, MDNS_PORT))
            time.sleep(0.2)
        while True:
            query, (peer, port) = s.recvfrom(1500)
            answer = mdns_answer(query, name, addr)
            if not answer or peer == addr:
                continue
            qu = len(query) >= 4 and query[-2] & 0x80
            if port != MDNS_PORT:  # a legacy resolver: unicast, its question echoed
                s.sendto(answer, (peer, port))
            elif qu:
                s.sendto(answer, (peer, MDNS_PORT))
            else:
                s.sendto(b"\x00\x00" + answer[2:], (MDNS_GROUP, MDNS_PORT))  # ID 0


def main():
    if sys.argv[1] == "--mdns-responder":
        mdns_responder(sys.argv[2], sys.argv[3])
        return
    web, svc, closed = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
    if len(sys.argv) > 4:
        udp = sys.argv[4]
        dns_glibc(udp, ["u1", "printer", "www.lab.test", "u1.lab.test", "nas", "mail.lab.test"] * 2)
        ntp_client(udp)
        me = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        me.connect((udp, 9))
        mdns_client(me.getsockname()[0], ["lab-printer", "lab-nas", "nobody-here"])
        me.close()
    for _ in range(200):
        http_get(web[0])
    dns_like(svc)
    for port in (21, 22, 80, 443, 6379):
        touch(svc, port)
    for _ in range(20):
        touch(closed, 9)
        time.sleep(0.05)
    for host in web:
        http_get(host)
    for _ in range(10):
        touch(svc, 22)


if __name__ == "__main__":
    main()
