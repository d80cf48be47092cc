import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { defineRule } from '../../src/rules/types.ts';
import { RULES } from '../../src/rules/index.ts';
import { findingId } from '../../src/rules/engine.ts';
import { UserError } from '../../src/errors.ts';
import {
  AMI_GONE, AMI_OPS, AMI_OUTSIDER, AMI_SELF, OPS, OUTSIDER, WORKLOAD, WORKLOAD_2, inventory, judgeDoc,
} from '../helpers/inventory-builder.ts';

const sample = () =>
  inventory()
    .account(WORKLOAD, { name: 'payments' })
    .account(WORKLOAD_2, { name: 'data', regions: ['us-east-1', 'eu-west-1'] })
    .coverage(WORKLOAD_2, 'eu-west-1', 'access-denied', 'role not trusted')
    .account(OPS, { name: 'ops' })
    .image({ id: AMI_OPS, owner: OPS, tags: { Environment: 'Prod' } })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_SELF, owner: WORKLOAD, public: true })
    .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER })
    .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_SELF })
    .instance({ id: 'i-00000000000000003', account: WORKLOAD_2, image: AMI_OPS, tags: { Environment: 'Prod' } })
    .instance({ id: 'i-00000000000000004', account: WORKLOAD_2, image: AMI_GONE })
    .launchTemplate({ id: 'lt-0000000000000000a', account: WORKLOAD_2, default: [1, AMI_OUTSIDER] })
    .launchTemplate({ id: 'lt-0000000000000000b', account: WORKLOAD_2, default: [1, 'resolve:ssm:/golden'] })
    .regionSettings({ account: WORKLOAD, bpa: 'unblocked', allowed: 'audit-mode', criteria: [{ imageProviders: [OPS] }] })
    .regionSettings({ account: WORKLOAD_2, bpa: 'block-new-sharing', allowed: 'disabled' })
    .regionSettings({ account: OPS, bpa: 'block-new-sharing', allowed: 'audit-mode', criteria: [{ imageProviders: ['111122223333', '123456738923', '222233334444', '777788889999'] }] })
    .build();

test('engine: stable id is sha256(rule|account|region|resource)[0:16] and the same on every run', () => {
  const want = createHash('sha256').update(`public-ami|${WORKLOAD}|us-east-1|${AMI_SELF}`).digest('hex').slice(0, 16);
  assert.equal(findingId('public-ami', WORKLOAD, 'us-east-1', AMI_SELF), want);
  const a = judgeDoc(sample(), undefined);
  const b = judgeDoc(sample(), undefined);
  assert.deepEqual(a.findings.map((f) => f.id), b.findings.map((f) => f.id));
  assert.equal(a.findings.find((f) => f.ruleId === 'public-ami')!.id, want);
  assert.equal(new Set(a.findings.map((f) => f.id)).size, a.findings.length, 'ids are unique');
});

test('engine: a rule that throws becomes an error finding; the others still run', () => {
  const broken = defineRule({
    meta: { id: 'broken-rule', title: 'A rule that always fails', severity: 'medium', description: 'x'.repeat(50), docs: 'docs/rules/broken-rule.md', reads: ['instances'], messages: {} },
    evaluate() {
      throw new TypeError('cannot read properties of undefined');
    },
  });
  const doc = judgeDoc(sample(), undefined, { options: { ruleSet: [broken, ...RULES] } });
  const err = doc.findings.filter((f) => f.status === 'error');
  assert.equal(err.length, 1);
  assert.equal(err[0]!.ruleId, 'broken-rule');
  assert.match(err[0]!.message, /cannot read properties of undefined/);
  assert.deepEqual(doc.evaluation!.ruleErrors, [{ ruleId: 'broken-rule', message: 'cannot read properties of undefined' }]);
  assert.ok(doc.findings.some((f) => f.ruleId === 'unapproved-publisher'));
});

