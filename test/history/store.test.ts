/** The history index: read as it is, extended by new runs, rebuilt when the folders no longer match; SLA boundaries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTORY_BENCH_DEFAULTS, syntheticRun } from '../../src/history/bench.ts';
import { HISTORY_INDEX_FILE, loadHistory, stateBefore } from '../../src/history/store.ts';
import { applyHistory } from '../../src/history/apply.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { seedConfig } from '../policy/helpers.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';

const o = { ...HISTORY_BENCH_DEFAULTS, accounts: 20, findingsPerAccount: 4, churn: 0.25 };
const allowlist = resolveAllowlist(seedConfig(), o.firstDate);

function writeRun(dir: string, doc: FindingsDocument, inventory = true): void {
  mkdirSync(join(dir, doc.run.runId), { recursive: true });
  writeFileSync(join(dir, doc.run.runId, 'findings.json'), JSON.stringify(doc));
  if (inventory) writeFileSync(join(dir, doc.run.runId, 'inventory.json'), '{}');
}

test('the index is read alone when nothing changed, extended by a new run, rebuilt when an old run changed or an older one appears', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-history-store-'));
  try {
    for (let w = 0; w < 4; w++) writeRun(dir, syntheticRun(o, w, allowlist));
    writeRun(dir, { ...syntheticRun(o, 9, allowlist), run: { ...syntheticRun(o, 9, allowlist).run, runId: 'preview-evaluate' } }, false);
    const first = loadHistory(dir);
    assert.deepEqual([first.index, first.foldersRead, first.state.runs.length], ['rebuilt', 4, 4], 'an evaluate folder (no inventory.json) is not history');
    const again = loadHistory(dir);
    assert.deepEqual([again.index, again.foldersRead], ['current', 0]);
    assert.deepEqual([again.state.ids, again.state.runs], JSON.parse(JSON.stringify([first.state.ids, first.state.runs])));
    writeRun(dir, syntheticRun(o, 4, allowlist));
    const ext = loadHistory(dir);
    assert.deepEqual([ext.index, ext.foldersRead, ext.state.runs.length], ['extended', 1, 5]);
    // The same as folding all five from scratch.
    rmSync(join(dir, HISTORY_INDEX_FILE));
    const scratch = loadHistory(dir);
    assert.equal(scratch.index, 'rebuilt');
    assert.deepEqual(JSON.parse(JSON.stringify(scratch.state.ids)), JSON.parse(JSON.stringify(ext.state.ids)));
    assert.deepEqual(scratch.state.runs.map((r) => r.point), ext.state.runs.map((r) => r.point));
    // An old run folder rewritten: its size or time no longer matches, so the index is rebuilt.
    const w1 = syntheticRun(o, 1, allowlist);
    writeFileSync(join(dir, w1.run.runId, 'findings.json'), JSON.stringify({ ...w1, findings: w1.findings.slice(1) }));
    assert.equal(loadHistory(dir).index, 'rebuilt');
    // A run older than the newest indexed one appears: rebuilt, in date order.
    const older = syntheticRun(o, 0, allowlist);
    writeRun(dir, { ...older, run: { ...older.run, runId: `${older.run.runId}-b`, startedAt: '2026-01-05T07:00:00.000Z' } });
    const re = loadHistory(dir);
    assert.equal(re.index, 'rebuilt');
    const ids = [0, 1, 2, 3, 4].map((w) => syntheticRun(o, w, allowlist).run.runId);
    assert.deepEqual(re.state.runs.map((r) => r.runId), [ids[0], `${ids[0]}-b`, ...ids.slice(1)]);
    // A broken index is a cache miss, not an error.
    writeFileSync(join(dir, HISTORY_INDEX_FILE), '{"kind":"amigov.history-index"');
    assert.equal(loadHistory(dir).index, 'rebuilt');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('churn: a replaced finding is resolved on the run that no longer has it; the rest age', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-history-store-'));
  try {
    for (let w = 0; w < 3; w++) writeRun(dir, syntheticRun(o, w, allowlist));
    const loaded = loadHistory(dir);
    const next = syntheticRun(o, 3, allowlist);
    const doc = applyHistory(next, stateBefore(loaded, next), { dir, indexFile: loaded.indexFile, sla: {} });
    const prev = new Set(syntheticRun(o, 2, allowlist).findings.map((f) => f.id));
    const now = new Set(next.findings.map((f) => f.id));
    assert.equal(doc.history!.resolved, [...prev].filter((id) => !now.has(id)).length);
    assert.ok(doc.history!.resolved > 0);
    for (const f of doc.findings) {
      if (prev.has(f.id)) assert.ok(f.history!.runsSeen >= 2);
      else assert.deepEqual([f.history!.runsSeen, f.history!.ageDays], [1, 0]);
    }
    assert.deepEqual(doc.history!.trend.map((p) => p.date), ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SLA: due on first seen + SLA days, overdue from the day after', () => {
  const week0 = syntheticRun(o, 0, allowlist);
  const f = week0.findings.find((x) => x.severity === 'high')!;
  const state = { runs: [], ids: { [f.id]: { firstSeen: '2026-01-05', firstRunId: 'r0', lastSeen: '2026-01-05', runsSeen: 1 } } };
  const at = (asOf: string) => applyHistory({ ...week0, run: { ...week0.run, asOf }, findings: [f] }, state, { dir: '.', indexFile: 'x', sla: { high: 7 } }).findings[0]!.history!;
  assert.deepEqual([at('2026-01-12').dueDate, at('2026-01-12').ageDays, at('2026-01-12').overdue], ['2026-01-12', 7, false]);
  assert.deepEqual([at('2026-01-13').ageDays, at('2026-01-13').overdue], [8, true]);
});

test('bench --history runs end to end on a small organization and prints its table', async () => {
  const { runHistoryBench, formatHistoryBench } = await import('../../src/history/bench.ts');
  const r = runHistoryBench({ runs: 6, accounts: 10 });
  assert.equal(r.findingsPerRun, 10 * HISTORY_BENCH_DEFAULTS.findingsPerAccount);
  assert.ok(r.idsTracked > r.findingsPerRun, 'churn adds finding ids over the year');
  assert.ok(r.indexBytes > 0);
  assert.match(formatHistoryBench(r), /\| the index \+ last week's run \(the weekly job\) \| \d+ ms \| \d+ ms \|/);
});
