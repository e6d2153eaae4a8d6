// The Bundles view: the workspace's folders holding an OCI config.json. It
// also publishes their paths as the `berth.bundleFolders` context key, so
// the explorer offers Run Bundle on exactly those folders.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BundleRef, findBundles } from '../run/bundle';

export class BundlesTree implements vscode.TreeDataProvider<BundleRef>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BundleRef | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/config.json');
  private bundles: BundleRef[] = [];

  constructor() {
    const again = () => this.refresh();
    this.watcher.onDidCreate(again);
    this.watcher.onDidDelete(again);
    this.watcher.onDidChange(again);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    this.bundles = await findBundles();
    await vscode.commands.executeCommand('setContext', 'berth.bundleFolders', this.bundles.map((b) => b.dir));
    await vscode.commands.executeCommand('setContext', 'berth.hasBundles', this.bundles.length > 0);
    this.emitter.fire(undefined);
  }

  getChildren(node?: BundleRef): BundleRef[] {
    return node ? [] : this.bundles;
  }

  getTreeItem(b: BundleRef): vscode.TreeItem {
    const item = new vscode.TreeItem(path.basename(b.dir), vscode.TreeItemCollapsibleState.None);
    item.id = `bundle:${b.dir}`;
    item.description = vscode.workspace.asRelativePath(path.dirname(b.dir));
    item.tooltip = b.config.fsPath;
    item.iconPath = new vscode.ThemeIcon('package');
    item.contextValue = 'bundle';
    item.resourceUri = vscode.Uri.file(b.dir);
    item.command = { command: 'vscode.open', title: 'Open config.json', arguments: [b.config] };
    return item;
  }

  dispose(): void {
    this.watcher.dispose();
    this.emitter.dispose();
  }
}
