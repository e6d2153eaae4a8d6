#!/usr/bin/env bash
# Installs the Debian packages the tests drive (runc and crun as references,
# podman and containerd as callers, Chromium for the extension's end-to-end
# test, gcc for crun's suite, ...) when any is missing, so that `npm test`
# works on a fresh machine after `scripts/demo.sh`. The list is
# scripts/apt-packages.txt, which .ci/run installs too.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a wanted < scripts/apt-packages.txt
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "test dependencies: all ${#wanted[@]} Debian packages present"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "test dependencies: missing ${missing[*]} (run as root to install them)" >&2; exit 1; }
echo "test dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
