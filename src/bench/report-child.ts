/**
 * The benchmark's report process: reads the scan's inventory.json, evaluates it (evaluateRun, as `amigov scan` and
 * `amigov evaluate` do) and writes the HTML, XLSX and JSON reports. Reports time per step and its peak RSS.
 * Started by src/bench/children.ts with one argument: the ReportChildConfig as JSON.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config/load.js';
import { evaluateRun } from '../evaluate/evaluate.js';
import { readInventory, writeReports } from '../report/index.js';
import { usageSince, type FromWorker, type ReportChildConfig } from './protocol.js';

function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(msg, () => resolve()) : resolve()));
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ReportChildConfig;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let inventory: ReturnType<typeof readInventory> | undefined = readInventory(config.inventoryPath);
  const t1 = performance.now();
  const doc = evaluateRun({ inventory, config: loadConfig(config.configPath), asOf: config.asOf, options: { source: 'scan', inventoryPath: config.inventoryPath } });
  const t2 = performance.now();
  const written = await writeReports({ doc, inventory, outDir: config.outDir, formats: ['html', 'xlsx', 'json'] });
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
