# tests/lab/lab.sh: the namespace test lab, sourced by every lab test and bench.
#
# lab_up builds, as root, one L2 segment inside network namespaces:
#
#   scan (198.18.0.1,  2001:2::1)  --+
#   t1   (198.18.0.10, 2001:2::10) --+-- br0 (in the "sw" namespace)
#   t2   (198.18.0.11, 2001:2::11) --+
#   t3   (198.18.0.12, 2001:2::12) --+   198.18.0.99 and 2001:2::99 answer
#                                         nothing (no such host)
#
#   t1 "mixed":   real services (sshd, nginx when installed; python listeners
#                 otherwise) and iptables giving every filtered flavour.
#   t2 "bench":   open, closed, DROP and admin-prohibited ports: the states on
#                 which nmap -sT and scout must agree exactly.
#   t3 "walled":  INPUT policy DROP, conntrack ESTABLISHED accepted, 22 and 80
#                 open: a stateful firewall.
#   t6 "services" (198.18.0.13, 2001:2::13): Debian's own servers for -sV: OpenSSH (22),
#                 nginx (80, and 443 with a self-signed certificate), vsftpd
#                 (21), Exim (25), redis (6379), PostgreSQL (5432), Mosquitto
#                 (MQTT, 1883); a listener that
#                 never speaks (7000), one that closes at once (7001), one that never
#                 stops (7002), one that answers any probe in no known protocol (7004).
#   u1 "udp"      (198.18.0.40, 2001:2::40): Debian's DNS (dnsmasq, 53), SNMP (snmpd,
#                 161, and 162 where it ignores what nmap sends), NTP (chronyd, 123),
#                 UDP echo listeners (7, 20031), UDP 1900 dropped, 5060 rejected
#                 admin-prohibited; the kernel's ICMP rate limits at their defaults.
#                 bench/udp.sh adds u2..u4 (198.18.0.41-43, 2001:2::41-43) alike.
#
#   scan eth1 (198.18.1.1, 2001:2:0:1::1) -- fw [lossy: 22 ms each way, 2 % loss each way]
#       -- t4 (198.18.1.10, 2001:2:0:1::10): services, closed and DROP ports,
#          reached only through the impaired link.
#   scan eth2 (198.18.2.1, 2001:2:0:2::1) -- fw2 [bottleneck: 10 000 frames/s each way,
#                                  20 ms of queue, tail drop; 1 ms delay]
#       -- t5 (198.18.2.10, 2001:2:0:2::10): closed ports and a few open:
#          overrunning the link loses probes.
#   scan eth3 (198.18.3.1, 2001:2:0:3::1) -- farm eth0 (198.18.3.2, 2001:2:0:3::2):
#       the routed /16 of the benchmarks.  The scanner routes 198.19.0.0/16 via
#       the farm, which owns 198.19.128.0/19 (8192 addresses: SYN-ACK on 80 and
#       443, RST elsewhere) and silently drops the rest of the /16.
#   disc (198.18.0.60-63, 2001:2::60-63): four hosts of the segment in one
#       namespace, MACs from each IEEE registry size, one that answers only
#       ARP/ND; behind .60, 198.18.4.0/29 and 2001:2:0:4::/64: hosts only IP
#       probes find (lab_setup_disc; truth-disc).
#   o1..o4 "personalities" (198.18.0.30-33, 2001:2::30-33): OS detection's hosts
#       (issue 16): TCP 22 open, every other port closed (RST, UDP port
#       unreachable), the ICMP rate limits lifted, and each its own TCP/IP
#       stack sysctls, so that nmap -O fingerprints each differently
#       (lab_setup_os; truth-o1..o4).
#
# 198.18.0.0/15 is the IPv4 benchmarking range (RFC 2544), 2001:2::/48 the
# IPv6 one (RFC 5180); no traffic leaves the namespaces.  Every host has both
# families, and its ip6tables rules mirror its iptables ones.  Ground truth
# for each host is written to $LAB_DIR/truth-<host> (IPv4) and
# $LAB_DIR/truth6-<host> (IPv6): a "default STATE REASON" line and one
# "PORT STATE REASON" line per exception ('#' starts a comment).  The two
# differ only where an IPv4 REJECT flavour has no IPv6 twin (lab_setup_t1).
# Those are TCP truths; a UDP host's UDP truth is truthu-<host> and
# truthu6-<host>, in the same format, with a line for every port of nmap's
# UDP --top-ports 1000 (lab_setup_udp).
# Everything is named with a per-run prefix and removed by lab_down, which a
# trap runs on every exit path; it ends only processes inside our namespaces.

LAB_NET=198.18.0
LAB_SCAN_IP=$LAB_NET.1
LAB_T1=$LAB_NET.10
LAB_T2=$LAB_NET.11
LAB_T3=$LAB_NET.12
LAB_T6=$LAB_NET.13
LAB_U1=$LAB_NET.40
LAB_DOWN=$LAB_NET.99
LAB_T4=198.18.1.10
LAB_DELAY_MS=${LAB_DELAY_MS:-22}
LAB_LOSS=${LAB_LOSS:-2}
LAB_T5=198.18.2.10
LAB_BOTTLENECK_PPS=${LAB_BOTTLENECK_PPS:-10000}
LAB_SCAN_IP6=2001:2::1
LAB_T1_6=2001:2::10
LAB_T2_6=2001:2::11
LAB_T3_6=2001:2::12
LAB_T6_6=2001:2::13
LAB_U1_6=2001:2::40
LAB_DOWN_6=2001:2::99
LAB_T4_6=2001:2:0:1::10
LAB_T5_6=2001:2:0:2::10
LAB_FARM_IP=198.18.3.2
LAB_FARM_IP6=2001:2:0:3::2
LAB_FARM_NET=198.19.0.0/16    # routed to the farm
LAB_FARM_LIVE=198.19.128.0/19 # the part of it that answers
LAB_FARM_LAST=198.19.159.255  # its last address (lab_wait_ready tries it)
LAB_FARM_OPEN="80 443"
LAB_PREFIX=${LAB_PREFIX:-sc$$}
LAB_DIR=${LAB_DIR:-$(mktemp -d /tmp/scout-lab.XXXXXX)}
LAB_NS=()

