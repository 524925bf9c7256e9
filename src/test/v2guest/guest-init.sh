#!/bin/busybox sh
# /init of the cgroup v2 test guest (built into its initramfs by build-guest.sh).
# Kernel cmdline v2mode=:
#   run   : mount the host's / (9p, read-only) under a tmpfs overlay, mount a pure cgroup2
#           hierarchy, and run $V2RUN/cmd in it (see run-in-v2-guest.sh); then power off
#   shell : a busybox shell on the console, for poking around by hand
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "V2INIT: init started at uptime $(cut -d' ' -f1 /proc/uptime)s" > /dev/ttyS0

MODE=run; RUNDIR=; CACHE=loose
for a in $(cat /proc/cmdline); do
  case "$a" in
    v2mode=*) MODE=${a#v2mode=} ;;
    v2run=*) RUNDIR=${a#v2run=} ;;
    v2cache=*) CACHE=${a#v2cache=} ;;
  esac
done

for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
         netfs fscache 9pnet 9pnet_virtio 9p overlay virtio_blk virtio_console; do
  insmod /lib/modules/$m.ko 2>/dev/null
done

die() { echo "V2INIT: FATAL: $*" > /dev/ttyS0; poweroff -f; }

mount9p() { # tag dir opts ; devices probe asynchronously -> retry
  i=0
  while ! mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,$3" "$1" "$2" 2>/dev/null; do
    i=$((i+1)); [ $i -gt 100 ] && return 1; sleep 0.1
  done
}

case "$MODE" in
run)
  [ -n "$RUNDIR" ] || die "no v2run= on cmdline"
  mount9p hostroot /mnt/host "ro,cache=$CACHE" || die "9p hostroot mount failed"
  mkdir -p /mnt/run
  mount9p v2run /mnt/run "cache=none" || die "9p v2run mount failed"
  mount -t tmpfs -o mode=755 tmpfs /mnt/upper
  mkdir -p /mnt/upper/u /mnt/upper/w
  if ! mount -t overlay overlay -o lowerdir=/mnt/host,upperdir=/mnt/upper/u,workdir=/mnt/upper/w /newroot 2>/dev/ttyS0; then
    echo "V2INIT: overlay failed, using read-only bind + tmpfs dirs" > /dev/ttyS0
    mount --bind /mnt/host /newroot
    for d in tmp var/tmp root run; do mount -t tmpfs tmpfs /newroot/$d; done
  fi
  R=/newroot
  mount -t proc proc $R/proc
  mount -t sysfs sys $R/sys
  mount -t devtmpfs dev $R/dev
  mkdir -p $R/dev/pts $R/dev/shm
  mount -t devpts devpts $R/dev/pts
  mount -t tmpfs tmpfs $R/dev/shm
  mount -t tmpfs tmpfs $R/run
  # pure v2: the host's v1 mounts do not exist in here, every controller is free for cgroup2
  mount -t cgroup2 -o nsdelegate cgroup2 $R/sys/fs/cgroup || die "cgroup2 mount"
  [ -f /mnt/run/subtree ] && cat /mnt/run/subtree > $R/sys/fs/cgroup/cgroup.subtree_control
  mkdir -p $R$RUNDIR
  mount --bind /mnt/run $R$RUNDIR
  # extra read-write shares: lines "tag path"
  if [ -f /mnt/run/rwshares ]; then
    while read tag path; do
      mount9p "$tag" "$R$path" "cache=none" || echo "V2INIT: rw share $tag failed" > /dev/ttyS0
    done < /mnt/run/rwshares
  fi
  echo "V2INIT: root ready at uptime $(cut -d' ' -f1 /proc/uptime)s" > /dev/ttyS0
  # command stdout/stderr go to virtio-serial ports named v2out/v2err (fast, no tty layer);
  # fall back to raw serial ttyS1/ttyS2
  OUT=; ERR=; i=0
  while [ -z "$OUT" ] || [ -z "$ERR" ]; do
    for p in /sys/class/virtio-ports/*; do
      [ -f $p/name ] || continue
      case "$(cat $p/name)" in v2out) OUT=/dev/${p##*/} ;; v2err) ERR=/dev/${p##*/} ;; esac
    done
    i=$((i+1)); [ $i -gt 50 ] && break; [ -n "$OUT" ] && [ -n "$ERR" ] || sleep 0.1
  done
  if [ -c "$OUT" ] && [ -c "$ERR" ]; then
    exec 3>$OUT 4>$ERR
  else
    echo "V2INIT: virtio ports not found, using ttyS1/ttyS2" > /dev/ttyS0
    exec 3>/dev/ttyS1 4>/dev/ttyS2
    stty -F /dev/ttyS1 raw -echo; stty -F /dev/ttyS2 raw -echo
  fi
  SH=/bin/sh; [ -x $R/bin/bash ] && SH=/bin/bash
  chroot $R $SH "$RUNDIR/cmd" </dev/null >&3 2>&4
  rc=$?
  exec 3>&- 4>&-
  echo $rc > /mnt/run/rc
  echo "V2INIT: command exited rc=$rc at uptime $(cut -d' ' -f1 /proc/uptime)s" > /dev/ttyS0
  sync
  poweroff -f ;;
shell)
  exec setsid cttyhack sh ;;
*)
  die "unknown v2mode=$MODE" ;;
esac
