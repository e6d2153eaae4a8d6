// Seccomp combinations runtimes refuse: SCMP_ACT_NOTIFY without an agent
// socket, and errnoRet on an action that returns no errno.
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { join } from '../pointer';
import { arr, obj, type Rule } from './rule';

const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);

export const seccompRules: Rule = {
  codes: ['seccomp/notify-without-listener', 'seccomp/errno-without-errno-action'],
  check({ config: c }) {
    const s = obj(c.linux?.seccomp);
    if (!s) return [];
    const out: Finding[] = [];
    const rules = arr<{ action?: unknown; errnoRet?: unknown }>(s.syscalls);
    const notifyAt = s.defaultAction === 'SCMP_ACT_NOTIFY' ? '/linux/seccomp/defaultAction'
      : (() => { const i = rules.findIndex((r) => r?.action === 'SCMP_ACT_NOTIFY'); return i < 0 ? undefined : join('/linux/seccomp/syscalls', i, 'action'); })();
    if (notifyAt && !s.listenerPath) {
      out.push({ pointer: notifyAt, code: 'seccomp/notify-without-listener', severity: 'error', message: 'SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath, the socket of the agent that decides' });
    }
    if (s.defaultErrnoRet !== undefined && !ERRNO_ACTIONS.has(String(s.defaultAction))) {
      out.push({
        pointer: '/linux/seccomp/defaultErrnoRet', code: 'seccomp/errno-without-errno-action', severity: 'error',
        message: `linux.seccomp.defaultErrnoRet is set but defaultAction ${String(s.defaultAction)} returns no errno`,
        data: { kind: 'remove', title: 'Remove defaultErrnoRet', pointer: '/linux/seccomp/defaultErrnoRet' } satisfies Fix,
      });
    }
    rules.forEach((r, i) => {
      if (r?.errnoRet !== undefined && !ERRNO_ACTIONS.has(String(r.action))) {
        const pointer = join('/linux/seccomp/syscalls', i, 'errnoRet');
        out.push({
          pointer, code: 'seccomp/errno-without-errno-action', severity: 'error',
          message: `linux.seccomp.syscalls[${i}].errnoRet is set but action ${String(r.action)} returns no errno`,
          data: { kind: 'remove', title: 'Remove errnoRet', pointer } satisfies Fix,
        });
      }
    });
    return out;
  },
};
