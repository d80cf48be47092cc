/**
 * Reading the files amigov writes (inventory.json, findings.json) back, with errors that say which file,
 * what is wrong with it and what to do. The one reader every command uses (evaluate, report, policy diff).
 */
import { z } from 'zod';
import { readingUserFile } from '../util/read-text.js';
import { readJsonFile } from '../util/json-file.js';
import { UserError } from '../errors.js';
import { jsonPath, valueAt } from '../config/load.js';
import { FINDINGS_SCHEMA_VERSION, type FindingsDocument } from './findings.js';
import { findingsDocumentSchema } from './findings-schema.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from './inventory.js';
import { inventorySchema } from './inventory-schema.js';

interface Kind {
  /** "inventory" or "findings file" */
  what: string;
  /** the same with its article, "an inventory" */
  aWhat: string;
  kind: string;
  version: number;
  /** What to do when the file is missing, broken or of another version. */
  rerun: string;
}

const INVENTORY: Kind = { what: 'inventory', aWhat: 'an inventory', kind: 'amigov.inventory', version: INVENTORY_SCHEMA_VERSION, rerun: 'Re-run amigov scan to produce a fresh inventory.json.' };
const FINDINGS: Kind = {
  what: 'findings file',
  aWhat: 'a findings file',
  kind: 'amigov.findings',
  version: FINDINGS_SCHEMA_VERSION,
  rerun: 'Re-evaluate the run with this version: amigov evaluate --inventory <run>/inventory.json',
};
const NOT_BY_HAND = "amigov's output files are not meant to be edited by hand: change the config or the scan options and run again instead.";

/** How many problems a damaged-file error lists before "... and N more". */
const MAX_LISTED = 10;

