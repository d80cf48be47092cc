/**
 * The exports as units: ASFF batches (100 per request, one account x region each, the account's own product
 * ARN, commands whose every word parses back), summary.md's escaping of strangers' strings, owner grouping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseShell } from 'shell-quote';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { asffFile, ASFF_BATCH_SIZE } from '../../src/report/asff.ts';
import { ocsfEvents } from '../../src/report/ocsf.ts';
import { mdText, renderSummaryMarkdown, runSummary } from '../../src/report/run-summary.ts';
import { NO_OWNER, ownerGroups } from '../../src/report/owners.ts';
import { validateBatchImportRequest } from '../helpers/asff-model.ts';
import { validateOcsfEvent } from '../helpers/ocsf-schema.ts';
import { assemble, finding, HOSTILE_NAME, HOSTILE_TAG, LEADING_ZERO_ACCOUNT, sampleCoverage } from './fixtures.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateAsff = ajv.compile(JSON.parse(readFileSync(join('test/fixtures/schemas', 'asff-batch-import-findings.schema.json'), 'utf8')));
const validateOcsf = ajv.compile(JSON.parse(readFileSync(join('test/fixtures/schemas', 'ocsf-1.1.0-compliance_finding.schema.json'), 'utf8')));

function many(n: number, accountId: string, region: string) {
  return Array.from({ length: n }, (_, i) => finding({ id: `f${accountId}${region}${i}`, ruleId: 'unapproved-publisher', accountId, region, resourceId: `i-${String(i).padStart(17, '0')}` }));
}

test('ASFF: 250 findings of one account x region make batches of 100, 100 and 50; other accounts and regions their own', () => {
  const doc = assemble({ findings: [...many(250, '111111111111', 'us-east-1'), ...many(3, '111111111111', 'eu-west-1'), ...many(2, LEADING_ZERO_ACCOUNT, 'us-east-1')], coverage: sampleCoverage(false) });
  const file = asffFile(doc);
  assert.deepEqual(file.batches.map((b) => [b.accountId, b.region, b.request.Findings.length]), [
    [LEADING_ZERO_ACCOUNT, 'us-east-1', 2],
    ['111111111111', 'eu-west-1', 3],
    ['111111111111', 'us-east-1', 100],
    ['111111111111', 'us-east-1', 100],
    ['111111111111', 'us-east-1', 50],
  ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))));
  assert.equal(ASFF_BATCH_SIZE, 100);
  for (const b of file.batches) {
    assert.ok(validateAsff(b.request), JSON.stringify(validateAsff.errors));
    assert.deepEqual(validateBatchImportRequest(b.request), []);
    assert.ok(b.request.Findings.every((f) => f.AwsAccountId === b.accountId && f.ProductArn === `arn:aws:securityhub:${b.region}:${b.accountId}:product/${b.accountId}/default`));
  }
  assert.equal(new Set(file.batches.flatMap((b) => b.request.Findings.map((f) => f.Id))).size, 255, 'every finding once');
});

test('ASFF: commands carry --profile from the profile template, shell-quoted, and parse back to the intended argv', () => {
  const accounts = [{ accountId: '111111111111', name: `team's $(rm -rf ~) acct`, ouPath: ['Root'] }];
  const doc = { ...assemble({ findings: many(1, '111111111111', 'us-east-1'), coverage: sampleCoverage(false), accounts }), remediation: { mode: 'profile' as const, profileTemplate: '{accountName}-admin', roleName: 'R' } };
  const [b] = asffFile(doc).batches;
  const argv = parseShell(b!.command.replace(/"\$\(jq .*\)"$/, 'JQ'));
  assert.deepEqual(argv, ['aws', 'securityhub', 'batch-import-findings', '--region', 'us-east-1', '--profile', `team's $(rm -rf ~) acct-admin`, '--cli-input-json', 'JQ']);
});

test('ASFF: Title, Description and Recommendation are cut to the ASFF maximums', () => {
  const f = { ...many(1, '111111111111', 'us-east-1')[0]!, title: 'T'.repeat(400), message: 'M'.repeat(3000) };
  const [b] = asffFile(assemble({ findings: [f], coverage: sampleCoverage(false) })).batches;
  const out = b!.request.Findings[0]!;
  assert.equal((out.Title as string).length, 256);
  assert.equal((out.Description as string).length, 1024);
  assert.ok(validateAsff(b!.request));
  assert.deepEqual(validateBatchImportRequest(b!.request), [], 'within the published model\'s lengths');
});

test('OCSF: cannot-verify findings are compliance Warning, failures Fail; every event validates', () => {
  const fail = many(1, '111111111111', 'us-east-1')[0]!;
  const unsure = { ...many(1, '222222222222', 'eu-west-1')[0]!, id: 'unsure', status: 'cannot-verify' as const };
  const events = ocsfEvents(assemble({ findings: [fail, unsure], coverage: sampleCoverage(false) }), { toolVersion: '0.1.0' }) as any[];
  assert.ok(validateOcsf(events), JSON.stringify(validateOcsf.errors));
  for (const e of events) assert.deepEqual(validateOcsfEvent(e, 'compliance_finding'), []);
  assert.deepEqual(events.map((e) => [e.compliance.status_id, e.compliance.status]), [[3, 'Fail'], [2, 'Warning']]);
});

test('summary.md: account names and owners from strangers are inert Markdown (no HTML, link, emphasis or table break)', () => {
  const accounts = [{ accountId: '111111111111', name: HOSTILE_NAME, ouPath: ['Root'], owner: '[click](javascript:alert(1)) | *x* @team' }];
  const f = { ...many(1, '111111111111', 'us-east-1')[0]!, owner: accounts[0]!.owner };
  const md = renderSummaryMarkdown(assemble({ findings: [f], coverage: sampleCoverage(false), accounts, allowlist: undefined }));
  assert.ok(!md.includes('<img') && !md.includes('<script'), md);
  assert.ok(md.includes('&lt;img src=x onerror="window.\\_\\_xss=1"&gt;'), md);
  assert.ok(md.includes('\\[click\\]\\(javascript:alert\\(1\\)\\) \\| \\*x\\* \\@team'), md);
  assert.equal(mdText(`a\nb${HOSTILE_TAG}`).includes('\n'), false, 'one line');
});

test('owner groups: by owner value, most findings first, accounts without owner tags as one group', () => {
  const fs = [
    ...many(2, '111111111111', 'us-east-1').map((f) => ({ ...f, owner: 'platform' })),
    ...many(3, '222222222222', 'us-east-1').map((f) => ({ ...f, owner: 'data' })),
    ...many(1, '333333333333', 'us-east-1'),
  ];
  const doc = assemble({ findings: fs, coverage: sampleCoverage(false) });
  assert.deepEqual(ownerGroups(doc).map((g) => [g.owner, g.total, g.accounts]), [['data', 3, ['222222222222']], ['platform', 2, ['111111111111']], [NO_OWNER, 1, ['333333333333']]]);
  assert.equal(runSummary(doc).topOwners?.[0]?.owner, 'data');
});

test('OCSF and ASFF files are written in pieces, byte for byte JSON.stringify(…, null, 2) + "\\n": none, one, many, hostile strings', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { writeReports } = await import('../../src/report/index.ts');
  const { toolVersion } = await import('../../src/util/paths.ts');
  const dir = mkdtempSync(join(tmpdir(), 'amigov-exports-'));
  try {
    const hostile = finding({ id: 'fh', ruleId: 'unapproved-publisher', accountId: '111111111111', region: 'us-east-1', resourceId: 'i-00000000000000001', title: `${HOSTILE_NAME}\n\u2028\u2029"\\` });
    for (const [name, findings] of [['none', []], ['one', [hostile]], ['many', [...many(150, '111111111111', 'us-east-1'), hostile]]] as const) {
      const doc = assemble({ findings: [...findings], coverage: sampleCoverage(false) });
      const meta = { toolVersion: toolVersion() };
      await writeReports({ doc, outDir: join(dir, name), formats: ['ocsf', 'asff'], generatedAt: '2026-11-23T10:20:00.000Z' });
      assert.equal(readFileSync(join(dir, name, 'findings.ocsf.json'), 'utf8'), JSON.stringify(ocsfEvents(doc, meta), null, 2) + '\n', `${name}: ocsf`);
      assert.equal(readFileSync(join(dir, name, 'findings.asff.json'), 'utf8'), JSON.stringify(asffFile(doc, 'findings.asff.json'), null, 2) + '\n', `${name}: asff`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
