/**
 * Untrusted text (AMI names, tags, account names, config strings, endpoints' error messages) on its way
 * to a terminal, a shell comment or a line-oriented file. Characters that make a terminal act instead of
 * print, or that change how a line reads, are written as visible escapes (`\n`, `\r`, `\t`, `\u001b`):
 *
 * - C0 controls U+0000-U+001F (ESC starts ANSI/OSC sequences that retitle the window, move the
 *   cursor or, in some terminals, write files; CR and BS overwrite what was printed; LF starts a new
 *   line, which in a shell comment becomes a command), DEL, and the C1 controls U+0080-U+009F
 *   (U+009B is a one-byte CSI in terminals that honour 8-bit controls; U+0085 is a line break to
 *   some readers);
 * - U+2028 / U+2029 (line and paragraph separator: a line break to editors and JavaScript);
 * - the bidirectional controls U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069 ("Trojan
 *   Source", CVE-2021-42574): they reorder what is displayed, so the text shown is not the text there.
 *
 * Everything else, including non-Latin scripts and emoji, stays as it is. A backslash is not escaped, so
 * the result is for reading, not for parsing back; the files (findings.json, findings.jsonl) keep the
 * exact values.
 */

// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same, but a line feed is kept: for multi-line text amigov itself composed around untrusted parts.
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE_KEEP_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Line breaks and controls only (tab and bidi kept): for one-record-per-line files such as findings.csv.
// eslint-disable-next-line no-control-regex
const LINE_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
// What JSON.stringify leaves raw inside strings but a terminal or a line splitter acts on.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\n`, `\r`, `\t`, else `\uXXXX`: how one unsafe character is shown. */
export function visibleEscape(ch: string): string {
  return SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One untrusted value inside a line printed to a terminal or written into a `#` comment: never more than one line, never a control. */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, visibleEscape);
}

/** Text amigov composed (it may span lines) that carries untrusted parts: line feeds kept, every other unsafe character escaped. */
export function terminalSafeLines(text: string): string {
  return text.replace(TERMINAL_UNSAFE_KEEP_LF, visibleEscape);
}

/** A value for a file with one record per physical line: line breaks and control characters escaped, tab and everything else kept. */
export function singleLine(text: string): string {
  return text.replace(LINE_UNSAFE, visibleEscape);
}

/**
 * JSON text made safe to print and to split on lines: JSON.stringify already escapes U+0000-U+001F; this
 * also writes DEL, C1, U+2028/U+2029 and bidi controls as `\uXXXX`. Those occur only inside strings, where
 * `\uXXXX` is a valid escape, so the result is still JSON with exactly the same value.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, visibleEscape);
}
