// New Bundle: a folder, a root filesystem, and the config.json `berth spec`
// writes (helper/spec/default.ts) with root.path pointing at that rootfs.
// The rootfs comes from the host's busybox-static (copied with one link per
// applet: instant, no root needed), from debootstrap (run as root by berthd:
// bundle.debootstrap, shown as a cancellable progress notification, see
// debootstrap.ts), or from a directory the user already has.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultSpec } from '../../helper/spec/default';
import type { Ctx } from '../ctx';
import { debootstrapBundle } from './debootstrap';

const BUSYBOX = '/bin/busybox';

/** rootfs/bin/busybox plus a relative link per applet, and the few files a shell expects. */
export function busyboxRootfs(rootfs: string): void {
  if (!fs.existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} not found: install Debian's busybox-static`);
  const bin = path.join(rootfs, 'bin');
  for (const d of ['bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'root', 'run', 'var']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(bin, 'busybox'));
  fs.chmodSync(path.join(bin, 'busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) {
    const link = path.join(bin, a);
    if (!fs.existsSync(link)) fs.symlinkSync('busybox', link);
  }
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n');
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
}

/** Writes config.json as `berth spec` would, with root.path set (relative when the rootfs is inside the bundle). */
export function writeConfig(bundle: string, rootfs: string): string {
  const spec = defaultSpec();
  const rel = path.relative(bundle, rootfs);
  spec.root = { ...(spec.root ?? { path: 'rootfs' }), path: rel && !rel.startsWith('..') ? rel : rootfs };
  const file = path.join(bundle, 'config.json');
  fs.writeFileSync(file, JSON.stringify(spec, null, '\t') + '\n');
  return file;
}

type Source = 'busybox' | 'debootstrap' | 'existing';

export const newBundle = (ctx: Ctx) => async (arg?: unknown): Promise<string | undefined> => {
  let folder = arg instanceof vscode.Uri ? arg : undefined;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Make Bundle Here',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    folder = picked?.[0];
  }
  if (!folder) return undefined;
  const bundle = folder.fsPath;
  const source = await vscode.window.showQuickPick(
    [
      { label: '$(zap) busybox', description: 'from the host\'s busybox-static — instant', source: 'busybox' as Source },
      { label: '$(cloud-download) Debian or Ubuntu', description: 'debootstrap, run as root by berthd — about a minute, cancellable', source: 'debootstrap' as Source },
      { label: '$(folder) Existing directory', description: 'a root filesystem you already have', source: 'existing' as Source },
    ],
    { title: `Root filesystem for ${path.basename(bundle)}` },
  );
  if (!source) return undefined;
  // debootstrap makes a fresh bundle (in a new sub-folder when this one is not empty); the others write config.json here.
  if (source.source === 'debootstrap') return debootstrapBundle(ctx, bundle);
  const config = path.join(bundle, 'config.json');
  if (fs.existsSync(config)) {
    const ok = await vscode.window.showWarningMessage(`${config} exists. Replace it?`, { modal: true }, 'Replace');
    if (ok !== 'Replace') return undefined;
  }
  let rootfs = path.join(bundle, 'rootfs');
  try {
    if (source.source === 'busybox') {
      busyboxRootfs(rootfs);
    } else {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use as rootfs', defaultUri: folder });
      if (!picked?.[0]) return undefined;
      rootfs = picked[0].fsPath;
    }
    const file = writeConfig(bundle, rootfs);
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    return file;
  } catch (e) {
    void vscode.window.showErrorMessage(`New Bundle in ${bundle}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
};
