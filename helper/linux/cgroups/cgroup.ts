// The container's cgroup: one object over the v1 directories (one per
// controller) and/or the cgroup2 directory, whatever the host layout.
// Each resource goes to the controller that owns it; on hybrid hosts a
// controller missing from v1 but offered by cgroup2 (hugetlb, rdma, devices
// via eBPF, the freezer via cgroup.freeze) is used there.
//
// Everything here is synchronous: the waits (freezer settling, rmdir while
// killed processes exit) are short, and the CLI has nothing else to do.
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Device, Resources } from '../../spec/types';
import type { ApplyContext, Controller } from './controller';
import { CgroupError } from './errors';
import { hasKnob, readKeyed, readKnob, readPids, sleepMs, tryRead, writeKnob } from './fsio';
import { isFrozenV1, setFrozenV1 } from './v1/freezer';
import { v1Controllers } from './v1/index';
import { ALWAYS_AVAILABLE, v2Controllers } from './v2/index';
import type { CgroupHandle, CgroupStats, SavedCgroup } from './types';

/** Controllers that a hybrid host may take from cgroup2 when v1 lacks them (same name, same meaning). */
const HYBRID_FALLBACK = new Set(['hugetlb', 'rdma', 'devices']);
const DESTROY_BUDGET_MS = 5000;

interface Planned {
  ctrl: Controller;
  dir: string;
}

