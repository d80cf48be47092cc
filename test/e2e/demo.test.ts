/**
 * `amigov demo` end to end, as a newcomer runs it: a child process starts the sandbox, scans the demo
 * organization over HTTP, judges it and writes every report. The findings must be exactly the ones the
 * demo fixture documents, and every report must exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoOrg } from '../../src/sandbox/index.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import type { Inventory } from '../../src/model/inventory.ts';

const key = (f: { ruleId: string; accountId: string; region: string; resourceId: string }) => `${f.ruleId} ${f.accountId} ${f.region} ${f.resourceId}`;

test('amigov demo scans the sandbox organization and writes reports with exactly the documented findings', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'amigov-demo-')), 'run');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--out', out, '--quiet', '--as-of', '2026-12-01'], {
    encoding: 'utf8',
    // Real AWS settings of the machine must not matter: the demo isolates itself.
    env: { ...process.env, AWS_PROFILE: 'does-not-exist', AWS_REGION: 'eu-central-1' },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `demo exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  for (const f of ['inventory.json', 'findings.json', 'remediation.sh', 'report.html', 'report.xlsx', 'findings.csv', 'demo-config.json']) {
    assert.ok(existsSync(join(out, f)) && statSync(join(out, f)).size > 0, `${f} written`);
  }
  assert.match(r.stdout, /HTML: .*report\.html/);
  assert.match(r.stdout, /XLSX: .*report\.xlsx/);
  assert.doesNotMatch(r.stderr, /internal error|node >=22/);

  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
  const got = doc.findings.filter((f) => f.status !== 'error').map(key).sort();
  const want = (demoOrg.expectedFindings ?? []).map(key).sort();
  assert.deepEqual(got, want);
  assert.equal(doc.coverage.complete, false, 'the account without a scan role makes the demo scan partial, visibly');

  const inv = JSON.parse(readFileSync(join(out, 'inventory.json'), 'utf8')) as Inventory;
  assert.equal(inv.run.endpoint?.startsWith('http://127.0.0.1:'), true, 'only the local sandbox was called');
  assert.ok(Object.keys(inv.stats.apiCalls).every((a) => /:(Describe|Get|List|AssumeRole)/.test(a)), `read-only calls only: ${Object.keys(inv.stats.apiCalls).join(', ')}`);
});
