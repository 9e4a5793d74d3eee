#!/usr/bin/env bash
# Installs dependencies, builds scout, builds the namespace lab and scans it.
# Run as root on Debian 12: sudo scripts/demo.sh
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make
source tests/lab/lab.sh
lab_up
echo
echo "### scout -sT -p- --reason 198.18.0.10 (the lab's mixed host)"
lab_in scan ./build/scout -n -sT -p- --reason "$LAB_T1"
echo
echo "### scout -sn 198.18.0.0/24 (ping sweep of the lab)"
lab_in scan ./build/scout -n -sn 198.18.0.0/24