export class Cgroup implements CgroupHandle {
  constructor(
    readonly paths: SavedCgroup,
    private readonly linuxDevices: Device[] | undefined,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** Every distinct directory the container's processes live in. */
  private dirs(): string[] {
    const all = [...Object.values(this.paths.v1)];
    if (this.paths.unified) all.push(this.paths.unified);
    return [...new Set(all)];
  }

  /** Makes the directories (and missing parents), readies v1 cpusets and cgroup2 controllers. */
  create(resources: Resources | undefined): void {
    // Every directory this call makes, parents first, so a failure removes exactly those.
    const made: string[] = [];
    try {
      for (const dir of this.dirs()) {
        const missing: string[] = [];
        for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
        try {
          mkdirSync(dir, { recursive: true });
        } catch (e) {
          throw new CgroupError(`mkdir ${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`, '/linux/cgroupsPath');
        }
        made.push(...missing);
      }
      // destroy() kills whatever is in the cgroup, so it must be the container's alone.
      const foreign = this.pids();
      if (foreign.length) throw new CgroupError(`cgroup ${this.paths.path} already holds processes (${foreign.slice(0, 5).join(' ')}${foreign.length > 5 ? ' …' : ''}); a container needs a cgroup of its own`, '/linux/cgroupsPath');
      if (this.paths.unified) enableControllers(this.paths.unified, this.paths.mode === 'v2' ? undefined : this.hybridFallbacks(resources ?? {}));
      for (const { ctrl, dir } of this.plan()) ctrl.init?.(dir);
      if (resources) this.check(resources);
    } catch (e) {
      for (const d of made.reverse()) removeDir(d);
      throw e;
    }
  }

  private hybridFallbacks(r: Resources): string[] {
    return v2Controllers(this.linuxDevices)
      .filter((c) => HYBRID_FALLBACK.has(c.name) && !this.paths.v1[c.name] && c.wanted(r))
      .map((c) => c.name);
  }

  /** Which controller implementation writes to which directory. */
  private plan(): Planned[] {
    const out: Planned[] = [];
    const { mode, v1, unified } = this.paths;
    if (mode !== 'v2') for (const ctrl of v1Controllers(this.linuxDevices)) if (v1[ctrl.name]) out.push({ ctrl, dir: v1[ctrl.name] });
    if (unified) {
      const available = new Set((tryRead(unified, 'cgroup.controllers') ?? '').split(/\s+/).filter(Boolean));
      for (const ctrl of v2Controllers(this.linuxDevices)) {
        if (mode === 'hybrid' && ctrl.name !== '' && (!HYBRID_FALLBACK.has(ctrl.name) || v1[ctrl.name])) continue;
        if (ALWAYS_AVAILABLE.has(ctrl.name) || available.has(ctrl.name)) out.push({ ctrl, dir: unified });
      }
    }
    return out;
  }

  /** Fails, naming the field, when the config asks for a controller this cgroup does not have. */
  private check(r: Resources): void {
    const planned = new Set(this.plan().map((p) => p.ctrl.name));
    const every = this.paths.mode === 'v2' ? v2Controllers(this.linuxDevices) : [...v1Controllers(this.linuxDevices), ...v2Controllers(this.linuxDevices).filter((c) => c.name === '')];
    for (const ctrl of every) {
      if (planned.has(ctrl.name)) continue;
      const pointer = ctrl.wanted(r);
      if (!pointer) continue;
      if (ctrl.name === '') throw new CgroupError('unified resources need a cgroup v2 hierarchy, and this host has cgroup v1 only', pointer);
      const where = this.paths.mode === 'v2' ? `is not available in the cgroup2 hierarchy at ${dirname(this.paths.unified ?? '')}` : 'is not mounted on this host';
      throw new CgroupError(`needs the ${ctrl.name} controller, which ${where}`, pointer);
    }
  }

  addProcess(pid: number): void {
    for (const dir of this.dirs()) writeKnob(dir, 'cgroup.procs', pid);
  }

  apply(resources: Resources): void {
    this.write(resources, false);
  }

  update(resources: Resources): void {
    this.write(resources, true);
  }

  private write(r: Resources, update: boolean): void {
    this.check(r);
    const ctx: ApplyContext = { update, warn: this.warn };
    for (const { ctrl, dir } of this.plan()) ctrl.apply(dir, r, ctx);
  }

  private freezer(): { v1?: string; v2?: string } {
    if (this.paths.v1.freezer) return { v1: this.paths.v1.freezer };
    if (this.paths.unified && hasKnob(this.paths.unified, 'cgroup.freeze')) return { v2: this.paths.unified };
    throw new CgroupError(`cannot freeze ${this.paths.path}: the host has neither the v1 freezer nor cgroup.freeze`);
  }

  freeze(): void {
    this.setFrozen(true);
  }

  thaw(): void {
    this.setFrozen(false);
  }

  private setFrozen(frozen: boolean): void {
    const f = this.freezer();
    if (f.v1) return setFrozenV1(f.v1, frozen);
    const dir = f.v2!;
    writeKnob(dir, 'cgroup.freeze', frozen ? 1 : 0);
    // cgroup.events reports "frozen 1" once every task has stopped.
    for (let i = 0; i < 1000; i++) {
      if ((readKeyed(dir, 'cgroup.events').frozen ?? 0) === (frozen ? 1 : 0)) return;
      sleepMs(i < 10 ? 1 : 10);
    }
    throw new CgroupError(`${dir}/cgroup.events did not report frozen ${frozen ? 1 : 0}`);
  }

  isFrozen(): boolean {
    const f = this.freezer();
    return f.v1 ? isFrozenV1(f.v1) : readKnob(f.v2!, 'cgroup.freeze') === '1';
  }

  pids(): number[] {
    const all = new Set<number>();
    for (const dir of this.dirs()) for (const p of readPids(dir)) all.add(p);
    return [...all].sort((a, b) => a - b);
  }

  stats(): CgroupStats {
    const s: CgroupStats = {};
    for (const { ctrl, dir } of this.plan()) ctrl.stats?.(dir, s);
    return s;
  }

  oomKills(): number {
    const { v1, unified, mode } = this.paths;
    if (v1.memory) return readKeyed(v1.memory, 'memory.oom_control').oom_kill ?? 0;
    if (mode === 'v2' && unified) return readKeyed(unified, 'memory.events').oom_kill ?? 0;
    return 0;
  }

  killAll(signal: NodeJS.Signals | number): void {
    // cgroup.kill kills atomically, forks included (on hybrid hosts too: every
    // process also joined the cgroup2 directory); otherwise freeze so nothing
    // forks between listing and signalling.
    if ((signal === 'SIGKILL' || signal === 9) && this.cgroupKill()) {
      // A frozen task dies only once thawed.
      this.thawIfFrozen();
      return;
    }
    let frozen = false;
    try {
      this.freeze();
      frozen = true;
    } catch {
      // No freezer: signal without it.
    }
    try {
      for (const pid of this.pids()) signalPid(pid, signal);
    } finally {
      if (frozen) this.thaw();
    }
  }

  private thawIfFrozen(): void {
    try {
      if (this.isFrozen()) this.thaw();
    } catch {
      // no freezer, or already removed
    }
  }

  /** Writes cgroup.kill when the kernel has it (5.14+); false when it does not or the directory is gone. */
  private cgroupKill(): boolean {
    const dir = this.paths.unified;
    if (!dir || !hasKnob(dir, 'cgroup.kill')) return false;
    try {
      writeKnob(dir, 'cgroup.kill', 1);
      return true;
    } catch {
      return false;
    }
  }

  destroy(): void {
    const deadline = Date.now() + DESTROY_BUDGET_MS;
    this.thawIfFrozen();
    for (let attempt = 0; ; attempt++) {
      this.cgroupKill();
      for (const pid of this.pids()) signalPid(pid, 'SIGKILL');
      const left = this.dirs().filter((dir) => !removeDir(dir));
      if (left.length === 0) return;
      if (Date.now() > deadline) {
        throw new CgroupError(`cannot remove cgroup ${left.join(', ')}: still busy after ${DESTROY_BUDGET_MS} ms (pids ${this.pids().join(' ') || 'none'})`);
      }
      sleepMs(Math.min(100, 2 ** attempt));
    }
  }
}

function signalPid(pid: number, signal: NodeJS.Signals | number): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** rmdir that treats "already gone" as done and "busy" as try again. */
function removeDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'EBUSY') return false;
    throw new CgroupError(`rmdir ${dir}: ${code}`);
  }
}

/**
 * cgroup2 controllers reach a cgroup only when every ancestor lists them in
 * cgroup.subtree_control. Enables `names` (default: all the parent offers)
 * from the hierarchy root down to the leaf's parent, one at a time, so a
 * controller an ancestor cannot delegate (processes in an inner node) does
 * not block the rest; what remains missing is reported by check().
 */
function enableControllers(leaf: string, names?: string[]): void {
  if (names && names.length === 0) return;
  const chain: string[] = [];
  for (let d = dirname(leaf); hasKnob(d, 'cgroup.subtree_control'); d = dirname(d)) {
    chain.unshift(d);
    if (d === dirname(d)) break;
  }
  for (const dir of chain) {
    const offered = (tryRead(dir, 'cgroup.controllers') ?? '').split(/\s+/).filter(Boolean);
    const enabled = new Set((tryRead(dir, 'cgroup.subtree_control') ?? '').split(/\s+/));
    for (const c of offered) {
      if (enabled.has(c) || (names && !names.includes(c))) continue;
      try {
        writeKnob(dir, 'cgroup.subtree_control', `+${c}`);
      } catch {
        // See above: check() names the field that needed it.
      }
    }
  }
}
