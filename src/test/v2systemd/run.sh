#!/usr/bin/env bash
# run.sh KERNEL_DIR IMAGE PAYLOAD XFER PORT -- boots the systemd-on-cgroup-v2 testbed in the
# foreground (console on stdout) until killed: Debian's kernel from build.sh under qemu (software
# emulation, 2 vCPUs), systemd 252 as PID 1 on pure cgroup v2 over the nspawn testbed's IMAGE
# (read-only, a tmpfs overlay: every boot starts pristine), this machine's / at /host (read-only,
# the JDK comes from there), PAYLOAD's files copied over the root at boot, XFER writable at /xfer.
# Forwards 127.0.0.1:PORT -> the guest's :8080 (Hostdeck). Memory: V2_MEM_MB (3072).
set -euo pipefail
K=${1:?usage: run.sh KERNEL_DIR IMAGE PAYLOAD XFER PORT}; IMAGE=${2:?}; PAYLOAD=${3:?}; XFER=${4:?}; PORT=${5:?}
exec qemu-system-x86_64 -machine q35 -accel tcg,thread=multi -smp 2 -m "${V2_MEM_MB:-3072}" -nographic -no-reboot \
  -kernel "$K/vmlinuz" -initrd "$K/initrd.img" \
  -append "console=ttyS0 panic=-1 systemd.unified_cgroup_hierarchy=1 systemd.firstboot=off systemd.log_color=0 quiet" \
  -fsdev local,id=sysroot,path="$IMAGE",security_model=none,readonly=on -device virtio-9p-pci,fsdev=sysroot,mount_tag=sysroot \
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -fsdev local,id=payload,path="$PAYLOAD",security_model=none,readonly=on -device virtio-9p-pci,fsdev=payload,mount_tag=payload \
  -fsdev local,id=xfer,path="$XFER",security_model=none -device virtio-9p-pci,fsdev=xfer,mount_tag=xfer \
  -netdev user,id=n0,hostfwd=tcp:127.0.0.1:"$PORT"-:8080 -device virtio-net-pci,netdev=n0
