/**
 * findings.jsonl (JSON Lines): one finding per line, for pipelines (`jq -c`, `grep`, a log shipper, a
 * database loader). Each line is one JSON object: the finding exactly as in findings.json, with its
 * `accountName` filled in from the document and, after a comparison, its `change`; the resolved and
 * not-rescanned findings of a comparison follow as lines with `change: "resolved"` / `"not-rescanned"`
 * (the same rows as findings.csv), then the waived findings with `change: "waived"`. LF line ends,
 * UTF-8 without a byte-order mark, no header line.
 *
 * JSON.stringify never writes a raw line break, but leaves U+2028, U+2029 and U+0085 raw, which some
 * line splitters (Python's str.splitlines, editors) treat as line ends; they are written as `\uXXXX`
 * (util/sanitize.ts jsonSafe), so a line is always exactly one finding.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Finding, FindingsDocument } from '../model/findings.js';
import { atomicWriteStream } from '../util/atomic-write.js';
import { jsonSafe } from '../util/sanitize.js';
import { findingRows, type ChangeLabel } from './rows.js';
import type { ReportMeta } from './meta.js';

/** One line of findings.jsonl. */
export type FindingLine = Omit<Finding, 'change'> & { accountName: string; change?: Exclude<ChangeLabel, ''> };

/** The lines, each ending with LF (a generator, so large documents stream). */
export function* jsonlLines(doc: FindingsDocument): Generator<string> {
  for (const row of findingRows(doc)) {
    const line: FindingLine = { ...row.finding, accountName: row.accountName, ...(row.change ? { change: row.change } : {}) };
    yield jsonSafe(JSON.stringify(line)) + '\n';
  }
}

/** Writes findings.jsonl atomically, streaming with back-pressure. */
export async function writeJsonl(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  const out = atomicWriteStream(target);
  try {
    await pipeline(Readable.from(jsonlLines(doc)), out.stream);
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
}
