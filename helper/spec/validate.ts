// The one entry point for checking a config: the schema (a validator
// generated at build time, so nothing is compiled here; what runc accepts
// beyond it is tolerated, rules/tolerated.ts) and then every semantic rule.
// `berth create` and the language server both call it, and nothing else, so
// a problem reads the same, at the same severity, in the terminal and in the
// editor (test/language/findings-parity.test.ts).
import type { Finding } from './finding';
import * as validators from './generated/validators';
import { hostFacts, type HostFacts } from './host/facts';
import { RULES } from './rules';
import { tolerated } from './rules/tolerated';
import { schemaFindings } from './schema-findings';
import type { Spec } from './types';

export interface ValidateOptions {
  /** Bundle directory: also check root.path and process.args[0] on disk. */
  bundleDir?: string;
  /** Also check against the running kernel (true: this host's cached facts; or facts to use instead). */
  host?: boolean | HostFacts;
}

export type DocumentKind = 'config' | 'state' | 'features';

/** Schema findings only (what the parity test compares with the official schema). */
export function schemaCheck(value: unknown, kind: DocumentKind = 'config'): Finding[] {
  const v = validators[kind];
  return v(value) ? [] : schemaFindings(kind, v.errors ?? [], value);
}

export function validateConfig(config: unknown, opts: ValidateOptions = {}): Finding[] {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return schemaCheck(config);
  const findings = schemaCheck(config).map((f) => tolerated(config as Spec, f));
  const ctx = {
    config: config as Spec,
    bundleDir: opts.bundleDir,
    host: opts.host === true ? hostFacts() : opts.host || undefined,
  };
  for (const rule of RULES) {
    try {
      findings.push(...rule.check(ctx));
    } catch {
      // A rule tripping over a malformed value: the schema finding already explains it.
    }
  }
  return findings;
}

/** True when no finding is an error (warnings such as unknown keys do not stop a container). */
export const isValid = (findings: readonly Finding[]): boolean => findings.every((f) => f.severity !== 'error');

export type { Finding } from './finding';
