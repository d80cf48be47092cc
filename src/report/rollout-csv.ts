/**
 * rollout.csv: the per-OU rollout plan (findings.json impact.blastRadius.rollout, issue #14), one line per OU and
 * the root, safe ones first as in the document: the columns of the XLSX Rollout sheet (blast.ts ROLLOUT_COLUMNS).
 * Written like findings.csv (csv.ts): RFC 4180, every field quoted, CRLF, UTF-8 without a BOM, and every text
 * through the same formula guard (csvText), since OU names come from the organization and are anyone's text.
 * A findings document without a blast radius (written before it existed) gives the header line alone.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { FindingsDocument } from '../model/findings.js';
import { atomicWriteStream } from '../util/atomic-write.js';
import { ROLLOUT_COLUMNS } from './blast.js';
import { csvText } from './csv.js';
import type { ReportMeta } from './meta.js';

function* records(doc: FindingsDocument): Generator<string[]> {
  yield ROLLOUT_COLUMNS.map((c) => csvText(c.header));
  for (const node of doc.impact.blastRadius?.rollout ?? []) {
    yield ROLLOUT_COLUMNS.map((c) => csvText(c.value(node)));
  }
}

/** Writes rollout.csv atomically. */
export async function writeRolloutCsv(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  const out = atomicWriteStream(target);
  try {
    await pipeline(Readable.from(records(doc)), stringify({ quoted: true, quoted_empty: true, record_delimiter: 'windows', bom: false }), out.stream);
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
}
