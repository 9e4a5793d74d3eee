#!/usr/bin/env bash
# Brings the lab up and keeps it until this script is ended (Ctrl-C or kill):
# for trying scout by hand.  Prints the scanner's namespace and LAB_DIR.
#   tests/lab/up.sh &   ip netns exec <ns> build/scout ...   kill %1
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lab.sh"
lab_up || exit 1
echo "lab up: scanner namespace $(lab_ns scan), truth in $LAB_DIR"
trap 'exit 0' INT TERM
while :; do sleep 1; done
