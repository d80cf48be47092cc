/**
 * `amigov scan`: the flags and help of the scan command. The work is src/pipeline/run-scan.ts.
 */
import { Command, Option } from 'commander';
import { cliIo } from '../io.js';
import { EXIT } from '../errors.js';
import { EXIT_PRECEDENCE, precedenceLine } from '../../pipeline/exit-codes.js';
import { CONFIG_FLAG_HELP } from '../../config/names.js';
import { SCAN_DEFAULTS } from '../../scan/options.js';
import { REPORT_FORMATS } from '../../report/formats.js';
import type { ScanCliOptions } from '../../pipeline/scan-plan.js';
import { addEvaluationOptions } from '../evaluation-flags.js';
import { addComplianceOptions } from '../compliance-flags.js';
import { withInterrupt } from '../interrupt.js';

export function register(program: Command): void {
  const cmd = program
    .command('scan')
    .summary('scan the organization (read-only), judge it and write every report')
    .description(
      'Scan every account x region of the organization (read-only) into reports/<run-id>/inventory.json: ' +
        'instances with their AMIs, owned and referenced images, launch templates, image block public access and Allowed AMIs settings.',
    )
    .option('--config <path>', `${CONFIG_FLAG_HELP}: the allowlist`)
    .option('--as-of <date>', 'resolve the allowlist as of this date (YYYY-MM-DD, UTC; default today)')
    .option('--profile <name>', 'AWS shared config profile for the base credentials (default: the SDK default chain)')
    .option('--region <region>', 'region for STS, Organizations and DescribeRegions calls (default: AWS_REGION, the profile region, or us-east-1)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (sandbox, LocalStack, moto); AWS_ENDPOINT_URL[_EC2|_STS|_ORGANIZATIONS] also work')
    .option('--accounts <ids>', 'only these accounts (comma-separated 12-digit ids)')
    .option('--exclude-accounts <ids>', 'skip these accounts (comma-separated)')
    .option('--ou <ids...>', 'only accounts under these OUs or roots, nested OUs included (comma-separated or repeated)')
    .option('--no-organizations', 'do not call AWS Organizations; scan the --accounts list')
    .option('--role-name <name>', 'role to assume in each account', SCAN_DEFAULTS.roleName)
    .option('--role-path <path>', 'IAM path of that role', SCAN_DEFAULTS.rolePath)
    .option('--external-id <id>', 'external id the role\'s trust policy requires')
    .option('--session-duration <seconds>', 'AssumeRole session length, 900-43200 (credentials are refreshed before they expire)', String(SCAN_DEFAULTS.sessionDurationSeconds))
    .option('--assume-role-in-caller-account', 'assume the role in the caller\'s own account too, instead of using the base credentials there')
    .option('--regions <regions>', 'only these regions (comma-separated; default: every region enabled in each account)')
    .option('--deep', 'also read who each owned AMI is shared with (one DescribeImageAttribute call per owned AMI) to find AMIs shared outside the organization')
    .option('--concurrency <n>', 'account x region units scanned at once', String(SCAN_DEFAULTS.concurrency))
    .option('--workers <n>', 'worker threads the units are spread over, by account (1 = one thread; default: one per core up to 4 for scans of 400+ account x regions)')
    .option('--max-attempts <n>', 'attempts per API call, retries included (adaptive retry mode)', String(SCAN_DEFAULTS.maxAttempts))
    .option('--timeout <seconds>', 'timeout of each API call attempt', String(SCAN_DEFAULTS.requestTimeoutMs / 1000))
    .option('--out <dir>', 'write into this directory instead of reports/<run-id>/')
    .addOption(new Option('--allow-partial', 'exit 0 even when some account x regions could not be scanned'))
    .addOption(new Option('--fail-on-partial', `exit ${EXIT.PARTIAL} when some account x regions could not be scanned (default)`))
    .option('--min-coverage <pct>', `exit ${EXIT.PARTIAL} only when less than PCT% of the account x regions tried were scanned: ok / (ok + access-denied + error), skipped regions left out`)
    .option('--allow-empty', `exit 0 even when nothing was scanned, or an account had no region to scan (default: exit ${EXIT.PARTIAL})`)
    .option('-q, --quiet', 'no progress output')
    .option('--format <formats>', `reports to write after the scan: ${REPORT_FORMATS.join(',')}, all, or none (findings.json and remediation.sh are always written)`, 'all')
    .option('--compare <dir|latest>', 'weekly comparison with an earlier run: new, persisting, resolved, and not re-checked apart ("latest" = newest earlier scan run beside this one; none: this run is the baseline)')
    .option('--output <text|json>', 'json: print the machine-readable run summary (summary.md as JSON) on stdout, everything else on stderr', 'text');
  addComplianceOptions(addEvaluationOptions(cmd))
    .addHelpText(
      'after',
      `
Writes into reports/<run-id>/ (or --out): inventory.json, findings.json, remediation.sh (dry run unless --apply),
report.html, report.xlsx, findings.csv, findings.jsonl, findings.ocsf.json (OCSF), findings.asff.json (Security Hub
ASFF batches; the import commands are printed, never run) and summary.md. An --out folder that already holds a run is refused.

Exit codes:
  0    complete: every account x region scanned (or the gap accepted), nothing at or above --fail-on
${EXIT_PRECEDENCE.map((e) => `  ${String(e.code).padEnd(4)} ${e.meaning}`).join('\n')}
${precedenceLine()} The summary and findings.json (outcome) still name
every condition that holds, e.g. "Exit code 3 (partial scan); also 4 findings at or above high (--fail-on high would exit 1)".

Examples:
  amigov scan --role-name OrganizationAccountAccessRole
  amigov scan --ou ou-ab12-34cd5678 --regions us-east-1,eu-west-1 --format html,xlsx
  amigov scan --compare latest --fail-on high          # weekly job
  AWS_ENDPOINT_URL=http://127.0.0.1:4566 amigov scan --no-organizations --accounts 000000000000
The scan role's minimal read-only policy: docs/iam/amigov-scan-role-policy.json. Full reference: docs/scan.md.`,
    )
    .action(async (cli: ScanCliOptions) => {
      // Loaded here, not at the top: the scan pipeline pulls in the AWS SDK and the report writers (README, Layout).
      const { parseOutputFormat, printRunSummaryJson } = await import('../output-json.js');
      const json = parseOutputFormat(cli.output) === 'json';
      const { runScanAndReport } = await import('../../pipeline/run-scan.js');
      const run = await withInterrupt((signal) => runScanAndReport(cli, { stdout: json ? cliIo.stderr : cliIo.stdout, stderr: cliIo.stderr, signal }));
      if (json) printRunSummaryJson(run.runDir, cliIo.stdout);
      // AMIGOV_TIMINGS=1 (the benchmark): one line of phase timings on stderr; nothing otherwise.
      (await import('../../util/timings.js')).emitTimings(cliIo.stderr);
      process.exitCode = run.exitCode;
    });
}
