import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COLLECTORS } from '../../src/scan/collectors/index.ts';
import { callerPolicy, policyJson, scanRolePermissions, scanRolePolicy } from '../../src/scan/iam-policy.ts';

const docs = (name: string) => readFileSync(new URL(`../../docs/iam/${name}`, import.meta.url), 'utf8');
const regenerate = 'out of date: regenerate with amigov iam --trusted 111111111111 --out docs/iam (docs/scan.md, "IAM")';

test('every collector declares the IAM actions it calls', () => {
  assert.ok(COLLECTORS.length >= 8);
  const ids = new Set<string>();
  for (const c of COLLECTORS) {
    assert.ok(!ids.has(c.id), `duplicate collector id ${c.id}`);
    ids.add(c.id);
    assert.ok(c.permissions.length > 0, `collector ${c.id} declares no permissions`);
    for (const p of c.permissions) assert.match(p, /^(ec2|sts|organizations|autoscaling|ssm|imagebuilder|backup):[A-Z][A-Za-z]+$/, `${c.id}: ${p}`);
  }
});

test('the scan role policy is the union of the scan-role collectors, read-only', () => {
  const expected = [...new Set(COLLECTORS.filter((c) => c.scope !== 'caller').flatMap((c) => c.permissions))].sort();
  assert.deepEqual(scanRolePermissions(), expected);
  for (const action of expected) assert.match(action, /^(ec2|autoscaling|ssm|imagebuilder|backup):(Describe|Get|List)/, `${action} is not read-only`);
});

test('docs/iam/amigov-scan-role-policy.json is the generated policy', () => {
  assert.equal(docs('amigov-scan-role-policy.json'), policyJson(scanRolePolicy()), regenerate);
});

test('docs/iam/amigov-caller-policy.json is the generated policy (for the kit role, amigov-scan)', () => {
  const doc = callerPolicy('amigov-scan');
  assert.equal(docs('amigov-caller-policy.json'), policyJson(doc));
  const actions = doc.Statement.flatMap((s) => s.Action);
  assert.ok(actions.includes('sts:AssumeRole'));
  for (const a of actions) assert.match(a, /^(organizations:(Describe|List)|sts:AssumeRole$|(ec2|autoscaling):(Describe|Get)|(ssm|imagebuilder|backup):(Describe|Get|List))/);
});
