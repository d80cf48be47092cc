/**
 * How much of what a scan set out to judge it actually judged. One definition, used by the scan's exit code
 * (--allow-partial, --min-coverage, --allow-empty), by findings.json and by every report.
 *
 * Coverage % = ok / (ok + access-denied + error). Skipped account x regions (regions an account has not
 * enabled or is not offered) are left out of both sides: nothing can run there, so there is nothing to judge.
 */
import type { AccountId, AccountRecord, CoverageEntry, CoverageStatus } from './inventory.js';

export interface CoverageSummary {
  counts: Record<CoverageStatus, number>;
  /** access-denied + error: account x regions the scan tried and could not judge. */
  failed: number;
  /** ok + failed: the denominator of the percentage. */
  attempted: number;
  /** 100 * ok / attempted, rounded to one decimal; null when nothing was attempted. */
  percent: number | null;
  /** Nothing was judged: no account x region ended ok (also when no account was selected at all). */
  empty: boolean;
  /**
   * Accounts the scan set out to reach (selected, ACTIVE) in which no region was scanned and none failed:
   * every region skipped, or none listed at all. Accounts with failures are already counted in `failed`.
   */
  accountsWithoutScannedRegion: AccountId[];
  /** Nothing failed, something was judged, and every selected account had a region scanned. */
  complete: boolean;
}

export function assessCoverage(entries: readonly CoverageEntry[], accounts: readonly Pick<AccountRecord, 'accountId' | 'access'>[] = []): CoverageSummary {
  const counts: Record<CoverageStatus, number> = { ok: 0, skipped: 0, 'access-denied': 0, error: 0 };
  for (const e of entries) counts[e.status]++;
  const failed = counts['access-denied'] + counts.error;
  const attempted = counts.ok + failed;
  const judged = new Set<AccountId>();
  for (const e of entries) if (e.status !== 'skipped') judged.add(e.accountId);
  const accountsWithoutScannedRegion = accounts
    .filter((a) => a.access !== 'none' && !judged.has(a.accountId))
    .map((a) => a.accountId)
    .sort();
  const empty = counts.ok === 0;
  return {
    counts,
    failed,
    attempted,
    percent: attempted === 0 ? null : Math.round((1000 * counts.ok) / attempted) / 10,
    empty,
    accountsWithoutScannedRegion,
    complete: failed === 0 && !empty && accountsWithoutScannedRegion.length === 0,
  };
}

/** true when ok / attempted >= minPercent / 100, in exact arithmetic (no rounding at the boundary). */
export function meetsMinCoverage(s: Pick<CoverageSummary, 'counts' | 'attempted'>, minPercent: number): boolean {
  if (s.attempted === 0) return minPercent === 0;
  return s.counts.ok * 100 >= minPercent * s.attempted;
}
