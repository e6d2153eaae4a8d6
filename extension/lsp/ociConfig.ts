// The test for "this JSON document is an OCI runtime config" (no vscode
// import, so it is unit-tested): named config.json, and its top-level
// object has `ociVersion`.
import * as path from 'node:path';
import { parse } from 'jsonc-parser';

export function looksLikeOciConfig(fileName: string, text: string): boolean {
  if (path.basename(fileName) !== 'config.json') return false;
  const value: unknown = parse(text, [], { allowTrailingComma: true });
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'ociVersion' in value;
}
