import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_MIGRATION, AMI_ML, AMI_OPS, AMI_OUTSIDER, AMI_SELF, EXC_MIGRATION, EXC_ML, OPS, OUTSIDER, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'ami-in-workload-account';

runCases(RULE, [
  { name: 'valid: AMI owned by the ops publisher', build: () => inventory().account(OPS).image({ id: AMI_OPS, owner: OPS }).build(), expect: [] },
  { name: 'valid: AMI owned by an account with an active exception', build: () => inventory().account(EXC_ML).image({ id: AMI_ML, owner: EXC_ML }).build(), expect: [] },
  {
    name: 'valid: images only referenced (owned elsewhere) are not side-loaded here',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_OUTSIDER, owner: OUTSIDER }).build(),
    expect: [],
  },
  {
    name: 'invalid: AMI owned by a workload account',
    build: () =>
      inventory()
        .account(WORKLOAD, { name: 'payments' })
        .image({ id: AMI_SELF, owner: WORKLOAD })
        .instance({ account: WORKLOAD, image: AMI_SELF })
        .instance({ account: WORKLOAD, image: AMI_SELF, state: 'stopped' })
        .instance({ account: WORKLOAD, image: AMI_SELF, state: 'terminated' })
        .build(),
    expect: [
      {
        resourceId: AMI_SELF,
        accountId: WORKLOAD,
        status: 'fail',
        severity: 'low',
        blockedBy: 'scp',
        messageId: 'notApproved',
        data: { owner: `${WORKLOAD} ("payments")`, inUse: '2 running or stopped instances use it. ' },
        details: { instancesUsing: 2 },
      },
    ],
  },
  {
    name: 'invalid: AMI owned by an account whose exception expired says so',
    build: () => inventory().account(EXC_MIGRATION).image({ id: AMI_MIGRATION, owner: EXC_MIGRATION }).build(),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: AMI_MIGRATION, messageId: 'exceptionExpired', data: { owner: `${EXC_MIGRATION} ("acct-9999")`, expiryDate: '2026-02-28', inUse: '' }, details: { instancesUsing: 0 } }],
  },
  { name: 'valid: deregistered images are gone', build: () => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, state: 'deregistered' }).build(), expect: [] },
]);

test('ami-in-workload-account: investigate references, no destructive command', () => {
  const [f] = judge(inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD }).build(), RULE);
  assert.ok(f!.commands.every((c) => c.kind !== 'fix'));
  assert.equal(f!.details?.['instancesUsing'], 0);
});
