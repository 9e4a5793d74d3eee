# Lab tests of service and version detection (-sV) and --banners against t6,
# which runs Debian's own sshd, nginx (HTTP and HTTPS), vsftpd, Exim, redis,
# PostgreSQL and Mosquitto.

SVC_PORTS=21,22,25,80,443,1883,5432,6379,7000,7001,7002,7004

test_service_versions() {
    check "-sV names every service and version as installed (dpkg)" bash -c \
        "ip netns exec $(lab_ns scan) $SCOUT -n -sV -p $SVC_PORTS -oX $WORK/sv.xml -oN $WORK/sv.txt -oJ $WORK/sv.json $LAB_T6 >/dev/null &&
         python3 $LAB_SRC/svccheck.py $WORK/sv.xml $LAB_T6"
    check "-sV XML is valid against nmap.dtd" xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/sv.xml"
    check "normal output has the VERSION column and ssl/http" \
        grep -qE "^443/tcp +open +ssl/http +nginx" "$WORK/sv.txt"
    check "JSON lines carry product and version" grep -q '"port":80,.*"product":"nginx","version":"' "$WORK/sv.json"
}

# nmap's fingerprint text without its clock (Time=, hex seconds).
untimed() { sed 's/%Time=[0-9A-F]*%/%Time=T%/'; }

test_service_fingerprint() {
    # t6:7004 answers every probe with a line of a protocol nobody knows:
    # nmap's submission fingerprint, as nmap prints it, in every output.
    # PostgreSQL (5432) is only softmatched: its fingerprint is printed too.
    local s=$WORK/sf-scout n=$WORK/sf-nmap
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sV -p 22,5432,7004 -oN "$s.txt" -oX "$s.xml" -oJ "$s.json" \
        $LAB_T6 >/dev/null
    ip netns exec "$(lab_ns scan)" nmap -n -sV -p 22,5432,7004 -oN "$n.txt" -oX "$n.xml" $LAB_T6 >/dev/null
    check "-sV: the 'unrecognized despite returning data' line and the fingerprint equal nmap's (but its clock)" \
        diff <(grep -E "^SF|unrecognized despite" "$n.txt" | untimed) <(grep -E "^SF|unrecognized despite" "$s.txt" | untimed)
    check "...and there are two: 7004 and PostgreSQL's" \
        bash -c "grep -q '^SF-Port7004-TCP:V=7.93%I=7%D=' '$s.txt' && grep -q '^SF-Port5432-TCP:V=' '$s.txt'"
    check "XML: the servicefp attribute equals nmap's" \
        diff <(grep -o 'servicefp="[^"]*"' "$n.xml" | untimed) <(grep -o 'servicefp="[^"]*"' "$s.xml" | untimed)
    check "...and the XML is valid against nmap.dtd" xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$s.xml"
    check "JSON lines carry it" grep -q '"port":7004,.*"servicefp":"SF-Port7004-TCP:V=7.93' "$s.json"
    check "the CPEs equal nmap's" diff <(grep -o '<cpe>[^<]*</cpe>' "$n.xml") <(grep -o '<cpe>[^<]*</cpe>' "$s.xml")
    check "a port a hard match named has none" bash -c "! grep -q 'SF-Port22-' '$s.txt' '$s.xml' '$s.json'"
}

test_service_dialog_mqtt() {
    # nmap-service-probes names MQTT but no broker's version; scout's dialog
    # asks the broker ($SYS/broker/version), as nmap's mqtt-subscribe does.
    local s=$WORK/mqtt
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sV -p 1883 -oN "$s.txt" -oX "$s.xml" -oJ "$s.json" \
        $LAB_T6 >/dev/null
    local v; v=$(dpkg-query -W -f='${Version}' mosquitto | sed 's/-.*//')
    check "MQTT: the broker's product and version, from the dialog ($v)" \
        grep -qE "^1883/tcp +open +mqtt +Eclipse Mosquitto $v$" "$s.txt"
    check "...and what it saw, as a script line" grep -q "^|_dialog-mqtt: \$SYS/broker/version: mosquitto version $v" "$s.txt"
    check "...XML: the fields, the CPE and the note, valid against nmap.dtd" bash -c \
        "grep -q 'product=\"Eclipse Mosquitto\" version=\"$v\"' '$s.xml' &&
         grep -q '<cpe>cpe:/a:eclipse:mosquitto:$v</cpe>' '$s.xml' && grep -q 'script id=\"dialog-mqtt\"' '$s.xml' &&
         xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd '$s.xml'"
    check "...JSON: method dialog" grep -q '"port":1883,.*"method":"dialog".*"dialog":"mqtt"' "$s.json"
}

test_service_banners() {
    ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sT --banners -p 21,22,7000 -oX "$WORK/ban.xml" $LAB_T6 >"$WORK/ban.txt"
    check "--banners without -sV shows the SSH greeting" grep -q "^|_banner: SSH-2.0-OpenSSH" "$WORK/ban.txt"
    check "--banners: the FTP greeting is in the XML" grep -q 'id="banner" output="220 ' "$WORK/ban.xml"
}

test_service_bad_db() {
    # A probe database with broken lines: each reported with its line number,
    # the rest still used.
    { echo 'Probe TCP NULL q||'
      echo 'totalwaitms 3000'
      echo 'match ssh m|^SSH-([\d.]+)-OpenSSH_([\w.]+)| p/OpenSSH/ v/$2/'
      echo 'match broken m|^(unclosed|'
      echo 'match nodelim m^'
      echo 'frobnicate 12'
      echo 'Probe TCP GetRequest q|GET / HTTP/1.0\r\n\r\n|'
      echo 'rarity banana'; } >"$WORK/bad-probes"
    local err
    err=$(ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sV --versiondb "$WORK/bad-probes" -p 22 $LAB_T6 2>&1 >"$WORK/bad-db.txt")
    check "a malformed regex is reported with its line number" grep -q "bad-probes:4: bad regex" <<<"$err"
    check "an unterminated regex and an unknown directive too" \
        bash -c "grep -q 'bad-probes:5:' <<<'$err' && grep -q 'bad-probes:6: unknown directive' <<<'$err' && grep -q 'bad-probes:8:' <<<'$err'"
    check "the good lines still identify ssh" grep -qE "^22/tcp +open +ssh +OpenSSH" "$WORK/bad-db.txt"
    expect_exit 2 "a missing probe database is a clear error (bad input)" \
        ip netns exec "$(lab_ns scan)" "$SCOUT" -n -sV --versiondb /nonexistent -p 22 $LAB_T6
}

test_service_few_descriptors() {
    # -sV sizes its connections from the descriptors it has (it used a fixed
    # 512): with 24, probes that cannot get a socket wait for one.
    check "-sV with 24 descriptors still names every service" bash -c \
        "ulimit -n 24 && ip netns exec $(lab_ns scan) $SCOUT -n -sV -p $SVC_PORTS -oX $WORK/sv24.xml $LAB_T6 >/dev/null &&
         python3 $LAB_SRC/svccheck.py $WORK/sv24.xml $LAB_T6"
}
