/** Run ids: sortable by start time, unique enough for concurrent runs, and safe in paths and STS session names. */
import { randomBytes } from 'node:crypto';

/** e.g. 2026-11-23T10-15-00Z-3f9c: UTC start second (colons become dashes) plus 4 random hex digits. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export const RUN_ID_RE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;
