import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_GONE, AMI_OPS, AMI_OUTSIDER, AMI_SELF, AMI_VENDOR, OPS, OUTSIDER, VENDOR, WORKLOAD, WORKLOAD_2, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'prod-ami-not-tagged';
const PROD = { Environment: 'Prod', Name: 'api' };
const I1 = 'i-00000000000000001';
const I2 = 'i-00000000000000002';
/**
 * Ops is scanned, so its AMIs' tags are visible (the owner's view, from its own listing). `accountTags` is the
 * other view: each launching account's own tags on the AMI (what ec2:ResourceTag sees in that account).
 */
const withOps = (opsTags: Record<string, string>, accountTags: Record<string, Record<string, string>> = { [WORKLOAD]: { Environment: 'Prod' } }) =>
  inventory()
    .account(WORKLOAD, { ouIds: ['r-ab12', 'ou-ab12-prod0001'] })
    .account(OPS, { name: 'ops' })
    .image({ id: AMI_OPS, owner: OPS, tags: opsTags, accountTags });

runCases(RULE, [
  {
    name: 'valid: owner-approved and propagated: the ops AMI is tagged Environment=Prod by ops and in the launching account',
    build: () => withOps({ Environment: 'Prod' }).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [],
  },
  {
    name: 'invalid: owner-approved and NOT propagated: the launching account carries no tag, so the tag policy denies relaunch there',
    build: () => withOps({ Environment: 'Prod' }, { [WORKLOAD]: { Team: 'payments' } }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [
      {
        resourceId: I1,
        status: 'fail',
        severity: 'medium',
        accountId: WORKLOAD,
        messageId: 'notPropagated',
        data: { owner: OPS, account: WORKLOAD, wanted: 'Environment=Prod', accountTag: 'no Environment tag' },
        details: { approval: 'approved', launchTag: 'missing', amiTagValue: 'Prod', accountTagValue: null },
        message: ['the production tag policy will deny relaunch and scale-out of this instance in this account'],
      },
    ],
  },
  {
    name: 'invalid: owner-approved, the launching account tagged it with another value (exact match)',
    build: () => withOps({ Environment: 'Prod' }, { [WORKLOAD]: { Environment: 'prod' } }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [{ resourceId: I1, messageId: 'notPropagated', data: { accountTag: 'Environment="prod"' }, details: { accountTagValue: 'prod', launchTag: 'missing' } }],
  },
  {
    name: 'invalid (high): spoofed approval: the launching account tagged an UNAPPROVED owner\'s AMI Environment=Prod',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_OUTSIDER, owner: OUTSIDER, accountTags: { [WORKLOAD]: { Environment: 'Prod' } } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OUTSIDER, tags: PROD })
        .build(),
    expect: [
      {
        resourceId: I1,
        status: 'fail',
        severity: 'high',
        messageId: 'spoofedUnapprovedOwner',
        data: { owner: OUTSIDER, account: WORKLOAD, wanted: 'Environment=Prod' },
        details: { approval: 'not-approved-owner', launchTag: 'present', ownerKind: 'unapproved', accountTagValue: 'Prod' },
      },
    ],
  },
  {
    name: 'invalid (high): spoofed approval: the launching account tagged an approved owner\'s AMI that the owner did not approve',
    build: () => withOps({ Team: 'platform' }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [
      {
        resourceId: I1,
        status: 'fail',
        severity: 'high',
        messageId: 'spoofedNotApprovedByOwner',
        data: { owner: OPS, account: WORKLOAD, ownerTag: 'no Environment tag' },
        details: { approval: 'not-tagged-by-owner', launchTag: 'present', ownerKind: 'ops', amiTagValue: null, accountTagValue: 'Prod' },
      },
    ],
  },
  {
    name: 'invalid (high): a workload account\'s own AMI tagged Environment=Prod by itself is a spoofed approval (the owner is not a publisher)',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_SELF, owner: WORKLOAD, tags: { Environment: 'Prod' } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_SELF, tags: PROD })
        .build(),
    expect: [{ resourceId: I1, severity: 'high', messageId: 'spoofedUnapprovedOwner', details: { launchTag: 'present', approval: 'not-approved-owner' } }],
  },
  {
    name: 'invalid: unapproved owner, no approval tag anywhere: not approvable (medium), whether or not the owner was scanned',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_OUTSIDER, owner: OUTSIDER, accountTags: { [WORKLOAD]: {} } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OUTSIDER, tags: PROD })
        .build(),
    expect: [{ resourceId: I1, status: 'fail', severity: 'medium', messageId: 'notApprovedOwner', details: { approval: 'not-approved-owner', launchTag: 'missing' } }],
  },
  { name: 'valid: non-production instance is not judged', build: () => withOps({}).instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'Dev' } }).build(), expect: [] },
  {
    name: 'valid: instance tag match is exact and case-sensitive (prod is not Prod)',
    build: () => withOps({}).instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'prod' } }).build(),
    expect: [],
  },
  {
    name: 'valid: the publisher runs a production instance on its own approved AMI (both views are its own)',
    build: () => withOps({ Environment: 'Prod' }, {}).instance({ account: OPS, image: AMI_OPS, tags: PROD }).build(),
    expect: [],
  },
  {
    name: 'invalid: ops AMI without the tag (the owner did not approve it; not tagged in the launching account either)',
    build: () => withOps({ Team: 'x' }, { [WORKLOAD]: {} }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [
      {
        resourceId: I1,
        status: 'fail',
        severity: 'medium',
        messageId: 'missingTag',
        data: { key: 'Environment', production: 'instance tag Environment=Prod', wanted: 'Environment=Prod' },
        details: { production: 'instance tag Environment=Prod', approvalTag: 'Environment=Prod', ownerKind: 'ops', amiTagValue: null, approval: 'not-tagged-by-owner', launchTag: 'missing' },
        message: ['which has no Environment tag in its owner account (approved: Environment=Prod, exact match).'],
      },
    ],
  },
  {
    name: 'invalid: AMI tag value differs in case in the owner account',
    build: () => withOps({ Environment: 'prod' }, { [WORKLOAD]: {} }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    expect: [{ resourceId: I1, status: 'fail', messageId: 'wrongTag', data: { key: 'Environment', value: '"prod"' }, details: { amiTagValue: 'prod' }, message: ['tagged Environment="prod"'] }],
  },
  {
    name: 'owner not scanned, the launching account carries the tag: approval cannot be verified (low), never a pass',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_VENDOR, owner: VENDOR, accountTags: { [WORKLOAD]: { Environment: 'Prod' } } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_VENDOR, tags: PROD })
        .build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', severity: 'low', messageId: 'approvalNotVisible', data: { owner: VENDOR, account: WORKLOAD }, details: { approval: 'cannot-verify', launchTag: 'present', ownerKind: 'vendor' } }],
  },
  {
    name: 'owner not scanned, the launching account carries no tag: the tag policy denies relaunch (fail), whatever the owner did',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_VENDOR, owner: VENDOR, accountTags: { [WORKLOAD]: {} } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_VENDOR, tags: PROD })
        .build(),
    expect: [{ resourceId: I1, status: 'fail', severity: 'medium', messageId: 'notTaggedInAccount', details: { approval: 'cannot-verify', launchTag: 'missing' }, message: ['will deny relaunch and scale-out'] }],
  },
  {
    name: 'cannot-verify: owner not scanned and the launching account\'s tags were not read (an inventory without the per-account view)',
    build: () =>
      inventory().account(WORKLOAD).image({ id: AMI_VENDOR, owner: VENDOR }).instance({ id: I1, account: WORKLOAD, image: AMI_VENDOR, tags: PROD }).build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', severity: 'low', messageId: 'tagsNotVisible', data: { owner: VENDOR, wanted: 'Environment=Prod' }, details: { ownerKind: 'vendor', launchTag: 'cannot-verify' } }],
  },
  {
    name: 'cannot-verify: owner-approved, but the launching account\'s lookup degraded: the reason is in the message',
    build: () =>
      withOps({ Environment: 'Prod' }, {})
        .coverage(WORKLOAD, 'us-east-1', 'ok', undefined, { 'launching-account-image-tags': 'DescribeImages by id failed: UnauthorizedOperation' })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD })
        .build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', messageId: 'accountTagsUnknown', details: { approval: 'approved', launchTag: 'cannot-verify' }, message: ['UnauthorizedOperation'] }],
  },
  {
    name: 'cannot-verify: unknown image',
    build: () => inventory().account(WORKLOAD).instance({ id: I1, account: WORKLOAD, image: AMI_GONE, tags: PROD }).build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', messageId: 'tagsNotVisibleUnverified', details: { ownerKind: 'unapproved' } }],
  },
  {
    name: 'cannot-verify: the owner was scanned but the AMI lookup failed: the message says so and what to do',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_OPS, found: false, lookup: 'failed', lookupError: { code: 'InternalError', message: 'We encountered an internal error.' } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD, imageRef: { source: 'instance-image-metadata', ownerId: OPS, state: 'available' } })
        .build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', messageId: 'tagsNotVisibleUnverified', data: { owner: OPS }, message: ['InternalError'] }],
  },
  {
    name: 'cannot-verify: the AMI is gone (deregistered, from the instance metadata) and its owner was not scanned',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .instance({ id: I1, account: WORKLOAD, image: AMI_GONE, tags: PROD, imageRef: { source: 'instance-image-metadata', ownerId: VENDOR, state: 'deregistered' } })
        .build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', messageId: 'tagsNotVisibleImageGone', data: { availability: 'unavailable', reason: 'the image is deregistered', owner: VENDOR } }],
  },
  {
    name: 'production by account id in the config',
    build: () => withOps({}, { [WORKLOAD]: {} }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS }).build(),
    judge: { config: { policy_config: { production: { account_ids: [WORKLOAD] } } } },
    expect: [{ resourceId: I1, messageId: 'missingTag', details: { production: 'account configured as production' } }],
  },
  {
    name: 'production by OU in the config; each account is judged on its own tags',
    build: () =>
      withOps({ Environment: 'Prod' }, { [WORKLOAD]: { Environment: 'Prod' }, [WORKLOAD_2]: {} })
        .account(WORKLOAD_2, { ouIds: ['r-ab12', 'ou-ab12-prod0001'] })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OPS })
        .instance({ id: I2, account: WORKLOAD_2, image: AMI_OPS })
        .build(),
    judge: { config: { policy_config: { production: { ou_ids: ['ou-ab12-prod0001'] } } } },
    expect: [{ resourceId: I2, accountId: WORKLOAD_2, messageId: 'notPropagated', data: { production: 'account in production OU ou-ab12-prod0001', account: WORKLOAD_2 } }],
  },
  {
    name: 'configured approval tag key/values, in both views',
    build: () => withOps({ Approved: 'yes' }, { [WORKLOAD]: { Approved: 'true' } }).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build(),
    judge: { config: { policy_config: { approved_ami_tag: { key: 'Approved', values: ['yes', 'true'] } } } },
    expect: [],
  },
  {
    name: 'stopped production instances count (their relaunch is what the policy denies), terminated ones do not',
    build: () =>
      withOps({ Environment: 'Prod' }, { [WORKLOAD]: {} })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OPS, tags: PROD, state: 'stopped' })
        .instance({ id: I2, account: WORKLOAD, image: AMI_OPS, tags: PROD, state: 'terminated' })
        .build(),
    expect: [{ resourceId: I1, messageId: 'notPropagated', details: { instanceState: 'stopped' } }],
  },
]);

