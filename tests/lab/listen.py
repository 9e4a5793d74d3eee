#!/usr/bin/env python3
"""A lab TCP listener: binds every port given and accepts until killed.

  listen.py [--addr A] PORT[:BANNER] ...
A connection gets BANNER (with \\r\\n appended) if one was given, then is
closed; with the banner "@silent" it is held open and never spoken to (a
service that waits for the client); with "@flood" it is sent data without
end until the client goes (a service that never stops talking); with
"@reply:TEXT" it waits for the client's first bytes, answers TEXT (with
\r\n) and closes (a service that speaks second, in a protocol nobody
knows).  One
process serves all ports so a lab host costs one process."""
import selectors
import socket
import sys
import threading


def flood(conn):
    chunk = b"x" * 65536
    try:
        while True:
            conn.sendall(chunk)
    except OSError:
        conn.close()


addr = "0.0.0.0"
args = sys.argv[1:]
if args[:1] == ["--addr"]:
    addr, args = args[1], args[2:]
sel = selectors.DefaultSelector()
for spec in args:
    port, _, banner = spec.partition(":")
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(512)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, banner.encode() + b"\r\n" if banner else b"")
def reply(conn, text):
    try:
        conn.settimeout(30)
        if conn.recv(4096):
            conn.sendall(text)
    except OSError:
        pass
    conn.close()


held = []
while True:
    for key, _ in sel.select():
        try:
            conn, _ = key.fileobj.accept()
        except OSError:
            continue
        if key.data == b"@flood\r\n":
            threading.Thread(target=flood, args=(conn,), daemon=True).start()
            continue
        if key.data.startswith(b"@reply:"):
            threading.Thread(target=reply, args=(conn, key.data[7:]), daemon=True).start()
            continue
        if key.data == b"@silent\r\n":
            held = held[-200:] + [conn]
            continue
        try:
            if key.data:
                conn.sendall(key.data)
        except OSError:
            pass
        conn.close()
