#!/usr/bin/env python3
"""OS detection (-O) checks: scout's fingerprints and matches against nmap's.

Both XMLs are nmap's format: per host an <os> element with <portused>,
<osmatch name accuracy line> (best first) and
<osfingerprint fingerprint="OS:SCAN(...)..."/> (lines of "OS:" + 71
columns, as nmap writes them).

  oscheck.py fp NMAP_XML SCOUT_XML [--host IP]...
      Compares each host's fingerprint test line by test line, attribute by
      attribute; only the timing-dependent values below are exempt (or held
      to a tolerance).  Prints every difference; exit 1 if any, 2 if a
      file cannot be read.  Hosts: those given, else every host of NMAP_XML.
  oscheck.py best NMAP_XML... SCOUT_XML [--slack N] [--host IP]...
      Scout's best osmatch must be among nmap's three best: any match
      whose accuracy is at least that of nmap's third (ties at the third
      place count; with fewer than three, the last), less N points.  Given
      several nmap XMLs (runs of the same hosts), any of them will do.
  oscheck.py show XML [--host IP]...
      One line per host: "IP BEST (ACC%) | 2nd | 3rd" or "IP -".
  oscheck.py labdb NMAP_XML IP=NAME...  > nmap-os-db
      An nmap-os-db of nmap's MatchPoints and one entry per host IP of
      NMAP_XML (named "Scout lab NAME", class "Scout | Lab OS |
      NAME | general purpose", CPE cpe:/o:scout:lab_os:NAME), its tests as
      nmap observed them, the timing-dependent values widened to ranges:
      every lab host then has an exact (100 %) match, whoever measures it.

Timing-dependent values (measured: nmap -O run 3 times on each lab
personality, lab.sh lab_setup_os, plus one run over all four at once):
  SCAN  V E P     the scanner's name, engine and platform, not the target's.
        D TM      the date and the time of the scan.
        CU        the closed UDP port: with no UDP scan nmap picks one at
                  random (scout may choose another).
  SEQ   SP ISR    from the ISNs of the six SYNs.  Linux hashes the 4-tuple
                  into each ISN and every probe has its own source port, so
                  the differences are random 32-bit numbers: SP and ISR are
                  functions of noise and of the probes' spacing (nmap saw
                  SP FF-108, ISR 106-110 over 12 runs).  Held to +-0x10, which
                  still catches a wrong spacing (10 ms instead of 100 ms moves
                  ISR by 0x1A) or probes sharing a source port (ISR near BF).
        GCD       the GCD of those random differences: 1 usually, more by
                  chance (1 in ~28 for five differences).  Both 1-6 agree
                  (nmap-os-db's Linux entries say GCD=1-6).
        TS        with net.ipv4.tcp_timestamps=1 Linux (>= 4.10) offsets each
                  connection's clock by a hash of its addresses and ports: the
                  "rate" is noise over the probes' spacing (21, 22 seen).  Two
                  values above C (a clock of more than 4096 Hz, no real one)
                  agree; U, 0, 1, 7, 8, A... must be equal.
  Everything else (SEQ TI CI II SS, OPS, WIN, ECN, T1-T7, U1, IE, and SCAN's
  OT CT PV DS DC G M) was the same in every run and must be equal.  A test
  that nmap repeats (a second SEQ line from another try) is compared by its
  first occurrence only: whether a try differs is itself timing."""
import sys
import xml.etree.ElementTree as ET

IGNORED = {("SCAN", a) for a in ("V", "E", "P", "D", "TM", "CU")}
NEAR = {("SEQ", "SP"): 0x10, ("SEQ", "ISR"): 0x10}  # tolerance, in nmap's units


def load(path):
    """{ip: host element} of an nmap-format XML."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        sys.exit(f"oscheck: {path}: {e}")
    hosts = {}
    for h in root.iter("host"):
        for a in h.iter("address"):
            if a.get("addrtype") in ("ipv4", "ipv6"):
                hosts[a.get("addr")] = h
                break
    return hosts


def fingerprint(host):
    """[(test, {attr: value})] in order, or None when there is none."""
    f = host.find("os/osfingerprint")
    if f is None or not f.get("fingerprint"):
        return None
    text = "".join(line[3:] if line.startswith("OS:") else line for line in f.get("fingerprint").splitlines())
    tests, i = [], 0
    while i < len(text):
        open_ = text.find("(", i)
        close = text.find(")", open_)
        if open_ < 0 or close < 0:
            break
        attrs = {}
        for kv in text[open_ + 1 : close].split("%"):
            k, _, v = kv.partition("=")
            attrs[k] = v
        tests.append((text[i:open_], attrs))
        i = close + 1
    return tests


def first_of_each(tests):
    out = {}
    for name, attrs in tests:
        out.setdefault(name, attrs)
    return out


def hexval(v):
    try:
        return int(v, 16)
    except ValueError:
        return None


def same(test, attr, a, b):
    """Whether nmap's value a and scout's b agree, and the rule used."""
    if (test, attr) in IGNORED:
        return True
    if (test, attr) in NEAR:
        x, y = hexval(a), hexval(b)
        return x is not None and y is not None and abs(x - y) <= NEAR[(test, attr)]
    if (test, attr) == ("SEQ", "GCD"):
        x, y = hexval(a), hexval(b)
        return a == b or (x is not None and y is not None and 1 <= x <= 6 and 1 <= y <= 6)
    if (test, attr) == ("SEQ", "TS"):
        x, y = hexval(a), hexval(b)
        return a == b or (x is not None and y is not None and x > 0xC and y > 0xC)
    return a == b


def compare_fp(nmap_host, scout_host):
    """Differences between two hosts' fingerprints, as lines."""
    n, s = fingerprint(nmap_host), fingerprint(scout_host)
    if n is None:
        return ["nmap has no fingerprint for this host"]
    if s is None:
        return ["scout has no fingerprint (no <osfingerprint fingerprint=...>)"]
    nt, st = first_of_each(n), first_of_each(s)
    diffs = []
    for name in nt:
        if name not in st:
            diffs.append(f"{name}: missing in scout's (nmap's: {name}({fmt(nt[name])}))")
            continue
        for attr, val in nt[name].items():
            if attr not in st[name]:
                diffs.append(f"{name}.{attr}: missing in scout's (nmap's {val!r})")
            elif not same(name, attr, val, st[name][attr]):
                diffs.append(f"{name}.{attr}: nmap {val!r}, scout {st[name][attr]!r}")
        for attr in st[name]:
            if attr not in nt[name]:
                diffs.append(f"{name}.{attr}: only in scout's ({st[name][attr]!r})")
    for name in st:
        if name not in nt:
            diffs.append(f"{name}: only in scout's: {name}({fmt(st[name])})")
    if [t for t in nt if t in st] != [t for t in st if t in nt]:
        diffs.append(f"test order: nmap {list(nt)}, scout {list(st)}")
    return diffs


