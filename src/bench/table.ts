/**
 * The benchmark's results: one record per organization size, the growth fit across sizes, and their Markdown
 * rendering. Pure functions (no I/O), so the formatting is tested on a fixed record.
 */
import type { LatencyBound, MinimalModel } from './minimal.js';
import { STARTUP_TARGET, type StartupResult } from './startup.js';
import { SMALL_ORG_TARGET_MS, type SmallOrgResult } from './small-org.js';
import type { ReportPhase } from './protocol.js';

/** Issue #18 item 5: evaluate + reports at 1,000 accounts peak at most 600 MB. */
export const REPORT_RSS_TARGET = { accounts: 1000, maxRssBytes: 600 * 2 ** 20 } as const;

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  /** 1-minute load average when each size started (other work on the machine skews timings). */
  loadAverage: number[];
}

export interface SizeResult {
  /** workload accounts asked of the generator (the fixture adds a management and an ops account) */
  size: number;
  settings: { regions: number; populatedRegionsPerAccount: number; instancesPerRegion: number; ownedImagesPerRegion: number; latencyMs: number; latencyProfile?: 'flat' | 'regional'; throttling: boolean; concurrency: number; requestSlots: number };
  loadAverageAtStart: number;
  shape: MinimalModel['shape'];
  minimal: { total: number; byAction: Record<string, number>; criticalChainCalls: number; rateLimited: MinimalModel['rateLimited'] };
  /** what reached the sandbox: every HTTP request, retries included */
  made: { total: number; byAction: Record<string, number>; throttled: number };
  /** the scanner's own accounting (logical calls; attempts include retries) */
  scanner: { calls: number; attempts: number; retries: number; throttled: number; failedCalls: number };
  bound: LatencyBound;
  scan: {
    wallMs: number;
    cpuMs: number;
    maxRssBytes: number;
    /** peak RSS before inventory.json was serialized */
    scanOnlyMaxRssBytes: number;
    writeInventoryMs: number;
    inventoryBytes: number;
    /** mean requests waiting on the sandbox: requests x latency / wall */
    meanInFlight: number;
    peakInFlight: number;
  };
  sandbox: { cpuMs: number; maxRssBytes: number; generateMs: number; startMs: number };
  report: ReportFigures | null;
  coverage: {
    expectedUnits: number;
    ok: number;
    skipped: number;
    accessDenied: number;
    error: number;
    instancesExpected: number;
    instancesFound: number;
    unresolvedImages: number;
    complete: boolean;
  };
}

/** The report process: evaluate + every format, its time and memory, and the split of both by step. */
export interface ReportFigures {
  readMs: number;
  evaluateMs: number;
  renderMs: number;
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
  findings: number;
  htmlBytes: number;
  xlsxBytes: number;
  /** absent in results written before the split was recorded */
  phases?: ReportPhase[];
  /** bench --synthetic --report-runs N (N > 1): every run's peak, in order; maxRssBytes and the rest are the highest run's */
  peakRunsBytes?: number[];
}

/** bench --synthetic: one size's report process on the inventory a complete scan yields (no scan was run). */
export interface ReportSizeResult {
  size: number;
  synthetic: true;
  loadAverageAtStart: number;
  shape: { accountRegions: number; instances: number; images: number; launchTemplates: number };
  /** generating the organization, building its inventory and writing inventory.json */
  buildMs: number;
  inventoryBytes: number;
  report: ReportFigures;
}

export interface GrowthFit {
  /** exponent b of y = a * x^b fitted on log-log (least squares); null with fewer than two sizes */
  scanTime: number | null;
  scanPeakRss: number | null;
  reportTime: number | null;
  reportPeakRss: number | null;
}

export interface BenchReport {
  schemaVersion: 1;
  kind: 'amigov.bench';
  startedAt: string;
  finishedAt: string;
  toolVersion: string;
  machine: MachineInfo;
  preset: string;
  /** start-up of the commands that must answer at once (absent with --no-startup) */
  startup?: StartupResult[];
  /** `amigov scan` end to end on a small organization (absent with --no-small-org) */
  smallOrg?: SmallOrgResult;
  sizes: SizeResult[];
  /** bench --synthetic: the report process on synthetic inventories, by size */
  reportSizes?: ReportSizeResult[];
  growth: GrowthFit;
}

/** Least-squares slope of log(y) on log(x): the exponent of a power law through the points. */
export function powerLawExponent(points: { x: number; y: number }[]): number | null {
  const pts = points.filter((p) => p.x > 0 && p.y > 0);
  if (new Set(pts.map((p) => p.x)).size < 2) return null;
  const lx = pts.map((p) => Math.log(p.x));
  const ly = pts.map((p) => Math.log(p.y));
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return num / den;
}

