// The client half of bundle.debootstrap, without `vscode` so the tests drive
// it against a real berthd: start the job, hand each bundleProgress step to
// the caller, turn a cancellation into bundle.cancel, and resolve with the
// job's bundleFinished. berthd may send the first steps before the answer
// with the job id is read, so notifications are kept until the id is known.
import type { BundleFinishedNotification, BundleProgressNotification } from '../../helper/protocol/events';
import type { Method, ParamsOf, ResultOf } from '../../helper/protocol/methods';
import type { DebootstrapParams } from '../../helper/protocol/types';

interface Disposable {
  dispose(): unknown;
}
type Listen<T> = (listener: (e: T) => unknown) => Disposable;

/** What the job needs of a berthd connection: BerthdConnection and BerthClient both fit. */
export interface JobPort {
  request<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  readonly onBundleProgress: Listen<BundleProgressNotification>;
  readonly onBundleFinished: Listen<BundleFinishedNotification>;
}

/** vscode.CancellationToken's shape. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
  readonly onCancellationRequested: Listen<unknown>;
}

export interface JobOptions {
  onStep: (step: BundleProgressNotification) => void;
  token?: Cancellation;
  /** Fires when the connection drops: berthd cancels a job whose client leaves, so the job ends there. */
  onLost?: Listen<unknown>;
  /** Told when bundle.cancel itself fails (the job's own end still arrives as bundleFinished). */
  onCancelError?: (e: unknown) => void;
}

export const LOST_MESSAGE = 'the connection to berthd was lost; berthd cancels a job whose client leaves and removes what it made';

export function runDebootstrapJob(port: JobPort, params: DebootstrapParams, opts: JobOptions): Promise<BundleFinishedNotification> {
  return new Promise((resolve, reject) => {
    let job: string | undefined;
    const early: BundleProgressNotification[] = [];
    const earlyEnds: BundleFinishedNotification[] = [];
    const subs: Disposable[] = [];
    let settled = false;
    const finish = (f: BundleFinishedNotification) => {
      if (settled) return;
      settled = true;
      for (const s of subs) s.dispose();
      resolve(f);
    };
    subs.push(port.onBundleProgress((p) => {
      if (job === undefined) early.push(p);
      else if (p.job === job) opts.onStep(p);
    }));
    subs.push(port.onBundleFinished((f) => {
      if (job === undefined) earlyEnds.push(f);
      else if (f.job === job) finish(f);
    }));
    if (opts.onLost) subs.push(opts.onLost(() => job !== undefined && finish({ job, outcome: 'failed', error: LOST_MESSAGE })));
    const cancel = () => {
      if (job === undefined || settled) return;
      port.request('bundle.cancel', { job }).catch((e: unknown) => opts.onCancelError?.(e));
    };
    port.request('bundle.debootstrap', params).then(
      (r) => {
        job = r.job;
        for (const p of early) if (p.job === job) opts.onStep(p);
        const end = earlyEnds.find((f) => f.job === job);
        if (end) return finish(end);
        if (opts.token?.isCancellationRequested) cancel();
        else if (opts.token) subs.push(opts.token.onCancellationRequested(cancel));
      },
      (e: unknown) => {
        settled = true;
        for (const s of subs) s.dispose();
        reject(e);
      },
    );
  });
}

/** VS Code's progress takes increments; berthd sends a running percent. */
export function incrementer(): (percent: number | undefined) => number | undefined {
  let last = 0;
  return (percent) => {
    if (percent === undefined || percent <= last) return undefined;
    const inc = percent - last;
    last = percent;
    return inc;
  };
}
