#!/usr/bin/env bash
# bench/scanlogd-replay.sh PCAP OUT: replays a recorded capture to Debian's
# scanlogd and writes the lines it logged to OUT.
#
# scanlogd reads the TCP packets that reach its host (a raw socket) and logs
# through syslog(3).  So: a network namespace owning the lab's target
# addresses, the capture replayed into it with tcpreplay (destination MAC
# rewritten to its interface), and scanlogd started in a private mount
# namespace whose /dev/log is a socket this script reads.  Everything it
# creates is removed on exit.
set -u
PCAP=$1 OUT=$2
ns=scids$$ dir=$(mktemp -d /tmp/scanlogd.XXXXXX)
cleanup() {
    local p
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
    ip link del "${ns}a" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "${ns}a" type veth peer name "${ns}b"
ip link set "${ns}b" netns "$ns"
ip -n "$ns" link set "${ns}b" up
ip -n "$ns" link set lo up
ip link set "${ns}a" up
for a in 198.18.0.10 198.18.0.11 198.18.0.12 198.18.0.13; do ip -n "$ns" addr add "$a/24" dev "${ns}b"; done
mac=$(ip netns exec "$ns" cat "/sys/class/net/${ns}b/address")
tcprewrite --enet-dmac="$mac" --infile="$PCAP" --outfile="$dir/replay.pcap" 2>/dev/null
cat >"$dir/devlog.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096) + b"\n")
PY
: >"$OUT"
# The private /dev holds only what scanlogd needs, and our /dev/log.
unshare -m --propagation private bash -c "
    mkdir -p /run/scanlogd/empty
    mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/urandom c 1 9
    python3 '$dir/devlog.py' /dev/log '$OUT' & logger=\$!
    sleep 0.5
    ip netns exec '$ns' /usr/sbin/scanlogd
    sleep 0.5
    tcpreplay -q -i '${ns}a' '$dir/replay.pcap' >/dev/null 2>&1
    sleep 1
    kill \$logger
"
