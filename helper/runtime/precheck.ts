// The minimal structural checks `create` needs before helper/spec's full
// validator is wired in: each returns findings with the pointer of the field.
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Finding } from '../spec/finding';

const NS_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'];

export function structuralFindings(raw: unknown, bundle: string): Finding[] {
  const out: Finding[] = [];
  const err = (pointer: string, code: string, message: string) => out.push({ pointer, code, severity: 'error', message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    err('', 'schema/type', 'config must be a JSON object');
    return out;
  }
  const s = raw as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (typeof s.ociVersion !== 'string') err('/ociVersion', 'schema/required', 'ociVersion must be a string');
  if (typeof s.root?.path !== 'string' || !s.root.path) err('/root/path', 'schema/required', 'root.path must be a non-empty string');
  else {
    const p = isAbsolute(s.root.path) ? s.root.path : join(bundle, s.root.path);
    try {
      if (!statSync(p).isDirectory()) err('/root/path', 'root/not-directory', `root.path \`${p}\` is not a directory`);
    } catch {
      err('/root/path', 'root/missing', `root.path \`${p}\` does not exist`);
    }
  }
  const p = s.process;
  if (typeof p !== 'object' || p === null) err('/process', 'schema/required', 'process is required to create a container');
  else {
    if (!Array.isArray(p.args) || p.args.length === 0) err('/process/args', 'schema/minItems', 'process.args must name the program to run');
    else p.args.forEach((a: unknown, i: number) => typeof a !== 'string' && err(`/process/args/${i}`, 'schema/type', 'each argument must be a string'));
    if (typeof p.cwd !== 'string' || !p.cwd.startsWith('/')) err('/process/cwd', 'process/cwd-absolute', 'process.cwd must be an absolute path');
    if (typeof p.user?.uid !== 'number') err('/process/user/uid', 'schema/required', 'process.user.uid must be a number');
    if (typeof p.user?.gid !== 'number') err('/process/user/gid', 'schema/required', 'process.user.gid must be a number');
    if (p.env !== undefined && !Array.isArray(p.env)) err('/process/env', 'schema/type', 'process.env must be an array of strings');
  }
  if (s.mounts !== undefined) {
    if (!Array.isArray(s.mounts)) err('/mounts', 'schema/type', 'mounts must be an array');
    else
      s.mounts.forEach((m: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (typeof m?.destination !== 'string' || !m.destination.startsWith('/')) err(`/mounts/${i}/destination`, 'mounts/destination-absolute', 'mount destination must be an absolute path');
      });
  }
  const seen = new Set<string>();
  (s.linux?.namespaces ?? []).forEach((n: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!NS_TYPES.includes(n?.type)) err(`/linux/namespaces/${i}/type`, 'namespaces/type', `unknown namespace type \`${n?.type}\``);
    else if (seen.has(n.type)) err(`/linux/namespaces/${i}`, 'namespaces/duplicate', `namespace \`${n.type}\` is listed twice`);
    else if (n.type === 'user' || n.type === 'time') err(`/linux/namespaces/${i}`, 'namespaces/unsupported', `${n.type} namespaces are not supported by this runtime yet`);
    seen.add(n?.type);
  });
  return out;
}
