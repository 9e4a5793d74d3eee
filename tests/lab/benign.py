#!/usr/bin/env python3
"""benign: the traffic a scan detector must not call a scan.

    benign.py WEB_HOSTS SVC_HOST CLOSED_HOST

Against the lab: HTTP load (200 requests to one server), DNS-style UDP
queries answered by a local responder, a client using several services on
one host, 20 retries to one closed port, a crawler that reaches every web
server given, and repeated SSH connections."""
import socket
import sys
import threading
import time


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


def main():
    web, svc, closed = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
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
