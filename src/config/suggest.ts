/** "Did you mean ...?" for a misspelt config key: the closest known key by edit distance. */
import leven from 'leven';

/** Case, `_`, `-` and spaces do not count: `exceptionAccounts` and `exception-accounts` both mean `exception_accounts`. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * The known key closest to `key`, or undefined when none is close enough to be a plausible typo.
 * Close enough: at most 40% of the longer key's letters differ (Levenshtein distance on the normalized keys),
 * or one is a prefix of the other and the shorter has at least 4 letters (`desc` -> `description`).
 * Ties go to the first key in `known`, so the suggestion is stable.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = normalize(key);
  if (!k) return undefined;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const c = normalize(candidate);
    const distance = leven(k, c);
    const prefix = Math.min(k.length, c.length) >= 4 && (c.startsWith(k) || k.startsWith(c));
    if (distance > Math.ceil(Math.max(k.length, c.length) * 0.4) && !prefix) continue;
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best?.key;
}
