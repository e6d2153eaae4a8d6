// Order statistics for timing samples (milliseconds).

export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  // nearest-rank: the smallest sample with at least q of the samples at or below it
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (s: number[]) => quantile(s, 0.5);
export const p95 = (s: number[]) => quantile(s, 0.95);
