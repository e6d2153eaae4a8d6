// `berth features`: what this runtime supports, as features.md describes.
import { CAPS } from '../linux/caps';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'show the enabled features',
  usage: 'berth features',
  options: {},
  positionals: [0, 0],
  async run() {
    const features = {
      ociVersionMin: '1.0.0',
      ociVersionMax: '1.3.0',
      hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
      mountOptions: [
        'async', 'atime', 'bind', 'defaults', 'dev', 'diratime', 'dirsync', 'exec', 'lazytime', 'loud', 'mand', 'noatime',
        'nodev', 'nodiratime', 'noexec', 'nolazytime', 'nomand', 'norelatime', 'nostrictatime', 'nosuid', 'nosymfollow',
        'private', 'rbind', 'relatime', 'remount', 'ro', 'rprivate', 'rshared', 'rslave', 'runbindable', 'rw', 'shared',
        'silent', 'slave', 'strictatime', 'suid', 'symfollow', 'sync', 'unbindable',
        'ratime', 'rdev', 'rdiratime', 'rexec', 'rnoatime', 'rnodev', 'rnodiratime', 'rnoexec', 'rnorelatime', 'rnostrictatime',
        'rnosuid', 'rnosymfollow', 'rrelatime', 'rro', 'rrw', 'rstrictatime', 'rsuid', 'rsymfollow',
      ],
      linux: {
        namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'],
        capabilities: [...CAPS],
        cgroup: { v1: true, v2: true, systemd: false, systemdUser: false },
        apparmor: { enabled: false },
        selinux: { enabled: false },
      },
      annotations: { 'org.opencontainers.runtime-spec.features.v1.berth': 'true' },
    };
    process.stdout.write(JSON.stringify(features, null, 4) + '\n');
    return 0;
  },
};
