#!/bin/sh
# Installs (or updates) berthd from the Berth extension's folder, as root:
#   sudo sh <extension>/scripts/install-berthd.sh [--user NAME] [--strict]
# "Berth: Install berthd…" in VS Code runs this in a terminal. It
#  1. finds a Node >= 20 owned by root (or copies the one given by --node),
#  2. copies the runtime (berth, berthd.js, init.js, exec.js and this
#     machine's koffi addon) into a root-owned /usr/local/lib/berth/<version>:
#     nothing runs as root from the extension's folder, which its user can
#     write; only those copies run,
#  3. writes the systemd unit and creates the group (`berth daemon install`,
#     run from the copy), adds --user to the group,
#  4. with systemd, enables and (re)starts berthd; containers survive the
#     restart (KillMode=process). Without systemd, prints the command that
#     starts berthd by hand.
# Options (the tests use the last ones to stay out of the system's paths):
#   --user NAME      add NAME to the group (membership is root-equivalent)
#   --strict         berthd --strict: non-root members may run only bundles
#                    they own, in a forced user namespace; --no-strict: not.
#                    Neither: as the unit already installed says (an update
#                    keeps the mode)
#   --node PATH      a Node >= 20 to copy and use when the system has none
#   --socket PATH --group NAME --root DIR --prefix DIR --unit-dir DIR --no-link
set -eu

say() { printf '%s\n' "berth: $*"; }
die() { printf '%s\n' "berth: $*" >&2; exit "${2:-1}"; }

user='' strict='' fallback_node='' socket='' group='berth' root='' prefix='/usr/local/lib/berth' unit_dir='/etc/systemd/system' link=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --user) user=$2; shift 2 ;;
    --strict) strict=--strict; shift ;;
    --no-strict) strict=no; shift ;;
    --node) fallback_node=$2; shift 2 ;;
    --socket) socket=$2; shift 2 ;;
    --group) group=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --unit-dir) unit_dir=$2; shift 2 ;;
    --no-link) link=''; shift ;;
    *) die "unknown option $1" 2 ;;
  esac
done
# Nothing from the caller's environment may steer root's Node (sudo resets most of it; pkexec too).
unset NODE_OPTIONS NODE_PATH BERTHD_JS BERTH_INIT BERTH_EXEC
[ "$(id -u)" = 0 ] || die "must run as root: sudo sh $0 $*" 2

here=$(cd "$(dirname "$0")/.." && pwd)
dist=$here/dist
case "$(uname -m)" in
  x86_64 | amd64) addon=linux_x64 ;;
  aarch64 | arm64) addon=linux_arm64 ;;
  *) die "no koffi addon for $(uname -m): Berth ships linux-x64 and linux-arm64" ;;
esac
for f in berth berthd.js init.js exec.js "koffi/$addon/koffi.node"; do
  [ -f "$dist/$f" ] || die "$dist/$f is missing: reinstall the extension"
done

# A Node that root may run: version >= 20, owned by root, not writable by others.
node_ok() {
  n=$(readlink -f "$1" 2>/dev/null) || return 1
  [ -x "$n" ] || return 1
  [ -n "$(find "$n" -maxdepth 0 -user root ! -perm /022 2>/dev/null)" ] || return 1
  "$n" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null
}
node=''
for n in "$(command -v node || true)" /usr/bin/node /usr/local/bin/node; do
  if [ -n "$n" ] && node_ok "$n"; then node=$(readlink -f "$n"); break; fi
done
copy_node=''
if [ -z "$node" ]; then
  if [ -n "$fallback_node" ] && [ -x "$fallback_node" ] &&
    "$fallback_node" -e 'process.exit(!process.versions.electron && Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    copy_node=$fallback_node
  else
    cat >&2 <<'EOF'
berth: berthd needs Node.js 20 or newer, installed for the system (root-owned), and there is none.
  Debian 13, Ubuntu 25.04 and newer:   sudo apt-get install nodejs
  Debian 12, Ubuntu 22.04 and 24.04 (their nodejs is 18), from NodeSource:
      curl -fsSL https://deb.nodesource.com/setup_22.x | sudo bash -
      sudo apt-get install nodejs
  Fedora:                              sudo dnf install nodejs
