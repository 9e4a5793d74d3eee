/* Unit test runner: every test in one list, run in order. */
#include "unit.h"

int unit_failures;

#define TESTS(X)                                                                \
    X(test_targets_grammar) X(test_targets_errors) X(test_targets_large)        \
    X(test_ports_grammar) X(test_ports_errors) X(test_ports_top) X(test_ports_builtin)                \
    X(test_perm_bijection) X(test_perm_keyed)                                   \
    X(test_timing_rtt) X(test_timing_cwnd) X(test_timing_rate) X(test_timing_ratectl)                \
    X(test_timing_templates) X(test_timing_parse)                               \
    X(test_classify_connect) X(test_cookie_siphash) X(test_packet_roundtrip) X(test_packet_malformed) X(test_packet_checksums) X(test_classify_raw) X(test_probe_tcp_modules) X(test_probe_rejects)                                                  \
    X(test_output_formats) X(test_output_folding)                               \
    X(test_xmlscan_nmap) X(test_xmlscan_masscan) X(test_xmlscan_refusals) X(test_xmlscan_truncated) X(test_diff_pairs) \
    X(test_diff_text_ndiff) X(test_diff_text_cases) X(test_diff_json) \
    X(test_osprobe_build) X(test_osprobe_linux) X(test_osprobe_hostile) \
    X(test_output_os_perfect) X(test_output_os_guesses) X(test_output_os_none) X(test_output_os_xml_valid) \
    X(test_conf_errors) X(test_conf_timing_order) X(test_detect_trw) X(test_detect_one_way) X(test_detect_ping_silence) X(test_detect_tool_marks) X(test_detect_tick) X(test_match_templates) \
    X(test_classify_icmp6) X(test_icmplimit_learns) X(test_icmplimit_never_overdraws) X(test_icmplimit_edges) X(test_probe_udp) X(test_iflist_tables) X(test_lan_networks) \
    X(test_netroute_paths) X(test_netroute_tables) X(test_netroute_malformed) X(test_netroute_caps) \
    X(test_packet_ip6) X(test_packet_icmp6) X(test_packet_ndp_arp) X(test_packet_frames) \
    X(test_connect_init_failure) \
    X(test_targets_file) X(test_services_file) \
    X(test_targets_nmap_forms) X(test_ports_blanks) X(test_ports_ranges) X(test_servicefp_nmap) X(test_servicefp_escapes) X(test_servicefp_bounds) X(test_dialog_mqtt) X(test_detect_tripwire) X(test_detect_slow_nat) X(test_conf_messages) \
    X(test_output_nmap_details) X(test_output_interrupted) \
    X(test_detect_ipv6) \
    X(test_targets_contains_index) X(test_targets_contains_fast) \
    X(test_detect_key_collision) X(test_detect_udp_tools) X(test_detect_udp_benign) \
    X(test_conf_debug_levels) X(test_conf_hostgroups) X(test_conf_max_scan_delay) \
    X(test_rdns_concurrent) X(test_rdns_interrupt) \
    X(test_payloads_grammar) X(test_payloads_probes) X(test_payloads_malformed) X(test_payloads_limits) X(test_payloads_debian) X(test_payloads_data) \
    X(test_conf_getopt_state) \
    X(test_walk_udp_order) X(test_walk_udp_softmatch) X(test_walk_udp_services) \
    X(test_macvendor_levels) X(test_macvendor_csv) X(test_macvendor_corrupt) X(test_macvendor_nmap) X(test_macvendor_files) X(test_macvendor_debian) \
    X(test_osdb_expressions) X(test_osdb_points) X(test_osdb_rank) X(test_osdb_malformed) X(test_osdb_errors) X(test_osdb_debian) \
    X(test_osfmt_nmap_text) X(test_osfmt_roundtrip) X(test_osfmt_parse_errors) \
    X(test_shardenv_slurm) X(test_shardenv_k8s) X(test_shardenv_errors) X(test_shardenv_key) X(test_shardenv_k8s_manifest) \
    X(test_store_roundtrip) X(test_store_merge) X(test_store_last_and_checkpoint) X(test_store_import) \
    X(test_store_packing) X(test_store_bad_files) X(test_store_locked) X(test_store_full_disk) \
    X(test_store_bad_urls) X(test_store_default_path) X(test_store_privileges)

#define DECLARE(t) void t(void);
TESTS(DECLARE)

int main(void)
{
    struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
#define ENTRY(t) {#t, t},
        TESTS(ENTRY)
    };
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        int before = unit_failures;
        tests[i].fn();
        if (unit_failures == before) {
            passed++;
            printf("  ok   %s\n", tests[i].name);
        } else {
            failed++;
            printf("  FAIL %s\n", tests[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
