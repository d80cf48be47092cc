/**
 * `amigov demo`: the one command a newcomer runs. Starts the local sandbox seeded with the demo organization,
 * runs the real scan against it over HTTP (the same code path as a scan of AWS), judges it and writes every
 * report, then prints where they are. Nothing leaves 127.0.0.1; no AWS account is needed.
 */
import type { Command } from 'commander';
import { cliIo } from '../io.js';
import { join, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { CONFIG_FLAG_HELP, DEFAULT_CONFIG_PATH } from '../../config/names.js';
import { parseAsOf } from '../../util/dates.js';
import { PACKAGE_ROOT } from '../../util/paths.js';
import { RUN_FILES } from '../../model/run-files.js';
import { REPORT_FORMATS } from '../../report/formats.js';
import { UserError } from '../errors.js';
import type { ScanCliOptions } from '../../pipeline/scan-plan.js';
import { withInterrupt } from '../interrupt.js';

interface DemoFlags {
  config?: string;
  asOf?: string;
  out?: string;
  format: string;
  latencyMs: string;
  quiet?: boolean;
}

/** Only the sandbox's credentials and endpoint may reach the SDK: nothing from the user's AWS setup. */
function isolateAwsEnvironment(creds: { accessKeyId: string; secretAccessKey: string }): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_') && !key.startsWith('AWS_SDK_JS_')) delete process.env[key];
  }
  process.env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
  // No shared config or credentials files: a profile on this machine must not leak into the demo.
  process.env.AWS_CONFIG_FILE = '/dev/null';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

export function register(program: Command): void {
  program
    .command('demo')
    .summary('scan the bundled demo organization in the local sandbox and write every report')
    .description(
      'Run a full scan of the bundled demo organization in the local sandbox (no AWS account needed) and write every report',
    )
    .option('--config <path>', `base ${CONFIG_FLAG_HELP}, else the one shipped with amigov; the demo adds one exception expiring in 7 days`)
    .option('--as-of <date>', 'judge the allowlist as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--out <dir>', 'write into this directory instead of reports/<run-id>/')
    .option('--format <formats>', `reports to write: ${REPORT_FORMATS.join(',')}, all or none`, 'all')
    .option('--latency-ms <n>', 'latency the sandbox adds to every AWS call, to feel a real scan', '0')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      `
The demo organization (src/sandbox/fixtures/demo-org.ts) has a management account, an ops golden-AMI publisher,
prod and dev workloads, vendor and exception publishers, an account whose scan role is missing, a suspended
account and a disabled opt-in region, plus one of every governance problem amigov checks for. Its scan is
partial on purpose (one account denies the scan role), so the demo exits 0 with --allow-partial semantics.

Example:
  npm run demo            # same as: npx amigov demo`,
    )
    .action(async (flags: DemoFlags) => {
      // The sandbox, the scan pipeline and with it the AWS SDK load only when the demo runs (README, Layout).
      const { startSandbox, demoOrg } = await import('../../sandbox/index.js');
      const { demoConfig } = await import('../../sandbox/fixtures/demo-config.js');
      const { checkScanInvocation } = await import('../../pipeline/scan-plan.js');
      const { runScanAndReport } = await import('../../pipeline/run-scan.js');
      const { parseJsonWithLocation, readConfigText, validateConfig } = await import('../../config/load.js');
      const { discoverConfig } = await import('../../config/discover.js');
      // Both load node:crypto (~7 ms): not for --help (issue #18).
      const { writeJsonAtomic } = await import('../../util/atomic-write.js');
      const { newRunId } = await import('../../scan/run-id.js');
      const asOf = parseAsOf(flags.asOf);
      const latencyMs = Number(flags.latencyMs);
      if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new UserError(`--latency-ms ${JSON.stringify(flags.latencyMs)} is not a whole number of milliseconds`);

      const runId = newRunId();
      const runDir = flags.out ?? join('reports', runId);
      // --config, else $AMIGOV_CONFIG, else ./config/ami_publishers.json; from a folder without one (an
      // installed amigov), the config shipped in the package. A named config that is missing is an error.
      const found = discoverConfig(flags.config);
      const basePath = found.source === 'default' && !existsSync(found.path) ? join(PACKAGE_ROOT, DEFAULT_CONFIG_PATH) : found.path;
      const baseText = readConfigText(basePath);
      const configPath = join(runDir, 'demo-config.json');
      const cfg = demoConfig(parseJsonWithLocation(baseText, basePath) as Record<string, unknown>, asOf);
      const config = validateConfig(cfg, configPath);
      const scanFlags: ScanCliOptions = {
        runId,
        out: runDir,
        config: configPath,
        asOf,
        region: 'us-east-1',
        format: flags.format,
        allowPartial: true,
        ...(flags.quiet ? { quiet: true } : {}),
      };
      // The scan's own up-front checks (formats, output folder, ...) before anything is written or started.
      checkScanInvocation(scanFlags, { config });
      writeJsonAtomic(configPath, cfg);

      const sandbox = await startSandbox({ fixture: demoOrg, latencyMs });
      try {
        isolateAwsEnvironment(sandbox.credentials);
        cliIo.stdout.write(`amigov demo: sandbox organization ${demoOrg.organization.id} on ${sandbox.endpoint} (local, no AWS account used)\n\n`);
        const run = await withInterrupt((signal) =>
          runScanAndReport({ ...scanFlags, endpointUrl: sandbox.endpoint }, { stdout: cliIo.stdout, stderr: cliIo.stderr, signal }),
        );
        const html = run.written.find((p) => p.endsWith(RUN_FILES.html));
        const xlsx = run.written.find((p) => p.endsWith(RUN_FILES.xlsx));
        const rel = (p: string) => relative(process.cwd(), p) || p;
        cliIo.stdout.write('\nOpen the reports:\n');
        if (html) cliIo.stdout.write(`  HTML: ${rel(html)}\n`);
        if (xlsx) cliIo.stdout.write(`  XLSX: ${rel(xlsx)}\n`);
        cliIo.stdout.write(`  Re-judge without scanning: npx amigov evaluate --inventory ${rel(run.inventoryPath)} --config ${rel(configPath)}\n`);
        cliIo.stdout.write(
          '\nTry the clean-up of the public AMIs (start the sandbox in a second terminal: npx amigov sandbox --port 4566, and paste the env it prints):\n' +
            `  npx amigov remediate --run ${rel(run.runDir)} --config ${rel(configPath)} --rules public-ami --endpoint-url http://127.0.0.1:4566 --dry-run\n` +
            '  then the same without --dry-run (type yes), and --undo to put it back\n',
        );
        process.exitCode = run.exitCode;
      } finally {
        await sandbox.close();
      }
    });
}
