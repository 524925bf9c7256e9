#!/usr/bin/env bash
# docker.sh LEADER_PID -- real Docker (Debian's docker.io: dockerd, containerd, runc) under a
# running testbed's systemd
#
# Installs docker.io into the testbed's volatile root (gone at its next boot) from .deb files
# cached outside the checkout, as podman.sh does (debs.sh: downloaded once with apt, then dpkg
# alone, no network). Then:
#  - image storage: the vfs driver on a tmpfs at /var/lib/docker
#  - runc without a session keyring per container: systemd-nspawn's seccomp filter refuses keyctl
#    in the testbed ("unable to join session keyring"); Docker has no setting for it (podman's
#    containers.conf keyring=false), so its default runtime is a wrapper that adds runc's own
#    --no-new-keyring to create and run
#  - networking as Docker's default (docker0 bridge, iptables) inside the testbed's own network
#    namespace: nothing reaches the host's
#  - a busybox image "localhost/bb:1" imported from a tar of this machine's static busybox
#  - docker.service (re)started; its Docker Engine API on /run/docker.sock
# Docker's cgroup driver here is cgroupfs (cgroup v1 in the testbed): a container's cgroup is
# /docker/<id>.
#
# Prints on stdout: DOCKER_IMAGE=localhost/bb:1, DOCKER_SOCKET=<path inside the testbed>,
# DOCKER_INSTALL=present|cached|downloaded, DOCKER_SECONDS=<install+setup time>.
set -euo pipefail

L=${1:?usage: docker.sh LEADER_PID}
[ "$(id -u)" = 0 ] || { echo "docker.sh: must run as root" >&2; exit 1; }
R=/proc/$L/root
[ -d "$R/etc" ] || { echo "docker.sh: no testbed with leader PID $L" >&2; exit 1; }
T=(nsenter -t "$L" -a)
start=$(date +%s.%N)

# ------------------------------------------------------------------ 1. packages
how=$(DEBS_PRESENT_CHECK='command -v dockerd >/dev/null && [ -x /usr/local/sbin/runc-nokeyring ]' \
    bash "$(dirname "$0")/debs.sh" "$L" docker docker.io)

# ------------------------------------------------------------------ 2. settings, storage, image
if [ "$how" != present ]; then
    # dpkg started docker with its defaults: stop it before its storage and runtime change
    "${T[@]}" systemctl stop docker.service docker.socket 2>/dev/null || true
    "${T[@]}" sh -c 'mkdir -p /var/lib/docker /etc/docker /usr/local/sbin
      mountpoint -q /var/lib/docker || mount -t tmpfs tmpfs /var/lib/docker'
    cat > "$R/usr/local/sbin/runc-nokeyring" <<'EOF'
#!/bin/sh
# runc with --no-new-keyring on create and run (the testbed refuses keyctl)
n=$#; i=0; added=
while [ "$i" -lt "$n" ]; do
    a=$1; shift; i=$((i + 1))
    set -- "$@" "$a"
    if [ -z "$added" ] && { [ "$a" = create ] || [ "$a" = run ]; }; then set -- "$@" --no-new-keyring; added=1; fi
done
exec /usr/sbin/runc "$@"
EOF
    chmod 755 "$R/usr/local/sbin/runc-nokeyring"
    printf '%s\n' '{"runtimes": {"runc-nokeyring": {"path": "/usr/local/sbin/runc-nokeyring"}},' \
        ' "default-runtime": "runc-nokeyring", "storage-driver": "vfs"}' > "$R/etc/docker/daemon.json"
fi
"${T[@]}" systemctl start docker.socket docker.service
for _ in $(seq 1 100); do
    "${T[@]}" docker version >/dev/null 2>&1 && break
    sleep 0.2
done
"${T[@]}" docker version >/dev/null
if ! "${T[@]}" docker image inspect localhost/bb:1 >/dev/null 2>&1; then
    B=$(mktemp -d); mkdir -p "$B/bin" "$B"/{proc,sys,dev,etc,tmp}; cp /bin/busybox "$B/bin/"
    for c in sh sleep cat ls ps hostname; do ln -s busybox "$B/bin/$c"; done
    tar -C "$B" -cf "$R/tmp/bb.tar" .; rm -rf "$B"
    "${T[@]}" docker import /tmp/bb.tar localhost/bb:1 >/dev/null
    rm -f "$R/tmp/bb.tar"
fi
end=$(date +%s.%N)
echo "DOCKER_IMAGE=localhost/bb:1"
echo "DOCKER_SOCKET=/run/docker.sock"
echo "DOCKER_INSTALL=$how"
echo "DOCKER_SECONDS=$(awk "BEGIN{printf \"%.1f\", $end-$start}")"
