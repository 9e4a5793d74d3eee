# tests/lab/lab.sh: the namespace test lab, sourced by every lab test and bench.
#
# lab_up builds, as root, one L2 segment inside network namespaces:
#
#   scan (198.18.0.1)  --+
#   t1   (198.18.0.10) --+-- br0 (in the "sw" namespace)
#   t2   (198.18.0.11) --+
#   t3   (198.18.0.12) --+      198.18.0.99 answers nothing (no such host)
#
#   t1 "mixed":   real services (sshd, nginx when installed; python listeners
#                 otherwise) and iptables giving every filtered flavour.
#   t2 "bench":   open, closed, DROP and admin-prohibited ports: the states on
#                 which nmap -sT and scout must agree exactly.
#   t3 "walled":  INPUT policy DROP, conntrack ESTABLISHED accepted, 22 and 80
#                 open: a stateful firewall.
#   t6 "services" (198.18.0.13): Debian's own servers for -sV: OpenSSH (22),
#                 nginx (80, and 443 with a self-signed certificate), vsftpd
#                 (21), Exim (25), redis (6379); a listener that never speaks (7000),
#                 one that closes at once (7001), one that never stops (7002).
#
#   scan eth1 (198.18.1.1) -- fw [lossy: 22 ms each way, 2 % loss each way]
#                          -- t4 (198.18.1.10): services, closed and DROP ports,
#                             reached only through the impaired link.
#   scan eth2 (198.18.2.1) -- fw2 [bottleneck: 10 000 frames/s each way,
#                                  20 ms of queue, tail drop; 1 ms delay]
#                          -- t5 (198.18.2.10): closed ports and a few open:
#                             overrunning the link loses probes.
#
# 198.18.0.0/15 is the benchmarking range (RFC 2544); no traffic leaves the
# namespaces.  Ground truth for each host is written to $LAB_DIR/truth-<host>:
# a "default STATE REASON" line and one "PORT STATE REASON" line per exception.
# Everything is named with a per-run prefix and removed by lab_down, which a
# trap runs on every exit path; it ends only processes inside our namespaces.

LAB_NET=198.18.0
LAB_SCAN_IP=$LAB_NET.1
LAB_T1=$LAB_NET.10
LAB_T2=$LAB_NET.11
LAB_T3=$LAB_NET.12
LAB_T6=$LAB_NET.13
LAB_DOWN=$LAB_NET.99
LAB_T4=198.18.1.10
LAB_DELAY_MS=${LAB_DELAY_MS:-22}
LAB_LOSS=${LAB_LOSS:-2}
LAB_T5=198.18.2.10
LAB_BOTTLENECK_PPS=${LAB_BOTTLENECK_PPS:-10000}
LAB_PREFIX=${LAB_PREFIX:-sc$$}
LAB_DIR=${LAB_DIR:-$(mktemp -d /tmp/scout-lab.XXXXXX)}
LAB_NS=()

lab_ns() { echo "$LAB_PREFIX-$1"; }
# Runs a command inside a lab namespace: lab_in scan scout -sT ...
lab_in() { local ns; ns=$(lab_ns "$1"); shift; ip netns exec "$ns" "$@"; }

lab_add_ns() {
    local ns; ns=$(lab_ns "$1")
    ip netns add "$ns" || return 1
    LAB_NS+=("$ns")
    ip -n "$ns" link set lo up
}

# lab_add_host NAME IP: a namespace with one veth on the bridge.
lab_add_host() {
    local name=$1 ip=$2 ns; ns=$(lab_ns "$1")
    lab_add_ns "$name" || return 1
    local a="${LAB_PREFIX}${name}a" b="${LAB_PREFIX}${name}b"
    ip link add "$a" type veth peer name "$b" || return 1
    ip link set "$a" netns "$ns"
    ip link set "$b" netns "$(lab_ns sw)"
    ip -n "$ns" link set "$a" name eth0
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$(lab_ns sw)" link set "$b" master br0 up
}

lab_truth() { # HOST LINE...: append ground truth lines
    local host=$1; shift
    printf '%s\n' "$@" >>"$LAB_DIR/truth-$host"
}

lab_truth_range() { # HOST LO HI STATE REASON
    local p
    for ((p = $2; p <= $3; p++)); do echo "$p $4 $5"; done >>"$LAB_DIR/truth-$1"
}

