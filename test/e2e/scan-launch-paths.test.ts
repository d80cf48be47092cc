/**
 * Issue #14, end to end against the sandbox: every launch path is collected read-only (Auto Scaling groups with
 * their launch template and pinned version, mixed instances overrides, legacy launch configurations, EC2
 * Fleets, Spot Fleet requests, the template versions these pin) over the services' real protocols, and the
 * launch-path rule judges the version a group actually uses, with one finding per broken path.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEV, EXTERNAL, OPS, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';
import { minimalCalls } from '../../src/bench/minimal.ts';

const R = 'us-east-1';
const LT_PINNED = 'lt-0000000000000003';

/** miniOrg plus one of every launch path, each using an approved (OPS) or a refused (EXTERNAL, DEV's own) AMI. */
export function launchPathOrg(): OrgFixture {
  const f = miniOrg();
  f.launchTemplates!.push({
    launchTemplateId: LT_PINNED,
    launchTemplateName: 'app',
    accountId: PROD,
    region: R,
    defaultVersion: 1,
    // Version 2 is neither the default nor the latest: only a group that pins it launches it.
    versions: [
      { versionNumber: 1, imageId: 'ami-0000000000000a001' },
      { versionNumber: 2, imageId: 'ami-0000000000000e001' },
      { versionNumber: 3, imageId: 'ami-0000000000000a001' },
    ],
  });
  f.autoScalingGroups = [
    { name: 'app-pinned', accountId: PROD, region: R, minSize: 2, maxSize: 6, desiredCapacity: 3, instanceIds: ['i-0000000000000002'], launchTemplate: { launchTemplateId: LT_PINNED, version: '2' } },
    { name: 'app-latest', accountId: PROD, region: R, minSize: 1, maxSize: 2, desiredCapacity: 1, launchTemplate: { launchTemplateName: 'app', version: '$Latest' } },
    {
      name: 'mixed',
      accountId: PROD,
      region: R,
      minSize: 0,
      maxSize: 4,
      desiredCapacity: 2,
      mixedInstancesPolicy: {
        launchTemplate: { launchTemplateId: LT_PINNED, version: '$Default' },
        overrides: [{ instanceType: 'm5.large' }, { instanceType: 'c5.large', launchTemplate: { launchTemplateId: 'lt-0000000000000002', version: '$Default' } }],
      },
    },
    { name: 'legacy', accountId: PROD, region: R, minSize: 1, maxSize: 1, desiredCapacity: 1, launchConfigurationName: 'legacy-lc' },
    {
      name: 'eks-ng-abc123',
      accountId: PROD,
      region: R,
      minSize: 1,
      maxSize: 3,
      desiredCapacity: 2,
      tags: { 'eks:cluster-name': 'prod-cluster', 'eks:nodegroup-name': 'workers' },
      launchTemplate: { launchTemplateId: 'lt-0000000000000002' },
    },
  ];
  f.launchConfigurations = [
    { name: 'legacy-lc', accountId: PROD, region: R, imageId: 'ami-0000000000000e001' },
    { name: 'unused-lc', accountId: PROD, region: R, imageId: 'ami-0000000000000e002' },
  ];
  f.fleets = [
    {
      fleetId: 'fleet-00000000-0000-0000-0000-000000000001',
      kind: 'ec2-fleet',
      accountId: DEV,
      region: R,
      state: 'active',
      type: 'maintain',
      targetCapacity: 4,
      launchTemplateConfigs: [{ launchTemplate: { launchTemplateId: 'lt-0000000000000001', version: '1' }, overrides: [{ instanceType: 'm5.large', imageId: 'ami-0000000000000e002' }] }],
    },
    { fleetId: 'fleet-00000000-0000-0000-0000-000000000002', kind: 'ec2-fleet', accountId: DEV, region: R, state: 'deleted', launchTemplateConfigs: [{ launchTemplate: { launchTemplateId: 'lt-0000000000000001' } }] },
    { fleetId: 'sfr-00000000-0000-0000-0000-000000000003', kind: 'spot-fleet', accountId: DEV, region: R, state: 'active', type: 'maintain', targetCapacity: 2, launchSpecifications: [{ instanceType: 't3.micro', imageId: 'ami-0000000000000d002' }] },
  ];
  return f;
}

