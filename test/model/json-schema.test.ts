/**
 * docs/schemas/*.schema.json are the JSON Schemas of inventory.json and findings.json generated from the zod
 * schemas: this test fails when they are stale (run `npm run schemas`), and checks that they accept what the
 * readers accept and refuse what they refuse. The demo's own files are validated in test/e2e/exports.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMA_DIR, savedFileSchemas, schemaText } from '../../src/model/json-schema.ts';
import { inventory } from '../helpers/inventory-builder.ts';

test('docs/schemas holds the schemas generated from the zod schemas (npm run schemas writes them)', () => {
  for (const s of savedFileSchemas()) {
    const path = join(SCHEMA_DIR, s.file);
    assert.ok(existsSync(path), `${path} is missing: run npm run schemas`);
    assert.equal(readFileSync(path, 'utf8'), schemaText(s), `${path} is stale: run npm run schemas and commit the result`);
  }
});

test('the generated schemas are valid draft 2020-12 and judge an inventory as the reader does', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const [inv] = savedFileSchemas();
  const validate = ajv.compile(inv!.schema);
  const good = inventory().account('111122223333', { name: 'prod' }).build();
  assert.ok(validate(JSON.parse(JSON.stringify(good))), JSON.stringify(validate.errors));
  const bad = { ...JSON.parse(JSON.stringify(good)), schemaVersion: 2 };
  assert.equal(validate(bad), false, 'another schemaVersion is refused');
  const badAccount = JSON.parse(JSON.stringify(good));
  badAccount.accounts[0].tags = { owner: 42 };
  assert.equal(validate(badAccount), false, 'a tag value that is not a string is refused');
});
