/**
 * Errors a user can act on. Every module raises them; the CLI's one error handler (cli/main.ts) prints
 * a UserError's message and hint without a stack trace and exits with the code of its kind
 * (src/pipeline/exit-codes.ts decides precedence when several conditions hold). Anything else is an internal error.
 */

/** Exit codes, documented in README.md ("Exit codes"). */
export const EXIT = {
  /** Success: the scan is complete, validation passed. */
  OK: 0,
  /** Findings at or above --fail-on, policy validation failed, expired exceptions (config check). */
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

/** What kind of failure a UserError reports; the CLI turns it into an exit code. */
export type ErrorKind = 'usage' | 'findings' | 'partial' | 'fatal' | 'interrupted';

/** The exit code of each error kind. */
export const EXIT_OF_KIND: Readonly<Record<ErrorKind, ExitCode>> = {
  usage: EXIT.USAGE,
  findings: EXIT.FINDINGS,
  partial: EXIT.PARTIAL,
  fatal: EXIT.FATAL,
  interrupted: EXIT.INTERRUPTED,
};


export interface UserErrorOptions {
  /** Default 'usage': a bad flag, config or file, raised before any AWS call. */
  kind?: ErrorKind;
  /** What to do about it, printed after the message. */
  hint?: string;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly kind: ErrorKind;
  /** What to do about it, printed after the message. */
  readonly hint?: string;
  constructor(message: string, options: UserErrorOptions = {}) {
    super(message);
    const o = options;
    this.kind = o.kind ?? 'usage';
    if (o.hint !== undefined) this.hint = o.hint;
  }
  /** The process exit code of this error's kind. */
  get exitCode(): ExitCode {
    return EXIT_OF_KIND[this.kind];
  }
}
