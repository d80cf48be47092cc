/**
 * Hostile inputs through a whole `amigov scan` (sandbox, real SDK, every report written): credentials in
 * the endpoint URL never reach a file or the terminal; tags named `__proto__` survive the scan, the rules
 * and the reports; terminal escapes and bidi controls in account names and endpoints' messages never reach
 * the terminal or a remediation.sh comment raw.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { runScanAndReport } from '../../src/pipeline/run-scan.ts';
import { DEV, miniOrg, useSandboxCredentials, sink } from '../scan/helpers.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { parse as parseCsv } from 'csv-parse/sync';
import { readZip } from '../report/zip.ts';

/** Every file below dir with its text; a zip (the XLSX) as the text of all its entries. */
function filesBelow(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .map((path) => ({ path, text: path.endsWith('.xlsx') ? [...readZip(path).values()].map((b) => b.toString('utf8')).join('\n') : readFileSync(path, 'utf8') }));
}

const PROTO = '__proto__';
const HOSTILE_TEXT = 'dev \u001b]0;pwned\u0007 \u202egnp.exe \n rm -rf ~';
/** Anything a terminal acts on (line feed aside) or that reorders text. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The scanner test organization with `__proto__` tags on an instance, its AMI and a second instance. */
function hostileOrg(): OrgFixture {
  const org = miniOrg();
  // A computed key: `{ __proto__: 'x' }` would set the prototype instead of adding a key.
  const tag = (tags: Record<string, string> | undefined) => ({ ...tags, [PROTO]: 'x' });
  const i1 = org.instances.find((i) => i.instanceId === 'i-0000000000000001')!;
  i1.tags = tag(i1.tags);
  const i4 = org.instances.find((i) => i.instanceId === 'i-0000000000000004')!;
  i4.tags = tag(i4.tags);
  const golden = org.images.find((i) => i.imageId === 'ami-0000000000000a001')!;
  golden.tags = tag(golden.tags);
  org.accounts.find((a) => a.id === DEV)!.name = HOSTILE_TEXT;
  return org;
}