/** The config's allowlist with OPS as the golden-image publisher (EXTERNAL and DEV stay unapproved). */
function allowlist() {
  const cfg = loadConfig('config/ami_publishers.json');
  cfg.ops_publisher_account.account_id = OPS;
  return resolveAllowlist(cfg, '2026-01-15');
}

let sb: RunningSandbox;
let inv: Inventory;
before(async () => {
  sb = await startSandbox({ fixture: launchPathOrg() });
  useSandboxCredentials(sb.credentials);
  inv = await scanOrganization(scanOptions(sb.endpoint, { regions: [R] }));
});
after(() => sb.close());

test('Auto Scaling groups are collected over the Auto Scaling Query API with template, pinned version, overrides and size', () => {
  const groups = inv.autoScalingGroups ?? [];
  assert.deepEqual(groups.map((g) => g.name), ['app-latest', 'app-pinned', 'eks-ng-abc123', 'legacy', 'mixed']);
  const pinned = groups.find((g) => g.name === 'app-pinned')!;
  assert.deepEqual(pinned.launchTemplate, { launchTemplateId: LT_PINNED, version: '2' });
  assert.deepEqual([pinned.minSize, pinned.desiredCapacity, pinned.maxSize], [2, 3, 6]);
  assert.deepEqual(pinned.instanceIds, ['i-0000000000000002']);
  const mixed = groups.find((g) => g.name === 'mixed')!;
  assert.equal(mixed.mixedInstancesPolicy?.overrides[1]?.launchTemplate?.launchTemplateId, 'lt-0000000000000002');
  assert.equal(groups.find((g) => g.name === 'legacy')!.launchConfigurationName, 'legacy-lc');
  assert.equal(groups.find((g) => g.name === 'eks-ng-abc123')!.tags['eks:nodegroup-name'], 'workers');
  assert.equal(inv.stats.apiCalls['autoscaling:DescribeAutoScalingGroups'], inv.coverage.filter((c) => c.status === 'ok').length, 'one call per account x region');
});

test('only the launch configurations a group uses are read, and their AMI is resolved', () => {
  assert.deepEqual(inv.launchConfigurations, [{ accountId: PROD, region: R, name: 'legacy-lc', image: { kind: 'ami', imageId: 'ami-0000000000000e001' } }]);
  assert.equal(inv.stats.apiCalls['autoscaling:DescribeLaunchConfigurations'], 1, 'only the account x region whose groups use one');
});

test('active EC2 Fleets and Spot Fleet requests are collected with their overrides and launch specifications; deleted ones are not', () => {
  const fleets = inv.fleets ?? [];
  assert.deepEqual(fleets.map((f) => `${f.kind}:${f.fleetId}`), ['ec2-fleet:fleet-00000000-0000-0000-0000-000000000001', 'spot-fleet:sfr-00000000-0000-0000-0000-000000000003']);
  assert.deepEqual(fleets[0]!.launchTemplateConfigs[0]!.overrides, [{ instanceType: 'm5.large', image: { kind: 'ami', imageId: 'ami-0000000000000e002' } }]);
  assert.deepEqual(fleets[1]!.launchSpecifications, [{ instanceType: 't3.micro', image: { kind: 'ami', imageId: 'ami-0000000000000d002' } }]);
});

test('a version pinned by number that is neither default nor latest is described, and its AMI resolved', () => {
  const pinned = inv.launchTemplateVersions ?? [];
  assert.ok(pinned.some((v) => v.launchTemplateId === LT_PINNED && v.versionNumber === 2 && v.image.kind === 'ami' && v.image.imageId === 'ami-0000000000000e001'), JSON.stringify(pinned));
  assert.ok(inv.images.some((i) => i.imageId === 'ami-0000000000000e001' && i.ownerId === EXTERNAL));
});

