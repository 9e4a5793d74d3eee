#!/usr/bin/env bash
# Installs scout's build, test and lab dependencies from Debian 12 (root).
# Each package is named for what it gives us; see "Dependencies" in README.md.
set -eu
pkgs=(
    build-essential   # cc, make: the build
    libpcap-dev       # capture and BPF for the raw scans' receiver
    libpcre2-dev      # -sV: the regexes of nmap-service-probes
    libssl-dev openssl # -sV: probing inside TLS; the lab's self-signed certificate
    clang             # libFuzzer targets (make fuzz)
    python3           # lab listeners and result checkers
    iproute2 iptables # the namespace lab: netns, veth, bridge, DROP/REJECT rules
    nftables          # --block: libnftables (opened at run time) and nft, which the tests read the set with
    ethtool           # the lab's lossy wire: checksum offload off on its ends
    util-linux        # setpriv: the unprivileged -sT test
    nmap              # nmap-common's nmap-services (port names and frequencies), and the benchmark peer
    masscan           # the other benchmark peer (bench/syn.sh), and a scanner for --detect to name
    zmap              # a third scanner for --detect to name
    tcpdump           # records the lab traffic that the --detect tests read back
    scanlogd tcpreplay # bench/detect.sh: Debian's scan detector, fed the same recordings
    libxml2-utils     # xmllint: validates our XML against nmap.dtd
    openssh-server nginx-light  # real services on the lab hosts
    vsftpd redis-server         # more real services for -sV
    exim4-daemon-light          # an SMTP server for -sV
    mosquitto                   # an MQTT broker for -sV's MQTT dialog
    time bc           # /usr/bin/time and bc: wall time and peak RSS in bench/
    libcap-ng-dev     # dropping privileges: clear every capability explicitly, not by setuid's side effect
    dnsmasq-base snmpd chrony  # the lab's UDP host: real DNS, SNMP and NTP servers for -sU
    ieee-data arp-scan # MAC vendors (the IEEE registries, read at run time); the ARP sweep benchmark peer
    libsqlite3-dev    # the results store's embedded default (one file, no server)
    libpq-dev postgresql # the results store on a server, for fleets; the tests start their own
    libxml2-dev       # scout diff/import: reading nmap and masscan XML
    python3-libnmap   # the lab checks that a tool reading nmap's XML (python-libnmap) reads scout's -O
    ndiff             # nmap's Ndiff: the reference scout diff's text and exit codes are checked against (lab)
    slurmctld slurmd slurm-client munge # fleets: the tests' one-node Slurm cluster runs a --shard auto job array
)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# munge's, slurmctld's and slurmd's postinst enable (and, under systemd, start)
# system daemons; the fleet tests start their own (tests/lab/slurm.sh), so
# the ones installed just now are stopped and disabled (never a Slurm that
# was there before).  Without systemd (a policy-rc.d) none was started.
if [ -d /run/systemd/system ]; then
    for p in "${missing[@]}"; do
        case $p in munge | slurmctld | slurmd) systemctl disable --now "$p" >/dev/null 2>&1 || : ;; esac
    done
fi
