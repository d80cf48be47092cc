/**
 * The benchmark's scanner process: one real scan (scanOrganization, the same core `amigov scan` runs) against the
 * sandbox, then inventory.json written as `amigov scan` writes it. Reports its wall time, CPU time, peak RSS and
 * the scanner's own call accounting to the parent. A process of its own, so its peak RSS is the scanner's alone.
 * The scan uses its default worker threads (src/scan/workers): process.cpuUsage() counts every thread of the process.
 * Started by src/bench/children.ts with one argument: the ScanChildConfig as JSON.
 */
import { statSync } from 'node:fs';
import { RUN_FILES } from '../model/run-files.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config/load.js';
import { resolveAllowlist } from '../config/allowlist.js';
import { scanOrganization, SCAN_DEFAULTS } from '../scan/index.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';
import { usageSince, type FromWorker, type ScanChildConfig } from './protocol.js';

function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(msg, () => resolve()) : resolve()));
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ScanChildConfig;
  // The sandbox's caller credentials, through the SDK's default chain (environment first), as a user would.
  process.env.AWS_ACCESS_KEY_ID = config.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = config.credentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const allowlist = resolveAllowlist(loadConfig(config.configPath), config.asOf);

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const inv = await scanOrganization({
    ...SCAN_DEFAULTS,
    configPath: config.configPath,
    allowlist,
    asOf: config.asOf,
    endpointUrl: config.endpoint,
    region: 'us-east-1',
    concurrency: config.concurrency,
    ...(config.collectors ? { collectors: config.collectors } : {}),
    ...(config.workers !== undefined ? { workers: config.workers } : {}),
  });
  const wallMs = performance.now() - t0;
  const scanMaxRssBytes = process.resourceUsage().maxRSS * 1024;
  const t1 = performance.now();
  const inventoryPath = join(config.outDir, RUN_FILES.inventory);
  writeJsonStreamAtomic(inventoryPath, inv);
  const writeMs = performance.now() - t1;
  const usage = usageSince(cpu0);

  const count = (s: string) => inv.coverage.filter((c) => c.status === s).length;
  await send({
    type: 'scan-result',
    wallMs,
    writeMs,
    usage,
    scanMaxRssBytes,
    inventoryPath,
    inventoryBytes: statSync(inventoryPath).size,
    apiCalls: inv.stats.apiCalls,
    apiCallsTotal: inv.stats.apiCallsTotal,
    attempts: inv.stats.attempts ?? 0,
    retries: inv.stats.retries,
    throttled: inv.stats.throttled,
    failedCalls: inv.stats.failedCalls ?? 0,
    coverage: { total: inv.coverage.length, ok: count('ok'), skipped: count('skipped'), accessDenied: count('access-denied'), error: count('error') },
    workers: typeof inv.run.parameters.workers === 'number' ? inv.run.parameters.workers : 1,
    instances: inv.instances.length,
    images: inv.images.length,
    unresolvedImages: inv.images.filter((i) => !i.found).length,
    launchTemplates: inv.launchTemplates.length,
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
