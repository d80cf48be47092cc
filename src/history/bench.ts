/**
 * The history benchmark (`amigov bench --history`): writes a year of weekly run folders of a synthetic
 * organization (default 52 runs x 1,000 accounts), then times reading the history three ways: without an
 * index (every findings.json parsed), from the index alone, and from the index plus one new run (the weekly job).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINDINGS_SCHEMA_VERSION, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';
import type { CoverageEntry } from '../model/inventory.js';
import { RUN_FILES } from '../model/run-files.js';
import { validateConfig } from '../config/load.js';
import { resolveAllowlist } from '../config/allowlist.js';
import { countFindings, summarizeCoverage } from '../evaluate/evaluate.js';
import { findingId } from '../rules/engine.js';
import { addDays } from '../util/dates.js';
import { HISTORY_INDEX_FILE, loadHistory, stateBefore } from './store.js';
import { applyHistory } from './apply.js';
import { HISTORY_BENCH_DEFAULTS, type HistoryBenchOptions } from './bench-defaults.js';

export { HISTORY_BENCH_DEFAULTS, type HistoryBenchOptions } from './bench-defaults.js';

const RULES: [string, Severity][] = [
  ['unapproved-publisher', 'high'],
  ['prod-ami-not-tagged', 'medium'],
  ['public-ami', 'critical'],
  ['ami-in-workload-account', 'low'],
];

const CONFIG = {
  ops_publisher_account: { account_id: '123456738923' },
  policy_config: { enforcement_mode: 'audit_mode', exception_request_url: 'https://wiki.example.com/ami-exception' },
};

/** One synthetic run: each finding slot's resource is replaced (old finding resolved, new one found) every 1/churn weeks, staggered, so `churn` of them change each week. */
export function syntheticRun(o: HistoryBenchOptions, week: number, allowlist: FindingsDocument['allowlist']): FindingsDocument {
  const date = addDays(o.firstDate, 7 * week);
  const runId = `${date}T06-00-00Z-${String(week).padStart(4, '0')}`;
  const findings: Finding[] = [];
  const coverage: CoverageEntry[] = [];
  const accounts: FindingsDocument['accounts'] = [];
  const period = Math.max(1, Math.round(1 / o.churn));
  for (let a = 0; a < o.accounts; a++) {
    const accountId = String(300000000000 + a);
    accounts.push({ accountId, name: `workload-${a}`, ouPath: ['Root', 'Workloads'], scanned: 'complete' });
    for (const region of o.regions) coverage.push({ accountId, region, status: 'ok' } as CoverageEntry);
    for (let k = 0; k < o.findingsPerAccount; k++) {
      const generation = Math.floor((week + ((a * 7 + k * 3) % period)) / period);
      const [ruleId, severity] = RULES[k % RULES.length]!;
      const region = o.regions[k % o.regions.length]!;
      const resourceId = `i-${(a * 100 + k).toString(16).padStart(8, '0')}${generation.toString(16).padStart(9, '0')}`;
      findings.push({
        id: findingId(ruleId, accountId, region, resourceId),
        ruleId,
        title: ruleId,
        severity,
        status: 'fail',
        accountId,
        accountName: `workload-${a}`,
        region,
        resourceType: 'instance',
        resourceId,
        imageId: 'ami-0123456789abcdef0',
        imageName: 'vendor-image-2026.01',
        imageOwnerId: '999999999999',
        message: `Instance ${resourceId} runs ami-0123456789abcdef0 from 999999999999, which is not an approved publisher`,
        commands: [
          { title: 'Look at the instance', command: `aws ec2 describe-instances --instance-ids ${resourceId} --region ${region}`, kind: 'investigate' },
          { title: 'Request an exception', command: 'open https://wiki.example.com/ami-exception', kind: 'request' },
        ],
      });
    }
  }
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    kind: 'amigov.findings',
    run: { runId, toolVersion: 'bench', startedAt: `${date}T06:00:00.000Z`, finishedAt: `${date}T06:20:00.000Z`, asOf: date, configPath: 'bench', parameters: {}, organization: { id: 'o-bench', managementAccountId: '100000000000' } },
    allowlist,
    rules: RULES.map(([id, severity]) => ({ id, title: id, severity, description: id, docs: `docs/rules/${id}.md` })),
    counts: countFindings(findings),
    impact: { instancesAffected: 0, accountsAffected: 0, launchTemplatesAffected: 0 },
    coverage: summarizeCoverage(coverage),
    accounts,
    findings,
    evaluation: { evaluatedAt: `${date}T06:20:00.000Z`, source: 'scan', scanAsOf: date, scanConfigPath: 'bench', rulesRun: RULES.map(([id]) => id), severityThreshold: null, severityOverrides: {}, deep: false, ruleErrors: [] },
  };
}

