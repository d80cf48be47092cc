import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_MIGRATION, AMI_ML, AMI_OPS, AMI_OUTSIDER, AMI_SELF, EXC_MIGRATION, EXC_ML, OPS, OUTSIDER, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';
import type { BackupRecoveryPoint, Inventory } from '../../src/model/inventory.ts';

const RULE = 'ami-in-workload-account';

/** An AWS Backup recovery point of `imageId` in `accountId`'s vault (ARN ending in image/<id>: "Working with backups"). */
const point = (imageId: string, accountId: string, extra: Partial<BackupRecoveryPoint> = {}): BackupRecoveryPoint => ({
  accountId,
  region: 'us-east-1',
  imageId,
  recoveryPointArn: `arn:aws:ec2:us-east-1::image/${imageId}`,
  backupVaultName: 'nightly',
  status: 'COMPLETED',
  ...extra,
});
const withPoints = (inv: Inventory, ...points: BackupRecoveryPoint[]): Inventory => ({ ...inv, backupRecoveryPoints: points });

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
  // AWS Backup: no marker tag ("AWS Backup copies tags to the resulting AMI"); the recovery point identifies the AMI.
  {
    name: 'invalid (info): an AMI that is an AWS Backup recovery point of its owner is a backup, with its vault and status',
    build: () =>
      withPoints(
        inventory().account(WORKLOAD, { name: 'payments' }).image({ id: AMI_SELF, owner: WORKLOAD, tags: { Name: 'web-1' } }).instance({ account: WORKLOAD, image: AMI_SELF }).build(),
        point(AMI_SELF, WORKLOAD, { status: 'AVAILABLE' }),
      ),
    expect: [
      {
        resourceId: AMI_SELF,
        status: 'fail',
        severity: 'info',
        blockedBy: 'scp',
        messageId: 'awsBackupRecoveryPoint',
        data: { vault: '"nightly"', status: ' (status AVAILABLE)', inUse: '1 running or stopped instance use it. ' },
        details: { backupVaultName: 'nightly', recoveryPointStatus: 'AVAILABLE', recoveryPointArn: `arn:aws:ec2:us-east-1::image/${AMI_SELF}`, instancesUsing: 1 },
      },
    ],
  },
  {
    name: 'invalid (info): a recovery point without a status says none',
    build: () => withPoints(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build(), point(AMI_SELF, WORKLOAD, { status: undefined })),
    expect: [{ resourceId: AMI_SELF, severity: 'info', messageId: 'awsBackupRecoveryPoint', data: { status: '' }, details: { recoveryPointStatus: null } }],
  },
  {
    name: "invalid: a recovery point in another account's vault, or another region, does not make the owner's AMI a backup",
    build: () =>
      withPoints(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build(), point(AMI_SELF, OPS), point(AMI_SELF, WORKLOAD, { region: 'eu-west-1' })),
    expect: [{ resourceId: AMI_SELF, severity: 'low', messageId: 'notApproved' }],
  },
  {
    name: 'invalid: without recovery points (collector degraded or not run) an AWS Backup AMI is notApproved, as before',
    build: () => withPoints(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build()),
    expect: [{ resourceId: AMI_SELF, severity: 'low', messageId: 'notApproved' }],
  },
  {
    name: 'invalid: an expired exception stays the headline even on an AWS Backup recovery point',
    build: () => withPoints(inventory().account(EXC_MIGRATION).image({ id: AMI_MIGRATION, owner: EXC_MIGRATION }).build(), point(AMI_MIGRATION, EXC_MIGRATION)),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: AMI_MIGRATION, severity: 'low', messageId: 'exceptionExpired' }],
  },
  {
    name: 'valid: an AWS Backup recovery point in an approved publisher account is no finding',
    build: () => withPoints(inventory().account(OPS).image({ id: AMI_OPS, owner: OPS }).build(), point(AMI_OPS, OPS)),
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

test('ami-in-workload-account: an AWS Backup recovery point gets the lifecycle backup commands, and its message names the vault', () => {
  const inv = withPoints(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build(), point(AMI_SELF, WORKLOAD));
  const [f] = judge(inv, RULE);
  assert.equal(f!.messageId, 'awsBackupRecoveryPoint');
  assert.match(f!.message, /is an AWS Backup recovery point in backup vault "nightly" \(status COMPLETED\), not a side-loaded image/);
  assert.ok(f!.commands.some((c) => c.command.includes('describe-image-references')));
  assert.ok(!f!.commands.some((c) => /describe-images/.test(c.command) && c.command.includes('--owners')), JSON.stringify(f!.commands.map((c) => c.command)));
});
