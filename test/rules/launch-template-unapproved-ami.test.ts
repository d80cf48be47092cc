import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_GONE, AMI_MIGRATION, AMI_OPS, AMI_OUTSIDER, AMI_SELF, EXC_MIGRATION, OPS, OUTSIDER, WORKLOAD, inventory, judge, judgeDoc, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'launch-template-unapproved-ami';
const LT = 'lt-0000000000000000a';
const AMI_LOST = 'ami-000000000000000ee';
const base = () =>
  inventory()
    .account(WORKLOAD)
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_SELF, owner: WORKLOAD })
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .image({ id: AMI_GONE, owner: OUTSIDER, found: false, notFoundReason: 'InvalidAMIID.NotFound' });

runCases(RULE, [
  {
    name: 'criteria: an approved owner AMI older than the criteria allow is refused by the declarative policy only',
    build: () =>
      base()
        .image({ id: 'ami-000000000000000b1', owner: OPS, name: 'golden-2024', creationDate: '2024-06-01T00:00:00.000Z' })
        .launchTemplate({ id: LT, name: 'asg-web', account: WORKLOAD, default: [1, AMI_OPS], latest: [2, 'ami-000000000000000b1'] })
        .build(),
    judge: { config: { policy_config: { image_criteria: [{ creation_date_condition: { maximum_days_since_created: 365 } }] } } },
    expect: [
      {
        resourceId: LT,
        status: 'fail',
        blockedBy: 'declarative-policy',
        messageId: 'refused',
        data: { problems: `version 2 (latest) launches ami-000000000000000b1 ("golden-2024") from ${OPS}, which no Allowed AMIs image criterion allows: created 610 days ago, more than the 365 allowed`, blockedBy: 'blocked by: declarative policy' },
        details: { defaultVerdict: 'ok', latestVerdict: 'criteria' },
      },
    ],
  },
  {
    name: 'criteria: product codes not recorded: cannot verify',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_OPS] }).build(),
    judge: { config: { policy_config: { image_criteria: [{ marketplace_product_codes: ['abc123'] }] } } },
    expect: [{ resourceId: LT, status: 'cannot-verify', details: { defaultVerdict: 'criteria-unknown' } }],
  },
  { name: 'valid: default and latest on approved AMIs', build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_OPS], latest: [2, AMI_OPS] }).build(), expect: [] },
  { name: 'valid: no image in the template', build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, null] }).build(), expect: [] },
  {
    name: 'invalid: latest version on an unapproved AMI',
    build: () => base().launchTemplate({ id: LT, name: 'asg-web', account: WORKLOAD, default: [1, AMI_OPS], latest: [2, AMI_OUTSIDER] }).build(),
    expect: [
      {
        resourceId: LT,
        status: 'fail',
        severity: 'high',
        blockedBy: 'both',
        messageId: 'refused',
        data: {
          name: '"asg-web"',
          problems: `version 2 (latest) launches ${AMI_OUTSIDER} ("image-${AMI_OUTSIDER}") from ${OUTSIDER}, not an approved publisher`,
          blockedBy: 'blocked by: both (the declarative policy and the SCP)',
        },
        details: { defaultVerdict: 'ok', latestVerdict: 'unapproved', latestImage: AMI_OUTSIDER, sourceVersion: 2 },
      },
    ],
  },
  {
    name: 'invalid: same version is default and latest (one finding)',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [4, AMI_SELF], latest: [4, AMI_SELF] }).build(),
    expect: [{ resourceId: LT, blockedBy: 'scp', messageId: 'refused', details: { defaultVerdict: 'unapproved', defaultImage: AMI_SELF, sourceVersion: 4 }, message: ['version 4 (default and latest)'] }],
  },
  {
    name: 'invalid: expired exception AMI',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_MIGRATION] }).build(),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: LT, status: 'fail', messageId: 'refused', details: { defaultVerdict: 'expired-exception' }, message: ['expired on 2026-02-28'] }],
  },
  { name: 'valid: active exception AMI', build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_MIGRATION] }).build(), expect: [] },
  {
    name: 'invalid: AMI that no longer exists',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_GONE] }).build(),
    expect: [{ resourceId: LT, status: 'fail', messageId: 'unavailable', details: { defaultVerdict: 'unavailable' }, message: ['which is unavailable: InvalidAMIID.NotFound'] }],
  },
  {
    name: 'cannot-verify: SSM parameter reference (low severity, not compliant)',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, 'resolve:ssm:/golden/al2023/latest'] }).build(),
    expect: [{ resourceId: LT, status: 'cannot-verify', severity: 'low', messageId: 'cannotVerify', details: { defaultVerdict: 'ssm-parameter', defaultImage: 'resolve:ssm:/golden/al2023/latest' } }],
  },
  // resolve:ssm: parameters the scan resolved (DescribeLaunchTemplateVersions ResolveAlias) are judged by their AMI.
  {
    name: 'valid: SSM parameter resolved to an approved AMI',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, `resolve:ssm:/golden/al2023/latest=>${AMI_OPS}`] }).build(),
    expect: [],
  },
  {
    name: 'invalid: SSM parameter resolved to an unapproved AMI (the parameter and the AMI both named)',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, `resolve:ssm:/golden/al2023/latest=>${AMI_OUTSIDER}`] }).build(),
    expect: [
      {
        resourceId: LT,
        status: 'fail',
        severity: 'high',
        messageId: 'refused',
        imageId: AMI_OUTSIDER,
        details: { defaultVerdict: 'unapproved', defaultImage: AMI_OUTSIDER, defaultImageParameter: 'resolve:ssm:/golden/al2023/latest' },
        message: [`version 1 (default) via the SSM parameter "/golden/al2023/latest" launches ${AMI_OUTSIDER}`, 'not an approved publisher'],
      },
    ],
  },
  {
    name: 'invalid: SSM parameter resolved to an AMI that no longer exists',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, `resolve:ssm:/golden=>${AMI_GONE}`] }).build(),
    expect: [{ resourceId: LT, status: 'fail', messageId: 'unavailable', details: { defaultVerdict: 'unavailable', defaultImageParameter: 'resolve:ssm:/golden' } }],
  },
  {
    name: 'cannot-verify: SSM parameter whose resolution failed (the reason shown)',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, 'resolve:ssm:/golden/al2023/latest=>!DescribeLaunchTemplateVersions with ResolveAlias failed (InvalidParameterValue: nope)'] }).build(),
    expect: [
      {
        resourceId: LT,
        status: 'cannot-verify',
        severity: 'low',
        messageId: 'cannotVerify',
        details: { defaultVerdict: 'ssm-parameter', defaultImage: 'resolve:ssm:/golden/al2023/latest', defaultImageParameter: 'resolve:ssm:/golden/al2023/latest' },
        message: ['the scan could not resolve it: DescribeLaunchTemplateVersions with ResolveAlias failed (InvalidParameterValue: nope)'],
      },
    ],
  },
  {
    name: 'cannot-verify: AMI the scan did not resolve',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, 'ami-0123456789abcdef0'] }).build(),
    expect: [{ resourceId: LT, status: 'cannot-verify', messageId: 'cannotVerify', details: { defaultVerdict: 'not-resolved' } }],
  },
  {
    name: 'invalid: AWS answered InvalidAMIID.Unavailable (lookup recorded)',
    build: () =>
      base()
        .image({ id: AMI_LOST, found: false, lookup: 'not-found', lookupError: { code: 'InvalidAMIID.Unavailable', message: 'no longer available' } })
        .launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_LOST] })
        .build(),
    expect: [{ resourceId: LT, status: 'fail', messageId: 'unavailable', details: { defaultVerdict: 'unavailable' }, message: ['InvalidAMIID.Unavailable'] }],
  },
  {
    name: 'invalid: the AMI is disabled',
    build: () => base().image({ id: AMI_LOST, owner: OPS, state: 'disabled' }).launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_LOST] }).build(),
    expect: [{ resourceId: LT, status: 'fail', messageId: 'unavailable', details: { defaultVerdict: 'unavailable' }, message: ['which is unavailable: the image is disabled'] }],
  },
  {
    name: 'cannot-verify: DescribeImages failed with a 5xx (never a fail)',
    build: () =>
      base()
        .image({ id: AMI_LOST, found: false, lookup: 'failed', lookupError: { code: 'InternalError', message: 'We encountered an internal error.' } })
        .launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_LOST] })
        .build(),
    expect: [{ resourceId: LT, status: 'cannot-verify', severity: 'low', messageId: 'lookupFailed', details: { defaultVerdict: 'lookup-failed' }, message: ['InternalError'] }],
  },
  {
    name: 'cannot-verify: the scan was interrupted before the AMI was looked up',
    build: () =>
      base()
        .image({ id: AMI_LOST, found: false, lookup: 'failed', lookupError: { code: 'Interrupted', message: 'the scan was interrupted before the lookup of this image finished' } })
        .launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_LOST] })
        .build(),
    expect: [{ resourceId: LT, status: 'cannot-verify', messageId: 'lookupFailed', message: ['interrupted'] }],
  },
  {
    name: 'cannot-verify: old inventory whose lookup failed (no lookup field)',
    build: () =>
      base()
        .image({ id: AMI_LOST, found: false, lookup: null, notFoundReason: 'could not be described: InternalError: We encountered an internal error.' })
        .launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_LOST] })
        .build(),
    expect: [{ resourceId: LT, status: 'cannot-verify', messageId: 'lookupFailed', details: { defaultVerdict: 'lookup-failed' } }],
  },
  {
    name: 'fail wins over cannot-verify across versions',
    build: () => base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, 'resolve:ssm:/x'], latest: [2, AMI_OUTSIDER] }).build(),
    expect: [{ resourceId: LT, status: 'fail', severity: 'high', messageId: 'refused', details: { defaultVerdict: 'ssm-parameter', latestVerdict: 'unapproved', sourceVersion: 2 } }],
  },
]);