// A one-rule set for the message and remediation tests: one finding per owned image, as the rule says.
function imageRule(draft: (img: { imageId: string; name?: string }) => Record<string, unknown>, messages: Record<string, string> = { plain: 'AMI {{image}} is {{ state }}.' }) {
  return defineRule({
    meta: { id: 'test-rule', title: 'A rule for engine tests', severity: 'medium', description: 'x'.repeat(50), docs: 'docs/rules/test-rule.md', reads: ['owned-images'], messages },
    evaluate(inv) {
      return inv.images.map((img) => ({
        accountId: WORKLOAD,
        region: 'us-east-1',
        resourceType: 'image' as const,
        resourceId: img.imageId,
        status: 'fail' as const,
        messageId: 'plain',
        data: { image: img.imageId, state: 'public' },
        details: {},
        ...draft(img),
      }));
    },
  });
}
const oneImage = (name = 'golden') => inventory().account(WORKLOAD).image({ id: AMI_SELF, owner: WORKLOAD, name }).build();

test('engine: the message is the rule\'s template with the draft\'s data; the finding records the messageId', () => {
  const [f] = judgeDoc(oneImage(), undefined, { options: { ruleSet: [imageRule(() => ({}))] } }).findings;
  assert.equal(f!.status, 'fail');
  assert.equal(f!.messageId, 'plain');
  assert.equal(f!.message, `AMI ${AMI_SELF} is public.`);
});

test('engine: data is inserted as plain text, never read as a placeholder or a replacement pattern', () => {
  const hostile = "{{state}} $& $' $1 {{image}}";
  const rule = imageRule((img) => ({ data: { image: img.name!, state: 'public' } }));
  const [f] = judgeDoc(oneImage(hostile), undefined, { options: { ruleSet: [rule] } }).findings;
  assert.equal(f!.message, `AMI ${hostile} is public.`);
});

test('engine: an unknown messageId or a missing placeholder is a bug: an error finding for that rule, the others still run', () => {
  for (const [bad, why] of [
    [imageRule(() => ({ messageId: 'nope' })), /unknown messageId "nope".*plain/],
    [imageRule(() => ({ data: { image: 'ami-1' } })), /message "plain" has no data for \{\{state\}\}/],
    [imageRule(() => ({ messageId: 'toString' })), /unknown messageId "toString"/],
  ] as const) {
    const doc = judgeDoc(oneImage(), undefined, { options: { ruleSet: [bad, ...RULES] } });
    const err = doc.findings.filter((f) => f.ruleId === 'test-rule');
    assert.equal(err.length, 1);
    assert.equal(err[0]!.status, 'error');
    assert.match(err[0]!.message, why);
    assert.deepEqual(err[0]!.commands, []);
    assert.deepEqual(doc.evaluation!.ruleErrors.map((e) => e.ruleId), ['test-rule']);
    assert.ok(doc.findings.some((f) => f.ruleId === 'ami-in-workload-account'), 'the other rules still ran');
  }
});

test('engine: remediate sees the typed details; findings.json gets them flat (lists comma-joined, empty as null, undefined left out)', () => {
  const seen: unknown[] = [];
  const rule = defineRule({
    meta: { id: 'test-rule', title: 'A rule for engine tests', severity: 'medium', description: 'x'.repeat(50), docs: 'docs/rules/test-rule.md', reads: ['owned-images'], messages: { m: 'AMI {{image}}' } },
    evaluate(inv) {
      return inv.images.map((img) => ({
        accountId: WORKLOAD,
        region: 'us-east-1',
        resourceType: 'image' as const,
        resourceId: img.imageId,
        status: 'fail' as const,
        messageId: 'm' as const,
        data: { image: img.imageId },
        details: { grantees: [OUTSIDER, WORKLOAD_2], none: [] as string[], count: 2, gone: undefined as string | undefined },
      }));
    },
    remediate(f) {
      seen.push(f.details);
      const first: string = f.details.grantees[0]!; // typed: a list of strings
      return [{ title: `remove ${first}`, command: 'true', kind: 'fix' }];
    },
  });
  assert.equal(rule.remediates, true);
  const [f] = judgeDoc(oneImage(), undefined, { options: { ruleSet: [rule] } }).findings;
  assert.deepEqual(seen, [{ grantees: [OUTSIDER, WORKLOAD_2], none: [], count: 2, gone: undefined }]);
  assert.deepEqual(f!.details, { grantees: `${OUTSIDER},${WORKLOAD_2}`, none: null, count: 2 });
  assert.ok(!Object.hasOwn(f!.details!, 'gone'));
  assert.deepEqual(f!.commands.map((c) => c.title), [`remove ${OUTSIDER}`]);
  // A rule without remediate writes no commands.
  const plain = imageRule(() => ({}));
  assert.equal(plain.remediates, false);
  assert.deepEqual(judgeDoc(oneImage(), undefined, { options: { ruleSet: [plain] } }).findings[0]!.commands, []);
});

