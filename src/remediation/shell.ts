/**
 * Turning argv into shell text. Untrusted strings go through shell-quote's quote(); tokens made only of
 * characters no shell treats specially are left bare so commands stay readable. Constant shell text that
 * amigov itself writes (a JMESPath query, a shorthand literal) is passed as `raw` and covered by the tests
 * that parse every command back into argv.
 */
import { quote } from 'shell-quote';

/** Characters that are literal in every position of a POSIX shell word (after the first word). */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export interface RawShell {
  raw: string;
}

export type ShellArg = string | RawShell;

export const raw = (text: string): RawShell => ({ raw: text });

export function shellWord(s: string): string {
  return s !== '' && BARE.test(s) ? s : quote([s]);
}

export function renderArgv(argv: readonly ShellArg[]): string {
  return argv.map((a) => (typeof a === 'string' ? shellWord(a) : a.raw)).join(' ');
}

/** A single line safe inside a `#` comment or an echo: control characters and line breaks become spaces. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}
