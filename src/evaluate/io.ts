/** Reading a saved inventory and writing the evaluation's outputs (findings.json, remediation.sh), atomically. */
import { chmodSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import { atomicTarget } from '../util/atomic-write.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';
import { writeRemediationScript, type ScriptOptions } from '../remediation/script.js';
import { SHOWN_SCRIPT_MAX_BYTES, type RemediationScriptView } from '../report/meta.js';

import { RUN_FILES } from '../model/run-files.js';

export { readInventory } from '../model/files.js';

export interface WriteOutputsOptions extends ScriptOptions {
  /** Skip remediation.sh (findings.json only). */
  noScript?: boolean;
}

/**
 * Writes findings.json and remediation.sh (executable) into dir; returns their paths and the script as the reports
 * see it (src/report/meta.ts: its size, and its text only when the HTML report shows it whole).
 */
export function writeFindingsOutputs(
  doc: FindingsDocument,
  dir: string,
  opts: WriteOutputsOptions = {},
): { findings: string; script?: string; scriptView?: RemediationScriptView } {
  const findings = join(dir, RUN_FILES.findings);
  if (opts.noScript) {
    writeJsonStreamAtomic(findings, doc);
    return { findings };
  }
  // The script first, into its temporary file: one that cannot be rendered must not leave a findings.json
  // without its script. It is written piece by piece (~90 MB at 1,000 accounts), never held whole.
  const target = join(dir, RUN_FILES.remediation);
  const t = atomicTarget(target);
  try {
    const fd = openSync(t.tempPath, 'w', 0o755);
    // The text is kept for the HTML report only while it is short enough to be shown whole.
    let shown: string[] | undefined = [];
    let shownBytes = 0;
    let size: { lines: number; bytes: number };
    try {
      size = writeRemediationScript(doc, opts, (chunk) => {
        writeSync(fd, chunk);
        if (!shown) return;
        shownBytes += Buffer.byteLength(chunk);
        if (shownBytes > SHOWN_SCRIPT_MAX_BYTES) shown = undefined;
        else shown.push(chunk);
      });
    } finally {
      closeSync(fd);
    }
    chmodSync(t.tempPath, 0o755);
    writeJsonStreamAtomic(findings, doc);
    t.commit();
    return { findings, script: target, scriptView: { ...size, ...(shown ? { text: shown.join('') } : {}) } };
  } catch (err) {
    t.abort();
    throw err;
  }
}
