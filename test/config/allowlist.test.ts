import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.ts';
import { judgeProvider, resolveAllowlist } from '../../src/config/allowlist.ts';
import { validateConfig } from '../../src/config/load.ts';
import { readFileSync } from 'node:fs';

const cfg = loadConfig('config/ami_publishers.json');

test('before the seed exceptions expire, all five accounts are approved', () => {
  const a = resolveAllowlist(cfg, '2026-02-01');
  assert.deepEqual(a.approvedProviders, ['111122223333', '123456738923', '222233334444', '444455556666', '777788889999']);
  assert.equal(a.expiredExceptions.length, 0);
  assert.deepEqual(a.expiringExceptions, []);
});

test('an exception is valid through the end of its expiry day (UTC), expired the day after', () => {
  const onDay = resolveAllowlist(cfg, '2026-02-28');
  assert.ok(onDay.approvedProviders.includes('777788889999'));
  assert.equal(onDay.expiringExceptions.find((e) => e.accountId === '777788889999')?.daysLeft, 0);
  const after = resolveAllowlist(cfg, '2026-03-01');
  assert.ok(!after.approvedProviders.includes('777788889999'));
  assert.deepEqual(after.expiredExceptions.map((e) => [e.accountId, e.daysLeft]), [['777788889999', -1]]);
});

test('the warning window: expiring within expiry_warning_days (14) days, inclusive', () => {
  assert.deepEqual(resolveAllowlist(cfg, '2026-02-14').expiringExceptions.map((e) => e.accountId), ['777788889999']);
  assert.deepEqual(resolveAllowlist(cfg, '2026-02-13').expiringExceptions.map((e) => e.accountId), []);
  assert.deepEqual(resolveAllowlist(cfg, '2026-02-13', 20).expiringExceptions.map((e) => e.accountId), ['777788889999']);
});

test('today (2026-11-23) both seed exceptions have expired: 3 approved accounts', () => {
  const a = resolveAllowlist(cfg, '2026-11-23');
  assert.deepEqual(a.approvedProviders, ['111122223333', '123456738923', '444455556666']);
  assert.deepEqual(a.expiredExceptions.map((e) => e.accountId), ['777788889999', '222233334444']);
});

test('judgeProvider: by account, by alias, expired exception, unknown owner', () => {
  const raw = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8'));
  raw.provider_aliases = ['amazon'];
  const a = resolveAllowlist(validateConfig(raw), '2026-11-23');
  assert.deepEqual(a.approvedProviders.slice(-1), ['amazon']);
  assert.deepEqual(judgeProvider(a, '123456738923'), { approved: true, via: 'ops', publisher: a.publishers[0] });
  assert.equal(judgeProvider(a, '111122223333').approved, true);
  assert.deepEqual(judgeProvider(a, '137112412989', 'amazon'), { approved: true, via: 'alias' });
  const expired = judgeProvider(a, '777788889999');
  assert.equal(expired.approved, false);
  assert.equal(!expired.approved && expired.expired?.expiryDate, '2026-02-28');
  assert.deepEqual(judgeProvider(a, '999988887777'), { approved: false });
  assert.deepEqual(judgeProvider(a, undefined, 'aws-marketplace'), { approved: false });
});
