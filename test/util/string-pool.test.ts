/**
 * StringPool keeps one copy of each repeated string value. JavaScript cannot tell two equal strings apart, so
 * these tests check what can be seen: every string value at every depth goes through the pool (a pool that
 * upper-cases shows where it was applied), keys never do, values stay equal, and the pool holds each distinct
 * short string once. readJsonFile's tests (json-file.test.ts) check the values read through it are JSON.parse's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringPool } from '../../src/util/string-pool.ts';
import { readInPieces } from '../../src/util/json-file.ts';

/** A pool that shows where it was applied: every string it is given comes back upper-cased. */
class UpperCasingPool extends StringPool {
  override string(s: string): string {
    return s.toUpperCase();
  }
}

test('every string value at every depth goes through the pool; keys, numbers, booleans and null do not', () => {
  const doc = JSON.parse('{"a":"x","b":[["y",{"c":"z"}],1,true,null],"__proto__":{"d":"w"},"e":{"f":["v"]}}') as Record<string, unknown>;
  const got = new UpperCasingPool().values(doc);
  assert.equal(got, doc, 'in place');
  assert.equal(JSON.stringify(got), '{"a":"X","b":[["Y",{"c":"Z"}],1,true,null],"__proto__":{"d":"W"},"e":{"f":["V"]}}');
  assert.equal(Object.getPrototypeOf(got), Object.prototype, '"__proto__" stays an own property');
  assert.equal(new UpperCasingPool().values('s'), 'S', 'a string value itself');
  assert.equal(new UpperCasingPool().values(7), 7);
});

test('the pool holds each distinct short string once and leaves values equal', () => {
  const pool = new StringPool();
  const ids = Array.from({ length: 1000 }, (_, i) => ({ account: `1111${i % 10}`, region: ['us-east-1', 'eu-west-1'][i % 2], n: i }));
  const before = JSON.stringify(ids);
  pool.values(ids);
  assert.equal(JSON.stringify(ids), before);
  assert.equal(pool.size, 12, '10 accounts and 2 regions');
  const long = 'd'.repeat(257);
  assert.equal(pool.string(long), long);
  assert.equal(pool.size, 12, 'a string longer than 256 characters is not kept');
  assert.equal(pool.string('d'.repeat(256)), 'd'.repeat(256));
  assert.equal(pool.size, 13);
});

test('readInPieces passes each member value and each array element through its pool, never the keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-string-pool-'));
  try {
    const file = join(dir, 'doc.json');
    writeFileSync(file, JSON.stringify({ kind: 'k', list: ['a', { b: 'c' }], obj: { d: ['e'] } }, null, 2));
    for (const chunk of [1, 5, 1 << 20]) {
      assert.equal(JSON.stringify(readInPieces(file, chunk, new UpperCasingPool())), '{"kind":"K","list":["A",{"b":"C"}],"obj":{"d":["E"]}}');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
