/** Reading a saved run folder back (findings.json, inventory.json, remediation.sh) with errors a person can act on. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { readFindingsDocument, readInventory } from '../model/files.js';
import { UserError } from '../cli/errors.js';

export const FILES = {
  findings: 'findings.json',
  inventory: 'inventory.json',
  remediation: 'remediation.sh',
  html: 'report.html',
  xlsx: 'report.xlsx',
  csv: 'findings.csv',
  jsonl: 'findings.jsonl',
} as const;

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
  if (!existsSync(abs)) throw new UserError(`${role} ${dir} does not exist`, undefined, 'Pass the folder of a run, e.g. reports/<run-id>.');
  if (!statSync(abs).isDirectory()) throw new UserError(`${role} ${dir} is not a folder`, undefined, 'Pass the folder that holds findings.json, not a file.');
  const path = join(abs, FILES.findings);
  if (!existsSync(path)) {
    throw new UserError(`${role} ${dir} has no ${FILES.findings}`, undefined, 'It is not an amigov run folder, or its scan did not finish. Run `amigov scan` or `amigov evaluate` first.');
  }
  return path;
}

/** Loads a run folder: findings.json (required), inventory.json and remediation.sh (when present). */
export function readRun(dir: string): SavedRun {
  const abs = resolve(dir);
  const doc = readFindingsDocument(findingsPathOf(dir));
  const invPath = join(abs, FILES.inventory);
  const shPath = join(abs, FILES.remediation);
  return {
    dir: abs,
    doc,
    ...(existsSync(invPath) ? { inventory: readInventory(invPath) } : {}),
    ...(existsSync(shPath) ? { remediationScript: readFileSync(shPath, 'utf8') } : {}),
  };
}
