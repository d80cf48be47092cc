import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_MIGRATION, AMI_OPS, EXC_MIGRATION, OPS, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'expired-exception';
const inv = () =>
  inventory()
    .account(WORKLOAD)
    .account(EXC_MIGRATION, { name: 'migration' })
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION, seenVia: 'reference' })
    .image({ id: AMI_OPS, owner: OPS })
    .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_MIGRATION })
    .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OPS })
    .build();

runCases(RULE, [
  // The Migration exception expires 2026-02-28: valid through the end of that day (UTC).
  { name: 'valid: on the expiry date itself the exception still holds', build: inv, judge: { asOf: '2026-02-28' }, expect: [] },
  { name: 'valid: well before expiry', build: inv, judge: { asOf: '2026-01-15' }, expect: [] },
  {
    name: 'invalid: the day after the expiry date',
    build: inv,
    judge: { asOf: '2026-03-01' },
    expect: [
      {
        resourceId: 'i-00000000000000001',
        severity: 'high',
        blockedBy: 'both',
        messageId: 'expired',
        data: { expiryDate: '2026-02-28', ticket: 'CHG-2026-0142', daysAgo: '1 day', asOf: '2026-03-01', blockedBy: 'blocked by: both (the declarative policy and the SCP)' },
        details: { expiryDate: '2026-02-28', ticket: 'CHG-2026-0142', daysSinceExpiry: 1 },
        message: ['expired on 2026-02-28 (1 day ago as of 2026-03-01)'],
      },
    ],
  },
  {
    name: 'invalid: the exception account running its own AMI is blocked by the SCP only',
    build: () =>
      inventory()
        .account(EXC_MIGRATION)
        .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
        .instance({ id: 'i-00000000000000003', account: EXC_MIGRATION, image: AMI_MIGRATION, state: 'stopped' })
        .build(),
    judge: { asOf: '2026-04-01' },
    expect: [{ resourceId: 'i-00000000000000003', blockedBy: 'scp', messageId: 'expired', data: { state: 'stopped', daysAgo: '32 days' }, details: { daysSinceExpiry: 32 } }],
  },
  {
    name: 'terminated instances do not count',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
        .instance({ account: WORKLOAD, image: AMI_MIGRATION, state: 'terminated' })
        .build(),
    judge: { asOf: '2026-03-01' },
    expect: [],
  },
]);

test('expired-exception: details carry ticket and expiry', () => {
  const [f] = judge(inv(), RULE, { asOf: '2026-03-10' });
  assert.equal(f?.details?.['ticket'], 'CHG-2026-0142');
  assert.equal(f?.details?.['expiryDate'], '2026-02-28');
  assert.equal(f?.details?.['daysSinceExpiry'], 10);
});
