#!/usr/bin/env bash
# boot.sh NAME
#
# Boots a REAL systemd as PID 1 of a systemd-nspawn container (own PID, mount, UTS, IPC, cgroup
# and network namespaces) on a host whose PID 1 is NOT systemd, waits until it is up
# ("running"/"degraded") and its D-Bus system bus answers for org.freedesktop.systemd1, then
# prints how to reach it. Tear it down with teardown.sh NAME. NAME: 1-40 of [A-Za-z0-9_-].
#
# Output on stdout (also in $STATE/env), shell-sourceable KEY=VALUE lines:
#   TESTBED_LEADER_PID   host PID of the container's systemd (PID 1 inside)
#   TESTBED_NSPAWN_PID   host PID of systemd-nspawn
#   TESTBED_ROOT         /proc/<leader>/root  (journalctl --root=$TESTBED_ROOT -u foo.service)
#   TESTBED_BUS_ADDRESS  unix:path=/proc/<leader>/root/run/dbus/system_bus_socket
#   TESTBED_CGROUP_MODE  hybrid | legacy | unified, as the container sees it
#   TESTBED_CGROUP_DIRS  the container's root cgroup in every host hierarchy, space-separated
#   TESTBED_MACHINE      nspawn machine name (= hostname inside; NAME unless NAME has a "_")
#   TESTBED_BOOT_SECONDS / TESTBED_READY_SECONDS  launch -> "running" / -> bus answering
#   and TESTBED_NAME, TESTBED_STATE, TESTBED_IMAGE, TESTBED_BUS_SOCKET.
# Progress and errors go to stderr, prefixed "testbed:".
#
# Knobs: HOSTDECK_TESTBED_RUN (state, default /tmp/hostdeck-testbed), HOSTDECK_TESTBED_CACHE
# (image cache, see prepare.sh), TESTBED_TIMEOUT (seconds to wait for readiness, default 90),
# HOSTDECK_TESTBED_SHARE (host paths, separated by ":", bound read-only at the same path inside:
# what a host that runs Hostdeck itself has; nothing in the suite needs it since sandboxes start no JVM).
set -euo pipefail

NAME=${1:-}
HERE=$(dirname "$(readlink -f "$0")")
RUN=${HOSTDECK_TESTBED_RUN:-/tmp/hostdeck-testbed}
STATE=$RUN/$NAME
CGNAME=hostdeck-testbed-$NAME
TIMEOUT=${TESTBED_TIMEOUT:-90}

