#!/usr/bin/env bash
# payload.sh JAR USERS_FILE METRICS_TOKEN OUT -- what run.sh copies over the guest's root at boot:
# Hostdeck (the jar, copied: a Spring Boot jar read through 9p failed to load classes) as an
# enabled service on :8080 running this machine's JDK from /host, its users file, the static
# network for qemu's user-mode net (no udev in the image, so no networkd), the probe that runs the
# host's commands (NUL-separated argv files dropped in /xfer; no shell in between), and the test
# units: a CPU burner under CPUQuota=30%, a logger, and a Quadlet-like unit whose process makes its
# own PID and network namespaces.
set -euo pipefail
JAR=${1:?usage: payload.sh JAR USERS_FILE METRICS_TOKEN OUT}; USERS=${2:?}; TOKEN=${3:?}; OUT=${4:?}
JAVA=$(readlink -f "$(command -v java)")
rm -rf "$OUT"; mkdir -p "$OUT"/{opt/hostdeck,etc/hostdeck,etc/systemd/system/multi-user.target.wants}
cp "$JAR" "$OUT/opt/hostdeck/hostdeck.jar"
install -m 600 "$USERS" "$OUT/etc/hostdeck/users"
cp -a /etc/java-17-openjdk "$OUT/etc/"   # the JDK under /host reads its security config from the guest's /etc
echo v2host > "$OUT/etc/hostname"
S=$OUT/etc/systemd/system
unit() { cat > "$S/$1"; ln -sf "/etc/systemd/system/$1" "$S/multi-user.target.wants/$1"; }
unit v2net.service <<'UNIT'
[Unit]
Description=Static network for qemu user-mode networking
Before=network-online.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in $(seq 50); do [ -e /sys/class/net/eth0 ] && break; sleep 0.2; done; B=/host/bin/busybox; $B ip link set lo up; $B ip link set eth0 up; $B ip addr add 10.0.2.15/24 dev eth0; $B ip route add default via 10.0.2.2'
[Install]
WantedBy=multi-user.target
UNIT
unit hostdeck.service <<UNIT
[Unit]
Description=Hostdeck under test
After=v2net.service dbus.service
[Service]
ExecStart=/host$JAVA -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m -Xss512k -jar /opt/hostdeck/hostdeck.jar --server.port=8080 --hostdeck.pam.enabled=false --hostdeck.systemd.call-timeout=120s --hostdeck.metrics.token=$TOKEN
TimeoutStartSec=infinity
[Install]
WantedBy=multi-user.target
UNIT
unit v2probe.service <<'UNIT'
[Unit]
Description=Runs the commands the test host drops into /xfer (argv files, NUL-separated)
[Service]
ExecStart=/bin/sh -c 'while :; do for f in /xfer/*.cmd; do [ -e "$f" ] || continue; n=$${f%%.cmd}; mv "$f" "$n.run"; xargs -0 -a "$n.run" env -- > "$n.tmp" 2>&1; echo $$? > "$n.rc"; mv "$n.tmp" "$n.out"; done; sleep 0.2; done'
[Install]
WantedBy=multi-user.target
UNIT
unit v2burn.service <<'UNIT'
[Unit]
Description=A CPU burner under a 30% quota
[Service]
ExecStart=/bin/sh -c 'while :; do :; done'
CPUQuota=30%
[Install]
WantedBy=multi-user.target
UNIT
unit v2log.service <<'UNIT'
[Unit]
Description=A logger
[Service]
ExecStart=/bin/sh -c 'i=0; while :; do i=$$((i+1)); echo "v2log line $$i"; sleep 2; done'
[Install]
WantedBy=multi-user.target
UNIT
unit v2quadlet.service <<'UNIT'
[Unit]
Description=A container manager's unit: its process makes its own PID and network namespaces
[Service]
ExecStart=/usr/bin/unshare --pid --net --fork --mount-proc /bin/sleep 100000
PrivateTmp=yes
[Install]
WantedBy=multi-user.target
UNIT
echo "$OUT"
