/**
 * A scan that covered nothing is never a clean pass, and coverage gaps are measured: empty scopes
 * (every account excluded, an empty OU, an account with no scanned region) exit 3 with the partial-scan
 * banner unless --allow-empty; --min-coverage accepts a small gap and still fails a wrong role name; and
 * when the exit code is 3, the findings that --fail-on would have failed on are still reported.
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
import { CALLER, DEV, miniOrg, NOROLE, OPS, PROD, useSandboxCredentials, sink } from '../scan/helpers.ts';

const EMPTY_OU = 'ou-mini-dddddddd';

describe('scans that covered nothing, or too little', () => {
  let sb: RunningSandbox;
  let dir: string;
  let n = 0;
  before(async () => {
    // The scanner's test organization plus one OU without accounts.
    const fixture = miniOrg();
    fixture.organizationalUnits.push({ id: EMPTY_OU, name: 'Empty', parentId: 'r-mini' });
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    dir = mkdtempSync(join(tmpdir(), 'amigov-coverage-'));
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function scan(flags: ScanCliOptions) {
    const out = sink();
    const err = sink();
    const runDir = join(dir, `run-${++n}`);
    const run = await runScanAndReport(
      { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-01-15', out: runDir, quiet: true, format: 'html,json', ...flags },
      { stdout: out.stream, stderr: err.stream },
    );
    const doc = JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')) as FindingsDocument;
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    return { run, doc, html, out: out.text(), err: err.text() };
  }

  const everyActive = [CALLER, OPS, PROD, DEV, NOROLE].join(',');

  test('--exclude-accounts excluding every account: exit 3, "nothing was scanned" in the console, findings.json and report', async () => {
    const r = await scan({ excludeAccounts: everyActive });
    assert.equal(r.run.exitCode, 3, r.out);
    assert.match(r.out, /Nothing was scanned: no account x region was judged/);
    assert.match(r.out, /--allow-empty/);
    assert.match(r.out, /Coverage: 0 ok, .* - NOTHING WAS SCANNED/);
    assert.match(r.out, /\nExit code 3 \(nothing was scanned\)\n/);
    assert.equal(r.doc.coverage.complete, false);
    assert.equal(r.doc.coverage.empty, true);
    assert.equal(r.doc.outcome?.exitCode, 3);
    assert.match(r.html, /id="partial-banner"/);
    assert.match(r.html, /Nothing was scanned/);
    assert.doesNotMatch(r.html, /class="ok-text">0 of 0 scanned/);
  });

  test('--allow-partial does not accept an empty scope; --allow-empty does', async () => {
    assert.equal((await scan({ excludeAccounts: everyActive, allowPartial: true })).run.exitCode, 3);
    const ok = await scan({ excludeAccounts: everyActive, allowEmpty: true });
    assert.equal(ok.run.exitCode, 0, ok.out);
    // Accepted is not the same as complete: the report still says nothing was scanned.
    assert.equal(ok.doc.coverage.complete, false);
    assert.match(ok.html, /Nothing was scanned/);
  });

  test('--ou naming an OU without accounts: exit 3; --allow-empty: 0', async () => {
    const r = await scan({ ou: [EMPTY_OU] });
    assert.equal(r.run.exitCode, 3, r.out);
    assert.match(r.out, /Nothing was scanned/);
    assert.equal(r.doc.coverage.empty, true);
    assert.equal((await scan({ ou: [EMPTY_OU], allowEmpty: true })).run.exitCode, 0);
  });

  test('an account with no enabled region among those scanned appears in coverage and makes the scan partial', async () => {
    // af-south-1 is an opt-in region that the ops account enabled and prod did not.
    const r = await scan({ accounts: `${OPS},${PROD}`, regions: 'af-south-1' });
    assert.equal(r.run.exitCode, 3, r.out);
    assert.match(r.out, new RegExp(`No region scanned in 1 account:\\n {2}${PROD} \\(prod\\): af-south-1 skipped`));
    assert.match(r.out, /INCOMPLETE: 1 account\(s\) had no region scanned/);
    assert.deepEqual(r.doc.coverage.accountsWithoutScannedRegion, [PROD]);
    assert.ok(r.doc.coverage.entries.some((e) => e.accountId === PROD && e.status === 'skipped'), 'the account is in coverage');
    assert.equal(r.doc.coverage.complete, false);
    assert.match(r.html, /id="partial-banner"/);
    assert.match(r.html, /1 account had no region scanned/);
    assert.equal((await scan({ accounts: `${OPS},${PROD}`, regions: 'af-south-1', allowEmpty: true })).run.exitCode, 0);
  });

  test('--min-coverage: ok / (ok + access-denied + error), skipped regions left out', async () => {
    // 9 account x regions ok, 3 skipped (opt-in regions not enabled), 3 access-denied (no-role): 75%.
    const pass = await scan({ minCoverage: '75' });
    assert.equal(pass.run.exitCode, 0, pass.out);
    assert.equal(pass.doc.coverage.percent, 75);
    assert.match(pass.out, /Coverage 75\.0% \(9 of 12 account x regions\) meets --min-coverage 75%/);
    const fail = await scan({ minCoverage: '80' });
    assert.equal(fail.run.exitCode, 3);
    assert.match(fail.out, /Coverage 75\.0% \(9 of 12 account x regions\) is below --min-coverage 80%/);
    assert.equal(fail.doc.outcome?.exitCode, 3);
  });

  test('--min-coverage still fails a wrong role name, which --allow-partial would have accepted', async () => {
    const loose = await scan({ roleName: 'wrong-role', allowPartial: true });
    assert.equal(loose.run.exitCode, 0);
    const r = await scan({ roleName: 'wrong-role', minCoverage: '70' });
    assert.equal(r.run.exitCode, 3, r.out);
    // Only the caller's account (base credentials) was scanned: its 2 regions ok; 4 accounts x 2 regions denied.
    assert.match(r.out, /Coverage 20\.0% \(2 of 10 account x regions\) is below --min-coverage 70%/);
  });

  test('partial (3) and --fail-on (1) together: exit 3, and the console and findings.json say both', async () => {
    const r = await scan({ failOn: 'low' });
    assert.equal(r.run.exitCode, 3);
    const hits = r.doc.findings.length;
    assert.ok(hits > 0);
    assert.match(r.out, new RegExp(`Exit code 3 \\(partial scan\\); also ${hits} findings at or above low \\(--fail-on low would exit 1\\)`));
    assert.equal(r.doc.outcome?.exitCode, 3);
    assert.deepEqual(
      r.doc.outcome?.conditions.map((c) => [c.kind, c.exitCode]),
      [['partial', 3], ['findings', 1]],
    );
    assert.match(r.doc.outcome!.summary, /also \d+ findings at or above low/);
  });

  test('a complete scan with findings at --fail-on exits 1 and records why', async () => {
    const r = await scan({ accounts: `${PROD},${DEV}`, failOn: 'low' });
    assert.equal(r.run.exitCode, 1, r.out);
    assert.equal(r.doc.outcome?.exitCode, 1);
    assert.match(r.out, /Exit code 1 \(\d+ findings at or above low, --fail-on low\)/);
  });
});