/** Growth against the number of account x regions scanned (the unit of work). */
export function growthOf(sizes: SizeResult[]): GrowthFit {
  const fit = (y: (s: SizeResult) => number | undefined) =>
    powerLawExponent(sizes.flatMap((s) => (y(s) === undefined ? [] : [{ x: s.shape.accountRegions, y: y(s)! }])));
  return {
    scanTime: fit((s) => s.scan.wallMs),
    scanPeakRss: fit((s) => s.scan.maxRssBytes),
    reportTime: fit((s) => s.report?.wallMs),
    reportPeakRss: fit((s) => s.report?.maxRssBytes),
  };
}

// ---- formatting ----------------------------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const sec = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const mb = (bytes: number) => { const v = bytes / (1024 * 1024); return `${v < 10 ? v.toFixed(1) : int(v)} MB`; };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ratio = (x: number) => `${x.toFixed(2)}x`;
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** made / minimum - 1, as a signed percentage */
export function excessOverMinimum(s: SizeResult): number {
  return s.minimal.total === 0 ? 0 : s.made.total / s.minimal.total - 1;
}

/** Issue #18 target 3: at most this much scanner CPU per API call (all of the scan process's threads). */
export const SCANNER_CPU_PER_CALL_TARGET_US = 400;

/** The scan process's CPU (every thread) over the requests that reached the sandbox, in µs. */
export function scannerCpuPerCallUs(s: Pick<SizeResult, 'scan' | 'made'>): number {
  return (s.scan.cpuMs * 1000) / Math.max(1, s.made.total);
}

export function wallOverBound(s: SizeResult): number {
  return s.bound.boundMs === 0 ? 0 : s.scan.wallMs / s.bound.boundMs;
}

/** Metric rows: [label, value per size]. */
function metricRows(sizes: SizeResult[]): [string, string[]][] {
  const row = (label: string, f: (s: SizeResult) => string): [string, string[]] => [label, sizes.map(f)];
  const na = '—';
  return [
    row('accounts (scanned) x regions', (s) => `${int(s.shape.scannedAccounts)} x ${s.settings.regions}`),
    row('account x regions scanned (populated)', (s) => `${int(s.shape.accountRegions)} (${int(s.shape.populatedAccountRegions)})`),
    row('instances / images / launch templates', (s) => `${int(s.shape.instances)} / ${int(s.shape.images)} / ${int(s.shape.launchTemplates)}`),
    row('API calls made (sandbox requests)', (s) => int(s.made.total)),
    row('minimal calls', (s) => int(s.minimal.total)),
    row('made vs minimal (target ≤ +5%)', (s) => `${excessOverMinimum(s) >= 0 ? '+' : ''}${pct(excessOverMinimum(s))}`),
    row('scan wall time', (s) => sec(s.scan.wallMs)),
    row('latency bound (limited by)', (s) => `${sec(s.bound.boundMs)} (${s.bound.limitedBy})`),
    row('  calls x latency / slots · chain · rate', (s) => `${sec(s.bound.throughputMs)} · ${sec(s.bound.chainMs)} (${s.minimal.criticalChainCalls} calls) · ${sec(s.bound.rateMs)}`),
    row('wall / bound (target ≤ 1.3 at 200)', (s) => ratio(wallOverBound(s))),
    row('concurrency (request slots)', (s) => `${s.settings.concurrency} (${s.settings.requestSlots})`),
    row('requests in flight: mean · peak', (s) => `${s.scan.meanInFlight.toFixed(0)} · ${s.scan.peakInFlight}`),
    row('throttled (sandbox) · retries (scanner)', (s) => `${int(s.made.throttled)} · ${int(s.scanner.retries)}`),
    row('failed calls (after retries)', (s) => int(s.scanner.failedCalls)),
    row('scanner CPU (share of wall)', (s) => `${sec(s.scan.cpuMs)} (${pct(s.scan.cpuMs / s.scan.wallMs)})`),
    row('sandbox CPU during scan (share of wall)', (s) => `${sec(s.sandbox.cpuMs)} (${pct(s.sandbox.cpuMs / s.scan.wallMs)})`),
    row(`scanner CPU per call, all threads (target ≤ ${SCANNER_CPU_PER_CALL_TARGET_US} µs)`, (s) => {
      const us = scannerCpuPerCallUs(s);
      return `${us.toFixed(0)} µs${us <= SCANNER_CPU_PER_CALL_TARGET_US ? ' (met)' : ' (**not met**)'}`;
    }),
    // The sandbox shares the machine's cores with the scanner: on 2 cores its CPU counts against the same wall time.
    row('sandbox CPU per request', (s) => `${((s.sandbox.cpuMs * 1000) / Math.max(1, s.made.total)).toFixed(0)} µs`),
    row('scanner peak RSS (scan only · with inventory.json write)', (s) => `${mb(s.scan.scanOnlyMaxRssBytes)} · ${mb(s.scan.maxRssBytes)}`),
    row('write inventory.json (size)', (s) => `${sec(s.scan.writeInventoryMs)} (${mb(s.scan.inventoryBytes)})`),
    row('evaluate + every report: time', (s) => (s.report ? `${sec(s.report.wallMs)} (read ${sec(s.report.readMs)}, evaluate ${sec(s.report.evaluateMs)}, render ${sec(s.report.renderMs)})` : na)),
    row(`evaluate + report peak RSS (target ≤ ${mb(REPORT_RSS_TARGET.maxRssBytes)} at ${int(REPORT_RSS_TARGET.accounts)})`, (s) =>
      s.report ? `${mb(s.report.maxRssBytes)}${s.size === REPORT_RSS_TARGET.accounts ? (s.report.maxRssBytes <= REPORT_RSS_TARGET.maxRssBytes ? ' (met)' : ' (**not met**)') : ''}` : na),
    row('findings · HTML · XLSX', (s) => (s.report ? `${int(s.report.findings)} · ${mb(s.report.htmlBytes)} · ${mb(s.report.xlsxBytes)}` : na)),
    row('coverage complete (ok / expected; instances)', (s) =>
      `${s.coverage.complete ? 'yes' : '**NO**'} (${int(s.coverage.ok)} / ${int(s.coverage.expectedUnits)}; ${int(s.coverage.instancesFound)} / ${int(s.coverage.instancesExpected)})`),
    row('sandbox peak RSS', (s) => mb(s.sandbox.maxRssBytes)),
    row('load average at start', (s) => s.loadAverageAtStart.toFixed(2)),
  ];
}

