#!/bin/sh
# Runs $CONFORMANCE_RUNTIME (crun) in a private mount namespace without the
# host's /sys/fs/cgroup/unified mount. Here that cgroup2 mount holds the
# hugetlb controller while every other controller is on cgroup v1, and crun
# 1.8 then refuses every container ("cgroups in hybrid mode not supported").
# Without the mount crun sees plain cgroup v1, which is what the machine
# really uses. unshare(1) makes the namespace with private propagation, so
# the umount never reaches the host.
set -eu
real="${CONFORMANCE_RUNTIME:?CONFORMANCE_RUNTIME names the runtime to run}"
exec unshare --mount --propagation private -- sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null || true; exec "$0" "$@"' "$real" "$@"
