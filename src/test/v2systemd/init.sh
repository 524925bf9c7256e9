#!/bin/busybox sh
# /init of the systemd-on-cgroup-v2 testbed (see build.sh): the root is the nspawn testbed's image
# (9p share "sysroot", read-only) under a tmpfs overlay, the machine's / at /host (read-only),
# the run's payload (share "payload": the app, its unit, users, test units) copied into the root,
# a writable share "xfer" at /xfer for the probe's commands, then systemd as PID 1 on pure cgroup v2.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache \
         9pnet 9pnet_virtio 9p overlay failover net_failover virtio_net; do insmod /lib/modules/$m.ko 2>/dev/null; done
say() { echo "INIT: $*" > /dev/ttyS0; }
m9() { i=0; while ! mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,$3" "$1" "$2" 2>/dev/null; do
  i=$((i+1)); [ $i -gt 100 ] && return 1; sleep 0.1; done; }
mkdir -p /mnt/lower /mnt/upper /mnt/payload
m9 sysroot /mnt/lower "ro,cache=loose" || { say "sysroot mount failed"; poweroff -f; }
mount -t tmpfs -o mode=755 tmpfs /mnt/upper; mkdir -p /mnt/upper/u /mnt/upper/w
mount -t overlay overlay -o lowerdir=/mnt/lower,upperdir=/mnt/upper/u,workdir=/mnt/upper/w /newroot \
  || { say "overlay failed"; poweroff -f; }
mkdir -p /newroot/host /newroot/xfer
m9 hostroot /newroot/host "ro,cache=loose" || say "hostroot mount failed"
m9 payload /mnt/payload "ro" && cp -a /mnt/payload/. /newroot/ && umount /mnt/payload || say "payload copy failed"
m9 xfer /newroot/xfer "rw" || say "xfer mount failed"
say "switching to systemd at uptime $(cut -d' ' -f1 /proc/uptime)s"
umount /proc /sys; umount /dev 2>/dev/null
exec switch_root /newroot /lib/systemd/systemd
