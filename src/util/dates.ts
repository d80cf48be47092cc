/** Calendar dates (YYYY-MM-DD, UTC) as amigov uses them for --as-of and exception expiry. */
import { UserError } from '../errors.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** true when s is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Today's date in UTC, YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whole days from a to b (b - a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** a + n days, YYYY-MM-DD. */
export function addDays(a: string, n: number): string {
  return new Date(Date.parse(`${a}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The one --as-of parser: a real calendar date written YYYY-MM-DD, default today (UTC).
 * Every command that takes --as-of (scan, evaluate, demo, bench, config check, policy) reads it here.
 */
export function parseAsOf(value: string | undefined, now: Date = new Date()): string {
  if (value === undefined) return todayUtc(now);
  if (!isIsoDate(value)) throw new UserError(`--as-of ${JSON.stringify(value)} is not a date written YYYY-MM-DD`, { hint: 'Example: --as-of 2026-03-01' });
  return value;
}
