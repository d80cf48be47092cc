/**
 * findings.csv: one row per finding (plus resolved ones after a comparison), the same columns as the
 * XLSX Findings sheet. RFC 4180: comma-separated, CRLF line ends, a field is quoted when it holds a
 * comma, quote, CR or LF, and quotes inside are doubled. UTF-8 without a byte-order mark, so it pipes
 * cleanly into other tools. Formula-looking text gets a leading `'` (see cells.ts).
 */
import { once } from 'node:events';
import type { FindingsDocument } from '../model/findings.js';
import { atomicWriteStream } from '../util/atomic-write.js';
import { neutralizeFormula } from './cells.js';
import { FINDING_COLUMNS, findingRows, type Column, type FindingRow } from './rows.js';
import type { ReportMeta } from './meta.js';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, RFC 4180 quoted and formula-guarded. */
export function csvField(value: string | number | Date | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = neutralizeFormula(value instanceof Date ? value.toISOString() : value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine<R>(columns: Column<R>[], row: R): string {
  return columns.map((c) => csvField(c.value(row))).join(',') + '\r\n';
}

/** The whole CSV as lines, header first (a generator, so 200,000 findings never sit in one string). */
export function* csvLines(doc: FindingsDocument): Generator<string> {
  yield FINDING_COLUMNS.map((c) => csvField(c.header)).join(',') + '\r\n';
  for (const row of findingRows(doc)) yield csvLine<FindingRow>(FINDING_COLUMNS, row);
}

/** Writes findings.csv atomically, streaming with back-pressure. */
export async function writeCsv(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  const out = atomicWriteStream(target);
  try {
    let batch = '';
    for (const line of csvLines(doc)) {
      batch += line;
      if (batch.length > 256 * 1024) {
        if (!out.stream.write(batch)) await once(out.stream, 'drain');
        batch = '';
      }
    }
    out.stream.end(batch);
    await once(out.stream, 'finish');
    out.commit();
  } catch (err) {
    out.stream.destroy();
    out.abort();
    throw err;
  }
}