function callRows(sizes: SizeResult[]): string[] {
  const actions = [...new Set(sizes.flatMap((s) => [...Object.keys(s.minimal.byAction), ...Object.keys(s.made.byAction)]))].sort();
  const head = `| action | ${sizes.map((s) => `${int(s.size)}: made / minimal`).join(' | ')} |`;
  const sep = `|---|${sizes.map(() => '---:').join('|')}|`;
  const body = actions.map(
    (a) => `| ${cell(a)} | ${sizes.map((s) => `${int(s.made.byAction[a] ?? 0)} / ${int(s.minimal.byAction[a] ?? 0)}`).join(' | ')} |`,
  );
  return [head, sep, ...body];
}

const exp = (x: number | null) => (x === null ? 'n/a (one size)' : x.toFixed(2));

export function startupLines(startup: StartupResult[] | undefined): string[] {
  if (!startup?.length) return [];
  const ok = (s: StartupResult) => s.cpuMs <= STARTUP_TARGET.cpuMs && s.maxRssBytes <= STARTUP_TARGET.maxRssBytes;
  const target = `target ≤ ${sec(STARTUP_TARGET.cpuMs)} CPU and ≤ ${mb(STARTUP_TARGET.maxRssBytes)} each`;
  const name = (s: StartupResult) => `${cell(s.command)}${s.exitCodes.some((c) => c !== 0) ? ` (exit ${s.exitCodes.join(', ')})` : ''}`;
  // Reports since the compile cache (src/bench/startup.ts): the first run (cold cache) apart from the warm median.
  if (startup.every((s) => s.first)) {
    return [
      `## Start-up (the package's bin; median of ${startup[0]!.runs} runs with a warm compile cache after a first run with a cold one; ${target})`,
      '',
      '| command | CPU | peak RSS | first run (cold cache): CPU · peak RSS | target met |',
      '|---|---:|---:|---:|---|',
      ...startup.map((s) => `| ${name(s)} | ${sec(s.cpuMs)} | ${mb(s.maxRssBytes)} | ${sec(s.first!.cpuMs)} · ${mb(s.first!.maxRssBytes)} | ${ok(s) ? 'yes' : '**no**'} |`),
      '',
    ];
  }
  return [
    `## Start-up (median of ${startup[0]!.runs} runs; ${target})`,
    '',
    '| command | CPU | peak RSS | target met |',
    '|---|---:|---:|---|',
    ...startup.map((s) => `| ${name(s)} | ${sec(s.cpuMs)} | ${mb(s.maxRssBytes)} | ${ok(s) ? 'yes' : '**no**'} |`),
    '',
  ];
}

