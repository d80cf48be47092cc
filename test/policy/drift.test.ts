/** policy diff: live Allowed AMIs / image block public access per account x region against the policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { diffPolicyWithInventory, type DriftInventory } from '../../src/policy/drift.ts';
import { generatePolicies } from '../../src/policy/generate.ts';
import { buildDeclarativePolicy } from '../../src/policy/declarative.ts';
import { declarativePolicySchema } from '../../src/policy/syntax.ts';
import type { RegionSettings, CoverageEntry } from '../../src/model/inventory.ts';
import { runCli, seedConfig, tempDir, writeJson } from './helpers.ts';
import { inventory as inventoryBuilder } from '../helpers/inventory-builder.ts';

const SEED_3 = ['111122223333', '123456738923', '444455556666'];

const policy = (mode: 'audit_mode' | 'enabled' = 'enabled') =>
  declarativePolicySchema.parse(generatePolicies(seedConfig(), { asOf: '2026-11-23', mode }).files.find((f) => f.key === 'declarative')!.value);

function settings(accountId: string, region: string, over: Partial<{ state: RegionSettings['allowedImages']['state']; providers: string[] | undefined; bpa: RegionSettings['imageBlockPublicAccess']['state']; managedBy: string }> = {}): RegionSettings {
  const providers = 'providers' in over ? over.providers : SEED_3;
  return {
    accountId,
    region,
    imageBlockPublicAccess: { state: over.bpa ?? 'block-new-sharing', managedBy: 'declarative-policy' },
    allowedImages: {
      state: over.state ?? 'enabled',
      criteria: providers === undefined ? undefined : [{ imageProviders: providers }],
      managedBy: over.managedBy ?? 'declarative-policy',
    },
  };
}
const ok = (accountId: string, region: string): CoverageEntry => ({ accountId, region, status: 'ok' });

function inventory(regionSettings: RegionSettings[], coverage: CoverageEntry[]): DriftInventory {
  return { regionSettings, coverage, run: { runId: 'test-run' } } as DriftInventory;
}

test('an organization that runs exactly the policy matches everywhere', () => {
  const inv = inventory([settings('210000000001', 'us-east-1'), settings('210000000001', 'eu-west-1')], [ok('210000000001', 'us-east-1'), ok('210000000001', 'eu-west-1')]);
  const r = diffPolicyWithInventory(policy(), inv, '2026-11-23');
  assert.deepEqual([r.accountRegions, r.matching, r.differing, r.unknown], [2, 2, 0, 0]);
  assert.deepEqual(r.entries, []);
  assert.deepEqual(r.expected, { allowedImagesState: 'enabled', imageBlockPublicAccess: 'block-new-sharing', providers: SEED_3 });
});

test('criteria split differently but holding the same providers match', () => {
  const s = settings('210000000001', 'us-east-1');
  s.allowedImages.criteria = [{ imageProviders: ['444455556666'] }, { imageProviders: ['123456738923', '111122223333'] }];
  const r = diffPolicyWithInventory(policy(), inventory([s], [ok('210000000001', 'us-east-1')]), '2026-11-23');
  assert.equal(r.matching, 1);
});

const differences: [string, RegionSettings, string, string, string][] = [
  ['Allowed AMIs disabled', settings('210000000001', 'us-east-1', { state: 'disabled' }), 'allowed-images-state', 'enabled', 'disabled'],
  ['audit mode where enabled is expected', settings('210000000001', 'us-east-1', { state: 'audit-mode' }), 'allowed-images-state', 'enabled', 'audit-mode'],
  ['public sharing unblocked', settings('210000000001', 'us-east-1', { bpa: 'unblocked' }), 'image-block-public-access', 'block-new-sharing', 'unblocked'],
  ['managed by the account, not the policy', settings('210000000001', 'us-east-1', { managedBy: 'account' }), 'managed-by', 'declarative-policy', 'account'],
];
for (const [name, s, setting, expected, actual] of differences) {
  test(`differs: ${name}`, () => {
    const r = diffPolicyWithInventory(policy(), inventory([s], [ok(s.accountId, s.region)]), '2026-11-23');
    assert.equal(r.differing, 1);
    assert.deepEqual(r.entries.map((e) => [e.setting, e.status, e.expected, e.actual]), [[setting, 'differs', expected, actual]]);
  });
}

test('differs: live criteria still carry an expired exception and miss a vendor', () => {
  const s = settings('210000000001', 'us-east-1', { providers: ['111122223333', '123456738923', '777788889999'] });
  const r = diffPolicyWithInventory(policy(), inventory([s], [ok(s.accountId, s.region)]), '2026-11-23');
  const e = r.entries[0]!;
  assert.equal(e.setting, 'allowed-images-criteria');
  assert.deepEqual(e.missing, ['444455556666']);
  assert.deepEqual(e.extra, ['777788889999']);
});

test('differs: same providers but live criteria also filter by creation date', () => {
  const s = settings('210000000001', 'us-east-1');
  s.allowedImages.criteria = [{ imageProviders: SEED_3, creationDateCondition: { maximumDaysSinceCreated: 300 } }];
  const r = diffPolicyWithInventory(policy(), inventory([s], [ok(s.accountId, s.region)]), '2026-11-23');
  assert.deepEqual(r.entries.map((e) => [e.setting, e.expected, e.actual]), [['allowed-images-criteria', 'no other conditions', 'conditions created within 300 days']]);
});

test('matches: the live criteria carry the same conditions as the generated policy (names, age)', () => {
  const s = settings('210000000001', 'us-east-1');
  const criteria = [{ imageProviders: SEED_3, imageNames: ['golden-*'], creationDateCondition: { maximumDaysSinceCreated: 300 } }];
  s.allowedImages.criteria = criteria;
  const p = buildDeclarativePolicy({ mode: 'enabled', providers: SEED_3, criteria, imageBlockPublicAccess: 'block_new_sharing', exceptionMessage: 'x' });
  const r = diffPolicyWithInventory(p, inventory([s], [ok(s.accountId, s.region)]), '2026-11-23');
  assert.deepEqual(r.entries, []);
  // One condition apart (a day more) is a difference, named on both sides.
  s.allowedImages.criteria = [{ ...criteria[0]!, creationDateCondition: { maximumDaysSinceCreated: 301 } }];
  const d = diffPolicyWithInventory(p, inventory([s], [ok(s.accountId, s.region)]), '2026-11-23');
  assert.deepEqual(d.entries.map((e) => [e.expected, e.actual]), [['conditions image names golden-* and created within 300 days', 'conditions image names golden-* and created within 301 days']]);
});

test('unknown, never matching: failed coverage, missing settings, unreadable settings', () => {
  const inv = inventory(
    [
      settings('210000000001', 'us-east-1', { state: 'unknown' }),
      settings('210000000002', 'us-east-1', { providers: undefined }),
      settings('210000000004', 'us-east-1'),
    ],
    [
      ok('210000000001', 'us-east-1'),
      ok('210000000002', 'us-east-1'),
      { accountId: '210000000003', region: 'us-east-1', status: 'access-denied', reason: 'AssumeRole denied' },
      { accountId: '210000000004', region: 'us-east-1', status: 'error', reason: 'timeout' },
      ok('210000000005', 'us-east-1'),
    ],
  );
  const r = diffPolicyWithInventory(policy(), inv, '2026-11-23');
  assert.deepEqual([r.accountRegions, r.matching, r.differing, r.unknown], [5, 0, 0, 5]);
  const by = (a: string) => r.entries.filter((e) => e.accountId === a).map((e) => `${e.setting}:${e.status}`);
  assert.deepEqual(by('210000000001'), ['allowed-images-state:unknown']);
  assert.deepEqual(by('210000000002'), ['allowed-images-criteria:unknown']);
  assert.deepEqual(by('210000000003'), ['scan:unknown']);
  assert.deepEqual(by('210000000004'), ['scan:unknown']); // settings present but the region failed: not trusted
  assert.deepEqual(by('210000000005'), ['scan:unknown']);
});

test('policy diff CLI: exit 0 when all match, 1 on differences, 2 on a file that is not an inventory', async () => {
  const dir = tempDir();
  const base = inventoryBuilder({ asOf: '2026-11-23' }).build(); // a whole inventory, as amigov scan writes it
  const good = writeJson(join(dir, 'good.json'), { ...base, regionSettings: [settings('210000000001', 'us-east-1', { state: 'audit-mode' })], coverage: [ok('210000000001', 'us-east-1')] });
  const r0 = await runCli('policy', 'diff', '--inventory', good, '--as-of', '2026-11-23', '--mode', 'audit_mode');
  assert.equal(r0.code, 0, r0.stdout + r0.stderr);
  assert.match(r0.stdout, /1 match, 0 differ, 0 unknown/);

  const bad = writeJson(join(dir, 'bad.json'), {
    ...base,
    regionSettings: [settings('210000000001', 'us-east-1', { state: 'disabled', bpa: 'unblocked' })],
    coverage: [ok('210000000001', 'us-east-1'), { accountId: '210000000002', region: 'eu-west-1', status: 'access-denied' }],
  });
  const r1 = await runCli('policy', 'diff', '--inventory', bad, '--as-of', '2026-11-23');
  assert.equal(r1.code, 1);
  assert.match(r1.stdout, /210000000001 us-east-1\n  ✗ allowed-images-state: expected audit-mode, found disabled/);
  assert.match(r1.stdout, /✗ image-block-public-access: expected block-new-sharing, found unblocked/);
  assert.match(r1.stdout, /210000000002 eu-west-1\n  \? scan: expected settings read by the scan, found not scanned \(access-denied\)/);
  const j = JSON.parse((await runCli('policy', 'diff', '--inventory', bad, '--as-of', '2026-11-23', '--json')).stdout);
  assert.equal(j.kind, 'amigov.policy-diff');
  assert.deepEqual([j.differing, j.unknown], [1, 1]);

  const notInv = writeJson(join(dir, 'x.json'), { hello: 1 });
  const r2 = await runCli('policy', 'diff', '--inventory', notInv);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /not an amigov inventory/);
  const missing = await runCli('policy', 'diff');
  assert.equal(missing.code, 2);
});
