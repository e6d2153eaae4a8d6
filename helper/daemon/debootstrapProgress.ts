// debootstrap's `I:` lines as steps with a rough percent. debootstrap has no
// machine-readable progress on a plain run, but its lines come in a fixed
// order (measured on bookworm minbase: Release, Packages, resolve, then per
// package Retrieving/Validating, Extracting, Unpacking, Configuring), so the
// phase gives the band and the count of packages seen places the step in it.
// `W:` and `E:` lines are kept for the error message of a failed run.
import type { BundlePhase } from '../protocol/events';

export interface Step {
  phase: BundlePhase;
  step: string;
  percent: number;
}

/** Percent bands per phase: [start, end]. */
const BANDS: Record<BundlePhase, [number, number]> = {
  start: [0, 0],
  release: [1, 4],
  resolve: [5, 5],
  retrieve: [6, 40],
  validate: [6, 40],
  extract: [41, 55],
  install: [56, 56],
  unpack: [57, 75],
  configure: [76, 98],
  config: [99, 99],
  other: [0, 0],
};

/** Before the first package is extracted we do not know how many there are: bookworm minbase retrieves 88. */
const EXPECTED_PACKAGES = 90;

/** Which phase a line's text starts, and whether it names one package (counted) or the phase itself. */
const RULES: { re: RegExp; phase: BundlePhase; perPackage: boolean }[] = [
  { re: /^Retrieving (In)?Release\b|^(Checking|Valid) Release signature|^Retrieving Packages\b|^Validating Packages\b/, phase: 'release', perPackage: false },
  { re: /^Resolving dependencies|^Found (additional )?(required |base )?(packages|dependencies)|^Checking component/, phase: 'resolve', perPackage: false },
  { re: /^Retrieving \S+ \S+/, phase: 'retrieve', perPackage: true },
  { re: /^Validating \S+ \S+/, phase: 'validate', perPackage: false },
  { re: /^Extracting \S+\.\.\./, phase: 'extract', perPackage: true },
  { re: /^Installing (core|base) packages/, phase: 'install', perPackage: false },
  { re: /^Unpacking (required|base) packages|^Unpacking the base system/, phase: 'unpack', perPackage: false },
  { re: /^Unpacking \S+\.\.\./, phase: 'unpack', perPackage: true },
  { re: /^Configuring (required|base) packages/, phase: 'configure', perPackage: false },
  { re: /^Configuring \S+\.\.\./, phase: 'configure', perPackage: true },
  { re: /^Base system installed successfully/, phase: 'config', perPackage: false },
];

export class DebootstrapProgress {
  private percent = 0;
  private retrieved = 0;
  private readonly counts = new Map<BundlePhase, number>();
  /** `E:` lines, then `W:` lines, as debootstrap wrote them (bounded). */
  readonly problems: string[] = [];

  /** The step a line reports, or undefined for lines that are not `I:` lines. */
  feed(raw: string): Step | undefined {
    const line = raw.trimEnd();
    const m = /^([IWE]): (.*)$/.exec(line);
    if (!m) return undefined;
    const [, level, text] = m;
    if (level !== 'I') {
      if (this.problems.length < 20) this.problems.push(line);
      return undefined;
    }
    const rule = RULES.find((r) => r.re.test(text));
    const phase = rule?.phase ?? 'other';
    if (rule?.perPackage) this.counts.set(phase, (this.counts.get(phase) ?? 0) + 1);
    if (phase === 'retrieve') this.retrieved++;
    if (phase !== 'other') {
      const [lo, hi] = BANDS[phase];
      const total = phase === 'retrieve' || phase === 'validate' ? EXPECTED_PACKAGES : Math.max(this.retrieved, 1);
      const done = Math.min(this.counts.get(phase === 'validate' ? 'retrieve' : phase) ?? 0, total);
      // Never past the band's end, never backwards (a second Unpacking pass for base packages).
      this.percent = Math.max(this.percent, Math.round(lo + ((hi - lo) * done) / total));
    }
    return { phase, step: text.replace(/\s+$/, ''), percent: this.percent };
  }

  /** The message for a failed run: the first `E:` line, else the last `W:` line, else fallback. */
  failure(fallback: string): string {
    const e = this.problems.find((p) => p.startsWith('E: ')) ?? this.problems.filter((p) => p.startsWith('W: ')).pop();
    return e ? `${fallback}: ${e.slice(3)}` : fallback;
  }
}
