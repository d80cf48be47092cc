/** Reading a saved run folder back (findings.json, inventory.json, remediation.sh) with errors a person can act on. */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DerivedFrom, FindingsDocument } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { readFindingsDocument, readInventory } from '../model/files.js';
import { UserError } from '../errors.js';
import { newRunId } from '../scan/run-id.js';
import { RUN_FILES } from '../model/run-files.js';
import { scriptView, SHOWN_SCRIPT_MAX_BYTES, type RemediationScriptView } from './meta.js';


export { readFindingsDocument, readInventory };

export interface SavedRun {
  dir: string;
  doc: FindingsDocument;
  inventory?: Inventory;
  remediationScript?: RemediationScriptView;
}

/** The findings.json of a run folder, or a clear error saying why the folder is not a run. */
export function findingsPathOf(dir: string, role = 'run folder'): string {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new UserError(`${role} ${dir} does not exist`, { hint: 'Pass the folder of a run, e.g. reports/<run-id>.' });
  if (!statSync(abs).isDirectory()) throw new UserError(`${role} ${dir} is not a folder`, { hint: 'Pass the folder that holds findings.json, not a file.' });
  const path = join(abs, RUN_FILES.findings);
  if (!existsSync(path)) {
    throw new UserError(`${role} ${dir} has no ${RUN_FILES.findings}`, { hint: 'It is not an amigov run folder, or its scan did not finish. Run `amigov scan` or `amigov evaluate` first.' });
  }
  return path;
}

/** Loads a run folder: findings.json (required), inventory.json and remediation.sh (when present). */
export function readRun(dir: string): SavedRun {
  const abs = resolve(dir);
  const doc = readFindingsDocument(findingsPathOf(dir));
  const invPath = join(abs, RUN_FILES.inventory);
  const shPath = join(abs, RUN_FILES.remediation);
  return {
    dir: abs,
    doc,
    ...(existsSync(invPath) ? { inventory: readInventory(invPath) } : {}),
    ...(existsSync(shPath) ? { remediationScript: readScriptView(shPath) } : {}),
  };
}

/**
 * A saved remediation.sh as the reports see it. One too long for the HTML report to show is not read as text:
 * its lines are counted in 1 MiB pieces.
 */
export function readScriptView(path: string): RemediationScriptView {
  const bytes = statSync(path).size;
  if (bytes <= SHOWN_SCRIPT_MAX_BYTES) return scriptView(readFileSync(path, 'utf8'));
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    let lines = 0;
    let last = 10;
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const piece = buf.subarray(0, n);
      for (let i = piece.indexOf(10); i !== -1; i = piece.indexOf(10, i + 1)) lines++;
      last = piece[n - 1]!;
    }
    return { lines: lines + (last === 10 ? 0 : 1), bytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * The folder `amigov evaluate` or `amigov report` writes into. A run folder's files are written once, by
 * the run that made them, so these commands never write into the folder they read: by default a new
 * folder reports/<new-run-id>-<command>/ (relative to the working directory, like the scan's
 * reports/<run-id>/); with --out, a new or empty folder, or one that holds none of amigov's run files.
 * Throws a usage error (exit 2) naming what the folder already holds.
 */
export function derivedOutDir(command: DerivedFrom['command'], out: string | undefined): string {
  if (out === undefined) return join('reports', `${newRunId()}-${command}`);
  const abs = resolve(out);
  if (!existsSync(abs)) return out;
  if (!statSync(abs).isDirectory()) throw new UserError(`--out ${out} is a file, not a folder`, { hint: 'Pass a new or empty folder.' });
  const held = Object.values(RUN_FILES).filter((f) => existsSync(join(abs, f)));
  if (held.length === 0) return out;
  const scan = held.includes(RUN_FILES.inventory);
  throw new UserError(
    `--out ${out} already holds ${held.join(', ')}${scan ? ': it is the folder of a scan run' : ''}. A run folder's files are written once, by the run that made them; amigov ${command} will not overwrite them`, { hint: `Pass a new or empty folder, or leave --out out: amigov ${command} then writes reports/<new-run-id>-${command}/.` },
  );
}

/** The document as written by a derived command: evaluation.derivedFrom names the folder it came from. */
export function withDerivedFrom(doc: FindingsDocument, from: DerivedFrom): FindingsDocument {
  return doc.evaluation ? { ...doc, evaluation: { ...doc.evaluation, derivedFrom: from } } : doc;
}
