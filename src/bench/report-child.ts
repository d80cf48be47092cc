/**
 * The benchmark's report process: reads the scan's inventory.json, evaluates it (evaluateRun, as `amigov scan` and
 * `amigov evaluate` do) and writes what a run writes, one after another: findings.json with remediation.sh first
 * (writeFindingsOutputs, as src/pipeline/finish-run.ts does), then every other report format, the HTML given
 * the script (shown whole when short enough, src/report/meta.ts). Reports time per step, the process's RSS after
 * each step and its peak so far (the split of the peak), and its peak RSS. Started by src/bench/children.ts with
 * one argument: the ReportChildConfig as JSON.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config/load.js';
import { evaluateRun } from '../evaluate/evaluate.js';
import { writeFindingsOutputs } from '../evaluate/io.js';
import { toolVersion } from '../util/paths.js';
import { readInventory, REPORT_FORMATS, writeReports, type RemediationScriptView, type ReportFormat } from '../report/index.js';
import { usageSince, type FromWorker, type ReportChildConfig, type ReportPhase } from './protocol.js';

function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(msg, () => resolve()) : resolve()));
}

/** findings.json (with remediation.sh) first, as a run writes them before the reports, then the rest in REPORT_FORMATS order. */
export const REPORT_CHILD_FORMATS: readonly ReportFormat[] = ['json', ...REPORT_FORMATS.filter((f) => f !== 'json')];

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ReportChildConfig;
  const cpu0 = process.cpuUsage();
  const phases: ReportPhase[] = [];
  let last = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    const m = process.memoryUsage();
    phases.push({ name, ms: now - last, rssBytes: m.rss, heapUsedBytes: m.heapUsed, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
    last = now;
  };
  phase('start');
  const t0 = performance.now();
  let inventory: ReturnType<typeof readInventory> | undefined = readInventory(config.inventoryPath);
  phase('read inventory.json');
  const t1 = performance.now();
  const doc = evaluateRun({ inventory, config: loadConfig(config.configPath), asOf: config.asOf, options: { source: 'scan', inventoryPath: config.inventoryPath } });
  phase('evaluate');
  const t2 = performance.now();
  const written: string[] = [];
  let remediationScript: RemediationScriptView | undefined;
  for (const format of config.formats ?? REPORT_CHILD_FORMATS) {
    if (format === 'json') {
      const outputs = writeFindingsOutputs(doc, config.outDir, { toolVersion: toolVersion() });
      written.push(outputs.findings, ...(outputs.script ? [outputs.script] : []));
      remediationScript = outputs.scriptView;
      phase('json + remediation.sh');
      continue;
    }
    written.push(...(await writeReports({ doc, inventory, outDir: config.outDir, formats: [format], ...(remediationScript !== undefined ? { remediationScript } : {}) })));
    phase(format);
  }
  const t3 = performance.now();
  inventory = undefined;
  await send({
    type: 'report-result',
    readMs: t1 - t0,
    evaluateMs: t2 - t1,
    renderMs: t3 - t2,
    wallMs: t3 - t0,
    usage: usageSince(cpu0),
    findings: doc.findings.length,
    files: written.map((path) => ({ path, bytes: statSync(path).size })),
    phases,
  });
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    await send({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    process.exit(1);
  },
);
