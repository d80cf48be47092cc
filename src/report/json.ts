/** findings.json: the findings document itself (with the comparison, when one was made). */
import type { FindingsDocument } from '../model/findings.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';
import type { ReportMeta } from './meta.js';

export async function writeJson(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  writeJsonStreamAtomic(target, doc);
}