test('engine: --rules runs only those rules; unknown ids are a usage error', () => {
  const doc = judgeDoc(sample(), ['public-ami', 'unknown-image']);
  assert.deepEqual([...new Set(doc.findings.map((f) => f.ruleId))].sort(), ['public-ami', 'unknown-image']);
  assert.deepEqual(doc.rules.map((r) => r.id), ['public-ami', 'unknown-image']);
  assert.throws(() => judgeDoc(sample(), ['public-ami', 'no-such-rule']), (e: unknown) => e instanceof UserError && /no-such-rule/.test(e.message) && /unapproved-publisher/.test(e.hint ?? ''));
});

test('engine: severity threshold drops findings below it', () => {
  const all = judgeDoc(sample(), undefined);
  const high = judgeDoc(sample(), undefined, { options: { severityThreshold: 'high' } });
  assert.ok(all.findings.some((f) => f.severity === 'low' || f.severity === 'medium'));
  assert.ok(high.findings.length > 0);
  assert.ok(high.findings.every((f) => f.severity === 'high' || f.severity === 'critical'));
  assert.equal(high.findings.length, all.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').length);
  // The ids it dropped are recorded, so the weekly comparison never calls them resolved.
  const dropped = all.findings.filter((f) => f.severity !== 'high' && f.severity !== 'critical').map((f) => f.id);
  assert.deepEqual([...(high.evaluation!.belowThresholdIds ?? [])].sort(), dropped.sort());
  assert.equal(all.evaluation!.belowThresholdIds, undefined);
});

test('engine: severity overrides change failing findings, not cannot-verify ones', () => {
  const doc = judgeDoc(sample(), ['launch-template-unapproved-ami'], { options: { severityOverrides: { 'launch-template-unapproved-ami': 'critical' } } });
  const byId = new Map(doc.findings.map((f) => [f.resourceId, f]));
  assert.equal(byId.get('lt-0000000000000000a')!.severity, 'critical');
  assert.equal(byId.get('lt-0000000000000000b')!.severity, 'low');
  assert.equal(doc.rules[0]!.severity, 'critical');
  assert.throws(() => judgeDoc(sample(), undefined, { options: { severityOverrides: { 'public-ami': 'urgent' } } }), UserError);
});

test('engine: findings are sorted by severity, then rule, account, region, resource', () => {
  const sev = ['critical', 'high', 'medium', 'low', 'info'];
  const f = judgeDoc(sample(), undefined).findings;
  for (let i = 1; i < f.length; i++) assert.ok(sev.indexOf(f[i - 1]!.severity) <= sev.indexOf(f[i]!.severity));
});

test('evaluate: document counts, impact, coverage and accounts', () => {
  const doc = judgeDoc(sample(), undefined);
  assert.equal(doc.kind, 'amigov.findings');
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.counts.total, doc.findings.length);
  assert.equal(Object.values(doc.counts.byRule).reduce((a, b) => a + b, 0), doc.findings.length);
  assert.equal(Object.values(doc.counts.bySeverity).reduce((a, b) => a + b, 0), doc.findings.length);
  assert.equal(doc.counts.byAccount[WORKLOAD], doc.findings.filter((f) => f.accountId === WORKLOAD).length);
  // i-1 (outside AMI, both layers) and i-2 (self-owned, SCP only) break; i-4's owner is unknown.
  const { blastRadius, ...headline } = doc.impact;
  assert.ok(blastRadius, 'the blast radius is computed (test/evaluate/blast-radius.test.ts)');
  assert.deepEqual(headline, {
    instancesAffected: 2,
    accountsAffected: 2, // WORKLOAD (instances) and WORKLOAD_2 (lt-a)
    launchTemplatesAffected: 1,
    instancesByLayer: { declarativePolicyAndScp: 1, scpOnly: 1 },
    instancesCannotVerify: 1,
    launchTemplatesCannotVerify: 1,
    verdictSources: { aws: 0, amigov: 4 }, // no AWS ImageAllowed in this inventory: 3 instances and 1 template version judged by amigov
  });
  assert.deepEqual(doc.coverage.counts, { ok: 3, skipped: 0, 'access-denied': 1, error: 0 });
  assert.equal(doc.coverage.complete, false);
  assert.deepEqual(
    doc.accounts.map((a) => [a.accountId, a.scanned]),
    [[OPS, 'complete'], [WORKLOAD, 'complete'], [WORKLOAD_2, 'partial']],
  );
  // The unscanned region is not judged by account-region rules (no false violation, no false pass).
  assert.ok(!doc.findings.some((f) => f.accountId === WORKLOAD_2 && f.region === 'eu-west-1'));
  assert.equal(doc.allowlist.asOf, '2026-02-01');
  assert.equal(doc.run.asOf, '2026-02-01');
  assert.equal(doc.remediation!.mode, 'environment');
  assert.equal(doc.remediation!.roleName, 'OrganizationAccountAccessRole');
  assert.equal(doc.evaluation!.rulesRun.length, RULES.length);
  for (const f of doc.findings) {
    assert.ok(f.accountName, `${f.id} has the account name`);
    assert.ok(f.message.length > 20);
  }
});