/** The report figure of issue #18 item 5 and its split by step, for every size whose report process ran. */
function reportMemoryLines(r: BenchReport): string[] {
  const runs = [
    ...r.sizes.flatMap((s) => (s.report ? [{ size: s.size, how: 'scanned', accountRegions: s.shape.accountRegions, instances: s.shape.instances, report: s.report }] : [])),
    ...(r.reportSizes ?? []).map((s) => ({ size: s.size, how: 'synthetic inventory', accountRegions: s.shape.accountRegions, instances: s.shape.instances, report: s.report })),
  ];
  if (!runs.length) return [];
  const t = REPORT_RSS_TARGET;
  const lines = [`## Report memory (target ≤ ${mb(t.maxRssBytes)} peak RSS at ${int(t.accounts)} accounts: evaluate + every report format)`, ''];
  for (const x of runs) {
    const rep = x.report;
    const verdict = x.size === t.accounts ? (rep.maxRssBytes <= t.maxRssBytes ? ' (met)' : ' (**not met**)') : '';
    lines.push(
      `report peak RSS at ${int(x.size)} accounts (${x.how}: ${int(x.accountRegions)} account x regions, ${int(x.instances)} instances, ${int(rep.findings)} findings): ${mb(rep.maxRssBytes)}${verdict}, ${sec(rep.wallMs)}` +
        (rep.peakRunsBytes ? `; the highest of ${rep.peakRunsBytes.length} runs: ${rep.peakRunsBytes.map(mb).join(', ')} (its split below)` : ''),
      '',
    );
    if (rep.phases?.length) {
      lines.push('| step | time | RSS after | V8 heap after | peak RSS so far |', '|---|---:|---:|---:|---:|');
      for (const p of rep.phases) lines.push(`| ${cell(p.name)} | ${sec(p.ms)} | ${mb(p.rssBytes)} | ${mb(p.heapUsedBytes)} | ${mb(p.maxRssBytes)} |`);
      lines.push('');
    }
  }
  return lines;
}

function smallOrgLines(r: SmallOrgResult | undefined): string[] {
  if (!r) return [];
  const s = r.split;
  return [
    `## End to end on a small organization (target ≤ ${sec(SMALL_ORG_TARGET_MS)} beyond API time)`,
    '',
    `\`amigov scan --format all\` against ${int(r.accounts)} accounts x ${r.regions.length} regions (${r.regions.join(', ')}), ${int(r.instances)} instances, ${int(r.calls)} API calls; exit ${r.exitCode}.`,
    '',
    '| wall | start-up | scan | evaluate | render (reports) | write (inventory, findings, script) | other (boot, summary, exit) | API time (latency bound) | beyond API time |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${sec(r.wallMs)} | ${sec(s.startupMs)} | ${sec(s.scanMs)} | ${sec(s.evaluateMs)} | ${sec(s.renderMs)} | ${sec(s.writeMs)} | ${sec(s.otherMs)} | ${sec(r.apiMs)} | ${sec(r.beyondApiMs)} ${r.beyondApiMs <= SMALL_ORG_TARGET_MS ? '(met)' : '(**not met**)'} |`,
    '',
    `beyond API time: ${(r.beyondApiMs / 1000).toFixed(2)} s (target ≤ ${(SMALL_ORG_TARGET_MS / 1000).toFixed(0)} s)`,
    '',
  ];
}

export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const sizes = r.sizes;
  const lines = [
    `# amigov benchmark (${r.preset})`,
    '',
    `${r.startedAt} · amigov ${r.toolVersion} · ${m.cpus} CPUs (${m.cpuModel}), ${mb(m.totalMemoryBytes)} RAM · Node ${m.node} · ${m.platform}`,
    sizes[0]
      ? `Latency ${sizes[0].settings.latencyProfile === 'regional' ? `per region (regional profile: a scanner in us-east-1, mean ${sizes[0].settings.latencyMs.toFixed(0)} ms a call)` : `${sizes[0].settings.latencyMs} ms per call`}, throttling ${sizes[0].settings.throttling ? 'on (AWS buckets)' : 'off'}, concurrency ${sizes[0].settings.concurrency}; ` +
        `${sizes[0].settings.regions} regions, ${sizes[0].settings.populatedRegionsPerAccount} populated per account with ${sizes[0].settings.instancesPerRegion} instances and ${sizes[0].settings.ownedImagesPerRegion} owned AMIs.`
      : 'No size was run.',
    '',
    `| metric | ${sizes.map((s) => `${int(s.size)} accounts`).join(' | ')} |`,
    `|---|${sizes.map(() => '---:').join('|')}|`,
    ...metricRows(sizes).map(([label, values]) => `| ${cell(label)} | ${values.map(cell).join(' | ')} |`),
    '',
    ...startupLines(r.startup),
    ...smallOrgLines(r.smallOrg),
    ...reportMemoryLines(r),
    '## API calls by action',
    '',
    ...callRows(sizes),
    '',
    '## Growth',
    '',
    `Exponent b of a log-log fit y ∝ (account x regions)^b across the sizes run (1 = linear): scan time ${exp(r.growth.scanTime)}, ` +
      `scanner peak RSS ${exp(r.growth.scanPeakRss)}, evaluate + report time ${exp(r.growth.reportTime)}, evaluate + report peak RSS ${exp(r.growth.reportPeakRss)}.`,
    '',
  ];
  return lines.join('\n');
}
