/**
 * Bad input costs nothing: every flag, the config and the output folder are checked before the first AWS
 * call. Each bad invocation below must exit 2, make no request to the sandbox (its counters stay at 0) and
 * write nothing: no reports/<run-id>/ folder, no file in --out, an earlier run folder left as it was.
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../policy/helpers.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { miniOrg, useSandboxCredentials } from '../scan/helpers.ts';

const CONFIG = resolve('config/ami_publishers.json');

/** Runs the CLI in this process with its output captured (through the CLI's io seam). */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(...args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('bad flags are refused before the first AWS call, and write nothing', () => {
  let sb: RunningSandbox;
  let work: string;
  let aFile: string;
  let previousRun: string;
  const cwd = process.cwd();

  before(async () => {
    sb = await startSandbox({ fixture: miniOrg() });
    work = mkdtempSync(join(tmpdir(), 'amigov-flags-'));
    aFile = join(work, 'not-a-folder.txt');
    writeFileSync(aFile, 'keep me\n');
    previousRun = join(work, 'previous-run');
    mkdirSync(previousRun);
    writeFileSync(join(previousRun, 'inventory.json'), '{"previous":true}\n');
    // The default output folder is reports/<run-id>/ under the working directory: watch a fresh one.
    process.chdir(work);
  });
  after(async () => {
    process.chdir(cwd);
    await sb.close();
    rmSync(work, { recursive: true, force: true });
  });
  afterEach(() => {
    // One case's stray output must not fail the next one.
    for (const f of readdirSync(work)) if (!['not-a-folder.txt', 'previous-run'].includes(f)) rmSync(join(work, f), { recursive: true, force: true });
  });
  beforeEach(() => {
    useSandboxCredentials(sb.credentials);
    sb.resetStats();
  });

  const scan = (...flags: string[]) => ['scan', '--endpoint-url', sb.endpoint, '--region', 'us-east-1', '--config', CONFIG, '--quiet', ...flags];

  const cases: { name: string; args: () => string[]; message: RegExp }[] = [
    { name: '--rules nope', args: () => scan('--rules', 'nope'), message: /unknown rule: nope/ },
    { name: '--rules with no id', args: () => scan('--rules', ','), message: /--rules is empty/ },
    { name: '--severity-override for an unknown rule', args: () => scan('--severity-override', 'foo=high'), message: /unknown rule "foo"/ },
    { name: '--severity-override to an unknown level', args: () => scan('--severity-override', 'public-ami=extreme'), message: /"extreme" is not a severity/ },
    { name: '--severity-override without =', args: () => scan('--severity-override', 'public-ami'), message: /expected RULE=LEVEL/ },
    { name: '--profile-template with an unknown placeholder', args: () => scan('--profile-template', '{bogus}'), message: /unknown placeholder \{bogus\}/ },
    { name: '--format pdf', args: () => scan('--format', 'pdf'), message: /pdf/ },
    { name: '--fail-on urgent', args: () => scan('--fail-on', 'urgent'), message: /Allowed choices/ },
    { name: '--out naming a file', args: () => scan('--out', aFile), message: /--out .*not-a-folder\.txt is a file, not a folder/ },
    { name: '--out below a file', args: () => scan('--out', join(aFile, 'run')), message: /--out .*not-a-folder\.txt is a file, not a folder/ },
    { name: '--out in a folder nothing can be written to', args: () => scan('--out', '/sys/amigov-cannot-write-here'), message: /--out .*cannot be written/ },
    { name: '--out naming an earlier run folder', args: () => scan('--out', previousRun), message: /--out .*previous-run already holds inventory\.json of an earlier run/ },
    { name: '--min-coverage above 100', args: () => scan('--min-coverage', '150'), message: /--min-coverage: "150" is not a percentage from 0 to 100/ },
    { name: '--min-coverage not a number', args: () => scan('--min-coverage', 'most'), message: /--min-coverage: "most" is not a percentage/ },
    { name: '--min-coverage with --allow-partial', args: () => scan('--min-coverage', '90', '--allow-partial'), message: /--allow-partial.*--min-coverage|--min-coverage.*--allow-partial/ },
    { name: '--as-of an impossible date', args: () => scan('--as-of', '2026-02-30'), message: /--as-of/ },
    { name: '--concurrency 0', args: () => scan('--concurrency', '0'), message: /--concurrency/ },
    { name: '--config that does not exist', args: () => [...scan(), '--config', join(work, 'missing.json')], message: /cannot read the configuration/ },
    { name: 'demo --format pdf', args: () => ['demo', '--quiet', '--out', join(work, 'demo-run'), '--format', 'pdf'], message: /pdf/ },
    { name: 'demo --out naming a file', args: () => ['demo', '--quiet', '--out', aFile], message: /--out .*is a file, not a folder/ },
  ];

  for (const c of cases) {
    test(`${c.name}: exit 2, no AWS call, nothing written`, async () => {
    const r = await cli(c.args());
      assert.equal(r.code, 2, `exit code\n${r.out}\n${r.err}`);
      assert.match(r.err, c.message);
      assert.doesNotMatch(r.err, /internal error/);
      assert.equal(sb.stats().total, 0, `no request reached the sandbox: ${JSON.stringify(sb.stats().byAction)}`);
      assert.ok(!existsSync(join(work, 'reports')), 'no reports/<run-id>/ folder created');
      assert.ok(!existsSync(join(work, 'demo-run')), 'no demo run folder created');
      assert.equal(readFileSync(aFile, 'utf8'), 'keep me\n');
      assert.deepEqual(readdirSync(work).sort(), ['not-a-folder.txt', 'previous-run']);
    });
  }

  test('a bad flag with --out naming an earlier run leaves that run as it was', async () => {
    const r = await cli(scan('--out', previousRun, '--rules', 'nope'));
    assert.equal(r.code, 2);
    assert.equal(sb.stats().total, 0);
    assert.deepEqual(readdirSync(previousRun), ['inventory.json']);
    assert.equal(readFileSync(join(previousRun, 'inventory.json'), 'utf8'), '{"previous":true}\n');
  });

  test('the same flags, valid, do scan (the table above is not passing by accident)', async () => {
    const out = join(work, 'good-run');
    try {
      const r = await cli(scan('--out', out, '--rules', 'public-ami', '--severity-override', 'public-ami=high', '--profile-template', '{accountName}-admin', '--format', 'json', '--min-coverage', '50'));
      assert.equal(r.code, 0, `${r.out}\n${r.err}`);
      assert.ok(sb.stats().total > 0);
      assert.ok(existsSync(join(out, 'findings.json')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
