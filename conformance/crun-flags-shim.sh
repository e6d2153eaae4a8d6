#!/bin/sh
# Runs $CONFORMANCE_RUNTIME (runc) with the crun-only flags that crun's test
# suite passes removed, so the suite measures behaviour, not flag spelling:
#   --cgroup-manager cgroupfs   (global, before the verb)  dropped
#   --cgroup-manager systemd                               -> --systemd-cgroup
#   --config FILE               (after create/run)         dropped; runc reads
#                                                          ./config.json only
# Everything else passes through unchanged, in order. POSIX sh: this sits on
# every runtime call of the suite and must cost nothing measurable.
set -eu
real="${CONFORMANCE_RUNTIME:?CONFORMANCE_RUNTIME names the runtime to run}"
n=$#
i=0
skip=0
for a in "$@"; do
  i=$((i + 1))
  if [ "$skip" = cgm ]; then
    [ "$a" = systemd ] && set -- "$@" --systemd-cgroup
    skip=0
  elif [ "$skip" = cfg ]; then
    skip=0
  elif [ "$a" = --cgroup-manager ]; then
    skip=cgm
  elif [ "$a" = --config ]; then
    skip=cfg
  else
    set -- "$@" "$a"
  fi
done
shift "$n"
exec "$real" "$@"
