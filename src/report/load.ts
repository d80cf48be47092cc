/** Reading a saved run folder back (findings.json, inventory.json, remediation.sh) with errors a person can act on. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DerivedFrom, FindingsDocument } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { readFindingsDocument, readInventory } from '../model/files.js';
import { UserError } from '../errors.js';
import { newRunId } from '../scan/run-id.js';
import { RUN_FILES } from '../model/run-files.js';


export { readFindingsDocument, readInventory };

export interface SavedRun {
  dir: string;
  doc: FindingsDocument;
  inventory?: Inventory;
  remediationScript?: string;
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
    ...(existsSync(shPath) ? { remediationScript: readFileSync(shPath, 'utf8') } : {}),
  };
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
