/**
 * Errors a user can act on, and the process exit codes. The CLI's one error handler (cli/main.ts)
 * prints a UserError's message without a stack trace; anything else is an internal error.
 */

/** Exit codes, documented in README.md ("Exit codes"). */
export const EXIT = {
  /** Success: the scan is complete, validation passed. */
  OK: 0,
  /** Findings at or above the threshold (with --fail-on-findings), validation failed, expired exceptions. */
  FINDINGS: 1,
  /** Usage or configuration error: bad flag, bad config, unreadable file. Nothing was scanned. */
  USAGE: 2,
  /** The scan finished but some account x region could not be scanned (partial coverage). */
  PARTIAL: 3,
  /** Fatal runtime error: no credentials, organization not reachable, internal error. */
  FATAL: 4,
  /** Interrupted (SIGINT). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.USAGE,
    /** What to do about it, printed after the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}
