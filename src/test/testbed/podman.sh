#!/usr/bin/env bash
# podman.sh LEADER_PID -- real podman (with runc) under a running testbed's systemd
#
# Installs podman, runc and conmon into the testbed's volatile root (gone at its next boot), from
# .deb files cached OUTSIDE the checkout in ${HOSTDECK_TESTBED_CACHE:-/var/cache/hostdeck-testbed}/
# podman-debs-<key>: the first run resolves and downloads them with apt (this machine's sources and
# package lists, through chroot: the testbed has no network of its own), later runs install them
# with dpkg alone, no network. Then:
#  - image storage: the vfs driver on a tmpfs (overlay on the testbed's overlay root is refused)
#  - registries: none; a busybox image "localhost/bb:1" is imported from a tar of this machine's
#    static busybox
#  - podman.socket started (the Docker-compatible API at /run/podman/podman.sock, for API adapters)
# systemd is podman's cgroup manager: each container is a libpod-<id>.scope under machine.slice,
# as on a Debian host. Containers need `--runtime runc` (crun refuses hybrid cgroups) and
# `--ulimit nofile=...` (podman's default RLIMIT_NOFILE exceeds this machine's hard limit):
# PODMAN_RUN_OPTS says which. No session keyring per container (containers.conf keyring=false):
# runc cannot make one from inside a service of the testbed ("unable to join session keyring").
#
# Prints on stdout: PODMAN_IMAGE=localhost/bb:1, PODMAN_SOCKET=<path inside the testbed>,
# PODMAN_RUN_OPTS="...", PODMAN_INSTALL=cached|downloaded, PODMAN_SECONDS=<install+setup time>.
set -euo pipefail

L=${1:?usage: podman.sh LEADER_PID}
[ "$(id -u)" = 0 ] || { echo "podman.sh: must run as root" >&2; exit 1; }
R=/proc/$L/root
[ -d "$R/etc" ] || { echo "podman.sh: no testbed with leader PID $L" >&2; exit 1; }
T=(nsenter -t "$L" -a)
start=$(date +%s.%N)
log() { echo "podman.sh: $*" >&2; }

# ------------------------------------------------------------------ 1. packages
how=$(DEBS_PRESENT_CHECK='command -v podman >/dev/null && command -v runc >/dev/null' \
    bash "$(dirname "$0")/debs.sh" "$L" podman podman runc conmon)

# ------------------------------------------------------------------ 2. storage, image, socket
"${T[@]}" sh -c 'mkdir -p /var/lib/containers /etc/containers
  mountpoint -q /var/lib/containers || mount -t tmpfs tmpfs /var/lib/containers
  printf "[storage]\ndriver = \"vfs\"\nrunroot = \"/run/containers/storage\"\ngraphroot = \"/var/lib/containers/storage\"\n" \
    > /etc/containers/storage.conf
  printf "[containers]\nkeyring = false\n" > /etc/containers/containers.conf'
# dpkg starts podman.socket, and whatever polls the socket (a running Hostdeck does) starts the API
# service before the settings above exist: stop it, so the next call starts it with them
"${T[@]}" systemctl stop podman.service 2>/dev/null || true
if ! "${T[@]}" podman image exists localhost/bb:1; then
    B=$(mktemp -d); mkdir -p "$B/bin" "$B"/{proc,sys,dev,etc,tmp}; cp /bin/busybox "$B/bin/"
    for c in sh sleep cat ls ps hostname sha256sum; do ln -s busybox "$B/bin/$c"; done
    tar -C "$B" -cf "$R/tmp/bb.tar" .; rm -rf "$B"
    "${T[@]}" podman import /tmp/bb.tar localhost/bb:1 >/dev/null
    rm -f "$R/tmp/bb.tar"
fi
"${T[@]}" systemctl start podman.socket
end=$(date +%s.%N)
echo "PODMAN_IMAGE=localhost/bb:1"
echo "PODMAN_SOCKET=/run/podman/podman.sock"
echo "PODMAN_RUN_OPTS=\"--runtime runc --ulimit nofile=20000:20000 --ulimit nproc=4096:4096\""
echo "PODMAN_INSTALL=$how"
echo "PODMAN_SECONDS=$(awk "BEGIN{printf \"%.1f\", $end-$start}")"
