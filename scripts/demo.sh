#!/usr/bin/env bash
# Installs dependencies, builds scout, builds the namespace lab and scans it.
# Run as root on Debian 12: bash scripts/demo.sh
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
echo
echo "### scout -sS -p- 198.18.1.10 (behind 22 ms and 2 % loss each way)"
lab_in scan ./build/scout -n -sS -p- "$LAB_T4"
echo
echo "### scout -sV 198.18.0.13 (Debian's sshd, nginx, vsftpd, Exim, redis)"
lab_in scan ./build/scout -n -sV -p 21,22,25,80,443,6379 "$LAB_T6"
