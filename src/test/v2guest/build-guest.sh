#!/usr/bin/env bash
# build-guest.sh [--path]
#
# Builds the cgroup v2 test guest (see README.md): Debian's own kernel (downloaded with
# `apt-get download`, unpacked, never installed) and a tiny busybox initramfs whose /init is
# guest-init.sh. Cached OUTSIDE the checkout, keyed by what it is built from:
#     ${HOSTDECK_V2GUEST_CACHE:-/var/cache/hostdeck-v2guest}/guest-<key>/{vmlinuz,initrd.img}
# <key> hashes guest-init.sh, this script and the kernel package's name, so a changed init
# script (or a new Debian kernel) builds a new guest next to the old one (old ones are not
# pruned: another checkout may still use them). Idempotent; fast when nothing is missing.
# Installs qemu-system-x86 and busybox-static when missing. Root, no stdin (CI).
# Prints the guest directory on stdout; progress goes to stderr.
# --path: only print where the guest is (or would be), build nothing.
set -euo pipefail

HERE=$(dirname "$(readlink -f "$0")")
CACHE=${HOSTDECK_V2GUEST_CACHE:-/var/cache/hostdeck-v2guest}
PACKAGES=(qemu-system-x86 busybox-static)
# module order matters (no modules.dep, plain insmod); deps read with: strings X.ko | grep ^depends=
MODULES=(drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache
         net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay drivers/block/virtio_blk
         drivers/char/virtio_console)

log() { echo "v2guest: $*" >&2; }
die() { echo "v2guest: ERROR: $*" >&2; exit 1; }

[ $# -le 1 ] && { [ $# -eq 0 ] || [ "$1" = --path ]; } || die "usage: build-guest.sh [--path]"

# the kernel package linux-image-amd64 points at, e.g. linux-image-6.1.0-56-amd64
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}'; }
KPKG=$(kernel_package || true)
if [ -z "$KPKG" ] && [ "${1:-}" != --path ]; then
    [ "$(id -u)" = 0 ] || die "no apt package lists, and only root can run apt-get update (uid $(id -u))"
    log "apt knows no linux-image-amd64: apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
    KPKG=$(kernel_package) || true
    [ -n "$KPKG" ] || die "apt-cache finds no linux-image-* behind linux-image-amd64"
fi
KEY=$( { cat "$HERE/guest-init.sh" "$HERE/build-guest.sh"; echo "$KPKG"; } | sha256sum | cut -c1-12)
GUEST=$CACHE/guest-$KEY

if [ "${1:-}" = --path ]; then echo "$GUEST"; exit 0; fi

guest_ok() { [ -s "$GUEST/vmlinuz" ] && [ -s "$GUEST/initrd.img" ]; }

# ------------------------------------------------------------------ 1. packages
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; only root can install them (uid $(id -u))"
    apt_install() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" </dev/null >&2; }
    log "installing ${missing[*]}"
    if ! apt_install "${missing[@]}"; then
        log "install failed, retrying after apt-get update"
        apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
        apt_install "${missing[@]}" || die "apt-get install ${missing[*]} failed"
    fi
fi

if guest_ok; then echo "$GUEST"; exit 0; fi

# ------------------------------------------------------------------ 2. guest (one builder at a time)
mkdir -p "$CACHE"
exec 9>"$CACHE/.build.lock"
flock -w 900 9 || die "another build-guest.sh holds $CACHE/.build.lock for 15 minutes"
if guest_ok; then echo "$GUEST"; exit 0; fi   # built by the one we waited for

BB=/bin/busybox
[ -x "$BB" ] && file_static=$(ldd "$BB" 2>&1 || true) && [[ $file_static == *"not a dynamic"* ]] \
    || die "$BB is not the static busybox (busybox-static)"

mkdir -p "$CACHE/debs"
if ! compgen -G "$CACHE/debs/${KPKG}_*.deb" >/dev/null; then
    log "downloading $KPKG (about 70 MB; unpacked here, never installed)"
    (cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download "$KPKG" >&2) || {
        log "apt-get download failed, retrying after apt-get update"
        apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
        (cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download "$KPKG" >&2) || die "apt-get download $KPKG failed"
    }
fi
DEB=$(compgen -G "$CACHE/debs/${KPKG}_*.deb" | head -1)

TMP=$(mktemp -d "$CACHE/.build.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
log "building $GUEST from $(basename "$DEB")"
dpkg -x "$DEB" "$TMP/kpkg"
KVER=${KPKG#linux-image-}
K=$TMP/kpkg/lib/modules/$KVER/kernel
SRC=$TMP/initramfs-src
mkdir -p "$SRC"/{bin,sbin,proc,sys,dev,mnt/host,mnt/upper,newroot,lib/modules,run,tmp,etc}
cp "$BB" "$SRC/bin/busybox"
for m in "${MODULES[@]}"; do
    cp "$K/$m.ko" "$SRC/lib/modules/" || die "module $m.ko not in $KPKG"
done
install -m 755 "$HERE/guest-init.sh" "$SRC/init"
(cd "$SRC" && find . | "$BB" cpio -o -H newc 2>/dev/null | gzip -1) > "$TMP/initrd.img"
cp "$TMP/kpkg/boot/vmlinuz-$KVER" "$TMP/vmlinuz"
mkdir -p "$TMP/guest"
mv "$TMP/vmlinuz" "$TMP/initrd.img" "$TMP/guest/"
echo "$KVER" > "$TMP/guest/kernel-version"
rm -rf "$GUEST"
mv "$TMP/guest" "$GUEST"
log "built $GUEST (kernel $KVER)"
echo "$GUEST"