lab_ns() { echo "$LAB_PREFIX-$1"; }
# Runs a command inside a lab namespace: lab_in scan scout -sT ...
lab_in() { local ns; ns=$(lab_ns "$1"); shift; ip netns exec "$ns" "$@"; }

# Interfaces moved into a namespace take its IPv6 defaults: no duplicate
# address detection (addresses usable at once, link-local ones too) and no
# router solicitations (no chatter in the --detect recordings).
lab_add_ns() {
    local ns; ns=$(lab_ns "$1")
    ip netns add "$ns" || return 1
    LAB_NS+=("$ns")
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.default.router_solicitations=0
    ip -n "$ns" link set lo up
}

lab_addr6() { # HOST IF ADDR/LEN: an IPv6 address usable at once (no DAD)
    ip -n "$(lab_ns "$1")" -6 addr add "$3" dev "$2" nodad
}

# lab_add_host NAME IP IP6: a namespace with one veth on the bridge.
lab_add_host() {
    local name=$1 ip=$2 ip6=$3 ns; ns=$(lab_ns "$1")
    lab_add_ns "$name" || return 1
    local a="${LAB_PREFIX}${name}a" b="${LAB_PREFIX}${name}b"
    ip link add "$a" type veth peer name "$b" || return 1
    ip link set "$a" netns "$ns"
    ip link set "$b" netns "$(lab_ns sw)"
    ip -n "$ns" link set "$a" name eth0
    ip -n "$ns" addr add "$ip/24" dev eth0
    lab_addr6 "$name" eth0 "$ip6/64"
    ip -n "$ns" link set eth0 up
    ip -n "$(lab_ns sw)" link set "$b" master br0 up
}

lab_truth() { # HOST LINE...: append ground truth lines, both families
    local host=$1; shift
    printf '%s\n' "$@" >>"$LAB_DIR/truth-$host"
    printf '%s\n' "$@" >>"$LAB_DIR/truth6-$host"
}

# HOST LO HI STATE REASON [REASON6]: both families; REASON6 where IPv6's
# message differs.
lab_truth_range() {
    local p
    for ((p = $2; p <= $3; p++)); do echo "$p $4 $5"; done >>"$LAB_DIR/truth-$1"
    for ((p = $2; p <= $3; p++)); do echo "$p $4 ${6:-$5}"; done >>"$LAB_DIR/truth6-$1"
}

# The same rule in both families' firewalls: lab_fw HOST -A INPUT ...
lab_fw() { local h=$1; shift; lab_in "$h" iptables "$@" && lab_in "$h" ip6tables "$@"; }

lab_drop() { # HOST LO HI: TCP to LO-HI silently dropped, both families
    lab_fw "$1" -A INPUT -p tcp --dport "$2:$3" -j DROP
    lab_truth_range "$1" "$2" "$3" filtered no-response
}

# HOST LO HI IPV4_TYPE REASON IPV6_TYPE REASON6: TCP to LO-HI rejected with
# an ICMP error (or a reset); REASONs are nmap's names for what comes back.
lab_reject() {
    local state=filtered
    [ "$4" = tcp-reset ] && state=closed
    lab_in "$1" iptables -A INPUT -p tcp --dport "$2:$3" -j REJECT --reject-with "$4"
    lab_in "$1" ip6tables -A INPUT -p tcp --dport "$2:$3" -j REJECT --reject-with "$6"
    lab_truth_range "$1" "$2" "$3" $state "$5" "$7"
}

# HOST PORT[:BANNER]...: one listener per family (listen.py binds one
# address; its IPv6 twin binds the host's IPv6 address, beside 0.0.0.0).
lab_listen() {
    local host=$1; shift
    lab_in "$host" python3 "$LAB_SRC/listen.py" "$@" >/dev/null 2>&1 &
    lab_in "$host" python3 "$LAB_SRC/listen.py" --addr "$(lab_ip6 "$host")" "$@" >/dev/null 2>&1 &
}

lab_start_sshd() { # HOST: a real OpenSSH on port 22, if installed
    [ -x /usr/sbin/sshd ] || return 1
    local d="$LAB_DIR/ssh-$1"
    mkdir -p "$d" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$d/key" <<<y >/dev/null 2>&1 || return 1
    printf 'Port 22\nHostKey %s\nPidFile %s\nUsePAM no\n' "$d/key" "$d/pid" >"$d/config"
    lab_in "$1" /usr/sbin/sshd -f "$d/config" -D >/dev/null 2>&1 &
}

