#!/usr/bin/env bash
# teardown.sh NAME   -- stops a testbed started by boot.sh NAME; idempotent.
# 1. SIGRTMIN+3 to the container's systemd (= "halt"; clean shutdown, ~2 s)
# 2. if it is not gone after TESTBED_STOP_TIMEOUT s: SIGKILL to the container's PID 1 (kills its
#    whole PID namespace; nspawn then exits), last resort SIGKILL to nspawn
# 3. kills anything left in the testbed's private cgroups and removes them (deepest first)
# 4. removes nspawn's leftovers in the host's /run/systemd (not a tmpfs here, so nspawn refuses
#    to rm -rf them itself) and the state directory (its console.log is kept as NAME.console.log)
# Without a state directory (a run killed after its state was lost) it still sweeps cgroups
# named hostdeck-testbed-NAME.
set -uo pipefail

NAME=${1:-}
HERE=$(dirname "$(readlink -f "$0")")
RUN=${HOSTDECK_TESTBED_RUN:-/tmp/hostdeck-testbed}
STATE=$RUN/$NAME
CGNAME=hostdeck-testbed-$NAME
STOP_TIMEOUT=${TESTBED_STOP_TIMEOUT:-20}
log() { echo "testbed: $*" >&2; }
now() { date +%s.%N; }
[[ $NAME =~ ^[A-Za-z0-9_-]{1,40}$ ]] || { log "ERROR: usage: teardown.sh NAME (1-40 of [A-Za-z0-9_-]); got '$NAME'"; exit 2; }
[ "$(id -u)" = 0 ] || { log "ERROR: teardown.sh must run as root; uid is $(id -u)"; exit 1; }

T0=$(now)
if [ -d "$STATE" ]; then
    MACHINE=$(cat "$STATE/machine" 2>/dev/null || true)
    IMAGE=$(cat "$STATE/image" 2>/dev/null || true)
    CGDIRS=$(cat "$STATE/cgroups" 2>/dev/null || true)
    NSPAWN_PID=$(cat "$STATE/nspawn.pid" 2>/dev/null || true)
else
    CGDIRS=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 12 -type d -name "$CGNAME" -prune 2>/dev/null)
    [ -n "$CGDIRS" ] || { log "nothing to tear down for '$NAME'"; exit 0; }
    log "no state for '$NAME' but leftover cgroups: $(echo $CGDIRS)"
    IMAGE= NSPAWN_PID=
    # the machine name as boot.sh derives it
    MACHINE=$NAME
    [[ $NAME =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$ ]] ||
        MACHINE=tb-${NAME//_/-}-$(printf '%s' "$NAME" | sha256sum | cut -c1-6)
fi

# guard against PID reuse: only touch it if it still is our nspawn (or our launcher that has
# not exec'd nspawn yet: kill that one right away)
if [ -n "$NSPAWN_PID" ]; then
    cmd=$( (tr '\0' ' ' < "/proc/$NSPAWN_PID/cmdline") 2>/dev/null || true)
    case $cmd in
        *"systemd-nspawn "*"--machine=$MACHINE "*) ;;
        *" hostdeck-testbed-launch $STATE "*) kill -s KILL "$NSPAWN_PID" 2>/dev/null; NSPAWN_PID= ;;
        *) NSPAWN_PID= ;;
    esac
fi
LEADER=
find_leader() {   # the container's PID 1 = child of nspawn whose innermost PID is 1
    LEADER=
    [ -n "$NSPAWN_PID" ] || return 0
    for p in $(pgrep -P "$NSPAWN_PID" || true); do
        [ "$(awk '/^NSpid:/{print $NF}' "/proc/$p/status" 2>/dev/null)" = 1 ] && LEADER=$p
    done
    return 0
}
alive() { [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; }
waitgone() { local end=$(( $(date +%s) + $1 )); while alive && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done; ! alive; }

if alive; then
    # Graceful: SIGRTMIN+3 = systemd "halt". Re-sent every second, because PID 1 of a PID
    # namespace silently drops signals it has no handler for (e.g. while it is still booting or
    # still the init.sh wrapper).
    end=$(( $(date +%s) + STOP_TIMEOUT ))
    while alive && [ "$(date +%s)" -lt "$end" ]; do
        find_leader
        [ -n "$LEADER" ] && kill -s RTMIN+3 "$LEADER" 2>/dev/null
        waitgone 1 && break
    done
    if alive; then
        log "clean shutdown of '$NAME' timed out after ${STOP_TIMEOUT}s, SIGKILL to the container's PID 1"
        find_leader
        [ -n "$LEADER" ] && kill -s KILL "$LEADER" 2>/dev/null   # kills the whole PID namespace
        waitgone 5 || { log "SIGKILL to systemd-nspawn"; kill -s KILL "$NSPAWN_PID" 2>/dev/null; waitgone 5; }
    fi
fi
STOP_S=$(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}')

# private cgroups: whatever is still inside belongs to this testbed -> kill, then rmdir
procs() { for d in $CGDIRS; do [ -d "$d" ] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -u; }
for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=$(procs)
    [ -z "$left" ] && break
    log "killing leftover processes of '$NAME': $(echo $left)"
    kill -s KILL $left 2>/dev/null; sleep 0.2
done
rc=0
for d in $CGDIRS; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    [ -d "$d" ] && { log "ERROR: could not remove cgroup $d"; rc=1; }
done

if [ -n "$MACHINE" ]; then
    rm -rf "/run/systemd/nspawn/propagate/$MACHINE"
fi
# image lock files of a SIGKILLed nspawn stay behind; delete only those no process holds
# (nspawn uses OFD fcntl locks, visible in /proc/locks by inode; flock(1) can't see them)
IMAGE=${IMAGE:-$(bash "$HERE/prepare.sh" --image-path)}
for f in /run/systemd/nspawn/locks/* "$(dirname "$IMAGE")/.#$(basename "$IMAGE").lck"; do
    [ -f "$f" ] || continue
    grep -Eq ":$(stat -c %i "$f") " /proc/locks || rm -f "$f"
done
rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn/locks /run/systemd/nspawn /run/systemd/nspawn-root 2>/dev/null
if [ -d "$STATE" ]; then
    [ -f "$STATE/console.log" ] && cp "$STATE/console.log" "$RUN/$NAME.console.log"
    rm -rf "$STATE"
fi
log "'$NAME' stopped in ${STOP_S}s (total $(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}')s)"
exit $rc