Then run "Berth: Install berthd…" again.
EOF
    exit 3
  fi
fi

# Copy into a fresh root-owned directory, then move it into place.
umask 022
mkdir -p "$prefix"
chown root:root "$prefix"
chmod 755 "$prefix"
tmp=$(mktemp -d "$prefix/.install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/koffi/$addon"
cp "$dist/berth" "$dist/berthd.js" "$dist/init.js" "$dist/exec.js" "$tmp/"
cp "$dist/koffi/$addon/koffi.node" "$tmp/koffi/$addon/"
if [ -n "$copy_node" ]; then
  cp "$copy_node" "$tmp/node"
  node=$tmp/node
fi
chown -R root:root "$tmp"
chmod -R u=rwX,go=rX "$tmp"
chmod 755 "$tmp/berth"
version=$("$node" "$tmp/berth" --version | sed -n 's/^berth version //p')
[ -n "$version" ] || die "the copied berth did not tell its version"
dest=$prefix/$version
if [ -n "$copy_node" ]; then node=$dest/node; fi
if [ -e "$dest" ]; then rm -rf "$dest.old"; mv "$dest" "$dest.old"; fi
mv "$tmp" "$dest"
trap - EXIT
rm -rf "$dest.old"
ln -sfn "$version" "$prefix/current"
say "runtime $version copied to $dest (root-owned); Node: $node ($("$node" --version))"
if [ -n "$link" ] && [ -z "$copy_node" ]; then
  old=$(readlink /usr/local/bin/berth 2>/dev/null || true)
  if [ ! -e /usr/local/bin/berth ] || [ "${old#"$prefix"/}" != "$old" ]; then
    ln -sfn "$prefix/current/berth" /usr/local/bin/berth
    say "berth is on PATH: /usr/local/bin/berth -> $prefix/current/berth"
  fi
fi

# The unit and the group, by the copied berth. An update keeps --strict.
if [ -z "$strict" ] && grep -q '^ExecStart=.* --strict' "$unit_dir/berthd.service" 2>/dev/null; then strict=--strict; fi
[ "$strict" = no ] && strict=''
set -- daemon install --group "$group" --unit-dir "$unit_dir"
[ -n "$socket" ] && set -- "$@" --socket "$socket"
[ -n "$strict" ] && set -- "$@" --strict
[ -n "$root" ] && set -- --root "$root" "$@"
"$node" "$dest/berth" "$@" | grep -v '^next:' | sed 's/^/berth: /'
if [ -n "$user" ]; then
  if id -nG "$user" | tr ' ' '\n' | grep -qx "$group"; then
    say "$user is already in group $group"
  else
    usermod -a -G "$group" "$user" 2>/dev/null || gpasswd -a "$user" "$group" >/dev/null
    say "added $user to group $group: members may use berthd's socket, which is root-equivalent${strict:+ (berthd --strict: only bundles they own, in a user namespace)}"
    say "the group applies to new logins: log out and back in (Remote-SSH: kill the VS Code server on the host, then reconnect) before VS Code can reach berthd as $user"
  fi
fi

unit=$unit_dir/berthd.service
start=$(sed -n 's/^ExecStart=//p' "$unit")
if [ "$unit_dir" = /etc/systemd/system ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl daemon-reload
  systemctl enable berthd.service 2>&1 | sed 's/^/berth: /'
  # A restart runs the new version; containers keep running (KillMode=process) and the new berthd adopts them.
  systemctl restart berthd.service
  say "berthd $version is running (systemctl status berthd)"
else
  say "no systemd here, so nothing starts berthd: run it as root, in the foreground:"
  printf '\n    %s\n\n' "$start"
  say "or in the background (it logs to stderr):"
  printf '\n    setsid -f %s >>/var/log/berthd.log 2>&1\n\n' "$start"
fi
say done
