#!/usr/bin/env python3
"""Host discovery results against the lab's truth (issue 15).

  disccheck.py segment TRUTH_DISC NS...   > FILE
      The truth of the whole segment: TRUTH_DISC's lines (lab_setup_disc)
      and a line for every other address of 198.18.0.0/24 and 2001:2::/64
      held by an Ethernet interface of the lab namespaces NS... (the first
      is the scanner's): "ADDRESS up arp-response|nd-response MAC ?", VENDOR
      "?" (their MACs are random, the vendor is not checked); the scanner's
      own addresses "ADDRESS up ? - -" (up, any reason, no MAC shown).

  disccheck.py check TRUTH RESULT [--format xml|json|arpscan] [--net CIDR]...
                     [--what status,reason,mac,vendor] [--reason-not R,...] [--ignore ADDR]...
      Every truth line inside the --net networks (default: all) against
      RESULT: scout's or nmap's XML, scout's JSON lines, or arp-scan's
      output (only "up" and MAC/vendor known: an absent host is down).  A
      host up in RESULT inside the networks but absent from TRUTH is an
      error too.  --what picks what is compared (default all four);
      --reason-not replaces the reason check by "not one of these" (scans
      that must not have been decided by ARP); --ignore leaves an address
      out of both (the scanner's own, which arp-scan never lists).  Prints
      one summary line ("NET: status 10/10, reason 10/10, mac 9/9, vendor
      4/4, extra 0") and each mismatch; exits 0 when everything asked
      matched.

TRUTH lines: "ADDRESS STATUS REASON MAC VENDOR", VENDOR the rest of the
line; "-" means none (no MAC shown, no vendor known), "?" not checked."""
import ipaddress
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

SEG4 = ipaddress.ip_network("198.18.0.0/24")
SEG6 = ipaddress.ip_network("2001:2::/64")


def read_truth(path):
    truth = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split(None, 4)
        addr = ipaddress.ip_address(f[0])
        truth[addr] = dict(status=f[1], reason=f[2], mac=f[3].upper(), vendor=f[4] if len(f) > 4 else "-")
    return truth


def segment(truth_disc, namespaces):
    truth = read_truth(truth_disc)
    lines, seen = [], set(truth)
    for i, ns in enumerate(namespaces):
        out = subprocess.run(["ip", "-n", ns, "-j", "addr"], capture_output=True, text=True).stdout
        for link in json.loads(out or "[]"):
            if link.get("link_type") != "ether":
                continue
            for a in link.get("addr_info", []):
                addr = ipaddress.ip_address(a["local"])
                if addr in seen or not (addr in SEG4 or addr in SEG6):
                    continue
                seen.add(addr)
                if i == 0:
                    lines.append(f"{addr} up ? - -")
                else:
                    why = "arp-response" if addr.version == 4 else "nd-response"
                    lines.append(f"{addr} up {why} {link['address'].upper()} ?")
    with open(truth_disc) as f:
        print(f.read(), end="")
    print("# the rest of the segment (disccheck.py segment)")
    print("\n".join(lines))


def read_xml(path):
    got = {}
    for host in ET.parse(path).getroot().iter("host"):
        st = host.find("status")
        h = dict(status=st.get("state"), reason=st.get("reason"), mac="-", vendor="-")
        for a in host.findall("address"):
            if a.get("addrtype") == "mac":
                h["mac"] = a.get("addr").upper()
                h["vendor"] = a.get("vendor") or "-"
            else:
                addr = ipaddress.ip_address(a.get("addr"))
        got[addr] = h
    return got


def read_json(path):
    got = {}
    for line in open(path):
        j = json.loads(line)
        if j.get("event") != "host":
            continue
        got[ipaddress.ip_address(j["ip"])] = dict(status=j["status"], reason=j["reason"],
                                                  mac=(j.get("mac") or "-").upper(), vendor=j.get("vendor") or "-")
    return got


def read_arpscan(path):
    got = {}
    for line in open(path):
        m = re.match(r"(\d+\.\d+\.\d+\.\d+)\t([0-9a-fA-F:]{17})\t(.*)", line.rstrip("\n"))
        if m:
            vendor = m[3].removesuffix(" (DUP: 2)")
            got.setdefault(ipaddress.ip_address(m[1]), dict(status="up", reason="?", mac=m[2].upper(),
                                                           vendor="-" if vendor.startswith("(Unknown") else vendor))
    return got


def check(argv):
    import argparse
    p = argparse.ArgumentParser(prog="disccheck.py check")
    p.add_argument("truth")
    p.add_argument("result")
    p.add_argument("--format", default="xml", choices=["xml", "json", "arpscan"])
    p.add_argument("--net", action="append", default=[])
    p.add_argument("--what", default="status,reason,mac,vendor")
    p.add_argument("--reason-not", default="")
    p.add_argument("--ignore", action="append", default=[])
    a = p.parse_args(argv)
    nets = [ipaddress.ip_network(n) for n in a.net]
    ignore = {ipaddress.ip_address(x) for x in a.ignore}
    inside = lambda addr: addr not in ignore and (not nets or any(addr.version == n.version and addr in n
                                                                   for n in nets))
    truth = {k: v for k, v in read_truth(a.truth).items() if inside(k)}
    got = {"xml": read_xml, "json": read_json, "arpscan": read_arpscan}[a.format](a.result)
    what = a.what.split(",")
    bad_reasons = set(filter(None, a.reason_not.split(",")))
    score = {w: [0, 0] for w in what}
    errors = []
    for addr in sorted(truth, key=lambda x: (x.version, x)):
        want = truth[addr]
        have = got.get(addr, dict(status="down", reason="no-response", mac="-", vendor="-"))
        for w in what:
            expect = want[w]
            if expect == "?" or (w != "status" and want["status"] != "up"):
                continue
            if w == "vendor" and want["mac"] == "-":
                continue  # no MAC, no vendor: the mac check covers it
            if w == "reason" and bad_reasons:
                ok = have["status"] == "up" and have["reason"] not in bad_reasons
                expect = "not " + "/".join(sorted(bad_reasons))
            elif w == "reason" and have["reason"] == "?":
                continue  # arp-scan says no reason
            else:
                ok = have[w] == expect
            score[w][0] += ok
            score[w][1] += 1
            if not ok:
                errors.append(f"  {addr}: {w} {have[w]!r}, want {expect!r}")
    extra = [k for k, v in got.items() if inside(k) and v["status"] == "up" and k not in truth]
    errors += [f"  {k}: up, not in the truth" for k in extra]
    name = ",".join(a.net) or "all"
    print(f"{name}: " + ", ".join(f"{w} {s[0]}/{s[1]}" for w, s in score.items()) + f", extra {len(extra)}")
    for e in errors:
        print(e)
    return 0 if not errors else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["segment"] and len(sys.argv) >= 4:
        segment(sys.argv[2], sys.argv[3:])
    elif sys.argv[1:2] == ["check"]:
        sys.exit(check(sys.argv[2:]))
    else:
        sys.exit(__doc__)
