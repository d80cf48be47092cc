/** The zod schemas of the documented policy syntax: what they accept and what they reject, as tables. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliCriteriaInputSchema, declarativePolicySchema, describeIssues, iamPolicySchema, scpSchema } from '../../src/policy/syntax.ts';
import { accountIds } from './helpers.ts';

const dp = (allowed: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ec2_attributes: { allowed_images_settings: allowed, ...extra } });
const criteria = (providers: unknown) => ({ criteria_1: { allowed_image_providers: { '@@assign': providers } } });

const validDeclarative: [string, unknown][] = [
  ['minimal audit_mode', dp({ state: { '@@assign': 'audit_mode' }, image_criteria: criteria(['123456789012']) })],
  ['enabled with aliases spelled with underscores', dp({ state: { '@@assign': 'enabled' }, image_criteria: criteria(['amazon', 'aws_marketplace', 'aws_backup_vault']) })],
  [
    'child-control operators and @@append',
    {
      ec2_attributes: {
        '@@operators_allowed_for_child_policies': ['@@none'],
        exception_message: { '@@assign': 'Denied. https://x.example' },
        image_block_public_access: { state: { '@@assign': 'block_new_sharing' } },
        allowed_images_settings: { state: { '@@assign': 'enabled' }, image_criteria: { criteria_10: { allowed_image_providers: { '@@append': ['123456789012'] } } } },
      },
    },
  ],
  ['200 providers in one criterion', dp({ state: { '@@assign': 'enabled' }, image_criteria: criteria(accountIds(200)) })],
  ['other EC2 attributes pass through', { ec2_attributes: { instance_metadata_defaults: { http_tokens: { '@@assign': 'required' } } } }],
];

const invalidDeclarative: [string, unknown, RegExp][] = [
  ['bare value instead of an operator', dp({ state: 'enabled' }), /value-setting operator|expected object/],
  ['API spelling of the state', dp({ state: { '@@assign': 'audit-mode' } }), /audit_mode/],
  ['API spelling of an alias', dp({ state: { '@@assign': 'enabled' }, image_criteria: criteria(['aws-marketplace']) }), /aws_marketplace/],
  ['201 providers in one criterion', dp({ state: { '@@assign': 'enabled' }, image_criteria: criteria(accountIds(201)) }), /200/],
  ['criteria_11', dp({ state: { '@@assign': 'enabled' }, image_criteria: { criteria_11: { allowed_image_providers: { '@@assign': ['123456789012'] } } } }), /criteria_1 \.\. criteria_10/],
  ['two operators at once', dp({ state: { '@@assign': 'enabled', '@@append': 'enabled' } }), /exactly one/],
  ['misspelled key', dp({ state: { '@@assign': 'enabled' }, image_critera: {} }), /image_critera|Unrecognized/],
  ['not under ec2_attributes', { allowed_images_settings: {} }, /ec2_attributes|Unrecognized/],
  ['BPA state block_all_sharing (not an image BPA value)', { ec2_attributes: { image_block_public_access: { state: { '@@assign': 'block_all_sharing' } } } }, /unblocked|block_new_sharing|Invalid/],
  ['empty provider list', dp({ state: { '@@assign': 'enabled' }, image_criteria: criteria([]) }), /1/],
];

for (const [name, value] of validDeclarative) {
  test(`declarative schema accepts: ${name}`, () => {
    const r = declarativePolicySchema.safeParse(value);
    assert.ok(r.success, r.success ? '' : describeIssues(r.error).join('\n'));
  });
}
for (const [name, value, re] of invalidDeclarative) {
  test(`declarative schema rejects: ${name}`, () => {
    const r = declarativePolicySchema.safeParse(value);
    assert.equal(r.success, false);
    assert.match(describeIssues(r.error!).join('\n'), re);
  });
}

const stmt = { Sid: 'A1', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: '*' };
const invalidScp: [string, unknown, RegExp][] = [
  ['Principal is not allowed in an SCP', { Version: '2012-10-17', Statement: [{ ...stmt, Principal: '*' }] }, /Principal|Unrecognized/],
  ['old Version', { Version: '2008-10-17', Statement: [stmt] }, /2012-10-17/],
  ['no Resource', { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Deny', Action: 'ec2:*' }] }, /Resource/],
  ['both Action and NotAction', { Version: '2012-10-17', Statement: [{ ...stmt, NotAction: 'x:y' }] }, /Action or NotAction/],
  ['Sid with a dash', { Version: '2012-10-17', Statement: [{ ...stmt, Sid: 'a-b' }] }, /letters and digits/],
  ['Effect lowercase', { Version: '2012-10-17', Statement: [{ ...stmt, Effect: 'deny' }] }, /Allow|Deny|Invalid/],
  ['no statements', { Version: '2012-10-17', Statement: [] }, /1/],
];
test('SCP schema accepts a statement with a condition block', () => {
  const r = scpSchema.safeParse({ Version: '2012-10-17', Statement: [{ ...stmt, Condition: { StringNotEquals: { 'ec2:Owner': ['amazon', '123456789012'] } } }] });
  assert.ok(r.success);
});
for (const [name, value, re] of invalidScp) {
  test(`SCP schema rejects: ${name}`, () => {
    const r = scpSchema.safeParse(value);
    assert.equal(r.success, false);
    assert.match(describeIssues(r.error!).join('\n'), re);
    assert.equal(iamPolicySchema.safeParse(value).success, false);
  });
}

test('CLI input schema: the API field names and hyphenated aliases', () => {
  assert.ok(cliCriteriaInputSchema.safeParse({ ImageCriteria: [{ ImageProviders: ['amazon', 'aws-marketplace', '123456789012'] }] }).success);
  const bad: [unknown, RegExp][] = [
    [{ ImageCriteria: [{ ImageProviders: ['aws_marketplace'] }] }, /hyphens/],
    [{ imageCriteria: [{ imageProviders: ['amazon'] }] }, /ImageCriteria|Unrecognized|expected array/],
    [{ ImageCriteria: Array.from({ length: 11 }, () => ({ ImageProviders: ['amazon'] })) }, /10/],
    [{ ImageCriteria: [{ ImageProviders: accountIds(201) }] }, /200/],
  ];
  for (const [value, re] of bad) {
    const r = cliCriteriaInputSchema.safeParse(value);
    assert.equal(r.success, false);
    assert.match(describeIssues(r.error!).join('\n'), re);
  }
});