def fmt(attrs):
    return "%".join(f"{k}={v}" for k, v in attrs.items())


def matches(host):
    return [(m.get("name"), int(m.get("accuracy", "0")), m.get("line")) for m in host.iter("osmatch")]


def best3(host, slack):
    """nmap's three best, ties at the third place included (less slack points)."""
    ms = matches(host)
    if not ms:
        return []
    third = ms[min(2, len(ms) - 1)][1]
    return [m for m in ms if m[1] >= third - slack]


def show(m):
    return f"{m[0]} ({m[1]}%, line {m[2]})"


def pick_hosts(argv, first):
    hosts = [argv[i + 1] for i, a in enumerate(argv) if a == "--host" and i + 1 < len(argv)]
    return hosts or list(first)


def mode_fp(argv):
    n, s = load(argv[0]), load(argv[1])
    bad = 0
    for ip in pick_hosts(argv, n):
        if ip not in n or ip not in s:
            print(f"{ip}: not in {'nmap' if ip not in n else 'scout'}'s XML")
            bad += 1
            continue
        diffs = compare_fp(n[ip], s[ip])
        print(f"{ip}: fingerprints agree" if not diffs else f"{ip}: {len(diffs)} difference(s)")
        for d in diffs:
            print(f"    {d}")
        bad += bool(diffs)
    return 1 if bad else 0


def mode_best(argv):
    files = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] not in ("--slack", "--host"))]
    slack = int(argv[argv.index("--slack") + 1]) if "--slack" in argv else 0
    if len(files) < 2:
        sys.exit("oscheck: best NMAP_XML... SCOUT_XML")
    runs, s = [load(f) for f in files[:-1]], load(files[-1])
    bad = 0
    for ip in pick_hosts(argv, runs[0]):
        sm = matches(s[ip]) if ip in s else []
        if not sm:
            print(f"{ip}: scout has no osmatch")
            bad += 1
            continue
        ok = False
        for run in runs:
            top = best3(run[ip], slack) if ip in run else []
            if any(m[0] == sm[0][0] for m in top):
                ok = True
            print(f"{ip}: scout's best {show(sm[0])}; nmap's three best{f' (-{slack})' if slack else ''}: "
                  + ("; ".join(show(m) for m in top) or "none"))
        print(f"    {'among them' if ok else 'NOT among them'}")
        bad += not ok
    return 1 if bad else 0


def mode_show(argv):
    x = load(argv[0])
    for ip in pick_hosts(argv, x):
        ms = matches(x[ip]) if ip in x else []
        print(ip, " | ".join(f"{m[0]} ({m[1]}%)" for m in ms[:3]) if ms else "-")
    return 0


# Widening of the timing-dependent SEQ values in labdb entries (see above).
def widen(attr, val):
    v = hexval(val)
    if attr in ("SP", "ISR") and v is not None:
        return f"{max(v - 0x20, 0):X}-{v + 0x20:X}"
    if attr == "GCD":
        return "1-6"
    if attr == "TS" and v is not None and v > 0xC:
        return "D-3F"
    return val


def mode_labdb(argv):
    x = load(argv[0])
    pairs = [a.partition("=")[::2] for a in argv[1:]]
    db = open("/usr/share/nmap/nmap-os-db").read().splitlines()
    i = db.index("MatchPoints")
    out = ["# scout's lab OS database (tests/lab/oscheck.py labdb): nmap's MatchPoints and",
           "# one entry per lab personality, as nmap -O measured it.", ""]
    j = i
    while j < len(db) and db[j].strip():
        out.append(db[j])
        j += 1
    for ip, name in pairs:
        if ip not in x:
            sys.exit(f"oscheck: {ip} is not in {argv[0]}")
        tests = fingerprint(x[ip])
        if tests is None:
            sys.exit(f"oscheck: {ip} has no fingerprint in {argv[0]}")
        out += ["", f"# {ip}", f"Fingerprint Scout lab {name}", f"Class Scout | Lab OS | {name} | general purpose",
                f"CPE cpe:/o:scout:lab_os:{name}"]
        for tname, attrs in first_of_each(tests).items():
            if tname == "SCAN":
                continue
            if tname == "SEQ":
                attrs = {k: widen(k, v) for k, v in attrs.items()}
            out.append(f"{tname}({fmt(attrs)})")
    print("\n".join(out))
    return 0


def main():
    modes = {"fp": mode_fp, "best": mode_best, "show": mode_show, "labdb": mode_labdb}
    if len(sys.argv) < 3 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    sys.exit(modes[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
