import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AMAZON, AMI_AMAZON, AMI_GONE, AMI_MARKETPLACE, AMI_MIGRATION, AMI_ML, AMI_OPS, AMI_OUTSIDER, AMI_SELF, AMI_VENDOR,
  EXC_MIGRATION, EXC_ML, OPS, OUTSIDER, VENDOR, WORKLOAD, inventory, judge, runCases,
} from '../helpers/inventory-builder.ts';

const RULE = 'unapproved-publisher';
const base = () =>
  inventory()
    .account(WORKLOAD, { name: 'payments-prod' })
    .account(OPS, { name: 'ops' })
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_VENDOR, owner: VENDOR })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER, name: 'random community image' })
    .image({ id: AMI_SELF, owner: WORKLOAD })
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .image({ id: AMI_ML, owner: EXC_ML })
    .image({ id: AMI_AMAZON, owner: AMAZON, ownerAlias: 'amazon' })
    .image({ id: AMI_MARKETPLACE, owner: '679593333241', ownerAlias: 'aws-marketplace' });

runCases(RULE, [
  {
    name: 'valid: ops, vendor and active exception AMIs',
    build: () =>
      base()
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_VENDOR })
        .instance({ id: 'i-00000000000000003', account: WORKLOAD, image: AMI_MIGRATION })
        .instance({ id: 'i-00000000000000004', account: WORKLOAD, image: AMI_ML })
        .build(),
    expect: [],
  },
  {
    name: 'invalid: AMI from an outside account is blocked by both layers',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER }).build(),
    expect: [
      {
        resourceId: 'i-00000000000000001',
        status: 'fail',
        severity: 'high',
        blockedBy: 'both',
        messageId: 'unapproved',
        data: { owner: OUTSIDER, image: `${AMI_OUTSIDER} ("random community image")`, blockedBy: 'blocked by: both (the declarative policy and the SCP)' },
        details: { selfOwned: false, imageAvailability: 'ok' },
      },
    ],
  },
  {
    name: 'invalid: self-built AMI in a workload account is blocked by the SCP only',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_SELF }).build(),
    expect: [
      {
        resourceId: 'i-00000000000000001',
        blockedBy: 'scp',
        messageId: 'unapprovedSelfOwned',
        data: { owner: WORKLOAD, blockedBy: "blocked by: SCP only (Allowed AMIs never restricts an account's own AMIs)" },
        details: { selfOwned: true },
        message: [`owned by ${WORKLOAD}, this account itself, which is not an approved publisher`],
      },
    ],
  },
  {
    name: 'stopped instances count; terminated and shutting-down do not',
    build: () =>
      base()
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER, state: 'stopped' })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OUTSIDER, state: 'terminated' })
        .instance({ id: 'i-00000000000000003', account: WORKLOAD, image: AMI_OUTSIDER, state: 'shutting-down' })
        .instance({ id: 'i-00000000000000004', account: WORKLOAD, image: AMI_OUTSIDER, state: 'pending' })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', data: { state: 'stopped' }, details: { instanceState: 'stopped' } }, { resourceId: 'i-00000000000000004', data: { state: 'pending' } }],
  },
  {
    name: 'aliases: amazon and aws-marketplace are unapproved unless configured',
    build: () =>
      base()
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_AMAZON })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_MARKETPLACE })
        .build(),
    expect: [
      { resourceId: 'i-00000000000000001', blockedBy: 'both', messageId: 'unapproved', data: { owner: `${AMAZON} (amazon)` } },
      { resourceId: 'i-00000000000000002', blockedBy: 'both', messageId: 'unapproved', data: { owner: '679593333241 (aws-marketplace)' } },
    ],
  },
  {
    name: 'aliases: configured amazon alias approves amazon-owned AMIs only',
    build: () =>
      base()
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_AMAZON })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_MARKETPLACE })
        .build(),
    judge: { config: { provider_aliases: ['amazon'] } },
    expect: [{ resourceId: 'i-00000000000000002' }],
  },
  {
    name: 'expired exception is left to expired-exception',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_MIGRATION }).build(),
    judge: { asOf: '2026-03-01' },
    expect: [],
  },
  {
    name: 'unknown image with no owner is left to unknown-image',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE }).build(),
    expect: [],
  },
  {
    name: 'deregistered AMI whose owner is known from instance metadata is still judged',
    build: () =>
      base()
        .instance({
          id: 'i-00000000000000001',
          account: WORKLOAD,
          image: AMI_GONE,
          imageRef: { source: 'instance-image-metadata', ownerId: OUTSIDER, state: 'deregistered', name: 'old' },
        })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', blockedBy: 'both' }],
  },
]);

test('unapproved-publisher: finding carries image, owner, tags and replacement commands', () => {
  const inv = base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER, tags: { Name: 'web', Environment: 'Prod', Other: 'x' } }).build();
  const [f] = judge(inv, RULE);
  assert.ok(f);
  assert.equal(f.accountName, 'payments-prod');
  assert.equal(f.imageId, AMI_OUTSIDER);
  assert.equal(f.imageOwnerId, OUTSIDER);
  assert.equal(f.imageName, 'random community image');
  assert.deepEqual(f.tags, { Name: 'web', Environment: 'Prod' });
  assert.match(f.id, /^[0-9a-f]{16}$/);
  const kinds = f.commands.map((c) => c.kind);
  assert.deepEqual(kinds, ['investigate', 'investigate', 'investigate', 'request']);
  assert.match(f.commands[0]!.command, new RegExp(`^aws ec2 describe-images --owners ${OPS} `));
  assert.match(f.commands[1]!.command, new RegExp(`^aws ec2 describe-image-references --image-ids ${AMI_OUTSIDER} --include-all-resource-types --region us-east-1$`));
  assert.equal(f.commands[3]!.command, 'https://wiki.example.com/cloud/ami-exception-request');
});
