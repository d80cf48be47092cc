/**
 * The benchmark's sandbox process: generates the organization, computes its minimal-call model, serves it with
 * latency and throttling, and answers the parent's requests for counters and its own CPU / memory.
 * Runs in its own process so the sandbox's CPU never competes with the scanner's event loop, and each side's
 * CPU time and RSS are measured separately.
 * Started by src/bench/children.ts with one argument: the SandboxChildConfig as JSON.
 */
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { generateOrg, startSandbox } from '../sandbox/index.js';
import { minimalCalls } from './minimal.js';
import { usageSince, type FromSandbox, type SandboxChildConfig, type ToSandbox } from './protocol.js';

function send(msg: FromSandbox): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as SandboxChildConfig;
  let t = performance.now();
  let fixture: ReturnType<typeof generateOrg> | undefined = generateOrg(config.generate);
  const model = minimalCalls(fixture, {
    ...(config.collectors ? { collectors: config.collectors } : {}),
    ...(config.approvedProviders ? { approvedProviders: config.approvedProviders } : {}),
    ...(config.modelRegions ? { regions: config.modelRegions } : {}),
  });
  const generateMs = performance.now() - t;
  t = performance.now();
  const sb = await startSandbox({ fixture, latencyMs: config.latencyMs, throttling: config.throttling, ...(config.regionLatency ? { regionLatency: config.regionLatency } : {}) });
  const startMs = performance.now() - t;
  fixture = undefined; // the sandbox indexed it; let the fixture object go

  // Requests being served, from Node's own HTTP server channels: no change to the sandbox needed.
  let inFlight = 0;
  let peak = 0;
  subscribe('http.server.request.start', () => {
    inFlight++;
    if (inFlight > peak) peak = inFlight;
  });
  subscribe('http.server.response.finish', () => {
    inFlight--;
  });

  let cpuBase = process.cpuUsage();
  process.on('message', (raw: unknown) => {
    const msg = raw as ToSandbox;
    if (msg.type === 'reset') {
      sb.resetStats();
      cpuBase = process.cpuUsage();
      peak = inFlight;
    } else if (msg.type === 'snapshot') {
      send({ type: 'snapshot', stats: sb.stats(), usage: usageSince(cpuBase), peakInFlight: peak });
    } else if (msg.type === 'close') {
      void sb.close().finally(() => process.exit(0));
    }
  });
  // The parent went away: don't linger.
  process.on('disconnect', () => void sb.close().finally(() => process.exit(0)));

  send({ type: 'ready', endpoint: sb.endpoint, credentials: sb.credentials, model, generateMs, startMs, rssBytes: process.memoryUsage().rss });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
