/**
 * findings.csv: one row per finding (plus resolved ones after a comparison), the columns of the XLSX
 * Findings sheet. Written with csv-stringify as RFC 4180: comma-separated, CRLF record ends, every
 * field quoted (quotes inside doubled), UTF-8 without a byte-order mark.
 *
 * One physical line per finding, so `grep`, `awk` and `cut` pipelines see one finding per line: tags,
 * details and commands are one JSON column each, and line breaks and control characters inside a text
 * field are written as visible escapes (`\n`, `\r`, `\u001b`; see util/sanitize.ts). findings.jsonl
 * and findings.json carry the exact values.
 *
 * Formula injection (OWASP "CSV Injection"): every field goes through the guard that the XLSX uses
 * (cells.ts: a leading `'` on text starting with `=`, `+`, `-`, `@`, tab or CR). Quoting alone does not
 * protect a reader whose list separator is `;` (Excel in most European locales): it splits
 * `"x;=1+1"` into `"x` and `=1+1"`, a new cell that starts like a formula. So inside a field a `;`
 * followed (after spaces or quotes) by a formula character gets the same `'` after it.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { FindingsDocument } from '../model/findings.js';
import { atomicWriteStream } from '../util/atomic-write.js';
import { singleLine } from '../util/sanitize.js';
import { FORMULA_CHARS, neutralizeFormula } from './cells.js';
import { FINDING_COLUMNS, findingRows, type Column, type FindingRow } from './rows.js';
import type { ReportMeta } from './meta.js';

const AFTER_SEMICOLON = new RegExp(`;(?=[\\s"]*[${FORMULA_CHARS}])`, 'g');

/** One field's text: formula-guarded at its start and after every `;`, on one line. */
export function csvText(value: string | number | Date | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = value instanceof Date ? value.toISOString() : value;
  return singleLine(neutralizeFormula(text)).replace(AFTER_SEMICOLON, ";'");
}

/** Keys sorted, so the same tags always read the same. */
function sortedJson(record: Record<string, unknown> | undefined): string | undefined {
  if (!record) return undefined;
  const keys = Object.keys(record).sort();
  const out: Record<string, unknown> = Object.create(null);
  for (const k of keys) out[k] = record[k];
  return JSON.stringify(out);
}

/** The CSV's columns: the Findings sheet's, with the multi-line ones as JSON. */
const JSON_COLUMNS: Record<string, (r: FindingRow) => string | undefined> = {
  Tags: (r) => sortedJson(r.finding.tags),
  Details: (r) => sortedJson(r.finding.details),
  Commands: (r) => JSON.stringify(r.finding.commands),
};
for (const header of Object.keys(JSON_COLUMNS)) {
  if (!FINDING_COLUMNS.some((c) => c.header === header)) throw new Error(`csv: no Findings column "${header}"`);
}
export const CSV_COLUMNS: Column<FindingRow>[] = FINDING_COLUMNS.map((c) => {
  const json = JSON_COLUMNS[c.header];
  if (json) return { ...c, value: json };
  // Calendar dates (first seen, SLA due) as YYYY-MM-DD, not as a midnight timestamp.
  if (c.kind === 'day') return { ...c, value: (r) => { const v = c.value(r); return v instanceof Date ? v.toISOString().slice(0, 10) : v; } };
  return c;
});

function* records(doc: FindingsDocument): Generator<string[]> {
  yield CSV_COLUMNS.map((c) => csvText(c.header));
  for (const row of findingRows(doc)) yield CSV_COLUMNS.map((c) => csvText(c.value(row)));
}

/** Writes findings.csv atomically, streaming with back-pressure (200,000 findings never sit in one string). */
export async function writeCsv(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  const out = atomicWriteStream(target);
  try {
    await pipeline(
      Readable.from(records(doc)),
      stringify({ quoted: true, quoted_empty: true, record_delimiter: 'windows', bom: false }),
      out.stream,
    );
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
}
