/**
 * The blast radius in findings.json (issue #14): per launch path and layer, grouped under the image, per OU for a
 * rollout one OU at a time, and the timeline of exception expiries, all from the rules' own judgement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_MIGRATION, AMI_OPS, AMI_OUTSIDER, AMI_SELF, EXC_MIGRATION, OPS, OUTSIDER, WORKLOAD, WORKLOAD_2, inventory, judgeDoc } from '../helpers/inventory-builder.ts';

const SANDBOX = '410987654321';
const LT = 'lt-0000000000000000a';
const ROOT = 'r-ab12';

function org() {
  return (
    inventory()
      .account(OPS, { ouPath: ['Root', 'Security'], ouIds: [ROOT, 'ou-ab12-00000000'] })
      .account(WORKLOAD, { ouPath: ['Root', 'Prod'], ouIds: [ROOT, 'ou-ab12-11111111'] })
      .account(WORKLOAD_2, { ouPath: ['Root', 'Dev'], ouIds: [ROOT, 'ou-ab12-22222222'] })
      .account(SANDBOX, { ouPath: ['Root', 'Sandbox'], ouIds: [ROOT, 'ou-ab12-33333333'] })
      .image({ id: AMI_OPS, owner: OPS })
      .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
      .image({ id: AMI_SELF, owner: WORKLOAD_2 })
      .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
      // Prod: one instance and one group (pinned to version 2) on the outsider's AMI: one root cause, two paths.
      .instance({ account: WORKLOAD, image: AMI_OUTSIDER })
      .launchTemplate({ id: LT, name: 'web', account: WORKLOAD, default: [1, AMI_OPS], latest: [1, AMI_OPS] })
      .pinnedVersion(WORKLOAD, LT, 2, AMI_OUTSIDER)
      .autoScalingGroup({ name: 'web', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '2' } })
      // Dev: its own AMI (SCP only), and a fleet on the migration exception (expires 2026-02-28).
      .instance({ account: WORKLOAD_2, image: AMI_SELF })
      .fleet({ fleetId: 'fleet-1', accountId: WORKLOAD_2, kind: 'ec2-fleet', launchTemplateConfigs: [{ launchTemplate: { launchTemplateId: 'lt-0000000000000000b' }, overrides: [{ image: { kind: 'ami', imageId: AMI_MIGRATION } }] }] })
      // Sandbox: golden AMI only.
      .instance({ account: SANDBOX, image: AMI_OPS })
      .build()
  );
}

test('blast radius: counts per launch path and layer, and per account', () => {
  const r = judgeDoc(org(), undefined).impact.blastRadius!;
  assert.deepEqual(r.byPath.instance, { declarativePolicy: 1, scp: 2, unavailable: 0, cannotVerify: 0 });
  assert.deepEqual(r.byPath['auto-scaling-group'], { declarativePolicy: 1, scp: 1, unavailable: 0, cannotVerify: 0 });
  assert.deepEqual(r.byPath['ec2-fleet'], { declarativePolicy: 0, scp: 0, unavailable: 0, cannotVerify: 0 }, 'the exception still holds on 2026-02-01');
  assert.deepEqual(r.byAccount[WORKLOAD], { declarativePolicy: 2, scp: 2, unavailable: 0, cannotVerify: 0 });
  assert.deepEqual(r.byAccount[WORKLOAD_2], { declarativePolicy: 0, scp: 1, unavailable: 0, cannotVerify: 0 });
  assert.equal(r.byAccount[SANDBOX], undefined);
});

test('blast radius: one root cause per image, with every path that uses it', () => {
  const r = judgeDoc(org(), undefined).impact.blastRadius!;
  assert.equal(r.images[0]!.imageId, AMI_OUTSIDER);
  assert.equal(r.images[0]!.blockedBy, 'both');
  assert.deepEqual(r.images[0]!.paths.map((p) => `${p.kind}:${p.resourceId}`).sort(), ['auto-scaling-group:web', `instance:${judgeDoc(org(), undefined).findings.find((f) => f.ruleId === 'unapproved-publisher' && f.accountId === WORKLOAD)!.resourceId}`].sort());
  assert.deepEqual(r.images.map((i) => i.imageId).sort(), [AMI_OUTSIDER, AMI_SELF].sort());
});

test('rollout: per OU and the root, what breaks if attached there today; the safe OUs first', () => {
  const r = judgeDoc(org(), undefined).impact.blastRadius!;
  const rows = r.rollout.map((n) => [n.name, n.safeForDeclarativePolicy, n.safeForScp, n.counts.scp]);
  assert.deepEqual(rows, [
    ['Security', true, true, 0],
    ['Sandbox', true, true, 0],
    ['Dev', true, false, 1], // its own AMI: Allowed AMIs lets it through, the SCP does not
    ['Root', false, false, 3],
    ['Prod', false, false, 2],
  ]);
  const prod = r.rollout.find((n) => n.id === 'ou-ab12-11111111')!;
  assert.deepEqual(prod.path, ['Root', 'Prod']);
  assert.equal(prod.byPath['auto-scaling-group'], 1);
  assert.equal(prod.byPath.instance, 1);
});

test('rollout: an OU with an account that was not fully scanned is never called safe', () => {
  const inv = org();
  inv.coverage.push({ accountId: SANDBOX, region: 'eu-west-1', status: 'access-denied', reason: 'denied' });
  const r = judgeDoc(inv, undefined).impact.blastRadius!;
  const sbx = r.rollout.find((n) => n.name === 'Sandbox')!;
  assert.equal(sbx.accountsNotFullyScanned, 1);
  assert.equal(sbx.safeForScp, false);
});

test('timeline: each exception expiry within the horizon, with what flips that day (as evaluate --as-of previews it)', () => {
  const doc = judgeDoc(org(), undefined);
  const t = doc.impact.blastRadius!.timeline;
  assert.deepEqual([t.from, t.until, t.horizonDays], ['2026-02-01', '2026-05-02', 90]);
  assert.deepEqual(t.events.map((e) => [e.date, e.exceptionAccountId, e.resources.map((x) => x.resourceId)]), [
    ['2026-03-01', EXC_MIGRATION, ['fleet-1']],
    ['2026-03-16', '222233334444', []],
  ]);
  assert.deepEqual(t.events[0]!.counts, { declarativePolicy: 1, scp: 1, unavailable: 0, cannotVerify: 0 });
  // The same answer as judging that day.
  const then = judgeDoc(org(), ['launch-path-unapproved-ami'], { asOf: '2026-03-01' });
  assert.deepEqual(then.findings.map((f) => f.resourceId).sort(), ['fleet-1', 'web']);
  // A shorter horizon sees no expiry.
  assert.deepEqual(judgeDoc(org(), undefined, { options: { horizonDays: 20 } }).impact.blastRadius!.timeline.events, []);
});

test('the blast radius agrees with the findings: every failing launch-path finding is counted, and nothing else', () => {
  const doc = judgeDoc(org(), undefined, { asOf: '2026-03-01' });
  const r = doc.impact.blastRadius!;
  const fails = doc.findings.filter((f) => f.ruleId === 'launch-path-unapproved-ami' && f.status === 'fail');
  const counted = (['auto-scaling-group', 'ec2-fleet', 'spot-fleet'] as const).reduce((n, k) => n + r.byPath[k].scp + r.byPath[k].unavailable, 0);
  assert.equal(counted, fails.length);
});

test('references with no launch path: an SSM parameter or recipe naming a refused or gone image is a root cause of its own (issue #14)', () => {
  const SSM_ONLY = 'ami-0000000000000a001';
  const SELF_ONLY = 'ami-0000000000000a002';
  const GONE_ONLY = 'ami-0000000000000a003';
  const inv = inventory()
    .account(OPS, { ouPath: ['Root', 'Security'], ouIds: [ROOT, 'ou-ab12-00000000'] })
    .account(WORKLOAD, { ouPath: ['Root', 'Prod'], ouIds: [ROOT, 'ou-ab12-11111111'] })
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: SSM_ONLY, owner: OUTSIDER })
    .image({ id: SELF_ONLY, owner: WORKLOAD })
    .image({ id: GONE_ONLY, owner: OUTSIDER, found: false, notFoundReason: 'InvalidAMIID.NotFound' })
    .instance({ account: WORKLOAD, image: AMI_OUTSIDER })
    .build();
  const ref = (imageId: string, resourceType: string, name: string) => ({
    accountId: WORKLOAD,
    region: 'us-east-1',
    imageId,
    resourceType,
    arn: `arn:aws:${resourceType.startsWith('ssm') ? 'ssm' : 'imagebuilder'}:us-east-1:${WORKLOAD}:${name}`,
  });
  inv.imageReferences = [
    ref(SSM_ONLY, 'ssm:Parameter', 'parameter/app/ami'),
    ref(SSM_ONLY, 'imagebuilder:ImageRecipe', 'image-recipe/app/1.0.0'),
    ref(SELF_ONLY, 'ssm:Parameter', 'parameter/self/ami'),
    ref(GONE_ONLY, 'ssm:Parameter', 'parameter/old/ami'),
    ref(AMI_OPS, 'ssm:Parameter', 'parameter/golden/ami'),
    ref(AMI_OUTSIDER, 'ssm:Parameter', 'parameter/edge/ami'),
  ];
  const r = judgeDoc(inv, undefined).impact.blastRadius!;
  const entry = (id: string) => r.images.find((i) => i.imageId === id);
  // Only a parameter and a recipe name it: its own root cause, no launch path, both references under it.
  assert.equal(entry(SSM_ONLY)?.blockedBy, 'both');
  assert.equal(entry(SSM_ONLY)?.reason, 'unapproved');
  assert.deepEqual(entry(SSM_ONLY)?.paths, []);
  assert.deepEqual(entry(SSM_ONLY)?.references?.map((x) => x.note), [
    'SSM parameter /app/ami resolves to an AMI the declarative policy and the SCP refuse: a launch that resolves it (resolve:ssm:/app/ami) is refused once enforcement starts (no launch path amigov reads uses this image)',
    'Image Builder image recipe image-recipe/app/1.0.0 names this image (AWS documents the reference, not what enforcement does to its builds) (no launch path amigov reads uses this image)',
  ]);
  // The account's own AMI: only the SCP refuses it there.
  assert.equal(entry(SELF_ONLY)?.blockedBy, 'scp');
  assert.match(entry(SELF_ONLY)!.references![0]!.note, /an AMI the SCP refuses: a launch that resolves it \(resolve:ssm:\/self\/ami\) is refused/);
  // Gone: fails whatever the policies.
  assert.equal(entry(GONE_ONLY)?.reason, 'unavailable');
  assert.equal(entry(GONE_ONLY)?.blockedBy, undefined);
  assert.match(entry(GONE_ONLY)!.references![0]!.note, /no longer available: a launch that resolves it fails/);
  // An approved image is no root cause; one with a launch path keeps its path and gains the reference.
  assert.equal(entry(AMI_OPS), undefined);
  assert.equal(entry(AMI_OUTSIDER)?.paths.length, 1);
  assert.doesNotMatch(entry(AMI_OUTSIDER)!.references![0]!.note, /no launch path/);
  // References are no launch paths: the counts are the instance's alone.
  assert.deepEqual(r.byPath.instance, { declarativePolicy: 1, scp: 1, unavailable: 0, cannotVerify: 0 });
  assert.equal(Object.values(r.byPath).reduce((n, c) => n + c.scp + c.unavailable, 0), 1);
});

test('a group whose own template is approved but whose refresh rolls out a refused one is counted, as the finding reports it', () => {
  const inv = inventory()
    .account(WORKLOAD, { ouPath: ['Root', 'Prod'], ouIds: [ROOT, 'ou-ab12-11111111'] })
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .launchTemplate({ id: LT, name: 'web', account: WORKLOAD, default: [1, AMI_OPS], latest: [2, AMI_OUTSIDER] })
    .autoScalingGroup({
      name: 'web',
      accountId: WORKLOAD,
      launchTemplate: { launchTemplateId: LT, version: '1' },
      instanceRefreshes: [{ instanceRefreshId: 'r-1', status: 'InProgress', desiredConfiguration: { launchTemplate: { launchTemplateId: LT, version: '2' } } }],
    })
    .build();
  const doc = judgeDoc(inv, undefined);
  assert.deepEqual(doc.impact.blastRadius!.byPath['auto-scaling-group'], { declarativePolicy: 1, scp: 1, unavailable: 0, cannotVerify: 0 });
  assert.equal(doc.findings.find((f) => f.resourceId === 'web')?.messageId, 'refreshRefused');
});

test('a launch refused only by an Allowed AMIs image criterion counts under the declarative policy, never as a gone image', () => {
  // The golden owner is approved (the owner-based SCP lets it through), but the image is older than the criterion allows.
  const OLD = 'ami-000000000000000b1';
  const inv = inventory()
    .account(OPS, { ouPath: ['Root', 'Security'], ouIds: [ROOT, 'ou-ab12-00000000'] })
    .account(WORKLOAD, { ouPath: ['Root', 'Prod'], ouIds: [ROOT, 'ou-ab12-11111111'] })
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: OLD, owner: OPS, name: 'golden-2024', creationDate: '2024-06-01T00:00:00.000Z' })
    .instance({ account: WORKLOAD, image: OLD })
    .launchTemplate({ id: LT, name: 'web', account: WORKLOAD, default: [1, OLD], latest: [1, OLD] })
    .build();
  const r = judgeDoc(inv, undefined, { config: { policy_config: { image_criteria: [{ creation_date_condition: { maximum_days_since_created: 365 } }] } } }).impact.blastRadius!;
  assert.deepEqual(r.byPath.instance, { declarativePolicy: 1, scp: 0, unavailable: 0, cannotVerify: 0 });
  assert.deepEqual(r.byPath['launch-template'], { declarativePolicy: 1, scp: 0, unavailable: 0, cannotVerify: 0 });
  assert.deepEqual(r.byAccount[WORKLOAD], { declarativePolicy: 2, scp: 0, unavailable: 0, cannotVerify: 0 });
  assert.equal(r.images.length, 1);
  assert.equal(r.images[0]!.imageId, OLD);
  assert.equal(r.images[0]!.blockedBy, 'declarative-policy');
  assert.equal(r.images[0]!.reason, 'criteria');
  assert.equal(r.images[0]!.paths.length, 2);
  const prod = r.rollout.find((n) => n.name === 'Prod')!;
  assert.equal(prod.safeForDeclarativePolicy, false);
  assert.equal(prod.safeForScp, true, 'the SCP judges owners only: nothing breaks under it');
});
