import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_OPS, AMI_OUTSIDER, AMI_VENDOR, OPS, OUTSIDER, VENDOR, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'image-allowed-disagreement';
const LT = 'lt-0000000000000000a';
const AMI_OLD = 'ami-000000000000000b1';
const LIVE_PROVIDERS_ONLY = [{ imageProviders: [OPS, VENDOR, '222233334444', '777788889999'] }];
const base = (allowed: 'audit-mode' | 'enabled' | 'disabled' = 'audit-mode', criteria = LIVE_PROVIDERS_ONLY) =>
  inventory()
    .account(WORKLOAD)
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_VENDOR, owner: VENDOR })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_OLD, owner: OPS, name: 'golden-2024', creationDate: '2024-06-01T00:00:00.000Z' })
    .regionSettings({ account: WORKLOAD, allowed, criteria });

runCases(RULE, [
  {
    name: 'valid: AWS and amigov agree (allowed and refused)',
    build: () =>
      base()
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, imageRef: { imageAllowed: true } })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OUTSIDER, imageRef: { imageAllowed: false } })
        .build(),
    expect: [],
  },
  {
    name: 'valid: no AWS verdict (Allowed AMIs disabled, or none returned) is no disagreement',
    build: () =>
      base('disabled')
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER, imageRef: { imageAllowed: true } })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OUTSIDER })
        .build(),
    expect: [],
  },
  {
    name: 'disagreement: the live criteria differ from the config (live criteria explain AWS)',
    build: () =>
      base('enabled', [{ imageProviders: [OPS] }])
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_VENDOR, imageRef: { imageAllowed: false } })
        .build(),
    expect: [
      {
        resourceId: 'i-00000000000000001',
        status: 'fail',
        severity: 'medium',
        messageId: 'instance',
        data: { aws: 'not allowed', amigov: 'allowed' },
        details: { awsImageAllowed: false, amigovImageAllowed: true, cause: 'live-criteria-differ', allowedImagesState: 'enabled' },
        message: ['the live Allowed AMIs criteria of this account x region differ from the config', 'amigov policy diff'],
      },
    ],
  },
  {
    name: 'disagreement amigov does not model: the live criteria equal the config, AWS still differs',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, imageRef: { imageAllowed: false } }).build(),
    expect: [{ resourceId: 'i-00000000000000001', details: { cause: 'amigov-semantics', awsImageAllowed: false, amigovImageAllowed: true }, message: ['report it as an amigov bug'] }],
  },
  {
    name: 'disagreement with config criteria (age): AWS allows an image the config criteria refuse',
    build: () => base().instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OLD, imageRef: { imageAllowed: true } }).build(),
    judge: { config: { policy_config: { image_criteria: [{ creation_date_condition: { maximum_days_since_created: 365 } }] } } },
    expect: [{ resourceId: 'i-00000000000000001', data: { aws: 'allowed', amigov: 'not allowed' }, details: { cause: 'live-criteria-differ' }, message: ['created 610 days ago, more than the 365 allowed'] }],
  },
  {
    name: 'disagreement, live criteria not collected: the cause says so',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_OPS, owner: OPS })
        .regionSettings({ account: WORKLOAD, allowed: 'audit-mode' })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, imageRef: { imageAllowed: false } })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', details: { cause: 'live-criteria-unknown' } }],
  },
  {
    name: "launch template: the image record's ImageAllowed, as the template's account saw it",
    build: () =>
      base('enabled', [{ imageProviders: [OPS] }])
        .image({ id: 'ami-000000000000000b2', owner: VENDOR, imageAllowed: false, seenVia: 'reference' })
        .launchTemplate({ id: LT, account: WORKLOAD, default: [1, 'ami-000000000000000b2'] })
        .build(),
    expect: [{ resourceId: LT, messageId: 'launchTemplate', details: { awsImageAllowed: false, amigovImageAllowed: true, cause: 'live-criteria-differ', imageId: 'ami-000000000000000b2' } }],
  },
]);

test('image-allowed-disagreement: an account-region that could not be scanned is not judged', () => {
  const inv = base().coverage(WORKLOAD, 'us-east-1', 'error', 'boom').instance({ account: WORKLOAD, image: AMI_OPS, imageRef: { imageAllowed: false } }).build();
  assert.deepEqual(judge(inv, RULE), []);
});
