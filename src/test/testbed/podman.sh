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
PKGS=(podman runc conmon)
CACHE=${HOSTDECK_TESTBED_CACHE:-/var/cache/hostdeck-testbed}
KEY=$(printf '%s\n' 1 "${PKGS[*]}" "$(cat "$R/etc/debian_version" 2>/dev/null)" | sha256sum | cut -c1-12)
DEBS=$CACHE/podman-debs-$KEY
start=$(date +%s.%N)
log() { echo "podman.sh: $*" >&2; }

# ------------------------------------------------------------------ 1. packages
if "${T[@]}" sh -c 'command -v podman >/dev/null && command -v runc >/dev/null'; then
    how=present
elif [ -f "$DEBS/complete" ]; then
    how=cached
else
    how=downloaded
    log "resolving and downloading ${PKGS[*]} once into $DEBS"
    # this machine's sources and package lists: no apt-get update in the testbed when they fit
    cp /etc/apt/sources.list.d/*.sources "$R/etc/apt/sources.list.d/" 2>/dev/null && rm -f "$R/etc/apt/sources.list" || true
    [ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$R/etc/apt/sources.list"
    cp -n /etc/apt/apt.conf.d/* "$R/etc/apt/apt.conf.d/" 2>/dev/null || true
    cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
    mkdir -p "$R/var/lib/apt/lists"
    cp /var/lib/apt/lists/*_InRelease /var/lib/apt/lists/*_Packages* "$R/var/lib/apt/lists/" 2>/dev/null || true
    rm -f "$R"/var/cache/apt/archives/*.deb
    dl() { chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
           -o APT::Sandbox::User=root install --download-only "${PKGS[@]}" >&2; }
    if ! dl; then
        log "download failed with this machine's package lists: apt-get update in the testbed"
        chroot "$R" apt-get -q -o APT::Sandbox::User=root update >&2
        dl
    fi
    mkdir -p "$DEBS.tmp"; rm -f "$DEBS.tmp"/*.deb
    cp "$R"/var/cache/apt/archives/*.deb "$DEBS.tmp/"
    touch "$DEBS.tmp/complete"; rm -rf "$DEBS"; mv "$DEBS.tmp" "$DEBS"
    rm -f "$R"/var/cache/apt/archives/*.deb
fi
if [ "$how" != present ]; then
    mkdir -p "$R/tmp/podman-debs"
    cp "$DEBS"/*.deb "$R/tmp/podman-debs/"
    # all at once, so dpkg orders the dependencies itself; maintainer scripts run in the testbed
    "${T[@]}" env DEBIAN_FRONTEND=noninteractive sh -c 'dpkg -i --force-confdef /tmp/podman-debs/*.deb >/tmp/podman-dpkg.log 2>&1' \
        || { cat "$R/tmp/podman-dpkg.log" >&2; exit 1; }
    rm -rf "$R/tmp/podman-debs"
fi

# ------------------------------------------------------------------ 2. storage, image, socket
"${T[@]}" sh -c 'mkdir -p /var/lib/containers /etc/containers
  mountpoint -q /var/lib/containers || mount -t tmpfs tmpfs /var/lib/containers
  printf "[storage]\ndriver = \"vfs\"\nrunroot = \"/run/containers/storage\"\ngraphroot = \"/var/lib/containers/storage\"\n" \
    > /etc/containers/storage.conf
  printf "[containers]\nkeyring = false\n" > /etc/containers/containers.conf'
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
