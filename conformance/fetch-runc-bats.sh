#!/usr/bin/env bash
# Fetches runc's own integration tests (bats files) from Debian's runc source
# package and builds what they need to run offline, all under a gitignored
# cache folder:
#   $CACHE/runc/tests/integration/       the bats files and helpers.bash
#   $CACHE/runc/contrib/cmd/recvtty/recvtty  the console-socket receiver,
#       built from Debian's Go packages (GOPROXY=off, GOPATH=/usr/share/gocode)
#   $CACHE/runc/tests/integration/testdata/busybox-amd64.tar.xz  (and
#       debian-amd64.tar.xz, the same busybox: upstream downloads both)
# Nothing fetched here is committed or shipped; CI runs this on a fresh
# machine (see ../shared/notes/runc-bats.md). Idempotent.
# Usage: conformance/fetch-runc-bats.sh [cache-dir]   (default .cache/conformance)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${1:-$here/../.cache/conformance}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
src="$cache/runc"
recvtty="$src/contrib/cmd/recvtty/recvtty"
testdata="$src/tests/integration/testdata"

if [[ -x $recvtty && -f $testdata/busybox-amd64.tar.xz && -f $src/tests/integration/helpers.bash ]]; then
  echo "runc-bats: suite ready in $src/tests/integration"
  exit 0
fi

# shellcheck source=debian-source.sh
. "$here/debian-source.sh"
deb_source_available runc
# bats runs the files (helpers.bash needs jq and gawk); Go and the -dev
# packages build recvtty; busybox-static makes the test image; dpkg-dev
# unpacks the source package; xz-utils packs the image; bsdutils has script.
apt_install_missing bats golang-go golang-github-containerd-console-dev golang-github-opencontainers-runc-dev \
  golang-github-urfave-cli-dev busybox-static dpkg-dev xz-utils bsdutils jq gawk

dl="$cache/download-runc"
rm -rf "$dl" "$src"
mkdir -p "$dl"
(cd "$dl" && apt-get source --download-only runc)
dpkg-source --no-check -x "$dl"/runc_*.dsc "$src" >/dev/null

# recvtty: Debian's packaged sources of its imports, no module proxy.
(cd "$src/contrib/cmd/recvtty" &&
  GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= GOCACHE="$cache/go-build" go build -o recvtty .)

# The test image: busybox-static and its applet links, /etc/passwd and
# /etc/group; no /proc or /sys (mask.bats makes them symlinks itself).
img="$cache/busybox-image"
rm -rf "$img"
mkdir -p "$img"/{bin,etc,dev,tmp,root,var,usr/bin,usr/sbin,sbin}
cp /bin/busybox "$img/bin/busybox"
for a in $("$img/bin/busybox" --list); do
  [[ $a == busybox || -e $img/bin/$a ]] || ln -s busybox "$img/bin/$a"
done
cat >"$img/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$img/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
nogroup:x:65534:
EOF
chmod 1777 "$img/tmp"
mkdir -p "$testdata"
tar -C "$img" --numeric-owner --owner=0 --group=0 -cJf "$testdata/busybox-amd64.tar.xz" .
# A few tests want a Debian image; the busybox one lets them run (and they may
# fail for that reason, for runc too).
cp "$testdata/busybox-amd64.tar.xz" "$testdata/debian-amd64.tar.xz"
rm -rf "$img"
echo "runc-bats: fetched $(basename "$dl"/runc_*.dsc), built recvtty and the busybox image"
