import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns, resolveCompareTarget, resolvePreviousRun } from '../../src/report/compare.ts';
import { UserError } from '../../src/errors.ts';
import { RULE_IDS } from '../../src/rules/index.ts';
import type { EvaluationInfo, Finding, FindingsDocument, NotRecheckedCode } from '../../src/model/findings.ts';
import type { CoverageEntry } from '../../src/model/inventory.ts';
import { assemble, finding } from './fixtures.ts';

const A = '012345678901';
const B = '222222222222';
const C = '333333333333';
const ACCOUNTS = [A, B, C];
const REGIONS = ['us-east-1', 'eu-west-1'];

/** Every account x region ok, then `edit` changes entries (return undefined to drop one: not in scope). */
function coverage(edit: (e: CoverageEntry) => CoverageEntry | undefined = (e) => e, accounts = ACCOUNTS, regions = REGIONS): CoverageEntry[] {
  return accounts.flatMap((accountId) => regions.map((region) => edit({ accountId, region, status: 'ok' as const }))).filter((e): e is CoverageEntry => e !== undefined);
}

function evaluation(p: Partial<EvaluationInfo> = {}): EvaluationInfo {
  return {
    evaluatedAt: '2026-11-23T10:20:00.000Z',
    source: 'scan',
    scanAsOf: '2026-11-23',
    scanConfigPath: 'config/ami_publishers.json',
    rulesRun: [...RULE_IDS],
    severityThreshold: null,
    severityOverrides: {},
    deep: false,
    ruleErrors: [],
    ...p,
  };
}

function doc(findings: Finding[], cov: CoverageEntry[], ev: Partial<EvaluationInfo> = {}, runId = '2026-11-23T10-15-00Z-bbbb'): FindingsDocument {
  return { ...assemble({ findings, coverage: cov, runId }), evaluation: evaluation(ev) };
}

// Last week's findings. The current run (below) finds none of them, so each one is either resolved or not re-checked.
const up = finding({ ruleId: 'unapproved-publisher', accountId: A, region: 'us-east-1', resourceId: 'i-0up', severity: 'high' });
const upEu = finding({ ruleId: 'unapproved-publisher', accountId: A, region: 'eu-west-1', resourceId: 'i-0upeu', severity: 'high' });
const shared = finding({ ruleId: 'public-ami', accountId: B, region: 'us-east-1', resourceType: 'image', resourceId: 'ami-0shared', severity: 'critical', details: { public: false, sharedOutside: '999999999999', deepChecked: true } });
const drift = finding({ ruleId: 'allowed-amis-drift', accountId: B, region: 'eu-west-1', resourceType: 'account-region', resourceId: 'allowed-images-settings', severity: 'medium' });
const expiring = finding({ ruleId: 'expiring-exception', accountId: C, region: 'us-east-1', resourceId: 'i-0exp', severity: 'medium' });
const untagged = finding({ ruleId: 'prod-ami-not-tagged', accountId: A, region: 'us-east-1', resourceId: 'i-0prod', severity: 'medium' });
const sideLoaded = finding({ ruleId: 'ami-in-workload-account', accountId: C, region: 'eu-west-1', resourceType: 'image', resourceId: 'ami-0side', severity: 'low' });
const ruleError = finding({ ruleId: 'unknown-image', accountId: '', region: '', resourceType: 'rule', resourceId: 'unknown-image', status: 'error', severity: 'medium' });
const PREVIOUS = [up, upEu, shared, drift, expiring, untagged, sideLoaded, ruleError];
const previous = (ev: Partial<EvaluationInfo> = {}) => doc(PREVIOUS, coverage(), { deep: true, ...ev }, '2026-11-16T10-15-00Z-aaaa');

type Expect = 'resolved' | NotRecheckedCode;
interface Case {
  name: string;
  current: FindingsDocument;
  previous?: FindingsDocument;
  /** finding -> expected outcome; findings not listed must be resolved. */
  expect: [Finding, Expect][];
  reason?: [Finding, RegExp][];
}

