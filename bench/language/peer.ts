// The peer: vscode-json-languageservice (what VS Code's JSON support runs)
// validating against the official runtime-spec v1.3.0 schema, read from
// ../shared/reference at bench time with its one broken $ref patched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLanguageService, type LanguageService } from 'vscode-json-languageservice';
import { SCHEMA_DIR } from '../../test/language/reference';

export function peerService(): LanguageService {
  const ls = getLanguageService({
    // The official files refer to each other by bare name (`defs.json`): resolve beside the referrer.
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
    async schemaRequestService(uri) {
      const text = readFileSync(new URL(uri), 'utf8');
      return uri.endsWith('/defs.json') ? text.replace('"#definitions/uint32"', '"#/definitions/uint32"') : text;
    },
  });
  ls.configure({ validate: true, allowComments: false, schemas: [{ uri: pathToFileURL(join(SCHEMA_DIR, 'config-schema.json')).toString(), fileMatch: ['*.json'] }] });
  return ls;
}
