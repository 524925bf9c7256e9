#!/usr/bin/env bash
# lxc.sh LEADER_PID NAME -- a real LXC container (Debian's lxc, busybox template) under a testbed
#
# Installs lxc and a static busybox into the testbed's volatile root (debs.sh: downloaded once,
# then from the cache), creates NAME from the busybox template with no network of its own
# (lxc.net.0.type = empty: the testbed has no lxcbr0 bridge, as a host without lxc-net has none)
# and starts it. LXC puts it in the cgroup lxc.payload.NAME, as on a Debian host.
# Prints LXC_INSTALL=present|cached|downloaded and LXC_PID=<its init, as the testbed sees it>.
set -euo pipefail
L=${1:?usage: lxc.sh LEADER_PID NAME}; N=${2:?usage: lxc.sh LEADER_PID NAME}
[ "$(id -u)" = 0 ] || { echo "lxc.sh: must run as root" >&2; exit 1; }
T=(nsenter -t "$L" -a)
how=$(DEBS_PRESENT_CHECK='command -v lxc-start >/dev/null && command -v busybox >/dev/null' \
    bash "$(dirname "$0")/debs.sh" "$L" lxc lxc busybox-static)
"${T[@]}" sh -c "lxc-info -n '$N' >/dev/null 2>&1 || lxc-create -n '$N' -t busybox >/tmp/lxc-create.log 2>&1" \
    || { cat "/proc/$L/root/tmp/lxc-create.log" >&2; exit 1; }
"${T[@]}" sed -i -e 's/^lxc.net.0.type.*/lxc.net.0.type = empty/' -e '/^lxc.net.0.\(link\|flags\|hwaddr\)/d' \
    "/var/lib/lxc/$N/config"
"${T[@]}" lxc-start -n "$N"
"${T[@]}" lxc-wait -n "$N" -s RUNNING -t 30
echo "LXC_INSTALL=$how"
echo "LXC_PID=$("${T[@]}" lxc-info -n "$N" -p -H)"
