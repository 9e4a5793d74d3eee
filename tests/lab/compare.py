#!/usr/bin/env python3
"""Compares every port of an nmap-format XML scan with a lab ground truth.

  compare.py SCAN.xml TRUTH HOSTIP PORTSPEC [--states-only] [--scan TYPE] [--proto udp]

HOSTIP may be IPv4 or IPv6 (nmap's XML says addrtype="ipv6"); addresses are
compared in canonical form.  PORTSPEC is what was scanned ("1-65535", "1-1000,5000-5100").  Every scanned
port must appear exactly once in the XML (shown, or inside an <extrareasons>
range) with the truth's state and reason.  --states-only compares states
alone (for peers that name reasons differently).  Prints one line per
mismatch (at most 20) and a summary; exits 1 on any mismatch.

The truth is written as a connect scan sees it; --scan TYPE (syn, ack, fin,
null, xmas, window, maimon) maps it to what that raw scan must report of the
same port, by nmap's state tables and Linux's behaviour (a Linux stack
answers any ACK-bearing segment to a port without a connection with a RST
of window 0, whether the port is open or closed).

--proto udp compares the XML's UDP ports (protocol="udp", and <extrareasons
proto="udp">) with a UDP truth (truthu-HOST), taken as is: it is written as
nmap -sU must report it.  Without it only TCP ports are read, so a scan of
both protocols can be checked once for each."""
import ipaddress
import sys
import xml.etree.ElementTree as ET


def expand(spec):
    out = []
    for part in spec.split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def canon(addr):
    """One spelling per address (2001:2:0:0::10 and 2001:2::10 are one)."""
    try:
        return ipaddress.ip_address(addr).compressed
    except ValueError:
        return addr  # a MAC address, or not an address at all


def load_truth(path):
    default, ports = None, {}
    for line in open(path):
        f = line.split("#")[0].split()
        if not f:
            continue
        if f[0] == "default":
            default = (f[1], f[2])
        else:
            ports[int(f[0])] = (f[1], f[2])
    return default, ports


def expected(scan, state, reason):
    if scan == "connect":
        return state, reason
    reached = state in ("open", "closed")       # the probe reached the stack
    silent = (state, reason) == ("filtered", "no-response")
    if scan == "syn":
        return (state, "reset") if state == "closed" else (state, reason)
    if scan == "ack":
        return ("unfiltered", "reset") if reached else (state, reason)
    if scan in ("window", "maimon"):
        if reached:
            return ("closed", "reset")
        return ("open|filtered", reason) if silent and scan == "maimon" else (state, reason)
    # fin, null, xmas: an open port ignores the probe
    if state == "open" or silent:
        return ("open|filtered", "no-response")
    return ("closed", "reset") if state == "closed" else (state, reason)


def load_scan(path, ip, proto="tcp"):
    seen = {}
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"compare: cannot read {path}: {e}")
        return seen
    for host in root.iter("host"):
        addrs = [canon(a.get("addr")) for a in host.iter("address")]
        if canon(ip) not in addrs:
            continue
        for ex in host.iter("extraports"):
            state = ex.get("state")
            for er in ex.iter("extrareasons"):
                if er.get("proto", proto) != proto:
                    continue
                for p in expand(er.get("ports", "")):
                    seen.setdefault(p, []).append((state, er.get("reason")))
        for port in host.iter("port"):
            if port.get("protocol") != proto:
                continue
            st = port.find("state")
            seen.setdefault(int(port.get("portid")), []).append((st.get("state"), st.get("reason")))
    return seen


def main():
    xml, truth, ip, spec = sys.argv[1:5]
    states_only = "--states-only" in sys.argv
    scan = sys.argv[sys.argv.index("--scan") + 1] if "--scan" in sys.argv else "connect"
    proto = sys.argv[sys.argv.index("--proto") + 1] if "--proto" in sys.argv else "tcp"
    if proto == "udp":
        scan = "connect"  # the UDP truth is already -sU's
    default, exceptions = load_truth(truth)
    seen = load_scan(xml, ip, proto)
    bad = 0
    for p in expand(spec):
        want = expected(scan, *exceptions.get(p, default))
        got = seen.get(p, [])
        ok = len(got) == 1 and (got[0][0] == want[0] if states_only else got[0] == want)
        if not ok:
            bad += 1
            if bad <= 20:
                print(f"port {p}: want {want[0]} {want[1]}, got {got or 'nothing'}")
    n = len(expand(spec))
    what = "ports" if proto == "tcp" else f"{proto} ports"
    print(f"compare: {n - bad}/{n} {what} right for {ip}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
