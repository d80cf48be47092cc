/**
 * policy validate: every failure path, each named by its check id, driven through the CLI in-process
 * (exit 0 all pass, 1 any failure, 2 invalid config / usage).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, seedRaw, tempDir, writeJson, SEED_CONFIG } from './helpers.ts';
import { CHECKS } from '../../src/policy/checks/index.ts';

const AS_OF = '2026-02-01';

/** A dist folder generated from the seed config as of 2026-02-01 (5 accounts), all checks passing. */
async function freshDist(): Promise<string> {
  const dir = tempDir();
  const r = await runCli('policy', 'generate', '--mode', 'audit_mode', '--as-of', AS_OF, '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

function edit(dir: string, name: string, change: (v: any) => void, serialize: (v: any) => string = (v) => JSON.stringify(v)): void {
  const path = join(dir, name);
  const v = JSON.parse(readFileSync(path, 'utf8'));
  change(v);
  writeFileSync(path, serialize(v));
}

async function validate(dir: string, ...extra: string[]) {
  const r = await runCli('policy', 'validate', '--dist', dir, '--as-of', AS_OF, '--json', ...extra);
  const report = r.stdout ? JSON.parse(r.stdout) : undefined;
  const failed: string[] = report ? report.checks.filter((c: any) => c.status === 'fail').map((c: any) => c.id) : [];
  return { ...r, report, failed };
}

test('freshly generated policies pass every check (exit 0)', async () => {
  const v = await validate(await freshDist());
  assert.equal(v.code, 0);
  assert.deepEqual(v.failed, []);
  assert.equal(v.report.ok, true);
  assert.deepEqual(v.report.allowlist.providers.length, 5);
});

const failurePaths: [string, (dir: string) => void, string[], RegExp?][] = [
  [
    'a hand-added account in the declarative policy',
    (d) => edit(d, 'declarative-policy-ec2.json', (v) => v.ec2_attributes.allowed_images_settings.image_criteria.criteria_1.allowed_image_providers['@@assign'].push('999999999999')),
    ['allowlist.declarative-vs-scp', 'allowlist.declarative-vs-config'],
    /only in the declarative policy: 999999999999/,
  ],
  [
    'a hand-removed account in the SCP',
    (d) => edit(d, 'scp-ami-guardrail.json', (v) => v.Statement[0].Condition.StringNotEquals['ec2:Owner'].pop()),
    ['allowlist.declarative-vs-scp', 'allowlist.scp-vs-config'],
    /only in the declarative policy: 777788889999/,
  ],
  [
    'a CLI criteria file out of step',
    (d) => edit(d, 'allowed-images-criteria.cli.json', (v) => (v.ImageCriteria[0].ImageProviders = ['123456738923']), (v) => JSON.stringify(v, null, 2)),
    ['allowlist.cli-vs-config'],
  ],
  ['a missing file', (d) => rmSync(join(d, 'scp-ami-guardrail.json')), ['file.scp.json'], /missing/],
  ['invalid JSON', (d) => writeFileSync(join(d, 'declarative-policy-ec2.json'), '{"ec2_attributes": {'), ['file.declarative.json'], /invalid JSON/],
  [
    'a bare value where the syntax needs @@assign',
    (d) => edit(d, 'declarative-policy-ec2.json', (v) => (v.ec2_attributes.allowed_images_settings.state = 'enabled')),
    ['file.declarative.syntax'],
    /allowed_images_settings\.state/,
  ],
  [
    'an invalid enforcement mode (the API spelling audit-mode)',
    (d) => edit(d, 'declarative-policy-ec2.json', (v) => (v.ec2_attributes.allowed_images_settings.state['@@assign'] = 'audit-mode')),
    ['file.declarative.syntax'],
    /not an Allowed AMIs state/,
  ],
  [
    'public AMI blocking switched off',
    (d) => edit(d, 'declarative-policy-ec2.json', (v) => (v.ec2_attributes.image_block_public_access.state['@@assign'] = 'unblocked')),
    ['declarative.public-ami-blocking'],
    /"unblocked".*asks for "block_new_sharing"/,
  ],
  [
    'public AMI blocking removed',
    (d) => edit(d, 'declarative-policy-ec2.json', (v) => delete v.ec2_attributes.image_block_public_access),
    ['declarative.required-fields', 'declarative.public-ami-blocking'],
    /not configured/,
  ],
  [
    'an SCP statement removed',
    (d) => edit(d, 'scp-ami-guardrail.json', (v) => v.Statement.splice(2, 1)),
    ['scp.required-statements', 'scp.remediation-exemption'],
    /DenyPublicAMISharing is missing/,
  ],
  [
    'an SCP without the remediation role exemption',
    (d) => edit(d, 'scp-ami-guardrail.json', (v) => delete v.Statement[2].Condition.ArnNotLike),
    ['scp.remediation-exemption'],
    /would deny amigov remediate's make-private fix/,
  ],
  [
    'an SCP exempting an extra account from the creation deny',
    (d) => edit(d, 'scp-ami-guardrail.json', (v) => v.Statement[1].Condition.StringNotEquals['aws:PrincipalAccount'].push('999999999999')),
    ['scp.publisher-exemption'],
    /creation statement exempts non-publisher: 999999999999/,
  ],
  [
    'an SCP with a Principal (not allowed in SCPs)',
    (d) => edit(d, 'scp-ami-guardrail.json', (v) => (v.Statement[0].Principal = '*')),
    ['file.scp.syntax'],
  ],
  [
    'an SCP pretty-printed past 5,120 characters as written',
    (d) =>
      edit(
        d,
        'scp-ami-guardrail.json',
        (v) => v.Statement[0].Condition.StringNotEquals['ec2:Owner'].push(...Array.from({ length: 150 }, (_, i) => String(500000000000 + i))),
        (v) => JSON.stringify(v, null, 8),
      ),
    ['allowlist.declarative-vs-scp', 'allowlist.scp-vs-config', 'size.scp'],
    /characters as written/,
  ],
  [
    'an SCP over 5,120 characters even without whitespace',
    (d) => edit(d, 'scp-ami-guardrail.json', (v) => v.Statement[0].Condition.StringNotEquals['ec2:Owner'].push(...Array.from({ length: 400 }, (_, i) => String(500000000000 + i)))),
    ['allowlist.declarative-vs-scp', 'allowlist.scp-vs-config', 'size.scp'],
    /characters without whitespace, [\d,]+ over the 5,120-character service control policy limit/,
  ],
  [
    'a tag policy checking another tag',
    (d) => edit(d, 'iam-prod-ami-tag-policy.json', (v) => (v.Statement[0].Condition.StringEquals = { 'ec2:ResourceTag/Environment': ['Dev'] }), (v) => JSON.stringify(v, null, 2)),
    ['tag-policy.approved-tag'],
    /Environment=Dev.*Environment=Prod/,
  ],
  [
    'a tag policy that relies on the tag alone (the seed\'s condition: no owner deny)',
    (d) => edit(d, 'iam-prod-ami-tag-policy.json', (v) => (v.Statement = v.Statement.filter((s: { Sid: string }) => s.Sid !== 'DenyRunInstancesFromUnapprovedOwners')), (v) => JSON.stringify(v, null, 2)),
    ['tag-policy.approved-owners'],
    /no DenyRunInstancesFromUnapprovedOwners statement/,
  ],
  [
    'a tag policy approving an extra owner',
    (d) => edit(d, 'iam-prod-ami-tag-policy.json', (v) => v.Statement[3].Condition.StringNotEquals['ec2:Owner'].push('999988887777'), (v) => JSON.stringify(v, null, 2)),
    ['tag-policy.approved-owners'],
    /DenyRunInstancesFromUnapprovedOwners also approves: 999988887777/,
  ],
  [
    'a tag policy that lets its roles tag images with the approval key',
    (d) => edit(d, 'iam-prod-ami-tag-policy.json', (v) => (v.Statement = v.Statement.filter((s: { Sid: string }) => s.Sid !== 'DenyChangingTheApprovalTagOnImages')), (v) => JSON.stringify(v, null, 2)),
    ['tag-policy.tag-protection'],
    /does not deny ec2:CreateTags and ec2:DeleteTags of the tag key Environment/,
  ],
  [
    'a tag policy exempting a principal the config does not name from the tag deny',
    (d) =>
      edit(d, 'iam-prod-ami-tag-policy.json', (v) => (v.Statement.at(-1).Condition.ArnNotLike = { 'aws:PrincipalArn': ['arn:aws:iam::*:role/anyone'] }), (v) => JSON.stringify(v, null, 2)),
    ['tag-policy.tag-protection'],
    /exempt but not configured: arn:aws:iam::\*:role\/anyone/,
  ],
];

for (const [name, breakIt, expected, detail] of failurePaths) {
  test(`validate fails on ${name}: ${expected.join(', ')} (exit 1)`, async () => {
    const dir = await freshDist();
    breakIt(dir);
    const v = await validate(dir);
    assert.equal(v.code, 1);
    assert.deepEqual([...v.failed].sort(), [...expected].sort());
    if (detail) {
      const text = v.report.checks.filter((c: any) => c.status === 'fail').map((c: any) => [c.message, ...(c.details ?? [])].join('\n')).join('\n');
      assert.match(text, detail);
    }
    // the human output names the failed checks too
    const human = await runCli('policy', 'validate', '--dist', dir, '--as-of', AS_OF);
    assert.equal(human.code, 1);
    for (const id of expected) assert.match(human.stdout, new RegExp(`- ${id.replace(/\./g, '\\.')}:`));
  });
}

test('a declarative policy with @@append warns that inherited values merge in', async () => {
  const dir = await freshDist();
  edit(dir, 'declarative-policy-ec2.json', (v) => {
    const c = v.ec2_attributes.allowed_images_settings.image_criteria.criteria_1.allowed_image_providers;
    c['@@append'] = c['@@assign'];
    delete c['@@assign'];
  });
  const v = await validate(dir);
  assert.equal(v.code, 0);
  assert.ok(v.report.checks.some((c: any) => c.id === 'declarative.operators' && c.status === 'warn'));
});

test('the seed config today: validation fails with a clear message about the two expired exceptions', async () => {
  const dir = tempDir();
  assert.equal((await runCli('policy', 'generate', '--as-of', '2026-11-23', '--out', dir)).code, 0);
  const r = await runCli('policy', 'validate', '--dist', dir, '--as-of', '2026-11-23');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /✗ 2 exceptions in config\/ami_publishers\.json expired as of 2026-11-23/);
  assert.match(r.stdout, /777788889999 \(Migration, CHG-2026-0142\) expired 2026-02-28, 268 days ago/);
  assert.match(r.stdout, /222233334444 \(ML POC, CHG-2026-0187\) expired 2026-03-15, 253 days ago/);
  assert.match(r.stdout, /remove each from exception_accounts, or renew it/);
  assert.match(r.stdout, /❌ VALIDATION FAILED: 1 check failed/);
  // the generated policies themselves are right: only the config check fails
  assert.match(r.stdout, /✓ declarative-policy-ec2\.json matches the config as of 2026-11-23 \(3 providers\)/);
});

test('policies generated before the expiry, validated after it, fail as stale', async () => {
  const dir = await freshDist();
  const r = await runCli('policy', 'validate', '--dist', dir, '--as-of', '2026-03-01', '--json');
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  const dp = report.checks.find((c: any) => c.id === 'allowlist.declarative-vs-config');
  assert.equal(dp.status, 'fail');
  assert.match(dp.details.join('\n'), /777788889999: exception expired; the policy still grants it/);
});

test('an exception expiring within the window is a warning, not a failure', async () => {
  const dir = await freshDist();
  const r = await runCli('policy', 'validate', '--dist', dir, '--as-of', '2026-02-20', '--json');
  // generated as of 02-01 with the same 5 accounts, still all active on 02-20
  assert.equal(r.code, 0);
  const warn = JSON.parse(r.stdout).checks.find((c: any) => c.id === 'config.exception.777788889999');
  assert.equal(warn.status, 'warn');
  assert.match(warn.message, /expires 2026-02-28, in 8 days/);
});

test('an invalid config is exit 2 with the loader error; a bad --as-of is exit 2', async () => {
  const dir = await freshDist();
  const raw = seedRaw();
  raw.ops_publisher_account.account_id = '12345';
  const cfg = writeJson(join(tempDir(), 'bad.json'), raw);
  const r = await runCli('policy', 'validate', '--dist', dir, '--config', cfg);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\$\.ops_publisher_account\.account_id: "12345" is not a 12-digit AWS account id/);
  const d = await runCli('policy', 'validate', '--dist', dir, '--as-of', '2026-02-30');
  assert.equal(d.code, 2);
  assert.match(d.stderr, /--as-of "2026-02-30" is not a date/);
  assert.ok(SEED_CONFIG);
});

