/**
 * The one place that decides which exit code wins when several conditions hold at the end of a run.
 * README.md ("Exit codes") and every `--help` print EXIT_PRECEDENCE; test/cli/exit-codes.test.ts holds the table.
 */
import { EXIT, type ExitCode } from '../errors.js';

export interface ExitConditions {
  /** Ctrl-C: what was gathered is written. */
  interrupted?: boolean;
  /** Bad flag, config or output folder (raised before any AWS call). */
  usage?: boolean;
  /** No usable credentials, organization unreachable, credentials expired mid-scan, internal error. */
  fatal?: boolean;
  /** A coverage gap that was not accepted: failed account x regions, nothing scanned, an account without a scanned region. */
  partial?: boolean;
  /** Findings at or above --fail-on. */
  findings?: boolean;
}

/** Strongest first: the first condition that holds sets the exit code. */
export const EXIT_PRECEDENCE: readonly { code: ExitCode; condition: keyof ExitConditions; meaning: string }[] = [
  { code: EXIT.INTERRUPTED, condition: 'interrupted', meaning: 'interrupted (Ctrl-C); what was gathered is still written' },
  { code: EXIT.USAGE, condition: 'usage', meaning: 'usage or configuration error (bad flag, config or output folder); nothing was called or written' },
  { code: EXIT.FATAL, condition: 'fatal', meaning: 'fatal: no usable or expired credentials, organization unreachable, internal error' },
  { code: EXIT.PARTIAL, condition: 'partial', meaning: 'partial scan: some account x region not scanned, or nothing scanned at all (see --allow-partial, --min-coverage, --allow-empty)' },
  { code: EXIT.FINDINGS, condition: 'findings', meaning: 'findings at or above --fail-on' },
];

export function exitCodeFor(c: ExitConditions): ExitCode {
  for (const e of EXIT_PRECEDENCE) if (c[e.condition]) return e.code;
  return EXIT.OK;
}

/** "130 > 2 > 4 > 3 > 1": for help texts. */
export function precedenceLine(): string {
  return `When several apply, the first wins: ${EXIT_PRECEDENCE.map((e) => `${e.code} ${e.condition}`).join(' > ')}.`;
}