export interface HistoryBenchResult {
  options: HistoryBenchOptions;
  findingsPerRun: number;
  bytesPerRun: number;
  idsTracked: number;
  indexBytes: number;
  /** Milliseconds: reading every run folder (no index), the index alone, the index plus the newest run. */
  withoutIndexMs: number;
  indexOnlyMs: number;
  incrementalMs: number;
  /** The same in CPU time of this process (user + system): what a shared, loaded machine does not inflate. */
  withoutIndexCpuMs: number;
  indexOnlyCpuMs: number;
  incrementalCpuMs: number;
  /** Putting the history on the newest run's 8,000 findings (after it is loaded). */
  applyMs: number;
  /** Overdue findings of the newest run with critical 7 / high 30 days. */
  overdue: number;
}

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const cpuMs = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};

export function runHistoryBench(opts: Partial<HistoryBenchOptions> = {}, log: (line: string) => void = () => {}): HistoryBenchResult {
  const o = { ...HISTORY_BENCH_DEFAULTS, ...opts };
  const dir = mkdtempSync(join(tmpdir(), 'amigov-history-bench-'));
  try {
    const allowlist = resolveAllowlist(validateConfig(CONFIG, 'bench-config.json'), o.firstDate);
    let bytes = 0;
    let lastDoc: FindingsDocument | undefined;
    log(`writing ${o.runs} run folders of ${o.accounts} accounts x ${o.findingsPerAccount} findings into ${dir}`);
    for (let w = 0; w < o.runs; w++) {
      const doc = syntheticRun(o, w, allowlist);
      const runDir = join(dir, doc.run.runId);
      mkdirSync(runDir);
      const text = JSON.stringify(doc);
      bytes += text.length;
      // The last run is held back: it is the one the weekly job adds.
      if (w === o.runs - 1) {
        lastDoc = doc;
        continue;
      }
      writeFileSync(join(runDir, RUN_FILES.findings), text);
      writeFileSync(join(runDir, RUN_FILES.inventory), '{}');
    }
    let t = process.hrtime.bigint();
    let c = process.cpuUsage();
    const cold = loadHistory(dir, { write: true });
    const withoutIndexMs = ms(t);
    const withoutIndexCpuMs = cpuMs(c);
    log(`no index: ${cold.foldersRead} folders read in ${withoutIndexMs.toFixed(0)} ms`);
    t = process.hrtime.bigint();
    c = process.cpuUsage();
    const warm = loadHistory(dir);
    const indexOnlyMs = ms(t);
    const indexOnlyCpuMs = cpuMs(c);
    log(`index only: ${warm.foldersRead} folders read in ${indexOnlyMs.toFixed(0)} ms`);
    writeFileSync(join(dir, lastDoc!.run.runId, RUN_FILES.findings), JSON.stringify(lastDoc));
    writeFileSync(join(dir, lastDoc!.run.runId, RUN_FILES.inventory), '{}');
    const next = syntheticRun(o, o.runs, allowlist);
    t = process.hrtime.bigint();
    c = process.cpuUsage();
    const inc = loadHistory(dir);
    const incrementalMs = ms(t);
    const incrementalCpuMs = cpuMs(c);
    log(`index + 1 new run: ${inc.foldersRead} folder read in ${incrementalMs.toFixed(0)} ms`);
    t = process.hrtime.bigint();
    const applied = applyHistory(next, stateBefore(inc, next), { dir, indexFile: inc.indexFile, sla: { critical: 7, high: 30 } });
    const applyMs = ms(t);
    return {
      options: o,
      findingsPerRun: next.findings.length,
      bytesPerRun: Math.round(bytes / o.runs),
      idsTracked: Object.keys(inc.state.ids).length,
      indexBytes: statSync(join(dir, HISTORY_INDEX_FILE)).size,
      withoutIndexMs,
      indexOnlyMs,
      incrementalMs,
      withoutIndexCpuMs,
      indexOnlyCpuMs,
      incrementalCpuMs,
      applyMs,
      overdue: applied.history!.overdue.total,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatHistoryBench(r: HistoryBenchResult): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return [
    `History: ${r.options.runs} weekly runs of ${r.options.accounts.toLocaleString('en-US')} accounts, ${r.findingsPerRun.toLocaleString('en-US')} findings per run (${mb(r.bytesPerRun)} findings.json each), ${r.idsTracked.toLocaleString('en-US')} finding ids tracked`,
    '',
    '| read | wall time | CPU time |',
    '|---|---:|---:|',
    `| every run folder, no index (first run with history, or index rebuilt) | ${r.withoutIndexMs.toFixed(0)} ms | ${r.withoutIndexCpuMs.toFixed(0)} ms |`,
    `| ${HISTORY_INDEX_FILE} alone (${mb(r.indexBytes)}) | ${r.indexOnlyMs.toFixed(0)} ms | ${r.indexOnlyCpuMs.toFixed(0)} ms |`,
    `| the index + last week's run (the weekly job) | ${r.incrementalMs.toFixed(0)} ms | ${r.incrementalCpuMs.toFixed(0)} ms |`,
    `| history put on this run's findings | ${r.applyMs.toFixed(0)} ms | |`,
  ].join('\n');
}
