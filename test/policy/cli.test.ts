/** The policy and config commands end to end, in-process: what they print, write and exit with. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, seedRaw, tempDir, writeJson, manyAccountsRaw } from './helpers.ts';
import { declarativePolicySchema, scpSchema } from '../../src/policy/syntax.ts';

test('seed config today (2026-11-23): both exceptions dropped with their dates, 3 accounts', async () => {
  const dir = tempDir();
  const r = await runCli('policy', 'generate', '--mode', 'audit_mode', '--as-of', '2026-11-23', '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /✗ Dropped expired exception: 777788889999 \(expired 2026-02-28, 268 days ago\) - Migration/);
  assert.match(r.stdout, /✗ Dropped expired exception: 222233334444 \(expired 2026-03-15, 253 days ago\) - ML POC/);
  assert.match(r.stdout, /Total approved accounts: 3\nAccounts: 111122223333, 123456738923, 444455556666/);
  assert.match(r.stdout, /✓ Allowlist consistency verified: 3 providers match/);
  assert.deepEqual(readdirSync(dir).sort(), ['allowed-images-criteria.cli.json', 'declarative-policy-ec2.json', 'iam-prod-ami-tag-policy.json', 'scp-ami-guardrail.json']);
  const dp = declarativePolicySchema.parse(JSON.parse(readFileSync(join(dir, 'declarative-policy-ec2.json'), 'utf8')));
  assert.deepEqual((dp.ec2_attributes.allowed_images_settings!.image_criteria as any).criteria_1.allowed_image_providers['@@assign'], ['111122223333', '123456738923', '444455556666']);
});

test('seed config before the expiry (2026-02-01), enabled mode: 5 accounts, both exceptions active', async () => {
  const dir = tempDir();
  const r = await runCli('policy', 'generate', '--mode', 'enabled', '--as-of', '2026-02-01', '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /✓ Active exception: 777788889999 \(expires 2026-02-28, 27 days left\) - Migration/);
  assert.match(r.stdout, /✓ Active exception: 222233334444 \(expires 2026-03-15, 42 days left\) - ML POC/);
  assert.match(r.stdout, /Total approved accounts: 5\nAccounts: 111122223333, 123456738923, 222233334444, 444455556666, 777788889999/);
  assert.match(r.stdout, /Enforcement mode: enabled/);
  const scp = scpSchema.parse(JSON.parse(readFileSync(join(dir, 'scp-ami-guardrail.json'), 'utf8')));
  assert.equal((scp.Statement[0]!.Condition!['StringNotEquals']!['ec2:Owner'] as string[]).length, 5);
});

test('on the expiry day itself the exception is still in (valid through the end of the day, UTC)', async () => {
  const r = await runCli('policy', 'generate', '--as-of', '2026-02-28', '--out', tempDir());
  assert.match(r.stdout, /✓ Active exception: 777788889999 \(expires 2026-02-28, last day today\)/);
  assert.match(r.stdout, /Total approved accounts: 5/);
  const next = await runCli('policy', 'generate', '--as-of', '2026-03-01', '--out', tempDir());
  assert.match(next.stdout, /✗ Dropped expired exception: 777788889999 \(expired 2026-02-28, 1 day ago\)/);
  assert.match(next.stdout, /Total approved accounts: 4/);
});

test('generate refuses a too-large allowlist with exit 2, names the overage, and writes nothing', async () => {
  const cfg = writeJson(join(tempDir(), 'big.json'), manyAccountsRaw(300));
  const dir = tempDir();
  const r = await runCli('policy', 'generate', '--config', cfg, '--as-of', '2026-11-23', '--out', dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /amigov: error: cannot generate the policies: scp-ami-guardrail\.json would be [\d,]+ characters, [\d,]+ over the 5,120-character limit/);
  assert.match(r.stderr, /Nothing was written/);
  assert.deepEqual(readdirSync(dir), []);
});

test('generate: bad --mode and bad --as-of are usage errors (exit 2)', async () => {
  const m = await runCli('policy', 'generate', '--mode', 'audit-mode', '--out', tempDir());
  assert.equal(m.code, 2);
  assert.match(m.stderr, /audit_mode, enabled/);
  const d = await runCli('policy', 'generate', '--as-of', '23/11/2026', '--out', tempDir());
  assert.equal(d.code, 2);
  assert.match(d.stderr, /not a date written YYYY-MM-DD/);
});

test('generate leaves no temp files and replaces earlier output', async () => {
  const dir = tempDir();
  await runCli('policy', 'generate', '--as-of', '2026-02-01', '--out', dir);
  await runCli('policy', 'generate', '--as-of', '2026-11-23', '--out', dir);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
  assert.doesNotMatch(readFileSync(join(dir, 'scp-ami-guardrail.json'), 'utf8'), /777788889999/);
});

// ----- config check -----

test('config check: ok, warning within the window, expired (exit 0 / 0 / 1)', async () => {
  const ok = await runCli('config', 'check', '--as-of', '2026-02-01');
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /✓ OK/);
  const warn = await runCli('config', 'check', '--as-of', '2026-02-20', '--warn-days', '14');
  assert.equal(warn.code, 0);
  assert.match(warn.stdout, /! EXPIRING  777788889999 .*expires 2026-02-28, in 8 days/);
  const lastDay = await runCli('config', 'check', '--as-of', '2026-02-28');
  assert.equal(lastDay.code, 0);
  assert.match(lastDay.stdout, /777788889999 .*last valid day is today/);
  const expired = await runCli('config', 'check', '--as-of', '2026-11-23');
  assert.equal(expired.code, 1);
  assert.match(expired.stdout, /✗ EXPIRED   777788889999 .*expired 2026-02-28, 268 days ago/);
  assert.match(expired.stdout, /FAILED: remove the expired exceptions/);
});

test('config check --json: machine-readable statuses', async () => {
  const r = await runCli('config', 'check', '--as-of', '2026-03-10', '--warn-days', '7', '--json');
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout);
  assert.equal(j.kind, 'amigov.config-check');
  assert.equal(j.status, 'expired');
  assert.equal(j.warnDays, 7);
  assert.deepEqual(
    j.exceptions.map((e: any) => [e.accountId, e.status, e.daysLeft]),
    [
      ['777788889999', 'expired', -10],
      ['222233334444', 'expiring', 5],
    ],
  );
  const w = JSON.parse((await runCli('config', 'check', '--as-of', '2026-03-10', '--warn-days', '3', '--json')).stdout);
  assert.equal(w.exceptions[1].status, 'active');
});

test('config check: invalid config is exit 2 (loader error, or JSON problems with --json); bad --warn-days is exit 2', async () => {
  const raw = seedRaw();
  raw.exception_accounts[0].expiry_date = '2026-02-30';
  const cfg = writeJson(join(tempDir(), 'bad.json'), raw);
  const r = await runCli('config', 'check', '--config', cfg);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\$\.exception_accounts\[0\]\.expiry_date: "2026-02-30" is not a date/);
  const j = await runCli('config', 'check', '--config', cfg, '--json');
  assert.equal(j.code, 2);
  const parsed = JSON.parse(j.stdout);
  assert.equal(parsed.status, 'invalid');
  assert.equal(parsed.problems[0].path, '$.exception_accounts[0].expiry_date');
  const missing = await runCli('config', 'check', '--config', join(tempDir(), 'nope.json'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  const wd = await runCli('config', 'check', '--warn-days', 'two');
  assert.equal(wd.code, 2);
});
