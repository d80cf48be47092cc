/** generatePolicies: both modes, exceptions around their expiry day, aliases, criteria splitting, size limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePolicies, PolicyGenerationError, type GenerationResult } from '../../src/policy/generate.ts';
import { summarizeDeclarativePolicy } from '../../src/policy/declarative.ts';
import { summarizeScp, SCP_SIDS } from '../../src/policy/scp.ts';
import { chunkProviders, TooManyProvidersError } from '../../src/policy/providers.ts';
import { declarativePolicySchema, scpSchema, iamPolicySchema, cliCriteriaInputSchema, SCP_MAX_CHARS } from '../../src/policy/syntax.ts';
import { validateConfig } from '../../src/config/load.ts';
import { EXIT } from '../../src/errors.ts';
import { accountIds, manyAccountsRaw, seedConfig } from './helpers.ts';

const file = (r: GenerationResult, key: string) => r.files.find((f) => f.key === key)!;
const dpOf = (r: GenerationResult) => declarativePolicySchema.parse(file(r, 'declarative').value);
const scpOf = (r: GenerationResult) => scpSchema.parse(file(r, 'scp').value);

const SEED_5 = ['111122223333', '123456738923', '222233334444', '444455556666', '777788889999'];
const SEED_3 = ['111122223333', '123456738923', '444455556666'];

for (const mode of ['audit_mode', 'enabled'] as const) {
  test(`generation in ${mode}: state, providers, public blocking and message in the documented syntax`, () => {
    const r = generatePolicies(seedConfig(), { asOf: '2026-02-01', mode });
    const dp = JSON.parse(file(r, 'declarative').content);
    assert.deepEqual(dp.ec2_attributes.allowed_images_settings.state, { '@@assign': mode });
    assert.deepEqual(dp.ec2_attributes.allowed_images_settings.image_criteria, { criteria_1: { allowed_image_providers: { '@@assign': SEED_5 } } });
    assert.deepEqual(dp.ec2_attributes.image_block_public_access.state, { '@@assign': 'block_new_sharing' });
    assert.match(dp.ec2_attributes.exception_message['@@assign'], /https:\/\/wiki\.example\.com\/cloud\/ami-exception-request/);
    assert.deepEqual(dp.ec2_attributes.allowed_images_settings['@@operators_allowed_for_child_policies'], ['@@none']);
    // each file parses against the schema of its language
    declarativePolicySchema.parse(dp);
    scpSchema.parse(JSON.parse(file(r, 'scp').content));
    iamPolicySchema.parse(JSON.parse(file(r, 'tagPolicy').content));
    cliCriteriaInputSchema.parse(JSON.parse(file(r, 'cliCriteria').content));
    assert.equal(r.mode, mode);
  });
}

test('the mode defaults to policy_config.enforcement_mode', () => {
  const r = generatePolicies(seedConfig((raw) => (raw.policy_config.enforcement_mode = 'enabled')), { asOf: '2026-02-01' });
  assert.equal(summarizeDeclarativePolicy(dpOf(r)).state, 'enabled');
});

test('generated output is deterministic for the same config, date and mode', () => {
  const a = generatePolicies(seedConfig(), { asOf: '2026-02-01', mode: 'enabled' });
  const b = generatePolicies(seedConfig(), { asOf: '2026-02-01', mode: 'enabled' });
  assert.deepEqual(a.files.map((f) => f.content), b.files.map((f) => f.content));
});

const expiryTable: [string, string[], string[]][] = [
  ['2026-02-01', SEED_5, []],
  ['2026-02-28', SEED_5, []], // last valid day of 777788889999
  ['2026-03-01', ['111122223333', '123456738923', '222233334444', '444455556666'], ['777788889999']],
  ['2026-03-15', ['111122223333', '123456738923', '222233334444', '444455556666'], ['777788889999']],
  ['2026-03-16', SEED_3, ['777788889999', '222233334444']],
  ['2026-11-23', SEED_3, ['777788889999', '222233334444']],
];
for (const [asOf, providers, dropped] of expiryTable) {
  test(`exceptions as of ${asOf}: ${providers.length} providers, dropped [${dropped.join(', ')}]`, () => {
    const r = generatePolicies(seedConfig(), { asOf, mode: 'audit_mode' });
    assert.deepEqual(r.providers, providers);
    assert.deepEqual(r.allowlist.expiredExceptions.map((e) => e.accountId), dropped);
    assert.deepEqual(summarizeDeclarativePolicy(dpOf(r)).providers, providers);
    const scp = summarizeScp(scpOf(r));
    assert.deepEqual(scp.providers, providers);
    assert.deepEqual(scp.creationExempt, providers);
    assert.deepEqual(scp.sharingExempt, providers);
  });
}

test('aliases: underscores in the declarative policy, hyphens in the SCP ec2:Owner list and the CLI criteria', () => {
  const r = generatePolicies(seedConfig((raw) => (raw.provider_aliases = ['aws-marketplace', 'amazon', 'aws-backup-vault'])), { asOf: '2026-11-23' });
  const dp = JSON.parse(file(r, 'declarative').content);
  assert.deepEqual(dp.ec2_attributes.allowed_images_settings.image_criteria.criteria_1.allowed_image_providers['@@assign'], [
    ...SEED_3,
    'amazon',
    'aws_backup_vault',
    'aws_marketplace',
  ]);
  const owners = scpOf(r).Statement.find((s) => s.Sid === SCP_SIDS.launch)!.Condition!['StringNotEquals']!['ec2:Owner'];
  assert.deepEqual(owners, [...SEED_3, 'amazon', 'aws-backup-vault', 'aws-marketplace']);
  // aliases are not accounts: they are never exempted from the creation/sharing denies
  assert.deepEqual(summarizeScp(scpOf(r)).creationExempt, SEED_3);
  assert.deepEqual(JSON.parse(file(r, 'cliCriteria').content), { ImageCriteria: [{ ImageProviders: [...SEED_3, 'amazon', 'aws-backup-vault', 'aws-marketplace'] }] });
});

test('the SCP: the seed three statements, image ARN, creation actions, sharing actions', () => {
  const scp = scpOf(generatePolicies(seedConfig(), { asOf: '2026-11-23' }));
  assert.deepEqual(scp.Statement.map((s) => s.Sid), Object.values(SCP_SIDS));
  const [launch, create, share] = scp.Statement;
  assert.equal(launch!.Resource, 'arn:*:ec2:*::image/*');
  assert.equal(launch!.Action, 'ec2:RunInstances');
  for (const a of ['ec2:CreateImage', 'ec2:CopyImage', 'ec2:RegisterImage', 'ec2:ImportImage']) assert.ok((create!.Action as string[]).includes(a), a);
  assert.deepEqual(share!.Action, ['ec2:ModifyImageAttribute', 'ec2:DisableImageBlockPublicAccess']);
  assert.ok(scp.Statement.every((s) => s.Effect === 'Deny'));
});

test('--scp-publisher-exemption ou: no aws:PrincipalAccount condition, and a warning to attach to workload OUs only', () => {
  const r = generatePolicies(seedConfig(), { asOf: '2026-11-23', scpExemption: 'ou' });
  const s = summarizeScp(scpOf(r));
  assert.equal(s.creationExempt, undefined);
  assert.equal(s.sharingExempt, undefined);
  assert.match(r.warnings.join('\n'), /workload OUs only/);
});

test('the prod tag policy uses the configured approved tag', () => {
  const r = generatePolicies(seedConfig((raw) => (raw.policy_config.approved_ami_tag = { key: 'ami-approval', values: ['golden', 'prod'] })), { asOf: '2026-11-23' });
  const text = file(r, 'tagPolicy').content;
  assert.match(text, /"ec2:ResourceTag\/ami-approval"/);
  const policy = iamPolicySchema.parse(JSON.parse(text));
  const deny = policy.Statement.find((s) => s.Sid === 'DenyRunInstancesFromUnapprovedImages')!;
  assert.deepEqual(deny.Condition, { StringNotEquals: { 'ec2:ResourceTag/ami-approval': ['golden', 'prod'] } });
  const protect = policy.Statement.find((s) => s.Sid === 'DenyChangingTheApprovalTagOnImages')!;
  assert.deepEqual(protect.Condition, { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['ami-approval'] } });
});

test('the prod tag policy pairs the tag with the approved owners (ec2:Owner) and denies tagging images to all but the propagation role', () => {
  const r = generatePolicies(seedConfig((raw) => (raw.policy_config.tag_propagation_role = 'platform/ami-tag-propagation')), { asOf: '2026-11-23' });
  const policy = iamPolicySchema.parse(JSON.parse(file(r, 'tagPolicy').content));
  const owners = ['111122223333', '123456738923', '444455556666']; // the seed allowlist as of 2026-11-23 (both exceptions expired)
  const sid = (id: string) => policy.Statement.find((s) => s.Sid === id)!;
  assert.deepEqual(sid('AllowRunInstancesFromApprovedImages').Condition, { StringEquals: { 'ec2:ResourceTag/Environment': ['Prod'] } });
  // The explicit deny pairs the owner with the tag: the Allow holds only for an approved owner's tagged image.
  assert.deepEqual(sid('DenyRunInstancesFromUnapprovedOwners'), {
    Sid: 'DenyRunInstancesFromUnapprovedOwners',
    Effect: 'Deny',
    Action: 'ec2:RunInstances',
    Resource: 'arn:*:ec2:*::image/*',
    Condition: { StringNotEquals: { 'ec2:Owner': owners } },
  });
  assert.deepEqual(sid('DenyChangingTheApprovalTagOnImages').Action, ['ec2:CreateTags', 'ec2:DeleteTags']);
  assert.deepEqual(sid('DenyChangingTheApprovalTagOnImages').Condition, {
    'ForAnyValue:StringEquals': { 'aws:TagKeys': ['Environment'] },
    ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/platform/ami-tag-propagation'] },
  });
});

test('policy_config.tag_propagation_role must be an IAM role name', () => {
  assert.throws(() => seedConfig((raw) => (raw.policy_config.tag_propagation_role = 'arn:aws:iam::1:role/x y')), /tag_propagation_role/);
});

test('criteria splitting: 200 providers fit one criterion, 201 need two, 2000 need ten', () => {
  assert.equal(chunkProviders(accountIds(200)).length, 1);
  const two = chunkProviders(accountIds(201));
  assert.deepEqual(two.map((c) => c.length), [200, 1]);
  assert.deepEqual(chunkProviders(accountIds(2000)).map((c) => c.length), Array(10).fill(200));
  assert.throws(() => chunkProviders(accountIds(2001)), TooManyProvidersError);
});

test('generation splits a 250-provider allowlist into criteria_1 (200) and criteria_2 (50) with the ou exemption', () => {
  const cfg = validateConfig(manyAccountsRaw(249), 't.json'); // + the ops publisher = 250
  const r = generatePolicies(cfg, { asOf: '2026-11-23', scpExemption: 'ou' });
  const crit = (dpOf(r).ec2_attributes.allowed_images_settings!.image_criteria ?? {}) as Record<string, any>;
  assert.deepEqual(Object.keys(crit), ['criteria_1', 'criteria_2']);
  assert.equal(crit['criteria_1'].allowed_image_providers['@@assign'].length, 200);
  assert.equal(crit['criteria_2'].allowed_image_providers['@@assign'].length, 50);
  assert.deepEqual(JSON.parse(file(r, 'cliCriteria').content).ImageCriteria.map((c: any) => c.ImageProviders.length), [200, 50]);
  assert.match(r.warnings.join('\n'), /total of 200/);
});

test('more than 10 x 200 providers is a clear error, and nothing is generated', () => {
  const cfg = validateConfig(manyAccountsRaw(2001), 't.json');
  assert.throws(
    () => generatePolicies(cfg, { asOf: '2026-11-23' }),
    (err: unknown) => err instanceof PolicyGenerationError && /2002 image providers, 2 more than Allowed AMIs can hold \(10 criteria x 200 providers = 2000\)/.test(err.message) && err.exitCode === EXIT.USAGE,
  );
});

test('a declarative policy over 10,000 characters is refused with the overage', () => {
  const cfg = validateConfig(manyAccountsRaw(700), 't.json');
  assert.throws(
    () => generatePolicies(cfg, { asOf: '2026-11-23', scpExemption: 'ou' }),
    (err: unknown) => err instanceof PolicyGenerationError && /declarative-policy-ec2\.json would be [\d,]+ characters, [\d,]+ over the 10,000-character limit/.test(err.message),
  );
});

test('SCP size: just under the limit is written, over it fails saying by how much and what to do, never truncated', () => {
  // Find the largest allowlist that fits with the default exemption, by growing it.
  let fits = 0;
  for (let n = 50; n < 200; n++) {
    try {
      generatePolicies(validateConfig(manyAccountsRaw(n), 't.json'), { asOf: '2026-11-23' });
      fits = n;
    } catch (err) {
      assert.ok(err instanceof PolicyGenerationError);
      break;
    }
  }
  assert.ok(fits > 50, `expected more than 50 accounts to fit, got ${fits}`);
  const ok = generatePolicies(validateConfig(manyAccountsRaw(fits), 't.json'), { asOf: '2026-11-23' });
  const scpFile = ok.files.find((f) => f.key === 'scp')!;
  assert.ok(scpFile.size <= SCP_MAX_CHARS && scpFile.content.length === scpFile.size);
  assert.equal(summarizeScp(scpSchema.parse(JSON.parse(scpFile.content))).providers!.length, fits + 1);

  const err = (() => {
    try {
      generatePolicies(validateConfig(manyAccountsRaw(fits + 1), 't.json'), { asOf: '2026-11-23' });
    } catch (e) {
      return e as PolicyGenerationError;
    }
    assert.fail('expected the SCP size error');
  })();
  const m = /scp-ami-guardrail\.json would be ([\d,]+) characters, ([\d,]+) over the 5,120-character limit/.exec(err.message);
  assert.ok(m, err.message);
  const size = Number(m[1]!.replace(/,/g, ''));
  assert.equal(Number(m[2]!.replace(/,/g, '')), size - 5120);
  assert.match(err.hint ?? '', /--scp-publisher-exemption ou: the SCP then carries the account list once \([\d,]+ characters, which fits\)/);
  assert.match(err.hint ?? '', /cannot be split across several SCPs/);
  // and with the suggested option it does generate
  assert.ok(generatePolicies(validateConfig(manyAccountsRaw(fits + 1), 't.json'), { asOf: '2026-11-23', scpExemption: 'ou' }));
});
