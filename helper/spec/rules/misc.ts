// Smaller checks: the spec version Berth implements, bind mounts need a
// source, device nodes other than FIFOs need numbers, a process to run, the
// OOM score range, and a console size that no terminal will use.
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { join } from '../pointer';
import { arr, isBindMount, type Rule } from './rule';

export const ociVersion: Rule = {
  codes: ['spec/oci-version'],
  check({ config: c }) {
    const v = c.ociVersion;
    if (typeof v !== 'string') return [];
    const m = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v);
    if (m && m[1] === '1') return [];
    return [{
      pointer: '/ociVersion', code: 'spec/oci-version', severity: 'error',
      message: m ? `ociVersion \`${v}\` is not a 1.x runtime-spec version` : `ociVersion \`${v}\` is not a SemVer version like 1.3.0`,
      data: { kind: 'replace-value', title: 'Change to `1.3.0`', value: '1.3.0' } satisfies Fix,
    }];
  },
};

export const bindMounts: Rule = {
  codes: ['mount/bind-without-source'],
  check({ config: c }) {
    const out: Finding[] = [];
    arr<{ type?: unknown; source?: unknown; options?: unknown }>(c.mounts).forEach((m, i) => {
      if (isBindMount(m) && (typeof m.source !== 'string' || m.source === '')) {
        out.push({ pointer: join('/mounts', i), code: 'mount/bind-without-source', severity: 'error', message: `mounts[${i}] is a bind mount without a source` });
      }
    });
    return out;
  },
};

export const deviceNumbers: Rule = {
  codes: ['linux/device-without-numbers'],
  check({ config: c }) {
    const out: Finding[] = [];
    arr<{ type?: unknown; major?: unknown; minor?: unknown }>(c.linux?.devices).forEach((d, i) => {
      if (d?.type === 'p' || typeof d?.type !== 'string') return;
      if (typeof d.major !== 'number' || typeof d.minor !== 'number') {
        out.push({ pointer: join('/linux/devices', i), code: 'linux/device-without-numbers', severity: 'error', message: `linux.devices[${i}] of type \`${d.type}\` needs major and minor numbers` });
      }
    });
    return out;
  },
};

export const processSettings: Rule = {
  codes: ['process/required', 'process/oom-score-adj-range', 'process/console-size-without-terminal'],
  check({ config: c }) {
    const p = c.process;
    // config.md: OPTIONAL in a config, REQUIRED when start is called; berth has nothing to start without it.
    if (p === undefined) return [{ pointer: '/process', code: 'process/required', severity: 'error', message: 'process is required to create a container' }];
    if (!p || typeof p !== 'object') return [];
    const out: Finding[] = [];
    const oom = p.oomScoreAdj;
    if (typeof oom === 'number' && (oom < -1000 || oom > 1000)) {
      const clamped = Math.max(-1000, Math.min(1000, oom));
      out.push({
        pointer: '/process/oomScoreAdj', code: 'process/oom-score-adj-range', severity: 'error',
        message: `process.oomScoreAdj ${oom} is outside the kernel's range -1000 to 1000`,
        data: { kind: 'replace-value', title: `Change to ${clamped}`, value: clamped } satisfies Fix,
      });
    }
    if (p.consoleSize !== undefined && p.terminal !== true) {
      out.push({
        pointer: '/process/consoleSize', code: 'process/console-size-without-terminal', severity: 'warning',
        message: 'process.consoleSize has no effect without process.terminal',
        data: { kind: 'remove', title: 'Remove consoleSize', pointer: '/process/consoleSize' } satisfies Fix,
      });
    }
    return out;
  },
};
