/**
 * Phase timings of a run, for the benchmark (issue #18 item 6): with AMIGOV_TIMINGS=1 in the environment,
 * `amigov scan` writes one line to stderr when it finishes:
 *   AMIGOV_TIMINGS {"scanStart":…,"scanEnd":…,…}
 * each figure the milliseconds since the process started (performance.now(), whose origin is the process's
 * start). Without the variable nothing is recorded or written: normal output never changes.
 */
import { performance } from 'node:perf_hooks';

export const TIMINGS_ENV = 'AMIGOV_TIMINGS';
export const TIMINGS_PREFIX = 'AMIGOV_TIMINGS ';

export type TimingMark =
  | 'scanStart' // the scan's first AWS call is about to be made (flags, config, plan checked)
  | 'scanEnd' // the scanner returned the inventory
  | 'inventoryWritten'
  | 'evaluateEnd' // judged, compared, compliance applied
  | 'findingsWritten' // findings.json and remediation.sh
  | 'reportsWritten'; // every report format rendered and written

const marks: Partial<Record<TimingMark, number>> = {};

export function timingsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[TIMINGS_ENV] === '1';
}

export function mark(name: TimingMark): void {
  if (timingsEnabled()) marks[name] = performance.now();
}

/** Writes the timings line (once, when enabled). */
export function emitTimings(stderr: { write(s: string): unknown }): void {
  if (!timingsEnabled()) return;
  stderr.write(`${TIMINGS_PREFIX}${JSON.stringify({ ...marks, end: performance.now() })}\n`);
}

/** The marks of a timings line written by emitTimings, or undefined when the text has none. */
export function parseTimings(text: string): (Partial<Record<TimingMark, number>> & { end: number }) | undefined {
  const line = text.split('\n').find((l) => l.startsWith(TIMINGS_PREFIX));
  return line ? (JSON.parse(line.slice(TIMINGS_PREFIX.length)) as Partial<Record<TimingMark, number>> & { end: number }) : undefined;
}
