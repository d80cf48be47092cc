/** What every reporter gets besides the findings document (ESLint-style `(doc, meta) => output`). */
import type { Inventory } from '../model/inventory.js';
import { countLineBreaks } from '../util/chunked-lines.js';

export interface ReportMeta {
  /** The run's inventory, when inventory.json is at hand: feeds the Instances/Images sheets. */
  inventory?: Inventory;
  /** The run's remediation.sh: the HTML report shows it whole when it is short enough, else its size. */
  remediationScript?: RemediationScriptView;
  /** When the report was rendered (ISO 8601); the run's own times are in doc.run. */
  generatedAt: string;
  toolVersion: string;
}

/**
 * The largest remediation.sh the HTML report shows whole (with its copy button). A longer one is named with its
 * size and left in its file: at 1,000 accounts it is ~90 MB, which a page cannot usefully show and which, escaped
 * into the page, raised the run's peak memory by another ~200 MB (1,040 against 829 MB before the HTML step).
 * Never a part of it: a copied fragment of a script that changes AWS is not safe to run.
 */
export const SHOWN_SCRIPT_MAX_BYTES = 2 * 1024 * 1024;

/** remediation.sh as the reports see it: its size always, its text only up to SHOWN_SCRIPT_MAX_BYTES. */
export interface RemediationScriptView {
  lines: number;
  bytes: number;
  text?: string;
}

/** The view of a script held as text: lines are its line breaks (a final line without one counts too). */
export function scriptView(text: string): RemediationScriptView {
  const lines = countLineBreaks(text) + (text.length > 0 && !text.endsWith('\n') ? 1 : 0);
  const bytes = Buffer.byteLength(text);
  return { lines, bytes, ...(bytes <= SHOWN_SCRIPT_MAX_BYTES ? { text } : {}) };
}