test('prod-ami-not-tagged: not propagated: create-tags in the LAUNCHING account for that image only, marked for review', () => {
  const inv = withOps({ Environment: 'Prod' }, { [WORKLOAD]: {} }).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build();
  const [f] = judge(inv, RULE);
  const tag = f!.commands.filter((c) => c.command.includes('create-tags'));
  assert.equal(tag.length, 1);
  assert.equal(tag[0]!.accountId, WORKLOAD);
  assert.equal(tag[0]!.region, 'us-east-1');
  assert.equal(tag[0]!.needsReview, true);
  assert.equal(tag[0]!.command, `aws ec2 create-tags --resources ${AMI_OPS} --tags '[{"Key":"Environment","Value":"Prod"}]' --region us-east-1`);
  assert.ok(!f!.commands.some((c) => c.accountId === OPS && c.kind === 'fix'), 'nothing to change in the owner account');
  assert.match(tag[0]!.title, /docs\/rules\/prod-ami-not-tagged\.md, "Propagating approval tags"/, 'points to tag propagation');
});

test('prod-ami-not-tagged: ops AMI the owner never approved: create-tags in the OWNER account first, then in the launching account', () => {
  const inv = withOps({}, { [WORKLOAD]: {} }).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build();
  const [f] = judge(inv, RULE);
  const tags = f!.commands.filter((c) => c.command.includes('create-tags'));
  assert.deepEqual(tags.map((c) => c.accountId), [OPS, WORKLOAD]);
  assert.ok(tags.every((c) => c.needsReview));
});

