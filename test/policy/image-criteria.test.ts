/**
 * policy_config.image_criteria in the generated policies: every field in AWS's spellings, the 200-provider
 * split, the syntax schema (documented fields and states accepted, unknown keys refused), and policy validate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePolicies, PolicyGenerationError, type GenerationResult } from '../../src/policy/generate.ts';
import { cliCriteriaInputSchema, declarativePolicySchema } from '../../src/policy/syntax.ts';
import { accountIds, runCli, seedConfig, seedRaw, tempDir, writeJson } from './helpers.ts';

const file = (r: GenerationResult, key: string) => r.files.find((f) => f.key === key)!;
const OPS = '123456738923';
const CRITERIA = [
  { allowed_image_providers: [OPS], image_names: ['golden-*'], creation_date_condition: { maximum_days_since_created: 365 }, deprecation_time_condition: { maximum_days_since_deprecated: 0 } },
  { marketplace_product_codes: ['abc123'] },
];
const withCriteria = (raw: Record<string, any>, criteria: unknown = CRITERIA) => {
  raw.policy_config.image_criteria = criteria;
};

test('generate: the declarative policy carries every criterion field in its own spelling', () => {
  const r = generatePolicies(seedConfig((raw) => withCriteria(raw)), { asOf: '2026-02-01', mode: 'enabled' });
  const dp = JSON.parse(file(r, 'declarative').content);
  assert.deepEqual(dp.ec2_attributes.allowed_images_settings.image_criteria, {
    criteria_1: {
      allowed_image_providers: { '@@assign': [OPS] },
      image_names: { '@@assign': ['golden-*'] },
      creation_date_condition: { maximum_days_since_created: { '@@assign': 365 } },
      deprecation_time_condition: { maximum_days_since_deprecated: { '@@assign': 0 } },
    },
    // providers left out = every approved provider of the allowlist as of the date
    criteria_2: {
      allowed_image_providers: { '@@assign': ['111122223333', OPS, '222233334444', '444455556666', '777788889999'] },
      marketplace_product_codes: { '@@assign': ['abc123'] },
    },
  });
  declarativePolicySchema.parse(dp);
});

test('generate: the CLI criteria carry the API names', () => {
  const r = generatePolicies(seedConfig((raw) => withCriteria(raw)), { asOf: '2026-02-01', mode: 'enabled' });
  const cli = JSON.parse(file(r, 'cliCriteria').content);
  assert.deepEqual(cli.ImageCriteria[0], {
    ImageProviders: [OPS],
    ImageNames: ['golden-*'],
    CreationDateCondition: { MaximumDaysSinceCreated: 365 },
    DeprecationTimeCondition: { MaximumDaysSinceDeprecated: 0 },
  });
  assert.deepEqual(Object.keys(cli.ImageCriteria[1]), ['ImageProviders', 'MarketplaceProductCodes']);
  cliCriteriaInputSchema.parse(cli);
});

test('generate: the SCP stays owner-based and carries the whole allowlist', () => {
  const r = generatePolicies(seedConfig((raw) => withCriteria(raw, [{ allowed_image_providers: [OPS], image_names: ['golden-*'] }])), { asOf: '2026-02-01', mode: 'enabled' });
  const scp = file(r, 'scp').content;
  for (const id of ['111122223333', OPS, '444455556666']) assert.ok(scp.includes(id), id);
  assert.ok(!scp.includes('golden-*'));
});

test('generate: a criterion with 250 providers is split at 200, each part keeping its other fields; more than 10 parts is an error', () => {
  const ids = accountIds(250);
  const many = (raw: Record<string, any>, n: number) => {
    raw.vendor_publisher_accounts = accountIds(n).map((id, i) => ({ account_id: id, vendor: `v${i}` }));
    withCriteria(raw, [{ image_names: ['golden-*'] }]);
  };
  const r = generatePolicies(seedConfig((raw) => many(raw, 250)), { asOf: '2026-02-01', mode: 'enabled', scpExemption: 'ou' });
  const crit = JSON.parse(file(r, 'declarative').content).ec2_attributes.allowed_images_settings.image_criteria;
  assert.deepEqual(Object.keys(crit), ['criteria_1', 'criteria_2']);
  assert.equal(crit.criteria_1.allowed_image_providers['@@assign'].length, 200);
  assert.deepEqual(crit.criteria_2.image_names, { '@@assign': ['golden-*'] });
  assert.ok(ids.length === 250);
  assert.throws(
    () => generatePolicies(seedConfig((raw) => { many(raw, 250); withCriteria(raw, Array.from({ length: 6 }, (_, i) => ({ image_names: [`n${i}-*`] }))); }), { asOf: '2026-02-01', mode: 'enabled', scpExemption: 'ou' }),
    (e: unknown) => e instanceof PolicyGenerationError && /needs 12 criteria .* more than the 10/.test(e.message),
  );
});

test('syntax: the documented fields, the disabled state and the none provider are accepted; unknown keys and "none" with others are not', () => {
  const policy = (criterion: unknown, state = 'disabled') => ({
    ec2_attributes: { allowed_images_settings: { state: { '@@assign': state }, image_criteria: { criteria_1: criterion } } },
  });
  assert.ok(declarativePolicySchema.safeParse(policy({ allowed_image_providers: { '@@assign': ['none'] } })).success);
  assert.ok(declarativePolicySchema.safeParse(policy({ image_names: { '@@assign': ['a*'] }, creation_date_condition: { maximum_days_since_created: { '@@assign': 1 } } })).success);
  assert.ok(!declarativePolicySchema.safeParse(policy({ allowed_image_providers: { '@@assign': ['none', OPS] } })).success);
  assert.ok(!declarativePolicySchema.safeParse(policy({ image_name: { '@@assign': ['a*'] } })).success);
  assert.ok(!declarativePolicySchema.safeParse(policy({ creation_date_condition: { maximum_days: { '@@assign': 1 } } })).success);
  assert.ok(!declarativePolicySchema.safeParse(policy({ image_names: { '@@assign': ['bad|name'] } })).success);
  assert.ok(!declarativePolicySchema.safeParse(policy({}, 'audit-mode')).success);
  assert.ok(cliCriteriaInputSchema.safeParse({ ImageCriteria: [{ ImageProviders: ['none'] }] }).success);
  assert.ok(!cliCriteriaInputSchema.safeParse({ ImageCriteria: [{ ImageProviders: [OPS], image_names: ['x'] }] }).success);
});

test('validate: generated policies with criteria pass; a criterion edited by hand fails its check', async () => {
  const dir = tempDir();
  const cfgPath = writeJson(join(dir, 'cfg.json'), (() => { const raw = seedRaw(); withCriteria(raw); return raw; })());
  const dist = join(dir, 'dist');
  const g = await runCli('policy', 'generate', '--config', cfgPath, '--mode', 'audit_mode', '--as-of', '2026-02-01', '--out', dist);
  assert.equal(g.code, 0, g.stderr);
  const v = await runCli('policy', 'validate', '--config', cfgPath, '--dist', dist, '--as-of', '2026-02-01', '--json');
  const report = JSON.parse(v.stdout);
  assert.deepEqual(report.checks.filter((c: any) => c.status === 'fail').map((c: any) => c.id), []);
  assert.equal(v.code, 0);
  const p = join(dist, 'declarative-policy-ec2.json');
  const dp = JSON.parse(readFileSync(p, 'utf8'));
  dp.ec2_attributes.allowed_images_settings.image_criteria.criteria_1.image_names['@@assign'] = ['*'];
  writeFileSync(p, JSON.stringify(dp));
  const v2 = await runCli('policy', 'validate', '--config', cfgPath, '--dist', dist, '--as-of', '2026-02-01', '--json');
  const failed = JSON.parse(v2.stdout).checks.filter((c: any) => c.status === 'fail');
  assert.deepEqual(failed.map((c: any) => c.id), ['criteria.declarative-vs-config']);
  assert.match(JSON.stringify(failed[0]), /in the config but not in the policy: names golden-\*; created within 365 days; deprecated within 0 days/);
  assert.equal(v2.code, 1);
});

// ---- SCP principal exemption (AWS Backup / Data Lifecycle Manager) ---------------------------------------

const scpOf = (r: GenerationResult) => JSON.parse(file(r, 'scp').content) as { Statement: { Sid: string; Condition?: Record<string, Record<string, unknown>> }[] };

test('SCP: the creation and sharing denies spare the standard AWS Backup and DLM roles by default (aws:PrincipalArn, every partition)', () => {
  const scp = scpOf(generatePolicies(seedConfig(), { asOf: '2026-02-01', mode: 'enabled' }));
  for (const sid of ['DenyAMICreationAndSideload', 'DenyPublicAMISharing']) {
    const st = scp.Statement.find((s) => s.Sid === sid)!;
    assert.deepEqual(st.Condition!['ArnNotLike'], {
      'aws:PrincipalArn': [
        'arn:*:iam::*:role/AWSDataLifecycleManagerDefaultRoleForAMIManagement',
        'arn:*:iam::*:role/service-role/AWSBackupDefaultServiceRole',
        'arn:*:iam::*:role/service-role/AWSDataLifecycleManagerDefaultRoleForAMIManagement',
        // The sharing deny also spares amigov remediate's role (policy_config.remediation_role_name, #15).
        ...(sid === 'DenyPublicAMISharing' ? ['arn:*:iam::*:role/amigov-remediation'] : []),
      ],
    });
    assert.ok(st.Condition!['StringNotEquals']!['aws:PrincipalAccount'], 'the publisher exemption stays');
  }
  assert.equal(scp.Statement.find((s) => s.Sid === 'DenyEC2LaunchWithNonApprovedAMIs')!.Condition!['ArnNotLike'], undefined, 'launches are never exempt');
});

test('SCP: the exemption is configurable, and an empty list removes it', () => {
  const custom = scpOf(generatePolicies(seedConfig((raw) => (raw.policy_config.scp_exempt_principal_arns = ['arn:*:iam::*:role/backup/*'])), { asOf: '2026-02-01', mode: 'enabled' }));
  assert.deepEqual(custom.Statement[1]!.Condition!['ArnNotLike'], { 'aws:PrincipalArn': ['arn:*:iam::*:role/backup/*'] });
  const none = scpOf(generatePolicies(seedConfig((raw) => (raw.policy_config.scp_exempt_principal_arns = [])), { asOf: '2026-02-01', mode: 'enabled', scpExemption: 'ou' }));
  assert.equal(none.Statement[1]!.Condition, undefined);
  assert.throws(() => seedConfig((raw) => (raw.policy_config.scp_exempt_principal_arns = ['arn:aws:s3:::bucket'])), /is not an IAM role ARN pattern/);
});
