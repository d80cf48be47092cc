/** Reading a saved inventory and writing the evaluation's outputs (findings.json, remediation.sh), atomically. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from '../model/inventory.js';
import { EXIT, UserError } from '../cli/errors.js';
import { atomicTarget, writeJsonAtomic } from '../util/atomic-write.js';
import { renderRemediationScript, type ScriptOptions } from '../remediation/script.js';

export const FINDINGS_FILE = 'findings.json';
export const REMEDIATION_FILE = 'remediation.sh';

/** Reads inventory.json, checking it is one (kind) and that this amigov can read it (schemaVersion). */
export function readInventory(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${file}: cannot read the inventory (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`,
      EXIT.USAGE,
      'Pass the inventory.json of a scan run, e.g. --inventory reports/<run-id>/inventory.json.',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message}); the file may be truncated or not an inventory`, EXIT.USAGE, 'Re-run amigov scan to produce a fresh inventory.json.');
  }
  const d = data as Partial<Inventory> | null;
  if (!d || typeof d !== 'object' || d.kind !== 'amigov.inventory') {
    const kind = d && typeof d === 'object' && 'kind' in d ? JSON.stringify(d.kind) : 'none';
    throw new UserError(
      `${file}: not an amigov inventory (kind is ${kind}, expected "amigov.inventory")`,
      EXIT.USAGE,
      kind === '"amigov.findings"' ? 'This is a findings document; pass the inventory.json beside it.' : 'Pass the inventory.json written by amigov scan.',
    );
  }
  if (d.schemaVersion !== INVENTORY_SCHEMA_VERSION) {
    throw new UserError(
      `${file}: inventory schemaVersion ${JSON.stringify(d.schemaVersion)} is not supported by this amigov (it reads version ${INVENTORY_SCHEMA_VERSION})`,
      EXIT.USAGE,
      typeof d.schemaVersion === 'number' && d.schemaVersion > INVENTORY_SCHEMA_VERSION
        ? 'Upgrade amigov to read this inventory.'
        : 'Re-run amigov scan with this version to produce a current inventory.',
    );
  }
  for (const field of ['run', 'accounts', 'coverage', 'instances', 'images', 'launchTemplates', 'regionSettings'] as const) {
    if (d[field] === undefined || (field !== 'run' && !Array.isArray(d[field]))) {
      throw new UserError(`${file}: inventory is missing "${field}"; the file is damaged or incomplete`, EXIT.USAGE, 'Re-run amigov scan to produce a complete inventory.json.');
    }
  }
  return d as Inventory;
}

export interface WriteOutputsOptions extends ScriptOptions {
  /** Skip remediation.sh (findings.json only). */
  noScript?: boolean;
}

/** Writes findings.json and remediation.sh (executable) into dir; returns their paths. */
export function writeFindingsOutputs(doc: FindingsDocument, dir: string, opts: WriteOutputsOptions = {}): { findings: string; script?: string } {
  const findings = join(dir, FINDINGS_FILE);
  // Render first: a script that cannot be rendered must not leave a findings.json without its script.
  const script = opts.noScript ? undefined : renderRemediationScript(doc, opts);
  writeJsonAtomic(findings, doc);
  if (script === undefined) return { findings };
  const target = join(dir, REMEDIATION_FILE);
  const t = atomicTarget(target);
  try {
    writeFileSync(t.tempPath, script, { mode: 0o755 });
    chmodSync(t.tempPath, 0o755);
    t.commit();
  } catch (err) {
    t.abort();
    throw err;
  }
  return { findings, script: target };
}
