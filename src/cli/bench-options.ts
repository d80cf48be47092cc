/**
 * `amigov bench`'s flags turned into the benchmark's options: loaded by the command's action, so `amigov bench
 * --help` loads none of the rules or the benchmark (issue #18).
 */
import { parseAsOf } from '../util/dates.js';
import { UserError } from './errors.js';
import { RULES, RULE_IDS } from '../rules/index.js';
import { selectRules } from '../rules/engine.js';
import { collectorsFor } from '../pipeline/scan-plan.js';
import { BENCH_DEFAULTS, FULL_PRESET, LATENCY_PROFILES, QUICK_PRESET, type LatencyProfile } from '../bench/presets.js';
import type { BenchOptions } from '../bench/run.js';
import { maxWorkers } from '../scan/workers/count.js';

export interface BenchCliOptions {
  quick?: boolean;
  sizes?: string;
  regions?: string;
  populated?: string;
  instances?: string;
  images?: string;
  latencyMs?: string;
  latencyProfile?: string;
  throttling: boolean;
  concurrency?: string;
  seed?: string;
  reports: boolean;
  out: string;
  config: string;
  asOf: string;
  keepRuns?: boolean;
  startup?: boolean;
  smallOrg?: boolean;
  history?: boolean;
  rules?: string;
  workers?: string;
  synthetic?: boolean;
  reportRuns?: string;
}

export function whole(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`);
  return Number(v);
}

function latencyProfileOf(value: string | undefined): LatencyProfile {
  if (value === undefined) return BENCH_DEFAULTS.latencyProfile;
  if (!(LATENCY_PROFILES as readonly string[]).includes(value)) {
    throw new UserError(`--latency-profile: ${JSON.stringify(value)} is not a profile`, { hint: `Valid profiles: ${LATENCY_PROFILES.join(', ')}` });
  }
  return value as LatencyProfile;
}

/** --report-runs N: only with --synthetic (a scanned size's report runs once, after its scan). */
function reportRunsOf(cli: BenchCliOptions): number {
  if (!cli.synthetic) throw new UserError('--report-runs needs --synthetic', { hint: 'Example: amigov bench --sizes 1000 --synthetic --report-runs 3' });
  return whole('--report-runs', cli.reportRuns, 1, 1, 10);
}

export function toBenchOptions(cli: BenchCliOptions): BenchOptions {
  const preset = cli.quick ? QUICK_PRESET : FULL_PRESET;
  let sizes: number[] = [...preset.sizes];
  if (cli.sizes !== undefined) {
    const parts = cli.sizes.split(',').map((s) => s.trim()).filter(Boolean);
    if (parts.length === 0) throw new UserError('--sizes: no size given', { hint: 'Example: --sizes 50,200' });
    sizes = parts.map((p) => whole('--sizes', p, 0, 1, 20_000));
  }
  parseAsOf(cli.asOf);
  let collectors: string[] | undefined;
  if (cli.rules !== undefined) {
    const ids = cli.rules.split(',').map((s) => s.trim()).filter(Boolean);
    if (!ids.length) throw new UserError('--rules is empty', { hint: `Valid rule ids: ${RULE_IDS.join(', ')}` });
    collectors = collectorsFor(selectRules(RULES, ids));
  }
  return {
    ...(collectors ? { collectors } : {}),
    ...(cli.workers !== undefined ? { workers: whole('--workers', cli.workers, 1, 1, maxWorkers()) } : {}),
    preset: cli.quick ? 'quick' : cli.sizes ? 'custom sizes' : 'full',
    sizes,
    regions: whole('--regions', cli.regions, preset.regions, 1, 17),
    populatedRegionsPerAccount: whole('--populated', cli.populated, preset.populatedRegionsPerAccount, 1, 17),
    instancesPerRegion: whole('--instances', cli.instances, preset.instancesPerRegion, 0, 100_000),
    ownedImagesPerRegion: whole('--images', cli.images, preset.ownedImagesPerRegion, 0, 100_000),
    latencyMs: whole('--latency-ms', cli.latencyMs, BENCH_DEFAULTS.latencyMs, 0, 10_000),
    latencyProfile: latencyProfileOf(cli.latencyProfile),
    throttling: cli.throttling,
    concurrency: whole('--concurrency', cli.concurrency, BENCH_DEFAULTS.concurrency, 1, 256),
    seed: whole('--seed', cli.seed, BENCH_DEFAULTS.seed, 0, 2 ** 31),
    reports: cli.reports,
    outDir: cli.out,
    configPath: cli.config,
    asOf: cli.asOf,
    keepRuns: cli.keepRuns === true,
    ...(cli.synthetic ? { synthetic: true } : {}),
    ...(cli.reportRuns !== undefined ? { reportRuns: reportRunsOf(cli) } : {}),
    startup: cli.startup !== false,
    smallOrg: cli.smallOrg !== false,
    timeoutMs: BENCH_DEFAULTS.timeoutMs,
  };
}

