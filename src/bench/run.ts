/**
 * The benchmark: for each organization size, a sandbox process serves a generated organization with latency and
 * throttling, a scanner process runs a real scan against it, and a report process evaluates the inventory and
 * writes HTML + XLSX. Sizes run one after another (never two heavy runs at once on a small machine). The
 * results are compared with the minimal-call model and the latency bound, and written as Markdown and JSON.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { rmSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { toolVersion } from '../util/paths.js';
import { RUN_FILES } from '../model/run-files.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { latencyBound } from './minimal.js';
import { loadConfig } from '../config/load.js';
import { resolveAllowlist } from '../config/allowlist.js';
import { runWorker, startSandboxChild } from './children.js';
import { measureStartup } from './startup.js';
import { runSmallOrg } from './small-org.js';
import { meanLatencyMs, REGIONAL_LATENCY, type LatencyProfile } from './profiles.js';
import type { ReportChildResult, ScanChildResult } from './protocol.js';
import { growthOf, renderMarkdown, SCANNER_CPU_PER_CALL_TARGET_US, type BenchReport, type MachineInfo, type ReportSizeResult, type SizeResult } from './table.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';

/** amigov runs an account x region's five collectors at once: --concurrency N allows up to 5N requests in flight. */
export const REQUESTS_PER_UNIT = 5;

export interface BenchOptions {
  preset: string;
  sizes: number[];
  regions: number;
  populatedRegionsPerAccount: number;
  instancesPerRegion: number;
  ownedImagesPerRegion: number;
  latencyMs: number;
  /** flat: latencyMs for every call; regional: src/bench/profiles.ts REGIONAL_LATENCY (a scanner in us-east-1) */
  latencyProfile: LatencyProfile;
  throttling: boolean;
  concurrency: number;
  seed: number;
  /** evaluate + HTML + XLSX after each scan */
  reports: boolean;
  outDir: string;
  configPath: string;
  asOf: string;
  /** keep each size's inventory and reports under outDir/runs/<size>/ (default: removed after measuring) */
  keepRuns: boolean;
  /** measure the start-up of --help, --version, config check and policy generate first */
  startup: boolean;
  /** run `amigov scan` end to end on a 10-account x 3-region organization (issue #18 item 6) */
  smallOrg: boolean;
  /** per child process */
  timeoutMs: number;
  /** A targeted scan (bench --rules public-ami): the collectors those rules read. Default: a full scan. */
  collectors?: string[];
  /** The scanner's --workers (1 = one thread); default: the scan's own default (src/scan/workers/count.ts). */
  workers?: number;
  /**
   * bench --synthetic: no sandbox and no scan; each size's inventory is the one a complete scan of the generated
   * organization yields (src/bench/synthetic-inventory.ts), and the report process runs on it: the report figure
   * at 1,000 accounts with the inventory built in a minute or two instead of a scan of ~177,000 calls.
   */
  synthetic?: boolean;
  /** bench --synthetic --report-runs N: the report process N times on the same inventory (default 1). */
  reportRuns?: number;
}

export { BENCH_DEFAULTS, FULL_PRESET, QUICK_PRESET } from './presets.js';

/** A size's report figures from the report process's answer (a scanned or a synthetic inventory alike). */
function reportFigures(report: ReportChildResult) {
  const fileBytes = (suffix: string) => report.files.find((f) => f.path.endsWith(suffix))?.bytes ?? 0;
  return {
    readMs: report.readMs,
    evaluateMs: report.evaluateMs,
    renderMs: report.renderMs,
    wallMs: report.wallMs,
    cpuMs: report.usage.cpuMs,
    maxRssBytes: report.usage.maxRssBytes,
    findings: report.findings,
    htmlBytes: fileBytes(RUN_FILES.html),
    xlsxBytes: fileBytes(RUN_FILES.xlsx),
    phases: report.phases,
  };
}

export interface BenchHooks {
  log?(line: string): void;
}

function machine(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: totalmem(),
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: [],
  };
}

