#!/usr/bin/env bash
# prepare.sh: makes Debian's Prometheus binary available for MetricsIT without installing the
# package (which would start a Prometheus service on this machine): the .deb is downloaded and
# unpacked once into ${HOSTDECK_PROMETHEUS_CACHE:-/var/cache/hostdeck-prometheus}. Prints the
# binary's path.
set -euo pipefail
CACHE=${HOSTDECK_PROMETHEUS_CACHE:-/var/cache/hostdeck-prometheus}
BIN=$CACHE/usr/bin/prometheus
if [ ! -x "$BIN" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download prometheus >&2) \
        || { apt-get -o DPkg::Lock::Timeout=300 update >&2 && (cd "$tmp" && apt-get download prometheus >&2); }
    mkdir -p "$CACHE"
    dpkg-deb -x "$tmp"/prometheus_*.deb "$CACHE"
fi
"$BIN" --version >/dev/null 2>&1 || { echo "prometheus: $BIN does not run" >&2; exit 1; }
echo "$BIN"
