#include "conf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "payloads.h"
#include "perm.h"
#include "scan.h"
#include "shardenv.h"

enum {
    O_TOP_PORTS = 256, O_EXCLUDE, O_EXCLUDEFILE, O_EXCLUDE_PORTS, O_MAX_RETRIES,
    O_HOST_TIMEOUT, O_MIN_RATE, O_MAX_RATE, O_MAX_PAR, O_MIN_PAR, O_SCAN_DELAY,
    O_MAX_SCAN_DELAY, O_MIN_RTT, O_MAX_RTT, O_INIT_RTT, O_OPEN, O_REASON, O_STATS_EVERY,
    O_MAX_HOSTGROUP, O_MIN_HOSTGROUP, O_SEED, O_SHARD, O_RANDOMIZE, O_DATADIR, O_HELP,
    O_VERSION, O_SOURCE_PORT, O_SCANFLAGS, O_NO_DROP, O_SEND_ETH, O_SEND_IP, O_VINTENSITY, O_VLIGHT, O_VALL,
    O_VERSIONDB, O_BANNERS, O_DETECT, O_DETECT_FOR, O_DATA, O_DATA_STRING, O_DATA_LENGTH, O_NO_ARP, O_IFLIST, O_LAN,
    O_OSSCAN_GUESS, O_OSSCAN_LIMIT, O_MAX_OS_TRIES, O_OSDB, O_DB, O_NO_DB, O_RESUME, O_TRIPWIRE,
    O_TRIPWIRE_HOSTS, O_BLOCK, O_BLOCK_FOR, O_NEVER_BLOCK, O_DRY_RUN, O_SYSLOG, O_ECS,
};

static const struct option long_opts[] = {
    {"top-ports", required_argument, 0, O_TOP_PORTS},
    {"exclude", required_argument, 0, O_EXCLUDE},
    {"excludefile", required_argument, 0, O_EXCLUDEFILE},
    {"exclude-ports", required_argument, 0, O_EXCLUDE_PORTS},
    {"max-retries", required_argument, 0, O_MAX_RETRIES},
    {"host-timeout", required_argument, 0, O_HOST_TIMEOUT},
    {"min-rate", required_argument, 0, O_MIN_RATE},
    {"max-rate", required_argument, 0, O_MAX_RATE},
    {"max-parallelism", required_argument, 0, O_MAX_PAR},
    {"min-parallelism", required_argument, 0, O_MIN_PAR},
    {"scan-delay", required_argument, 0, O_SCAN_DELAY},
    {"max-scan-delay", required_argument, 0, O_MAX_SCAN_DELAY},
    {"min-rtt-timeout", required_argument, 0, O_MIN_RTT},
    {"max-rtt-timeout", required_argument, 0, O_MAX_RTT},
    {"initial-rtt-timeout", required_argument, 0, O_INIT_RTT},
    {"open", no_argument, 0, O_OPEN},
    {"reason", no_argument, 0, O_REASON},
    {"stats-every", required_argument, 0, O_STATS_EVERY},
    {"max-hostgroup", required_argument, 0, O_MAX_HOSTGROUP},
    {"min-hostgroup", required_argument, 0, O_MIN_HOSTGROUP},
    {"seed", required_argument, 0, O_SEED},
    {"shard", required_argument, 0, O_SHARD},
    {"randomize-hosts", no_argument, 0, O_RANDOMIZE},
    {"datadir", required_argument, 0, O_DATADIR},
    {"help", no_argument, 0, O_HELP},
    {"version", no_argument, 0, O_VERSION},
    {"source-port", required_argument, 0, O_SOURCE_PORT},
    {"scanflags", required_argument, 0, O_SCANFLAGS},
    {"no-drop-privileges", no_argument, 0, O_NO_DROP},
    {"send-eth", no_argument, 0, O_SEND_ETH},
    {"send-ip", no_argument, 0, O_SEND_IP},
    {"version-intensity", required_argument, 0, O_VINTENSITY},
    {"version-light", no_argument, 0, O_VLIGHT},
    {"version-all", no_argument, 0, O_VALL},
    {"versiondb", required_argument, 0, O_VERSIONDB},
    {"servicedb", required_argument, 0, O_VERSIONDB},
    {"banners", no_argument, 0, O_BANNERS},
    {"detect", no_argument, 0, O_DETECT},
    {"detect-for", required_argument, 0, O_DETECT_FOR},
    {"tripwire", required_argument, 0, O_TRIPWIRE},
    {"tripwire-hosts", required_argument, 0, O_TRIPWIRE_HOSTS},
    {"block", no_argument, 0, O_BLOCK},
    {"block-for", required_argument, 0, O_BLOCK_FOR},
    {"never-block", required_argument, 0, O_NEVER_BLOCK},
    {"dry-run", no_argument, 0, O_DRY_RUN},
    {"syslog", required_argument, 0, O_SYSLOG},
    {"ecs", no_argument, 0, O_ECS},
    {"data", required_argument, 0, O_DATA},
    {"data-string", required_argument, 0, O_DATA_STRING},
    {"data-length", required_argument, 0, O_DATA_LENGTH},
    {"disable-arp-ping", no_argument, 0, O_NO_ARP},
    {"iflist", no_argument, 0, O_IFLIST},
    {"lan", no_argument, 0, O_LAN},
    {"osscan-guess", no_argument, 0, O_OSSCAN_GUESS},
    {"fuzzy", no_argument, 0, O_OSSCAN_GUESS},
    {"osscan-limit", no_argument, 0, O_OSSCAN_LIMIT},
    {"max-os-tries", required_argument, 0, O_MAX_OS_TRIES},
    {"osdb", required_argument, 0, O_OSDB},
    {"db", required_argument, 0, O_DB},
    {"no-db", no_argument, 0, O_NO_DB},
    {"resume", optional_argument, 0, O_RESUME},
    {0, 0, 0, 0},
};

