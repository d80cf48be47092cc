/** Reading a saved inventory and writing the evaluation's outputs (findings.json, remediation.sh), atomically. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import { atomicTarget } from '../util/atomic-write.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';
import { renderRemediationScript, type ScriptOptions } from '../remediation/script.js';

import { RUN_FILES } from '../model/run-files.js';

export { readInventory } from '../model/files.js';

export interface WriteOutputsOptions extends ScriptOptions {
  /** Skip remediation.sh (findings.json only). */
  noScript?: boolean;
}

/** Writes findings.json and remediation.sh (executable) into dir; returns their paths and the script's text. */
export function writeFindingsOutputs(
  doc: FindingsDocument,
  dir: string,
  opts: WriteOutputsOptions = {},
): { findings: string; script?: string; scriptText?: string } {
  const findings = join(dir, RUN_FILES.findings);
  // Render first: a script that cannot be rendered must not leave a findings.json without its script.
  const script = opts.noScript ? undefined : renderRemediationScript(doc, opts);
  writeJsonStreamAtomic(findings, doc);
  if (script === undefined) return { findings };
  const target = join(dir, RUN_FILES.remediation);
  const t = atomicTarget(target);
  try {
    writeFileSync(t.tempPath, script, { mode: 0o755 });
    chmodSync(t.tempPath, 0o755);
    t.commit();
  } catch (err) {
    t.abort();
    throw err;
  }
  return { findings, script: target, scriptText: script };
}
