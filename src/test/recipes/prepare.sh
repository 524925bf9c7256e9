#!/usr/bin/env bash
# prepare.sh: makes Debian's docker-compose (1.29, Python; it parses and checks a compose file
# with no Docker engine) available for RecipesIT, without the engine it recommends.
set -euo pipefail
if ! command -v docker-compose >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends docker-compose >&2 \
        || { apt-get -o DPkg::Lock::Timeout=300 update >&2 \
             && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends docker-compose >&2; }
fi
command -v docker-compose
