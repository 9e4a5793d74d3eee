#!/usr/bin/env python3
"""svccheck: -sV results of the lab's service host against the versions of
the Debian packages actually installed (dpkg), port by port.

    svccheck.py XML IP [PORTS]

PORTS (comma-separated) limits the check to those ports.  Prints one line
per port and "svccheck: N/M ports right"; exit 0 when all are."""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def upstream(pkg):
    """Upstream version of an installed package: 1:9.2p1-2+deb12u10 -> 9.2p1."""
    v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
    v = v.split(":", 1)[-1]
    return re.split(r"[-~+]", v, 1)[0] if v else None


def expectations():
    ssh, nginx, redis, vsftpd, exim, mosquitto = (
        upstream(p) for p in ("openssh-server", "nginx-common", "redis-server", "vsftpd", "exim4-daemon-light",
                              "mosquitto"))
    return {
        21: dict(name="ftp", product="vsftpd", version=vsftpd),
        22: dict(name="ssh", product="OpenSSH", version_prefix=ssh),
        25: dict(name="smtp", product="Exim smtpd", version=exim, hostname="mail.lab.test"),
        80: dict(name="http", product="nginx", version=nginx),
        443: dict(name="http", tunnel="ssl", product="nginx", version=nginx, cert="CN=scout-lab"),
        6379: dict(name="redis", version=redis),
        7000: dict(product=None),          # silent: nothing to identify
        7001: dict(name="tcpwrapped"),     # closes at once
        7002: dict(product=None),          # talks without end: bounded, not identified
        # PostgreSQL tells an unauthenticated peer nothing of its version;
        # nmap-service-probes softmatches it, as nmap names it
        5432: dict(name="postgresql", product="PostgreSQL DB", version="9.6.0 or later"),
        7004: dict(product=None),          # answers in no known protocol: its fingerprint
        # the version from scout's MQTT dialog ($SYS/broker/version); nmap's
        # probes name the service only
        1883: dict(name="mqtt", product="Eclipse Mosquitto", version=mosquitto),
    }


def main():
    root = ET.parse(sys.argv[1]).getroot()
    ports = {}
    for host in root.iter("host"):
        if sys.argv[2] in [a.get("addr") for a in host.iter("address")]:
            for p in host.iter("port"):
                ports[int(p.get("portid"))] = p
    right = 0
    want = expectations()
    if len(sys.argv) > 3:
        only = {int(p) for p in sys.argv[3].split(",")}
        want = {p: e for p, e in want.items() if p in only}
    for port, exp in sorted(want.items()):
        p = ports.get(port)
        svc = p.find("service") if p is not None else None
        got = dict(svc.attrib) if svc is not None else {}
        certs = [s.get("output") for s in p.iter("script") if s.get("id") == "ssl-cert"] if p is not None else []
        bad = []
        for k, v in exp.items():
            if k == "version_prefix":
                if not (got.get("version") or "").startswith(v or "?"):
                    bad.append(f"version {got.get('version')!r} does not start with {v!r}")
            elif k == "cert":
                if not any(v in c for c in certs):
                    bad.append(f"no certificate with {v}")
            elif got.get(k) != v:
                bad.append(f"{k} {got.get(k)!r}, want {v!r}")
        right += not bad
        print(f"{port}: {'ok' if not bad else 'WRONG: ' + '; '.join(bad)}  {got}")
    print(f"svccheck: {right}/{len(want)} ports right")
    return 0 if right == len(want) else 1


if __name__ == "__main__":
    sys.exit(main())
