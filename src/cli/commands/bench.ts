/**
 * `amigov bench`: scans generated organizations of several sizes against the sandbox (in its own process, with
 * latency and throttling), evaluates and renders the reports, and prints how close the scan came to the minimal
 * number of calls and to the latency bound. Writes reports/bench/latest.{md,json}. See docs/benchmark.md.
 */
import type { Command } from 'commander';
import { cliIo } from '../io.js';
import { EXIT } from '../errors.js';
import { BENCH_DEFAULTS, FULL_PRESET, QUICK_PRESET } from '../../bench/presets.js';
import { HISTORY_BENCH_DEFAULTS } from '../../history/bench-defaults.js';
import type { BenchCliOptions } from '../bench-options.js';

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
    .option('--workers <n>', 'the scanner\'s --workers (1 = one thread; default: the scan\'s own, one per core for large scans)')
    .option('--seed <n>', 'generator seed', String(BENCH_DEFAULTS.seed))
    .option('--no-reports', 'skip evaluate + HTML + XLSX')
    .option('--no-small-org', 'skip `amigov scan` end to end on a 10-account x 3-region organization')
    .option('--no-startup', 'skip the start-up figures of --help, --version, config check and policy generate')
    .option('--out <dir>', 'where the tables go', BENCH_DEFAULTS.outDir)
    .option('--config <path>', 'publisher config used by the scan and the evaluation', BENCH_DEFAULTS.configPath)
    .option('--as-of <date>', 'allowlist date', BENCH_DEFAULTS.asOf)
    .option('--rules <ids>', 'a targeted scan: only the collectors these rules read (e.g. public-ami); the model counts the same')
    .option('--synthetic', 'no scan: each size\'s inventory is the one a complete scan of the generated organization yields; times evaluate + every report on it (the report memory figure)')
    .option('--report-runs <n>', 'with --synthetic: run the report process N times (1-10) on the same inventory; the peak judged is the highest, every run\'s is printed')
    .option('--keep-runs', 'keep each size\'s inventory.json and reports under <out>/runs/<size>/')
    .option('--history', `instead: time reading the history of ${HISTORY_BENCH_DEFAULTS.runs} weekly runs of a ${HISTORY_BENCH_DEFAULTS.accounts}-account organization (--sizes sets the accounts)`)
    .addHelpText('after', '\nExamples:\n  npm run bench -- --quick\n  amigov bench --sizes 200 --concurrency 64\n  amigov bench --sizes 1000 --rules public-ami --no-reports   # a public-AMI sweep\n  amigov bench --sizes 1000 --synthetic --report-runs 3 --no-startup --no-small-org   # report memory at 1,000 accounts\n\nDocs: docs/benchmark.md')
    .action(async (cli: BenchCliOptions) => {
      // The benchmark, the rules and the sandbox load when it runs, not for --help (issue #18).
      const { toBenchOptions, whole } = await import('../bench-options.js');
      if (cli.history) {
        const { formatHistoryBench, runHistoryBench } = await import('../../history/bench.js');
        const accounts = cli.sizes === undefined ? HISTORY_BENCH_DEFAULTS.accounts : whole('--sizes', cli.sizes, 0, 1, 20_000);
        cliIo.stdout.write(`${formatHistoryBench(runHistoryBench({ accounts }, (line) => cliIo.stderr.write(`amigov bench: ${line}\n`)))}\n`);
        return;
      }
      const options = toBenchOptions(cli);
      const { runBench } = await import('../../bench/run.js');
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
