// Which bundle a command is about: a folder or config.json from the
// explorer, a Bundles view item, the active config.json editor, or a pick
// among the workspace's bundles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface BundleRef {
  dir: string;
  config: vscode.Uri;
}

export function bundleFromUri(uri: vscode.Uri): BundleRef | undefined {
  if (uri.scheme !== 'file') return undefined;
  let dir = uri.fsPath;
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    return undefined;
  }
  const config = path.join(dir, 'config.json');
  return fs.existsSync(config) ? { dir, config: vscode.Uri.file(config) } : undefined;
}

/** Finds the workspace's bundles: folders holding a config.json with `ociVersion`. */
export async function findBundles(): Promise<BundleRef[]> {
  const files = await vscode.workspace.findFiles('**/config.json', '**/{node_modules,rootfs,.git}/**', 200);
  const out: BundleRef[] = [];
  for (const f of files) {
    try {
      const head = fs.readFileSync(f.fsPath, 'utf8').slice(0, 4096);
      if (/"ociVersion"\s*:/.test(head)) out.push({ dir: path.dirname(f.fsPath), config: f });
    } catch {
      // unreadable: not ours to show
    }
  }
  return out.sort((a, b) => a.dir.localeCompare(b.dir));
}

export async function resolveBundle(arg: unknown): Promise<BundleRef | undefined> {
  if (arg instanceof vscode.Uri) return bundleFromUri(arg);
  if (arg && typeof arg === 'object' && 'dir' in arg && typeof (arg as BundleRef).dir === 'string') return bundleFromUri(vscode.Uri.file((arg as BundleRef).dir));
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && path.basename(active.fsPath) === 'config.json') {
    const b = bundleFromUri(active);
    if (b) return b;
  }
  const all = await findBundles();
  if (all.length === 1) return all[0];
  if (all.length === 0) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Run Bundle' });
    return picked?.[0] ? bundleFromUri(picked[0]) : undefined;
  }
  const pick = await vscode.window.showQuickPick(
    all.map((b) => ({ label: path.basename(b.dir), description: vscode.workspace.asRelativePath(b.dir), bundle: b })),
    { title: 'Run which bundle?' },
  );
  return pick?.bundle;
}
