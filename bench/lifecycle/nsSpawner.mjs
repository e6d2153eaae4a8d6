// The process that runs crun for the benches: one long-lived Node process in
// a private mount namespace without the host's cgroup2 mount (crun 1.8
// refuses this host's hybrid layout; without that mount it sees plain v1,
// which is what the machine really uses). Started once per bench run, so
// crun's calls pay no per-call `unshare … umount` wrapper (that wrapper
// doubled crun's cycle). It times each call exactly as measure.ts's call()
// times berth and runc: spawn() to the child's exit, in a Node parent.
//
// Protocol, one JSON object per line: in {n, bin, args, cwd, log, env};
// out {n, code, signal, ms}.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';

createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  const err = openSync(req.log, 'a');
  const t0 = process.hrtime.bigint();
  const child = spawn(req.bin, req.args, { cwd: req.cwd, stdio: ['ignore', 'ignore', err], env: req.env });
  closeSync(err);
  const reply = (r) => process.stdout.write(`${JSON.stringify({ n: req.n, ...r })}\n`);
  child.on('error', (e) => reply({ code: -1, signal: String(e.message), ms: 0 }));
  child.on('exit', (code, signal) => reply({ code, signal, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
});
