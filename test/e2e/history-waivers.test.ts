/**
 * The compliance program end to end against the sandbox, across three weekly runs of a changing organization:
 * history (first seen, last seen, age, runs seen, resolved-at), the index beside the run folders, SLAs and
 * overdue counts, the trend in every format, and waivers (match, expiry, stale, --fail-on, evaluate).
 *
 *   run 1 (2026-01-05): the mini organization as it is.
 *   run 2 (2026-01-12): PROD's instance on the outside AMI is gone (fixed), a new one appears in DEV, and DEV
 *                       denies the scan role: DEV's findings are not re-checked, so they are not resolved.
 *   run 3 (2026-01-26): DEV answers again; its findings are still there, three weeks old.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { runScanAndReport } from '../../src/pipeline/run-scan.ts';
import type { ScanCliOptions } from '../../src/pipeline/scan-plan.ts';
import type { Finding, FindingsDocument } from '../../src/model/findings.ts';
import { HISTORY_INDEX_FILE } from '../../src/history/store.ts';
import { DEV, miniOrg, PROD, sink, useSandboxCredentials } from '../scan/helpers.ts';
import { runCli, seedRaw } from '../policy/helpers.ts';
import { validateBatchImportRequest } from '../helpers/asff-model.ts';
import { validateOcsfEvent } from '../helpers/ocsf-schema.ts';

const GONE = 'i-0000000000000002'; // PROD, on the outside AMI: fixed before run 2
const ADDED = 'i-00000000000000c1'; // DEV, new in run 2

function stateB(): OrgFixture {
  const f = miniOrg();
  f.instances = f.instances.filter((i) => i.instanceId !== GONE);
  f.instances.push({ instanceId: ADDED, accountId: PROD, region: 'us-east-1', imageId: 'ami-0000000000000e001', state: 'running', tags: { Environment: 'Prod' } });
  return f;
}

describe('history, SLAs, trend and waivers across three runs', () => {
  let root: string;
  let hist: string;
  let configPath: string;
  const docs: FindingsDocument[] = [];
  const outs: string[] = [];
  const dirs: string[] = [];

  async function scan(n: number, fixture: OrgFixture, asOf: string, flags: Partial<ScanCliOptions> = {}, faults: Parameters<RunningSandbox['setFaults']>[0] = []) {
    const sb = await startSandbox({ fixture });
    try {
      useSandboxCredentials(sb.credentials);
      sb.setFaults(faults);
      const out = sink();
      const err = sink();
      const dir = join(hist, `2026-01-0${n}T10-00-00Z-run${n}`);
      const run = await runScanAndReport(
        { endpointUrl: sb.endpoint, region: 'us-east-1', asOf, out: dir, history: hist, config: configPath, quiet: true, allowPartial: true, compare: 'latest', waivers: false, ...flags },
        { stdout: out.stream, stderr: err.stream },
      );
      const doc = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as FindingsDocument;
      return { run, doc, dir, out: out.text(), err: err.text() };
    } finally {
      await sb.close();
    }
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'amigov-history-'));
    hist = join(root, 'reports');
    mkdirSync(hist);
    const raw = seedRaw();
    raw.policy_config.remediation_sla_days = { critical: 7, high: 14, medium: 60 };
    configPath = join(root, 'ami_publishers.json');
    writeFileSync(configPath, JSON.stringify(raw));
    const r1 = await scan(1, miniOrg(), '2026-01-05');
    const r2 = await scan(2, stateB(), '2026-01-12', {}, [{ action: 'ec2:*', accountId: DEV, error: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' } }]);
    const r3 = await scan(3, stateB(), '2026-01-26');
    for (const r of [r1, r2, r3]) {
      docs.push(r.doc);
      outs.push(r.out);
      dirs.push(r.dir);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const byResource = (doc: FindingsDocument, resourceId: string, list: Finding[] = doc.findings) => list.filter((f) => f.resourceId === resourceId);

  test('run 1 is the start of the history: every finding first seen today, age 0', () => {
    const [d1] = docs;
    assert.ok(d1!.history, 'history recorded');
    assert.equal(d1!.history!.runsRead, 0);
    assert.ok(d1!.findings.length > 5);
    for (const f of d1!.findings) {
      assert.deepEqual([f.history?.firstSeen, f.history?.lastSeen, f.history?.ageDays, f.history?.runsSeen], ['2026-01-05', '2026-01-05', 0, 1], f.id);
      assert.equal(f.history?.overdue ?? false, false);
    }
    assert.equal(d1!.history!.trend.length, 1);
    assert.match(outs[0]!, /History: no earlier run in .*: this run starts the history; none overdue/);
  });

  test('run 2: the fixed finding is resolved on its date; the unscanned account is not re-checked, never resolved', () => {
    const d2 = docs[1]!;
    const gone = byResource(docs[0]!, GONE);
    assert.ok(gone.length > 0, 'run 1 has findings on the instance fixed before run 2');
    const resolved = byResource(d2, GONE, d2.comparison!.resolved);
    assert.deepEqual(resolved.map((f) => f.id).sort(), gone.map((f) => f.id).sort());
    for (const f of resolved) assert.deepEqual([f.history?.firstSeen, f.history?.resolvedAt, f.history?.lastSeen], ['2026-01-05', '2026-01-12', '2026-01-05']);
    const devBefore = docs[0]!.findings.filter((f) => f.accountId === DEV);
    assert.ok(devBefore.length > 0);
    const devIds = new Set(devBefore.map((f) => f.id));
    assert.equal(d2.comparison!.resolved.filter((f) => devIds.has(f.id)).length, 0, 'nothing of DEV is resolved');
    for (const f of d2.comparison!.notRechecked.filter((x) => devIds.has(x.id))) assert.equal(f.history?.resolvedAt, undefined);
    const point = d2.history!.trend.at(-1)!;
    assert.equal(point.resolved, gone.length);
    assert.equal(point.notRechecked, devBefore.length);
    assert.equal(d2.history!.resolved, gone.length);
    const added = byResource(d2, ADDED);
    assert.ok(added.length > 0);
    for (const f of added) assert.deepEqual([f.history?.firstSeen, f.history?.runsSeen], ['2026-01-12', 1]);
    assert.equal(point.new, added.length);
  });

  test('run 3 exports: ASFF CreatedAt / FirstObservedAt and OCSF first_seen_time are the history\'s first seen; both validate against the published schemas', () => {
    const d3 = docs[2]!;
    const asff = JSON.parse(readFileSync(join(dirs[2]!, 'findings.asff.json'), 'utf8')) as { batches: { request: { Findings: any[] } }[] };
    const events = JSON.parse(readFileSync(join(dirs[2]!, 'findings.ocsf.json'), 'utf8')) as any[];
    for (const b of asff.batches) assert.deepEqual(validateBatchImportRequest(b.request), []);
    events.forEach((e, i) => assert.deepEqual(validateOcsfEvent(e, 'compliance_finding', `event[${i}]`), []));
    const byId = new Map(asff.batches.flatMap((b) => b.request.Findings).map((f) => [f.ProductFields['amigov/FindingId'], f]));
    const ocsfById = new Map(events.map((e) => [e.finding_info.uid, e]));
    const runEnd = new Date(Date.parse(d3.run.finishedAt)).toISOString();
    const old = d3.findings.filter((f) => f.history?.firstSeen === '2026-01-05');
    const fresh = d3.findings.filter((f) => f.history?.firstSeen === '2026-01-26');
    assert.ok(old.length > 0, 'run 3 has findings first seen in run 1');
    for (const f of old) {
      const a = byId.get(f.id)!;
      assert.deepEqual([a.CreatedAt, a.FirstObservedAt, a.LastObservedAt, a.UpdatedAt], ['2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z', runEnd, runEnd], f.id);
      assert.equal(ocsfById.get(f.id)!.finding_info.first_seen_time, Date.parse('2026-01-05T00:00:00.000Z'));
      assert.equal(ocsfById.get(f.id)!.finding_info.last_seen_time, Date.parse(d3.run.finishedAt));
    }
    for (const f of fresh) assert.equal(byId.get(f.id)?.CreatedAt ?? runEnd, runEnd, 'first seen in this run: created at its end');
  });

  test('run 3: DEV\'s findings are the same findings, three weeks old, seen in 2 runs; overdue per SLA', () => {
    const d3 = docs[2]!;
    const devIds = new Set(docs[0]!.findings.filter((f) => f.accountId === DEV).map((f) => f.id));
    const dev = d3.findings.filter((f) => devIds.has(f.id));
    assert.equal(dev.length, devIds.size, 'DEV\'s findings are back');
    for (const f of dev) {
      assert.deepEqual([f.history?.firstSeen, f.history?.lastSeen, f.history?.ageDays, f.history?.runsSeen, f.history?.reopenedAfter], ['2026-01-05', '2026-01-26', 21, 2, undefined], f.id);
    }
    // Trend: three runs, oldest first; run 3 re-checks DEV, nothing new and nothing resolved there.
    assert.deepEqual(d3.history!.trend.map((p) => p.date), ['2026-01-05', '2026-01-12', '2026-01-26']);
    assert.deepEqual(d3.history!.trend.map((p) => p.open), docs.map((d) => d.findings.length));
    // SLA: critical 7 and high 14 days are past at age 21; medium 60 is not.
    const overdue = d3.findings.filter((f) => f.history?.overdue);
    assert.ok(overdue.length > 0);
    for (const f of d3.findings) {
      const sla = { critical: 7, high: 14, medium: 60 }[f.severity as 'critical'];
      const expected = f.status !== 'error' && sla !== undefined && f.history!.ageDays > sla;
      assert.equal(f.history?.overdue ?? false, expected, `${f.ruleId} ${f.severity} age ${f.history?.ageDays}`);
      if (sla !== undefined) assert.equal(f.history?.dueDate, new Date(Date.parse(`${f.history!.firstSeen}T00:00:00Z`) + sla * 86400000).toISOString().slice(0, 10));
    }
    assert.equal(d3.history!.overdue.total, overdue.length);
    assert.match(outs[2]!, new RegExp(`History: 2 earlier runs in .*since 2026-01-05; 0 resolved since then; ${overdue.length} overdue`));
  });

  test('the index beside the run folders holds the earlier runs, and reading it gives the same history', async () => {
    const index = JSON.parse(readFileSync(join(hist, HISTORY_INDEX_FILE), 'utf8'));
    assert.equal(index.kind, 'amigov.history-index');
    assert.deepEqual(index.runs.map((r: { date: string }) => r.date), ['2026-01-05', '2026-01-12']);
    // A report of run 3 re-reads the history (now with run 3 in the index) and gives the same ages.
    const out = join(root, 'rendered');
    const r = await runCli('report', '--run', join(hist, '2026-01-03T10-00-00Z-run3'), '--history', hist, '--out', out, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const again = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
    assert.deepEqual(again.findings.map((f) => [f.id, f.history?.firstSeen, f.history?.ageDays, f.history?.runsSeen, f.history?.overdue]), docs[2]!.findings.map((f) => [f.id, f.history?.firstSeen, f.history?.ageDays, f.history?.runsSeen, f.history?.overdue]));
    assert.deepEqual(again.history!.trend, docs[2]!.history!.trend);
    const index2 = JSON.parse(readFileSync(join(hist, HISTORY_INDEX_FILE), 'utf8'));
    assert.deepEqual(index2.runs.map((x: { date: string }) => x.date), ['2026-01-05', '2026-01-12', '2026-01-26']);
  });

  test('overdue and the trend in every format: HTML (inline SVG under the CSP), XLSX (Trend sheet, Overdue column), CSV', async () => {
    const dir = join(hist, '2026-01-03T10-00-00Z-run3');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /id="trend"/);
    assert.match(html, /<svg[^>]*aria-labelledby="trend-title"/);
    assert.match(html, new RegExp(`data-testid="overdue-total">${docs[2]!.history!.overdue.total}<`));
    assert.doesNotMatch(html.replace(/<script type="application\/json"[\s\S]*?<\/script>|<script>[\s\S]*?<\/script>/g, ''), /\sstyle=/, 'no inline style attribute (the CSP has no unsafe-inline)');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'report.xlsx'));
    const trend = wb.getWorksheet('Trend');
    assert.ok(trend, 'Trend sheet');
    assert.equal(trend!.getRow(1).getCell(1).text, 'Run');
    assert.equal(trend!.rowCount, 4);
    const findings = wb.getWorksheet('Findings')!;
    const headerRow = findings.getRow(1);
    const headers = Array.from({ length: headerRow.cellCount }, (_, i) => headerRow.getCell(i + 1).text);
    const col = headers.indexOf('Overdue') + 1;
    assert.ok(col > 0, 'Overdue column');
    let yes = 0;
    findings.eachRow((row, n) => { if (n > 1 && row.getCell(col).text === 'yes') yes++; });
    assert.equal(yes, docs[2]!.history!.overdue.total);
    const csv = readFileSync(join(dir, 'findings.csv'), 'utf8');
    assert.match(csv.split('\r\n')[0]!, /"First Seen","Age \(Days\)","Runs Seen","SLA Due","Overdue"/);
  });

  describe('waivers', () => {
    let waiversPath: string;
    let expiredId: string;
    const waiversFile = (extra: object[] = []) => ({
      waivers: [
        { id: 'W-PROD-OUTSIDE', rule: 'unapproved-publisher', ous: ['ou-mini-bbbbbbbb'], images: ['ami-0000000000000e*'], reason: 'vendor appliance, retiring in Q2', ticket: 'SEC-101', approved_by: 'cloud-security@example.com', approved_date: '2026-01-20', expiry_date: '2026-03-01' },
        { id: 'W-DEV-OLD', finding_id: expiredId, reason: 'legacy box', ticket: 'SEC-102', approved_by: 'cloud-security@example.com', approved_date: '2026-01-01', expiry_date: '2026-01-20' },
        { id: 'W-NOTHING', rule: 'public-ami', resources: ['ami-ffff*'], reason: 'gone long ago', ticket: 'SEC-103', approved_by: 'cloud-security@example.com', approved_date: '2026-01-10', expiry_date: '2026-02-10' },
        ...extra,
      ],
    });

    before(() => {
      expiredId = docs[2]!.findings.find((f) => f.accountId === DEV && f.status === 'fail')!.id;
      waiversPath = join(root, 'waivers.json');
      writeFileSync(waiversPath, JSON.stringify(waiversFile()));
    });

    test('amigov evaluate applies waivers: waived apart, expired ones count again, stale reported, --fail-on ignores waived', async () => {
      const out = join(root, 'evaluated');
      const inv = join(hist, '2026-01-03T10-00-00Z-run3', 'inventory.json');
      const sev = docs[2]!.findings.find((f) => f.ruleId === 'unapproved-publisher' && f.accountId === PROD)!.severity;
      const r = await runCli('evaluate', '--inventory', inv, '--config', configPath, '--as-of', '2026-01-26', '--waivers', waiversPath, '--history', hist, '--out', out, '--fail-on', sev);
      const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as FindingsDocument;
      const w = doc.waivers!;
      assert.ok(w, 'waivers applied');
      const expectWaived = docs[2]!.findings.filter((f) => f.ruleId === 'unapproved-publisher' && f.accountId === PROD && f.imageId?.startsWith('ami-0000000000000e'));
      assert.ok(expectWaived.length > 0);
      assert.deepEqual(w.waived.map((f) => f.id).sort(), expectWaived.map((f) => f.id).sort());
      for (const f of w.waived) assert.deepEqual([f.waiver?.id, f.waiver?.status], ['W-PROD-OUTSIDE', 'active']);
      const ids = new Set(doc.findings.map((f) => f.id));
      for (const f of w.waived) assert.ok(!ids.has(f.id), 'a waived finding is not a current finding');
      assert.equal(doc.counts.total, doc.findings.length);
      const expired = doc.findings.find((f) => f.id === expiredId)!;
      assert.equal(expired.waiver?.status, 'expired');
      assert.match(expired.waiver!.note, /^waiver expired on 2026-01-20 \(W-DEV-OLD, SEC-102\)$/);
      assert.deepEqual(w.entries.map((e) => [e.id, e.status, e.stale]), [['W-PROD-OUTSIDE', 'active', false], ['W-DEV-OLD', 'expired', false], ['W-NOTHING', 'active', true]]);
      assert.deepEqual(w.counts, { waived: expectWaived.length, expired: 1, stale: 1, expiredFindings: 1 });
      // --fail-on counts this run's findings at or above the level, the waived ones not.
      const order = ['critical', 'high', 'medium', 'low', 'info'];
      const hits = doc.findings.filter((f) => order.indexOf(f.severity) <= order.indexOf(sev)).length;
      if (hits === 0) assert.equal(r.code, 0, r.stderr);
      else {
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`amigov: ${hits} findings? at or above ${sev}`));
      }
      assert.match(r.stderr, new RegExp(`amigov: note: ${expectWaived.length} waived findings? at or above ${sev} (is|are) not counted by --fail-on`));
      assert.match(r.stdout, new RegExp(`Waivers: ${expectWaived.length} findings? waived \\(not counted\\); 1 finding count again \\(waiver expired\\); 1 stale waiver matched nothing \\(W-NOTHING\\)`));
      // Waived findings get no commands in remediation.sh.
      const script = readFileSync(join(out, 'remediation.sh'), 'utf8');
      for (const f of w.waived) assert.ok(!script.includes(f.id), `remediation.sh has no step for waived ${f.id}`);
      assert.ok(script.includes(expiredId), 'the expired-waiver finding is remediated again');
      // The history still ages the waived findings (accepted, not fixed) but never calls them overdue.
      for (const f of w.waived) assert.equal(f.history?.overdue, false);
    });

    test('scan with waivers, then without: a waived finding is never resolved and never new again', async () => {
      const r4 = await scan(4, stateB(), '2026-02-02', { waivers: waiversPath });
      const waived = r4.doc.waivers!.waived;
      assert.ok(waived.length > 0);
      const wIds = new Set(waived.map((f) => f.id));
      assert.equal(r4.doc.comparison!.resolved.filter((f) => wIds.has(f.id)).length, 0, 'waived is not resolved');
      assert.equal(r4.doc.history!.trend.at(-1)!.waived, waived.length);
      assert.equal(r4.doc.history!.trend.at(-1)!.resolved, 0);
      // Counted apart in the change since the last run: seen before (run 3 had them open), so persisting waived.
      assert.deepEqual(r4.doc.comparison!.waived, { new: 0, persisting: waived.length });
      assert.ok(!r4.doc.findings.some((f) => wIds.has(f.id)), 'not in the persisting count');
      assert.deepEqual([r4.doc.history!.trend.at(-1)!.new, r4.doc.history!.trend.at(-1)!.newWaived], [0, 0]);
      assert.match(readFileSync(join(r4.dir, 'summary.md'), 'utf8'), new RegExp(`; 0 new and ${waived.length} persisting waived \\(counted apart\\)\\.`));
      assert.match(r4.out, new RegExp(`not re-checked; 0 new and ${waived.length} persisting waived \\(counted apart\\)`));
      // On the instance added in run 2: seen in runs 2, 3 and 4, aged from run 2.
      for (const f of waived) assert.deepEqual([f.history?.firstSeen, f.history?.runsSeen, f.history?.ageDays], ['2026-01-12', 3, 21]);
      const html = readFileSync(join(r4.dir, 'report.html'), 'utf8');
      assert.match(html, new RegExp(`data-testid="waived-count">${waived.length}<`));
      assert.match(html, /stale: matched nothing/);
      assert.match(html, new RegExp(`data-testid="cmp-waived">Waived findings are counted apart \\(not in the numbers above\\): <strong>0</strong> new and <strong>${waived.length}</strong> persisting waived`));
      const csv = readFileSync(join(r4.dir, 'findings.csv'), 'utf8');
      assert.equal(csv.split('\r\n').filter((l) => l.includes('"waived"')).length, waived.length);
      assert.match(csv, /waiver expired on 2026-01-20 \(W-DEV-OLD, SEC-102\)/);
      const r5 = await scan(5, stateB(), '2026-02-09', { waivers: false });
      const back = r5.doc.findings.filter((f) => wIds.has(f.id));
      assert.equal(back.length, waived.length);
      for (const f of back) assert.equal(f.change, 'persisting', 'its waiver ended: the same finding, not a new one');
      assert.equal(r5.doc.history!.trend.at(-1)!.new, 0);
    });
  });
});
