// Reading a bundle's config.json and checking it before anything is created.
// Errors carry the JSON pointer of the field at fault, so the CLI, berthd and
// the editor show the same place.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';
import { RuntimeError } from './errors';
import { validateConfig } from '../spec/validate';
import { unsupportedFindings } from './precheck';

export interface LoadedConfig {
  spec: Spec;
  bundle: string;
  rootfs: string;
  warnings: Finding[];
}

export interface ParsedConfig {
  spec: Spec;
  bundle: string;
  path: string;
}

export function loadConfig(bundleArg: string, configFile?: string): LoadedConfig {
  return checkConfig(parseConfig(bundleArg, configFile));
}

/** Reads and parses config.json: cheap, so `create` can start the init stage before the (slower) validation. */
export function parseConfig(bundleArg: string, configFile?: string): ParsedConfig {
  const bundle = resolve(bundleArg);
  try {
    if (!statSync(bundle).isDirectory()) throw new RuntimeError(`bundle \`${bundle}\` is not a directory`, 'bad-bundle');
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError(`bundle \`${bundle}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`, 'bad-bundle');
  }
  const path = configFile ? resolve(configFile) : join(bundle, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
    throw new RuntimeError(`open \`${path}\`: ${why}`, 'bad-bundle');
  }
  let spec: Spec;
  try {
    spec = JSON.parse(text) as Spec;
  } catch (e) {
    throw new RuntimeError(`parse \`${path}\`: ${(e as Error).message.replace(/^./, (c) => c.toLowerCase())}`, 'bad-bundle', '');
  }
  return { spec, bundle, path };
}

/** Validates a parsed config; throws the first error with its pointer, returns the warnings. */
export function checkConfig({ spec, bundle, path }: ParsedConfig): LoadedConfig {
  const findings = validate(spec, bundle);
  const error = findings.find((f) => f.severity === 'error');
  if (error) throw new RuntimeError(`${path}: ${error.pointer}: ${error.message}`, 'bad-bundle', error.pointer);
  const rootPath = spec.root!.path;
  return { spec, bundle, rootfs: isAbsolute(rootPath) ? rootPath : join(bundle, rootPath), warnings: findings };
}

/** The schema and semantic rules shared with the editor, then what this runtime cannot do yet. */
function validate(spec: unknown, bundle: string): Finding[] {
  const findings = validateConfig(spec, { bundleDir: bundle }).map((f) => tolerated(spec as Spec, f));
  if (findings.some((f) => f.severity === 'error')) return findings;
  return [...findings, ...unsupportedFindings(spec)];
}

/**
 * What runc and crun accept although the schema does not, so that configs
 * written for them run here: the recursive rootfsPropagation forms (rprivate,
 * rslave, rshared, runbindable) become info findings: Docker and podman
 * write them routinely, so a warning on every create would only be noise
 * (and tools that compare runc's output with ours would see a difference).
 */
function tolerated(spec: Spec, f: Finding): Finding {
  const prop = spec.linux?.rootfsPropagation;
  if (f.severity === 'error' && f.pointer === '/linux/rootfsPropagation' && prop && ['rprivate', 'rslave', 'rshared', 'runbindable'].includes(prop)) {
    return { ...f, severity: 'info', message: `linux.rootfsPropagation \`${prop}\` is not in the spec; applied as runc does` };
  }
  return f;
}
