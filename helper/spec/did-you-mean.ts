// "Did you mean" for typos in keys and names: the closest candidate by edit
// distance, when it is close enough to be a plausible typo.
import leven from 'leven';

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const w = word.toLowerCase();
  // An abbreviation (`net` for `network`) is as plausible as a typo.
  if (w.length >= 3) {
    const prefixed = [...candidates].filter((c) => c.toLowerCase().startsWith(w));
    if (prefixed.length === 1) return prefixed[0];
  }
  for (const c of candidates) {
    const d = leven(w, c.toLowerCase());
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  // A third of the word's length, at least 1 and at most 4 edits: `usr`→`user` yes, `foo`→`root` no.
  const allowed = Math.min(4, Math.max(1, Math.floor(word.length / 3)));
  return bestDist <= allowed ? best : undefined;
}