test('evaluate: re-judging as of a later date changes only what the date changes', () => {
  const inv = inventory()
    .account(WORKLOAD)
    .image({ id: AMI_SELF.replace('d', 'e'), owner: '777788889999' })
    .instance({ account: WORKLOAD, image: AMI_SELF.replace('d', 'e') })
    .build();
  const before = judgeDoc(inv, ['expired-exception', 'expiring-exception'], { asOf: '2026-02-20' });
  const after = judgeDoc(inv, ['expired-exception', 'expiring-exception'], { asOf: '2026-03-01' });
  assert.deepEqual(before.findings.map((f) => f.ruleId), ['expiring-exception']);
  assert.deepEqual(after.findings.map((f) => f.ruleId), ['expired-exception']);
  assert.equal(after.impact.instancesAffected, 1);
  assert.equal(before.impact.instancesAffected, 0);
});

test('evaluate: the impact headline counts images outside the image criteria as stopped by the declarative policy only', () => {
  const inv = inventory()
    .account(WORKLOAD)
    .image({ id: 'ami-000000000000000b1', owner: OPS, name: 'golden-old', creationDate: '2024-01-01T00:00:00.000Z' })
    .image({ id: 'ami-000000000000000b2', owner: OPS, name: 'golden-new', creationDate: '2026-01-01T00:00:00.000Z' })
    .image({ id: 'ami-000000000000000b3', owner: OPS, name: 'golden-coded' })
    .instance({ account: WORKLOAD, image: 'ami-000000000000000b1' })
    .instance({ account: WORKLOAD, image: 'ami-000000000000000b2' })
    .launchTemplate({ id: 'lt-0000000000000000a', account: WORKLOAD, default: [1, 'ami-000000000000000b1'] })
    .build();
  const config = { policy_config: { image_criteria: [{ creation_date_condition: { maximum_days_since_created: 365 } }] } };
  const doc = judgeDoc(inv, ['unapproved-publisher'], { config });
  assert.deepEqual(doc.impact.instancesByLayer, { declarativePolicyAndScp: 0, scpOnly: 0, declarativePolicyOnly: 1 });
  assert.equal(doc.impact.instancesAffected, 1);
  assert.equal(doc.impact.launchTemplatesAffected, 1);
  // Without image_criteria the same inventory breaks nothing (providers only, as before).
  assert.equal(judgeDoc(inv, ['unapproved-publisher']).impact.instancesAffected, 0);
});

