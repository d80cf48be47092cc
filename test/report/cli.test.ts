/** `amigov report`: renders a saved run folder again, with and without a comparison; clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { register } from '../../src/cli/commands/report.js';
import { UserError } from '../../src/cli/errors.js';
import { parseFormats } from '../../src/report/index.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import { assemble, sampleCoverage, sampleDoc, sampleFindings, sampleInventory } from './fixtures.js';

/** Runs `amigov report ...` in-process and returns the paths it printed. */
async function report(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  const lines: string[] = [];
  register(program, (line) => lines.push(line));
  await program.parseAsync(['node', 'amigov', 'report', ...args]);
  return lines.join('\n');
}

function saveRun(root: string, doc: FindingsDocument, extras = true): string {
  const dir = join(root, doc.run.runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'findings.json'), JSON.stringify(doc));
  if (extras) {
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify(sampleInventory(doc)));
    writeFileSync(join(dir, 'remediation.sh'), '#!/usr/bin/env bash\nset -euo pipefail\n');
  }
  return dir;
}

test('amigov report --run DIR writes the chosen formats into the run folder and prints their paths', async () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cli-'));
  try {
    const dir = saveRun(root, sampleDoc());
    const out = await report(['--run', dir, '--format', 'html,csv']);
    assert.deepEqual(out.trim().split('\n'), [join(dir, 'report.html'), join(dir, 'findings.csv')]);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /set -euo pipefail/, 'remediation.sh is shown');
    assert.ok(!existsSync(join(dir, 'report.xlsx')));

    const elsewhere = join(root, 'out');
    const all = await report(['--run', dir, '--out', elsewhere]);
    assert.deepEqual(all.trim().split('\n'), ['report.html', 'report.xlsx', 'findings.csv', 'findings.json', 'findings.jsonl'].map((f) => join(elsewhere, f)));
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
    await report(['--run', dir, '--format', 'json,html', '--compare', 'latest']);
    const doc = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as FindingsDocument;
    assert.equal(doc.comparison?.previousRunDir, prevDir);
    assert.deepEqual(doc.comparison?.counts, { new: 1, persisting: 9, resolved: 1 });
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /Since the previous run/);
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
    await assert.rejects(report(['--run', join(root, 'broken')]), isUserError(/is not valid JSON/));
    writeFileSync(join(root, 'broken', 'findings.json'), '{"kind":"something-else"}');
    await assert.rejects(report(['--run', join(root, 'broken')]), isUserError(/not an amigov findings file/));
    const dir = saveRun(root, sampleDoc());
    await assert.rejects(report(['--run', dir, '--format', 'html,pdf']), isUserError(/unknown report format "pdf"/));
    await assert.rejects(report(['--run', dir, '--compare', 'latest']), isUserError(/no earlier run/));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('parseFormats: lists, case, spaces, duplicates and "all"', () => {
  assert.deepEqual(parseFormats('html,xlsx'), ['html', 'xlsx']);
  assert.deepEqual(parseFormats(' HTML , csv,html'), ['html', 'csv']);
  assert.deepEqual(parseFormats('all'), ['html', 'xlsx', 'csv', 'json', 'jsonl']);
  assert.throws(() => parseFormats(''), UserError);
  assert.throws(() => parseFormats('docx'), /unknown report format "docx"/);
});