test('launch-template-unapproved-ami: commands inspect, look up the replacement and create a reviewed version', () => {
  const inv = base().launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_OPS], latest: [2, AMI_OUTSIDER] }).build();
  const [f] = judge(inv, RULE);
  const cmds = f!.commands;
  assert.match(cmds[0]!.command, new RegExp(`^aws ec2 describe-launch-template-versions --launch-template-id ${LT} `));
  const create = cmds.find((c) => c.command.includes('create-launch-template-version'))!;
  assert.equal(create.needsReview, true);
  assert.equal(create.supportsDryRun, true);
  assert.match(create.command, /--source-version 2 /);
  assert.match(create.command, /--launch-template-data "\{\\"ImageId\\":\\"\$REPLACEMENT_AMI_ID\\"\}"/);
  assert.equal(f!.details?.['latestVerdict'], 'unapproved');
  assert.equal(f!.details?.['defaultVerdict'], 'ok');
});

test('launch-template-unapproved-ami: a failed lookup is counted as cannot-verify in the impact, not as broken', () => {
  const inv = base()
    .image({ id: AMI_LOST, found: false, lookup: 'failed', lookupError: { code: 'InternalError', message: 'x' } })
    .launchTemplate({ id: LT, account: WORKLOAD, default: [1, AMI_LOST] })
    .build();
  const doc = judgeDoc(inv, [RULE]);
  assert.equal(doc.findings[0]!.details?.['defaultVerdict'], 'lookup-failed');
  assert.equal(doc.impact!.launchTemplatesAffected, 0);
  assert.equal(doc.impact!.launchTemplatesCannotVerify, 1);
});