test("evaluate: the impact headline takes AWS's ImageAllowed where AWS gave one, amigov's verdict elsewhere, and counts each", () => {
  const inv = inventory()
    .account(WORKLOAD)
    .account(WORKLOAD_2)
    .image({ id: 'ami-000000000000000b1', owner: OPS, name: 'golden-a' })
    .image({ id: 'ami-000000000000000b2', owner: '999988887777', name: 'stranger' })
    .regionSettings({ account: WORKLOAD, allowed: 'audit-mode', criteria: [{ imageProviders: ['999988887777'] }] })
    // AWS refuses an approved owner's image (live criteria differ): breaks, stopped by the declarative policy only.
    .instance({ account: WORKLOAD, image: 'ami-000000000000000b1', imageRef: { imageAllowed: false } })
    // AWS allows an unapproved owner's image: the SCP still stops it.
    .instance({ account: WORKLOAD, image: 'ami-000000000000000b2', imageRef: { imageAllowed: true } })
    // No AWS verdict (Allowed AMIs not on there): amigov's verdict.
    .instance({ account: WORKLOAD_2, image: 'ami-000000000000000b1' })
    .instance({ account: WORKLOAD_2, image: 'ami-000000000000000b2' })
    .build();
  const doc = judgeDoc(inv, ['unapproved-publisher']);
  assert.equal(doc.impact.instancesAffected, 3);
  assert.deepEqual(doc.impact.instancesByLayer, { declarativePolicyAndScp: 1, scpOnly: 1, declarativePolicyOnly: 1 });
  assert.deepEqual(doc.impact.verdictSources, { aws: 2, amigov: 2 });
});

test('engine: equal commands are one frozen object across findings; commands that differ in any field are not merged', () => {
  const inv = inventory()
    .account(WORKLOAD, { name: 'payments' })
    .account(WORKLOAD_2, { name: 'data' })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OUTSIDER })
    .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_OUTSIDER })
    .instance({ id: 'i-00000000000000003', account: WORKLOAD_2, image: AMI_OUTSIDER })
    .build();
  const doc = judgeDoc(inv, undefined);
  const unapproved = doc.findings.filter((f) => f.ruleId === 'unapproved-publisher');
  assert.equal(unapproved.length, 3);
  const byAccount = (acct: string) => unapproved.filter((f) => f.accountId === acct);
  const [a, b] = byAccount(WORKLOAD);
  const [c] = byAccount(WORKLOAD_2);
  // The two instances of one account run the same AMI: their look-up commands are the same object.
  const lookup = (f: typeof a) => f!.commands.find((cmd) => cmd.command.includes('describe-image-references'))!;
  assert.ok(lookup(a) && Object.is(lookup(a), lookup(b)), 'one object for an equal command');
  assert.ok(Object.isFrozen(lookup(a)), 'a shared command is frozen');
  // The other account's command has the same text but another accountId: its own object, its own account.
  assert.equal(lookup(c).command, lookup(a).command);
  assert.notEqual(lookup(c), lookup(a));
  assert.equal(lookup(c).accountId, WORKLOAD_2);
  // Sharing changes nothing a report writes: each finding's commands serialize as the rule built them.
  assert.equal(JSON.stringify(a!.commands), JSON.stringify(b!.commands));
});
