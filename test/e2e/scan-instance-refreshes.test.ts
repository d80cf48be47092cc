/**
 * Issue #14, end to end against the sandbox: what a group is launching now (a scale-out pending, an instance refresh in
 * progress, from DescribeAutoScalingGroups' lifecycle states and DescribeInstanceRefreshes over the Auto Scaling Query
 * API), asked only where an image not from an approved publisher is in use, on one thread and on worker threads; and
 * an SSM parameter naming a refused AMI nothing else uses (DescribeImageReferences), shown in the blast radius.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { FixtureInstanceRefresh, OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { loadConfig } from '../../src/config/load.ts';
import { minimalCalls } from '../../src/bench/minimal.ts';
import { DEV, OPS, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const R = 'us-east-1';
const LT = 'lt-00000000000000f1';
const GOLDEN = 'ami-0000000000000a001';
const OUTSIDE = 'ami-0000000000000e001';
const DEV_NEXT = 'ami-0000000000000d0f1';

/** The config's allowlist with OPS as the golden-image publisher (EXTERNAL and DEV stay unapproved). */
function allowlist() {
  const cfg = loadConfig('config/ami_publishers.json');
  cfg.ops_publisher_account.account_id = OPS;
  return resolveAllowlist(cfg, '2026-01-15');
}

function refreshOrg(): OrgFixture {
  const f = miniOrg();
  // PROD's rollout template: version 1 golden (default), version 2 the outsider's AMI (latest).
  f.launchTemplates!.push({ launchTemplateId: LT, launchTemplateName: 'rollout', accountId: PROD, region: R, defaultVersion: 1, versions: [{ versionNumber: 1, imageId: GOLDEN }, { versionNumber: 2, imageId: OUTSIDE }] });
  const history: FixtureInstanceRefresh[] = Array.from({ length: 101 }, (_, i) => ({ instanceRefreshId: `old-${String(i).padStart(3, '0')}`, status: 'Successful', percentageComplete: 100 }));
  f.autoScalingGroups = [
    // On golden version 1 (one instance InService), with an InProgress refresh rolling out version 2.
    {
      name: 'rolling', accountId: PROD, region: R, minSize: 1, maxSize: 4, desiredCapacity: 1, instanceIds: ['i-0000000000000001'], launchTemplate: { launchTemplateId: LT, version: '1' },
      instanceRefreshes: [
        { instanceRefreshId: 'r-rollout', status: 'InProgress', percentageComplete: 25, desiredConfiguration: { launchTemplate: { launchTemplateId: LT, version: '$Latest' } } },
        { instanceRefreshId: 'r-before', status: 'Successful', percentageComplete: 100 },
      ],
    },
    // On $Latest (the outsider's AMI), desired 3 and no instance: a scale-out of 3 is pending; 102 refreshes (two pages).
    { name: 'scaling', accountId: PROD, region: R, minSize: 0, maxSize: 6, desiredCapacity: 3, launchTemplate: { launchTemplateId: LT, version: '$Latest' }, instanceRefreshes: [...history, { instanceRefreshId: 'r-now', status: 'Pending' }] },
    // OPS uses only its own (approved) images: its groups are never asked about.
    { name: 'ops-tools', accountId: OPS, region: R, minSize: 0, maxSize: 1, desiredCapacity: 0, launchTemplate: { launchTemplateName: 'none' }, instanceRefreshes: [{ instanceRefreshId: 'r-ops', status: 'InProgress' }] },
  ];
  // DEV's next AMI: only the SSM parameter /dev/next names it.
  f.images.push({ imageId: DEV_NEXT, ownerId: DEV, region: R, name: 'dev-next', creationDate: '2026-01-10T00:00:00.000Z' });
  f.ssmParameters = [...(f.ssmParameters ?? []), { accountId: DEV, region: R, name: '/dev/next', value: DEV_NEXT }];
  return f;
}

let sb: RunningSandbox;
let inv: Inventory;
before(async () => {
  sb = await startSandbox({ fixture: refreshOrg() });
  useSandboxCredentials(sb.credentials);
  inv = await scanOrganization(scanOptions(sb.endpoint, { regions: [R], allowlist: allowlist() }));
});
after(() => sb.close());

const group = (i: Inventory, name: string) => (i.autoScalingGroups ?? []).find((g) => g.name === name)!;

test('lifecycle states and the unfinished refreshes are recorded on each group; finished ones are not, every page is read', () => {
  assert.deepEqual(group(inv, 'rolling').lifecycleStates, { InService: 1 });
  assert.deepEqual(group(inv, 'rolling').instanceRefreshes, [
    { instanceRefreshId: 'r-rollout', status: 'InProgress', percentageComplete: 25, desiredConfiguration: { launchTemplate: { launchTemplateId: LT, version: '$Latest' } } },
  ]);
  assert.deepEqual(group(inv, 'scaling').lifecycleStates, {});
  assert.deepEqual(group(inv, 'scaling').instanceRefreshes, [{ instanceRefreshId: 'r-now', status: 'Pending' }], 'the one on the second page');
});