export async function runSize(size: number, o: BenchOptions, hooks: BenchHooks = {}): Promise<SizeResult> {
  const log = hooks.log ?? (() => {});
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const sandbox = await startSandboxChild(
    {
      generate: {
        accounts: size,
        regions: o.regions,
        populatedRegionsPerAccount: o.populatedRegionsPerAccount,
        instancesPerRegion: o.instancesPerRegion,
        ownedImagesPerRegion: o.ownedImagesPerRegion,
        seed: o.seed,
      },
      latencyMs: o.latencyMs,
      ...(o.latencyProfile === 'regional' ? { regionLatency: REGIONAL_LATENCY } : {}),
      throttling: o.throttling,
      ...(o.collectors ? { collectors: o.collectors } : {}),
      // The scan child judges with this config: the model asks the same DescribeImageReferences questions.
      approvedProviders: resolveAllowlist(loadConfig(o.configPath), o.asOf).approvedProviders,
    },
    o.timeoutMs,
  );
  const runDir = resolve(o.outDir, 'runs', String(size));
  try {
    const { model } = sandbox.ready;
    log(`  sandbox ready in ${((sandbox.ready.generateMs + sandbox.ready.startMs) / 1000).toFixed(1)} s: ${model.shape.accountRegions} account x regions, ${model.shape.instances} instances, minimal ${model.total} calls`);
    sandbox.reset();
    const scan = await runWorker<ScanChildResult>(
      'scan-child',
      { endpoint: sandbox.ready.endpoint, credentials: sandbox.ready.credentials, concurrency: o.concurrency, configPath: o.configPath, asOf: o.asOf, outDir: runDir, ...(o.collectors ? { collectors: o.collectors } : {}), ...(o.workers !== undefined ? { workers: o.workers } : {}) },
      'scan-result',
      o.timeoutMs,
    );
    const sb = await sandbox.snapshot();
    log(`  scan ${(scan.wallMs / 1000).toFixed(1)} s, ${sb.stats.total} requests, peak RSS ${Math.round(scan.usage.maxRssBytes / 2 ** 20)} MB`);
    log(
      `  scanner: ${scan.workers} worker thread${scan.workers === 1 ? '' : 's'}, CPU ${Math.round((scan.usage.cpuMs * 1000) / Math.max(1, scan.apiCallsTotal))} µs per call (all threads; target ≤ ${SCANNER_CPU_PER_CALL_TARGET_US} µs), ` +
        `sandbox ${Math.round((sb.usage.cpuMs * 1000) / Math.max(1, sb.stats.total))} µs per request, ` +
        `wall / latency bound ${(scan.wallMs / latencyBound(model, o.latencyMs, o.concurrency * REQUESTS_PER_UNIT).boundMs).toFixed(2)}x`,
    );
    await sandbox.close();

    let report: ReportChildResult | undefined;
    if (o.reports) {
      report = await runWorker<ReportChildResult>(
        'report-child',
        { inventoryPath: scan.inventoryPath, configPath: o.configPath, asOf: o.asOf, outDir: runDir },
        'report-result',
        o.timeoutMs,
      );
      log(`  evaluate + every report ${(report.wallMs / 1000).toFixed(1)} s, ${report.findings} findings, peak RSS ${Math.round(report.usage.maxRssBytes / 2 ** 20)} MB`);
    }

    const requestSlots = o.concurrency * REQUESTS_PER_UNIT;
    const latencyMs = effectiveLatencyMs(o);
    const bound = latencyBound(model, latencyMs, requestSlots);
    const failedUnits = scan.coverage.accessDenied + scan.coverage.error;
    return {
      size,
      settings: {
        regions: o.regions,
        populatedRegionsPerAccount: o.populatedRegionsPerAccount,
        instancesPerRegion: o.instancesPerRegion,
        ownedImagesPerRegion: o.ownedImagesPerRegion,
        latencyMs,
        latencyProfile: o.latencyProfile,
        throttling: o.throttling,
        concurrency: o.concurrency,
        requestSlots,
      },
      loadAverageAtStart,
      shape: model.shape,
      minimal: { total: model.total, byAction: model.byAction, criticalChainCalls: model.criticalChainCalls, rateLimited: model.rateLimited },
      made: { total: sb.stats.total, byAction: sortKeys(sb.stats.byAction), throttled: sb.stats.throttled },
      scanner: { calls: scan.apiCallsTotal, attempts: scan.attempts, retries: scan.retries, throttled: scan.throttled, failedCalls: scan.failedCalls },
      bound,
      scan: {
        wallMs: scan.wallMs,
        cpuMs: scan.usage.cpuMs,
        maxRssBytes: scan.usage.maxRssBytes,
        scanOnlyMaxRssBytes: scan.scanMaxRssBytes,
        writeInventoryMs: scan.writeMs,
        inventoryBytes: scan.inventoryBytes,
        meanInFlight: (sb.stats.total * latencyMs) / scan.wallMs,
        peakInFlight: sb.peakInFlight,
      },
      sandbox: { cpuMs: sb.usage.cpuMs, maxRssBytes: sb.usage.maxRssBytes, generateMs: sandbox.ready.generateMs, startMs: sandbox.ready.startMs },
      report: report
        ? reportFigures(report)
        : null,
      coverage: {
        expectedUnits: model.shape.accountRegions,
        ok: scan.coverage.ok,
        skipped: scan.coverage.skipped,
        accessDenied: scan.coverage.accessDenied,
        error: scan.coverage.error,
        instancesExpected: model.shape.instances,
        instancesFound: scan.instances,
        unresolvedImages: scan.unresolvedImages,
        complete: failedUnits === 0 && scan.coverage.ok === model.shape.accountRegions && scan.instances === model.shape.instances,
      },
    };
  } finally {
    await sandbox.close();
    if (!o.keepRuns) rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * bench --synthetic: the generated organization's inventory as a complete scan yields it, written as inventory.json
 * the way the scan writes it, then the real report process on it (evaluate, every format).
 */
export async function runSyntheticSize(size: number, o: BenchOptions, hooks: BenchHooks = {}): Promise<ReportSizeResult> {
  const log = hooks.log ?? (() => {});
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const runDir = resolve(o.outDir, 'runs', `${size}-synthetic`);
  try {
    // Loaded here: the builder reads the sandbox's state and the collectors' helpers (the AWS SDK with them), which
    // `amigov --help` must not load (src/cli/commands/bench.ts imports this module; test/cli/lazy-load.test.ts).
    const [{ generateOrg }, { syntheticInventory }] = await Promise.all([import('../sandbox/generator.js'), import('./synthetic-inventory.js')]);
    const t0 = performance.now();
    const fixture = generateOrg({
      accounts: size,
      regions: o.regions,
      populatedRegionsPerAccount: o.populatedRegionsPerAccount,
      instancesPerRegion: o.instancesPerRegion,
      ownedImagesPerRegion: o.ownedImagesPerRegion,
      seed: o.seed,
    });
    const inventory = syntheticInventory({ fixture, allowlist: resolveAllowlist(loadConfig(o.configPath), o.asOf), asOf: o.asOf, configPath: o.configPath });
    const inventoryPath = join(runDir, RUN_FILES.inventory);
    writeJsonStreamAtomic(inventoryPath, inventory);
    const buildMs = performance.now() - t0;
    const shape = {
      accountRegions: inventory.coverage.filter((c) => c.status === 'ok').length,
      instances: inventory.instances.length,
      images: inventory.images.length,
      launchTemplates: inventory.launchTemplates.length,
    };
    log(`  synthetic inventory in ${(buildMs / 1000).toFixed(1)} s: ${shape.accountRegions} account x regions, ${shape.instances} instances, ${Math.round(statSync(inventoryPath).size / 2 ** 20)} MB`);
    // The peak varies from run to run (V8 collects when it decides): with --report-runs N the highest of N runs is
    // the one judged, and every run's peak is kept.
    const runs: ReportChildResult[] = [];
    const n = o.reportRuns ?? 1;
    for (let i = 0; i < n; i++) {
      const run = await runWorker<ReportChildResult>('report-child', { inventoryPath, configPath: o.configPath, asOf: o.asOf, outDir: runDir }, 'report-result', o.timeoutMs);
      log(`  evaluate + every report ${(run.wallMs / 1000).toFixed(1)} s, ${run.findings} findings, peak RSS ${Math.round(run.usage.maxRssBytes / 2 ** 20)} MB${n > 1 ? ` (run ${i + 1} of ${n})` : ''}`);
      runs.push(run);
    }
    const report = runs.reduce((a, b) => (b.usage.maxRssBytes > a.usage.maxRssBytes ? b : a));
    return {
      size,
      synthetic: true,
      loadAverageAtStart,
      shape,
      buildMs,
      inventoryBytes: statSync(inventoryPath).size,
      report: { ...reportFigures(report), ...(runs.length > 1 ? { peakRunsBytes: runs.map((r) => r.usage.maxRssBytes) } : {}) },
    };
  } finally {
    if (!o.keepRuns) rmSync(runDir, { recursive: true, force: true });
  }
}

/** The latency of a call the bound assumes: the flat figure, or the regional profile's mean over the regions scanned. */
export function effectiveLatencyMs(o: Pick<BenchOptions, 'latencyMs' | 'latencyProfile'>): number {
  return o.latencyProfile === 'regional' ? meanLatencyMs(REGIONAL_LATENCY) : o.latencyMs;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export interface BenchOutput {
  report: BenchReport;
  markdown: string;
  files: string[];
}

/** Runs every size in turn, then writes <outDir>/bench-<time>.{md,json} and latest.{md,json} atomically. */
export async function runBench(o: BenchOptions, hooks: BenchHooks = {}): Promise<BenchOutput> {
  const log = hooks.log ?? (() => {});
  const startedAt = new Date();
  const m = machine();
  let startup: BenchReport['startup'];
  if (o.startup) {
    log('start-up: --help, --version, config check, policy generate (5 runs each)');
    startup = await measureStartup({ configPath: o.configPath, asOf: o.asOf });
  }
  let smallOrg: BenchReport['smallOrg'];
  if (o.smallOrg) {
    log('small organization: amigov scan, every report, 10 accounts x 3 regions, 30 instances');
    smallOrg = await runSmallOrg({
      latencyMs: o.latencyMs,
      ...(o.latencyProfile === 'regional' ? { regionLatency: REGIONAL_LATENCY } : {}),
      boundLatencyMs: effectiveLatencyMs(o),
      throttling: o.throttling,
      concurrency: o.concurrency,
      configPath: o.configPath,
      asOf: o.asOf,
      seed: o.seed,
      timeoutMs: o.timeoutMs,
    });
    log(`  ${(smallOrg.wallMs / 1000).toFixed(2)} s, ${(smallOrg.beyondApiMs / 1000).toFixed(2)} s beyond API time`);
  }
  const sizes: SizeResult[] = [];
  const reportSizes: ReportSizeResult[] = [];
  if (o.synthetic) {
    for (const size of o.sizes) {
      log(`${size} accounts x ${o.regions} regions: synthetic inventory (no scan), then evaluate + every report`);
      const r = await runSyntheticSize(size, o, hooks);
      m.loadAverage.push(r.loadAverageAtStart);
      reportSizes.push(r);
    }
  }
  for (const size of o.synthetic ? [] : o.sizes) {
    log(`${size} accounts x ${o.regions} regions (latency ${o.latencyProfile === 'regional' ? `regional profile, mean ${effectiveLatencyMs(o).toFixed(0)}` : o.latencyMs} ms, throttling ${o.throttling ? 'on' : 'off'}, concurrency ${o.concurrency})`);
    const r = await runSize(size, o, hooks);
    m.loadAverage.push(r.loadAverageAtStart);
    sizes.push(r);
  }
  const report: BenchReport = {
    schemaVersion: 1,
    kind: 'amigov.bench',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    toolVersion: toolVersion(),
    machine: m,
    preset: o.preset,
    ...(startup ? { startup } : {}),
    ...(smallOrg ? { smallOrg } : {}),
    sizes,
    ...(reportSizes.length ? { reportSizes } : {}),
    growth: growthOf(sizes),
  };
  const markdown = renderMarkdown(report);
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const files = [
    join(o.outDir, `bench-${stamp}.json`),
    join(o.outDir, `bench-${stamp}.md`),
    join(o.outDir, 'latest.json'),
    join(o.outDir, 'latest.md'),
  ];
  writeJsonAtomic(files[0]!, report);
  writeFileAtomic(files[1]!, markdown);
  writeJsonAtomic(files[2]!, report);
  writeFileAtomic(files[3]!, markdown);
  return { report, markdown, files };
}
