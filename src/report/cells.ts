/**
 * Turning finding fields into spreadsheet/CSV cell text, shared by the CSV and XLSX reporters.
 *
 * Formula-injection guard (OWASP "CSV Injection"): AMI names, descriptions and tag values come from
 * strangers. A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula
 * to Excel/LibreOffice/Sheets when the file is opened (CSV) or the cell is edited and re-entered (XLSX).
 * amigov prefixes such text with a single quote (`'`), the OWASP recommendation, in both CSV and
 * XLSX, so the same value reads the same in both files and can never become a formula. In the XLSX
 * the cell is additionally written as an inline string (t="inlineStr"), never as a formula element.
 * The CSV also applies the guard after every `;` inside a field (see csv.ts).
 */

/**
 * The characters a formula can start with. Besides OWASP's six, their full-width forms (U+FF1D, U+FF0B,
 * U+FF0D, U+FF20), which Apple Numbers normalizes to ASCII (csv-stringify's escape_formulas guards them too).
 */
export const FORMULA_CHARS = '=+\\-@\\t\\r\\uFF1D\\uFF0B\\uFF0D\\uFF20';
const FORMULA_START = new RegExp(`^[${FORMULA_CHARS}]`);

/** Prefixes a formula-looking string with `'` so no spreadsheet evaluates it. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** True when neutralizeFormula would change the text. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/** `key=value` lines, keys sorted, for tags and details. */
export function keyValueLines(record: Record<string, string | number | boolean | null> | undefined): string {
  if (!record) return '';
  return Object.keys(record)
    .sort()
    .map((k) => `${k}=${record[k] === null ? '' : String(record[k])}`)
    .join('\n');
}

/** All of a finding's commands as one block: `# title` then the command, blank line between. */
export function commandsBlock(commands: { title: string; command: string; needsReview?: boolean }[]): string {
  return commands.map((c) => `# ${c.title}${c.needsReview ? ' (needs review)' : ''}\n${c.command}`).join('\n\n');
}

/** Parses an ISO 8601 timestamp or YYYY-MM-DD into a Date; undefined when absent or not a date. */
export function toDate(value: string | undefined | null): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
