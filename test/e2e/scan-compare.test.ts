/**
 * The weekly comparison end to end: `amigov scan --compare` against the sandbox. The organization never
 * changes between these scans, so nothing may come out "resolved": every finding of the baseline that a
 * narrower, partial or degraded scan does not find again must be "not re-checked", with the right reason.
 * Also: the first run of the weekly job is the baseline, and --compare is resolved before any AWS call.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { runScanAndReport } from '../../src/pipeline/run-scan.ts';
import type { ScanCliOptions } from '../../src/pipeline/scan-plan.ts';
import { UserError } from '../../src/errors.ts';
import type { Finding, FindingsDocument, NotRecheckedCode } from '../../src/model/findings.ts';
import type { FaultSpec } from '../../src/sandbox/knobs.ts';
import { DEV, expectedFrom, EXTERNAL, miniOrg, OPS, PROD, useSandboxCredentials, sink } from '../scan/helpers.ts';

const SHARED_OUT = 'ami-0000000000000a001'; // golden, here also shared with an account outside the organization

describe('scan --compare', () => {
  let sb: RunningSandbox;
  let root: string;
  let baselineDir: string;
  let baseline: FindingsDocument;
  const fixture = miniOrg();
  fixture.images.find((i) => i.imageId === SHARED_OUT)!.sharedWith!.push(EXTERNAL);

  async function scan(name: string, flags: Partial<ScanCliOptions>, faults: FaultSpec[] = [], signal?: AbortSignal) {
    const out = sink();
    const err = sink();
    sb.setFaults(faults);
    try {
      const run = await runScanAndReport(
        { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-01-15', out: join(root, name), quiet: true, format: 'json', allowPartial: true, ...flags },
        { stdout: out.stream, stderr: err.stream, ...(signal ? { signal } : {}) },
      );
      const doc = JSON.parse(readFileSync(join(root, name, 'findings.json'), 'utf8')) as FindingsDocument;
      return { run, doc, out: out.text(), err: err.text() };
    } finally {
      sb.setFaults([]);
    }
  }

  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    root = mkdtempSync(join(tmpdir(), 'amigov-compare-'));
    const b = await scan('2026-01-08T10-00-00Z-0001', { deep: true });
    baselineDir = join(root, '2026-01-08T10-00-00Z-0001');
    baseline = b.doc;
    assert.ok(baseline.findings.length > 10, 'the baseline has findings to compare');
    assert.ok(baseline.findings.some((f) => f.ruleId === 'public-ami' && f.resourceId === SHARED_OUT), 'the deep baseline finds the AMI shared outside');
    assert.ok(baseline.findings.some((f) => f.ruleId === 'allowed-amis-drift' && f.accountId === PROD && f.region === 'us-east-1'));
  });
  after(() => {
    sb.close();
    rmSync(root, { recursive: true, force: true });
  });

  interface Case {
    name: string;
    flags: Partial<ScanCliOptions>;
    faults?: FaultSpec[];
    /** Reason codes this case may produce. */
    codes: NotRecheckedCode[];
    /** Findings of the baseline that must be not re-checked with this code. */
    must?: [(f: Finding) => boolean, NotRecheckedCode][];
  }
  const inEu = (f: Finding) => f.region === 'eu-west-1';
  const cases: Case[] = [
    { name: 'narrower regions (--regions us-east-1)', flags: { regions: 'us-east-1', deep: true, format: 'json,html' }, codes: ['region-not-scanned'], must: [[inEu, 'region-not-scanned']] },
    { name: 'narrower accounts (--accounts)', flags: { accounts: `${PROD},${DEV}`, deep: true }, codes: ['account-not-scanned'], must: [[(f) => f.accountId === OPS, 'account-not-scanned']] },
    { name: 'one OU (--ou Workloads)', flags: { ou: ['ou-mini-aaaaaaaa'], deep: true }, codes: ['account-not-scanned'], must: [[(f) => f.accountId === OPS, 'account-not-scanned']] },
    { name: 'rules subset (--rules)', flags: { rules: 'unapproved-publisher,public-ami', deep: true }, codes: ['rule-not-run'], must: [[(f) => f.ruleId === 'allowed-amis-drift', 'rule-not-run']] },
    { name: 'severity threshold (--severity-threshold high)', flags: { severityThreshold: 'high', deep: true }, codes: ['below-severity-threshold'], must: [[(f) => f.severity === 'medium' || f.severity === 'low', 'below-severity-threshold']] },
    {
      name: 'degraded collector (GetAllowedImagesSettings UnauthorizedOperation)',
      flags: { deep: true },
      faults: [{ action: 'ec2:GetAllowedImagesSettings', accountId: PROD, region: 'us-east-1', error: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' } }],
      codes: ['collector-degraded'],
      must: [[(f) => f.ruleId === 'allowed-amis-drift' && f.accountId === PROD && f.region === 'us-east-1', 'collector-degraded']],
    },
    { name: 'deep baseline, this run without --deep', flags: {}, codes: ['collector-not-run'], must: [[(f) => f.ruleId === 'public-ami' && f.resourceId === SHARED_OUT, 'collector-not-run']] },
    {
      name: 'deep baseline, launch-permission reads failed this run',
      flags: { deep: true },
      faults: [{ action: 'ec2:DescribeImageAttribute', accountId: OPS, error: { code: 'UnauthorizedOperation', status: 403 } }],
      codes: ['collector-degraded'],
      must: [[(f) => f.ruleId === 'public-ami' && f.resourceId === SHARED_OUT, 'collector-degraded']],
    },
    {
      name: 'account access-denied this week',
      flags: { deep: true },
      faults: [{ action: 'ec2:*', accountId: DEV, error: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' } }],
      codes: ['access-denied'],
      must: [[(f) => f.accountId === DEV, 'access-denied']],
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const name = `2026-01-15T10-00-00Z-${String(cases.indexOf(c)).padStart(4, '0')}`;
      const { doc, out } = await scan(name, { ...c.flags, compare: baselineDir }, c.faults);
      const cmp = doc.comparison!;
      assert.ok(cmp, 'compared');
      assert.equal(cmp.previousRunDir, baselineDir);
      // Nothing changed in the organization: anything "resolved" would be a wrong answer.
      assert.deepEqual(cmp.resolved.map((f) => `${f.ruleId} ${f.accountId} ${f.region} ${f.resourceId}`), []);
      const current = new Set(doc.findings.map((f) => f.id));
      const absent = baseline.findings.filter((f) => !current.has(f.id));
      assert.ok(absent.length > 0, 'this case leaves baseline findings out');
      assert.deepEqual(cmp.notRechecked.map((f) => f.id).sort(), absent.map((f) => f.id).sort());
      assert.equal(cmp.counts.notRechecked, absent.length);
      for (const f of cmp.notRechecked) assert.ok(c.codes.includes(f.notRechecked!.code), `${f.ruleId} ${f.accountId} ${f.region}: ${f.notRechecked!.code} (${f.notRechecked!.reason})`);
      for (const [pick, code] of c.must ?? []) {
        const hits = baseline.findings.filter(pick).filter((f) => !current.has(f.id));
        assert.ok(hits.length > 0, `the baseline has findings for "${code}" that this run does not re-check`);
        for (const f of hits) assert.equal(cmp.notRechecked.find((x) => x.id === f.id)?.notRechecked?.code, code, `${f.ruleId} ${f.accountId} ${f.region}`);
      }
      assert.match(out, new RegExp(`0 resolved, ${absent.length} not re-checked`));
      if (c.flags.format?.includes('html')) {
        const html = readFileSync(join(root, name, 'report.html'), 'utf8');
        assert.match(html, /id="not-rechecked"/);
        assert.match(html, new RegExp(`data-testid="not-rechecked-count">${absent.length}<`));
        assert.match(html, /data-testid="cmp-resolved">0</);
      }
    });
  }

  test('an interrupted run: what it did not finish is not re-checked', async () => {
    // Interrupted once every account x region has started (the sandbox has received each one's
    // DescribeLaunchTemplates), while DEV's us-east-1 one hangs until the client gives up: the same point of the
    // run however slow the machine. (A timer lands anywhere on a loaded machine: during discovery, which is fatal,
    // or before an account's regions are known.)
    const started = [...expectedFrom(fixture).coverage].filter(([, s]) => s === 'ok').map(([k]) => `${k}|ec2:DescribeLaunchTemplates`);
    const controller = new AbortController();
    sb.resetStats();
    const poll = setInterval(() => {
      const seen = sb.stats().byAccountRegionAction;
      if (started.every((k) => (seen[k] ?? 0) > 0)) controller.abort();
    }, 10);
    let scanned: Awaited<ReturnType<typeof scan>>;
    try {
      scanned = await scan(
        '2026-01-15T11-00-00Z-0001',
        { deep: true, compare: baselineDir },
        [{ action: 'ec2:DescribeLaunchTemplates', accountId: DEV, region: 'us-east-1', hangMs: 60_000 }],
        controller.signal,
      );
    } finally {
      clearInterval(poll);
    }
    const { doc, run } = scanned;
    assert.equal(controller.signal.aborted, true);
    assert.equal(run.exitCode, 130);
    const cmp = doc.comparison!;
    assert.deepEqual(cmp.resolved, []);
    assert.ok(cmp.notRechecked.some((f) => f.accountId === DEV && f.region === 'us-east-1'));
    for (const f of cmp.notRechecked) assert.equal(f.notRechecked!.code, 'interrupted', `${f.ruleId} ${f.accountId} ${f.region}: ${f.notRechecked!.reason}`);
  });

  test('interrupted before the accounts\' regions were listed: their findings are interrupted, not out of --regions', async () => {
    // Every AssumeRole hangs, and the run is interrupted once one has reached the sandbox: no account but the caller's
    // learns its regions, so OPS (the only account with af-south-1 enabled) has no af-south-1 entry at all.
    const controller = new AbortController();
    sb.resetStats();
    const poll = setInterval(() => {
      if ((sb.stats().byAction['sts:AssumeRole'] ?? 0) > 0) controller.abort();
    }, 10);
    let scanned: Awaited<ReturnType<typeof scan>>;
    try {
      scanned = await scan('2026-01-15T11-30-00Z-0001', { deep: true, compare: baselineDir }, [{ action: 'sts:AssumeRole', hangMs: 60_000 }], controller.signal);
    } finally {
      clearInterval(poll);
    }
    const { doc, run } = scanned;
    assert.equal(run.exitCode, 130);
    assert.ok(!doc.coverage.entries.some((e) => e.accountId === OPS && e.region === 'af-south-1'));
    const cmp = doc.comparison!;
    assert.deepEqual(cmp.resolved, []);
    assert.ok(cmp.notRechecked.some((f) => f.accountId === OPS && f.region === 'af-south-1'), 'the baseline has findings in OPS af-south-1');
    for (const f of cmp.notRechecked) assert.equal(f.notRechecked!.code, 'interrupted', `${f.ruleId} ${f.accountId} ${f.region}: ${f.notRechecked!.reason}`);
    const af = cmp.notRechecked.find((f) => f.accountId === OPS && f.region === 'af-south-1')!;
    assert.match(af.notRechecked!.reason, new RegExp(`${OPS} af-south-1 was not finished: the scan was interrupted`));
  });

  test('--fail-on counts this run\'s findings only, never the not-re-checked ones', async () => {
    const { run, err } = await scan('2026-01-15T12-00-00Z-0001', { rules: 'ami-in-workload-account', deep: true, compare: baselineDir, failOn: 'high' });
    assert.equal(run.exitCode, 0, err);
    assert.match(err, new RegExp(`findings of run ${baseline.run.runId} at or above high were not re-checked by this run and are not counted by --fail-on`));
  });

  test('the weekly job\'s first run: --compare latest with no earlier run is the baseline, and the job goes on', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'amigov-first-'));
    try {
      const out = sink();
      const err = sink();
      const run = await runScanAndReport(
        { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-01-15', out: join(fresh, 'reports', '2000-01-01T00-00-00Z-0000'), quiet: true, format: 'json', allowPartial: true, compare: 'latest', failOn: 'high' },
        { stdout: out.stream, stderr: err.stream },
      );
      assert.equal(run.exitCode, 1, 'exit code of --fail-on high, not a usage error');
      assert.match(out.text(), /no earlier run to compare with: this run is the baseline/);
      const doc = JSON.parse(readFileSync(join(fresh, 'reports', '2000-01-01T00-00-00Z-0000', 'findings.json'), 'utf8')) as FindingsDocument;
      assert.equal(doc.comparison, undefined);
      // The week after, latest is that run.
      const next = await runScanAndReport(
        { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-01-15', out: join(fresh, 'reports', '9999-01-01T00-00-00Z-0001'), quiet: true, format: 'json', allowPartial: true, compare: 'latest' },
        { stdout: sink().stream, stderr: sink().stream },
      );
      assert.equal(next.exitCode, 0);
      const second = JSON.parse(readFileSync(join(fresh, 'reports', '9999-01-01T00-00-00Z-0001', 'findings.json'), 'utf8')) as FindingsDocument;
      assert.equal(second.comparison?.previousRunDir, join(fresh, 'reports', '2000-01-01T00-00-00Z-0000'));
      assert.equal(second.comparison?.counts.new, 0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('--compare is resolved and its findings.json validated before the first AWS call; --out X --compare X is a usage error', async () => {
    const bad = join(root, 'not-a-run');
    mkdirSync(bad);
    writeFileSync(join(bad, 'findings.json'), '{"kind":"something-else"}');
    const inventoryBefore = readFileSync(join(baselineDir, 'inventory.json'), 'utf8');
    const cases: [Partial<ScanCliOptions>, RegExp, string][] = [
      [{ compare: join(root, 'missing'), out: join(root, 'x1') }, /--compare folder .*missing does not exist/, 'x1'],
      [{ compare: bad, out: join(root, 'x2') }, /not an amigov findings file/, 'x2'],
      [{ compare: baselineDir, out: baselineDir }, /--compare .* is the folder of this run itself/, ''],
    ];
    for (const [flags, re, outName] of cases) {
      sb.resetStats();
      await assert.rejects(
        runScanAndReport({ endpointUrl: sb.endpoint, region: 'us-east-1', quiet: true, allowPartial: true, ...flags }, { stdout: sink().stream, stderr: sink().stream }),
        (e: unknown) => e instanceof UserError && e.exitCode === 2 && re.test(e.message),
      );
      assert.equal(sb.stats().total, 0, `no AWS call for ${JSON.stringify(flags)}`);
      if (outName) assert.ok(!existsSync(join(root, outName)), 'nothing written');
    }
    assert.equal(readFileSync(join(baselineDir, 'inventory.json'), 'utf8'), inventoryBefore, "the baseline's inventory is untouched");
    assert.ok(readdirSync(baselineDir).every((f) => !f.endsWith('.tmp')));
  });
});
