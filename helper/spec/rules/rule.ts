// The shape of a semantic rule: one concern the schema cannot express, as a
// small function over the parsed config. Rules run even when the schema
// found errors, so they read the config defensively (a value of the wrong
// type is the schema's finding, not theirs).
import type { Finding } from '../finding';
import type { HostFacts } from '../host/facts';
import type { Spec } from '../types';

export interface RuleContext {
  config: Spec;
  /** Bundle directory: enables the checks that look at the rootfs. */
  bundleDir?: string;
  /** Facts about the running kernel: enables the host-aware checks. */
  host?: HostFacts;
}

export interface Rule {
  /** Every code this rule can report (the tests cover each). */
  codes: readonly string[];
  check(ctx: RuleContext): Finding[];
}

export const arr = <T>(v: T[] | undefined | unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Namespace types the container gets (new or joined), in order of appearance. */
export const namespaceTypes = (c: Spec): Set<string> => new Set(arr<{ type?: string }>(c.linux?.namespaces).map((n) => n?.type ?? ''));

/** A bind mount: type `bind`, or a `bind`/`rbind` option (what the runtime binds, helper/runtime/hostfds.ts). */
export const isBindMount = (m: { type?: unknown; options?: unknown } | undefined): boolean => {
  const opts = arr<unknown>(m?.options);
  return m?.type === 'bind' || opts.includes('bind') || opts.includes('rbind');
};
