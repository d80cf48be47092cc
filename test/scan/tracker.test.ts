/** The coverage tracker: one entry per account x region, the first verdict stands, counts derived from entries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoverageTracker } from '../../src/scan/tracker.ts';

const A = '111111111111';

test('the first verdict of an account x region stands; a later one changes nothing', () => {
  const t = new CoverageTracker();
  t.plan(1);
  assert.equal(t.record({ accountId: A, region: 'us-east-1', status: 'access-denied', errorCode: 'AccessDenied' }), true);
  assert.equal(t.record({ accountId: A, region: 'us-east-1', status: 'error', errorCode: 'Interrupted' }), false);
  assert.equal(t.provisional({ accountId: A, region: 'us-east-1', status: 'ok' }), false);
  assert.deepEqual(t.entries(), [{ accountId: A, region: 'us-east-1', status: 'access-denied', errorCode: 'AccessDenied' }]);
  assert.deepEqual(t.counts(), { ok: 0, skipped: 0, 'access-denied': 1, error: 0 });
  assert.equal(t.done, 1);
  assert.equal(t.planned, 1);
});

test('a provisional ok counts as ok until it is settled; settled as an error it counts once, as an error', () => {
  const t = new CoverageTracker();
  t.plan(2);
  t.provisional({ accountId: A, region: 'us-east-1', status: 'ok' });
  t.provisional({ accountId: A, region: 'eu-west-1', status: 'ok' });
  assert.deepEqual(t.counts(), { ok: 2, skipped: 0, 'access-denied': 0, error: 0 });
  assert.equal(t.record({ accountId: A, region: 'us-east-1', status: 'error' }), false, 'a provisional unit is not overwritten by record');
  assert.equal(t.provisionalEntries().length, 2);
  t.settle({ accountId: A, region: 'us-east-1', status: 'error', errorCode: 'InternalError' });
  t.settle({ accountId: A, region: 'eu-west-1', status: 'ok' });
  assert.deepEqual(t.counts(), { ok: 1, skipped: 0, 'access-denied': 0, error: 1 });
  assert.equal(t.done, 2);
  assert.equal(t.provisionalEntries().length, 0);
  assert.throws(() => t.settle({ accountId: A, region: 'us-east-1', status: 'ok' }), /no provisional verdict/);
});

test('rewrite changes entries in place and the counts follow', () => {
  const t = new CoverageTracker();
  t.record({ accountId: A, region: 'us-east-1', status: 'error', errorCode: 'Interrupted' });
  t.provisional({ accountId: A, region: 'eu-west-1', status: 'ok' });
  t.rewrite((c) => (c.errorCode === 'Interrupted' ? { ...c, errorCode: 'ExpiredToken' } : c));
  assert.deepEqual(t.entries().map((c) => c.errorCode), ['ExpiredToken', undefined]);
  assert.equal(t.done, 2);
});

test('the counts always equal a count over the entries', () => {
  const t = new CoverageTracker();
  const over = () => {
    const out = { ok: 0, skipped: 0, 'access-denied': 0, error: 0 };
    for (const e of t.entries()) out[e.status]++;
    return out;
  };
  t.provisional({ accountId: A, region: 'r1', status: 'ok' });
  t.record({ accountId: A, region: 'r2', status: 'skipped' });
  t.record({ accountId: A, region: 'r2', status: 'error' });
  t.record({ accountId: A, region: 'r3', status: 'error', errorCode: 'Interrupted' });
  assert.deepEqual(t.counts(), over());
  t.settle({ accountId: A, region: 'r1', status: 'access-denied' });
  t.rewrite((c) => (c.region === 'r3' ? { ...c, status: 'access-denied' } : c));
  assert.deepEqual(t.counts(), over());
  assert.deepEqual(t.counts(), { ok: 0, skipped: 1, 'access-denied': 2, error: 0 });
});
