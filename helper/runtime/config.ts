// Reading a bundle's config.json and checking it before anything is created.
// Errors carry the JSON pointer of the field at fault, so the CLI, berthd and
// the editor show the same place.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';
import { RuntimeError } from './errors';
import { validateConfig } from '../spec/validate';

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

/** Far above any real config (a big seccomp profile is some 100 KiB); a bound on what a bundle can make us hold. */
const MAX_CONFIG_BYTES = 64 << 20;

/**
 * Reads a file that must be a regular one of at most `maxBytes`, checked on
 * the opened fd: the bundle may be someone else's, who can swap config.json
 * for a fifo (opened without O_NONBLOCK it blocks, and berthd's whole event
 * loop with it) or a device that never ends. `nofollow`: a symlink is refused.
 */
export function readRegularFile(path: string, maxBytes: number, nofollow = false): { text: string; stat: Stats } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (nofollow ? constants.O_NOFOLLOW : 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    // Read at most one byte past the bound: the file may still be growing.
    const buf = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    if (n > stat.size) throw new Error('grew while it was read');
    return { text: buf.toString('utf8', 0, n), stat };
  } finally {
    closeSync(fd);
  }
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
    text = readRegularFile(path, MAX_CONFIG_BYTES).text;
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
  const findings = configFindings(spec, bundle);
  const error = findings.find((f) => f.severity === 'error');
  if (error) throw new RuntimeError(`${path}: ${error.pointer}: ${error.message}`, 'bad-bundle', error.pointer);
  const rootPath = spec.root!.path;
  const rootfs = isAbsolute(rootPath) ? rootPath : join(bundle, rootPath);
  return { spec, bundle, rootfs, warnings: findings };
}

/**
 * What `berth create` finds in a config: exactly what the language server
 * shows, helper/spec's validateConfig (with this host's facts), so both give
 * the same codes, severities and pointers (test/language/findings-parity.test.ts).
 */
export function configFindings(spec: unknown, bundle: string): Finding[] {
  return validateConfig(spec, { bundleDir: bundle, host: true });
}
