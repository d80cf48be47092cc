/**
 * `amigov bench`: scans generated organizations of several sizes against the sandbox (in its own process, with
 * latency and throttling), evaluates and renders the reports, and prints how close the scan came to the minimal
 * number of calls and to the latency bound. Writes reports/bench/latest.{md,json}. See docs/benchmark.md.
 */
import type { Command } from 'commander';
import { cliIo } from '../io.js';
import { parseAsOf } from '../../util/dates.js';
import { EXIT, UserError } from '../errors.js';
import { RULES, RULE_IDS } from '../../rules/index.js';
import { selectRules } from '../../rules/engine.js';
import { collectorsFor } from '../../pipeline/scan-plan.js';
import { BENCH_DEFAULTS, FULL_PRESET, QUICK_PRESET, runBench, type BenchOptions } from '../../bench/run.js';
import { LATENCY_PROFILES, type LatencyProfile } from '../../bench/profiles.js';
import { formatHistoryBench, HISTORY_BENCH_DEFAULTS, runHistoryBench } from '../../history/bench.js';

interface BenchCliOptions {
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
  synthetic?: boolean;
}

function whole(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
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
    startup: cli.startup !== false,
    smallOrg: cli.smallOrg !== false,
    timeoutMs: BENCH_DEFAULTS.timeoutMs,
  };
}

export function register(program: Command): void {
  program
    .command('bench')
    .summary('benchmark scan, evaluation and reports against generated organizations')
    .description(
      'Benchmark: scan generated organizations against the sandbox (its own process, with per-call latency and AWS throttling), ' +
        'evaluate and write HTML + XLSX, and compare calls and wall time with the minimal-call model and the latency bound.',
    )
    .option('--quick', `small preset that finishes in under 2 minutes (sizes ${QUICK_PRESET.sizes.join(',')})`)
    .option('--sizes <list>', `workload accounts per organization, comma-separated (default ${FULL_PRESET.sizes.join(',')})`)
    .option('--regions <n>', 'regions with resources in the generator (of the 17 default regions; every account still has all 17 enabled)')
    .option('--populated <n>', 'regions with resources per workload account (default 1)')
    .option('--instances <n>', 'instances per populated account x region (default 100)')
    .option('--images <n>', 'owned AMIs per populated account x region (default 20)')
    .option('--latency-ms <n>', 'latency the sandbox adds to every call', String(BENCH_DEFAULTS.latencyMs))
    .option('--latency-profile <name>', `flat (--latency-ms for every call) or regional (a scanner in us-east-1: 22 ms at home, 60-230 ms elsewhere, long tail)`, BENCH_DEFAULTS.latencyProfile)
    .option('--no-throttling', 'turn the sandbox\'s AWS throttling buckets off')
    .option('--concurrency <n>', 'the scanner\'s --concurrency', String(BENCH_DEFAULTS.concurrency))
    .option('--seed <n>', 'generator seed', String(BENCH_DEFAULTS.seed))
    .option('--no-reports', 'skip evaluate + HTML + XLSX')
    .option('--no-small-org', 'skip `amigov scan` end to end on a 10-account x 3-region organization')
    .option('--no-startup', 'skip the start-up figures of --help, --version, config check and policy generate')
    .option('--out <dir>', 'where the tables go', BENCH_DEFAULTS.outDir)
    .option('--config <path>', 'publisher config used by the scan and the evaluation', BENCH_DEFAULTS.configPath)
    .option('--as-of <date>', 'allowlist date', BENCH_DEFAULTS.asOf)
    .option('--rules <ids>', 'a targeted scan: only the collectors these rules read (e.g. public-ami); the model counts the same')
    .option('--synthetic', 'no scan: each size\'s inventory is the one a complete scan of the generated organization yields; times evaluate + every report on it (the report memory figure)')
    .option('--keep-runs', 'keep each size\'s inventory.json and reports under <out>/runs/<size>/')
    .option('--history', `instead: time reading the history of ${HISTORY_BENCH_DEFAULTS.runs} weekly runs of a ${HISTORY_BENCH_DEFAULTS.accounts}-account organization (--sizes sets the accounts)`)
    .addHelpText('after', '\nExamples:\n  npm run bench -- --quick\n  amigov bench --sizes 200 --concurrency 64\n  amigov bench --sizes 1000 --rules public-ami --no-reports   # a public-AMI sweep\n  amigov bench --sizes 1000 --synthetic --no-startup --no-small-org   # report memory at 1,000 accounts\n\nDocs: docs/benchmark.md')
    .action(async (cli: BenchCliOptions) => {
      if (cli.history) {
        const accounts = cli.sizes === undefined ? HISTORY_BENCH_DEFAULTS.accounts : whole('--sizes', cli.sizes, 0, 1, 20_000);
        cliIo.stdout.write(`${formatHistoryBench(runHistoryBench({ accounts }, (line) => cliIo.stderr.write(`amigov bench: ${line}\n`)))}\n`);
        return;
      }
      const options = toBenchOptions(cli);
      const out = await runBench(options, { log: (line) => cliIo.stderr.write(`amigov bench: ${line}\n`) });
      cliIo.stdout.write(`${out.markdown}\n`);
      cliIo.stdout.write(`Written: ${out.files.slice(0, 2).join(', ')} (and latest.md / latest.json)\n`);
      const incomplete = out.report.sizes.filter((s) => !s.coverage.complete);
      if (incomplete.length) {
        cliIo.stderr.write(`amigov bench: coverage incomplete at ${incomplete.map((s) => s.size).join(', ')} accounts\n`);
        process.exitCode = EXIT.PARTIAL;
      } else process.exitCode = EXIT.OK;
    });
}
