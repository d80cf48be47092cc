/** Writes docs/schemas/*.schema.json from the zod schemas (npm run schemas). test/model/json-schema.test.ts checks them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR, savedFileSchemas, schemaText } from '../src/model/json-schema.ts';

mkdirSync(SCHEMA_DIR, { recursive: true });
for (const s of savedFileSchemas()) {
  writeFileSync(join(SCHEMA_DIR, s.file), schemaText(s));
  console.log(`wrote ${join(SCHEMA_DIR, s.file)}`);
}
