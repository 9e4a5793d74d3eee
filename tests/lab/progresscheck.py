#!/usr/bin/env python3
"""Checks an interrupted scan's XML says, host by host, how far it went.

  progresscheck.py SCAN.xml ASKED [--min-hosts N]

Every <host> that is up must carry scout's "scout-progress" host script
(issue 18, item 6) unless all ASKED ports are decided: its "done" element
must count the decided ports (shown as <port>, or inside an <extrareasons>
range), its "asked" element must be ASKED, and its "unknown" table must list
exactly the other ports, so that decided + unknown is every port once, as a
later --resume needs.  A host without the script must have every port
decided.  Prints one line per host and exits 1 on any mismatch."""
import sys
import xml.etree.ElementTree as ET


def expand(spec):
    out = []
    for part in (spec or "").split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def check_host(host, asked):
    ip = host.find("address").get("addr")
    decided = [int(p.get("portid")) for p in host.iter("port")]
    for er in host.iter("extrareasons"):
        decided += expand(er.get("ports"))
    script = host.find("hostscript/script[@id='scout-progress']")
    if script is None:
        ok = len(decided) == asked and len(set(decided)) == asked
        return ok, f"{ip}: no progress mark, {len(decided)} of {asked} decided"
    elems = {e.get("key"): e.text for e in script.findall("elem")}
    unknown = []
    for e in script.findall("table[@key='unknown']/elem"):
        unknown += expand(e.text)
    every = sorted(decided + unknown)
    ok = (elems.get("state") == "interrupted" and int(elems.get("done", -1)) == len(decided)
          and int(elems.get("asked", -1)) == asked and every == list(range(1, asked + 1))
          and str(len(decided)) in script.get("output"))
    return ok, f"{ip}: {script.get('output')}; {len(decided)} decided + {len(unknown)} unknown"


def main():
    path, asked = sys.argv[1], int(sys.argv[2])
    min_hosts = int(sys.argv[sys.argv.index("--min-hosts") + 1]) if "--min-hosts" in sys.argv else 1
    hosts = [h for h in ET.parse(path).getroot().iter("host") if h.find("status").get("state") == "up"]
    bad = 0
    for i, h in enumerate(hosts):
        ok, line = check_host(h, asked)
        bad += not ok
        if not ok or i < 3:
            print(("    " if ok else "    BAD ") + line)
    print(f"    {len(hosts)} hosts up, {bad} wrong")
    sys.exit(0 if bad == 0 and len(hosts) >= min_hosts else 1)


if __name__ == "__main__":
    main()
