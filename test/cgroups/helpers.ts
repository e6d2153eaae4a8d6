// Shared by the cgroup tests: a spec whose cgroup is named berth-test-…,
// a real process to put in it, and cleanup that runs even on failure.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSpec } from '../../helper/spec/default';
import type { Resources, Spec } from '../../helper/spec/types';
import type { CgroupHandle } from '../../helper/linux/cgroups/index';

export function testName(tag: string): string {
  return `berth-test-${tag}-${process.pid}-${Date.now().toString(36)}`;
}

export function specWith(cgroupsPath: string, resources?: Resources): Spec {
  const spec = defaultSpec();
  spec.linux ??= {};
  spec.linux.cgroupsPath = cgroupsPath;
  spec.linux.resources = resources;
  return spec;
}

/** A shell that waits for one line on stdin before running `script`, so it can be put in a cgroup first. */
export function gatedShell(script: string): ChildProcessWithoutNullStreams & { output(): Promise<string> } {
  const p = spawn('/bin/sh', ['-c', `read _go; ${script}`]);
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const done = new Promise<string>((resolve) => p.on('close', () => resolve(out)));
  return Object.assign(p, { output: () => done });
}

export function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8').trim();
}

/** Removes the cgroup and ends the processes, whatever state the test left them in. */
export function cleanup(cg: CgroupHandle | undefined, ...procs: { pid?: number; kill(s?: NodeJS.Signals): boolean }[]): void {
  for (const p of procs) if (p.pid) p.kill('SIGKILL');
  if (!cg) return;
  cg.destroy();
  const left = [...Object.values(cg.paths.v1), cg.paths.unified].filter((d): d is string => !!d && existsSync(d));
  if (left.length) throw new Error(`cgroup directories left behind: ${left.join(', ')}`);
}
