#!/usr/bin/env bash
# prepare.sh [--image-path]
#
# Makes this machine ready for the integration tests; idempotent, fast when nothing is missing.
#  1. installs the Debian packages the tests need (nspawn, debootstrap, chromium + its driver, a static busybox)
#  2. builds the testbed's container image once, cached OUTSIDE the checkout:
#       ${HOSTDECK_TESTBED_CACHE:-/var/cache/hostdeck-testbed}/image-<key>
#     <key> hashes everything the image is built from, so a changed package list builds a new
#     image next to the old one instead of reusing a stale one (old ones are not pruned: another
#     checkout may still use them).
# Prints the image directory on stdout; progress goes to stderr.
# --image-path: only print where the image is (or would be), change nothing.
#
# Knobs: HOSTDECK_TESTBED_CACHE, HOSTDECK_TESTBED_MIRROR (default: this machine's Debian mirror).
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
INCLUDE=systemd,dbus,systemd-sysv,iproute2,procps,systemd-container
# bump when the way the image is built changes without the package list changing
FORMAT=1
# busybox-static: the container ITs (docker.sh, podman.sh, NspawnMachineIT) and the v2 guests copy its /bin/busybox
PACKAGES=(systemd-container debootstrap chromium chromium-driver busybox-static)

CACHE=${HOSTDECK_TESTBED_CACHE:-/var/cache/hostdeck-testbed}
KEY=$(printf '%s\n' "$FORMAT" "$SUITE" "$VARIANT" "$INCLUDE" | sha256sum | cut -c1-12)
IMAGE=$CACHE/image-$KEY

log() { echo "testbed: $*" >&2; }
die() { echo "testbed: ERROR: $*" >&2; exit 1; }

if [ "${1:-}" = --image-path ]; then echo "$IMAGE"; exit 0; fi
[ $# -eq 0 ] || die "usage: prepare.sh [--image-path]"
[ "$(id -u)" = 0 ] || die "prepare.sh must run as root (it installs packages and builds a container image); uid is $(id -u)"

image_ok() { [ -x "$IMAGE/lib/systemd/systemd" ] && [ -x "$IMAGE/usr/bin/dbus-daemon" ]; }

# ------------------------------------------------------------------ 1. packages
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
command -v pgrep >/dev/null || missing+=(procps)   # boot.sh and teardown.sh use pgrep

apt_install() {
    # wait for a concurrent apt/dpkg instead of failing on its lock; never prompt (no stdin, CI)
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y "$@" >&2
}
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        log "apt package lists are empty: apt-get update"
        apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
        apt_install "${missing[@]}" || die "apt-get install ${missing[*]} failed"
    elif ! apt_install "${missing[@]}"; then
        log "install failed, retrying after apt-get update"
        apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
        apt_install "${missing[@]}" || die "apt-get install ${missing[*]} failed"
    fi
fi

# ------------------------------------------------------------------ 2. image
if image_ok; then echo "$IMAGE"; exit 0; fi

# The Debian mirror apt already uses: first enabled "deb" source whose URI ends in /debian,
# from one-line (.list) and deb822 (.sources) files alike.
mirror() {
    local files=()
    [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && files+=("$f")
    done
    [ ${#files[@]} -gt 0 ] || return 0
    awk '
      function flush() { if (types ~ /(^| )deb( |$)/ && enabled !~ /^(no|false)$/) {
                             n = split(uris, u, " "); for (i = 1; i <= n; i++) if (u[i] ~ /\/debian\/?$/) { print u[i]; found = 1; exit } }
                         types = ""; uris = ""; enabled = "" }
      FNR == 1 { flush() }
      /^[ \t]*#/ { next }
      FILENAME ~ /\.sources$/ {
          if ($0 ~ /^[ \t]*$/) { flush(); next }
          if (tolower($1) == "types:")   { $1 = ""; types = $0 }
          if (tolower($1) == "uris:")    { $1 = ""; uris = $0 }
          if (tolower($1) == "enabled:") { enabled = tolower($2) }
          next }
      $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                    if ($i ~ /\/debian\/?$/) { print $i; found = 1; exit } }
      END { if (!found) flush() }
    ' "${files[@]}" | head -n 1
}

# several builds (Maven + an IDE run, two checkouts) must not debootstrap the same image at once
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
    log "another prepare.sh is building the image, waiting for it"
    flock 9
fi
if image_ok; then echo "$IMAGE"; exit 0; fi

MIRROR=${HOSTDECK_TESTBED_MIRROR:-$(mirror)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# debootstrap downloads with wget, which knows nothing of apt's proxy setting
if [ -z "${http_proxy:-}" ]; then
    eval "$(apt-config shell http_proxy Acquire::http::Proxy 2>/dev/null || true)"
    [ -n "${http_proxy:-}" ] && export http_proxy
fi

# a debootstrap that was killed may leave /proc and /sys mounted inside its target: unmount
# them before deleting, and never let rm wander into a mount
scrap() {
    awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$1"
}
TMP=$CACHE/.build-$KEY.$$
trap 'scrap "$TMP"' EXIT
for old in "$CACHE"/.build-"$KEY".*; do   # debris of a build that was killed (we hold the lock)
    [ -e "$old" ] && scrap "$old"
done
log "building image $IMAGE: debootstrap --variant=$VARIANT --include=$INCLUDE $SUITE from $MIRROR (1-2 minutes, once)"
start=$SECONDS
debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$TMP" "$MIRROR" >&2 ||
    die "debootstrap failed (mirror $MIRROR; set HOSTDECK_TESTBED_MIRROR to use another)"
[ -x "$TMP/lib/systemd/systemd" ] && [ -x "$TMP/usr/bin/dbus-daemon" ] ||
    die "debootstrap finished but the image has no systemd or dbus-daemon"
rm -rf "$TMP/var/cache/apt/archives/"*.deb
# debootstrap copies the build host's hostname; without it the container keeps the machine
# name that nspawn gives it, the same on every machine
rm -f "$TMP/etc/hostname"
mv -T "$TMP" "$IMAGE"
trap - EXIT
log "image ready after $((SECONDS - start)) s: $IMAGE ($(du -sh "$IMAGE" | cut -f1))"
echo "$IMAGE"
