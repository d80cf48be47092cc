/** `amigov report`: renders a saved run folder again, with and without a comparison; clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from '../../src/cli/commands/report.ts';
import { UserError } from '../../src/errors.ts';
import { parseFormats } from '../../src/report/index.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { assemble, sampleCoverage, sampleDoc, sampleFindings, sampleInventory } from './fixtures.ts';

// The default output folder is reports/<new-run-id>-report/ under the working directory: work in a temp one.
const cwd = mkdtempSync(join(tmpdir(), 'amigov-report-cwd-'));
process.chdir(cwd);

/** Runs `amigov report ...` in-process and returns the paths it printed (and its notes in `notes`). */
const notes: string[] = [];
async function report(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  const lines: string[] = [];
  register(program, (line) => lines.push(line), (line) => notes.push(line));
  await program.parseAsync(['node', 'amigov', 'report', ...args]);
  return lines.join('\n');
}

/** A scan run folder: findings.json and inventory.json, and remediation.sh with extras. */
function saveRun(root: string, doc: FindingsDocument, extras = true): string {
  const dir = join(root, doc.run.runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'findings.json'), JSON.stringify(doc));
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(sampleInventory(doc)));
  if (extras) writeFileSync(join(dir, 'remediation.sh'), '#!/usr/bin/env bash\nset -euo pipefail\n');
  return dir;
}

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