test('prod-ami-not-tagged: spoofed approval: delete-tags in the launching account, advice to restrict ec2:CreateTags, no create-tags', () => {
  const inv = withOps({}).instance({ account: WORKLOAD, image: AMI_OPS, tags: PROD }).build();
  const [f] = judge(inv, RULE);
  const del = f!.commands.find((c) => c.command.includes('delete-tags'))!;
  assert.equal(del.accountId, WORKLOAD);
  assert.equal(del.needsReview, true);
  assert.equal(del.command, `aws ec2 delete-tags --resources ${AMI_OPS} --tags '[{"Key":"Environment","Value":"Prod"}]' --region us-east-1`);
  assert.ok(f!.commands.some((c) => /ec2:CreateTags/.test(c.title)));
  assert.ok(!f!.commands.some((c) => c.command.includes('create-tags')));
});

test('prod-ami-not-tagged: an unapproved AMI gets replacement commands, not a tag', () => {
  const inv = inventory().account(WORKLOAD).account(OUTSIDER).image({ id: AMI_OUTSIDER, owner: OUTSIDER }).instance({ account: WORKLOAD, image: AMI_OUTSIDER, tags: PROD }).build();
  const [f] = judge(inv, RULE);
  assert.equal(f!.status, 'fail');
  assert.ok(!f!.commands.some((c) => c.command.includes('create-tags')));
  assert.ok(f!.commands.some((c) => c.command.includes(`describe-images --owners ${OPS}`)));
});