lab_start_nginx() { # HOST [TLS]: a real nginx on 80 (and 443 with a self-signed certificate)
    [ -x /usr/sbin/nginx ] || return 1
    local d="$LAB_DIR/nginx-$1" tls=""
    mkdir -p "$d"
    if [ -n "${2:-}" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=scout-lab/O=scout" \
            -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1 || return 1
        tls="server { listen 443 ssl; listen [::]:443 ssl; ssl_certificate $d/cert.pem; ssl_certificate_key $d/key.pem;
                 location / { return 200 \"scout lab tls\\n\"; } }"
    fi
    cat >"$d/nginx.conf" <<NGX
daemon off; pid $d/pid; error_log $d/error.log;
events { worker_connections 512; }
http { access_log off; client_body_temp_path $d;
       server { listen 80; listen [::]:80; location / { return 200 "scout lab\n"; } }
       $tls }
NGX
    lab_in "$1" /usr/sbin/nginx -c "$d/nginx.conf" >/dev/null 2>&1 &
}

lab_start_vsftpd() { # HOST: a real vsftpd on port 21 (one dual-stack socket: both families)
    [ -x /usr/sbin/vsftpd ] || return 1
    local d="$LAB_DIR/vsftpd-$1"
    mkdir -p "$d/empty" /var/run/vsftpd/empty
    printf 'listen=NO\nlisten_ipv6=YES\nanonymous_enable=NO\nlocal_enable=YES\nsecure_chroot_dir=%s\nbackground=NO\n' \
        "$d/empty" >"$d/vsftpd.conf"
    lab_in "$1" /usr/sbin/vsftpd "$d/vsftpd.conf" >/dev/null 2>&1 &
}

lab_start_redis() { # HOST: a real redis-server on port 6379
    [ -x /usr/bin/redis-server ] || return 1
    mkdir -p "$LAB_DIR/redis-$1"
    lab_in "$1" /usr/bin/redis-server --port 6379 --bind 0.0.0.0 :: --protected-mode no --save "" \
        --appendonly no --dir "$LAB_DIR/redis-$1" --daemonize no >/dev/null 2>&1 &
}

lab_start_postgres() { # HOST: a real PostgreSQL on port 5432 (both families), nothing stored
    local bin d="$LAB_DIR/postgres-$1"
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$bin/initdb" ] && id postgres >/dev/null 2>&1 || return 1
    chmod 711 "$LAB_DIR" && mkdir -p "$d" && chown postgres: "$d" || return 1
    (cd "$d" && runuser -u postgres -- "$bin/initdb" -D "$d/data" -U scout --auth-host=reject --auth-local=trust \
        --no-sync >"$d/initdb.log" 2>&1) || return 1
    (cd "$d" && lab_in "$1" runuser -u postgres -- "$bin/postgres" -D "$d/data" -c "listen_addresses=*" \
        -c "unix_socket_directories=$d" -c fsync=off -p 5432 >"$d/log" 2>&1 &)
}

lab_start_mosquitto() { # HOST: a real Mosquitto MQTT broker on 1883 (both families), anonymous clients allowed
    [ -x /usr/sbin/mosquitto ] || return 1
    local d="$LAB_DIR/mosquitto-$1"
    mkdir -p "$d"
    printf 'listener 1883\nallow_anonymous true\npersistence false\nlog_dest none\n' >"$d/mosquitto.conf"
    lab_in "$1" /usr/sbin/mosquitto -c "$d/mosquitto.conf" >/dev/null 2>&1 &
}

lab_start_exim() { # HOST: a real Exim SMTP server on port 25 (both families) that refuses all mail
    [ -x /usr/sbin/exim4 ] || return 1
    local d="$LAB_DIR/exim-$1"
    # Exim runs as Debian-exim once started: its spool and logs must be its
    # own, and the lab directory passable; the configuration root's.  No
    # host or ident lookups (the greeting must not wait for a resolver), no
    # TLS (it would generate a key on the first connection).
    chmod 711 "$LAB_DIR"
    mkdir -p "$d/spool"
    chown -R Debian-exim: "$d"
    cat >"$LAB_DIR/exim-$1.conf" <<EXIM
primary_hostname = mail.lab.test
keep_environment =
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
daemon_smtp_ports = 25
spool_directory = $d/spool
log_file_path = $d/%slog
acl_smtp_rcpt = refuse
begin acl
refuse:
  deny
EXIM
    lab_in "$1" /usr/sbin/exim4 -C "$LAB_DIR/exim-$1.conf" -bdf -oX 25 >/dev/null 2>&1 &
}

# Linux limits ICMP errors to about one a second per peer (icmp_ratelimit,
# and ICMPv6's net.ipv6.icmp.ratelimit); the truth hosts lift both so that
# every REJECT is seen and reasons are deterministic.  t3 keeps the
# defaults, as most real hosts do.
lab_no_icmp_limit() {
    lab_in "$1" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 \
        net.ipv6.icmp.ratelimit=0
}

# IPv6 has no twin of three IPv4 flavours; each gets the nearest, and the
# IPv6 truth says what nmap calls what comes back.  ICMPv6 destination
# unreachable codes and nmap's names on a TCP scan (portreasons.cc):
#   0 no route            no-route          (icmp6-no-route)
#   1 admin. prohibited   admin-prohibited  (icmp6-adm-prohibited)
#   2 beyond scope        beyond-scope      (ip6tables cannot send it)
#   3 address unreachable host-unreach      (icmp6-addr-unreachable)
#   4 port unreachable    port-unreach      (icmp6-port-unreachable)
#   5 policy failure      admin-prohibited  (icmp6-policy-fail)
#   6 reject route        reject-route      (icmp6-reject-route)
# host-prohibited -> policy-fail (code 5, also "prohibited"); net-prohibited
# splits into no-route (6025) and reject-route (6026), the route-level
# refusals; host-unreachable -> address unreachable.  Every code that
# ip6tables can send is covered.
lab_setup_t1() {
    lab_no_icmp_limit t1
    lab_truth t1 "default closed conn-refused"
    if lab_start_sshd t1; then :; else lab_listen t1 22:SSH-2.0-OpenSSH_lab; fi
    if lab_start_nginx t1; then :; else lab_listen t1 80; fi
    lab_listen t1 443 3306 6379 8080 40000:hello
    lab_truth t1 "22 open syn-ack" "80 open syn-ack" "443 open syn-ack" "3306 open syn-ack" \
        "6379 open syn-ack" "8080 open syn-ack" "40000 open syn-ack"
    lab_drop t1 5000 5099
    lab_reject t1 6000 6009 icmp-admin-prohibited admin-prohibited icmp6-adm-prohibited admin-prohibited
    lab_reject t1 6010 6019 icmp-port-unreachable port-unreach icmp6-port-unreachable port-unreach
    lab_reject t1 6020 6024 icmp-host-prohibited host-prohibited icmp6-policy-fail admin-prohibited
    lab_reject t1 6025 6025 icmp-net-prohibited net-prohibited icmp6-no-route no-route
    lab_reject t1 6026 6026 icmp-net-prohibited net-prohibited icmp6-reject-route reject-route
    lab_reject t1 6027 6028 icmp-host-unreachable host-unreach icmp6-addr-unreachable host-unreach
    lab_reject t1 6030 6039 tcp-reset conn-refused tcp-reset conn-refused
}

lab_setup_t2() {
    lab_no_icmp_limit t2
    lab_truth t2 "default closed conn-refused"
    lab_listen t2 21 25 80 110 443 8000 50000
    lab_truth t2 "21 open syn-ack" "25 open syn-ack" "80 open syn-ack" "110 open syn-ack" \
        "443 open syn-ack" "8000 open syn-ack" "50000 open syn-ack"
    lab_drop t2 5000 5999
    lab_reject t2 7000 7009 icmp-admin-prohibited admin-prohibited icmp6-adm-prohibited admin-prohibited
}

# A stateful firewall.  IPv6 finds its neighbours with ICMPv6 (router and
# neighbour solicitations and advertisements, types 133-136), which
# conntrack leaves untracked: without an explicit ACCEPT nothing gets in.
lab_setup_t3() {
    lab_truth t3 "default filtered no-response"
    lab_listen t3 22 80
    lab_truth t3 "22 open syn-ack" "80 open syn-ack"
    lab_fw t3 -A INPUT -i lo -j ACCEPT
    lab_fw t3 -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    local t
    for t in 133 134 135 136; do
        lab_in t3 ip6tables -A INPUT -p ipv6-icmp --icmpv6-type $t -j ACCEPT
    done
    lab_fw t3 -A INPUT -p tcp -m multiport --dports 22,80 -j ACCEPT
    lab_fw t3 -P INPUT DROP
}

lab_setup_t6() {
    lab_truth t6 "default closed conn-refused"
    lab_start_sshd t6 && lab_start_nginx t6 tls && lab_start_vsftpd t6 && lab_start_redis t6 &&
        lab_start_exim t6 && lab_start_postgres t6 && lab_start_mosquitto t6 || return 1
    lab_listen t6 7000:@silent 7001 7002:@flood "7004:@reply:SCOUTLAB-ECHO unknown (7004)"
    lab_truth t6 "21 open syn-ack" "22 open syn-ack" "25 open syn-ack" "80 open syn-ack" "443 open syn-ack" \
        "6379 open syn-ack" "7000 open syn-ack" "7001 open syn-ack" "7002 open syn-ack" "7004 open syn-ack" "5432 open syn-ack" \
        "1883 open syn-ack"
}

# The UDP hosts (issue 14).  What each UDP port of u1 is, and what nmap's
# -sU must call it (an open port is only "open" if its service answers what
# nmap sends there, from nmap-payloads; one that stays silent is
# indistinguishable from a DROP: "open|filtered"):
#   7      udpecho.py          echoes nmap's "\r\n\r\n"         open udp-response
#   53     dnsmasq             answers DNS (status, version.bind) open udp-response
#   123    chronyd             answers a client (mode 3) request open udp-response
#   161    snmpd               answers SNMPv3 discovery, v1 get  open udp-response
#   162    snmpd               no nmap payload: drops the empty
#                              datagram as malformed SNMP       open|filtered no-response
#   20031  udpecho.py          no nmap payload: echoes the
#                              empty datagram (an empty reply)  open udp-response
#   20033  udpecho.py          answers anything with a line in
#                              no known protocol (-sV's service
#                              fingerprint; not in the top 1000) open udp-response
#   1900   iptables DROP                                        open|filtered no-response
#   5060   REJECT icmp-admin-prohibited (icmp6-adm-prohibited)  filtered admin-prohibited
#   other  no socket: ICMP port unreachable                     closed port-unreach
# TCP: dnsmasq's 53 and a listener on 22 open, the rest closed.
# The ICMP rate limits stay at the kernel's defaults, which is the point of
# the host (test_udp asserts them): per peer a burst of 6 port unreachables,
# then one a second over IPv4 (net.ipv4.icmp_ratelimit 1000 ms).  IPv6's
# net.ipv6.icmp.ratelimit (1000 ms on older kernels, 100 ms on newer) is
# divided by 4 for a peer reached by a /64 route (the kernel gives "wider
# prefixes" more), so IPv6 is limited far less.  The REJECT's errors take
# the same tokens.  Servers are bound to the host's two addresses, with their files
# under $LAB_DIR/udp-<host>; chronyd runs with -x (it must not touch the
# machine's clock: time is not namespaced).
LAB_UDP_ECHO="7 20031"
LAB_UDP_UNKNOWN="20033=SCOUTLAB-UDP unknown"
LAB_UDP_DROP=1900
LAB_UDP_REJECT=5060

lab_top_udp() { # N: nmap's --top-ports N for UDP, comma-separated (nmap-services'
    # udp ratios, highest first, ties to the lower port, as nmap ranks them)
    python3 - "$1" <<'PY'
import sys
ports = []
for line in open("/usr/share/nmap/nmap-services"):
    f = line.split("#")[0].split()
    if len(f) >= 3 and f[1].endswith("/udp"):
        ports.append((-float(f[2]), int(f[1].split("/")[0])))
print(",".join(str(p) for _, p in sorted(ports)[: int(sys.argv[1])]))
PY
}

lab_start_dnsmasq() { # HOST: DNS on 53 (UDP and TCP) answering HOST.lab.test
    local h=$1 d="$LAB_DIR/udp-$1"
    lab_in "$h" /usr/sbin/dnsmasq --no-daemon --conf-file=/dev/null --port=53 --bind-interfaces \
        --listen-address="$(lab_ip "$h")" --listen-address="$(lab_ip6 "$h")" --no-resolv --no-hosts \
        --host-record="$h.lab.test,$(lab_ip "$h"),$(lab_ip6 "$h")" --pid-file="$d/dnsmasq.pid" \
        --user=nobody >/dev/null 2>&1 &
}

lab_start_snmpd() { # HOST: SNMP on 161 (community public) and 162 (bound, silent to nmap)
    local h=$1 d="$LAB_DIR/udp-$1" a6; a6="[$(lab_ip6 "$1")]"
    printf 'rocommunity public\nrocommunity6 public\nagentaddress %s\n' \
        "udp:$(lab_ip "$h"):161,udp:$(lab_ip "$h"):162,udp6:$a6:161,udp6:$a6:162" >"$d/snmpd.conf"
    SNMP_PERSISTENT_DIR=$d lab_in "$h" /usr/sbin/snmpd -f -Lo -C -c "$d/snmpd.conf" -p "$d/snmpd.pid" \
        >"$d/snmpd.log" 2>&1 &
}

lab_start_chronyd() { # HOST: NTP on 123, a local stratum-10 server with no upstream
    local h=$1 d="$LAB_DIR/udp-$1"
    printf '%s\n' "allow" "local stratum 10" "bindaddress $(lab_ip "$h")" "bindaddress $(lab_ip6 "$h")" \
        "cmdport 0" "bindcmdaddress /" "pidfile $d/chronyd.pid" "driftfile $d/chrony.drift" >"$d/chrony.conf"
    lab_in "$h" /usr/sbin/chronyd -d -x -u root -f "$d/chrony.conf" >"$d/chronyd.log" 2>&1 &
}

# HOST: the UDP host's servers, firewall and truths (both families alike).
lab_setup_udp() {
    local h=$1 d="$LAB_DIR/udp-$1"
    mkdir -p "$d"
    lab_start_dnsmasq "$h" && lab_start_snmpd "$h" && lab_start_chronyd "$h" || return 1
    lab_in "$h" python3 "$LAB_SRC/udpecho.py" $LAB_UDP_ECHO "$LAB_UDP_UNKNOWN" >/dev/null 2>&1 &
    lab_in "$h" python3 "$LAB_SRC/udpecho.py" --addr "$(lab_ip6 "$h")" $LAB_UDP_ECHO "$LAB_UDP_UNKNOWN" \
        >/dev/null 2>&1 &
    lab_listen "$h" 22
    lab_fw "$h" -A INPUT -p udp --dport $LAB_UDP_DROP -j DROP
    lab_in "$h" iptables -A INPUT -p udp --dport $LAB_UDP_REJECT -j REJECT --reject-with icmp-admin-prohibited
    lab_in "$h" ip6tables -A INPUT -p udp --dport $LAB_UDP_REJECT -j REJECT --reject-with icmp6-adm-prohibited
    lab_truth "$h" "default closed conn-refused" "22 open syn-ack" "53 open syn-ack"
    local f p top open=" $LAB_UDP_ECHO 53 123 161 " silent=" 162 $LAB_UDP_DROP "
    top=$(lab_top_udp 1000)
    for f in truthu truthu6; do
        {
            echo "# $h: UDP, every port of --top-ports 1000 (lab.sh, lab_setup_udp); any other port is closed"
            echo "default closed port-unreach"
            for p in ${top//,/ }; do
                if [[ $open == *" $p "* ]]; then echo "$p open udp-response"
                elif [[ $silent == *" $p "* ]]; then echo "$p open|filtered no-response"
                elif [ "$p" = $LAB_UDP_REJECT ]; then echo "$p filtered admin-prohibited"
                else echo "$p closed port-unreach"; fi
            done
        } >"$LAB_DIR/$f-$h"
    done
}

# HOST: a UDP host on the bridge at lab_ip/lab_ip6 HOST (u1..u9).
lab_add_udp_host() {
    lab_add_host "$1" "$(lab_ip "$1")" "$(lab_ip6 "$1")" && lab_setup_udp "$1"
}

# HOST: waits until each UDP service of HOST answers, over both families,
# asking from inside HOST (to itself over loopback, which the ICMP limiter
# exempts): the scanner's tokens at HOST stay untouched.
lab_wait_udp() {
    lab_in "$1" python3 - "$(lab_ip "$1")" "$(lab_ip6 "$1")" $LAB_UDP_ECHO <<'PY' || {
import socket, sys, time
ntp = b"\xe3\x00\x04\xfa" + bytes(44)           # client (mode 3), version 4
dns = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x02u1\x03lab\x04test\x00\x00\x01\x00\x01"
snmp = b"\x30\x1f\x02\x01\x00\x04\x06public\xa1\x12\x02\x01\x00\x02\x01\x00\x02\x01\x00\x30\x07\x30\x05\x06\x01\x00\x05\x00"
probes = {53: dns, 123: ntp, 161: snmp}
probes.update({int(p): b"ready?" for p in sys.argv[3:]})
deadline = time.monotonic() + 15
for addr in sys.argv[1:3]:
    for port, data in probes.items():
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.1)
        while True:
            try:
                s.sendto(data, (addr, port))
                s.recv(2048)
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit(f"lab: UDP {addr} port {port} never answered")
                time.sleep(0.05)
PY
        echo "lab: $1's UDP services did not come up" >&2
        return 1
    }
}

# Waits until every expected open port of every host accepts connections,
# over both families (the farm: one of its routed addresses too).
lab_wait_ready() {
    local host ip port tries
    for host in t1 t2 t3 t4 t5 t6 farm u1 $LAB_OS_HOSTS; do
        for ip in $(lab_ip "$host") $(lab_ip6 "$host") $([ $host = farm ] && echo $LAB_FARM_LAST); do
            for port in $(awk '$2 == "open" {print $1}' "$LAB_DIR/truth-$host"); do
                for ((tries = 0; tries < 100; tries++)); do
                    lab_in scan timeout 2 bash -c "exec 3<>/dev/tcp/$ip/$port" 2>/dev/null && break
                    sleep 0.1
                done
                ((tries < 100)) || { echo "lab: $host $ip port $port never opened" >&2; return 1; }
            done
        done
    done
    lab_wait_udp u1
}

lab_ip() {
    case $1 in
    t1) echo $LAB_T1 ;; t2) echo $LAB_T2 ;; t3) echo $LAB_T3 ;; t4) echo $LAB_T4 ;; t5) echo $LAB_T5 ;;
    t6) echo $LAB_T6 ;; scan) echo $LAB_SCAN_IP ;; farm) echo $LAB_FARM_IP ;;
    u[1-9]) echo $LAB_NET.$((39 + ${1#u})) ;; # u1 = LAB_U1
    o[1-4]) echo $LAB_NET.$((29 + ${1#o})) ;;
    esac
}
lab_ip6() {
    case $1 in
    t1) echo $LAB_T1_6 ;; t2) echo $LAB_T2_6 ;; t3) echo $LAB_T3_6 ;; t4) echo $LAB_T4_6 ;; t5) echo $LAB_T5_6 ;;
    t6) echo $LAB_T6_6 ;; scan) echo $LAB_SCAN_IP6 ;; farm) echo $LAB_FARM_IP6 ;;
    u[1-9]) echo 2001:2::$((39 + ${1#u})) ;; # u1 = LAB_U1_6
    o[1-4]) echo 2001:2::$((29 + ${1#o})) ;;
    esac
}

# A veth pair NAME_A in namespace A, NAME_B in namespace B.
lab_wire() { # NS_A IF_A NS_B IF_B
    local a="${LAB_PREFIX}w$RANDOM" b="${LAB_PREFIX}w$RANDOM"
    ip link add "$a" type veth peer name "$b" || return 1
    ip link set "$a" netns "$(lab_ns "$1")"
    ip link set "$b" netns "$(lab_ns "$3")"
    ip -n "$(lab_ns "$1")" link set dev "$a" name "$2"
    ip -n "$(lab_ns "$3")" link set dev "$b" name "$4"
    ip -n "$(lab_ns "$1")" link set dev "$2" up
    ip -n "$(lab_ns "$3")" link set dev "$4" up
}

# HOST reached from scan's SCAN_IF through FW running the lossy forwarder
# (scan:SCAN_IF - FW:wa ~link~ FW:wb - HOST:eth0) with LOSSY_ARGS.  The
# forwarder copies every frame (IPv6 and neighbour discovery included).
lab_impaired_link() { # FW SCAN_IF SCAN_IP/24 SCAN_IP6/64 HOST HOST_IP HOST_IP6 LOSSY_ARGS...
    local fw=$1 sif=$2 sip=$3 sip6=$4 host=$5 hip=$6 hip6=$7
    shift 7
    [ -x "$LAB_DIR/lossy" ] || cc -O2 -o "$LAB_DIR/lossy" "$LAB_SRC/lossy.c" || return 1
    lab_add_ns "$fw" && lab_add_ns "$host" || return 1
    lab_wire scan "$sif" "$fw" wa && lab_wire "$fw" wb "$host" eth0 || return 1
    ip -n "$(lab_ns scan)" addr add "$sip" dev "$sif"
    lab_addr6 scan "$sif" "$sip6"
    ip -n "$(lab_ns "$host")" addr add "$hip/24" dev eth0
    lab_addr6 "$host" eth0 "$hip6/64"
    # veth leaves TCP checksums to "hardware" (CHECKSUM_PARTIAL); frames the
    # forwarder re-injects would arrive with bad checksums.  Compute them
    # (this turns off IPv6's offload too).
    lab_in scan ethtool -K "$sif" tx off >/dev/null
    lab_in "$host" ethtool -K eth0 tx off >/dev/null
    lab_in "$fw" "$LAB_DIR/lossy" wa wb "$@" >/dev/null 2>&1 &
    lab_no_icmp_limit "$host"
}

# t4 behind the lossy forwarder.
lab_setup_lossy() {
    lab_impaired_link fw eth1 198.18.1.1/24 2001:2:0:1::1/64 t4 $LAB_T4 $LAB_T4_6 \
        "$LAB_DELAY_MS" "$LAB_LOSS" 1 || return 1
    lab_truth t4 "default closed conn-refused"
    lab_listen t4 22 80 443 8443 30000
    lab_truth t4 "22 open syn-ack" "80 open syn-ack" "443 open syn-ack" "8443 open syn-ack" "30000 open syn-ack"
    lab_drop t4 9000 9199
}

# t5 behind the bottleneck: no random loss, only the loss of overrunning it.
lab_setup_bottleneck() {
    lab_impaired_link fw2 eth2 198.18.2.1/24 2001:2:0:2::1/64 t5 $LAB_T5 $LAB_T5_6 \
        1 0 1 "$LAB_BOTTLENECK_PPS" 20 || return 1
    lab_truth t5 "default closed conn-refused"
    lab_listen t5 22 4000 12000 25000
    lab_truth t5 "22 open syn-ack" "4000 open syn-ack" "12000 open syn-ack" "25000 open syn-ack"
}

# The routed /16 of the benchmarks (bench/engine.sh).  A local route makes
# the farm's kernel own all 8192 addresses of LAB_FARM_LIVE, so one listener
# bound to 0.0.0.0 answers on each of them (SYN cookies once its queue is
# full); with forwarding off (a new namespace's default) the rest of the /16
# is dropped without an ICMP error.  test_detect.sh's 198.19.0.0/24 via t1
# is more specific and wins while it exists.  truth-farm holds for every
# address of LAB_FARM_LIVE and for LAB_FARM_IP.
lab_setup_farm() {
    lab_add_ns farm || return 1
    lab_wire scan eth3 farm eth0 || return 1
    ip -n "$(lab_ns scan)" addr add 198.18.3.1/24 dev eth3
    lab_addr6 scan eth3 2001:2:0:3::1/64
    ip -n "$(lab_ns farm)" addr add $LAB_FARM_IP/24 dev eth0
    lab_addr6 farm eth0 $LAB_FARM_IP6/64
    ip -n "$(lab_ns scan)" route add $LAB_FARM_NET via $LAB_FARM_IP || return 1
    ip -n "$(lab_ns farm)" route add local $LAB_FARM_LIVE dev lo || return 1
    lab_in farm sysctl -qw net.ipv4.ip_forward=0 net.ipv4.tcp_syncookies=1
    local p
    lab_listen farm $LAB_FARM_OPEN
    lab_truth farm "# every address of $LAB_FARM_LIVE, and $LAB_FARM_IP; the rest of $LAB_FARM_NET is silent" \
        "default closed conn-refused"
    for p in $LAB_FARM_OPEN; do lab_truth farm "$p open syn-ack"; done
}

# The discovery hosts (issue 15): one namespace, "disc", no daemons but two
# listeners.  Four veths into br0, each one host of the segment with a MAC
# from a real IEEE assignment of each size; the MA-M and MA-S blocks lie in
# MA-Ls that oui.csv gives to "IEEE Registration Authority", so only a
# longest-prefix lookup names them:
#   198.18.0.60 2001:2::60 eth0 60:8B:0E:00:00:60 MA-L  "Apple, Inc." (quoted in oui.csv)
#   198.18.0.61 2001:2::61 eth1 20:85:93:B0:00:61 MA-M  IOG Products LLC
#   198.18.0.62 2001:2::62 eth2 70:B3:D5:71:90:62 MA-S  2M Technology
#   198.18.0.63 2001:2::63 eth3 DC:A6:32:00:00:63 MA-L  Raspberry Pi Trading Ltd, the dark host:
#       answers ARP and neighbour solicitations, drops every other packet
# and, on disc's lo behind .60 (the scanner routes LAB_DISC_NET and
# LAB_DISC_NET6 via it, so ARP decides nothing there):
#   198.18.4.1 2001:2:0:4::1  ICMP dropped, TCP 443 open, all else dropped: up by syn-ack
#   198.18.4.2                only ICMP timestamp requests answered: up by timestamp-reply
#   2001:2:0:4::2             the same rules, but ICMPv6 has no timestamp: down
#   198.18.4.3 2001:2:0:4::3  nobody (disc does not forward): down
# One namespace for several hosts: each address answers ARP only on its
# own veth (arp_ignore 1; IPv6 answers solicitations per interface
# anyway); eth1-3 hold /32 and /128 addresses, so every reply leaves by
# eth0 (rp_filter off: requests come in by the others).  The dark host's
# "drop all" is per interface (-i eth3).  Truth: $LAB_DIR/truth-disc, one
# line per address: "ADDRESS STATUS REASON MAC VENDOR" as scout -sn with its
# default probes must report it (MAC and VENDOR "-" for a routed host);
# VENDOR is the registry's Organization Name, the rest of the line.
LAB_DISC_GW=198.18.0.60
LAB_DISC_GW6=2001:2::60
LAB_DISC_DARK=198.18.0.63
LAB_DISC_DARK6=2001:2::63
LAB_DISC_NET=198.18.4.0/29
LAB_DISC_NET6=2001:2:0:4::/64
LAB_DISC_SYN=198.18.4.1   # ICMP dropped, 443 open
LAB_DISC_SYN6=2001:2:0:4::1
LAB_DISC_TS=198.18.4.2    # timestamp only
LAB_DISC_TS6=2001:2:0:4::2
LAB_DISC_NONE=198.18.4.3  # no host
LAB_DISC_NONE6=2001:2:0:4::3

# IF MAC IP/LEN IP6/LEN: a veth of disc into br0, made in place (moving an
# interface to another namespace costs ~20 ms).
lab_disc_if() {
    local ns; ns=$(lab_ns disc)
    ip link add "$1" netns "$ns" address "$2" type veth peer name "${LAB_PREFIX}D$1" netns "$(lab_ns sw)" ||
        return 1
    ip -n "$ns" addr add "$3" dev "$1"
    lab_addr6 disc "$1" "$4"
    ip -n "$ns" link set "$1" up
    ip -n "$(lab_ns sw)" link set "${LAB_PREFIX}D$1" master br0 up
}

lab_setup_disc() {
    lab_add_ns disc || return 1
    # The routed hosts and their listeners first: python starts while the
    # veths are made.
    local a
    for a in $LAB_DISC_SYN $LAB_DISC_TS; do lab_in disc ip addr add $a/32 dev lo; done
    for a in $LAB_DISC_SYN6 $LAB_DISC_TS6; do lab_in disc ip -6 addr add $a/128 dev lo; done
    for a in $LAB_DISC_SYN $LAB_DISC_SYN6; do
        lab_in disc python3 "$LAB_SRC/listen.py" --addr $a 443 >/dev/null 2>&1 &
    done
    # Before the veths arrive: a new interface takes the defaults.
    lab_in disc sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
    lab_disc_if eth0 60:8b:0e:00:00:60 $LAB_DISC_GW/24 $LAB_DISC_GW6/64 &&
        lab_disc_if eth1 20:85:93:b0:00:61 198.18.0.61/32 2001:2::61/128 &&
        lab_disc_if eth2 70:b3:d5:71:90:62 198.18.0.62/32 2001:2::62/128 &&
        lab_disc_if eth3 dc:a6:32:00:00:63 $LAB_DISC_DARK/32 $LAB_DISC_DARK6/128 || return 1
    lab_in scan ip route add $LAB_DISC_NET via $LAB_DISC_GW &&
        lab_in scan ip -6 route add $LAB_DISC_NET6 via $LAB_DISC_GW6 || return 1
    lab_in disc iptables-restore <<EOF
*filter
-A INPUT -i eth3 -j DROP
-A INPUT -d $LAB_DISC_SYN -p tcp --dport 443 -j ACCEPT
-A INPUT -d $LAB_DISC_SYN -j DROP
-A INPUT -d $LAB_DISC_TS -p icmp --icmp-type timestamp-request -j ACCEPT
-A INPUT -d $LAB_DISC_TS -j DROP
COMMIT
EOF
    lab_in disc ip6tables-restore <<EOF
*filter
-A INPUT -i eth3 -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT
-A INPUT -i eth3 -j DROP
-A INPUT -d $LAB_DISC_SYN6 -p tcp --dport 443 -j ACCEPT
-A INPUT -d $LAB_DISC_SYN6 -j DROP
-A INPUT -d $LAB_DISC_TS6 -j DROP
COMMIT
EOF
    cat >"$LAB_DIR/truth-disc" <<EOF
# ADDRESS STATUS REASON MAC VENDOR (lab.sh, lab_setup_disc): scout -sn, default probes, as root
198.18.0.60 up arp-response 60:8B:0E:00:00:60 Apple, Inc.
198.18.0.61 up arp-response 20:85:93:B0:00:61 IOG Products LLC
198.18.0.62 up arp-response 70:B3:D5:71:90:62 2M Technology
198.18.0.63 up arp-response DC:A6:32:00:00:63 Raspberry Pi Trading Ltd
2001:2::60 up nd-response 60:8B:0E:00:00:60 Apple, Inc.
2001:2::61 up nd-response 20:85:93:B0:00:61 IOG Products LLC
2001:2::62 up nd-response 70:B3:D5:71:90:62 2M Technology
2001:2::63 up nd-response DC:A6:32:00:00:63 Raspberry Pi Trading Ltd
$LAB_DISC_SYN up syn-ack - -
$LAB_DISC_TS up timestamp-reply - -
$LAB_DISC_NONE down no-response - -
$LAB_DISC_SYN6 up syn-ack - -
$LAB_DISC_TS6 down no-response - -
$LAB_DISC_NONE6 down no-response - -
EOF
    # Ready when both listeners accept, asked from the scanner (the routes too).
    local tries
    for a in $LAB_DISC_SYN $LAB_DISC_SYN6; do
        for ((tries = 0; tries < 100; tries++)); do
            lab_in scan timeout 2 bash -c "exec 3<>/dev/tcp/$a/443" 2>/dev/null && break
            sleep 0.05
        done
        ((tries < 100)) || { echo "lab: disc $a port 443 never opened" >&2; return 1; }
    done
}

# The OS detection hosts (issue 16).  One kernel serves every namespace, but
# these sysctls are per network namespace on it (set and read back inside
# one on 6.18: ip_default_ttl, tcp_timestamps, tcp_window_scaling, tcp_sack,
# tcp_ecn, tcp_rmem; also ip_no_pmtu_disc, which changes nothing nmap sees:
# DF stays set).  The interface's MTU sets the MSS the SYN-ACKs offer.
#   o1 198.18.0.30  the kernel's defaults: TTL 64, timestamps with a per-
#                   connection offset (=1: nmap's TS is noise), window scaling,
#                   SACK, ECN when asked (=2)
#   o2 198.18.0.31  TTL 128, no timestamps, no window scaling, no ECN
#   o3 198.18.0.32  TTL 255, no SACK, timestamps without offsets (=2: TS=A)
#   o4 198.18.0.33  TTL 32, no timestamps, SACK nor window scaling, an 8 KiB
#                   receive buffer (window FF0), MTU 1400 (MSS 550)
# (tcp_ecn 3-5, AccECN, are refused by this kernel; tcp_ecn=1 answers as 2.)
# nmap -O --osscan-guess finds no exact match for any; its first guesses:
# o1 Linux 5.3 - 5.4 (96%), o2 a four-way tie at 91% (OpenWrt Kamikaze
# 7.09, Asus RT-N10, Linux 2.6.18, AXIS 211A), o3 Linux 5.3 - 5.4 and 4.15 -
# 5.6 (92%), o4 Linux 3.1 and 3.2 (91%), the next a point below (test_os.sh
# and oscheck.py say which values vary).  The tcp_* sysctls shape IPv6 alike; the
# TTLs are IPv4's only.  Locally administered MACs 02:4f:53:00:00:3N keep
# SCAN's M= the same from lab to lab.  The listener binds :: (both
# families, one process per host).
LAB_OS_HOSTS="o1 o2 o3 o4"
lab_os_sysctls() { # HOST: its sysctls, one NAME=VALUE each (commas for spaces)
    case $1 in
    o1) ;;
    o2) echo net.ipv4.ip_default_ttl=128 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0 net.ipv4.tcp_ecn=0 ;;
    o3) echo net.ipv4.ip_default_ttl=255 net.ipv4.tcp_sack=0 net.ipv4.tcp_timestamps=2 ;;
    o4) echo net.ipv4.ip_default_ttl=32 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0 \
        net.ipv4.tcp_window_scaling=0 net.ipv4.tcp_rmem=4096,8192,8192 ;;
    esac
}