log() { echo "testbed: $*" >&2; }
die() { echo "testbed: ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

[[ $NAME =~ ^[A-Za-z0-9_-]{1,40}$ ]] || die "usage: boot.sh NAME (1-40 of [A-Za-z0-9_-]); got '$NAME'"
[ "$(id -u)" = 0 ] || die "boot.sh must run as root (it creates cgroups and namespaces); uid is $(id -u)"
[ -e "$STATE" ] && die "$STATE exists: testbed '$NAME' is running or was not cleaned up; run teardown.sh $NAME first"

# nspawn wants a valid hostname (letters, digits, inner "-"); "_" is not: map such names, with
# a hash so that "a_b" and "a-b" can still run side by side.
if [[ $NAME =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$ ]]; then
    MACHINE=$NAME
else
    MACHINE=tb-${NAME//_/-}-$(printf '%s' "$NAME" | sha256sum | cut -c1-6)
fi

# ---------------------------------------------------------------- 1. tools + image
IMAGE=$(bash "$HERE/prepare.sh" --image-path)
if [ ! -x "$IMAGE/lib/systemd/systemd" ] || ! command -v systemd-nspawn >/dev/null; then
    log "image or systemd-nspawn missing, running prepare.sh"
    bash "$HERE/prepare.sh" >/dev/null
fi

# ---------------------------------------------------------------- 2. private cgroups
# One sub-cgroup hostdeck-testbed-NAME below OUR current cgroup in EVERY mounted hierarchy (v1
# controllers, name=systemd, cgroup2). The launcher moves itself there before exec'ing nspawn,
# so the container's cgroup namespace is rooted there: its systemd creates system.slice/...
# below it instead of at the host's root, several testbeds don't collide, and teardown can
# remove everything.
mkdir -p "$STATE"
echo "$MACHINE" > "$STATE/machine"
echo "$IMAGE" > "$STATE/image"
: > "$STATE/cgroups"
awk '
  FNR == NR { i = index($0, ":"); r = substr($0, i + 1); j = index(r, ":");
              cg[substr(r, 1, j - 1)] = substr(r, j + 1); next }
  { for (i = 7; i <= NF && $i != "-"; i++) ; fst = $(i + 1); so = $(i + 3)
    if ($4 != "/") next
    if (fst == "cgroup2") { if ("" in cg) print $5 "\t" cg[""]; next }
    if (fst != "cgroup") next
    n = split(so, o, ","); key = ""
    for (k = 1; k <= n; k++) {
      if (o[k] ~ /^(rw|ro|clone_children|noprefix|xattr|cpuset_v2_mode|favordynmods|release_agent=.*)$/) continue
      key = key (key == "" ? "" : ",") o[k] }
    if (key in cg) print $5 "\t" cg[key] }
' /proc/self/cgroup /proc/self/mountinfo | sort -u > "$STATE/hierarchies"
while IFS=$'\t' read -r mnt path; do
    dir=${mnt}${path%/}/$CGNAME
    if [ -d "$dir" ] && [ -n "$(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)" ]; then
        rm -rf "$STATE"
        die "$dir still has processes (a testbed '$NAME' from a killed run?); run teardown.sh $NAME first"
    fi
done < "$STATE/hierarchies"
while IFS=$'\t' read -r mnt path; do
    parent=${mnt}${path%/}
    dir=$parent/$CGNAME
    mkdir -p "$dir"
    if [ -e "$dir/cpuset.cpus" ]; then   # v1 cpuset: a child with empty cpus/mems refuses tasks
        [ -n "$(cat "$dir/cpuset.cpus")" ] || cat "$parent/cpuset.cpus" > "$dir/cpuset.cpus"
        [ -n "$(cat "$dir/cpuset.mems")" ] || cat "$parent/cpuset.mems" > "$dir/cpuset.mems"
    fi
    echo "$dir" >> "$STATE/cgroups"
done < "$STATE/hierarchies"
[ -s "$STATE/cgroups" ] || { rm -rf "$STATE"; die "found no cgroup hierarchies"; }

# ---------------------------------------------------------------- 3. launch
SHARE=()
IFS=: read -r -a shared <<< "${HOSTDECK_TESTBED_SHARE:-}"
for p in "${shared[@]}"; do
    [ -n "$p" ] || continue
    [[ $p == /* && $p != *,* ]] || { rm -rf "$STATE"; die "HOSTDECK_TESTBED_SHARE: '$p' is not an absolute path without ','"; }
    [ -e "$p" ] || { rm -rf "$STATE"; die "HOSTDECK_TESTBED_SHARE: '$p' does not exist"; }
    SHARE+=("--bind-ro=$p")
done
T0=$(now)
# setsid + </dev/null + log file: nspawn outlives this script, and whoever reads our stdout
#   (the Java harness) gets EOF when we exit instead of waiting for the container.
# --register=no --keep-unit: there is no host systemd/machined to register with or to ask for a
#   scope (without them nspawn fails).
# --volatile=overlay: the image is the read-only lower layer (tmpfs upper): every boot starts
#   pristine, and several testbeds share one image.
# init.sh via /bin/sh: works even if the checkout lost the file's exec bit.
# systemd.firstboot=off: systemd-firstboot would otherwise wait on the console forever.
# --private-network: the container's services can't touch the host's interfaces and ports.
# (setsid does not fork here: a background job of a non-interactive shell is no process group
#  leader, so $! is the PID that becomes systemd-nspawn after the exec.)
setsid bash -c '
    state=$1; shift
    while read -r d; do echo $$ > "$d/cgroup.procs" || exit 1; done < "$state/cgroups"
    exec "$@"' hostdeck-testbed-launch "$STATE" \
    systemd-nspawn --register=no --keep-unit \
        --directory="$IMAGE" --volatile=overlay \
        --machine="$MACHINE" --private-network \
        --console=read-only --kill-signal=SIGRTMIN+3 \
        --bind-ro="$HERE/init.sh:/hostdeck-testbed-init" \
        --bind-ro="$HERE/journald.conf:/etc/systemd/journald.conf.d/hostdeck-testbed.conf" \
        "${SHARE[@]}" \
        /bin/sh /hostdeck-testbed-init systemd.firstboot=off \
    > "$STATE/console.log" 2>&1 < /dev/null &
NSPAWN_PID=$!
echo "$NSPAWN_PID" > "$STATE/nspawn.pid"

deadline=$(( $(date +%s) + TIMEOUT ))
fail() { echo "---- console.log:" >&2; tail -n 30 "$STATE/console.log" >&2 || true
         HOSTDECK_TESTBED_RUN=$RUN bash "$HERE/teardown.sh" "$NAME" >&2 || true; die "$*"; }
alive() { kill -0 "$NSPAWN_PID" 2>/dev/null; }

# ---------------------------------------------------------------- 4. find the leader
LEADER=
while :; do
    for p in $(pgrep -P "$NSPAWN_PID" || true); do
        # the container's PID 1: its innermost PID (last NSpid entry) is 1
        [ "$(awk '/^NSpid:/{print $NF}' "/proc/$p/status" 2>/dev/null)" = 1 ] && LEADER=$p
    done
    [ -n "$LEADER" ] && break
    alive || fail "systemd-nspawn exited early"
    [ "$(date +%s)" -lt "$deadline" ] || fail "timeout waiting for the container's PID 1"
    sleep 0.05
done
ROOT=/proc/$LEADER/root
ADDR=unix:path=$ROOT/run/dbus/system_bus_socket

# ---------------------------------------------------------------- 5. wait for boot
STATEOUT=
while :; do
    STATEOUT=$(timeout 10 nsenter -t "$LEADER" -a systemctl is-system-running --wait 2>/dev/null || true)
    case $STATEOUT in running|degraded) break ;; esac
    alive || fail "container died during boot (state '$STATEOUT')"
    [ "$(date +%s)" -lt "$deadline" ] || fail "timeout waiting for boot (state '$STATEOUT')"
    sleep 0.1
done
BOOT_S=$(elapsed "$T0")
[ "$STATEOUT" = degraded ] && { log "'$NAME' is degraded; failed units:";
    nsenter -t "$LEADER" -a systemctl --failed --no-pager --no-legend >&2 || true; }

# ---------------------------------------------------------------- 6. wait for the bus
# dbus.service is socket-activated and PID 1 only takes org.freedesktop.systemd1 once
# dbus-daemon runs, so poke until systemd answers on the system bus.
until busctl --address="$ADDR" --timeout=5 get-property org.freedesktop.systemd1 \
        /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version >/dev/null 2>&1; do
    alive || fail "container died while waiting for D-Bus"
    [ "$(date +%s)" -lt "$deadline" ] || fail "timeout waiting for org.freedesktop.systemd1 on $ADDR"
    sleep 0.1
done
READY_S=$(elapsed "$T0")
ln -sfn "$ROOT/run/dbus/system_bus_socket" "$STATE/system_bus_socket"

CGMODE=hybrid
nsenter -t "$LEADER" -m test -e /sys/fs/cgroup/unified || CGMODE=legacy
[ "$(nsenter -t "$LEADER" -m stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && CGMODE=unified

cat > "$STATE/env" <<EOF
TESTBED_NAME=$NAME
TESTBED_MACHINE=$MACHINE
TESTBED_STATE=$STATE
TESTBED_LEADER_PID=$LEADER
TESTBED_NSPAWN_PID=$NSPAWN_PID
TESTBED_ROOT=$ROOT
TESTBED_BUS_ADDRESS=$ADDR
TESTBED_BUS_SOCKET=$STATE/system_bus_socket
TESTBED_CGROUP_MODE=$CGMODE
TESTBED_IMAGE=$IMAGE
TESTBED_CGROUP_DIRS="$(tr '\n' ' ' < "$STATE/cgroups" | sed 's/ $//')"
TESTBED_BOOT_SECONDS=$BOOT_S
TESTBED_READY_SECONDS=$READY_S
EOF
cat "$STATE/env"
log "'$NAME' is $STATEOUT after ${BOOT_S}s, bus ready after ${READY_S}s; leader PID $LEADER"
