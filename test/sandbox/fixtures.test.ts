import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { demoOrg, generateOrg, parseFixture, FixtureError, DEMO_AS_OF } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/index.ts';

const RULE_IDS = [
  'unapproved-publisher',
  'launch-template-unapproved-ami',
  'launch-path-unapproved-ami',
  'expired-exception',
  'expiring-exception',
  'prod-ami-not-tagged',
  'public-ami',
  'image-block-public-access-off',
  'allowed-amis-not-enabled',
  'allowed-amis-drift',
  'image-allowed-disagreement',
  'unknown-image',
  'ami-in-workload-account',
];

describe('sandbox fixtures', () => {
  it('the demo organization is a valid fixture', () => {
    assert.doesNotThrow(() => parseFixture(JSON.parse(JSON.stringify(demoOrg)), 'demo-org'));
    assert.equal(demoOrg.asOf, DEMO_AS_OF);
  });

  it('the demo documents findings for every rule, each about a resource that exists', () => {
    const found = demoOrg.expectedFindings!;
    assert.deepEqual([...new Set(found.map((f) => f.ruleId))].sort(), [...RULE_IDS].sort());
    const resources = new Set([
      ...demoOrg.instances.map((i) => i.instanceId),
      ...demoOrg.images.map((i) => i.imageId),
      ...(demoOrg.launchTemplates ?? []).map((l) => l.launchTemplateId),
      ...(demoOrg.autoScalingGroups ?? []).map((g) => g.name),
      ...(demoOrg.fleets ?? []).map((f) => f.fleetId),
      'image-block-public-access',
      'allowed-images-settings',
    ]);
    for (const f of found) {
      assert.ok(resources.has(f.resourceId), `${f.ruleId}: ${f.resourceId} is not in the fixture`);
      assert.ok(demoOrg.accounts.some((a) => a.id === f.accountId), `${f.ruleId}: account ${f.accountId}`);
    }
    // nothing is expected from the account without a scan role or the suspended one
    const unscanned = demoOrg.accounts.filter((a) => a.roles.length === 0 || a.status === 'SUSPENDED').map((a) => a.id);
    assert.equal(unscanned.length, 2);
    assert.ok(!found.some((f) => unscanned.includes(f.accountId)));
  });

  it('the demo stays small enough to read and carries hostile strings', () => {
    assert.ok(demoOrg.instances.length <= 40);
    const text = JSON.stringify(demoOrg);
    for (const s of ['<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>', '=HYPERLINK(', "+cmd|' /C calc'!A0", '$(rm -rf ~)', '`id`', "'; DROP", '\\n']) {
      assert.ok(text.includes(s), `missing hostile string ${s}`);
    }
  });

  it('generates the same organization from the same seed, a different one from another seed', () => {
    const opts = { accounts: 20, regions: 5, populatedRegionsPerAccount: 2, instancesPerRegion: 10, ownedImagesPerRegion: 4, seed: 11 };
    const a = generateOrg(opts);
    const b = generateOrg(opts);
    assert.deepEqual(a, b);
    assert.notDeepEqual(generateOrg({ ...opts, seed: 12 }).instances, a.instances);
    assert.doesNotThrow(() => parseFixture(a, 'generated'));
    assert.equal(a.accounts.length, 22);
    assert.equal(a.instances.length, 20 * 2 * 10);
    // most account x regions are empty; golden AMIs are shared with the organization
    const populated = new Set(a.instances.map((i) => `${i.accountId}|${i.region}`));
    assert.equal(populated.size, 40);
    assert.ok(a.images.some((i) => i.sharedWithOrganizationArns?.length && i.tags?.Environment === 'Prod'));
    assert.ok(a.images.some((i) => i.public && i.ownerId === '999988887777'));
  });

  it('reports every problem of an invalid fixture with its JSON path', () => {
    const bad = structuredClone(demoOrg) as OrgFixture;
    bad.accounts[1]!.parentId = 'ou-a1b2-missing01';
    bad.instances.push({ ...bad.instances[0]! });
    bad.images[0]!.region = 'mars';
    let err: unknown;
    try {
      parseFixture(bad, 'bad.json');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof FixtureError);
    assert.match(err.message, /\$\.images\[0\]\.region: must be a region name/);
    const fixed = structuredClone(bad);
    fixed.images[0]!.region = 'us-east-1';
    assert.throws(() => parseFixture(fixed, 'bad.json'), (e: Error) => {
      assert.match(e.message, /\$\.accounts\[1\]\.parentId: unknown parent ou-a1b2-missing01/);
      assert.match(e.message, /\$\.instances\[\d+\]: duplicate id i-/);
      return true;
    });
  });
});
