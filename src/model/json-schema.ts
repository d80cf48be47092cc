/**
 * JSON Schema (draft 2020-12) of the saved files inventory.json and findings.json, generated from the zod
 * schemas the readers use (inventory-schema.ts, findings-schema.ts) with zod 4's z.toJSONSchema, so the shipped
 * files in docs/schemas/ can never say something the code does not check. A test fails when docs/schemas/ is
 * stale; `npm run schemas` writes it again.
 *
 * io "input": the schema of what amigov accepts when it reads a file (fields with a default may be missing, as in
 * files of older versions; unknown fields are allowed, see readSaved in files.ts).
 */
import { z } from 'zod';
import { inventorySchema } from './inventory-schema.js';
import { findingsDocumentSchema } from './findings-schema.js';
import { INVENTORY_SCHEMA_VERSION } from './inventory.js';
import { FINDINGS_SCHEMA_VERSION } from './findings.js';

export const SCHEMA_DIR = 'docs/schemas';

export interface SavedFileSchema {
  /** File name under docs/schemas/. */
  file: string;
  schema: Record<string, unknown>;
}

function generate(schema: z.ZodType, file: string, title: string, description: string): SavedFileSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { file, schema: { $schema, title, description, ...rest } };
}

export function savedFileSchemas(): SavedFileSchema[] {
  return [
    generate(inventorySchema, 'inventory.schema.json', `amigov inventory.json (schemaVersion ${INVENTORY_SCHEMA_VERSION})`, 'What amigov scan gathered (docs/inventory-schema.md). Generated from src/model/inventory-schema.ts: do not edit, run npm run schemas.'),
    generate(findingsDocumentSchema, 'findings.schema.json', `amigov findings.json (schemaVersion ${FINDINGS_SCHEMA_VERSION})`, 'What the rules found (docs/findings-schema.md). Generated from src/model/findings-schema.ts: do not edit, run npm run schemas.'),
  ];
}

/** The text a schema file holds (stable: two-space JSON and a final newline). */
export function schemaText(s: SavedFileSchema): string {
  return JSON.stringify(s.schema, null, 2) + '\n';
}
