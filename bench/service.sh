#!/usr/bin/env bash
# bench/service.sh: scout -sV against nmap -sV -T4 over the same lab ports, one go.
#
# The lab's service host t6 runs Debian's sshd, nginx (HTTP and HTTPS),
# vsftpd, Exim, redis, PostgreSQL and Mosquitto, plus a silent listener, one
# that closes at once and one that answers every probe in no known protocol.  (Its
# listener that never stops sending, port 7002, is left out by default: nmap
# -sV buffers what it sends, passing 1 GiB of memory and 3 CPU-minutes
# without finishing; scout bounds it to 16 KiB a probe.)  Prints each tool's wall time, what it named on
# every port (service, product, version), how many ports the two agree on,
# whether their service fingerprints are equal, how many ports each named
# right against the truth (tests/lab/svccheck.py: the installed packages'
# versions, what each service reveals), and the time ratio.  Target
# (issue 20): the same answers in at most 0.2x nmap's time.   Usage: bench/service.sh [PORTS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
SCOUT=${SCOUT:-$here/../build/scout}
PORTS=${1:-21,22,25,80,443,1883,5432,6379,7000,7001,7004}
source "$here/../tests/lab/lab.sh"
command -v nmap >/dev/null || { echo "bench: nmap is not installed (apt-get install nmap)"; exit 1; }
lab_up >/dev/null || { echo "bench: lab setup failed"; exit 1; }
out=$LAB_DIR/bench
mkdir -p "$out"
chmod 711 "$LAB_DIR" && chmod 1777 "$out" # scout writes its outputs as nobody

timed() { # NAME CMD...: wall seconds into $out/NAME.secs
    local name=$1 t0 t1; shift
    t0=$(date +%s.%N)
    ip netns exec "$(lab_ns scan)" "$@" >/dev/null 2>"$out/$name.err"
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc >"$out/$name.secs"
}

timed scout "$SCOUT" -n -Pn -sV -p "$PORTS" -oX "$out/scout.xml" $LAB_T6
timed nmap nmap -n -Pn -sV -T4 -p "$PORTS" -oX "$out/nmap.xml" $LAB_T6
python3 - "$out" <<'PY'
import sys
import xml.etree.ElementTree as ET
out = sys.argv[1]

import re

def fingerprints(path):
    """servicefp per port, without its clock (Time=)."""
    return {int(p.get("portid")): re.sub(r"%Time=[0-9A-F]*%", "%", p.find("service").get("servicefp"))
            for p in ET.parse(path).getroot().iter("port")
            if p.find("service") is not None and p.find("service").get("servicefp")}

def services(path):
    res = {}
    for p in ET.parse(path).getroot().iter("port"):
        s = p.find("service")
        a = s.attrib if s is not None else {}
        name = ("ssl/" if a.get("tunnel") == "ssl" else "") + a.get("name", "")
        if a.get("method") == "table":
            name += "?"  # a guess from the port table, not an identification
        res[int(p.get("portid"))] = (name, a.get("product", ""), a.get("version", ""))
    return res

s, n = services(f"{out}/scout.xml"), services(f"{out}/nmap.xml")
ts, tn = (float(open(f"{out}/{t}.secs").read()) for t in ("scout", "nmap"))
agree = 0
print(f"{'port':>6}  {'scout':45s} {'nmap':45s}")
for port in sorted(set(s) | set(n)):
    a, b = s.get(port, ("-",) * 3), n.get(port, ("-",) * 3)
    agree += a == b
    mark = "" if a == b else "   <- differ"
    print(f"{port:>6}  {' '.join(x for x in a if x)[:45]:45s} {' '.join(x for x in b if x)[:45]:45s}{mark}")
ident = lambda r: sum(1 for v in r.values() if v[0] and not v[0].endswith("?"))
print(f"scout {ts:.2f} s, {ident(s)} identified; nmap -T4 {tn:.2f} s, {ident(n)} identified")
fs, fn = fingerprints(f"{out}/scout.xml"), fingerprints(f"{out}/nmap.xml")
print(f"service fingerprints: scout {sorted(fs)}, nmap {sorted(fn)}, equal on "
      f"{sum(fs.get(p) == fn[p] for p in fn)}/{len(fn)} of nmap's")
print(f"same answer on {agree}/{len(set(s) | set(n))} ports; scout/nmap time ratio {ts / tn:.3f} (target <= 0.2)")
PY
for t in scout nmap; do
    printf '%-6s against the truth: ' $t
    python3 "$here/../tests/lab/svccheck.py" "$out/$t.xml" $LAB_T6 "$PORTS" | tail -1
done
python3 "$here/../tests/lab/svccheck.py" "$out/nmap.xml" $LAB_T6 "$PORTS" | grep WRONG | sed 's/^/  nmap /'
python3 "$here/../tests/lab/svccheck.py" "$out/scout.xml" $LAB_T6 "$PORTS" | grep WRONG | sed 's/^/  scout /'
