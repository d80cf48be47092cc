/**
 * Reading the files amigov writes (inventory.json, findings.json) back, with errors that say which file,
 * what is wrong with it and what to do. The one reader every command uses (evaluate, report, policy diff).
 */
import { readFileSync } from 'node:fs';
import { EXIT, UserError } from '../cli/errors.js';
import { FINDINGS_SCHEMA_VERSION, type FindingsDocument } from './findings.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from './inventory.js';

interface Kind {
  /** "inventory" or "findings file" */
  what: string;
  kind: string;
  version: number;
  /** What to do when the file is missing, broken or of another version. */
  rerun: string;
}

const INVENTORY: Kind = { what: 'inventory', kind: 'amigov.inventory', version: INVENTORY_SCHEMA_VERSION, rerun: 'Re-run amigov scan to produce a fresh inventory.json.' };
const FINDINGS: Kind = {
  what: 'findings file',
  kind: 'amigov.findings',
  version: FINDINGS_SCHEMA_VERSION,
  rerun: 'Re-evaluate the run with this version: amigov evaluate --inventory <run>/inventory.json',
};

function readSaved(file: string, k: Kind): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${file}: cannot read the ${k.what} (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`,
      EXIT.USAGE,
      k === INVENTORY ? 'Pass the inventory.json of a scan run, e.g. --inventory reports/<run-id>/inventory.json.' : 'Pass a run folder written by amigov scan.',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not valid JSON (${(err as Error).message}); the file may be truncated or not an ${k.what}`, EXIT.USAGE, k.rerun);
  }
  const d = data as Record<string, unknown> | null;
  if (!d || typeof d !== 'object' || d.kind !== k.kind) {
    const kind = d && typeof d === 'object' && 'kind' in d ? JSON.stringify(d.kind) : 'none';
    const other = kind === '"amigov.findings"' ? ' This is a findings document; pass the inventory.json beside it.' : kind === '"amigov.inventory"' ? ' This is an inventory; pass the findings.json beside it.' : '';
    throw new UserError(`${file}: not an amigov ${k.what} (kind is ${kind}, expected "${k.kind}")`, EXIT.USAGE, `Pass a file written by amigov.${other}`);
  }
  if (d.schemaVersion !== k.version) {
    throw new UserError(
      `${file}: ${k.what} schemaVersion ${JSON.stringify(d.schemaVersion)} is not supported by this amigov (it reads version ${k.version})`,
      EXIT.USAGE,
      typeof d.schemaVersion === 'number' && d.schemaVersion > k.version ? 'Upgrade amigov to read this file.' : k.rerun,
    );
  }
  return d;
}

function requireFields(file: string, k: Kind, d: Record<string, unknown>, lists: readonly string[], objects: readonly string[]): void {
  for (const key of lists) {
    if (!Array.isArray(d[key])) throw new UserError(`${file}: the ${k.what} is damaged: "${key}" is not a list`, EXIT.USAGE, k.rerun);
  }
  for (const key of objects) {
    if (!d[key] || typeof d[key] !== 'object') throw new UserError(`${file}: the ${k.what} is damaged: "${key}" is missing`, EXIT.USAGE, k.rerun);
  }
}

/** Reads inventory.json, checking it is one (kind), this amigov reads it (schemaVersion) and it is whole. */
export function readInventory(file: string): Inventory {
  const d = readSaved(file, INVENTORY);
  requireFields(file, INVENTORY, d, ['accounts', 'coverage', 'instances', 'images', 'launchTemplates', 'regionSettings'], ['run']);
  return d as unknown as Inventory;
}

/** Reads findings.json, checking kind, schema version and the parts every reporter walks. */
export function readFindingsDocument(file: string): FindingsDocument {
  const d = readSaved(file, FINDINGS);
  requireFields(file, FINDINGS, d, ['findings', 'accounts', 'rules'], ['run', 'counts', 'coverage', 'allowlist', 'impact']);
  if (!Array.isArray((d.coverage as { entries?: unknown }).entries)) {
    throw new UserError(`${file}: the findings file is damaged: "coverage.entries" is not a list`, EXIT.USAGE, FINDINGS.rerun);
  }
  return d as unknown as FindingsDocument;
}
