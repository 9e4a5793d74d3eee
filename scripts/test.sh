#!/usr/bin/env bash
# The test command (README, .ci/run): unit tests, a short fuzz run of the
# parsers, then the lab tests, all under AddressSanitizer+UBSan.  The lab's
# "N passed, N failed" line closes the output.
# Run as root on Debian 12: bash scripts/test.sh
set -eu -o pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -j2 build/scout build/san/scout build/san/unit
echo "### unit tests"
./build/san/unit
echo "### fuzz smoke runs (20 s each): a crash fails the run"
make -j2 fuzz
mkdir -p build/fuzz/corpus
printf '\x0010.0.1-3.1,5' >build/fuzz/corpus/seed1
printf '\x01U:53,T:80-90,http' >build/fuzz/corpus/seed2
./build/fuzz/fuzz_parsers -max_total_time=20 -max_len=128 build/fuzz/corpus 2>&1 | tail -1
./build/fuzz/fuzz_packet -max_total_time=20 -max_len=200 2>&1 | tail -1
mkdir -p build/fuzz/corpus-probedb
printf 'Probe TCP NULL q||\nmatch ssh m|^SSH-([\\d.]+)-(\\w+)|s p/$P(2)/ v/$1/ i/$SUBST(2,"_"," ")/ cpe:/a:x:$1/a\n\0SSH-2.0-OpenSSH_9\r\n' \
    >build/fuzz/corpus-probedb/seed1
./build/fuzz/fuzz_probedb -max_total_time=20 -max_len=512 build/fuzz/corpus-probedb 2>&1 | tail -1
mkdir -p build/fuzz/corpus-capture
python3 -c '
import struct, sys
ip = bytes.fromhex("4500002c00010000ff06000001020304050607080400005000000001000000006002040000000000020405b4")
eth = b"\x00" * 12 + b"\x08\x00" + ip
sys.stdout.buffer.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 256, 1)
                        + struct.pack("<IIII", 1, 0, len(eth), len(eth)) + eth)' >build/fuzz/corpus-capture/seed1
./build/fuzz/fuzz_capture -max_total_time=20 -max_len=2048 build/fuzz/corpus-capture 2>&1 | tail -1
# The command line, nmap-services, -iL files, nmap-payloads, the MAC registries, nmap-os-db, OS fingerprint texts and nmap XML reports, from their committed seeds
# (copied: libFuzzer adds to the corpus it is given).
for t in fuzz_conf fuzz_services fuzz_targets fuzz_payloads fuzz_macvendor fuzz_osdb fuzz_osfmt fuzz_xmlscan fuzz_osprobe; do
    rm -rf "build/fuzz/corpus-$t" && cp -r "fuzz/corpus/$t" "build/fuzz/corpus-$t"
    ./build/fuzz/$t -max_total_time=20 -max_len=4096 -artifact_prefix="$PWD/build/fuzz/" \
        "build/fuzz/corpus-$t" 2>&1 | tail -1
done
./build/fuzz/fuzz_netroute -max_total_time=20 -max_len=4096 2>&1 | tail -1
echo "### lab tests"
SCOUT="$PWD/build/san/scout" bash tests/lab/run-all.sh
