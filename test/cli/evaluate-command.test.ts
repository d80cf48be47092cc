// `amigov evaluate` end to end on a saved inventory file: no AWS, files written atomically, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/main.ts';
import { resolveCompareTarget } from '../../src/report/compare.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { AMI_MIGRATION, AMI_OPS, AMI_OUTSIDER, EXC_MIGRATION, OPS, OUTSIDER, WORKLOAD, inventory, testConfig } from '../helpers/inventory-builder.ts';

// The default output folder is reports/<new-run-id>-evaluate/ under the working directory: work in a temp one.
const cwd = mkdtempSync(join(tmpdir(), 'amigov-eval-cwd-'));
process.chdir(cwd);

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-eval-'));
  const inv = inventory()
    .account(OPS, { name: 'ops' })
    .account(WORKLOAD, { name: 'payments' })
    .image({ id: AMI_OPS, owner: OPS, tags: { Environment: 'Prod' } })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .instance({ account: WORKLOAD, image: AMI_OPS })
    .instance({ account: WORKLOAD, image: AMI_OUTSIDER })
    .instance({ account: WORKLOAD, image: AMI_MIGRATION })
    .regionSettings({ account: WORKLOAD, bpa: 'unblocked', allowed: 'audit-mode', criteria: [{ imageProviders: ['111122223333', '123456738923', '222233334444', '777788889999'] }] })
    .regionSettings({ account: OPS, bpa: 'block-new-sharing', allowed: 'audit-mode', criteria: [{ imageProviders: ['111122223333', '123456738923', '222233334444', '777788889999'] }] })
    .build();
  const invPath = join(dir, 'inventory.json');
  writeFileSync(invPath, JSON.stringify(inv));
  const cfgPath = join(dir, 'ami_publishers.json');
  writeFileSync(cfgPath, JSON.stringify(testConfig()));
  return { dir, invPath, cfgPath };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'amigov', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = undefined;
  }
}

test('evaluate command: writes findings.json and remediation.sh into a new folder and prints a per-rule summary', async () => {
  const { dir, invPath, cfgPath } = setup();
  const r = await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--as-of', '2026-03-01']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^unapproved-publisher\s+1\s+0\s+high$/m);
  assert.match(r.out, /^expired-exception\s+1\s+0\s+high$/m);
  assert.match(r.out, /^image-block-public-access-off\s+1\s+0\s+high$/m);
  assert.match(r.out, /Once enforced: 2 instances and 0 launch templates in 1 account/);
  assert.match(r.out, /Coverage: 2 ok, 0 skipped, 0 access denied, 0 error/);
  const out = newest('evaluate');
  assert.ok(r.out.includes(`Wrote ${join('reports', out, 'findings.json')}`), r.out);
  const doc = JSON.parse(readFileSync(join(cwd, 'reports', out, 'findings.json'), 'utf8')) as FindingsDocument;
  assert.equal(doc.kind, 'amigov.findings');
  assert.equal(doc.allowlist.asOf, '2026-03-01');
  assert.equal(doc.evaluation!.source, 'evaluate');
  assert.equal(doc.evaluation!.scanAsOf, '2026-02-01');
  assert.deepEqual(doc.evaluation!.derivedFrom, { command: 'evaluate', runId: doc.run.runId, runDir: dir });
  // The expired exception shows in allowed-amis-drift too: the criteria still allow it.
  assert.ok(doc.findings.some((f) => f.ruleId === 'allowed-amis-drift' && f.message.includes(EXC_MIGRATION)));
  const script = join(cwd, 'reports', out, 'remediation.sh');
  assert.ok(statSync(script).mode & 0o100, 'remediation.sh is executable');
  assert.equal(spawnSync('bash', ['-n', script]).status, 0);
  assert.deepEqual(readdirSync(join(cwd, 'reports', out)).sort(), ['findings.json', 'remediation.sh'], 'no temp files left');
  assert.deepEqual(readdirSync(dir).sort(), ['ami_publishers.json', 'inventory.json'], 'nothing written beside the inventory');
});

/** The newest reports/<run-id>-<command> folder under the working directory. */
function newest(command: string): string {
  const names = readdirSync(join(cwd, 'reports')).filter((n) => n.endsWith(`-${command}`)).sort();
  assert.ok(names.length > 0, `a reports/<run-id>-${command} folder`);
  return names.at(-1)!;
}

