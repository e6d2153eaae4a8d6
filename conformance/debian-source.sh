# Sourced by fetch-suite.sh and fetch-runc-bats.sh: Debian source packages
# and build dependencies, offline but for Debian's mirrors.

# deb_source_available PKG: apt-get source needs deb-src entries; derive them
# from the machine's own deb822 sources (same mirrors and suites), once.
deb_source_available() {
  local debsrc=/etc/apt/sources.list.d/berth-deb-src.sources
  apt-get source --print-uris "$1" >/dev/null 2>&1 && return 0
  [[ -f $debsrc ]] || sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$debsrc"
  for _ in 1 2 3 4 5 6; do apt-get update -qq && return 0; sleep 10; done
  return 1
}

# apt_install_missing PKG...: installs those not installed; waits for dpkg's
# lock (other apt runs on the machine), retries, fails if it cannot.
apt_install_missing() {
  local need=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  ((${#need[@]})) || return 0
  for _ in 1 2 3 4 5 6; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 "${need[@]}" && return 0
    sleep 10
  done
  echo "could not install ${need[*]}" >&2
  return 1
}