// ----- the runner: every check of the list is reported, run or skipped, under its id -----

/** Report ids with per-item lines folded back into their check's id, e.g. config.exception.<account>. */
const listIds = (report: any): string[] => [...new Set(report.checks.map((c: any) => c.id.replace(/^config\.exception\.\d{12}$/, 'config.exception.<account>')))] as string[];

test('a fresh dist: every check of the list is in the report, in list order, and passes', async () => {
  const v = await validate(await freshDist());
  assert.deepEqual(listIds(v.report), CHECKS.map((c) => c.id));
  assert.deepEqual(v.report.checks.filter((c: any) => c.status !== 'pass').map((c: any) => c.id), []);
  assert.equal(v.report.checks.find((c: any) => c.id === 'declarative.operators').message, 'declarative-policy-ec2.json: every setting uses @@assign');
});

test('a missing SCP: the runner skips exactly the checks that need it, each naming file.scp.json', async () => {
  const dir = await freshDist();
  rmSync(join(dir, 'scp-ami-guardrail.json'));
  const v = await validate(dir);
  assert.equal(v.code, 1);
  assert.deepEqual(listIds(v.report), CHECKS.map((c) => c.id));
  const skipped = v.report.checks.filter((c: any) => c.status === 'skip');
  assert.deepEqual(
    skipped.map((c: any) => c.id),
    ['file.scp.syntax', 'scp.required-statements', 'allowlist.declarative-vs-scp', 'allowlist.scp-vs-config', 'scp.publisher-exemption', 'scp.remediation-exemption', 'size.scp'],
  );
  for (const c of skipped) assert.match(c.message, /^not checked: .* \(file\.scp\.json failed\)$/);
  assert.equal(v.report.counts.skip, 7);
  const human = await runCli('policy', 'validate', '--dist', dir, '--as-of', AS_OF);
  assert.match(human.stdout, /^- not checked: the SCP carries the config's allowlist as of the date \(file\.scp\.json failed\) {2}\[allowlist\.scp-vs-config\]$/m);
});

test('no exception message: required-fields fails and exception-message is skipped saying what is missing', async () => {
  const dir = await freshDist();
  edit(dir, 'declarative-policy-ec2.json', (v) => delete v.ec2_attributes.exception_message);
  const v = await validate(dir);
  assert.equal(v.code, 1);
  assert.deepEqual(v.failed, ['declarative.required-fields']);
  const c = v.report.checks.find((x: any) => x.id === 'declarative.exception-message');
  assert.equal(c.status, 'skip');
  assert.equal(c.message, 'not checked: the exception message includes the exception request URL (no ec2_attributes.exception_message in declarative-policy-ec2.json)');
});

test('the human output names warnings and skips by id too, passes not', async () => {
  const dir = await freshDist();
  edit(dir, 'declarative-policy-ec2.json', (v) => {
    const c = v.ec2_attributes.allowed_images_settings.image_criteria.criteria_1.allowed_image_providers;
    c['@@append'] = c['@@assign'];
    delete c['@@assign'];
  });
  const r = await runCli('policy', 'validate', '--dist', dir, '--as-of', AS_OF);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^! settings that merge with inherited policies instead of setting the value; the effective allowlist may differ {2}\[declarative\.operators\]$/m);
  assert.match(r.stdout, /^✓ valid JSON: .*declarative-policy-ec2\.json$/m);
});
