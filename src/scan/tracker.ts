/**
 * Coverage as the scan learns it: exactly one entry per account x region, and the progress counts derived
 * from those entries (never incremented and corrected by hand).
 *
 * A unit that succeeded is `provisional`: counted as ok, but its final verdict waits until the images it
 * references are resolved (`settle`). Every other verdict is final when recorded, and the first verdict of
 * an account x region stands. The counts are kept by the one place that changes an entry (`put`), so they
 * always equal a count over the entries and a progress callback reads them in constant time.
 */
import type { CoverageEntry, CoverageStatus } from '../model/inventory.js';

const keyOf = (e: Pick<CoverageEntry, 'accountId' | 'region'>) => `${e.accountId}|${e.region}`;

export class CoverageTracker {
  private readonly final = new Map<string, CoverageEntry>();
  private readonly pending = new Map<string, CoverageEntry>();
  private plannedUnits = 0;
  private readonly tally: Record<CoverageStatus, number> = { ok: 0, skipped: 0, 'access-denied': 0, error: 0 };

  /** The only writer of the two maps: the tally follows every change. */
  private put(into: Map<string, CoverageEntry>, k: string, entry: CoverageEntry | undefined): void {
    const old = this.final.get(k) ?? this.pending.get(k);
    if (old) this.tally[old.status]--;
    this.final.delete(k);
    this.pending.delete(k);
    if (entry) {
      into.set(k, entry);
      this.tally[entry.status]++;
    }
  }

  /** `n` more account x region units are known to the scan (planned grows as accounts' regions become known). */
  plan(n = 1): void {
    this.plannedUnits += n;
  }

  /** A final verdict. Returns false (and changes nothing) when the account x region already has one. */
  record(entry: CoverageEntry): boolean {
    const k = keyOf(entry);
    if (this.final.has(k) || this.pending.has(k)) return false;
    this.put(this.final, k, entry);
    return true;
  }

  /** A unit that succeeded so far: counted as ok until `settle` gives its final verdict. */
  provisional(entry: CoverageEntry): boolean {
    const k = keyOf(entry);
    if (this.final.has(k) || this.pending.has(k)) return false;
    this.put(this.pending, k, entry);
    return true;
  }

  /** The units still provisional. */
  provisionalEntries(): CoverageEntry[] {
    return [...this.pending.values()];
  }

  /** The final verdict of a provisional unit (its own entry, or what replaced it). */
  settle(entry: CoverageEntry): void {
    const k = keyOf(entry);
    if (!this.pending.has(k)) throw new Error(`no provisional verdict for ${k}`);
    this.put(this.final, k, entry);
  }

  /** Rewrites entries in place (same account x region, e.g. a better reason); the counts follow. */
  rewrite(fn: (entry: CoverageEntry) => CoverageEntry): void {
    for (const m of [this.final, this.pending]) for (const [k, e] of [...m]) this.put(m, k, fn(e));
  }

  /** Every entry, final and provisional, once per account x region. */
  entries(): CoverageEntry[] {
    return [...this.final.values(), ...this.pending.values()];
  }

  get planned(): number {
    return this.plannedUnits;
  }

  /** Account x region units with a verdict (provisional ones included). */
  get done(): number {
    return this.final.size + this.pending.size;
  }

  /** How many account x region units have each status. */
  counts(): Record<CoverageStatus, number> {
    return { ...this.tally };
  }
}
