import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXC_MIGRATION, EXC_ML, OPS, VENDOR, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'allowed-amis-drift';
const RID = 'allowed-images-settings';
const APPROVED = [OPS, VENDOR, EXC_MIGRATION, EXC_ML];
const withCriteria = (criteria: { imageProviders?: string[]; imageNames?: string[] }[] | undefined, allowed: 'enabled' | 'audit-mode' | 'disabled' = 'audit-mode') => () =>
  inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, allowed, ...(criteria ? { criteria } : {}) }).build();

const GOLDEN = { policy_config: { image_criteria: [{ image_names: ['golden-*'], creation_date_condition: { maximum_days_since_created: 365 } }] } };
runCases(RULE, [
  {
    name: "valid: live criteria equal the config's image criteria (names and age)",
    build: withCriteria([{ imageProviders: APPROVED, imageNames: ['golden-*'], creationDateCondition: { maximumDaysSinceCreated: 365 } } as never]),
    judge: { config: GOLDEN },
    expect: [],
  },
  {
    name: "invalid: the config's criteria conditions are missing from the live criteria",
    build: withCriteria([{ imageProviders: APPROVED }]),
    judge: { config: GOLDEN },
    expect: [{ resourceId: RID, messageId: 'differs', details: { missingConditions: 'image names golden-* and created within 365 days', extraConditions: null }, message: ['conditions of the config the live criteria lack: image names golden-* and created within 365 days'] }],
  },
  {
    name: 'invalid: a policy-managed setting that differs says the live setting comes from a declarative policy',
    build: () =>
      inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, allowed: 'enabled', criteria: [{ imageProviders: [OPS] }], allowedManagedBy: 'declarative-policy' }).build(),
    expect: [{ resourceId: RID, messageId: 'differsPolicyManaged', details: { managedBy: 'declarative-policy' }, message: ['set by an AWS Organizations declarative policy that differs from the config'] }],
  },
  { name: 'valid: providers equal the allowlist', build: withCriteria([{ imageProviders: APPROVED }]), expect: [] },
  { name: 'valid: providers split across criteria', build: withCriteria([{ imageProviders: [OPS, VENDOR] }, { imageProviders: [EXC_MIGRATION, EXC_ML] }]), expect: [] },
  {
    name: 'invalid: approved provider missing',
    build: withCriteria([{ imageProviders: [OPS, VENDOR, EXC_ML] }]),
    expect: [
      {
        resourceId: RID,
        status: 'fail',
        severity: 'medium',
        messageId: 'differs',
        data: { state: 'audit-mode', asOf: '2026-02-01', differences: `approved providers missing from the criteria (their AMIs are refused): ${EXC_MIGRATION}` },
        details: { missingProviders: EXC_MIGRATION, extraProviders: null, extraConditions: null },
      },
    ],
  },
  {
    name: 'invalid: expired exception still allowed',
    build: withCriteria([{ imageProviders: APPROVED }]),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: RID, messageId: 'differs', details: { missingProviders: null, extraProviders: EXC_MIGRATION }, message: [`allowed but not approved in the config: ${EXC_MIGRATION}`] }],
  },
  {
    name: 'invalid: extra name condition',
    build: withCriteria([{ imageProviders: APPROVED, imageNames: ['golden-*'] }], 'enabled'),
    expect: [{ resourceId: RID, messageId: 'differs', data: { state: 'enabled' }, details: { missingProviders: null, extraConditions: 'image names golden-*' } }],
  },
  {
    name: 'aliases: configured amazon must be in the criteria',
    build: withCriteria([{ imageProviders: APPROVED }]),
    judge: { config: { provider_aliases: ['amazon'] } },
    expect: [{ resourceId: RID, messageId: 'differs', details: { missingProviders: 'amazon', extraProviders: null } }],
  },
  { name: 'not judged: disabled (allowed-amis-not-enabled reports it)', build: withCriteria([], 'disabled'), expect: [] },
  { name: 'cannot-verify: criteria not collected', build: withCriteria(undefined), expect: [{ resourceId: RID, status: 'cannot-verify', messageId: 'notCollected' }] },
]);

test('allowed-amis-drift: details list missing and extra providers', () => {
  const [f] = judge(withCriteria([{ imageProviders: [OPS, '999988887777'] }])(), RULE);
  assert.equal(f!.details?.['extraProviders'], '999988887777');
  assert.equal(f!.details?.['missingProviders'], [VENDOR, EXC_ML, EXC_MIGRATION].sort().join(','));
});