lab_listen() { # HOST PORT[:BANNER]...
    local host=$1; shift
    lab_in "$host" python3 "$LAB_SRC/listen.py" "$@" >/dev/null 2>&1 &
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
        tls="server { listen 443 ssl; ssl_certificate $d/cert.pem; ssl_certificate_key $d/key.pem;
                 location / { return 200 \"scout lab tls\\n\"; } }"
    fi
    cat >"$d/nginx.conf" <<NGX
daemon off; pid $d/pid; error_log $d/error.log;
events { worker_connections 512; }
http { access_log off; client_body_temp_path $d;
       server { listen 80; location / { return 200 "scout lab\n"; } }
       $tls }
NGX
    lab_in "$1" /usr/sbin/nginx -c "$d/nginx.conf" >/dev/null 2>&1 &
}

lab_start_vsftpd() { # HOST: a real vsftpd on port 21
    [ -x /usr/sbin/vsftpd ] || return 1
    local d="$LAB_DIR/vsftpd-$1"
    mkdir -p "$d/empty" /var/run/vsftpd/empty
    printf 'listen=YES\nlisten_ipv6=NO\nanonymous_enable=NO\nlocal_enable=YES\nsecure_chroot_dir=%s\nbackground=NO\n' \
        "$d/empty" >"$d/vsftpd.conf"
    lab_in "$1" /usr/sbin/vsftpd "$d/vsftpd.conf" >/dev/null 2>&1 &
}

lab_start_redis() { # HOST: a real redis-server on port 6379
    [ -x /usr/bin/redis-server ] || return 1
    mkdir -p "$LAB_DIR/redis-$1"
    lab_in "$1" /usr/bin/redis-server --port 6379 --bind 0.0.0.0 --protected-mode no --save "" \
        --appendonly no --dir "$LAB_DIR/redis-$1" --daemonize no >/dev/null 2>&1 &
}

lab_start_exim() { # HOST: a real Exim SMTP server on port 25 that refuses all mail
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

# Linux limits ICMP errors to about one a second per peer (icmp_ratelimit);
# the truth hosts lift it so that every REJECT is seen and reasons are
# deterministic.  t3 keeps the default, as most real hosts do.
lab_no_icmp_limit() { lab_in "$1" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000; }

lab_setup_t1() {
    local ipt="lab_in t1 iptables"
    lab_no_icmp_limit t1
    lab_truth t1 "default closed conn-refused"
    if lab_start_sshd t1; then :; else lab_listen t1 22:SSH-2.0-OpenSSH_lab; fi
    if lab_start_nginx t1; then :; else lab_listen t1 80; fi
    lab_listen t1 443 3306 6379 8080 40000:hello
    lab_truth t1 "22 open syn-ack" "80 open syn-ack" "443 open syn-ack" "3306 open syn-ack" \
        "6379 open syn-ack" "8080 open syn-ack" "40000 open syn-ack"
    $ipt -A INPUT -p tcp --dport 5000:5099 -j DROP
    lab_truth_range t1 5000 5099 filtered no-response
    $ipt -A INPUT -p tcp --dport 6000:6009 -j REJECT --reject-with icmp-admin-prohibited
    lab_truth_range t1 6000 6009 filtered admin-prohibited
    $ipt -A INPUT -p tcp --dport 6010:6019 -j REJECT --reject-with icmp-port-unreachable
    lab_truth_range t1 6010 6019 filtered port-unreach
    $ipt -A INPUT -p tcp --dport 6020:6024 -j REJECT --reject-with icmp-host-prohibited
    lab_truth_range t1 6020 6024 filtered host-prohibited
    $ipt -A INPUT -p tcp --dport 6025:6026 -j REJECT --reject-with icmp-net-prohibited
    lab_truth_range t1 6025 6026 filtered net-prohibited
    $ipt -A INPUT -p tcp --dport 6027:6028 -j REJECT --reject-with icmp-host-unreachable
    lab_truth_range t1 6027 6028 filtered host-unreach
    $ipt -A INPUT -p tcp --dport 6030:6039 -j REJECT --reject-with tcp-reset
    lab_truth_range t1 6030 6039 closed conn-refused
}

lab_setup_t2() {
    lab_no_icmp_limit t2
    lab_truth t2 "default closed conn-refused"
    lab_listen t2 21 25 80 110 443 8000 50000
    lab_truth t2 "21 open syn-ack" "25 open syn-ack" "80 open syn-ack" "110 open syn-ack" \
        "443 open syn-ack" "8000 open syn-ack" "50000 open syn-ack"
    lab_in t2 iptables -A INPUT -p tcp --dport 5000:5999 -j DROP
    lab_truth_range t2 5000 5999 filtered no-response
    lab_in t2 iptables -A INPUT -p tcp --dport 7000:7009 -j REJECT --reject-with icmp-admin-prohibited
    lab_truth_range t2 7000 7009 filtered admin-prohibited
}

lab_setup_t3() {
    lab_truth t3 "default filtered no-response"
    lab_listen t3 22 80
    lab_truth t3 "22 open syn-ack" "80 open syn-ack"
    lab_in t3 iptables -A INPUT -i lo -j ACCEPT
    lab_in t3 iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    lab_in t3 iptables -A INPUT -p tcp -m multiport --dports 22,80 -j ACCEPT
    lab_in t3 iptables -P INPUT DROP
}

lab_setup_t6() {
    lab_truth t6 "default closed conn-refused"
    lab_start_sshd t6 && lab_start_nginx t6 tls && lab_start_vsftpd t6 && lab_start_redis t6 &&
        lab_start_exim t6 || return 1
    lab_listen t6 7000:@silent 7001 7002:@flood
    lab_truth t6 "21 open syn-ack" "22 open syn-ack" "25 open syn-ack" "80 open syn-ack" "443 open syn-ack" \
        "6379 open syn-ack" "7000 open syn-ack" "7001 open syn-ack" "7002 open syn-ack"
}

# Waits until every expected open port of every host accepts connections.
lab_wait_ready() {
    local host ip port tries
    for host in t1 t2 t3 t4 t5 t6; do
        ip=$(lab_ip "$host")
        for port in $(awk '$2 == "open" {print $1}' "$LAB_DIR/truth-$host"); do
            for ((tries = 0; tries < 100; tries++)); do
                lab_in scan timeout 2 bash -c "exec 3<>/dev/tcp/$ip/$port" 2>/dev/null && break
                sleep 0.1
            done
            ((tries < 100)) || { echo "lab: $host:$port never opened" >&2; return 1; }
        done
    done
}

lab_ip() { case $1 in t1) echo $LAB_T1 ;; t2) echo $LAB_T2 ;; t3) echo $LAB_T3 ;; t4) echo $LAB_T4 ;; t5) echo $LAB_T5 ;; t6) echo $LAB_T6 ;; scan) echo $LAB_SCAN_IP ;; esac; }

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
# (scan:SCAN_IF - FW:wa ~link~ FW:wb - HOST:eth0) with LOSSY_ARGS.
lab_impaired_link() { # FW SCAN_IF SCAN_IP/24 HOST HOST_IP LOSSY_ARGS...
    local fw=$1 sif=$2 sip=$3 host=$4 hip=$5
    shift 5
    [ -x "$LAB_DIR/lossy" ] || cc -O2 -o "$LAB_DIR/lossy" "$LAB_SRC/lossy.c" || return 1
    lab_add_ns "$fw" && lab_add_ns "$host" || return 1
    lab_wire scan "$sif" "$fw" wa && lab_wire "$fw" wb "$host" eth0 || return 1
    ip -n "$(lab_ns scan)" addr add "$sip" dev "$sif"
    ip -n "$(lab_ns "$host")" addr add "$hip/24" dev eth0
    # veth leaves TCP checksums to "hardware" (CHECKSUM_PARTIAL); frames the
    # forwarder re-injects would arrive with bad checksums.  Compute them.
    lab_in scan ethtool -K "$sif" tx off >/dev/null
    lab_in "$host" ethtool -K eth0 tx off >/dev/null
    lab_in "$fw" "$LAB_DIR/lossy" wa wb "$@" >/dev/null 2>&1 &
    lab_no_icmp_limit "$host"
}