describe('scan with hostile inputs', () => {
  let sb: RunningSandbox;
  let dir: string;

  before(async () => {
    sb = await startSandbox({ fixture: hostileOrg() });
    useSandboxCredentials(sb.credentials);
    dir = mkdtempSync(join(tmpdir(), 'amigov-hostile-'));
  });
  after(() => {
    sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('credentials in --endpoint-url are written nowhere: inventory, findings, reports, script, terminal', async () => {
    const port = new URL(sb.endpoint).port;
    const out = sink();
    const err = sink();
    const runDir = join(dir, 'userinfo');
    const run = await runScanAndReport(
      { endpointUrl: `http://scanner:s3cr3t-pass@127.0.0.1:${port}/`, region: 'us-east-1', out: runDir, asOf: '2026-01-15', allowPartial: true },
      { stdout: out.stream, stderr: err.stream },
    );
    assert.equal(run.exitCode, 0, err.text());
    assert.ok(run.inventory.instances.length > 0, 'the scan itself worked through that endpoint');
    assert.equal(run.inventory.run.endpoint, `http://127.0.0.1:${port}/`, 'the endpoint is recorded without its userinfo');
    const files = filesBelow(runDir);
    assert.ok(files.length >= 7, files.map((f) => f.path).join(', '));
    for (const f of files) assert.doesNotMatch(f.text, /s3cr3t|scanner:/, `${f.path} carries the endpoint's credentials`);
    assert.doesNotMatch(out.text() + err.text(), /s3cr3t/);
  });

  test('tags named __proto__ survive into inventory.json, the rules and every report', async () => {
    // Production means "tagged __proto__=x" here: the rules must read that key like any other.
    const config = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8'));
    config.policy_config.production.instance_tag = { key: PROTO, values: ['x'] };
    const configPath = join(dir, 'proto-config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const runDir = join(dir, 'proto');
    const run = await runScanAndReport(
      { endpointUrl: sb.endpoint, region: 'us-east-1', out: runDir, asOf: '2026-01-15', allowPartial: true, config: configPath, quiet: true },
      { stdout: sink().stream, stderr: sink().stream },
    );
    assert.equal(run.exitCode, 0);

    const inv = JSON.parse(readFileSync(join(runDir, 'inventory.json'), 'utf8'));
    const i1 = inv.instances.find((i: { instanceId: string }) => i.instanceId === 'i-0000000000000001');
    assert.ok(Object.hasOwn(i1.tags, PROTO), 'instance tag __proto__ is in inventory.json');
    assert.equal(i1.tags[PROTO], 'x');
    assert.equal(i1.tags.Environment, 'Prod');
    const golden = inv.images.find((i: { imageId: string }) => i.imageId === 'ami-0000000000000a001');
    assert.ok(Object.hasOwn(golden.tags, PROTO), 'AMI tag __proto__ is in inventory.json');
    assert.equal(golden.tags.Environment, 'Prod');

    // The rules: i-4 is production through __proto__=x and runs an AMI without Environment=Prod;
    // i-1 is production too, on an AMI tagged Environment=Prod by an owner the seed config does not approve.
    const findings = JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8'));
    const notTagged = findings.findings.filter((f: { ruleId: string }) => f.ruleId === 'prod-ami-not-tagged');
    assert.deepEqual(notTagged.map((f: { resourceId: string }) => f.resourceId).sort(), ['i-0000000000000001', 'i-0000000000000004']);
    assert.equal(notTagged.find((f: { resourceId: string }) => f.resourceId === 'i-0000000000000001').messageId, 'notApprovedOwner');
    const f4 = notTagged.find((f: { resourceId: string }) => f.resourceId === 'i-0000000000000004');
    assert.ok(Object.hasOwn(f4.tags, PROTO) && f4.tags[PROTO] === 'x', 'the finding carries the tag that made it production');
    assert.match(f4.details.production, /__proto__=x/);

    // The reports: CSV (JSON column), JSONL, XLSX (finding tags, Instances and Images sheets).
    const [header, ...rows] = parseCsv(readFileSync(join(runDir, 'findings.csv'), 'utf8')) as string[][];
    const row = rows.find((r) => r[header!.indexOf('Resource ID')] === 'i-0000000000000004' && r[header!.indexOf('Rule')] === 'prod-ami-not-tagged')!;
    assert.equal(JSON.parse(row[header!.indexOf('Tags')]!)[PROTO], 'x');
    const line = readFileSync(join(runDir, 'findings.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).find((l) => l.id === f4.id);
    assert.ok(Object.hasOwn(line.tags, PROTO));
    const xlsx = [...readZip(join(runDir, 'report.xlsx')).values()].map((b) => b.toString('utf8')).join('\n');
    assert.ok((xlsx.match(/__proto__=x/g) ?? []).length >= 4, 'finding tags, two instances and the AMI show __proto__=x');
  });

  test('hostile account names and error messages reach neither the terminal nor a script comment raw', async () => {
    sb.setFaults([{ action: 'ec2:*', accountId: DEV, region: 'eu-west-1', error: { code: 'UnauthorizedOperation', status: 403, message: `denied ${HOSTILE_TEXT}` } }]);
    const out = sink();
    const err = sink();
    const runDir = join(dir, 'terminal');
    try {
      await runScanAndReport({ endpointUrl: sb.endpoint, region: 'us-east-1', out: runDir, asOf: '2026-01-15', allowPartial: true }, { stdout: out.stream, stderr: err.stream });
    } finally {
      sb.setFaults([]);
    }
    const printed = out.text() + err.text();
    assert.match(printed, /Not scanned:/);
    assert.ok(printed.includes('\\u202egnp.exe'), 'the reason is shown, escaped');
    assert.doesNotMatch(printed, UNSAFE, 'no raw control or bidi character printed');
    for (const line of printed.split('\n')) assert.doesNotMatch(line, /^\s*rm -rf/);
    const script = readFileSync(join(runDir, 'remediation.sh'), 'utf8');
    assert.ok(script.includes(DEV));
    assert.doesNotMatch(script, UNSAFE);
    for (const line of script.split('\n')) if (/rm -rf/.test(line)) assert.match(line, /^\s*#/, line);
  });
});
