// Reconnect delays for the berthd connection: exponential from `first` to
// `max`, with jitter so that several windows of one user do not knock on a
// restarted berthd in the same millisecond. A successful hello resets it.

export interface BackoffOptions {
  first: number;
  max: number;
  factor: number;
  /** 0..1: the share of each delay that is randomised. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { first: 250, max: 15_000, factor: 2, jitter: 0.2 };

export class Backoff {
  private attempt = 0;
  constructor(
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt, in ms; each call counts one failure. */
  next(): number {
    const base = Math.min(this.opts.max, this.opts.first * this.opts.factor ** this.attempt);
    this.attempt++;
    const spread = base * this.opts.jitter;
    return Math.round(base - spread + 2 * spread * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
