import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_GONE, AMI_OPS, AMI_OUTSIDER, AMI_VENDOR, OPS, OUTSIDER, VENDOR, WORKLOAD, WORKLOAD_2, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'prod-ami-not-tagged';
const PROD = { Environment: 'Prod', Name: 'api' };
/** Ops is scanned, so its AMIs' tags are visible (seen from the owner's own listing). */
const withOps = (opsTags: Record<string, string>) =>
  inventory()
    .account(WORKLOAD, { ouIds: ['r-ab12', 'ou-ab12-prod0001'] })
    .account(OPS, { name: 'ops' })
    .image({ id: AMI_OPS, owner: OPS, tags: opsTags });

runCases(RULE, [
  { name: 'valid: production instance on an ops AMI tagged Environment=Prod', build: () => withOps({ Environment: 'Prod' }).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(), expect: [] },
  { name: 'valid: non-production instance is not judged', build: () => withOps({}).instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'Dev' } }).build(), expect: [] },
  {
    name: 'valid: instance tag match is exact and case-sensitive (prod is not Prod)',
    build: () => withOps({}).instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'prod' } }).build(),
    expect: [],
  },
  {
    name: 'invalid: ops AMI without the tag',
    build: () => withOps({ Team: 'x' }).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [
      {
        resourceId: 'i-00000000000000001',
        status: 'fail',
        severity: 'medium',
        messageId: 'missingTag',
        data: { key: 'Environment', production: 'instance tag Environment=Prod', wanted: 'Environment=Prod' },
        details: { production: 'instance tag Environment=Prod', approvalTag: 'Environment=Prod', ownerKind: 'ops', amiTagValue: null },
        message: ['which has no Environment tag (approved: Environment=Prod, exact match).'],
      },
    ],
  },
  {
    name: 'invalid: AMI tag value differs in case',
    build: () => withOps({ Environment: 'prod' }).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [{ resourceId: 'i-00000000000000001', status: 'fail', messageId: 'wrongTag', data: { key: 'Environment', value: '"prod"' }, details: { amiTagValue: 'prod' }, message: ['tagged Environment="prod"'] }],
  },
  {
    name: 'cannot-verify: AMI owner not scanned, tags not visible (lower severity, no false violation)',
    build: () =>
      inventory().account(WORKLOAD).image({ id: AMI_VENDOR, owner: VENDOR }).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_VENDOR, tags: PROD }).build(),
    expect: [{ resourceId: 'i-00000000000000001', status: 'cannot-verify', severity: 'low', messageId: 'tagsNotVisible', data: { owner: VENDOR, wanted: 'Environment=Prod' }, details: { ownerKind: 'vendor' } }],
  },
  {
    name: 'cannot-verify: unknown image',
    build: () => inventory().account(WORKLOAD).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE, tags: PROD }).build(),
    expect: [{ resourceId: 'i-00000000000000001', status: 'cannot-verify', messageId: 'tagsNotVisibleUnverified', details: { ownerKind: 'unapproved' } }],
  },
  {
    name: 'cannot-verify: the owner was scanned but the AMI lookup failed: the message says so and what to do',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_OPS, found: false, lookup: 'failed', lookupError: { code: 'InternalError', message: 'We encountered an internal error.' } })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, tags: PROD, imageRef: { source: 'instance-image-metadata', ownerId: OPS, state: 'available' } })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', status: 'cannot-verify', messageId: 'tagsNotVisibleUnverified', data: { owner: OPS }, message: ['InternalError'] }],
  },
  {
    name: 'cannot-verify: the AMI is gone (deregistered, from the instance metadata) and its owner was not scanned',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE, tags: PROD, imageRef: { source: 'instance-image-metadata', ownerId: VENDOR, state: 'deregistered' } })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', status: 'cannot-verify', messageId: 'tagsNotVisibleImageGone', data: { availability: 'unavailable', reason: 'the image is deregistered', owner: VENDOR } }],
  },
  {
    name: 'production by account id in the config',
    build: () => withOps({}).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS }).build(),
    judge: { config: { policy_config: { production: { account_ids: [WORKLOAD] } } } },
    expect: [{ resourceId: 'i-00000000000000001', messageId: 'missingTag', details: { production: 'account configured as production' } }],
  },
  {
    name: 'production by OU in the config',
    build: () =>
      withOps({})
        .account(WORKLOAD_2, { ouIds: ['r-ab12', 'ou-ab12-dev00001'] })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD_2, image: AMI_OPS })
        .build(),
    judge: { config: { policy_config: { production: { ou_ids: ['ou-ab12-prod0001'] } } } },
    expect: [{ resourceId: 'i-00000000000000001', messageId: 'missingTag', data: { production: 'account in production OU ou-ab12-prod0001' } }],
  },
  {
    name: 'configured approval tag key/values',
    build: () => withOps({ Approved: 'yes' }).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    judge: { config: { policy_config: { approved_ami_tag: { key: 'Approved', values: ['yes', 'true'] } } } },
    expect: [],
  },
  {
    name: 'stopped production instance counts, terminated does not',
    build: () =>
      withOps({})
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, tags: PROD, state: 'stopped' })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OPS, tags: PROD, state: 'terminated' })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001' }],
  },
]);

test('prod-ami-not-tagged: ops AMI gets create-tags in the OWNER account, marked for review', () => {
  const inv = withOps({}).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build();
  const [f] = judge(inv, RULE);
  assert.equal(f!.commands.length, 1);
  const c = f!.commands[0]!;
  assert.equal(c.accountId, OPS);
  assert.equal(c.needsReview, true);
  assert.equal(c.command, `aws ec2 create-tags --resources ${AMI_OPS} --tags '[{"Key":"Environment","Value":"Prod"}]' --region us-east-1`);
});

test('prod-ami-not-tagged: an unapproved AMI gets replacement commands, not a tag', () => {
  const inv = inventory().account(WORKLOAD).account(OUTSIDER).image({ id: AMI_OUTSIDER, owner: OUTSIDER }).instance({ account: WORKLOAD, image: AMI_OUTSIDER, tags: PROD }).build();
  const [f] = judge(inv, RULE);
  assert.equal(f!.status, 'fail');
  assert.ok(!f!.commands.some((c) => c.command.includes('create-tags')));
  assert.ok(f!.commands.some((c) => c.command.includes(`describe-images --owners ${OPS}`)));
});