static const char usage[] =
    "scout " SCOUT_VERSION " - network port scanner\n"
    "Usage: scout [Scan Type] [Options] {targets}\n"
    "TARGETS: 10.0.0.1, 10.0.0.0/24, 10.0.1-3.1,5, host.name, ::1\n"
    "  -iL FILE: targets from a file ('-' = stdin)\n"
    "  --exclude SPEC[,...] / --excludefile FILE: skip these hosts\n"
    "  -n: no reverse DNS   -6: resolve names to IPv6\n"
    "HOST DISCOVERY:\n"
    "  -sn: ping only, no port scan   -Pn: treat every host as up\n"
    "  -PE/-PP/-PM: ICMP echo/timestamp/mask  -PS/-PA/-PU[ports]: TCP SYN/ACK, UDP  -PR: ARP (default on the segment)\n"
    "  --disable-arp-ping: IP probes on the local segment too\n"
    "SCAN TYPES:\n"
    "  -sS/-sT: TCP SYN (default with raw-socket privilege) / connect (no privileges)\n"
    "  -sA/-sW/-sM: ACK, Window, Maimon   -sN/-sF/-sX: NULL, FIN, Xmas\n"
    "  -sU: UDP (with one TCP type too: -sS -sU, -sSU); payloads from nmap-payloads\n"
    "  --data HEX / --data-string TEXT / --data-length N: the UDP payload for every port\n"
    "  --scanflags FLAGS: raw probes carry these TCP flags (URGACKPSHRSTSYNFIN or a number);\n"
    "      the scan type (default -sS) says how replies are read\n"
    "  -S ADDR: source address   -e IFACE: interface   -g/--source-port PORT\n"
    "  --send-eth/--send-ip: raw probes as Ethernet frames (default where there is Ethernet) /\n"
    "      as IP packets through the kernel's routing\n"
    "  --no-drop-privileges: stay root (default: become nobody once sockets are open)\n"
    "SERVICE DETECTION:\n"
    "  -sV: probe open ports for service and version (nmap-service-probes)\n"
    "  --version-intensity 0-9 (default 7)  --version-light (2)  --version-all (9)\n"
    "  --versiondb FILE: another probe database   --banners: show what open ports say first\n"
    "OS DETECTION:\n"
    "  -O: OS detection (nmap-os-db; needs raw-socket privilege)   -A: -O and -sV\n"
    "  --osscan-guess/--fuzzy: show guesses too   --osscan-limit: only hosts with an open and a\n"
    "      closed TCP port   --max-os-tries N (default 5)   --osdb FILE: another fingerprint database\n"
    "DEFENCE:\n"
    "  --detect -r FILE: report the scans in a pcap/pcapng capture\n"
    "  --detect [-e IFACE] [--detect-for TIME]: watch live traffic (default: any interface)\n"
    "  --tripwire PORTS, --tripwire-hosts SPEC (with --detect): any first contact to those\n"
    "      ports (e.g. T:23,2323,U:69) or unused addresses is reported at once\n"
    "  --block (live --detect): scanners and tripwire hits go into an nftables set of scout's\n"
    "      own for --block-for TIME (default 1h); --never-block CIDR,...|FILE always wins;\n"
    "      --dry-run only says what it would block\n"
    "  --syslog local|udp://HOST:PORT (with --detect): each scan, tripwire hit and block as an\n"
    "      RFC 5424 message   --ecs: -oJ in the Elastic Common Schema (source.ip, event.*...)\n"
    "PORTS:\n"
    "  -p SPEC: 22; 1-65535; -p- (1-65535); U:53,T:80; http,ssh*; [1-1024]\n"
    "  --top-ports N / -F (top 100): most common ports   --exclude-ports SPEC\n"
    "  -r: scan ports and hosts in order (default: keyed random order)\n"
    "TIMING (times: 500ms, 2s, 5m, 1h):\n"
    "  -T0..-T5 (paranoid, sneaky, polite, normal, aggressive, insane)\n"
    "  --min-rtt-timeout/--max-rtt-timeout/--initial-rtt-timeout TIME\n"
    "  --max-retries N   --host-timeout TIME   --scan-delay TIME: at least this between probes\n"
    "  --max-scan-delay TIME: congestion control never slows to less than a probe per TIME\n"
    "  --min-rate/--max-rate N (probes per second)\n"
    "  --min-parallelism/--max-parallelism N   --min-hostgroup/--max-hostgroup N\n"
    "  --seed N: permutation key   --shard K/N: this process scans part K of N\n"
    "  --shard auto: K/N from a Slurm job array or a Kubernetes Indexed Job\n"
    "OUTPUT:\n"
    "  -oN/-oX/-oG/-oJ FILE: normal, XML, grepable, JSON lines ('-' = stdout)\n"
    "  -oA BASE: normal, XML and grepable at once\n"
    "  -v: more verbose   --open: open ports only   --reason: why each state\n"
    "  -d[LEVEL]: debug lines on stderr (-d, -dd, -d3: timing, then each decision, each probe)\n"
    "  --stats-every TIME: a progress line this often (default on a terminal: live)\n"
    "  --datadir DIR: where nmap-services lives (default /usr/share/nmap)\n"
    "  --iflist: print the interfaces and routes scout sees, and exit\n"
    "RESULTS STORE (every scan is kept; see scout diff, scout report):\n"
    "  --db PATH|postgresql://...: the store (default ~/.local/share/scout/scout.db)   --no-db: none\n"
    "  --resume [ID]: continue an interrupted scan (default: the store's last one) where it stopped\n"
    "  scout diff A B [--json]: what changed between two scans (store ids or nmap XML files)\n"
    "  scout import FILE.xml: load nmap or masscan XML into the store\n"
    "  scout report [ID] -oX FILE: a stored scan (a fleet's shards merged) in any output format\n"
    "  --lan [-e IFACE] [-p PORTS]: the LAN view: interfaces, attached networks, and every device\n"
    "      on them (ARP: IP, MAC, vendor, name, latency; open ports with -p)\n";

/* Options whose effect depends on others, applied after the loop. */
struct pending {
    int tlevel;
    const char *pspec, *expspec, *datadir;
    uint64_t top;
    bool fast;
    struct timing_conf set; /* explicit timing values; *_given flags below */
    bool retries_given, host_to_given, minrate_given, maxrate_given, maxpar_given, minpar_given,
        delay_given, maxdelay_given, minrtt_given, maxrtt_given, initrtt_given;
    const char *iL[8];
    int niL;
    const char *excl[16], *exclfile[8];
    int nexcl, nexclfile;
};

/* A short option and its value as a message shows them: "-T7", but "-T '-n'"
 * when the value is empty or looks like an option (-T -n took -n as its). */
static const char *optword(char *buf, size_t n, char letter, const char *arg)
{
    snprintf(buf, n, !arg[0] || arg[0] == '-' ? "-%c '%s'" : "-%c%s", letter, arg);
    return buf;
}

static int add_output(struct conf *c, enum out_kind k, const char *path, err_t *e)
{
    if (c->noutputs >= (int)ARRAY_LEN(c->outputs))
        return err_set(e, "too many output options");
    c->outputs[c->noutputs++] = (struct out_spec){k, path};
    return 0;
}

/* -oN FILE, -oX FILE, -oA BASE...: the letter is getopt's argument, the file
 * name is the next word. */