test('evaluate command: never overwrites the scan it previews; --compare latest skips the preview', async () => {
  // A scan run folder: inventory.json, findings.json and report.html written by the scan.
  const { dir, invPath, cfgPath } = setup();
  const scanFindings = JSON.stringify({ note: 'written by the scan' });
  writeFileSync(join(dir, 'findings.json'), scanFindings);
  writeFileSync(join(dir, 'report.html'), '<p>scan</p>');
  const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  // The README's "what changes next week?" preview: a new folder, the scan's files untouched.
  const r = await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--as-of', '2026-02-01']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])), before);
  // --out naming the scan's folder is refused (exit 2), and writes nothing.
  const refused = await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--out', dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /already holds findings\.json, inventory\.json, report\.html: it is the folder of a scan run/);
  assert.match(refused.err, /reports\/<new-run-id>-evaluate/);
  assert.deepEqual(Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])), before);
  // An empty existing folder, or a new one, is fine.
  const empty = join(dir, '..', `${Date.now()}-empty`);
  mkdirSync(empty);
  assert.equal((await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--out', empty])).code, 0);
  assert.ok(existsSync(join(empty, 'findings.json')));
  // A folder written by evaluate holds no inventory: it is not a scan run, and latest never picks it.
  mkdirSync(join(cwd, 'reports', '2000-01-01T00-00-00Z-aaaa'), { recursive: true });
  for (const f of ['inventory.json', 'findings.json']) writeFileSync(join(cwd, 'reports', '2000-01-01T00-00-00Z-aaaa', f), readFileSync(join(cwd, 'reports', newest('evaluate'), 'findings.json')));
  const target = resolveCompareTarget('latest', { reportsDir: join(cwd, 'reports'), currentRunId: '2100-01-01T00-00-00Z-ffff' });
  assert.equal(target.kind === 'run' ? target.dir : target.kind, join(cwd, 'reports', '2000-01-01T00-00-00Z-aaaa'));
});

test('evaluate command: --out, --rules, --severity-threshold and --profile-template', async () => {
  const { dir, invPath, cfgPath } = setup();
  const out = join(dir, 'preview');
  const r = await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--as-of', '2026-02-01', '--out', out, '--rules', 'unapproved-publisher,image-block-public-access-off,allowed-amis-drift', '--severity-threshold', 'high', '--profile-template', '{accountName}-admin']);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
  assert.deepEqual(doc.rules.map((x) => x.id), ['unapproved-publisher', 'image-block-public-access-off', 'allowed-amis-drift']);
  assert.deepEqual([...new Set(doc.findings.map((f) => f.ruleId))].sort(), ['image-block-public-access-off', 'unapproved-publisher']);
  assert.ok(doc.findings.flatMap((f) => f.commands).filter((c) => c.command.startsWith('aws ')).every((c) => c.command.endsWith('--profile payments-admin')));
  assert.equal(doc.remediation!.mode, 'profile');
  assert.ok(!existsSync(join(dir, 'findings.json')), 'nothing written beside the inventory');
});

test('evaluate command: --fail-on sets exit 1 only when findings reach the level', async () => {
  const { invPath, cfgPath } = setup();
  assert.equal((await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--as-of', '2026-02-01', '--fail-on', 'high'])).code, 1);
  assert.equal((await run(['evaluate', '--inventory', invPath, '--config', cfgPath, '--as-of', '2026-02-01', '--fail-on', 'critical'])).code, 0);
});

test('evaluate command: usage and input errors exit 2 with a clear message', async () => {
  const { dir, invPath, cfgPath } = setup();
  const cases: [string[], RegExp][] = [
    [['evaluate', '--inventory', join(dir, 'missing.json'), '--config', cfgPath], /cannot read the inventory \(no such file\)/],
    [['evaluate', '--inventory', invPath, '--config', cfgPath, '--as-of', '2026-02-30'], /--as-of "2026-02-30" is not a date/],
    [['evaluate', '--inventory', invPath, '--config', cfgPath, '--rules', 'nope'], /unknown rule: nope/],
    [['evaluate', '--inventory', invPath, '--config', cfgPath, '--profile-template', '{accountNmae}-admin'], /unknown placeholder \{accountNmae\}/],
    [['evaluate', '--inventory', invPath, '--config', join(dir, 'nope.json')], /cannot read the configuration/],
    [['evaluate', '--inventory', invPath, '--config', cfgPath, '--severity-override', 'public-ami'], /expected RULE=LEVEL/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
  }
  const wrongKind = join(dir, 'findings-like.json');
  writeFileSync(wrongKind, JSON.stringify({ kind: 'amigov.findings', schemaVersion: 1 }));
  let r = await run(['evaluate', '--inventory', wrongKind, '--config', cfgPath]);
  assert.equal(r.code, 2);
  assert.match(r.err, /not an amigov inventory \(kind is "amigov.findings"/);
  assert.match(r.err, /pass the inventory.json beside it/);
  const future = join(dir, 'future.json');
  writeFileSync(future, JSON.stringify({ ...JSON.parse(readFileSync(invPath, 'utf8')), schemaVersion: 99 }));
  r = await run(['evaluate', '--inventory', future, '--config', cfgPath]);
  assert.equal(r.code, 2);
  assert.match(r.err, /schemaVersion 99 is not supported/);
  assert.match(r.err, /Upgrade amigov/);
  const truncated = join(dir, 'truncated.json');
  writeFileSync(truncated, readFileSync(invPath, 'utf8').slice(0, 200));
  r = await run(['evaluate', '--inventory', truncated, '--config', cfgPath]);
  assert.equal(r.code, 2);
  assert.match(r.err, /not valid JSON .*; the file may be truncated or not an inventory\n/);
});
