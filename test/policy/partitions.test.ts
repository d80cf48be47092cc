/**
 * Policies that hold in every partition: "You can use wildcard characters (* and ?) within the individual
 * segments of an ARN (the parts separated by colons)" (IAM, Resource element), and ARNs begin with the
 * partition ("aws - AWS Regions, aws-cn - China Regions, aws-us-gov - AWS GovCloud (US) Regions"), so an ARN
 * hard-coded to arn:aws: matches nothing in aws-cn and aws-us-gov, and a deny statement there denies nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePolicies } from '../../src/policy/generate.ts';
import { callerPolicy, scanRolePolicy } from '../../src/scan/iam-policy.ts';
import { seedConfig } from './helpers.ts';

function arns(v: unknown): string[] {
  if (typeof v === 'string') return v.startsWith('arn:') ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(arns);
  if (v && typeof v === 'object') return Object.values(v).flatMap(arns);
  return [];
}

test('generated SCP, tag policy and IAM policies name every resource ARN with a wildcard partition', () => {
  const r = generatePolicies(seedConfig(), { asOf: '2026-02-01', mode: 'enabled' });
  const docs: [string, unknown][] = [
    ...r.files.filter((f) => f.key === 'scp' || f.key === 'tagPolicy').map((f): [string, unknown] => [f.name, f.value]),
    ['caller policy', callerPolicy('OrganizationAccountAccessRole')],
    ['scan role policy', scanRolePolicy()],
  ];
  let seen = 0;
  for (const [name, doc] of docs) {
    for (const arn of arns(doc)) {
      seen++;
      assert.match(arn, /^arn:\*:/, `${name}: ${arn} is tied to one partition`);
    }
  }
  assert.ok(seen >= 3, 'the policies name resource ARNs');
});
