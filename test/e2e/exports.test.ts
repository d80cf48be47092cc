/**
 * The exports other tools ingest, end to end against the sandbox over two weekly runs of the demo organization
 * (the second compared with the first, after the config approved one more publisher): findings.ocsf.json and
 * findings.asff.json validate against the schemas vendored in test/fixtures/schemas (their sources are named in
 * each file), summary.md and `scan --output json` agree, the reports group by owner, and the run's
 * inventory.json and findings.json validate against the generated docs/schemas.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A, HOSTILE, type RunningSandbox } from '../../src/sandbox/index.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { RUN_FILES } from '../../src/model/run-files.ts';
import { savedFileSchemas } from '../../src/model/json-schema.ts';
import { useSandboxCredentials } from '../scan/helpers.ts';
import { runCli } from '../policy/helpers.ts';
import { readZip } from '../report/zip.ts';
import { BATCH_IMPORT_MAX, validateBatchImportRequest } from '../helpers/asff-model.ts';
import { validateOcsfEvent } from '../helpers/ocsf-schema.ts';

const SEED = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as Record<string, any>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const fixtureSchema = (name: string) => ajv.compile(JSON.parse(readFileSync(join('test/fixtures/schemas', name), 'utf8')));
const validateOcsf = fixtureSchema('ocsf-1.1.0-compliance_finding.schema.json');
const validateAsffRequest = fixtureSchema('asff-batch-import-findings.schema.json');
const errorsOf = (v: { errors?: unknown }) => JSON.stringify(v.errors, null, 1)?.slice(0, 2000);

describe('exports of two weekly runs of the demo organization', () => {
  let sb: RunningSandbox;
  let root: string;
  const run1 = () => join(root, '2026-11-24T06-00-00Z-0001');
  const run2 = () => join(root, '2026-12-01T06-00-00Z-0002');
  let first: { code: number; stdout: string; stderr: string };
  let second: { code: number; stdout: string; stderr: string };
  let doc: FindingsDocument;
  const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
    root = mkdtempSync(join(tmpdir(), 'amigov-exports-'));
    const cfg1 = join(root, 'week1.json');
    const cfg2 = join(root, 'week2.json');
    const owners = { tag_keys: ['owner', 'team', 'cost-center'] };
    writeFileSync(cfg1, JSON.stringify({ ...SEED, owners }));
    // Week 2: the stranger's community AMI is approved as a vendor, so its findings are resolved.
    writeFileSync(cfg2, JSON.stringify({ ...SEED, owners, vendor_publisher_accounts: [...SEED.vendor_publisher_accounts, { account_id: A.stranger, vendor: 'Community' }] }));
    const common = ['--endpoint-url', sb.endpoint, '--region', 'us-east-1', '--as-of', '2026-12-01', '--regions', 'us-east-1,eu-west-1,ap-southeast-2', '--allow-partial', '--quiet'];
    first = await runCli('scan', ...common, '--config', cfg1, '--out', run1());
    second = await runCli('scan', ...common, '--config', cfg2, '--out', run2(), '--compare', run1(), '--output', 'json');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    doc = JSON.parse(read(run2(), RUN_FILES.findings)) as FindingsDocument;
    assert.ok(doc.comparison && doc.comparison.counts.resolved > 0 && doc.comparison.counts.persisting > 0, 'the second run resolves some findings and keeps others');
  });
  after(async () => {
    await sb.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('findings.ocsf.json: OCSF Compliance Findings that validate; persisting ones are updates, resolved ones closed', () => {
    const events = JSON.parse(read(run2(), RUN_FILES.ocsf)) as any[];
    events.forEach((e, i) => assert.deepEqual(validateOcsfEvent(e, 'compliance_finding', `event[${i}]`), [], 'valid against the vendored ocsf-schema files'));
    assert.ok(validateOcsf(events), errorsOf(validateOcsf));
    assert.equal(events.length, doc.findings.length + doc.comparison!.resolved.length);
    assert.ok(events.every((e) => e.class_uid === 2003 && e.category_uid === 2 && e.type_uid === 200300 + e.activity_id));
    const byUid = new Map(events.map((e) => [e.finding_info.uid, e]));
    const persisting = doc.findings.find((f) => f.change === 'persisting' && f.accountId === A.prod)!;
    const p = byUid.get(persisting.id)!;
    assert.equal(p.activity_id, 2);
    assert.equal(p.cloud.account.uid, A.prod);
    assert.equal(p.resources[0].owner.name, 'payments-team');
    assert.deepEqual(p.unmapped.amigov.ou_path, ['Root', 'Workloads', 'Prod']);
    const resolved = byUid.get(doc.comparison!.resolved[0]!.id)!;
    assert.deepEqual([resolved.activity_id, resolved.status_id, resolved.compliance.status_id], [3, 4, 1]);
    const sev = { critical: 5, high: 4, medium: 3, low: 2, info: 1 } as const;
    for (const f of doc.findings) assert.equal(byUid.get(f.id)!.severity_id, sev[f.severity]);
    // A broken event is refused by the schema (the test would notice a writer that drops a required attribute).
    const broken = structuredClone(events.slice(0, 1));
    delete broken[0].compliance.standards;
    assert.equal(validateOcsf(broken), false);
    assert.deepEqual(validateOcsfEvent(broken[0], 'compliance_finding'), ['event.compliance: required attribute standards is missing']);
    const noInfo = structuredClone(events[0]);
    delete noInfo.finding_info;
    assert.deepEqual(validateOcsfEvent(noInfo, 'compliance_finding'), ['event: required attribute finding_info is missing']);
  });

  test('findings.asff.json: BatchImportFindings requests of at most 100, one account x region each, that validate', () => {
    const file = JSON.parse(read(run2(), RUN_FILES.asff)) as { findings: number; batches: { accountId: string; region: string; command: string; request: { Findings: any[] } }[] };
    assert.ok(file.batches.length > 1);
    for (const b of file.batches) {
      assert.deepEqual(validateBatchImportRequest(b.request), [], 'valid against the published Security Hub model');
      assert.ok(validateAsffRequest(b.request), errorsOf(validateAsffRequest));
      assert.ok(b.request.Findings.length <= BATCH_IMPORT_MAX);
      for (const f of b.request.Findings) {
        assert.equal(f.AwsAccountId, b.accountId, 'the default product ARN needs the finding in the importing account');
        assert.equal(f.ProductArn, `arn:aws:securityhub:${b.region}:${b.accountId}:product/${b.accountId}/default`);
        assert.equal(f.Resources[0].Region, b.region);
      }
      assert.equal(b.command, `aws securityhub batch-import-findings --region ${b.region} --cli-input-json "$(jq -c '.batches[${file.batches.indexOf(b)}].request' findings.asff.json)"`);
    }
    const all = file.batches.flatMap((b) => b.request.Findings);
    assert.equal(all.length, file.findings);
    assert.equal(all.length, doc.findings.length + doc.comparison!.resolved.length);
    const archived = all.filter((f) => f.RecordState === 'ARCHIVED');
    assert.equal(archived.length, doc.comparison!.resolved.length);
    assert.ok(archived.every((f) => f.Compliance.Status === 'PASSED'));
    // A finding without a required member is refused by the published model (and the User Guide's list).
    const broken = structuredClone(file.batches[0]!.request);
    delete broken.Findings[0].GeneratorId;
    assert.deepEqual(validateBatchImportRequest(broken), ['request.Findings[0]: required member GeneratorId is missing', 'request.Findings[0]: GeneratorId is required (User Guide)']);
    const prod = all.find((f) => f.AwsAccountId === A.prod && f.RecordState === 'ACTIVE')!;
    assert.equal(prod.ProductFields['amigov/Owner'], 'payments-team');
    assert.equal(prod.ProductFields['amigov/OUPath'], 'Root / Workloads / Prod');
  });

  test('the import commands are printed, never run: no Security Hub call reached the endpoint', () => {
    assert.match(first.stdout, /Security Hub \(not imported: amigov never writes to Security Hub\): \d+ findings in \d+ batches/);
    assert.match(first.stdout, /aws securityhub batch-import-findings --region [a-z0-9-]+ --cli-input-json "\$\(jq -c '\.batches\[0\]\.request' [^)]*findings\.asff\.json\)"/);
    assert.ok(!Object.keys(sb.stats().byAction).some((a) => a.startsWith('securityhub:')));
  });

  test('summary.md: headline, counts, change since the last run, top accounts and owners; hostile owners inert', () => {
    const md = read(run2(), RUN_FILES.summary);
    // The demo's role-less account makes every run partial: the headline says so first.
    assert.match(md, new RegExp(`^## amigov: PARTIAL SCAN: ${doc.counts.total} findings \\(`));
    assert.match(md, new RegExp(`\\| \\*\\*total\\*\\* \\| \\*\\*${doc.counts.total}\\*\\* \\|`));
    assert.match(md, new RegExp(`Compared with run \`${doc.comparison!.previousRunId}\`: \\*\\*${doc.comparison!.counts.new} new\\*\\*, ${doc.comparison!.counts.persisting} persisting, \\*\\*${doc.comparison!.counts.resolved} resolved\\*\\*`));
    assert.match(md, /### Top accounts[\s\S]*\| prod-payments `210987654321` \| payments-team \|/);
    assert.match(md, /### Top owners[\s\S]*\| payments-team \| 1 \|/);
    assert.match(md, /\| =HYPERLINK\\\("http:\/\/x"\\\) \|/, 'the dev team tag is data: its parentheses escaped, no link');
    const baseline = read(run1(), RUN_FILES.summary);
    assert.match(baseline, /Not compared with an earlier run/);
  });

  test('--output json: the same summary on stdout as one JSON document, the text on stderr', () => {
    const s = JSON.parse(second.stdout);
    assert.equal(s.kind, 'amigov.summary');
    assert.equal(s.counts.total, doc.counts.total);
    assert.deepEqual(s.change, { previousRunId: doc.comparison!.previousRunId, new: doc.comparison!.counts.new, persisting: doc.comparison!.counts.persisting, resolved: doc.comparison!.counts.resolved, notRechecked: doc.comparison!.counts.notRechecked });
    assert.equal(s.topOwners[0].owner, 'payments-team');
    assert.equal(s.outcome.exitCode, 0);
    assert.match(second.stderr, /Wrote:/);
    assert.doesNotMatch(second.stdout, /Wrote:/);
  });

  test('--output with an unknown value is a usage error before any AWS call', async () => {
    const calls = sb.stats().total;
    const r = await runCli('scan', '--endpoint-url', sb.endpoint, '--output', 'yaml', '--out', join(root, 'never'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--output: "yaml" is not an output format/);
    assert.equal(sb.stats().total, calls);
  });

  test('CSV and XLSX carry Owner and OU Path; the XLSX Summary and the HTML group by owner', () => {
    const rows = parseCsv(read(run2(), RUN_FILES.csv)) as string[][];
    const h = (name: string) => rows[0]!.indexOf(name);
    assert.ok(h('Owner') > 0 && h('OU Path') > 0);
    const prodRow = rows.find((r) => r[h('Account ID')] === A.prod)!;
    assert.equal(prodRow[h('Owner')], 'payments-team');
    assert.equal(prodRow[h('OU Path')], 'Root / Workloads / Prod');
    const devRow = rows.find((r) => r[h('Account ID')] === A.dev)!;
    assert.equal(devRow[h('Owner')], `'${HOSTILE.formula}`, 'a formula-like owner is neutralised in the CSV');
    const xlsx = [...readZip(join(run2(), RUN_FILES.xlsx)).values()].map((b) => b.toString('utf8')).join('\n');
    assert.match(xlsx, /<t[^>]*>Owner<\/t>/);
    assert.match(xlsx, /<t[^>]*>OU Path<\/t>/);
    assert.match(xlsx, /payments-team/);
    const html = read(run2(), RUN_FILES.html);
    assert.match(html, /<h2 id="by-owner-h">By owner<\/h2>/);
    assert.match(html, /<td>payments-team<\/td>/);
    assert.ok(!html.includes('<td>=HYPERLINK("')), 'the hostile owner is escaped in HTML';
  });

  test("the run's inventory.json and findings.json validate against the generated docs/schemas", () => {
    const [inv, findings] = savedFileSchemas().map((s) => ajv.compile(JSON.parse(readFileSync(join('docs/schemas', s.file), 'utf8'))));
    for (const dir of [run1(), run2()]) {
      assert.ok(inv!(JSON.parse(read(dir, RUN_FILES.inventory))), errorsOf(inv!));
      assert.ok(findings!(JSON.parse(read(dir, RUN_FILES.findings))), errorsOf(findings!));
    }
  });
});
