import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_OUTSIDER, AMI_SELF, OUTSIDER, WORKLOAD, WORKLOAD_2, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'public-ami';
const lp = (o: Partial<{ userIds: string[]; groups: string[]; organizationArns: string[]; organizationalUnitArns: string[] }>) => ({
  userIds: [],
  groups: [],
  organizationArns: [],
  organizationalUnitArns: [],
  ...o,
});
const OWN_ORG_ARN = 'arn:aws:organizations::123456738923:organization/o-abcdefghij';
const OTHER_ORG_ARN = 'arn:aws:organizations::999988887777:organization/o-zzzzzzzzzz';

runCases(RULE, [
  { name: 'valid: private owned AMI', build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build(), expect: [] },
  {
    name: 'invalid: public owned AMI',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, public: true }).build(),
    expect: [{ resourceId: AMI_SELF, accountId: WORKLOAD, status: 'fail', severity: 'critical', messageId: 'public', data: { owner: WORKLOAD }, details: { public: true, sharedOutside: null, deepChecked: false } }],
  },
  {
    name: 'valid: a public AMI someone else owns is not ours to fix',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_OUTSIDER, owner: OUTSIDER, public: true }).build(),
    expect: [],
  },
  {
    name: 'deep: shared with an account outside the organization',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ userIds: [OUTSIDER] }) }).build(),
    judge: { options: { deep: true } },
    expect: [{ resourceId: AMI_SELF, severity: 'high', messageId: 'sharedOutside', data: { grantees: OUTSIDER }, details: { public: false, sharedOutside: OUTSIDER, deepChecked: true } }],
  },
  {
    name: 'deep: shared inside the organization (accounts and own org ARN) is fine',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .account(WORKLOAD_2)
        .image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ userIds: [WORKLOAD_2], organizationArns: [OWN_ORG_ARN] }) })
        .build(),
    judge: { options: { deep: true } },
    expect: [],
  },
  {
    name: 'deep: shared with another organization',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ organizationArns: [OTHER_ORG_ARN] }) }).build(),
    judge: { options: { deep: true } },
    expect: [{ resourceId: AMI_SELF, messageId: 'sharedOutside', data: { grantees: OTHER_ORG_ARN }, details: { sharedOutside: OTHER_ORG_ARN } }],
  },
  {
    name: 'deep: public and shared outside, in one finding',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ groups: ['all'], userIds: [OUTSIDER], organizationArns: [OTHER_ORG_ARN] }) })
        .build(),
    judge: { options: { deep: true } },
    expect: [
      {
        resourceId: AMI_SELF,
        severity: 'critical',
        messageId: 'publicAndSharedOutside',
        data: { grantees: `${OUTSIDER}, ${OTHER_ORG_ARN}` },
        details: { public: true, sharedOutside: `${OUTSIDER},${OTHER_ORG_ARN}` },
        message: [`is public: any AWS account can launch it and copy its snapshots' data; and shared outside the organization with ${OUTSIDER}, ${OTHER_ORG_ARN}.`],
      },
    ],
  },
  {
    name: 'not deep: launch permissions are not judged',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ userIds: [OUTSIDER] }) }).build(),
    judge: { options: { deep: false } },
    expect: [],
  },
]);

test('public-ami: make-private command, then verification', () => {
  const inv = inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, public: true }).build();
  const [f] = judge(inv, RULE);
  assert.deepEqual(
    f!.commands.map((c) => [c.kind, c.command]),
    [
      ['fix', `aws ec2 modify-image-attribute --image-id ${AMI_SELF} --launch-permission "Remove=[{Group=all}]" --region us-east-1`],
      ['verify', `aws ec2 describe-images --image-ids ${AMI_SELF} --query 'Images[].Public' --output text --region us-east-1`],
    ],
  );
  assert.equal(f!.commands[0]!.supportsDryRun, true);
  assert.equal(f!.commands[0]!.needsReview, undefined);
});

test('public-ami: deep outside share gets a reviewed removal of exactly those grantees', () => {
  const inv = inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ userIds: [OUTSIDER], organizationArns: [OTHER_ORG_ARN] }) }).build();
  const [f] = judge(inv, RULE);
  const fix = f!.commands.find((c) => c.kind === 'fix')!;
  assert.equal(fix.needsReview, true);
  assert.ok(fix.command.includes(`'{"Remove":[{"UserId":"${OUTSIDER}"},{"OrganizationArn":"${OTHER_ORG_ARN}"}]}'`), fix.command);
});

test('public-ami: public and shared outside gets both removals, each with its check', () => {
  const inv = inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, launchPermissions: lp({ groups: ['all'], userIds: [OUTSIDER] }) }).build();
  const [f] = judge(inv, RULE, { options: { deep: true } });
  assert.deepEqual(
    f!.commands.map((c) => [c.kind, c.command.split(' --region')[0]]),
    [
      ['fix', `aws ec2 modify-image-attribute --image-id ${AMI_SELF} --launch-permission "Remove=[{Group=all}]"`],
      ['verify', `aws ec2 describe-images --image-ids ${AMI_SELF} --query 'Images[].Public' --output text`],
      ['fix', `aws ec2 modify-image-attribute --image-id ${AMI_SELF} --launch-permission '{"Remove":[{"UserId":"${OUTSIDER}"}]}'`],
      ['verify', `aws ec2 describe-image-attribute --image-id ${AMI_SELF} --attribute launchPermission`],
    ],
  );
});
