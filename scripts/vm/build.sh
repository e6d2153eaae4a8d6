#!/bin/bash
# Builds the test VM's disk image (Debian bookworm, systemd, pure cgroup v2)
# unless it is cached, and prints its path. The cache key is a hash of this
# script, guest/*.service and the host kernel and node it copies in, so changing the
# recipe rebuilds it; older images are removed then.
#
#   scripts/vm/build.sh            # prints .cache/vm/bookworm-<key>.raw
#
# Recipe and pitfalls: ../shared/notes/cgroup2-vm.md. No loop mount and no
# chroot of our own: debootstrap installs every package (it mounts /proc and
# /sys in the target while it runs and unmounts them; the trap below
# unmounts anything still there if it fails), then mkfs.ext4 -d writes the
# tree into the image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache="$top/.cache/vm"
mirror=${BERTH_VM_MIRROR:-http://deb.debian.org/debian}

# The kernel and initrd from the host's /boot boot the guest; the image gets
# that kernel's modules (9p, overlay, netfilter...).
kver=${BERTH_VM_KERNEL:-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
[ -n "$kver" ] && [ -d "/lib/modules/$kver" ] || { echo "build.sh: no amd64 kernel in /boot with modules (apt-get install linux-image-amd64)" >&2; exit 1; }
node=$(command -v node)

# What the tests drive, plus systemd and what a debugging session needs.
packages=(
  systemd-sysv udev dbus kmod procps iproute2 util-linux e2fsprogs
  busybox-static runc crun libseccomp2
  podman conmon netavark aardvark-dns iptables containerd
  jq less
)

key=$( { cat "$0" "$here"/guest/*.service; echo "$kver"; "$node" -v; stat -c %s "$node"; } | sha256sum | cut -c1-12)
img="$cache/bookworm-$key.raw"
if [ -f "$img" ]; then echo "$img"; exit 0; fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
root="$work/root"
cleanup() {
  # Whatever debootstrap left mounted in the target (on failure), deepest first.
  { grep -o " $root[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$work"
}
trap cleanup EXIT
t0=$(date +%s)
echo "build.sh: debootstrap bookworm into $root (a few minutes)" >&2
debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 || {
  tail -30 "$work/debootstrap.log" >&2; echo "build.sh: debootstrap failed (log above)" >&2; exit 1; }
t1=$(date +%s)

# node from the host (Debian's nodejs 18 is too old); it needs only libc,
# libstdc++ and libgcc_s, all in the guest.
install -m 755 "$node" "$root/usr/bin/node"
mkdir -p "$root/lib/modules"
cp -a "/lib/modules/$kver" "$root/lib/modules/"
# Drivers a virtio guest never loads (about half the size).
rm -rf "$root/lib/modules/$kver/kernel/drivers/"{gpu,media,net/wireless,net/ethernet,infiniband,staging,bluetooth,iio,hid,input,usb,sound} "$root/lib/modules/$kver/kernel/sound"
depmod -b "$root" "$kver"

echo berth-vm > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 berth-vm\n' > "$root/etc/hosts"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' > "$root/etc/fstab"
printf '9p\n9pnet_virtio\noverlay\n' > "$root/etc/modules-load.d/berth.conf"
passwd -R "$root" -d root > /dev/null
# Nothing but the payload runs: no logins, timers, or services the tests
# start themselves (containerd, podman's helpers).
for u in getty@.service serial-getty@.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  e2scrub_reap.service fstrim.timer dpkg-db-backup.timer containerd.service podman-auto-update.timer \
  podman-auto-update.service podman-restart.service podman-clean-transient.service podman.socket \
  systemd-timesyncd.service man-db.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# The unit's stub: the payload itself (guest/payload.sh) comes with each run.
cat > "$root/usr/local/sbin/berth-payload" <<'STUB'
#!/bin/sh
mkdir -p /mnt/share
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=mmap share /mnt/share; then
  echo "berth-payload: cannot mount the 9p share" > /dev/ttyS0
  exit 1
fi
exec bash /mnt/share/payload.sh
STUB
chmod 755 "$root/usr/local/sbin/berth-payload"
install -m 644 "$here/guest/berth-payload.service" "$root/etc/systemd/system/berth-payload.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../berth-payload.service "$root/etc/systemd/system/multi-user.target.wants/berth-payload.service"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
echo "$kver" > "$work/kernel"

size=$(( $(du -sm "$root" | cut -f1) + 1536 ))
mkfs.ext4 -q -F -L berth-vm -d "$root" "$work/img.raw" "${size}M"
t2=$(date +%s)
rm -f "$cache"/bookworm-*.raw "$cache"/bookworm-*.kernel
mv "$work/kernel" "${img%.raw}.kernel"
mv "$work/img.raw" "$img"
echo "build.sh: image built in $((t2 - t0)) s (debootstrap $((t1 - t0)) s), $(du -h --apparent-size "$img" | cut -f1) ($(du -h "$img" | cut -f1) used)" >&2
echo "$img"
