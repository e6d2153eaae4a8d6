#!/bin/bash
# Runs tests (or any command) in the test VM: Debian bookworm with systemd
# as PID 1 and pure cgroup v2, under qemu TCG. Prints the guest's output as
# it comes and exits with the command's status.
#
#   scripts/vm/run.sh test/exec/escape test/cgroups   # node test/run.mjs <filters...> in the guest
#   scripts/vm/run.sh -c 'runc --version; node test/run.mjs test/cgroups/path'
#
# The command runs as root from berth-payload.service (so from
# /system.slice/berth-payload.service, as a service would), in a copy of this
# checkout at the same path on the guest's second disk (not 9p: node is
# several times slower there). Builds dist/ first (BERTH_VM_BUILD=0 skips).
# Environment: BERTH_VM_TIMEOUT (seconds, default 1800; qemu is killed
# then and the status is 124), BERTH_VM_MEM (MiB, default 3072),
# BERTH_VM_KEEP=1 keeps the run directory (console.log, out.log) under
# .cache/vm/. Exit 125: the guest never reported a status (see the console
# log it prints).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
timeout_s=${BERTH_VM_TIMEOUT:-1800}
mem=${BERTH_VM_MEM:-3072}

if [ "${1:-}" = -c ]; then
  [ $# -eq 2 ] || { echo "usage: run.sh -c 'command' | run.sh [test filters...]" >&2; exit 2; }
  cmd=$2
else
  cmd="node test/run.mjs$(printf ' %q' "$@")"
fi
# Not in scripts/apt-packages.txt: the VM is not part of npm test yet, and a fresh CI machine need not pay for them.
if ! command -v qemu-system-x86_64 > /dev/null || ! command -v debootstrap > /dev/null || ! ls /boot/vmlinuz-*-amd64 > /dev/null 2>&1; then
  echo "run.sh: installing qemu-system-x86 linux-image-amd64 debootstrap" >&2
  apt-get install -y --no-install-recommends qemu-system-x86 linux-image-amd64 debootstrap >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends qemu-system-x86 linux-image-amd64 debootstrap >&2; }
fi
for t in qemu-system-x86_64 debootstrap mkfs.ext4; do
  command -v "$t" > /dev/null || { echo "run.sh: $t is missing (apt-get install qemu-system-x86 linux-image-amd64 debootstrap)" >&2; exit 2; }
done

t0=$(date +%s.%N)
img=$("$here/build.sh")
kver=$(cat "${img%.raw}.kernel")
t1=$(date +%s.%N)
if [ "${BERTH_VM_BUILD:-1}" != 0 ]; then (cd "$top" && node esbuild.mjs > /dev/null); fi

run=$(mktemp -d "$top/.cache/vm/run.XXXXXX")
qpid=
tailpid=
cleanup() {
  set +e
  [ -n "$qpid" ] && kill "$qpid" 2> /dev/null && wait "$qpid" 2> /dev/null
  [ -n "$tailpid" ] && kill "$tailpid" 2> /dev/null
  if [ "${BERTH_VM_KEEP:-0}" = 1 ]; then
    rm -rf "$run/stage" "$run/checkout.raw"
    echo "run.sh: kept $run" >&2
  else
    rm -rf "$run"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The checkout as an ext4 image: hard links into a staging tree (same
# filesystem, so no data is copied), then mkfs.ext4 -d.
mkdir -p "$run/stage" "$run/share"
for e in "$top"/* "$top"/.[!.]*; do
  case "${e##*/}" in .git | .cache | test-artifacts) continue ;; esac
  [ -e "$e" ] && cp -al "$e" "$run/stage/"
done
size=$(($(du -sm "$run/stage" | cut -f1) + 1024))
mkfs.ext4 -q -F -d "$run/stage" "$run/checkout.raw" "${size}M"
rm -rf "$run/stage"
printf 'WORKDIR=%q\n' "$top" > "$run/share/run.env"
printf '%s\n' "$cmd" > "$run/share/cmd"
cp "$here/guest/payload.sh" "$run/share/payload.sh"
: > "$run/out.log"
t2=$(date +%s.%N)

timeout -k 10 "$timeout_s" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu max -smp 2 -m "$mem" \
  -kernel "/boot/vmlinuz-$kver" -initrd "/boot/initrd.img-$kver" \
  -append "root=/dev/vda rw console=ttyS0 quiet systemd.unified_cgroup_hierarchy=1 panic=-1" \
  -drive "file=$img,format=raw,if=virtio,snapshot=on,cache=unsafe" \
  -drive "file=$run/checkout.raw,format=raw,if=virtio,cache=unsafe" \
  -virtfs "local,path=$run/share,mount_tag=share,security_model=passthrough,id=share" \
  -device virtio-serial-pci -chardev "file,id=out,path=$run/out.log" -device virtserialport,chardev=out,name=berth.out \
  -nic none -display none -monitor none -serial "file:$run/console.log" -no-reboot &
qpid=$!
tail -n +1 -f --pid="$qpid" "$run/out.log" &
tailpid=$!
# The guest powers itself off once the payload ends; if it has reported its
# status and is still up 30 s later, it is stopped.
while kill -0 "$qpid" 2> /dev/null && [ ! -s "$run/share/status" ]; do sleep 1; done
for _ in $(seq 30); do kill -0 "$qpid" 2> /dev/null || break; sleep 1; done
if kill -0 "$qpid" 2> /dev/null; then
  echo "run.sh: the guest reported its status but did not power off within 30 s; stopping qemu" >&2
  kill "$qpid"
fi
set +e
wait "$qpid"
qrc=$?
set -e
qpid=
wait "$tailpid" 2> /dev/null || true
tailpid=
t3=$(date +%s.%N)

fmt() { awk "BEGIN { printf \"%.1f\", $1 }"; }
if [ -s "$run/share/status" ]; then
  rc=$(cat "$run/share/status")
  started=$(cat "$run/share/started")
  ended=$(cat "$run/share/ended")
  echo "run.sh: status $rc; image $(fmt "$t1 - $t0") s, checkout disk $(fmt "$t2 - $t1") s, boot to payload $(fmt "$started") s (guest uptime), payload $(fmt "$ended - $started") s, qemu $(fmt "$t3 - $t2") s in all" >&2
  exit "$rc"
fi
[ -s "$run/share/started" ] && echo "run.sh: the payload started at guest uptime $(cat "$run/share/started") s but reported no status" >&2
echo "run.sh: no status from the guest (qemu exited $qrc$([ "$qrc" = 124 ] && echo ", timed out after $timeout_s s")); the console's last lines:" >&2
tail -40 "$run/console.log" >&2 || true
[ "$qrc" = 124 ] && exit 124
exit 125