static int opt_output(struct conf *c, const char *letter, int argc, char **argv, err_t *e)
{
    if (optind >= argc || !argv[optind][0])
        return err_set(e, "-o%s needs a file name", letter);
    const char *path = argv[optind++];
    if (!strcmp(letter, "N"))
        return add_output(c, OUT_NORMAL, path, e);
    if (!strcmp(letter, "X"))
        return add_output(c, OUT_XML, path, e);
    if (!strcmp(letter, "G") || !strcmp(letter, "M"))
        return add_output(c, OUT_GREP, path, e);
    if (!strcmp(letter, "J"))
        return add_output(c, OUT_JSON, path, e);
    if (!strcmp(letter, "A")) {
        static const char *const ext[] = {".nmap", ".xml", ".gnmap"};
        static const enum out_kind kinds[] = {OUT_NORMAL, OUT_XML, OUT_GREP};
        for (int i = 0; i < 3; i++) {
            char *p = malloc(strlen(path) + 7);
            if (!p)
                return err_set(e, "out of memory");
            sprintf(p, "%s%s", path, ext[i]);
            if (c->nowned >= (int)ARRAY_LEN(c->owned) || add_output(c, kinds[i], p, e) < 0) {
                free(p);
                return err_set(e, "too many output options");
            }
            c->owned[c->nowned++] = p; /* freed in conf_free */
        }
        return 0;
    }
    char w[64];
    return err_set(e, "unknown output option %s (use -oN, -oX, -oG, -oJ or -oA)",
                   optword(w, sizeof w, 'o', letter));
}

