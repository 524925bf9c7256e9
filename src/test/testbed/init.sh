#!/bin/sh
# PID 1 of the testbed container (boot.sh bind-mounts it read-only to /hostdeck-testbed-init).
# systemd-nspawn mounts the cgroup-v1 controller hierarchies (memory, cpu, pids, ...) READ-ONLY
# inside the container; systemd then treats those controllers as unavailable and silently
# ignores MemoryMax=/CPUQuota=. Remount them read-write (the cgroup namespace already confines
# them to the container's own sub-cgroup), then become systemd, still as PID 1.
while read -r _id _parent _dev _root mnt _rest; do
    case "$_rest" in
        *" - cgroup "*) mount -o remount,bind,rw "$mnt" || echo "testbed-init: cannot remount $mnt rw" >&2 ;;
    esac
done < /proc/self/mountinfo
exec /lib/systemd/systemd "$@"