function readSaved(file: string, k: Kind): Record<string, unknown> {
  const hint = k === INVENTORY ? 'Pass the inventory.json of a scan run, e.g. --inventory reports/<run-id>/inventory.json.' : 'Pass a run folder written by amigov scan.';
  let data: unknown;
  try {
    // In pieces, never as one string (src/util/json-file.ts): these files reach hundreds of MB.
    data = readingUserFile(file, k.what, hint, () => readJsonFile(file));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new UserError(`${file} is not valid JSON (${err.message}); the file may be truncated or not ${k.aWhat}`, { hint: k.rerun });
  }
  const d = data as Record<string, unknown> | null;
  if (!d || typeof d !== 'object' || d.kind !== k.kind) {
    const kind = d && typeof d === 'object' && 'kind' in d ? JSON.stringify(d.kind) : 'none';
    const other = kind === '"amigov.findings"' ? ' This is a findings document; pass the inventory.json beside it.' : kind === '"amigov.inventory"' ? ' This is an inventory; pass the findings.json beside it.' : '';
    throw new UserError(`${file}: not an amigov ${k.what} (kind is ${kind}, expected "${k.kind}")`, { hint: `Pass a file written by amigov.${other}` });
  }
  if (d.schemaVersion !== k.version) {
    throw new UserError(
      `${file}: ${k.what} schemaVersion ${JSON.stringify(d.schemaVersion)} is not supported by this amigov (it reads version ${k.version})`, { hint: typeof d.schemaVersion === 'number' && d.schemaVersion > k.version ? 'Upgrade amigov to read this file.' : k.rerun },
    );
  }
  return d;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  null: 'null',
};

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `the ${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** One zod issue as "$.path: expected ..., got ...", with the value found in the file. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = jsonPath(issue.path);
  const got = valueAt(raw, issue.path);
  const values = (vs: readonly unknown[]) => vs.map((v) => JSON.stringify(v)).join(', ');
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return got === undefined ? `${path}: required field is missing (expected ${expected})` : `${path}: expected ${expected}, got ${describeValue(got)}`;
  }
  if (issue.code === 'invalid_value') {
    return `${path}: expected ${issue.values.length === 1 ? values(issue.values) : `one of ${values(issue.values)}`}, got ${describeValue(got)}`;
  }
  if (issue.code === 'invalid_union') {
    const discriminator = (issue as { options?: unknown[] }).options;
    if (discriminator) return `${path}: expected one of ${values(discriminator)}, got ${got === undefined ? 'nothing' : describeValue(got)}`;
    const types = issue.errors.map((e) => (e.length === 1 && e[0]!.code === 'invalid_type' && e[0]!.path.length === 0 ? e[0]!.expected : undefined));
    if (types.every((t) => t !== undefined)) return `${path}: expected a ${types.slice(0, -1).join(', ')} or ${types.at(-1)}, got ${describeValue(got)}`;
  }
  return `${path}: ${issue.message}`;
}

/**
 * Checks a saved file against its schema (types, enumerated values, required fields) and returns it as
 * read. Unknown keys are not errors: these files are amigov's own output, a newer amigov may add optional
 * fields without changing schemaVersion (which is bumped on incompatible changes only), and a field this
 * version does not know cannot change what it computes. The data returned is the file as written (not the
 * schema's copy), so no field is ever dropped on the way to a reporter.
 */
function checkShape<T>(file: string, k: Kind, schema: z.ZodObject, data: Record<string, unknown>): T {
  const issues = schemaIssues(schema, data);
  if (issues.length === 0) return data as T;
  const listed = issues.slice(0, MAX_LISTED).map((iss) => `  - ${describeIssue(iss, data)}`);
  if (issues.length > MAX_LISTED) listed.push(`  ... and ${issues.length - MAX_LISTED} more`);
  throw new UserError(
    `${file}: the ${k.what} does not match its format (${issues.length === 1 ? '1 problem' : `${issues.length} problems`}; ${k.kind} schemaVersion ${k.version}):\n${listed.join('\n')}`, { hint: `${k.rerun} ${NOT_BY_HAND}` },
  );
}

/**
 * What checking `data` against the object schema finds, the issues in the order the whole schema's safeParse
 * lists them, with the same paths; `data` is not copied. Zod returns a checked copy of what it parses, and a
 * copy of a 1,000-account inventory (about 100 MB of objects) would sit in the old generation until the next
 * full GC, raising the evaluation's peak: so each top-level field is checked on its own, and each element of a
 * top-level array one at a time, whose copies die young.
 */
export function schemaIssues(schema: z.ZodObject, data: Record<string, unknown>): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  // The schemas of amigov's files are not strict (unknown keys are no error, see checkShape), so the object
  // itself has nothing to check beyond its fields.
  const add = (found: readonly z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const issue of found) issues.push({ ...issue, path: [...prefix, ...issue.path] });
  };
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const value = data[key];
    const list = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (list instanceof z.ZodArray && Array.isArray(value) && !list.def.checks?.length) {
      const element = list.element as z.ZodType;
      value.forEach((item: unknown, i) => {
        const r = element.safeParse(item);
        if (!r.success) add(r.error.issues, [key, i]);
      });
      continue;
    }
    const r = field.safeParse(value);
    if (!r.success) add(r.error.issues, [key]);
  }
  return issues;
}

/** Reads inventory.json, checking it is one (kind), this amigov reads it (schemaVersion) and its shape. */
export function readInventory(file: string): Inventory {
  return checkShape<Inventory>(file, INVENTORY, inventorySchema, readSaved(file, INVENTORY));
}

/** Reads findings.json, checking kind, schema version and its shape. */
export function readFindingsDocument(file: string): FindingsDocument {
  return upgradeFindings(checkShape<FindingsDocument>(file, FINDINGS, findingsDocumentSchema, readSaved(file, FINDINGS)));
}

/**
 * Fills in what documents written by amigov 0.1 lack (same schemaVersion, fields added since): a comparison
 * without the not-re-checked lists and counts. The schema accepts their absence (defaults); this makes the
 * document as read match the type, so no reporter has to guess.
 */
function upgradeFindings(doc: FindingsDocument): FindingsDocument {
  const c = doc.comparison;
  if (!c) return doc;
  c.notRechecked ??= [];
  c.notRecheckedByReason ??= {};
  for (const counts of [c.counts, ...Object.values(c.byRule), ...Object.values(c.byAccount)]) counts.notRechecked ??= 0;
  return doc;
}
