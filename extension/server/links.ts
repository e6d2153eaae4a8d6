// Document links: root.path, hook executables, and mount sources that live
// in the bundle, each opening the file or folder it names when it exists.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { DocumentLink } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { bundleDirOf } from './diagnostics';
import { parsed } from './document';

export function documentLinks(doc: TextDocument): DocumentLink[] {
  const p = parsed(doc);
  const bundle = bundleDirOf(doc.uri);
  if (!p.root || !bundle) return [];
  const out: DocumentLink[] = [];
  const link = (node: Node | undefined, tooltip: string, inBundleOnly: boolean) => {
    if (node?.type !== 'string' || typeof node.value !== 'string' || node.value === '') return;
    const target = isAbsolute(node.value) ? node.value : resolve(bundle, node.value);
    if (inBundleOnly && !target.startsWith(`${bundle}/`)) return;
    if (!existsSync(target)) return;
    out.push({
      range: { start: doc.positionAt(node.offset + 1), end: doc.positionAt(node.offset + node.length - 1) },
      target: pathToFileURL(target).toString(),
      tooltip,
    });
  };
  link(findNodeAtLocation(p.root, ['root', 'path']), 'Root filesystem', false);
  const hooks = findNodeAtLocation(p.root, ['hooks']);
  for (const stage of hooks?.children ?? []) {
    for (const h of stage.children?.[1]?.children ?? []) link(findNodeAtLocation(h, ['path']), 'Hook executable', false);
  }
  for (const m of findNodeAtLocation(p.root, ['mounts'])?.children ?? []) link(findNodeAtLocation(m, ['source']), 'Mount source in the bundle', true);
  return out;
}
