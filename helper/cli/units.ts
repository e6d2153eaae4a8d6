// runc's value syntax for update and events flags: byte sizes with binary
// suffixes ("512m", "1g", "-1" for unlimited) and Go durations ("5s", "1m30s").
import { UsageError } from './verb';

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export function parseBytes(flag: string, s: string): number {
  if (s.trim() === '-1') return -1;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(s);
  if (!m) throw new UsageError(`${flag}: invalid size ${JSON.stringify(s)} (a number with an optional k, m, g, t or p suffix, or -1)`);
  return Math.floor(Number(m[1]) * BYTE_UNITS[m[2].toLowerCase()]);
}

export function parseInteger(flag: string, s: string): number {
  if (!/^-?\d+$/.test(s.trim())) throw new UsageError(`${flag}: invalid integer ${JSON.stringify(s)}`);
  return Number(s);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration in milliseconds. */
export function parseDuration(flag: string, s: string): number {
  let total = 0;
  let rest = s.trim();
  if (!rest) throw new UsageError(`${flag}: empty duration`);
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw new UsageError(`${flag}: invalid duration ${JSON.stringify(s)} (e.g. 500ms, 5s, 1m)`);
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    rest = rest.slice(m[0].length);
  }
  if (total <= 0) throw new UsageError(`${flag}: duration must be positive`);
  return total;
}