test('DescribeInstanceRefreshes is asked only where an image not from an approved publisher is used: one group per call, and its pages', () => {
  assert.equal(group(inv, 'ops-tools').instanceRefreshes, undefined, 'OPS uses only approved images: not asked');
  // rolling: 1 page; scaling: 102 refreshes, pages of 100: 2.
  assert.equal(inv.stats.apiCalls['autoscaling:DescribeInstanceRefreshes'], 3);
  assert.equal(sb.stats().byAction['autoscaling:DescribeInstanceRefreshes'], 3);
  assert.equal(minimalCalls(refreshOrg(), { regions: [R], approvedProviders: allowlist().approvedProviders }).byAction['autoscaling:DescribeInstanceRefreshes'], 3, 'the bench model counts the same');
});

test('the findings say what is launching now fails: a refresh rolling out a refused version, a pending scale-out', () => {
  const doc = evaluate(inv, allowlist(), { rules: ['launch-path-unapproved-ami'] });
  const rolling = doc.findings.find((f) => f.resourceId === 'rolling')!;
  assert.equal(rolling.messageId, 'refreshRefused');
  assert.equal(rolling.status, 'fail');
  assert.equal(rolling.imageId, OUTSIDE);
  assert.equal(rolling.details?.instanceRefreshId, 'r-rollout');
  assert.match(rolling.message, /instance refresh r-rollout \(InProgress\) replaces its instances from its desired configuration: launch template lt-00000000000000f1 \("rollout"\) version 2 \(\$Latest\) launches/);
  const scaling = doc.findings.find((f) => f.resourceId === 'scaling')!;
  assert.equal(scaling.messageId, 'groupRefused');
  assert.equal(scaling.details?.pendingScaleOut, 3);
  assert.match(scaling.message, /Launching now: a scale-out of 3 instances \(desired 3, 0 InService or Pending\); instance refresh r-now \(Pending\): these launches fail as soon as enforcement starts/);
});

test('an SSM parameter naming a refused AMI that nothing launches is a root cause of its own in the blast radius', () => {
  assert.ok(inv.imageReferences?.some((r) => r.imageId === DEV_NEXT && r.resourceType === 'ssm:Parameter' && r.arn.endsWith(':parameter/dev/next')), JSON.stringify(inv.imageReferences));
  const doc = evaluate(inv, allowlist());
  const e = doc.impact.blastRadius!.images.find((i) => i.imageId === DEV_NEXT)!;
  assert.deepEqual(e.paths, []);
  assert.equal(e.blockedBy, 'scp', "DEV's own AMI: only the SCP stops it");
  assert.deepEqual(e.references?.map((r) => r.note), [
    'SSM parameter /dev/next resolves to an AMI the SCP refuses: a launch that resolves it (resolve:ssm:/dev/next) is refused once enforcement starts (no launch path amigov reads uses this image)',
  ]);
});

test('on worker threads the refreshes are asked by the worker holding the account\'s credentials, with the same answer', async () => {
  const again = await scanOrganization(scanOptions(sb.endpoint, { regions: [R], allowlist: allowlist(), workers: 2 }));
  for (const name of ['rolling', 'scaling', 'ops-tools']) assert.deepEqual(group(again, name).instanceRefreshes, group(inv, name).instanceRefreshes, name);
  assert.equal(again.stats.apiCalls['autoscaling:DescribeInstanceRefreshes'], 3);
});

test('a role without autoscaling:DescribeInstanceRefreshes degrades the unit (instance-refreshes), never fails it', async () => {
  sb.setFaults([{ action: 'autoscaling:DescribeInstanceRefreshes', accountId: PROD, region: R, error: { code: 'AccessDenied', message: 'not authorized', status: 403 } }]);
  let again: Inventory;
  try {
    again = await scanOrganization(scanOptions(sb.endpoint, { regions: [R], accounts: [PROD], allowlist: allowlist(), maxAttempts: 1 }));
  } finally {
    sb.setFaults([]);
  }
  const c = again.coverage.find((e) => e.accountId === PROD && e.region === R)!;
  assert.equal(c.status, 'ok');
  assert.match(c.degraded?.['instance-refreshes'] ?? '', /AccessDenied/);
  assert.equal(group(again, 'rolling').instanceRefreshes, undefined, 'not known: absent, never []');
  assert.deepEqual(group(again, 'rolling').lifecycleStates, { InService: 1 });
});
