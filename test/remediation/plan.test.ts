/** The remediation plan (pure) and the remediation role's documented policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildPlan, commandOf } from '../../src/remediation/plan.ts';
import { REMEDIATION_PERMISSIONS } from '../../src/remediation/apply.ts';
import { scpDenial } from '../../src/remediation/scp-warning.ts';
import { buildScp } from '../../src/policy/scp.ts';
import { judgeDoc, inventory, AMI_SELF, OPS, WORKLOAD, WORKLOAD_2 } from '../helpers/inventory-builder.ts';
import { UserError } from '../../src/errors.ts';

test('docs/iam/amigov-remediation-role-policy.json grants exactly what amigov remediate calls', () => {
  const doc = JSON.parse(readFileSync('docs/iam/amigov-remediation-role-policy.json', 'utf8'));
  assert.deepEqual([...doc.Statement[0].Action].sort(), [...REMEDIATION_PERMISSIONS].sort());
});

const doc = () =>
  judgeDoc(
    inventory()
      .account(OPS, { name: 'ops' })
      .account(WORKLOAD, { name: 'w' })
      .account(WORKLOAD_2, { name: 'w2' })
      .image({ id: AMI_SELF, owner: WORKLOAD, public: true })
      .regionSettings({ account: WORKLOAD_2, bpa: 'unblocked', allowed: 'audit-mode' })
      .build(),
    undefined,
  );

test('the plan: public AMIs made private and block public access enabled, each with its reverse', () => {
  const { changes } = buildPlan(doc(), {});
  const byOp = Object.fromEntries(changes.map((c) => [c.action.op, c]));
  assert.equal(byOp['remove-public-launch-permission']!.accountId, WORKLOAD);
  assert.deepEqual(byOp['remove-public-launch-permission']!.undo, { op: 'add-public-launch-permission', imageId: AMI_SELF });
  assert.deepEqual(byOp['enable-image-block-public-access']!.undo, { op: 'disable-image-block-public-access' });
  const env = { accountName: () => undefined };
  assert.equal(commandOf(env, byOp['enable-image-block-public-access']!, { op: 'disable-image-block-public-access' }), 'aws ec2 disable-image-block-public-access --region us-east-1');
  assert.deepEqual(buildPlan(doc(), { rules: ['public-ami'] }).changes.map((c) => c.action.op), ['remove-public-launch-permission']);
  assert.deepEqual(buildPlan(doc(), { accounts: [WORKLOAD_2] }).changes.map((c) => c.accountId), [WORKLOAD_2]);
  assert.throws(() => buildPlan(doc(), { findingIds: ['0123456789abcdef'] }), UserError);
});

test('the SCP check: the generated SCP denies ModifyImageAttribute outside the publishers, except to the remediation role', () => {
  const scp = buildScp({ providers: [OPS], publisherAccounts: [OPS], exemption: 'principal-account', remediationRoleName: 'amigov-remediation' });
  const make = { op: 'remove-public-launch-permission', imageId: AMI_SELF } as const;
  assert.equal(scpDenial(scp, make, WORKLOAD, `arn:aws:iam::${WORKLOAD}:role/OrganizationAccountAccessRole`), 'DenyPublicAMISharing');
  assert.equal(scpDenial(scp, make, WORKLOAD, `arn:aws-us-gov:sts::${WORKLOAD}:assumed-role/amigov-remediation/s1`), undefined, 'any partition, the session maps to its role');
  assert.equal(scpDenial(scp, make, WORKLOAD, `arn:aws:iam::${WORKLOAD}:role/x-amigov-remediation`), 'DenyPublicAMISharing', 'a look-alike name is not exempt');
  assert.equal(scpDenial(scp, make, OPS, `arn:aws:iam::${OPS}:role/OrganizationAccountAccessRole`), undefined, 'publishers stay exempt');
  assert.equal(scpDenial(scp, { op: 'enable-image-block-public-access' }, WORKLOAD, `arn:aws:iam::${WORKLOAD}:role/Other`), undefined);
});