# HOST: one personality host, its veth made in place (lab_add_host moves
# one between namespaces: 100 ms a host, 30 this way).
lab_os_host() {
    local h=$1 ns sw kv args=(); ns=$(lab_ns "$1") sw=$(lab_ns sw)
    lab_add_ns "$h" || return 1
    ip link add eth0 netns "$ns" address "02:4f:53:00:00:3$((${h#o} - 1))" $([ "$h" = o4 ] && echo mtu 1400) \
        type veth peer name "${LAB_PREFIX}$h" netns "$sw" || return 1
    ip -n "$ns" addr add "$(lab_ip "$h")/24" dev eth0
    lab_addr6 "$h" eth0 "$(lab_ip6 "$h")/64"
    ip -n "$ns" link set eth0 up
    ip -n "$sw" link set "${LAB_PREFIX}$h" master br0 up
    for kv in $(lab_os_sysctls "$h"); do args+=("${kv//,/ }"); done
    lab_no_icmp_limit "$h"
    [ ${#args[@]} = 0 ] || lab_in "$h" sysctl -qw "${args[@]}" >/dev/null || return 1
    lab_in "$h" python3 "$LAB_SRC/listen.py" --addr :: 22 >/dev/null 2>&1 &
    lab_truth "$h" "default closed conn-refused" "22 open syn-ack"
}

lab_setup_os() {
    local h
    for h in $LAB_OS_HOSTS; do lab_os_host "$h" || return 1; done
}

lab_up() {
    [ "$(id -u)" = 0 ] || { echo "lab: must run as root" >&2; return 1; }
    LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    trap lab_down EXIT
    trap 'exit 130' INT TERM
    lab_add_ns sw || return 1
    ip -n "$(lab_ns sw)" link add br0 type bridge mcast_snooping 0
    ip -n "$(lab_ns sw)" link set br0 up
    lab_add_host scan $LAB_SCAN_IP $LAB_SCAN_IP6 || return 1
    lab_add_host t1 $LAB_T1 $LAB_T1_6 || return 1
    lab_add_host t2 $LAB_T2 $LAB_T2_6 || return 1
    lab_add_host t3 $LAB_T3 $LAB_T3_6 || return 1
    lab_add_host t6 $LAB_T6 $LAB_T6_6 || return 1
    lab_add_udp_host u1 || return 1
    lab_setup_disc || return 1
    lab_setup_os || return 1
    lab_setup_t1 && lab_setup_t2 && lab_setup_t3 && lab_setup_lossy && lab_setup_bottleneck &&
        lab_setup_farm && lab_setup_t6 && lab_wait_ready
}

# Every step may fail harmlessly (a process already gone): "|| :" keeps a
# caller's `set -e` from cutting the teardown short.
lab_down() {
    local ns pid
    for ns in "${LAB_NS[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || :; done
    done
    sleep 0.2
    for ns in "${LAB_NS[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || :; done
        ip netns del "$ns" 2>/dev/null || :
    done
    LAB_NS=()
    [ -n "${LAB_KEEP:-}" ] || rm -rf "$LAB_DIR" || :
}
