#!/usr/bin/env bash
# Fetches crun's own test suite from Debian's crun source package and builds
# what it needs to run here, all under a gitignored cache folder:
#   $CACHE/crun/tests/       the suite (python programs, TAP output)
#   $CACHE/crun/tests/init   its static test init (the suite's INIT)
# Nothing fetched here is committed or shipped; CI runs this on a fresh
# machine. Idempotent: a second run with a built init does nothing.
# Usage: conformance/fetch-suite.sh [cache-dir]   (default .cache/conformance)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${1:-$here/../.cache/conformance}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
src="$cache/crun"

if [[ -x "$src/tests/init" && -f "$src/tests/test_start.py" ]]; then
  echo "conformance: suite ready in $src/tests"
  exit 0
fi

# shellcheck source=debian-source.sh
. "$here/debian-source.sh"
deb_source_available crun
# Build dependencies of the test init: a static libc and libseccomp.
apt_install_missing gcc libc6-dev libseccomp-dev dpkg-dev

dl="$cache/download"
rm -rf "$dl" "$src"
mkdir -p "$dl"
(cd "$dl" && apt-get source --download-only crun)
dpkg-source --no-check -x "$dl"/crun_*.dsc "$src" >/dev/null

# The init includes config.h from crun's autotools build; these two are all
# it asks of it.
printf '#define HAVE_SECCOMP 1\n#define HAVE_ERROR_H 1\n' >"$src/tests/config.h"
gcc -static -O2 -I"$src/tests" -o "$src/tests/init" "$src/tests/init.c" -lseccomp
echo "conformance: built $src/tests/init from $(basename "$dl"/crun_*.dsc)"
