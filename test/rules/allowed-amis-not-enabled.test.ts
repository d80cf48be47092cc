import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'allowed-amis-not-enabled';
const RID = 'allowed-images-settings';
const withState = (allowed: 'enabled' | 'audit-mode' | 'disabled' | 'unknown') => () => inventory().account(WORKLOAD).regionSettings({ account: WORKLOAD, allowed }).build();
const ENABLED = { config: { policy_config: { enforcement_mode: 'enabled' } } };

runCases(RULE, [
  { name: 'valid (audit_mode config): audit-mode', build: withState('audit-mode'), expect: [] },
  { name: 'valid (audit_mode config): enabled is stricter, fine', build: withState('enabled'), expect: [] },
  { name: 'invalid (audit_mode config): disabled', build: withState('disabled'), expect: [{ resourceId: RID, status: 'fail', severity: 'high', messageId: 'disabled', data: { state: 'disabled', mode: 'audit_mode' } }] },
  { name: 'valid (enabled config): enabled', build: withState('enabled'), judge: ENABLED, expect: [] },
  { name: 'invalid (enabled config): audit-mode', build: withState('audit-mode'), judge: ENABLED, expect: [{ resourceId: RID, messageId: 'auditMode', data: { state: 'audit-mode', mode: 'enabled' }, message: ['only reported'] }] },
  { name: 'cannot-verify: unknown settings', build: withState('unknown'), expect: [{ resourceId: RID, status: 'cannot-verify', severity: 'low', messageId: 'unknown' }] },
  {
    name: 'not judged: region not scanned',
    build: () => inventory().account(WORKLOAD).coverage(WORKLOAD, 'us-east-1', 'error', 'timeout').build(),
    expect: [],
  },
]);

test('allowed-amis-not-enabled: inspect command and policy generator pointer', () => {
  const [f] = judge(withState('disabled')(), RULE);
  assert.equal(f!.commands[0]!.command, 'aws ec2 get-allowed-images-settings --region us-east-1');
  assert.equal(f!.commands[1]!.command, 'amigov policy generate --mode audit_mode');
  assert.equal(f!.commands[1]!.needsReview, true);
});

test('allowed-amis-not-enabled: a setting managed by a declarative policy points at the organization policy', () => {
  for (const [state, judgeOpts, messageId] of [
    ['disabled', {}, 'disabledByPolicy'],
    ['audit-mode', ENABLED, 'auditModeByPolicy'],
  ] as const) {
    const inv = withState(state)();
    inv.regionSettings[0]!.allowedImages.managedBy = 'declarative-policy';
    const [f] = judge(inv, RULE, judgeOpts);
    assert.equal(f!.messageId, messageId);
    assert.equal(f!.details?.['managedBy'], 'declarative-policy');
    assert.ok(f!.message.endsWith(' The setting is managed by a declarative policy: update and re-apply the organization policy.'), f!.message);
    assert.deepEqual(
      f!.commands.map((c) => c.command.split(' --region')[0]),
      [
        'aws ec2 get-allowed-images-settings',
        `aws organizations list-policies-for-target --target-id ${WORKLOAD} --filter DECLARATIVE_POLICY_EC2`,
        `aws organizations describe-effective-policy --policy-type DECLARATIVE_POLICY_EC2 --target-id ${WORKLOAD}`,
        `amigov policy generate --mode ${state === 'disabled' ? 'audit_mode' : 'enabled'}`,
      ],
    );
  }
});
