/** Reading a saved run folder back (findings.json, inventory.json, remediation.sh) with errors a person can act on. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FINDINGS_SCHEMA_VERSION, type FindingsDocument } from '../model/findings.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from '../model/inventory.js';
import { UserError } from '../cli/errors.js';

export const FILES = {
  findings: 'findings.json',
  inventory: 'inventory.json',
  remediation: 'remediation.sh',
  html: 'report.html',
  xlsx: 'report.xlsx',
  csv: 'findings.csv',
} as const;

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} is not valid JSON (${(err as Error).message})`, undefined, `The file may be truncated: run the scan again, or pass another run folder.`);
  }
}

/** Reads and checks a findings.json (kind, schema version, the arrays every reporter walks). */
export function readFindingsDocument(path: string): FindingsDocument {
  const doc = readJson(path, 'findings file') as Partial<FindingsDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.kind !== 'amigov.findings') {
    throw new UserError(`${path} is not an amigov findings file (its "kind" is not "amigov.findings")`);
  }
  if (doc.schemaVersion !== FINDINGS_SCHEMA_VERSION) {
    throw new UserError(
      `${path} has findings schema version ${String(doc.schemaVersion)}; this amigov reads version ${FINDINGS_SCHEMA_VERSION}`,
      undefined,
      'Re-evaluate the run with this version: amigov evaluate --inventory <run>/inventory.json',
    );
  }
  for (const key of ['findings', 'accounts', 'rules'] as const) {
    if (!Array.isArray(doc[key])) throw new UserError(`${path} is damaged: "${key}" is not a list`);
  }
  if (!doc.run || !doc.counts || !doc.coverage || !Array.isArray(doc.coverage.entries) || !doc.allowlist || !doc.impact) {
    throw new UserError(`${path} is damaged: one of "run", "counts", "coverage", "allowlist", "impact" is missing`);
  }
  return doc as FindingsDocument;
}

export function readInventory(path: string): Inventory {
  const inv = readJson(path, 'inventory file') as Partial<Inventory> | null;
  if (!inv || typeof inv !== 'object' || inv.kind !== 'amigov.inventory') {
    throw new UserError(`${path} is not an amigov inventory file (its "kind" is not "amigov.inventory")`);
  }
  if (inv.schemaVersion !== INVENTORY_SCHEMA_VERSION) {
    throw new UserError(`${path} has inventory schema version ${String(inv.schemaVersion)}; this amigov reads version ${INVENTORY_SCHEMA_VERSION}`);
  }
  for (const key of ['accounts', 'instances', 'images', 'coverage'] as const) {
    if (!Array.isArray(inv[key])) throw new UserError(`${path} is damaged: "${key}" is not a list`);
  }
  return inv as Inventory;
}

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
