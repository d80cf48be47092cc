import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural, thousands } from '../../src/util/format.ts';
import { parseAsOf } from '../../src/util/dates.ts';
import { UserError } from '../../src/errors.ts';

test('plural: one, many, and an irregular many', () => {
  assert.equal(plural(1, 'finding'), '1 finding');
  assert.equal(plural(0, 'finding'), '0 findings');
  assert.equal(plural(2, 'finding'), '2 findings');
  assert.equal(plural(2, 'account x region', 'account x regions'), '2 account x regions');
});

test('thousands: what toLocaleString("en-US") writes for whole numbers (without loading ICU)', () => {
  for (const n of [0, 7, 999, 1000, 5120, 12345, 1234567, -1234, 2 ** 53 - 1, 1.5]) assert.equal(thousands(n), n.toLocaleString('en-US'), String(n));
  assert.equal(thousands(5120), '5,120');
});

test('parseAsOf: the one --as-of parser (default today UTC; real calendar dates only; a usage error otherwise)', () => {
  assert.equal(parseAsOf(undefined, new Date('2026-11-23T23:59:00Z')), '2026-11-23');
  assert.equal(parseAsOf('2026-02-28'), '2026-02-28');
  for (const bad of ['2026-02-30', '2026-2-3', 'tomorrow', ''])
    assert.throws(() => parseAsOf(bad), (e: unknown) => e instanceof UserError && e.kind === 'usage' && /--as-of ".*" is not a date written YYYY-MM-DD/.test(e.message) && /--as-of 2026-03-01/.test(e.hint ?? ''));
});