# t4 behind the lossy forwarder.
lab_setup_lossy() {
    lab_impaired_link fw eth1 198.18.1.1/24 t4 $LAB_T4 "$LAB_DELAY_MS" "$LAB_LOSS" 1 || return 1
    lab_truth t4 "default closed conn-refused"
    lab_listen t4 22 80 443 8443 30000
    lab_truth t4 "22 open syn-ack" "80 open syn-ack" "443 open syn-ack" "8443 open syn-ack" "30000 open syn-ack"
    lab_in t4 iptables -A INPUT -p tcp --dport 9000:9199 -j DROP
    lab_truth_range t4 9000 9199 filtered no-response
}

# t5 behind the bottleneck: no random loss, only the loss of overrunning it.
lab_setup_bottleneck() {
    lab_impaired_link fw2 eth2 198.18.2.1/24 t5 $LAB_T5 1 0 1 "$LAB_BOTTLENECK_PPS" 20 || return 1
    lab_truth t5 "default closed conn-refused"
    lab_listen t5 22 4000 12000 25000
    lab_truth t5 "22 open syn-ack" "4000 open syn-ack" "12000 open syn-ack" "25000 open syn-ack"
}

lab_up() {
    [ "$(id -u)" = 0 ] || { echo "lab: must run as root" >&2; return 1; }
    LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    trap lab_down EXIT
    trap 'exit 130' INT TERM
    lab_add_ns sw || return 1
    ip -n "$(lab_ns sw)" link add br0 type bridge
    ip -n "$(lab_ns sw)" link set br0 up
    lab_add_host scan $LAB_SCAN_IP || return 1
    lab_add_host t1 $LAB_T1 || return 1
    lab_add_host t2 $LAB_T2 || return 1
    lab_add_host t3 $LAB_T3 || return 1
    lab_add_host t6 $LAB_T6 || return 1
    lab_setup_t1 && lab_setup_t2 && lab_setup_t3 && lab_setup_lossy && lab_setup_bottleneck && lab_setup_t6 && lab_wait_ready
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
