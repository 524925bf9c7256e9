#!/usr/bin/env bash
# build.sh [--path]
#
# The kernel and initramfs of the systemd-on-pure-cgroup-v2 testbed: Debian's own kernel (the
# package linux-image-amd64 points at, downloaded once with `apt-get download` into the v2 guest's
# cache, unpacked, never installed) and a busybox initramfs whose /init is init.sh. Its root file
# system is the nspawn testbed's image itself (shared read-only, not copied). Cached OUTSIDE the
# checkout: ${HOSTDECK_V2SYSTEMD_CACHE:-/var/cache/hostdeck-v2systemd}/kernel-<key>/{vmlinuz,initrd.img},
# <key> hashing this script, init.sh and the kernel package's name.
# Installs qemu-system-x86 and busybox-static when missing. Root, no stdin. Prints the directory;
# --path only prints where it is (or would be).
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
CACHE=${HOSTDECK_V2SYSTEMD_CACHE:-/var/cache/hostdeck-v2systemd}
DEBS=${HOSTDECK_V2GUEST_CACHE:-/var/cache/hostdeck-v2guest}/debs
MODULES=(drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci fs/netfs/netfs fs/fscache/fscache
         net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay net/core/failover
         drivers/net/net_failover drivers/net/virtio_net)
log() { echo "v2systemd: $*" >&2; }
die() { echo "v2systemd: ERROR: $*" >&2; exit 1; }

kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}'; }
KPKG=$(kernel_package || true)
if [ -z "$KPKG" ] && [ "${1:-}" != --path ]; then
    apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
    KPKG=$(kernel_package) || true
    [ -n "$KPKG" ] || die "apt-cache finds no linux-image-* behind linux-image-amd64"
fi
KEY=$( { cat "$HERE/init.sh" "$HERE/build.sh"; echo "$KPKG"; } | sha256sum | cut -c1-12)
OUT=$CACHE/kernel-$KEY
[ "${1:-}" = --path ] && { echo "$OUT"; exit 0; }
[ "$(id -u)" = 0 ] || die "must run as root"
[ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.img" ] && { echo "$OUT"; exit 0; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need=(); for p in qemu-system-x86 busybox-static; do installed "$p" || need+=("$p"); done
[ ${#need[@]} = 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    --no-install-recommends "${need[@]}" </dev/null >&2 || die "apt-get install ${need[*]} failed"

mkdir -p "$CACHE" "$DEBS"
exec 9>"$CACHE/.build.lock"; flock -w 900 9 || die "another build holds $CACHE/.build.lock"
[ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.img" ] && { echo "$OUT"; exit 0; }
if ! compgen -G "$DEBS/${KPKG}_*.deb" >/dev/null; then
    log "downloading $KPKG (about 70 MB; unpacked, never installed)"
    (cd "$DEBS" && apt-get -o APT::Sandbox::User=root download "$KPKG" >&2) || die "apt-get download $KPKG failed"
fi
TMP=$(mktemp -d "$CACHE/.build.XXXXXX"); trap 'rm -rf "$TMP"' EXIT
dpkg -x "$(compgen -G "$DEBS/${KPKG}_*.deb" | head -1)" "$TMP/k"
KV=${KPKG#linux-image-}; M=$TMP/k/lib/modules/$KV/kernel
I=$TMP/initrd; mkdir -p "$I"/{bin,dev,proc,sys,mnt,newroot,lib/modules}
cp /bin/busybox "$I/bin/busybox"
for m in "${MODULES[@]}"; do
  f=$(ls "$M/$m.ko"* | head -n1)
  case $f in *.xz) xz -dc "$f" > "$I/lib/modules/$(basename "$m").ko";; *) cp "$f" "$I/lib/modules/";; esac
done
install -m 755 "$HERE/init.sh" "$I/init"
(cd "$I" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$TMP/initrd.img"
mkdir -p "$TMP/out"; cp "$TMP/k/boot/vmlinuz-$KV" "$TMP/out/vmlinuz"; mv "$TMP/initrd.img" "$TMP/out/"
rm -rf "$OUT"; mv "$TMP/out" "$OUT"
log "built $OUT (kernel $KV)"
echo "$OUT"
