#!/usr/bin/env bash
# The README's first command: on a fresh Debian machine, as root, installs
# what is missing, builds berth, makes a busybox bundle in a temp directory
# and walks through runc's lifecycle with berth in runc's place, printing
# each step. Exits non-zero as soon as a step does not do what it should.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\ndemo.sh: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (berth makes namespaces and mounts)"
command -v node >/dev/null || fail "node (>= 20) is required"

missing=()
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
if [ ! -d node_modules ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi
say "building (node esbuild.mjs)"
node esbuild.mjs
BERTH="$REPO/dist/berth"

WORK=$(mktemp -d /tmp/berth-demo.XXXXXX)
ROOT="$WORK/state"
B() { echo "+ berth $*" >&2; "$BERTH" --root "$ROOT" "$@"; }
cleanup() {
  for id in $("$BERTH" --root "$ROOT" list -q 2>/dev/null); do "$BERTH" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

say "a busybox bundle in $WORK/bundle"
mkdir -p "$WORK/bundle/rootfs"/{bin,dev,proc,sys,tmp,etc,root}
cp /bin/busybox "$WORK/bundle/rootfs/bin/"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$WORK/bundle/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$WORK/bundle/rootfs/etc/passwd"
cd "$WORK/bundle"

say "berth spec    (config.json like runc spec)"
B spec
node -e '
  const fs = require("fs"); const c = JSON.parse(fs.readFileSync("config.json"));
  c.process.terminal = false;
  c.process.args = ["sh", "-c", "echo hello from $(hostname), I am pid $$ as $(id -un); exit 3"];
  fs.writeFileSync("config.json", JSON.stringify(c, null, 2));'
echo "root.path is $(node -p 'require("./config.json").root.path'); process.args set to a greeting"

say "berth run demo    (the process runs; berth exits with its code)"
set +e
B run demo
rc=$?
set -e
echo "exit status: $rc"
[ "$rc" = 3 ] || fail "berth run should pass exit status 3 through, got $rc"

say "berth run -d long + berth list    (a running container, listed)"
node -e '
  const fs = require("fs"); const c = JSON.parse(fs.readFileSync("config.json"));
  c.process.args = ["sh", "-c", "trap \"exit 0\" TERM; sleep 300 & wait"];
  fs.writeFileSync("config.json", JSON.stringify(c, null, 2));'
B run -d long </dev/null >/dev/null 2>&1
B list
B list | grep -q '^long .*running' || fail "long is not listed as running"
B kill long TERM
for _ in $(seq 100); do B state long 2>/dev/null | grep -q '"stopped"' && break; sleep 0.05; done
B delete long

say "berth create c2 && state && start && kill KILL && delete"
B create c2 </dev/null >/dev/null 2>&1
B state c2
B state c2 | grep -q '"created"' || fail "c2 should be created"
B start c2
B state c2 | grep -q '"running"' || fail "c2 should be running"
B kill c2 KILL
for _ in $(seq 100); do B state c2 2>/dev/null | grep -q '"stopped"' && break; sleep 0.05; done
B state c2 | grep -q '"stopped"' || fail "c2 should be stopped after KILL"
B delete c2
[ -z "$(B list -q)" ] || fail "containers left behind"
[ ! -e "$ROOT/c2" ] || fail "state of c2 left behind"

say "done: every step behaved like runc's walkthrough"
