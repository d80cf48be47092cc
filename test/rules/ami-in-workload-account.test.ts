import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_MIGRATION, AMI_ML, AMI_OPS, AMI_OUTSIDER, AMI_SELF, EXC_MIGRATION, EXC_ML, OPS, OUTSIDER, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'ami-in-workload-account';

runCases(RULE, [
  { name: 'valid: AMI owned by the ops publisher', build: () => inventory().account(OPS).image({ id: AMI_OPS, owner: OPS }).build(), expect: [] },
  { name: 'valid: AMI owned by an account with an active exception', build: () => inventory().account(EXC_ML).image({ id: AMI_ML, owner: EXC_ML }).build(), expect: [] },
  {
    name: 'valid: images only referenced (owned elsewhere) are not side-loaded here',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_OUTSIDER, owner: OUTSIDER }).build(),
    expect: [],
  },
  {
    name: 'invalid: AMI owned by a workload account',
    build: () =>
      inventory()
        .account(WORKLOAD, { name: 'payments' })
        .image({ id: AMI_SELF, owner: WORKLOAD })
        .instance({ account: WORKLOAD, image: AMI_SELF })
        .instance({ account: WORKLOAD, image: AMI_SELF, state: 'stopped' })
        .instance({ account: WORKLOAD, image: AMI_SELF, state: 'terminated' })
        .build(),
    expect: [
      {
        resourceId: AMI_SELF,
        accountId: WORKLOAD,
        status: 'fail',
        severity: 'low',
        blockedBy: 'scp',
        messageId: 'notApproved',
        data: { owner: `${WORKLOAD} ("payments")`, inUse: '2 running or stopped instances use it. ' },
        details: { instancesUsing: 2 },
      },
    ],
  },
  {
    name: 'invalid: AMI owned by an account whose exception expired says so',
    build: () => inventory().account(EXC_MIGRATION).image({ id: AMI_MIGRATION, owner: EXC_MIGRATION }).build(),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: AMI_MIGRATION, messageId: 'exceptionExpired', data: { owner: `${EXC_MIGRATION} ("acct-9999")`, expiryDate: '2026-02-28', inUse: '' }, details: { instancesUsing: 0 } }],
  },
  // Amazon Data Lifecycle Manager's tags ("Amazon DLM applies the following tags to all snapshots created by a policy, to
  // distinguish them from snapshots created by any other means: aws:dlm:lifecycle-policy-id, aws:dlm:lifecycle-schedule-name").
  {
    name: 'invalid (info): an AMI tagged by a lifecycle policy is a backup, reported with its policy and schedule',
    build: () =>
      inventory()
        .account(WORKLOAD, { name: 'payments' })
        .image({ id: AMI_SELF, owner: WORKLOAD, tags: { 'aws:dlm:lifecycle-policy-id': 'policy-0123456789abcdef0', 'aws:dlm:lifecycle-schedule-name': 'DailyAMIs', Name: 'x' } })
        .instance({ account: WORKLOAD, image: AMI_SELF })
        .build(),
    expect: [
      {
        resourceId: AMI_SELF,
        status: 'fail',
        severity: 'info',
        blockedBy: 'scp',
        messageId: 'lifecycleBackup',
        data: { policyId: 'policy-0123456789abcdef0', schedule: ' (schedule "DailyAMIs")', inUse: '1 running or stopped instance use it. ' },
        details: { lifecyclePolicyId: 'policy-0123456789abcdef0', lifecycleScheduleName: 'DailyAMIs', instancesUsing: 1 },
      },
    ],
  },
  {
    name: 'invalid (info): the policy tag alone is enough; no schedule tag, no schedule in the message',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, tags: { 'aws:dlm:lifecycle-policy-id': 'policy-0abc' } }).build(),
    expect: [{ resourceId: AMI_SELF, severity: 'info', messageId: 'lifecycleBackup', data: { schedule: '' }, details: { lifecycleScheduleName: null } }],
  },
  {
    name: 'invalid: only the schedule tag, or a look-alike key (case differs), is not a lifecycle backup',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_SELF, owner: WORKLOAD, tags: { 'aws:dlm:lifecycle-schedule-name': 'DailyAMIs', 'AWS:DLM:LIFECYCLE-POLICY-ID': 'policy-0abc', 'dlm:lifecycle-policy-id': 'policy-0abc' } })
        .build(),
    expect: [{ resourceId: AMI_SELF, severity: 'low', messageId: 'notApproved' }],
  },
  {
    name: 'invalid: tags the scan could not see (tagsVisible false) never make a backup',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, tags: { 'aws:dlm:lifecycle-policy-id': 'policy-0abc' }, tagsVisible: false }).build(),
    expect: [{ resourceId: AMI_SELF, messageId: 'notApproved' }],
  },
  {
    name: 'invalid: an expired exception stays the headline even on a lifecycle backup',
    build: () => inventory().account(EXC_MIGRATION).image({ id: AMI_MIGRATION, owner: EXC_MIGRATION, tags: { 'aws:dlm:lifecycle-policy-id': 'policy-0abc' } }).build(),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: AMI_MIGRATION, severity: 'low', messageId: 'exceptionExpired' }],
  },
  {
    name: 'valid: a lifecycle backup in an approved publisher account is no finding',
    build: () => inventory().account(OPS).image({ id: AMI_OPS, owner: OPS, tags: { 'aws:dlm:lifecycle-policy-id': 'policy-0abc' } }).build(),
    expect: [],
  },
  { name: 'valid: deregistered images are gone', build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, state: 'deregistered' }).build(), expect: [] },
]);

test('ami-in-workload-account: investigate references, no destructive command', () => {
  const [f] = judge(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build(), RULE);
  assert.ok(f!.commands.every((c) => c.kind !== 'fix'));
  assert.equal(f!.details?.['instancesUsing'], 0);
});

test('ami-in-workload-account: a lifecycle backup gets no golden-replacement command, only references and the exception request', () => {
  const [f] = judge(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, tags: { 'aws:dlm:lifecycle-policy-id': 'policy-0abc' } }).build(), RULE);
  assert.equal(f!.messageId, 'lifecycleBackup');
  assert.match(f!.message, /backup created by Amazon Data Lifecycle Manager policy policy-0abc, not a side-loaded image/);
  assert.ok(f!.commands.some((c) => c.command.includes('describe-image-references')));
  assert.ok(!f!.commands.some((c) => /describe-images/.test(c.command) && c.command.includes('--owners')), JSON.stringify(f!.commands.map((c) => c.command)));
});
