#!/usr/bin/env bash
# debs.sh LEADER_PID NAME PACKAGE... -- Debian packages in a running testbed's (volatile) root
#
# From .deb files cached OUTSIDE the checkout in ${HOSTDECK_TESTBED_CACHE:-/var/cache/hostdeck-testbed}/
# NAME-debs-<key>: the first run resolves and downloads them with apt (this machine's sources and
# package lists, through chroot: the testbed has no network of its own), later runs install them
# with dpkg alone, no network. Prints how on stdout: present, cached or downloaded.
set -euo pipefail
L=${1:?usage: debs.sh LEADER_PID NAME PACKAGE...}; NAME=${2:?}; shift 2; PKGS=("$@")
R=/proc/$L/root
T=(nsenter -t "$L" -a)
CACHE=${HOSTDECK_TESTBED_CACHE:-/var/cache/hostdeck-testbed}
KEY=$(printf '%s\n' 2 "${PKGS[*]}" "$(cat "$R/etc/debian_version" 2>/dev/null)" | sha256sum | cut -c1-12)
DEBS=$CACHE/$NAME-debs-$KEY
log() { echo "debs.sh: $*" >&2; }
CHECK=${DEBS_PRESENT_CHECK:-false}

if "${T[@]}" sh -c "$CHECK"; then
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
    # every package a pristine testbed lacks, whatever this one has installed already (another
    # test's packages): apt reads the image's own dpkg status, not the running root's
    IMAGE=$(bash "$(dirname "$0")/prepare.sh" --image-path)
    cp "$IMAGE/var/lib/dpkg/status" "$R/tmp/pristine-dpkg-status"
    dl() { chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
           -o APT::Sandbox::User=root -o Dir::State::status=/tmp/pristine-dpkg-status \
           install --download-only "${PKGS[@]}" >&2; }
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
    mkdir -p "$R/tmp/$NAME-debs"
    cp "$DEBS"/*.deb "$R/tmp/$NAME-debs/"
    # all at once, so dpkg orders the dependencies itself; maintainer scripts run in the testbed
    "${T[@]}" env DEBIAN_FRONTEND=noninteractive sh -c "dpkg -i --force-confdef /tmp/$NAME-debs/*.deb >/tmp/$NAME-dpkg.log 2>&1" \
        || { cat "$R/tmp/$NAME-dpkg.log" >&2; exit 1; }
    rm -rf "$R/tmp/$NAME-debs"
fi

echo "$how"