const cases: Case[] = [
  { name: 'same scope, same rules, deep: everything gone is resolved', current: doc([], coverage(), { deep: true }), expect: [] },
  {
    name: '--regions us-east-1 (narrower regions)',
    current: doc([], coverage(undefined, ACCOUNTS, ['us-east-1']), { deep: true }),
    expect: [[upEu, 'region-not-scanned'], [drift, 'region-not-scanned'], [sideLoaded, 'region-not-scanned'], [ruleError, 'region-not-scanned']],
    reason: [[upEu, /eu-west-1 was not scanned in account 012345678901/], [ruleError, /organization-wide finding/]],
  },
  {
    name: '--accounts / --ou without account 222222222222 (narrower accounts)',
    current: doc([], coverage(undefined, [A, C]), { deep: true }),
    expect: [[shared, 'account-not-scanned'], [drift, 'account-not-scanned'], [ruleError, 'account-not-scanned']],
    reason: [[shared, /account 222222222222 was not in this run's scope/]],
  },
  {
    name: '--rules unapproved-publisher (rules subset)',
    current: doc([], coverage(), { deep: true, rulesRun: ['unapproved-publisher'] }),
    expect: [[shared, 'rule-not-run'], [drift, 'rule-not-run'], [expiring, 'rule-not-run'], [untagged, 'rule-not-run'], [sideLoaded, 'rule-not-run'], [ruleError, 'rule-not-run']],
    reason: [[drift, /rule allowed-amis-drift was not run/]],
  },
  {
    name: '--severity-threshold high, findings document without the dropped ids: anything below high',
    current: doc([], coverage(), { deep: true, severityThreshold: 'high' }),
    expect: [[drift, 'below-severity-threshold'], [expiring, 'below-severity-threshold'], [untagged, 'below-severity-threshold'], [sideLoaded, 'below-severity-threshold']],
    reason: [[drift, /below this run's --severity-threshold high/]],
  },
  {
    name: '--severity-threshold high with the ids it dropped: those are not re-checked, the rest were judged',
    current: doc([], coverage(), { deep: true, severityThreshold: 'high', belowThresholdIds: [untagged.id, sideLoaded.id] }),
    expect: [[untagged, 'below-severity-threshold'], [sideLoaded, 'below-severity-threshold']],
  },
  {
    name: 'GetAllowedImagesSettings denied in 222222222222 eu-west-1 (unit ok, collector degraded)',
    current: doc([], coverage((e) => (e.accountId === B && e.region === 'eu-west-1' ? { ...e, degraded: { 'allowed-images-settings': 'GetAllowedImagesSettings was denied (UnauthorizedOperation)' } } : e)), { deep: true }),
    expect: [[drift, 'collector-degraded']],
    reason: [[drift, /allowed-images-settings degraded in 222222222222 eu-west-1: GetAllowedImagesSettings was denied/]],
  },
  {
    name: '--deep baseline, this run without --deep',
    current: doc([], coverage(), { deep: false }),
    expect: [[shared, 'collector-not-run']],
    reason: [[shared, /launch-permissions .*not --deep/]],
  },
  {
    name: '--deep baseline, this run --deep but launch-permission reads failed',
    current: doc([], coverage((e) => (e.accountId === B && e.region === 'us-east-1' ? { ...e, degraded: { 'launch-permissions': 'launch permissions of 1 of 3 images unknown' } } : e)), { deep: true }),
    expect: [[shared, 'collector-degraded']],
  },
  {
    name: 'neither run --deep: the same data was read both times',
    previous: previous({ deep: false }),
    current: doc([], coverage(), { deep: false }),
    expect: [],
  },
  {
    name: 'interrupted run: the unit that was cut short',
    current: doc([], coverage((e) => (e.accountId === A && e.region === 'eu-west-1' ? { ...e, status: 'error', errorCode: 'Interrupted', reason: 'scan interrupted while collecting instances' } : e)), { deep: true }),
    expect: [[upEu, 'interrupted'], [ruleError, 'interrupted']],
  },
  {
    name: 'account access-denied this week',
    current: doc([], coverage((e) => (e.accountId === C ? { ...e, status: 'access-denied', errorCode: 'AccessDenied', reason: 'AssumeRole denied' } : e)), { deep: true }),
    expect: [[expiring, 'access-denied'], [sideLoaded, 'access-denied'], [ruleError, 'access-denied']],
    reason: [[expiring, /333333333333 us-east-1 was access-denied: AssumeRole denied/]],
  },
  {
    name: 'a region skipped this week (opted out)',
    current: doc([], coverage((e) => (e.accountId === A && e.region === 'eu-west-1' ? { ...e, status: 'skipped', reason: 'region not enabled' } : e)), { deep: true }),
    expect: [[upEu, 'region-skipped'], [ruleError, 'region-skipped']],
  },
  {
    name: 'a rule that threw this run',
    current: doc([], coverage(), { deep: true, ruleErrors: [{ ruleId: 'unapproved-publisher', message: 'boom' }] }),
    expect: [[up, 'rule-failed'], [upEu, 'rule-failed']],
  },
  {
    name: 'Organizations read last week, not this week (--no-organizations)',
    current: { ...doc([], coverage(), { deep: true }), run: { ...doc([], coverage()).run, organization: null } },
    expect: [[shared, 'collector-not-run'], [untagged, 'collector-not-run']],
    reason: [[untagged, /organization .*--no-organizations/]],
  },
];

for (const c of cases) {
  test(`compareRuns: ${c.name}`, () => {
    const out = compareRuns(c.current, c.previous ?? previous(), '/r/prev').comparison!;
    const got = new Map<string, Expect>([...out.resolved.map((f) => [f.id, 'resolved'] as const), ...out.notRechecked.map((f) => [f.id, f.notRechecked!.code] as const)]);
    const want = new Map<string, Expect>(PREVIOUS.map((f) => [f.id, 'resolved']));
    for (const [f, e] of c.expect) want.set(f.id, e);
    const name = (id: string) => PREVIOUS.find((f) => f.id === id)!.ruleId + ' ' + id;
    assert.deepEqual(
      Object.fromEntries([...got].map(([id, e]) => [name(id), e])),
      Object.fromEntries([...want].map(([id, e]) => [name(id), e])),
    );
    for (const [f, re] of c.reason ?? []) assert.match(out.notRechecked.find((x) => x.id === f.id)!.notRechecked!.reason, re);
    // Counted apart, never as resolved; carried forward with last week's data.
    const notRechecked = c.expect.length;
    assert.equal(out.counts.resolved, PREVIOUS.length - notRechecked);
    assert.equal(out.counts.notRechecked, notRechecked);
    assert.equal(Object.values(out.notRecheckedByReason).reduce((a, b) => a + b, 0), notRechecked);
    for (const f of out.notRechecked) {
      assert.equal(f.change, 'not-rechecked');
      const before = PREVIOUS.find((p) => p.id === f.id)!;
      assert.deepEqual({ ...f, change: undefined, notRechecked: undefined }, { ...before, change: undefined, notRechecked: undefined });
    }
    for (const f of out.resolved) assert.equal(f.notRechecked, undefined);
    assert.equal(Object.values(out.byRule).reduce((n, r) => n + r.notRechecked, 0), notRechecked);
    assert.equal(Object.values(out.byRule).reduce((n, r) => n + r.resolved, 0), out.counts.resolved);
  });
}

test('compareRuns: new, persisting and resolved by finding id, with counts per rule and per account', () => {
  const keep = up;
  const added = finding({ ruleId: 'public-ami', accountId: B, region: 'us-east-1', resourceType: 'image', resourceId: 'ami-0new' });
  const prev = doc([keep, upEu, shared], coverage(), { deep: true }, '2026-11-16T10-00-00Z-aaaa');
  const current = doc([keep, added], coverage(), { deep: true });
  const out = compareRuns(current, prev, '/r/prev');
  assert.deepEqual(out.findings.map((f) => [f.id, f.change]), [[keep.id, 'persisting'], [added.id, 'new']]);
  const c = out.comparison!;
  assert.equal(c.previousRunId, '2026-11-16T10-00-00Z-aaaa');
  assert.equal(c.previousRunDir, '/r/prev');
  assert.deepEqual(c.counts, { new: 1, persisting: 1, resolved: 2, notRechecked: 0 });
  assert.deepEqual(c.resolved.map((f) => [f.id, f.change]), [[upEu.id, 'resolved'], [shared.id, 'resolved']]);
  assert.deepEqual(c.byRule, { 'unapproved-publisher': { new: 0, persisting: 1, resolved: 1, notRechecked: 0 }, 'public-ami': { new: 1, persisting: 0, resolved: 1, notRechecked: 0 } });
  assert.deepEqual(c.byAccount, { [A]: { new: 0, persisting: 1, resolved: 1, notRechecked: 0 }, [B]: { new: 1, persisting: 0, resolved: 1, notRechecked: 0 } });
  assert.deepEqual(c.notRechecked, []);
  assert.equal('notRescanned' in c, false);
  // The inputs are not modified.
  assert.equal(current.findings[0]!.change, undefined);
  assert.equal(current.comparison, undefined);
});

test('compareRuns: documents without evaluation info fall back to their rules list and run parameters', () => {
  const prev = { ...assemble({ findings: [up, drift], coverage: coverage(), runId: '2026-11-16T10-00-00Z-aaaa' }) };
  // assemble()'s rules list has no allowed-amis-drift: that rule did not run this time.
  const c = compareRuns(assemble({ findings: [], coverage: coverage() }), prev, '/r/prev').comparison!;
  assert.deepEqual(c.resolved.map((f) => f.id), [up.id]);
  assert.deepEqual(c.notRechecked.map((f) => [f.id, f.notRechecked?.code]), [[drift.id, 'rule-not-run']]);
});

function runDir(root: string, name: string, files: string[] = ['findings.json', 'inventory.json']) {
  mkdirSync(join(root, name), { recursive: true });
  for (const f of files) writeFileSync(join(root, name, f), '{}');
}

test('resolvePreviousRun: latest is the newest earlier scan run folder (findings.json and inventory.json)', () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cmp-'));
  try {
    runDir(root, '2026-11-02T10-00-00Z-aaaa');
    runDir(root, '2026-11-09T10-00-00Z-bbbb');
    runDir(root, '2026-11-10T08-00-00Z-abcd-evaluate', ['findings.json', 'remediation.sh']); // written by amigov evaluate
    runDir(root, '2026-11-11T08-00-00Z-abce-report', ['findings.json', 'report.html']); // written by amigov report
    runDir(root, '2026-11-16T10-00-00Z-cccc', ['inventory.json']); // unfinished: no findings.json
    runDir(root, '2026-11-23T10-00-00Z-dddd'); // the current run
    runDir(root, '2026-11-30T10-00-00Z-eeee'); // later than the current run
    writeFileSync(join(root, 'notes.txt'), 'not a run');
    assert.equal(resolvePreviousRun(root, 'latest', '2026-11-23T10-00-00Z-dddd'), join(root, '2026-11-09T10-00-00Z-bbbb'));
    assert.equal(resolvePreviousRun(root, 'latest', '2026-11-09T10-00-00Z-bbbb'), join(root, '2026-11-02T10-00-00Z-aaaa'));
    assert.throws(() => resolvePreviousRun(root, 'latest', '2026-11-02T10-00-00Z-aaaa'), (e: unknown) => e instanceof UserError && /no earlier scan run/.test(e.message));
    // An explicit folder is taken as given, once checked.
    assert.equal(resolvePreviousRun(root, join(root, '2026-11-02T10-00-00Z-aaaa'), 'x'), join(root, '2026-11-02T10-00-00Z-aaaa'));
    assert.equal(resolvePreviousRun(root, join(root, '2026-11-10T08-00-00Z-abcd-evaluate'), 'x'), join(root, '2026-11-10T08-00-00Z-abcd-evaluate'));
    assert.throws(() => resolvePreviousRun(root, join(root, 'missing'), 'x'), (e: unknown) => e instanceof UserError && /does not exist/.test(e.message));
    assert.throws(() => resolvePreviousRun(root, join(root, '2026-11-16T10-00-00Z-cccc'), 'x'), (e: unknown) => e instanceof UserError && /has no findings\.json/.test(e.message));
    assert.throws(() => resolvePreviousRun(root, join(root, '2026-11-23T10-00-00Z-dddd'), '2026-11-23T10-00-00Z-dddd', join(root, '2026-11-23T10-00-00Z-dddd')), UserError);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('resolveCompareTarget: no earlier run (or no reports folder yet) makes this run the baseline; a bad folder is a usage error', () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cmp-'));
  try {
    assert.deepEqual(resolveCompareTarget('latest', { reportsDir: join(root, 'nope'), currentRunId: '2026-11-23T10-00-00Z-dddd' }).kind, 'baseline');
    runDir(root, '2026-11-10T08-00-00Z-abcd-evaluate', ['findings.json']);
    const t = resolveCompareTarget('latest', { reportsDir: root, currentRunId: '2026-11-23T10-00-00Z-dddd' });
    assert.equal(t.kind, 'baseline');
    assert.match(t.kind === 'baseline' ? t.message : '', /no earlier run to compare with: this run is the baseline/);
    // An explicit folder must be a readable findings document.
    runDir(root, '2026-11-09T10-00-00Z-bbbb');
    assert.throws(() => resolveCompareTarget(join(root, '2026-11-09T10-00-00Z-bbbb'), { reportsDir: root }), (e: unknown) => e instanceof UserError && /not an amigov findings file/.test(e.message));
    assert.throws(() => resolveCompareTarget(join(root, 'missing'), { reportsDir: root }), (e: unknown) => e instanceof UserError && /does not exist/.test(e.message));
    const current = join(root, 'out');
    assert.throws(() => resolveCompareTarget(current, { reportsDir: root, currentRunDir: current }), (e: unknown) => e instanceof UserError && /--compare .* is the folder of this run itself/.test(e.message));
    const good = doc([up], coverage(), {}, '2026-11-02T10-00-00Z-aaaa');
    mkdirSync(join(root, '2026-11-02T10-00-00Z-aaaa'));
    writeFileSync(join(root, '2026-11-02T10-00-00Z-aaaa', 'findings.json'), JSON.stringify(good));
    writeFileSync(join(root, '2026-11-02T10-00-00Z-aaaa', 'inventory.json'), '{}');
    // latest skips the damaged newer folder? No: latest takes the newest scan folder and validates it.
    assert.throws(() => resolveCompareTarget('latest', { reportsDir: root, currentRunId: '2026-11-23T10-00-00Z-dddd' }), (e: unknown) => e instanceof UserError && /2026-11-09T10-00-00Z-bbbb/.test(e.message));
    rmSync(join(root, '2026-11-09T10-00-00Z-bbbb'), { recursive: true });
    const ok = resolveCompareTarget('latest', { reportsDir: root, currentRunId: '2026-11-23T10-00-00Z-dddd' });
    assert.equal(ok.kind, 'run');
    assert.equal(ok.kind === 'run' ? ok.dir : '', join(root, '2026-11-02T10-00-00Z-aaaa'));
    assert.equal(ok.kind === 'run' ? ok.runId : '', '2026-11-02T10-00-00Z-aaaa');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('waived findings are counted apart: not in new/persisting, but as waived new / persisting in every summary', async () => {
  const { renderSummaryMarkdown, runSummary } = await import('../../src/report/run-summary.ts');
  const { formatComparison } = await import('../../src/pipeline/console.ts');
  const { judgeRun } = await import('../../src/history/store.ts');
  const f = (id: string) => finding({ id, ruleId: 'unapproved-publisher', accountId: A, region: 'us-east-1', resourceId: `i-${id}` });
  const withWaived = (d: FindingsDocument, waived: Finding[]): FindingsDocument => ({
    ...d,
    waivers: { file: 'config/waivers.json', asOf: d.run.asOf, waived, entries: [], counts: { waived: waived.length, expired: 0, stale: 0, expiredFindings: 0 } },
  });
  // Previous run: open1 open, kept waived; this run: open1 and open2 (new) open, kept and fresh waived.
  const previous = withWaived(doc([f('open1')], coverage(), {}, '2026-11-16T10-15-00Z-aaaa'), [f('kept')]);
  const current = withWaived(doc([f('open1'), f('open2')], coverage()), [f('kept'), f('fresh')]);
  const cmp = compareRuns(current, previous, '/prev').comparison!;
  assert.deepEqual([cmp.counts.new, cmp.counts.persisting, cmp.counts.resolved], [1, 1, 0], 'the counts are the findings that need action');
  assert.deepEqual(cmp.waived, { new: 1, persisting: 1 });
  const compared = compareRuns(current, previous, '/prev');
  assert.deepEqual(runSummary(compared).change?.waived, { new: 1, persisting: 1 });
  assert.match(renderSummaryMarkdown(compared), /\*\*1 new\*\*, 1 persisting, \*\*0 resolved\*\*; 1 new and 1 persisting waived \(counted apart\)\./);
  assert.match(formatComparison(compared, { kind: 'run', dir: '/prev', runId: previous.run.runId }), /: 1 new, 1 persisting, 0 resolved, 0 not re-checked; 1 new and 1 persisting waived \(counted apart\)/);
  // Without waivers nothing is added.
  const plain = compareRuns(doc([f('open1')], coverage()), doc([f('open1')], coverage(), {}, '2026-11-16T10-15-00Z-aaaa'), '/prev');
  assert.equal(plain.comparison!.waived, undefined);
  assert.doesNotMatch(renderSummaryMarkdown(plain), /waived/);
  // The trend point of the history: `new` without the waived ones, `newWaived` apart.
  const seen = (id: string) => ({ firstSeen: '2026-11-16', firstRunId: previous.run.runId, lastSeen: '2026-11-16', runsSeen: 1, open: { id, ruleId: 'unapproved-publisher', accountId: A, region: 'us-east-1', severity: 'high' as const, status: 'fail' as const, resourceId: `i-${id}` } });
  const state = { runs: [], ids: { open1: seen('open1'), kept: seen('kept') } };
  const point = judgeRun(state, current).point;
  assert.deepEqual([point.open, point.new, point.newWaived, point.waived], [2, 1, 1, 2]);
});