test('the generated scan-role policy and the coverage know the new collectors; a role without Auto Scaling degrades, never fails', async () => {
  sb.setFaults([{ action: 'autoscaling:DescribeAutoScalingGroups', accountId: PROD, region: R, error: { code: 'AccessDenied', message: 'not authorized', status: 403 } }]);
  let again: Inventory;
  try {
    again = await scanOrganization(scanOptions(sb.endpoint, { regions: [R], accounts: [PROD], maxAttempts: 1 }));
  } finally {
    sb.setFaults([]);
  }
  const c = again.coverage.find((e) => e.accountId === PROD && e.region === R)!;
  assert.equal(c.status, 'ok');
  assert.match(c.degraded?.['auto-scaling-groups'] ?? '', /autoscaling:DescribeAutoScalingGroups: AccessDenied/);
  assert.equal(again.autoScalingGroups?.length, 0);
});

test('launch-path-unapproved-ami judges the version each group and fleet actually launches: one finding per broken path', () => {
  const doc = evaluate(inv, allowlist(), { rules: ['launch-path-unapproved-ami'] });
  const byResource = new Map(doc.findings.map((f) => [f.resourceId, f]));
  // app-pinned pins version 2 (EXTERNAL's AMI): refused, though the template's default and latest are approved.
  assert.equal(byResource.get('app-pinned')?.status, 'fail');
  assert.equal(byResource.get('app-pinned')?.details?.['launchTemplateVersion'], 2);
  assert.equal(byResource.get('app-pinned')?.imageId, 'ami-0000000000000e001');
  assert.equal(byResource.has('app-latest'), false, '$Latest is version 3, an approved AMI');
  // The mixed group's own template is fine; its c5.large override launches lt-0000000000000002 ($Default = EXTERNAL's e002).
  assert.equal(byResource.get('mixed')?.imageId, 'ami-0000000000000e002');
  assert.match(byResource.get('mixed')!.message, /c5\.large/);
  assert.equal(byResource.get('legacy')?.imageId, 'ami-0000000000000e001');
  assert.match(byResource.get('legacy')!.message, /launch configuration "legacy-lc"/);
  // Node-group-style groups are labelled from their tags.
  assert.match(byResource.get('eks-ng-abc123')!.message, /EKS node group prod-cluster\/workers/);
  assert.equal(byResource.get('fleet-00000000-0000-0000-0000-000000000001')?.imageId, 'ami-0000000000000e002');
  // DEV's own AMI: only the SCP stops it (Allowed AMIs never restricts an account's own AMIs).
  const spot = byResource.get('sfr-00000000-0000-0000-0000-000000000003')!;
  assert.equal(spot.blockedBy, 'scp');
  assert.equal(doc.findings.length, 6, doc.findings.map((f) => f.resourceId).join(', '));
});


test('the bench\'s minimal-call model counts the launch-path calls the scan makes', () => {
  const model = minimalCalls(launchPathOrg(), { regions: [R] });
  for (const action of ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLaunchConfigurations', 'ec2:DescribeFleets', 'ec2:DescribeSpotFleetRequests']) {
    assert.equal(inv.stats.apiCalls[action], model.byAction[action], action);
  }
  // The pinned version (app v2) costs one DescribeLaunchTemplateVersions beyond the account-wide $Latest/$Default
  // call, and the resolve:ssm: template one ResolveAlias call (below).
  // The scan: one account-wide call per unit that has templates (DEV, PROD), plus that one pinned version, plus one
  // ResolveAlias call for DEV's lt-0000000000000001 (its latest version is resolve:ssm:); the fleet's pin to
  // version 1 is lt-0000000000000001's default, already described, so it costs nothing.
  assert.equal(inv.stats.apiCalls['ec2:DescribeLaunchTemplateVersions'], 2 + 1 + 1);
  assert.equal(model.byAction['ec2:DescribeLaunchTemplateVersions'], model.shape.accountRegions + 1 + 1);
});
