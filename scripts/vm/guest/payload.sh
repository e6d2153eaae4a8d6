#!/bin/bash
# Runs in the guest from berth-payload.service, once multi-user.target is
# up: the image's stub (build.sh) mounts the host's 9p share at /mnt/share
# and runs this copy from there, so changing this file rebuilds no image.
# The share also holds run.env (WORKDIR, where the checkout goes) and cmd
# (a bash script); the checkout itself is the second disk (/dev/vdb, ext4).
# The command's output goes to the virtio port berth.out, which the host
# streams; its exit status, and the guest's uptime when the payload started
# and ended, go to the share.
set -u
out=/dev/virtio-ports/berth.out
for _ in $(seq 50); do [ -e "$out" ] && break; sleep 0.1; done
[ -e "$out" ] || out=/dev/ttyS0
cut -d' ' -f1 /proc/uptime > /mnt/share/started
. /mnt/share/run.env
mkdir -p "$WORKDIR"
if ! mount /dev/vdb "$WORKDIR"; then
  echo "berth-payload: cannot mount the checkout disk at $WORKDIR" > "$out"
  echo 1 > /mnt/share/status
  exit 1
fi
cd "$WORKDIR"
bash /mnt/share/cmd > "$out" 2>&1 < /dev/null
rc=$?
cut -d' ' -f1 /proc/uptime > /mnt/share/ended
echo "berth-payload: command ended with status $rc" > /dev/ttyS0
echo "$rc" > /mnt/share/status
sync
# The unit's SuccessAction=poweroff-immediate did not fire here (systemd
# 252: the script ended, the guest stayed up), so power off directly: the
# status is on the host already and the disk is a throwaway snapshot.
echo "berth-payload: status written, powering off" > /dev/ttyS0
systemctl poweroff --force --force
