import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_MIGRATION, AMI_OPS, EXC_MIGRATION, OPS, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'expiring-exception';
const inv = () =>
  inventory()
    .account(WORKLOAD)
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .image({ id: AMI_OPS, owner: OPS })
    .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_MIGRATION })
    .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OPS })
    .build();

// Migration expires 2026-02-28; the default warning window is 14 days.
runCases(RULE, [
  { name: 'valid: 15 days before expiry is outside the window', build: inv, judge: { asOf: '2026-02-13' }, expect: [] },
  {
    name: 'invalid: 14 days before expiry is inside the window',
    build: inv,
    judge: { asOf: '2026-02-14' },
    expect: [
      {
        resourceId: 'i-00000000000000001',
        severity: 'medium',
        messageId: 'instance',
        data: { expiryDate: '2026-02-28', left: '14 days left', dayAfter: '2026-03-01' },
        details: { expiryDate: '2026-02-28', daysLeft: 14, warningDays: 14 },
        message: ['valid through 2026-02-28 (14 days left); from 2026-03-01 it is no longer approved'],
      },
    ],
  },
  {
    name: 'invalid: on the expiry date it is the last day',
    build: inv,
    judge: { asOf: '2026-02-28' },
    expect: [{ resourceId: 'i-00000000000000001', messageId: 'instance', data: { left: 'today is its last day' }, details: { daysLeft: 0 } }],
  },
  { name: 'valid: once expired it is expired-exception\'s business', build: inv, judge: { asOf: '2026-03-01' }, expect: [] },
  {
    name: 'configured warning window (3 days)',
    build: inv,
    judge: { asOf: '2026-02-24', config: { policy_config: { expiry_warning_days: 3 } } },
    expect: [],
  },
  {
    name: 'launch templates relying on the exception are reported too',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
        .launchTemplate({ id: 'lt-0000000000000000a', name: 'asg-web', account: WORKLOAD, default: [1, AMI_MIGRATION], latest: [2, AMI_MIGRATION] })
        .build(),
    judge: { asOf: '2026-02-20' },
    expect: [
      {
        resourceId: 'lt-0000000000000000a',
        messageId: 'launchTemplate',
        data: {
          name: '"asg-web"',
          versions: `version 1 (default) launches ${AMI_MIGRATION} ("image-${AMI_MIGRATION}") and version 2 (latest) launches ${AMI_MIGRATION} ("image-${AMI_MIGRATION}")`,
          left: '8 days left',
        },
        details: { versions: '1:default,2:latest', sourceVersion: 1, launchTemplateName: 'asg-web' },
      },
    ],
  },
]);

test('expiring-exception: launch template finding proposes a new version from its source version', () => {
  const i = inventory()
    .account(WORKLOAD)
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .launchTemplate({ id: 'lt-0000000000000000a', account: WORKLOAD, default: [3, AMI_MIGRATION] })
    .build();
  const [f] = judge(i, RULE, { asOf: '2026-02-20' });
  const create = f?.commands.find((c) => c.command.includes('create-launch-template-version'));
  assert.ok(create?.needsReview);
  assert.match(create!.command, /--source-version 3 /);
});
