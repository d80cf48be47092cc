/**
 * End to end on a small organization (issue #18 item 6): 10 workload accounts x 3 regions with 30 instances, and
 * a real `amigov scan` process (the CLI, every report format) against the sandbox in its own process. The scan
 * writes its phase timings (AMIGOV_TIMINGS=1, src/util/timings.ts); the target is at most 3 s beyond the API time,
 * the latency bound of its calls (src/bench/minimal.ts latencyBound: what the calls must take at the least).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { DEFAULT_REGIONS } from '../sandbox/regions.js';
import { parseTimings, TIMINGS_ENV } from '../util/timings.js';
import { childExecArgv, RUNNING_FROM_SOURCE, startSandboxChild } from './children.js';
import { latencyBound } from './minimal.js';
import type { RegionLatency } from '../sandbox/knobs.js';

/** Issue #18: `amigov scan` with every report takes at most 3 s beyond its API time. */
export const SMALL_ORG_TARGET_MS = 3000;
export const SMALL_ORG = { accounts: 10, regions: 3, instancesPerRegion: 1, ownedImagesPerRegion: 1 } as const;

export interface SmallOrgResult {
  accounts: number;
  regions: string[];
  instances: number;
  calls: number;
  exitCode: number;
  /** the CLI process, spawn to exit (ms) */
  wallMs: number;
  split: { startupMs: number; scanMs: number; evaluateMs: number; renderMs: number; writeMs: number; otherMs: number };
  /** the latency bound of the scan's calls */
  apiMs: number;
  beyondApiMs: number;
}

export interface SmallOrgOptions {
  latencyMs: number;
  regionLatency?: RegionLatency;
  /** the latency the bound assumes (the flat figure or the profile's mean) */
  boundLatencyMs: number;
  throttling: boolean;
  concurrency: number;
  configPath: string;
  asOf: string;
  seed: number;
  timeoutMs: number;
}

export async function runSmallOrg(o: SmallOrgOptions): Promise<SmallOrgResult> {
  const regions = DEFAULT_REGIONS.filter((r) => !r.optIn).slice(0, SMALL_ORG.regions).map((r) => r.name);
  const sandbox = await startSandboxChild(
    {
      generate: { accounts: SMALL_ORG.accounts, regions: SMALL_ORG.regions, populatedRegionsPerAccount: SMALL_ORG.regions, instancesPerRegion: SMALL_ORG.instancesPerRegion, ownedImagesPerRegion: SMALL_ORG.ownedImagesPerRegion, seed: o.seed },
      latencyMs: o.latencyMs,
      ...(o.regionLatency ? { regionLatency: o.regionLatency } : {}),
      throttling: o.throttling,
      modelRegions: regions,
    },
    o.timeoutMs,
  );
  const dir = mkdtempSync(join(tmpdir(), 'amigov-bench-small-'));
  try {
    sandbox.reset();
    const main = fileURLToPath(new URL(`../cli/main.${RUNNING_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
    const args = [
      ...childExecArgv(), main, 'scan',
      '--endpoint-url', sandbox.ready.endpoint, '--region', 'us-east-1', '--regions', regions.join(','),
      '--config', o.configPath, '--as-of', o.asOf, '--concurrency', String(o.concurrency),
      '--format', 'all', '--out', join(dir, 'run'), '--quiet',
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: '',
      [TIMINGS_ENV]: '1',
      AWS_ACCESS_KEY_ID: sandbox.ready.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.ready.credentials.secretAccessKey,
      // Nothing of the user's own AWS set-up: the sandbox's caller alone.
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const t0 = performance.now();
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, args, { env, timeout: o.timeoutMs, maxBuffer: 64 * 2 ** 20 }, (err, _stdout, stderr) => {
        const c = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code: c, stderr });
      });
    });
    const wallMs = performance.now() - t0;
    const t = parseTimings(stderr);
    // 0 (clean) or 1 (findings at --fail-on): the scan ran to the end; anything else is a failed measurement.
    if (!t || t.scanStart === undefined || t.reportsWritten === undefined || (code !== 0 && code !== 1)) {
      throw new Error(`the small-organization scan exited ${code} without its timings:\n${stderr.slice(-4000)}`);
    }
    const sb = await sandbox.snapshot();
    const { model } = sandbox.ready;
    const apiMs = latencyBound(model, o.boundLatencyMs, o.concurrency * 5).boundMs;
    const at = (k: keyof typeof t) => t[k] ?? 0;
    const split = {
      startupMs: at('scanStart'),
      scanMs: at('scanEnd') - at('scanStart'),
      evaluateMs: at('evaluateEnd') - at('inventoryWritten'),
      renderMs: at('reportsWritten') - at('findingsWritten'),
      writeMs: at('inventoryWritten') - at('scanEnd') + (at('findingsWritten') - at('evaluateEnd')),
      otherMs: 0,
    };
    split.otherMs = Math.max(0, wallMs - (split.startupMs + split.scanMs + split.evaluateMs + split.renderMs + split.writeMs));
    return {
      accounts: model.shape.scannedAccounts,
      regions,
      instances: model.shape.instances,
      calls: sb.stats.total,
      exitCode: code,
      wallMs,
      split,
      apiMs,
      beyondApiMs: wallMs - apiMs,
    };
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