/* -PS22,80 / -PA443: a port list of numbers and ranges (nmap's default when empty). */
static int ping_ports(const char *flag, const char *spec, uint16_t dflt, uint16_t *v, uint32_t *n, err_t *e)
{
    if (!*spec) {
        v[(*n)++] = dflt;
        return 0;
    }
    for (const char *p = spec; *p;) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (end == p)
            return err_set(e, "%s%s: expected ports like 22,80,1000-1010", flag, spec);
        if (*end == '-') {
            p = end + 1;
            hi = strtoul(p, &end, 10);
            if (end == p)
                return err_set(e, "%s%s: expected ports like 22,80,1000-1010", flag, spec);
        }
        if (lo < 1 || hi > 65535 || lo > hi)
            return err_set(e, "%s%s: ports are 1-65535, low-high", flag, spec);
        for (unsigned long port = lo; port <= hi; port++) {
            if (*n >= PING_PORTS_MAX)
                return err_set(e, "%s%s: at most %d ports", flag, spec, PING_PORTS_MAX);
            v[(*n)++] = (uint16_t)port;
        }
        if (*end && *end != ',')
            return err_set(e, "%s%s: expected ports like 22,80,1000-1010", flag, spec);
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* -Pn, and the discovery probes nmap names -PE -PP -PS -PA -PR. */
static int opt_ping(struct conf *c, const char *arg, err_t *e)
{
    struct ping_conf *pc = &c->ping;
    char w[64];
    switch (arg[0]) {
    case 'n': if (arg[1]) break; c->ping_skip = true; return 0;
    case 'E': if (arg[1]) break; pc->probes |= PING_ECHO; return 0;
    case 'P': if (arg[1]) break; pc->probes |= PING_TIMESTAMP; return 0;
    case 'M': if (arg[1]) break; pc->probes |= PING_MASK; return 0;
    case 'R': if (arg[1]) break; pc->probes |= PING_ARP; return 0;
    case 'S': pc->probes |= PING_SYN; return ping_ports("-PS", arg + 1, 80, pc->syn, &pc->nsyn, e);
    case 'A': pc->probes |= PING_ACK; return ping_ports("-PA", arg + 1, 80, pc->ack, &pc->nack, e);
    case 'U': pc->probes |= PING_UDP; return ping_ports("-PU", arg + 1, 40125, pc->udp, &pc->nudp, e);
    case 'O': case 'Y':
        return err_set(e, "%s is not implemented yet (available: -Pn -PE -PP -PM -PS -PA -PU -PR)", optword(w, sizeof w, 'P', arg));
    }
    return err_set(e, "unknown discovery option %s", optword(w, sizeof w, 'P', arg));
}

/* One letter of -s: n, V, U, or a TCP scan type. */
static int scan_letter(struct conf *c, char l, const char *arg, err_t *e)
{
    char w[64];
    if (l == 'n' || l == 'V' || l == 'U') {
        *(l == 'n' ? &c->ping_only : l == 'V' ? &c->version : &c->udp) = true;
        return 0;
    }
    const struct scan_type *t = scan_type_by_letter(l);
    if (!t) {
        if (strchr("YZOI", l))
            return err_set(e, "scan type -s%c is not implemented yet (available: -sT -sS -sA -sF -sN -sX -sW -sM -sU -sn)", l);
        return err_set(e, "unknown scan type %s", optword(w, sizeof w, 's', arg));
    }
    if (c->scan_explicit && c->scan != t)
        return err_set(e, "only one TCP scan type at a time: -s%c conflicts with %s", l, c->scan->flag);
    c->scan = t;
    c->scan_explicit = true;
    return 0;
}

/* -s takes its letters together as nmap does: -sSU is -sS -sU, -sSV is -sS -sV. */
static int opt_scan(struct conf *c, const char *arg, err_t *e)
{
    char w[64];
    if (!arg[0] || strlen(arg) > 4)
        return err_set(e, "unknown scan type %s", optword(w, sizeof w, 's', arg));
    for (const char *l = arg; *l; l++)
        if (scan_letter(c, *l, arg, e) < 0)
            return -1;
    return 0;
}

/* --data HEX, --data-string TEXT, --data-length N (random bytes), as nmap's. */
/* --block and its options, all of --detect's. */
static int opt_block(struct conf *c, int opt, const char *arg, err_t *e)
{
    static const char *const names[] = {"--block", "--block-for", "--never-block", "--dry-run"};
    const char *name = names[opt - O_BLOCK];
    if (!c->detect)
        return err_set(e, "%s is a response of --detect (scout --detect -e IFACE --block)", name);
    if (opt == O_BLOCK_FOR) {
        if (parse_time_ns(arg, &c->block_for_ns, e, "--block-for") < 0)
            return -1;
        if (c->block_for_ns < NS_PER_SEC)
            return err_set(e, "--block-for '%s': at least 1s", arg);
    }
    if (opt == O_NEVER_BLOCK)
        c->never_block = arg;
    c->block |= opt == O_BLOCK;
    c->dry_run |= opt == O_DRY_RUN;
    return 0;
}

static int opt_data(struct conf *c, int opt, const char *arg, err_t *e)
{
    size_t len = 0;
    if (c->data_given)
        return err_set(e, "only one of --data, --data-string and --data-length");
    c->data_given = true;
    if (opt == O_DATA) {
        if (payload_from_hex(arg, c->data, sizeof c->data, &len, e) < 0)
            return -1;
    } else if (opt == O_DATA_STRING) {
        len = strlen(arg);
        if (len > sizeof c->data)
            return err_set(e, "--data-string: %zu bytes, more than a datagram's %d", len, UDP_DATA_MAX);
        memcpy(c->data, arg, len);
    } else {
        uint64_t n;
        if (parse_uint(arg, 0, UDP_DATA_MAX, &n, e, "--data-length") < 0)
            return -1;
        len = (size_t)n;
        if (len && getrandom(c->data, len, 0) != (ssize_t)len)
            return err_set(e, "--data-length: getrandom: %s", strerror(errno));
    }
    c->data_len = (uint16_t)len;
    return 0;
}

static int opt_template(struct pending *pd, const char *arg, err_t *e)
{
    static const char *const names[] = {"paranoid", "sneaky", "polite", "normal", "aggressive", "insane"};
    for (int i = 0; i < 6; i++)
        if (!strcasecmp(arg, names[i])) {
            pd->tlevel = i;
            return 0;
        }
    if (strlen(arg) == 1 && arg[0] >= '0' && arg[0] <= '5') {
        pd->tlevel = arg[0] - '0';
        return 0;
    }
    char w[64];
    return err_set(e, "%s: timing template must be 0-5 or paranoid..insane",
                   optword(w, sizeof w, 'T', arg));
}

static int opt_shard(struct conf *c, const char *arg, err_t *e)
{
    unsigned k, n;
    char extra;
    if (!strcmp(arg, "auto")) { /* from the scheduler that started us (shardenv.h) */
        struct shardenv se;
        if (shardenv_detect(shardenv_getenv, NULL, &se, e) < 0)
            return -1;
        c->shard_k = se.k;
        c->shard_n = se.n;
        c->shard_auto = true;
        return 0;
    }
    if (sscanf(arg, "%u/%u%c", &k, &n, &extra) != 2 || n == 0 || k == 0 || k > n || n > 65536)
        return err_set(e, "--shard '%s': expected K/N with 1 <= K <= N", arg);
    c->shard_k = k;
    c->shard_n = n;
    return 0;
}

/* --resume [ID], --resume=ID: the id may follow as the next word. */
static int opt_resume(struct conf *c, int argc, char **argv, err_t *e)
{
    const char *id = optarg;
    if (!id && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
        id = argv[optind++];
    uint64_t v = 0;
    if (id && parse_uint(id, 1, INT64_MAX, &v, e, "--resume") < 0)
        return -1;
    c->resume = true;
    c->resume_id = (int64_t)v;
    return 0;
}

static int opt_time(const char *arg, uint64_t *dst, bool *given, err_t *e, const char *name)
{
    *given = true;
    return parse_time_ns(arg, dst, e, name);
}

/* --scanflags: a number (0-255) or flag names run together, as nmap takes. */
static int opt_scanflags(struct conf *c, const char *arg, err_t *e)
{
    static const struct { const char *name; int bit; } names[] = {
        {"FIN", 0x01}, {"SYN", 0x02}, {"RST", 0x04}, {"PSH", 0x08},
        {"ACK", 0x10}, {"URG", 0x20}, {"ECE", 0x40}, {"CWR", 0x80},
    };
    uint64_t v;
    if (*arg >= '0' && *arg <= '9') {
        char *end;
        v = strtoull(arg, &end, 0);
        if (*end || v > 255)
            return err_set(e, "--scanflags '%s': a number must be 0-255", arg);
        c->scanflags = (int)v;
        return 0;
    }
    int flags = 0;
    for (const char *p = arg; *p;) {
        size_t i = 0;
        while (i < ARRAY_LEN(names) && strncasecmp(p, names[i].name, 3))
            i++;
        if (i == ARRAY_LEN(names))
            return err_set(e, "--scanflags '%s': expected flags like SYNFIN or a number", arg);
        flags |= names[i].bit;
        p += 3;
    }
    if (!*arg)
        return err_set(e, "--scanflags needs flags");
    c->scanflags = flags;
    return 0;
}

/* -d, -dd, -ddd... (one level per d) or -dN, as nmap's: each level of debug
 * is a level of verbosity too.  -d takes no separate word: "-d 3" is -d and
 * a target. */
static int opt_debug(struct conf *c, const char *arg, err_t *e)
{
    if (arg && *arg >= '0' && *arg <= '9') {
        uint64_t v;
        if (parse_uint(arg, 0, 10, &v, e, "-d") < 0)
            return -1;
        c->debug = c->verbose = (int)v;
        return 0;
    }
    size_t n = arg ? strspn(arg, "d") : 0;
    if (arg && arg[n])
        return err_set(e, "-d%s: expected -d, -dd, ... or -d0 to -d10", arg);
    c->debug = MIN(10, c->debug + 1 + (int)n);
    c->verbose = MIN(10, c->verbose + 1 + (int)n);
    return 0;
}

/* One option; returns 0, or -1 with e set. */
static int handle(struct conf *c, struct pending *pd, int opt, int argc, char **argv, err_t *e)
{
    uint64_t v;
    char w[64];
    struct timing_conf *t = &pd->set;
    switch (opt) {
    case 's': return opt_scan(c, optarg, e);
    case 'P': return opt_ping(c, optarg, e);
    case 'p':
        if (pd->pspec)
            return err_set(e, "-p given twice; combine the ports into one list");
        pd->pspec = optarg;
        return 0;
    case 'o': return opt_output(c, optarg, argc, argv, e);
    case 'i':
        if (strcmp(optarg, "L"))
            return err_set(e, "unknown option %s (did you mean -iL FILE?)",
                           optword(w, sizeof w, 'i', optarg));
        if (optind >= argc)
            return err_set(e, "-iL needs a file name");
        if (pd->niL >= (int)ARRAY_LEN(pd->iL))
            return err_set(e, "too many -iL options");
        pd->iL[pd->niL++] = argv[optind++];
        return 0;
    case 'T': return opt_template(pd, optarg, e);
    case 'v': c->verbose++; return 0;
    case 'd': return opt_debug(c, optarg, e);
    case 'n': c->no_dns = true; return 0;
    case 'R': c->no_dns = false; return 0;
    case 'r':
        if (!c->detect) {
            c->sequential = true;
            return 0;
        }
        /* With --detect, -r reads a capture file, as tcpdump -r does; getopt
         * takes it (-r FILE, -rFILE): consuming argv by hand in the middle of
         * a cluster (-r6) corrupted getopt's state (found by fuzz_conf). */
        if (!optarg || !optarg[0])
            return err_set(e, "--detect -r needs a capture file");
        c->detect_file = optarg;
        return 0;
    case 'F': pd->fast = true; return 0;
    case '6': c->family = TARGET_V6; return 0;
    case 'S':
        if (addr_parse(optarg, &c->source) < 0)
            return err_set(e, "-S '%s': expected an IPv4 or IPv6 source address", optarg);
        return 0;
    case 'e':
        if (!*optarg || strlen(optarg) >= 16)
            return err_set(e, "-e '%s': not an interface name", optarg);
        c->iface = optarg;
        return 0;
    case 'g':
    case O_SOURCE_PORT:
        if (parse_uint(optarg, 1, 65535, &v, e, "--source-port") < 0)
            return -1;
        c->source_port = (int)v;
        return 0;
    case O_TOP_PORTS: return parse_uint(optarg, 1, 65536, &pd->top, e, "--top-ports");
    case O_EXCLUDE:
        if (pd->nexcl >= (int)ARRAY_LEN(pd->excl))
            return err_set(e, "too many --exclude options");
        pd->excl[pd->nexcl++] = optarg;
        return 0;
    case O_EXCLUDEFILE:
        if (pd->nexclfile >= (int)ARRAY_LEN(pd->exclfile))
            return err_set(e, "too many --excludefile options");
        pd->exclfile[pd->nexclfile++] = optarg;
        return 0;
    case O_EXCLUDE_PORTS: pd->expspec = optarg; return 0;
    case O_MAX_RETRIES:
        pd->retries_given = true;
        if (parse_uint(optarg, 0, 100, &v, e, "--max-retries") < 0)
            return -1;
        t->max_retries = (uint32_t)v;
        return 0;
    case O_HOST_TIMEOUT: return opt_time(optarg, &t->host_timeout_ns, &pd->host_to_given, e, "--host-timeout");
    case O_MIN_RATE:
        pd->minrate_given = true;
        return parse_double(optarg, 0.001, 1e8, &t->min_rate, e, "--min-rate");
    case O_MAX_RATE:
        pd->maxrate_given = true;
        return parse_double(optarg, 0.001, 1e8, &t->max_rate, e, "--max-rate");
    case O_MAX_PAR:
        pd->maxpar_given = true;
        if (parse_uint(optarg, 1, 1000000, &v, e, "--max-parallelism") < 0)
            return -1;
        t->max_parallelism = (uint32_t)v;
        return 0;
    case O_MIN_PAR:
        pd->minpar_given = true;
        if (parse_uint(optarg, 1, 1000000, &v, e, "--min-parallelism") < 0)
            return -1;
        t->min_parallelism = (uint32_t)v;
        return 0;
    case O_SCAN_DELAY: return opt_time(optarg, &t->scan_delay_ns, &pd->delay_given, e, "--scan-delay");
    case O_MAX_SCAN_DELAY: return opt_time(optarg, &t->max_scan_delay_ns, &pd->maxdelay_given, e, "--max-scan-delay");
    case O_MIN_RTT: return opt_time(optarg, &t->min_rtt_ns, &pd->minrtt_given, e, "--min-rtt-timeout");
    case O_MAX_RTT: return opt_time(optarg, &t->max_rtt_ns, &pd->maxrtt_given, e, "--max-rtt-timeout");
    case O_INIT_RTT: return opt_time(optarg, &t->initial_rtt_ns, &pd->initrtt_given, e, "--initial-rtt-timeout");
    case O_OPEN: c->open_only = true; return 0;
    case O_REASON: c->reason = true; return 0;
    case O_STATS_EVERY: return parse_time_ns(optarg, &c->stats_every_ns, e, "--stats-every");
    case O_MAX_HOSTGROUP:
        if (parse_uint(optarg, 1, 1u << 20, &v, e, "--max-hostgroup") < 0)
            return -1;
        c->max_hostgroup = (uint32_t)v;
        return 0;
    case O_MIN_HOSTGROUP:
        if (parse_uint(optarg, 1, 1u << 20, &v, e, "--min-hostgroup") < 0)
            return -1;
        c->min_hostgroup = (uint32_t)v;
        return 0;
    case O_SEED:
        c->seed_given = true;
        return parse_uint(optarg, 0, UINT64_MAX, &c->seed, e, "--seed");
    case O_SHARD: return opt_shard(c, optarg, e);
    case O_RANDOMIZE: return 0; /* already the default */
    case O_DATADIR: pd->datadir = optarg; return 0;
    case O_SCANFLAGS: return opt_scanflags(c, optarg, e);
    case O_NO_DROP: c->keep_privileges = true; return 0;
    case O_SEND_ETH: c->send_eth = true, c->send_ip = false; return 0;
    case O_SEND_IP: c->send_ip = true, c->send_eth = false; return 0;
    case O_VINTENSITY:
        if (parse_uint(optarg, 0, 9, &v, e, "--version-intensity") < 0)
            return -1;
        c->version_intensity = (int)v;
        return 0;
    case O_VLIGHT: c->version_intensity = 2; return 0;
    case O_VALL: c->version_intensity = 9; return 0;
    case O_VERSIONDB:
        if (strlen(optarg) >= sizeof c->versiondb)
            return err_set(e, "--versiondb: path too long");
        snprintf(c->versiondb, sizeof c->versiondb, "%s", optarg);
        return 0;
    case O_BANNERS: c->banners = true; return 0;
    case O_DETECT: return 0; /* seen before the loop */
    case O_DETECT_FOR: return parse_time_ns(optarg, &c->detect_for_ns, e, "--detect-for");
    case O_TRIPWIRE:
    case O_TRIPWIRE_HOSTS:
        if (!c->detect)
            return err_set(e, "%s is a tripwire of --detect (scout --detect %s %s)",
                           opt == O_TRIPWIRE ? "--tripwire" : "--tripwire-hosts",
                           opt == O_TRIPWIRE ? "--tripwire" : "--tripwire-hosts", optarg);
        *(opt == O_TRIPWIRE ? &c->tripwire_ports : &c->tripwire_hosts) = optarg;
        return 0;
    case O_ECS:
        if (!c->detect)
            return err_set(e, "--ecs shapes --detect's JSON lines (scout --detect ... -oJ FILE --ecs)");
        c->ecs = true;
        return 0;
    case O_SYSLOG:
        if (!c->detect)
            return err_set(e, "--syslog sends --detect's findings (scout --detect ... --syslog %s)", optarg);
        c->syslog = optarg;
        return 0;
    case O_BLOCK:
    case O_BLOCK_FOR:
    case O_NEVER_BLOCK:
    case O_DRY_RUN:
        return opt_block(c, opt, optarg, e);
    case O_DATA: case O_DATA_STRING: case O_DATA_LENGTH: return opt_data(c, opt, optarg, e);
    case O_NO_ARP: c->ping.no_arp = true; return 0;
    case O_IFLIST: c->iflist = true; return 0;
    case O_LAN: c->lan = true; return 0;
    case 'O': c->os = true; return 0;
    case 'A': c->os = c->version = true; return 0;
    case O_DB: c->db = optarg; return 0;
    case O_NO_DB: c->no_db = true; return 0;
    case O_RESUME: return opt_resume(c, argc, argv, e);
    case O_OSSCAN_GUESS: c->osscan_guess = true; return 0;
    case O_OSSCAN_LIMIT: c->osscan_limit = true; return 0;
    case O_MAX_OS_TRIES:
        if (parse_uint(optarg, 1, 50, &v, e, "--max-os-tries") < 0)
            return -1;
        c->max_os_tries = (int)v;
        return 0;
    case O_OSDB:
        if (strlen(optarg) >= sizeof c->osdb)
            return err_set(e, "--osdb: path too long");
        snprintf(c->osdb, sizeof c->osdb, "%s", optarg);
        return 0;
    default: return err_set(e, "unknown option");
    }
}

/* nmap's order: the template first, explicit values over it whatever their
 * position on the command line. */
static int apply_timing(struct conf *c, const struct pending *pd, err_t *e)
{
    struct timing_conf *t = &c->timing;
    const struct timing_conf *s = &pd->set;
    timing_template(t, pd->tlevel);
    if (pd->retries_given) t->max_retries = s->max_retries;
    if (pd->host_to_given) t->host_timeout_ns = s->host_timeout_ns;
    if (pd->minrate_given) t->min_rate = s->min_rate;
    if (pd->maxrate_given) t->max_rate = s->max_rate;
    if (pd->maxpar_given) t->max_parallelism = s->max_parallelism;
    if (pd->minpar_given) t->min_parallelism = s->min_parallelism;
    if (pd->delay_given) t->scan_delay_ns = s->scan_delay_ns;
    if (pd->maxdelay_given) t->max_scan_delay_ns = s->max_scan_delay_ns;
    if (pd->initrtt_given) {
        t->initial_rtt_ns = s->initial_rtt_ns;
        if (t->max_rtt_ns < t->initial_rtt_ns) t->max_rtt_ns = t->initial_rtt_ns;
        if (t->min_rtt_ns > t->initial_rtt_ns) t->min_rtt_ns = t->initial_rtt_ns;
    }
    if (pd->initrtt_given && s->initial_rtt_ns == 0)
        return err_set(e, "--initial-rtt-timeout must be greater than 0");
    if (pd->maxrtt_given && s->max_rtt_ns == 0)
        return err_set(e, "--max-rtt-timeout must be greater than 0");
    if (pd->minrtt_given && pd->maxrtt_given && s->min_rtt_ns > s->max_rtt_ns)
        return err_set(e, "--min-rtt-timeout is greater than --max-rtt-timeout");
    /* nmap's rule: one bound given alone moves the template's others out of
     * its way (--max-rtt-timeout 50ms lowers -T3's 100 ms minimum). */
    if (pd->minrtt_given) {
        t->min_rtt_ns = s->min_rtt_ns;
        t->max_rtt_ns = MAX(t->max_rtt_ns, t->min_rtt_ns);
        t->initial_rtt_ns = MAX(t->initial_rtt_ns, t->min_rtt_ns);
    }
    if (pd->maxrtt_given) {
        t->max_rtt_ns = s->max_rtt_ns;
        t->min_rtt_ns = MIN(t->min_rtt_ns, t->max_rtt_ns);
        t->initial_rtt_ns = MIN(t->initial_rtt_ns, t->max_rtt_ns);
    }
    if (t->min_rate && t->max_rate && t->min_rate > t->max_rate)
        return err_set(e, "--min-rate (%g) is greater than --max-rate (%g)", t->min_rate, t->max_rate);
    if (t->min_parallelism && t->max_parallelism && t->min_parallelism > t->max_parallelism)
        return err_set(e, "--min-parallelism is greater than --max-parallelism");
    /* --max-scan-delay: nmap caps with it the delay it adds when a host
     * drops probes.  scout slows down through its congestion window (-sT)
     * and rate control (raw scans) instead, so the bound applies there: they
     * never back off below one probe per this time.  Only when given: the
     * templates' values are nmap's caps, not floors. */
    if (pd->maxdelay_given && s->max_scan_delay_ns == 0)
        return err_set(e, "--max-scan-delay must be greater than 0 (it is the longest wait "
                          "congestion control may put between probes)");
    if (pd->maxdelay_given && pd->delay_given && s->scan_delay_ns > s->max_scan_delay_ns)
        return err_set(e, "--scan-delay is greater than --max-scan-delay");
    c->max_gap_ns = pd->maxdelay_given ? s->max_scan_delay_ns : 0;
    if (t->scan_delay_ns > t->max_scan_delay_ns)
        t->max_scan_delay_ns = t->scan_delay_ns;
    return 0;
}

uint32_t conf_hostgroup(const struct conf *c, uint32_t automatic)
{
    uint32_t g = MAX(automatic, c->min_hostgroup);
    if (c->max_hostgroup)
        g = MIN(g, c->max_hostgroup);
    return MAX(g, 1u);
}

/* --min-hostgroup N with P ports a host asks for N * P results at once. */
static int check_hostgroups(const struct conf *c, err_t *e)
{
    if (c->min_hostgroup && c->max_hostgroup && c->min_hostgroup > c->max_hostgroup)
        return err_set(e, "--min-hostgroup (%u) is greater than --max-hostgroup (%u)",
                       c->min_hostgroup, c->max_hostgroup);
    uint64_t per_host = (uint64_t)c->ports.n[PROTO_TCP] + c->ports.n[PROTO_UDP];
    uint64_t bytes = (uint64_t)c->min_hostgroup * per_host * sizeof(struct port_result);
    if (bytes > (1ULL << 30))
        return err_set(e, "--min-hostgroup %u with %llu ports a host would hold %llu MiB of "
                          "results at once (1024 at most)",
                       c->min_hostgroup, (unsigned long long)per_host,
                       (unsigned long long)(bytes >> 20));
    return 0;
}

void conf_timing_report(const struct conf *c, FILE *f)
{
    const struct timing_conf *t = &c->timing;
    char maxg[16] = "automatic";
    if (c->max_hostgroup)
        snprintf(maxg, sizeof maxg, "%u", c->max_hostgroup);
    /* nmap -d's block, in its units (milliseconds); hostgroups as used: the
     * automatic size depends on the port count (max 0: none given). */
    fprintf(f, "--------------- Timing report ---------------\n"
               "  hostgroups: min %u, max %s\n"
               "  rtt-timeouts: init %llu, min %llu, max %llu\n"
               "  max-scan-delay: TCP %llu%s\n"
               "  parallelism: min %u, max %u\n"
               "  max-retries: %u, host-timeout: %llu\n"
               "  min-rate: %g, max-rate: %g\n"
               "---------------------------------------------\n",
            conf_hostgroup(c, 1), maxg,
            (unsigned long long)(t->initial_rtt_ns / NS_PER_MS),
            (unsigned long long)(t->min_rtt_ns / NS_PER_MS),
            (unsigned long long)(t->max_rtt_ns / NS_PER_MS),
            (unsigned long long)(t->max_scan_delay_ns / NS_PER_MS),
            c->max_gap_ns ? " (given: a floor of the send rate)" : "", t->min_parallelism,
            t->max_parallelism, t->max_retries,
            (unsigned long long)(t->host_timeout_ns / NS_PER_MS), t->min_rate, t->max_rate);
}

/* --lan: the attached networks (lan.h) are the targets. */
static int lan_targets(struct conf *c, err_t *e)
{
    c->lan_ni = xcalloc(1, sizeof *c->lan_ni, e);
    if (!c->lan_ni || netinfo_load(c->lan_ni, e) < 0)
        return -1;
    c->nlan = lan_networks(c->lan_ni, c->iface, c->lan_nets, LAN_MAX_NETS, e);
    for (int i = 0; i < c->nlan; i++) {
        char s[ADDR_STRLEN], cidr[64];
        snprintf(cidr, sizeof cidr, "%s/%u", addr_str(&c->lan_nets[i].net, s, sizeof s), c->lan_nets[i].prefix);
        if (targets_add(&c->targets, cidr, TARGET_V4, e) < 0)
            return -1;
    }
    return c->nlan < 0 ? -1 : 0;
}

static int build_targets(struct conf *c, const struct pending *pd, int first, int argc, char **argv,
                         err_t *e)
{
    if (c->lan && lan_targets(c, e) < 0)
        return -1;
    for (int i = first; i < argc; i++)
        if (targets_add(&c->targets, argv[i], c->family, e) < 0)
            return -1;
    for (int i = 0; i < pd->niL; i++)
        if (targets_add_file(&c->targets, pd->iL[i], c->family, e) < 0)
            return -1;
    for (int i = 0; i < pd->nexcl; i++)
        if (targets_add_list(&c->excludes, pd->excl[i], c->family, e) < 0)
            return -1;
    for (int i = 0; i < pd->nexclfile; i++)
        if (targets_add_file(&c->excludes, pd->exclfile[i], c->family, e) < 0)
            return -1;
    if (targets_finish(&c->targets, e) < 0 || targets_finish(&c->excludes, e) < 0)
        return -1;
    if (c->targets.total == 0)
        return err_set(e, "no targets given (try: scout -sT -p 22,80 127.0.0.1)");
    return 0;
}

static int build_ports(struct conf *c, const struct pending *pd, err_t *e)
{
    char path[600];
    const char *svcpath = NULL;
    if (pd->datadir) {
        snprintf(path, sizeof path, "%s/nmap-services", pd->datadir);
        svcpath = path;
    }
    if (services_load(&c->svc, svcpath, e) < 0)
        return -1;
    const char *dir = pd->datadir ? pd->datadir : getenv("SCOUT_DATADIR") ? getenv("SCOUT_DATADIR") : "/usr/share/nmap";
    if (!c->versiondb[0])
        snprintf(c->versiondb, sizeof c->versiondb, "%s/nmap-service-probes", dir);
    snprintf(c->payloaddb, sizeof c->payloaddb, "%s/nmap-payloads", dir);
    if (!c->osdb[0])
        snprintf(c->osdb, sizeof c->osdb, "%s/nmap-os-db", dir);
    snprintf(c->macprefixes, sizeof c->macprefixes, "%s/nmap-mac-prefixes", dir);
    struct portset *inc = NULL, *exc = NULL;
    int rc = 0;
    if (pd->pspec) {
        inc = xcalloc(1, sizeof *inc, e);
        rc = inc ? portset_parse(inc, pd->pspec, c->svc, e) : -1;
    }
    if (rc == 0 && pd->expspec) {
        exc = xcalloc(1, sizeof *exc, e);
        rc = exc ? portset_parse(exc, pd->expspec, c->svc, e) : -1;
    }
    if (rc == 0) {
        bool want[PROTO_COUNT] = {[PROTO_TCP] = c->tcp, [PROTO_UDP] = c->udp};
        uint32_t top = pd->top ? (uint32_t)pd->top : pd->fast ? 100 : 0;
        if (!c->ping_only)
            rc = portlist_build(&c->ports, inc, exc, top, want, c->svc, e);
    }
    free(inc);
    free(exc);
    return rc;
}

/* nmap fingerprints IPv6 hosts with another method (a classifier over its
 * own probes); scout has only the IPv4 one, and says so up front. */
static int check_os_family(const struct conf *c, err_t *e)
{
    for (size_t i = 0; c->os && i < c->targets.n; i++)
        if (c->targets.v[i].kind == TS_RANGE && c->targets.v[i].base.family == AF_INET6)
            return err_set(e, "-O fingerprints IPv4 hosts only (nmap's IPv6 method is not implemented): "
                              "drop -O for the IPv6 targets");
    return 0;
}

/* -S must be of the targets' family: a scan of one family cannot have a
 * source of the other. */
static int check_source(const struct conf *c, err_t *e)
{
    char a[ADDR_STRLEN];
    for (uint64_t i = 0; c->source.family && i < c->targets.total && i < 256; i++) {
        struct addr dst;
        const char *name;
        targets_get(&c->targets, i, &dst, &name);
        if (dst.family != c->source.family)
            return err_set(e, "-S %s: the targets are %s, the source address is not",
                           addr_str(&c->source, a, sizeof a), dst.family == AF_INET6 ? "IPv6" : "IPv4");
    }
    return 0;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* What conf_parse_argv leaves to conf_load. */
struct conf_files {
    struct pending pd;
    int first, argc; /* the targets are argv[first..argc) */
    char **argv;
};

enum conf_result conf_parse_argv(struct conf *c, int argc, char **argv, err_t *e)
{
    memset(c, 0, sizeof *c);
    targets_init(&c->targets);
    targets_init(&c->excludes);
    c->scan = &scan_connect;
    c->shard_k = c->shard_n = 1;
    c->source_port = -1;
    c->scanflags = -1;
    c->version_intensity = 7;
    c->max_os_tries = 5;
    struct pending pd = {.tlevel = 3};
    if (argc <= 1) {
        fputs(usage, stdout);
        return CONF_EXIT_OK;
    }
    c->args = join_args(argc, argv);
    c->argc = argc;
    c->argv = argv;
    if (!c->args)
        return err_set(e, "out of memory");
    /* --detect changes what -r means, wherever it stands. */
    for (int i = 1; i < argc; i++)
        c->detect |= !strcmp(argv[i], "--detect");
    opterr = 0;
    /* 0, not 1: glibc then forgets where the last parse stopped inside a
     * cluster of short options (-vX...), which would point into an argv
     * that is gone when conf_parse runs again (the unit tests, the fuzzer). */
    optind = 0;
    int opt;
    const char *shorts = c->detect ? ":s:P:p:o:i:T:S:e:g:d::vnRr:F6hVOA" : ":s:P:p:o:i:T:S:e:g:d::vnRrF6hVOA";
    while ((opt = getopt_long(argc, argv, shorts, long_opts, NULL)) != -1) {
        if (opt == '?') {
            if (optopt)
                return err_set(e, "unknown option -%c", optopt);
            return err_set(e, "unknown option '%s'", argv[optind - 1]);
        }
        if (opt == ':')
            return err_set(e, "option '%s' needs a value", argv[optind - 1]);
        if (opt == 'h' || opt == O_HELP) {
            fputs(usage, stdout);
            return CONF_EXIT_OK;
        }
        if (opt == 'V' || opt == O_VERSION) {
            printf("scout %s\n", SCOUT_VERSION);
            return CONF_EXIT_OK;
        }
        if (handle(c, &pd, opt, argc, argv, e) < 0)
            return CONF_ERROR;
    }
    /* nmap's default: SYN scan when raw sockets are allowed, else connect.
     * Custom flags need raw packets: no quiet fallback for them. */
    if (c->scanflags >= 0 && !c->scan_explicit) {
        c->scan = &scan_syn;
        c->scan_explicit = true;
    }
    if (c->scanflags >= 0 && !scan_is_raw(c->scan))
        return err_set(e, "--scanflags needs a raw TCP scan type (-sS, -sA, -sF, ...), not %s",
                       c->scan->flag);
    /* -sU alone scans UDP only; a TCP type (named, or the default) otherwise. */
    c->tcp = !c->udp || c->scan_explicit;
    if (c->ping_only && c->udp)
        return err_set(e, "-sn scans no ports: drop -sn or -sU");
    if (c->data_given && !c->udp)
        return err_set(e, "--data, --data-string and --data-length set the UDP payload: they need -sU");
    if (c->ping_only && pd.pspec)
        return err_set(e, "-sn scans no ports: drop -p or -sn");
    if (c->ping_only && c->ping_skip)
        return err_set(e, "-sn with -Pn would scan nothing: pick one");
    if (c->no_db && (c->db || c->resume))
        return err_set(e, "--no-db: then --db and --resume have no store to use");
    if (c->ping_only && c->os)
        return err_set(e, "-sn scans no ports, and -O needs an open and a closed port: drop -sn or -O");
    if (c->ping_skip && c->ping.probes)
        return err_set(e, "-Pn skips discovery: drop it or the -P probes");
    /* Shards with seeds of their own would walk different permutations. */
    if (c->shard_auto && !c->seed_given)
        return err_set(e, "--shard auto: every shard of the fleet must walk one permutation: give them all "
                          "the same --seed (deploy/ shows how)");
    if (!c->seed_given) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        c->seed = mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec);
    }
    if (c->detect) {
        if (optind < argc)
            return err_set(e, "--detect takes no targets ('%s'); use -r FILE or -e IFACE", argv[optind]);
        if ((c->never_block || c->dry_run || c->block_for_ns) && !c->block)
            return err_set(e, "--block-for, --never-block and --dry-run go with --block");
        if (c->block && c->detect_file && !c->dry_run)
            return err_set(e, "--block answers a live watch (-e IFACE); with -r FILE add --dry-run");
        if (!c->block_for_ns)
            c->block_for_ns = 3600 * NS_PER_SEC;
        return CONF_RUN;
    }
    if (c->iflist) {
        if (optind < argc)
            return err_set(e, "--iflist takes no targets ('%s')", argv[optind]);
        return CONF_RUN;
    }
    if (c->lan && optind < argc)
        return err_set(e, "--lan sweeps the attached networks and takes no targets ('%s')", argv[optind]);
    if (c->lan && (c->ping_skip || c->udp))
        return err_set(e, "--lan finds devices by ARP: -Pn and -sU do not apply");
    /* The LAN view is a sweep; ports only when asked for. */
    if (c->lan && !pd.pspec && !pd.top && !pd.fast)
        c->ping_only = true;
    if (apply_timing(c, &pd, e) < 0)
        return CONF_ERROR;
    /* Files and host names wait for conf_load: main() drops privileges first. */
    c->files = xcalloc(1, sizeof *c->files, e);
    if (!c->files)
        return CONF_ERROR;
    *c->files = (struct conf_files){.pd = pd, .first = optind, .argc = argc, .argv = argv};
    return CONF_RUN;
}

/* The fleet's key: every shard of one scan has the same seed and command
 * line but its own --shard. */
static int set_scan_key(struct conf *c, err_t *e)
{
    char *args = shardenv_args(c->argc, c->argv, e);
    if (!args)
        return -1;
    shardenv_scan_key(c->seed, args, c->scan_key);
    free(args);
    return 0;
}

int conf_load(struct conf *c, err_t *e)
{
    struct conf_files *f = c->files;
    if (!f) /* --detect: nothing to read */
        return 0;
    if (set_scan_key(c, e) < 0)
        return -1;
    int rc = build_targets(c, &f->pd, f->first, f->argc, f->argv, e) < 0 || build_ports(c, &f->pd, e) < 0 ||
                     check_source(c, e) < 0 || check_hostgroups(c, e) < 0 || check_os_family(c, e) < 0
                 ? -1
                 : 0;
    free(f);
    c->files = NULL;
    return rc;
}

enum conf_result conf_parse(struct conf *c, int argc, char **argv, err_t *e)
{
    enum conf_result r = conf_parse_argv(c, argc, argv, e);
    return r == CONF_RUN && conf_load(c, e) < 0 ? CONF_ERROR : r;
}

void conf_default_scan(struct conf *c, bool raw_allowed)
{
    if (!c->scan_explicit && raw_allowed)
        c->scan = &scan_syn;
    else if (!c->scan_explicit && c->verbose && !c->ping_only)
        fprintf(stderr, "scout: no raw-socket privilege (root or CAP_NET_RAW): using -sT\n");
}

void conf_free(struct conf *c)
{
    if (c->lan_ni)
        netinfo_free(c->lan_ni);
    free(c->lan_ni);
    targets_free(&c->targets);
    targets_free(&c->excludes);
    portlist_free(&c->ports);
    services_free(c->svc);
    free(c->files);
    /* -oA names were allocated here; other paths point into argv. */
    for (int i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->args);
}
