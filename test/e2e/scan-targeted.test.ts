/**
 * The targeted scan: `scan --rules public-ami` runs only the collectors the selected rules read (their
 * meta.reads), records which collectors ran, and never lets the data it did not gather look like
 * "nothing found": evaluate leaves out (or refuses) rules that need it, and the weekly comparison calls
 * the other rules' findings not re-checked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { runScanAndReport } from '../../src/pipeline/run-scan.ts';
import type { ScanCliOptions } from '../../src/pipeline/scan-plan.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { selectUnitCollectors, UNIT_COLLECTORS, type UnitCollector } from '../../src/scan/unit.ts';
import { UserError } from '../../src/errors.ts';
import { miniOrg, sink, testAllowlist, useSandboxCredentials } from '../scan/helpers.ts';

describe('scan --rules: a targeted scan', () => {
  let sb: RunningSandbox;
  let root: string;
  const calls: Record<string, Record<string, number>> = {};
  const docs: Record<string, FindingsDocument> = {};
  const invs: Record<string, Inventory> = {};

  async function scan(name: string, flags: Partial<ScanCliOptions>) {
    sb.resetStats();
    const out = sink();
    const err = sink();
    await runScanAndReport(
      { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-01-15', out: join(root, name), quiet: true, format: 'json', allowPartial: true, ...flags },
      { stdout: out.stream, stderr: err.stream },
    );
    calls[name] = sb.stats().byAction;
    docs[name] = JSON.parse(readFileSync(join(root, name, 'findings.json'), 'utf8')) as FindingsDocument;
    invs[name] = JSON.parse(readFileSync(join(root, name, 'inventory.json'), 'utf8')) as Inventory;
  }

  before(async () => {
    sb = await startSandbox({ fixture: miniOrg() });
    useSandboxCredentials(sb.credentials);
    root = mkdtempSync(join(tmpdir(), 'amigov-targeted-'));
    await scan('2026-01-08T10-00-00Z-full', {});
    await scan('2026-01-15T10-00-00Z-public', { rules: 'public-ami', compare: join(root, '2026-01-08T10-00-00Z-full') });
  });
  after(() => {
    sb.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('public-ami alone calls only what it reads: owned images, never instances, templates or settings', () => {
    const c = calls['2026-01-15T10-00-00Z-public']!;
    for (const action of ['ec2:DescribeInstanceImageMetadata', 'ec2:DescribeInstances', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions', 'ec2:GetImageBlockPublicAccessState', 'ec2:GetAllowedImagesSettings']) {
      assert.equal(c[action] ?? 0, 0, `${action} must not be called by a public-ami sweep`);
    }
    assert.ok((c['ec2:DescribeImages'] ?? 0) > 0);
    const total = (m: Record<string, number>) => Object.values(m).reduce((s, n) => s + n, 0);
    assert.ok(total(c) < total(calls['2026-01-08T10-00-00Z-full']!) / 2, `targeted ${total(c)} calls vs full ${total(calls['2026-01-08T10-00-00Z-full']!)}`);
  });

  test('the inventory records which collectors ran', () => {
    assert.deepEqual([...invs['2026-01-15T10-00-00Z-public']!.run.collectors!].sort(), ['assume-role', 'organization', 'owned-images', 'regions']);
    const full = invs['2026-01-08T10-00-00Z-full']!.run.collectors!;
    for (const id of ['instances', 'instance-image-metadata', 'launch-templates', 'image-block-public-access', 'allowed-images-settings', 'referenced-images']) assert.ok(full.includes(id), id);
    assert.ok(!full.includes('launch-permissions'), 'launch-permissions only with --deep');
    assert.deepEqual(invs['2026-01-15T10-00-00Z-public']!.regionSettings, [], 'no settings entries for settings it did not read');
  });

  test('it finds the same public AMIs as the full scan', () => {
    const pub = (d: FindingsDocument) => d.findings.filter((f) => f.ruleId === 'public-ami').map((f) => f.id).sort();
    assert.ok(pub(docs['2026-01-08T10-00-00Z-full']!).length > 0);
    assert.deepEqual(pub(docs['2026-01-15T10-00-00Z-public']!), pub(docs['2026-01-08T10-00-00Z-full']!));
  });

  test('the comparison: nothing of the other rules is resolved, all of it is not re-checked', () => {
    const cmp = docs['2026-01-15T10-00-00Z-public']!.comparison!;
    assert.equal(cmp.counts.resolved, 0);
    const others = docs['2026-01-08T10-00-00Z-full']!.findings.filter((f) => f.ruleId !== 'public-ami').length;
    assert.equal(cmp.counts.notRechecked, others);
  });

  test('evaluate: rules whose data was not collected are left out (and named), or refused when asked for', () => {
    const inv = invs['2026-01-15T10-00-00Z-public']!;
    const doc = evaluate(inv, testAllowlist());
    assert.deepEqual(doc.evaluation!.rulesRun, ['public-ami']);
    assert.ok(doc.evaluation!.rulesNotCollected!.some((r) => r.ruleId === 'unapproved-publisher' && r.missing.includes('instances')));
    assert.ok(!doc.findings.some((f) => f.ruleId === 'unapproved-publisher'));
    assert.throws(() => evaluate(inv, testAllowlist(), { rules: ['unapproved-publisher'] }), (e: unknown) => e instanceof UserError && /targeted scan/.test(e.message));
  });

  test('collectors added later take part by their ids (UNIT_COLLECTORS registry)', () => {
    const extra = { meta: { id: 'future-collector', title: 't', scope: 'account-region', optional: false, permissions: ['ec2:DescribeSomethingNew'] }, collect: async () => [], apply() {} } as UnitCollector<unknown>;
    const all = [...UNIT_COLLECTORS, extra];
    assert.deepEqual(selectUnitCollectors(['future-collector'], all).map((c) => c.meta.id), ['future-collector']);
    assert.deepEqual(selectUnitCollectors(['instance-image-metadata'], all).map((c) => c.meta.id), ['instances'], 'an included collector selects its runner');
    assert.equal(selectUnitCollectors(undefined, all).length, all.length);
  });
});
