/**
 * When a finding was first seen, as a moment, for the exports that carry one (ASFF CreatedAt / FirstObservedAt,
 * OCSF finding_info.first_seen_time). The history (src/history) records the date of the first run that had it
 * (that run's --as-of day, YYYY-MM-DD): a finding first seen in this run is first seen at this run's end; one
 * first seen on an earlier day at 00:00 UTC of that day (the history keeps the day, not the hour). Never later
 * than this run's end (a future --as-of). Without history: this run's end.
 */
import type { Finding, FindingsDocument } from '../model/findings.js';

export function firstSeenMs(doc: FindingsDocument, f: Finding): number {
  const runEnd = Date.parse(doc.run.finishedAt);
  const day = f.history?.firstSeen;
  if (!day || day >= doc.run.asOf) return runEnd;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) ? runEnd : Math.min(ms, runEnd);
}
