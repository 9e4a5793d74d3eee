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
echo "### fuzz smoke runs (15 s per target, from its committed seeds): a finding fails the run"
bash bench/fuzz.sh -t 15
echo "### lab tests"
SCOUT="$PWD/build/san/scout" bash tests/lab/run-all.sh