test('amigov report --run DIR writes a new folder (never the run folder) and prints the paths', async () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cli-'));
  try {
    const dir = saveRun(root, sampleDoc());
    writeFileSync(join(dir, 'report.html'), '<p>written by the scan</p>');
    const before = snapshot(dir);
    const out = await report(['--run', dir, '--format', 'html,csv,json']);
    const paths = out.trim().split('\n');
    const folder = readdirSync(join(cwd, 'reports')).filter((n) => n.endsWith('-report')).sort().at(-1)!;
    assert.match(folder, /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}-report$/);
    assert.deepEqual(paths, ['report.html', 'findings.csv', 'findings.json'].map((f) => join(cwd, 'reports', folder, f)));
    assert.match(readFileSync(paths[0]!, 'utf8'), /set -euo pipefail/, 'remediation.sh is shown');
    assert.deepEqual(snapshot(dir), before, 'the run folder is untouched');
    const doc = JSON.parse(readFileSync(paths[2]!, 'utf8')) as FindingsDocument;
    assert.equal(doc.evaluation, undefined, 'the fixture has no evaluation info to extend');

    const elsewhere = join(root, 'out');
    const all = await report(['--run', dir, '--out', elsewhere]);
    const lines = all.trim().split('\n');
    assert.deepEqual(lines.slice(0, 9), ['report.html', 'report.xlsx', 'findings.csv', 'rollout.csv', 'findings.json', 'findings.jsonl', 'findings.ocsf.json', 'findings.asff.json', 'summary.md'].map((f) => join(elsewhere, f)));
    // With findings.asff.json written, the import commands follow, as the scan prints them (never run).
    const asff = JSON.parse(readFileSync(join(elsewhere, 'findings.asff.json'), 'utf8')) as { findings: number; batches: { accountId: string; region: string }[] };
    assert.ok(asff.batches.length > 0);
    assert.equal(lines[9], '', 'a blank line after the paths');
    assert.match(lines[10]!, new RegExp(`^Security Hub \\(not imported: amigov never writes to Security Hub\\): ${asff.findings} findings in ${asff.batches.length} batch`));
    assert.equal(lines[12], `  aws securityhub batch-import-findings --region ${asff.batches[0]!.region} --cli-input-json "$(jq -c '.batches[0].request' ${join(elsewhere, 'findings.asff.json')})"    # account ${asff.batches[0]!.accountId}`);
    assert.equal(lines.length, 9 + 3 + Math.min(5, asff.batches.length) + (asff.batches.length > 5 ? 1 : 0));
    const noAsff = await report(['--run', dir, '--out', join(root, 'out-csv'), '--format', 'csv']);
    assert.doesNotMatch(noAsff, /Security Hub/, 'no findings.asff.json written: nothing to import');
    // --out naming the run folder (or any folder holding a run's files) is refused, and writes nothing.
    for (const target of [dir, elsewhere]) {
      await assert.rejects(report(['--run', dir, '--out', target]), (e: unknown) => e instanceof UserError && e.exitCode === 2 && /already holds .*A run folder's files are written once/.test(e.message));
    }
    assert.deepEqual(snapshot(dir), before);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('amigov report records the run it was rendered from (evaluation.derivedFrom)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cli-'));
  try {
    const src = sampleDoc();
    src.evaluation = { evaluatedAt: '2026-11-23T10:20:00.000Z', source: 'scan', scanAsOf: '2026-11-23', scanConfigPath: 'c.json', rulesRun: ['unapproved-publisher'], deep: false, ruleErrors: [] };
    const dir = saveRun(root, src);
    await report(['--run', dir, '--format', 'json', '--out', join(root, 'out')]);
    const doc = JSON.parse(readFileSync(join(root, 'out', 'findings.json'), 'utf8')) as FindingsDocument;
    assert.deepEqual(doc.evaluation?.derivedFrom, { command: 'report', runId: src.run.runId, runDir: dir });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('amigov report --compare latest compares with the newest earlier run beside it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cli-'));
  try {
    const previous = assemble({ findings: [...sampleFindings().slice(1), { ...sampleFindings()[0]!, id: 'f-gone', resourceId: 'i-0gone' }], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
    saveRun(root, assemble({ findings: [], coverage: sampleCoverage(false), runId: '2026-11-09T10-15-00Z-zzzz' }), false);
    const prevDir = saveRun(root, previous, false);
    const dir = saveRun(root, sampleDoc());
    // A newer folder written by amigov report (no inventory.json) is not a scan: latest passes it over.
    mkdirSync(join(root, '2026-11-20T10-15-00Z-bbbb-report'));
    writeFileSync(join(root, '2026-11-20T10-15-00Z-bbbb-report', 'findings.json'), JSON.stringify(sampleDoc()));
    const out = join(root, 'weekly');
    await report(['--run', dir, '--format', 'json,html', '--compare', 'latest', '--out', out]);
    const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    assert.equal(doc.comparison?.previousRunDir, prevDir);
    assert.deepEqual(doc.comparison?.counts, { new: 1, persisting: 9, resolved: 1, notRechecked: 0 });
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /Since the previous run/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('amigov report: clear errors for a missing, empty or damaged run folder and a bad format', async () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cli-'));
  try {
    const isUserError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
    await assert.rejects(report(['--run', join(root, 'missing')]), isUserError(/run folder .*missing does not exist/));
    mkdirSync(join(root, 'empty'));
    await assert.rejects(report(['--run', join(root, 'empty')]), isUserError(/has no findings\.json/));
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'findings.json'), '{"kind":"amigov.findings",');
    await assert.rejects(report(['--run', join(root, 'broken')]), isUserError(/is not valid JSON .*; the file may be truncated or not a findings file$/));
    writeFileSync(join(root, 'broken', 'findings.json'), '{"kind":"something-else"}');
    await assert.rejects(report(['--run', join(root, 'broken')]), isUserError(/not an amigov findings file/));
    const dir = saveRun(root, sampleDoc());
    await assert.rejects(report(['--run', dir, '--format', 'html,pdf']), isUserError(/unknown report format "pdf"/));
    // No earlier run: the run is the baseline, said so, and rendered without a comparison.
    notes.length = 0;
    await report(['--run', dir, '--compare', 'latest', '--format', 'json', '--out', join(root, 'baseline')]);
    assert.match(notes.join('\n'), /no earlier run to compare with: this run is the baseline/);
    assert.equal((JSON.parse(readFileSync(join(root, 'baseline', 'findings.json'), 'utf8')) as FindingsDocument).comparison, undefined);
    await assert.rejects(report(['--run', dir, '--compare', join(root, 'missing')]), isUserError(/--compare folder .*missing does not exist/));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('parseFormats: lists, case, spaces, duplicates and "all"', () => {
  assert.deepEqual(parseFormats('html,xlsx'), ['html', 'xlsx']);
  assert.deepEqual(parseFormats(' HTML , csv,html'), ['html', 'csv']);
  assert.deepEqual(parseFormats('all'), ['html', 'xlsx', 'csv', 'rollout', 'json', 'jsonl', 'ocsf', 'asff', 'summary']);
  assert.throws(() => parseFormats(''), UserError);
  assert.throws(() => parseFormats('docx'), /unknown report format "docx"/);
});
