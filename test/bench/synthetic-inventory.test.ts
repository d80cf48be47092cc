/**
 * The bench's synthetic inventory (src/bench/synthetic-inventory.ts, `bench --synthetic`): for a small generated
 * organization it equals what a real scan of the same fixture in the sandbox returns, modulo the run id, the
 * times and the scan's call totals (stats), and it passes the inventory schema. Fixtures it cannot stand in for
 * (an incomplete scan) are refused.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateOrg, startSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { inventorySchema } from '../../src/model/inventory-schema.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { syntheticInventory } from '../../src/bench/synthetic-inventory.ts';
import { scanOptions, testAllowlist, useSandboxCredentials } from '../scan/helpers.ts';

/** What differs between two scans of one organization: the run id, the times, the call totals and retries. */
function normalized(inv: Inventory): unknown {
  const copy = JSON.parse(JSON.stringify(inv)) as { run: Record<string, unknown> & { parameters: Record<string, unknown> }; stats: Record<string, unknown>; coverage: Record<string, unknown>[] };
  for (const k of ['runId', 'startedAt', 'finishedAt']) delete copy.run[k];
  delete copy.run.parameters.workers;
  copy.stats = { accountsTotal: copy.stats.accountsTotal, accountRegionsTotal: copy.stats.accountRegionsTotal };
  for (const c of copy.coverage) delete c.durationMs;
  return copy;
}

/** A generated organization with more of everything the generator varies: unapproved and public AMIs, settings overrides, SSM templates. */
function fixture(): OrgFixture {
  const fx = generateOrg({ accounts: 6, regions: 3, populatedRegionsPerAccount: 2, instancesPerRegion: 12, ownedImagesPerRegion: 3, unapprovedRate: 0.1, publicImageRate: 0.3, seed: 11 });
  // One SSM parameter naming an image not from an approved publisher: a DescribeImageReferences answer.
  const stranger = fx.instances.find((i) => fx.images.find((img) => img.imageId === i.imageId)?.ownerId === '999988887777');
  assert.ok(stranger, 'the fixture has an instance on a community AMI');
  fx.imageReferences = [{ resourceType: 'ssm:Parameter', accountId: stranger.accountId, region: stranger.region, name: '/app/community-ami', imageId: stranger.imageId }];
  return fx;
}

describe('synthetic inventory', () => {
  test('equals a real scan of the same generated organization (modulo run id, times and call totals), and passes the schema', async () => {
    const fx = fixture();
    const sb = await startSandbox({ fixture: fx });
    try {
      useSandboxCredentials(sb.credentials);
      const real = await scanOrganization(scanOptions(sb.endpoint, { workers: 1 }));
      const synthetic = syntheticInventory({ fixture: fx, allowlist: testAllowlist(), asOf: '2026-01-15', configPath: 'config/ami_publishers.json', endpoint: sb.endpoint });
      // The fixture exercises what the builder maps: owned, shared and referenced images, launching accounts'
      // own tags, resolved SSM templates, a DescribeImageReferences answer, settings overrides, skipped regions.
      assert.ok(real.images.some((i) => i.seenVia === 'reference') && real.images.some((i) => i.accountTags), 'referenced images and launching accounts\' tags');
      assert.ok(real.launchTemplates.some((lt) => lt.latestVersion?.image.kind === 'ssm'), 'a resolve:ssm: template');
      assert.equal(real.imageReferences?.length, 1);
      assert.ok(real.regionSettings.some((s) => s.allowedImages.state === 'disabled' || s.imageBlockPublicAccess.state === 'unblocked'), 'settings overrides');
      assert.ok(real.coverage.some((c) => c.status === 'skipped'), 'skipped regions');
      assert.deepEqual(normalized(synthetic), normalized(real));
      assert.equal(inventorySchema.safeParse(JSON.parse(JSON.stringify(synthetic))).success, true);
      // The call totals come from the minimal-call model: within 2% of what the scan made.
      assert.ok(Math.abs(synthetic.stats.apiCallsTotal / real.stats.apiCallsTotal - 1) < 0.02, `${synthetic.stats.apiCallsTotal} vs ${real.stats.apiCallsTotal}`);
    } finally {
      await sb.close();
    }
  });

  test('refuses an organization a complete scan does not cover', () => {
    const fx = generateOrg({ accounts: 3, regions: 1, instancesPerRegion: 2, ownedImagesPerRegion: 1, seed: 3 });
    fx.accounts[2]!.status = 'SUSPENDED';
    assert.throws(() => syntheticInventory({ fixture: fx, allowlist: testAllowlist(), asOf: '2026-01-15', configPath: 'config/ami_publishers.json' }), /SUSPENDED/);
    const noRole = generateOrg({ accounts: 3, regions: 1, instancesPerRegion: 2, ownedImagesPerRegion: 1, seed: 3 });
    noRole.accounts[3]!.roles = [];
    assert.throws(() => syntheticInventory({ fixture: noRole, allowlist: testAllowlist(), asOf: '2026-01-15', configPath: 'config/ami_publishers.json' }), /no OrganizationAccountAccessRole/);
  });
});
