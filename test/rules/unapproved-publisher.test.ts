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
  // policy_config.image_criteria: an approved owner's image outside the criteria is refused by Allowed AMIs alone.
  {
    name: 'criteria: an approved owner, a name no criterion allows: the declarative policy alone stops it',
    build: () => base().image({ id: 'ami-000000000000000b1', owner: OPS, name: 'experimental-build' }).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: 'ami-000000000000000b1' }).build(),
    judge: { config: { policy_config: { image_criteria: [{ image_names: ['golden-*'] }] } } },
    expect: [
      {
        resourceId: 'i-00000000000000001',
        status: 'fail',
        severity: 'high',
        blockedBy: 'declarative-policy',
        messageId: 'criteriaNotMet',
        data: { owner: OPS, reason: 'name "experimental-build" matches none of "golden-*"', blockedBy: 'blocked by: declarative policy' },
        details: { failedConditions: 'name', selfOwned: false },
      },
    ],
  },
  {
    name: 'criteria: too old for the maximum days since created (counted at the scan)',
    build: () =>
      base()
        .image({ id: 'ami-000000000000000b1', owner: OPS, name: 'golden-2024', creationDate: '2024-06-01T00:00:00.000Z' })
        .image({ id: 'ami-000000000000000b2', owner: OPS, name: 'golden-2025', creationDate: '2025-06-01T00:00:00.000Z' })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: 'ami-000000000000000b1' })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: 'ami-000000000000000b2' })
        .build(),
    judge: { config: { policy_config: { image_criteria: [{ creation_date_condition: { maximum_days_since_created: 365 } }] } } },
    expect: [{ resourceId: 'i-00000000000000001', messageId: 'criteriaNotMet', data: { reason: 'created 610 days ago, more than the 365 allowed' }, details: { failedConditions: 'created' } }],
  },
  {
    name: 'criteria: deprecated longer than allowed; never-deprecated passes',
    build: () =>
      base()
        .image({ id: 'ami-000000000000000b1', owner: VENDOR, deprecationTime: '2025-12-01T00:00:00.000Z' })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: 'ami-000000000000000b1' })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_VENDOR })
        .build(),
    judge: { config: { policy_config: { image_criteria: [{ deprecation_time_condition: { maximum_days_since_deprecated: 30 } }] } } },
    expect: [{ resourceId: 'i-00000000000000001', blockedBy: 'declarative-policy', data: { reason: 'deprecated 62 days ago, more than the 30 allowed' }, details: { failedConditions: 'deprecated' } }],
  },
  {
    name: 'criteria: an approved owner no criterion names is refused by the declarative policy',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_VENDOR }).instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OPS }).build(),
    judge: { config: { policy_config: { image_criteria: [{ allowed_image_providers: [OPS] }] } } },
    expect: [{ resourceId: 'i-00000000000000001', blockedBy: 'declarative-policy', data: { reason: `owner ${VENDOR} is not among the providers of any criterion` }, details: { failedConditions: 'provider' } }],
  },
  {
    name: "criteria: the account's own AMI is exempt from the criteria (Allowed AMIs never restricts it)",
    build: () =>
      base()
        .image({ id: 'ami-000000000000000b1', owner: OPS, name: 'scratch', creationDate: '2020-01-01T00:00:00.000Z' })
        .instance({ id: 'i-00000000000000001', account: OPS, image: 'ami-000000000000000b1' })
        .build(),
    judge: { config: { policy_config: { image_criteria: [{ image_names: ['golden-*'], creation_date_condition: { maximum_days_since_created: 30 } }] } } },
    expect: [],
  },
  {
    name: 'criteria: product codes the scan did not record: cannot verify, never a pass',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_VENDOR }).build(),
    judge: { config: { policy_config: { image_criteria: [{ marketplace_product_codes: ['abc123'] }] } } },
    expect: [{ resourceId: 'i-00000000000000001', status: 'cannot-verify', severity: 'low', messageId: 'criteriaUnknown' }],
  },
  {
    name: 'criteria: a recorded product code matches',
    build: () => base().image({ id: 'ami-000000000000000b1', owner: VENDOR, productCodes: ['abc123'] }).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: 'ami-000000000000000b1' }).build(),
    judge: { config: { policy_config: { image_criteria: [{ marketplace_product_codes: ['abc123'] }] } } },
    expect: [],
  },
  {
    name: 'criteria: an unapproved owner is still reported as unapproved (both layers), not as a criteria failure',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER }).build(),
    judge: { config: { policy_config: { image_criteria: [{ image_names: ['golden-*'] }] } } },
    expect: [{ resourceId: 'i-00000000000000001', blockedBy: 'both', messageId: 'unapproved' }],
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
