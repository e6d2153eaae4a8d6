// Whether the berthd that answered is older than this extension (or speaks
// another protocol), so the extension offers to update it. Plain numeric
// comparison of dotted versions ("0.1.10" > "0.1.9"); a pre-release tag
// ("0.2.0-rc.1") counts as older than its release. No `vscode` here.
import { PROTOCOL_VERSION } from '../../helper/protocol/version';
import type { HelloResult } from '../../helper/protocol/types';

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.trim().replace(/^v/, '').split('-', 2);
    return { nums: core.split('.').map((x) => Number.parseInt(x, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Why berthd needs an update for this extension, or undefined when it does not. */
export function outdated(hello: Pick<HelloResult, 'server' | 'protocol'>, extensionVersion: string): string | undefined {
  if (hello.protocol !== PROTOCOL_VERSION) return `berthd ${hello.server} speaks protocol ${hello.protocol}, this extension ${PROTOCOL_VERSION}`;
  if (compareVersions(hello.server, extensionVersion) < 0) return `berthd ${hello.server} is older than the Berth extension (${extensionVersion})`;
  return undefined;
}

/** Whether a connect failure is berthd refusing this client's protocol (an older or newer berthd). */
export function isProtocolRefusal(reason: string): boolean {
  return /ProtocolMismatch|speaks protocol \d+/.test(reason);
}
