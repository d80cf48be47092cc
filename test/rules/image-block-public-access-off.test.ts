import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'image-block-public-access-off';
const RID = 'image-block-public-access';

runCases(RULE, [
  { name: 'valid: block-new-sharing', build: () => inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, bpa: 'block-new-sharing' }).build(), expect: [] },
  {
    name: 'invalid: unblocked',
    build: () => inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, bpa: 'unblocked' }).build(),
    expect: [{ resourceId: RID, status: 'fail', severity: 'high', messageId: 'off', data: { state: 'unblocked', accountId: WORKLOAD, region: 'us-east-1' }, details: { state: 'unblocked', managedBy: null } }],
  },
  {
    name: 'cannot-verify: unknown state is visible, not a violation',
    build: () => inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, bpa: 'unknown', reason: 'UnsupportedOperation' }).build(),
    expect: [{ resourceId: RID, status: 'cannot-verify', severity: 'low', messageId: 'unknown', data: { reason: 'UnsupportedOperation' } }],
  },
  {
    name: 'cannot-verify: scanned region without settings',
    build: () => inventory().account(WORKLOAD).build(),
    expect: [{ resourceId: RID, status: 'cannot-verify', messageId: 'unknown', data: { reason: 'not collected' } }],
  },
  {
    name: 'not judged: region whose scan failed (coverage gap, reported in coverage)',
    build: () => inventory().account(WORKLOAD).coverage(WORKLOAD, 'us-east-1', 'access-denied').regionSettings({ account: WORKLOAD, bpa: 'unknown' }).build(),
    expect: [],
  },
  {
    name: 'not judged: config asks for unblocked',
    build: () => inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, bpa: 'unblocked' }).build(),
    judge: { config: { policy_config: { image_block_public_access: 'unblocked' } } },
    expect: [],
  },
]);

test('image-block-public-access-off: enable + verify commands; policy-managed ones need review', () => {
  const own = judge(inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, bpa: 'unblocked' }).build(), RULE)[0]!;
  assert.equal(own.commands[0]!.command, 'aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing --region us-east-1');
  assert.equal(own.commands[0]!.needsReview, undefined);
  assert.equal(own.commands[1]!.kind, 'verify');
  const byPolicy = judge(inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, bpa: 'unblocked', bpaManagedBy: 'declarative-policy' }).build(), RULE)[0]!;
  // The account-level enable call fails where a declarative policy manages the setting: point at the organization policy,
  // with read-only Organizations calls in the management account (OPS in the builder's organization).
  assert.ok(!byPolicy.commands.some((c) => c.command.includes('enable-image-block-public-access')), JSON.stringify(byPolicy.commands));
  assert.deepEqual(
    byPolicy.commands.map((c) => c.command),
    [
      `aws organizations list-policies-for-target --target-id ${WORKLOAD} --filter DECLARATIVE_POLICY_EC2 --region us-east-1`,
      `aws organizations describe-effective-policy --policy-type DECLARATIVE_POLICY_EC2 --target-id ${WORKLOAD} --region us-east-1`,
      'amigov policy generate --mode audit_mode',
      'aws ec2 get-image-block-public-access-state --query \'ImageBlockPublicAccessState\' --output text --region us-east-1',
    ],
  );
  assert.equal(byPolicy.commands[0]!.accountId, '123456738923');
  assert.equal(byPolicy.messageId, 'offManagedByPolicy');
  assert.match(byPolicy.message, /managed by a declarative policy, so fix it in the organization policy \(amigov policy generate\)\.$/);
});
