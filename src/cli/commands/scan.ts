/**
 * `amigov scan`: parse flags -> scanOrganization -> write inventory.json atomically -> print the summary
 * -> exit code. runScan() is the reusable core (the evaluation and report steps extend it).
 */
import { Command, Option } from 'commander';
import { dirname, join, relative, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Inventory } from '../../model/inventory.js';
import { EXIT, UserError, type ExitCode } from '../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { isIsoDate, todayUtc } from '../../util/dates.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load.js';
import { resolveAllowlist } from '../../config/allowlist.js';
import type { PublisherConfig } from '../../config/schema.js';
import { scanOrganization, type ScanProgress } from '../../scan/scanner.js';
import { newRunId } from '../../scan/run-id.js';
import { SCAN_DEFAULTS, splitList, validateScanOptions, type ScanOptions } from '../../scan/options.js';
import { finishRun } from '../../pipeline/finish-run.js';
import { parseFormats, REPORT_FORMATS } from '../../report/index.js';
import { resolveCompareTarget, type CompareTarget } from '../../report/compare.js';
import type { FindingsDocument } from '../../model/findings.js';
import { formatSummary as formatFindingsSummary } from './evaluate.js';
import { terminalSafe } from '../../util/sanitize.js';
import { addEvaluationOptions, findingsExitCode, toEvaluateOptions, warnRuleErrors, type EvaluationFlags } from '../evaluation-flags.js';

/** Flags as commander hands them over. */
export interface ScanCliOptions extends Partial<EvaluationFlags> {
  /** Reports to write after the inventory: html,xlsx,csv,json, "all" or "none". */
  format?: string;
  compare?: string;
  deep?: boolean;
  /** Not a flag: callers that must know the run folder before the scan (the demo) choose the run id. */
  runId?: string;
  config?: string;
  asOf?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  organizations?: boolean;
  accounts?: string;
  excludeAccounts?: string;
  ou?: string[];
  roleName?: string;
  rolePath?: string;
  externalId?: string;
  sessionDuration?: string;
  assumeRoleInCallerAccount?: boolean;
  regions?: string;
  concurrency?: string;
  maxAttempts?: string;
  timeout?: string;
  out?: string;
  allowPartial?: boolean;
  failOnPartial?: boolean;
  quiet?: boolean;
}

export interface ScanIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Abort to interrupt (the command wires SIGINT to it). */
  signal?: AbortSignal;
}

export interface ScanRun {
  inventory: Inventory;
  runDir: string;
  inventoryPath: string;
  /** 0 complete, 3 partial (unless --allow-partial), 130 interrupted. */
  exitCode: ExitCode;
  /** The publisher config the scan resolved its allowlist from. */
  config: PublisherConfig;
}

function intFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a whole number`, EXIT.USAGE);
  return Number(value);
}

/** Commander flags -> ScanOptions (validated; exit 2 on bad input). */
export function toScanOptions(cli: ScanCliOptions, runId: string): ScanOptions {
  if (cli.asOf !== undefined && !isIsoDate(cli.asOf)) {
    throw new UserError(`--as-of: ${JSON.stringify(cli.asOf)} is not a date written YYYY-MM-DD`, EXIT.USAGE, 'Example: --as-of 2026-03-01');
  }
  let timeoutMs: number = SCAN_DEFAULTS.requestTimeoutMs;
  if (cli.timeout !== undefined) {
    const s = Number(cli.timeout);
    if (!/^\d+(\.\d+)?$/.test(cli.timeout.trim()) || !Number.isFinite(s)) throw new UserError(`--timeout: ${JSON.stringify(cli.timeout)} is not a number of seconds`, EXIT.USAGE);
    timeoutMs = Math.round(s * 1000);
  }
  const accounts = splitList(cli.accounts);
  const excludeAccounts = splitList(cli.excludeAccounts);
  const ous = splitList(cli.ou);
  const regions = splitList(cli.regions);
  const opts: ScanOptions = {
    runId,
    configPath: cli.config ?? DEFAULT_CONFIG_PATH,
    asOf: cli.asOf ?? todayUtc(),
    ...(cli.profile ? { profile: cli.profile } : {}),
    ...(cli.region ? { region: cli.region } : {}),
    ...(cli.endpointUrl ? { endpointUrl: cli.endpointUrl } : {}),
    organizations: cli.organizations !== false,
    ...(accounts ? { accounts } : {}),
    ...(excludeAccounts ? { excludeAccounts } : {}),
    ...(ous ? { ous } : {}),
    roleName: cli.roleName ?? SCAN_DEFAULTS.roleName,
    rolePath: cli.rolePath ?? SCAN_DEFAULTS.rolePath,
    ...(cli.externalId !== undefined ? { externalId: cli.externalId } : {}),
    sessionDurationSeconds: intFlag('--session-duration', cli.sessionDuration, SCAN_DEFAULTS.sessionDurationSeconds),
    assumeRoleInCallerAccount: cli.assumeRoleInCallerAccount === true,
    ...(regions ? { regions } : {}),
    ...(cli.deep ? { deep: true } : {}),
    concurrency: intFlag('--concurrency', cli.concurrency, SCAN_DEFAULTS.concurrency),
    maxAttempts: intFlag('--max-attempts', cli.maxAttempts, SCAN_DEFAULTS.maxAttempts),
    requestTimeoutMs: timeoutMs,
  };
  if (cli.allowPartial && cli.failOnPartial) throw new UserError('--allow-partial and --fail-on-partial contradict each other; pass one', EXIT.USAGE);
  validateScanOptions(opts);
  return opts;
}

/** Progress on stderr: a live bar on a terminal, a line every few seconds otherwise, nothing with --quiet. */
export function progressReporter(stderr: ScanIo['stderr'], quiet: boolean, intervalMs = 5000) {
  if (quiet) return { update: (_p: ScanProgress) => {}, warn: (_m: string) => {}, stop: () => {} };
  let last: ScanProgress | undefined;
  const line = (p: ScanProgress) =>
    `amigov scan: ${p.phase}: ${p.unitsDone}/${p.unitsTotal} account-regions, ${p.accountsDone}/${p.accountsTotal} accounts, ` +
    `${p.apiCalls} API calls, ${p.retries} retries, ${p.throttled} throttled, ${p.status.error + p.status['access-denied']} not scanned\n`;
  if (stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stderr as NodeJS.WritableStream as never,
        format: ' {bar} {value}/{total} account-regions | accounts {accounts} | API calls {calls} | retries {retries} | errors {errors} | {phase}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p: ScanProgress) {
        const payload = {
          accounts: `${p.accountsDone}/${p.accountsTotal}`,
          calls: p.apiCalls,
          retries: p.retries,
          errors: p.status.error + p.status['access-denied'],
          phase: p.phase,
        };
        if (!started) {
          bar.start(Math.max(p.unitsTotal, 1), p.unitsDone, payload);
          started = true;
        } else {
          if (bar.getTotal() !== Math.max(p.unitsTotal, 1)) bar.setTotal(Math.max(p.unitsTotal, 1));
          bar.update(p.unitsDone, payload);
        }
      },
      warn(m: string) {
        // Printed above the bar so it stays readable.
        stderr.write(`\namigov: warning: ${terminalSafe(m)}\n`);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const timer = setInterval(() => last && stderr.write(line(last)), intervalMs);
  timer.unref();
  return {
    update(p: ScanProgress) {
      const first = !last;
      last = p;
      if (first) stderr.write(line(p));
    },
    warn(m: string) {
      stderr.write(`amigov: warning: ${terminalSafe(m)}\n`);
    },
    stop() {
      clearInterval(timer);
      if (last) stderr.write(line(last));
    },
  };
}

/** Counts and the exit code of a finished inventory. */
export function scanOutcome(inv: Inventory, allowPartial: boolean): { partial: boolean; exitCode: ExitCode } {
  const partial = inv.coverage.some((c) => c.status === 'access-denied' || c.status === 'error');
  if (inv.run.interrupted) return { partial, exitCode: EXIT.INTERRUPTED };
  return { partial, exitCode: partial && !allowPartial ? EXIT.PARTIAL : EXIT.OK };
}

/** Reasons quote endpoints' messages: keep them on one line of bounded length, without control or bidi characters. */
function oneLine(s: string, max = 400): string {
  const flat = terminalSafe(s.trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatSummary(inv: Inventory, inventoryPath: string, exitCode: ExitCode): string {
  const count = (s: string) => inv.coverage.filter((c) => c.status === s).length;
  const degraded = inv.coverage.filter((c) => c.degraded && Object.keys(c.degraded).length);
  const unresolved = inv.images.filter((i) => !i.found).length;
  const lines = [
    `Scan ${inv.run.runId}${inv.run.interrupted ? ' (INTERRUPTED)' : ''}: ${inv.stats.accountsTotal} accounts, ${inv.coverage.length} account x regions`,
    `  ok ${count('ok')}  skipped ${count('skipped')}  access-denied ${count('access-denied')}  error ${count('error')}`,
    `  ${inv.instances.length} instances, ${inv.images.length} images (${unresolved} unresolved), ${inv.launchTemplates.length} launch templates`,
    `  ${inv.stats.apiCallsTotal} API calls, ${inv.stats.retries} retries, ${inv.stats.throttled} throttled, ${(inv.stats.durationMs / 1000).toFixed(1)} s`,
  ];
  if (degraded.length) {
    const byCollector = new Map<string, number>();
    for (const c of degraded) for (const k of Object.keys(c.degraded!)) byCollector.set(k, (byCollector.get(k) ?? 0) + 1);
    lines.push(`  degraded (optional data unknown): ${[...byCollector].map(([k, n]) => `${k} in ${n}`).join(', ')}`);
  }
  const failed = inv.coverage.filter((c) => c.status === 'access-denied' || c.status === 'error');
  if (failed.length) {
    // One line per account and reason: a missing role fails every region the same way.
    const groups = new Map<string, { accountId: string; status: string; reason: string; regions: string[] }>();
    for (const c of failed) {
      const reason = c.reason ?? c.errorCode ?? '';
      const k = `${c.accountId}\0${c.status}\0${reason}`;
      const g = groups.get(k) ?? { accountId: c.accountId, status: c.status, reason, regions: [] };
      g.regions.push(c.region);
      groups.set(k, g);
    }
    lines.push('Not scanned:');
    const list = [...groups.values()];
    for (const g of list.slice(0, 20)) {
      const where = g.regions.length > 3 ? `${g.regions.length} regions` : g.regions.join(',');
      lines.push(`  ${g.accountId} ${where}: ${g.status}: ${oneLine(g.reason)}`);
    }
    if (list.length > 20) lines.push(`  ... and ${list.length - 20} more (see coverage in the inventory)`);
  }
  lines.push(`Inventory: ${inventoryPath}`);
  if (exitCode === EXIT.PARTIAL) lines.push(`Partial scan: exit code ${EXIT.PARTIAL} (pass --allow-partial to exit 0 when some account x regions could not be scanned).`);
  if (exitCode === EXIT.INTERRUPTED) lines.push(`Interrupted: the inventory holds what was gathered; exit code ${EXIT.INTERRUPTED}.`);
  return lines.join('\n') + '\n';
}

/** The scan command's core: gathers, writes reports/<run-id>/inventory.json (or --out DIR), prints the summary. */
export async function runScan(cli: ScanCliOptions, io: ScanIo = { stdout: process.stdout, stderr: process.stderr }): Promise<ScanRun> {
  const runId = cli.runId ?? newRunId();
  const options = toScanOptions(cli, runId);
  // Config errors are usage errors (exit 2), reported before any AWS call.
  const config = loadConfig(options.configPath);
  const allowlist = resolveAllowlist(config, options.asOf);
  const runDir = cli.out ?? join('reports', runId);
  const inventoryPath = join(runDir, 'inventory.json');

  const progress = progressReporter(io.stderr, cli.quiet === true);
  let inventory: Inventory;
  try {
    inventory = await scanOrganization(
      { ...options, allowlist, ...(io.signal ? { signal: io.signal } : {}) },
      { onProgress: (p) => progress.update(p), onWarning: (m) => progress.warn(m) },
    );
  } finally {
    progress.stop();
  }
  writeJsonAtomic(inventoryPath, inventory);
  const { exitCode } = scanOutcome(inventory, cli.allowPartial === true);
  const shown = relative(process.cwd(), inventoryPath) || inventoryPath;
  io.stdout.write(formatSummary(inventory, shown.startsWith('..') ? inventoryPath : shown, exitCode));
  return { inventory, runDir, inventoryPath, exitCode, config };
}

/** The comparison in a line or two: counts, and why findings were not re-checked; or that this run is the baseline. */
export function formatComparison(doc: FindingsDocument, target: CompareTarget): string {
  if (target.kind === 'baseline' || !doc.comparison) return `Comparison: ${target.kind === 'baseline' ? target.message : 'none'}\n`;
  const { counts: c, previousRunId, notRecheckedByReason } = doc.comparison;
  let text = `Since run ${previousRunId}: ${c.new} new, ${c.persisting} persisting, ${c.resolved} resolved, ${c.notRechecked} not re-checked\n`;
  if (c.notRechecked > 0) {
    const why = Object.entries(notRecheckedByReason)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || a[0].localeCompare(b[0]))
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    text += `  not re-checked (${why}): findings of that run this run did not judge again with complete data; neither resolved nor current (see "Not re-checked" in the report)\n`;
  }
  return text;
}

/** Output paths shown relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * The whole job: scan, then judge the inventory and write findings.json, remediation.sh and the reports
 * into the run folder. A partial or interrupted scan is still judged and reported (its gaps are shown);
 * exit code: interrupted 130 > partial 3 > findings at --fail-on 1 > 0.
 */
export async function runScanAndReport(cli: ScanCliOptions, io: ScanIo = { stdout: process.stdout, stderr: process.stderr }): Promise<ScanRun & { written: string[] }> {
  // Flags are checked before any AWS call, so a typo costs nothing.
  const formats = cli.format === undefined ? [...REPORT_FORMATS] : cli.format.trim() === 'none' ? [] : parseFormats(cli.format);
  const evaluate = toEvaluateOptions({ severityOverride: [], ...cli });
  // The previous run is found and its findings.json checked before any AWS call: a bad --compare costs
  // nothing, and the first run of the weekly job (no earlier run) is the baseline instead of an error.
  const runId = cli.runId ?? newRunId();
  const runDir = cli.out ?? join('reports', runId);
  const compare = cli.compare ? resolveCompareTarget(cli.compare, { reportsDir: dirname(resolve(runDir)), currentRunId: runId, currentRunDir: runDir }) : undefined;
  const run = await runScan({ ...cli, runId }, io);
  const { doc, written } = await finishRun({
    inventory: run.inventory,
    inventoryPath: run.inventoryPath,
    config: run.config,
    asOf: run.inventory.run.asOf,
    runDir: run.runDir,
    formats,
    ...(compare ? { compare } : {}),
    evaluate,
  });
  io.stdout.write('\n' + formatFindingsSummary(doc) + '\n');
  if (compare) io.stdout.write(formatComparison(doc, compare));
  warnRuleErrors(doc, io.stderr);
  io.stdout.write('\nWrote:\n' + written.map((p) => `  ${shown(p)}\n`).join(''));
  const findingsCode = findingsExitCode(doc, cli.failOn, io.stderr);
  const exitCode = run.exitCode !== EXIT.OK ? run.exitCode : (findingsCode as ExitCode);
  return { ...run, exitCode, written };
}

/** Runs fn with SIGINT wired to an AbortSignal: the first Ctrl-C stops scheduling and finishes the inventory; a second one exits at once. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    process.stderr.write('\namigov: interrupted: finishing the inventory with what was gathered (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('scan')
    .summary('scan the organization (read-only), judge it and write every report')
    .description(
      'Scan every account x region of the organization (read-only) into reports/<run-id>/inventory.json: ' +
        'instances with their AMIs, owned and referenced images, launch templates, image block public access and Allowed AMIs settings.',
    )
    .option('--config <path>', 'publisher config (the allowlist)', DEFAULT_CONFIG_PATH)
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
    .option('--max-attempts <n>', 'attempts per API call, retries included (adaptive retry mode)', String(SCAN_DEFAULTS.maxAttempts))
    .option('--timeout <seconds>', 'timeout of each API call attempt', String(SCAN_DEFAULTS.requestTimeoutMs / 1000))
    .option('--out <dir>', 'write into this directory instead of reports/<run-id>/')
    .addOption(new Option('--allow-partial', 'exit 0 even when some account x regions could not be scanned'))
    .addOption(new Option('--fail-on-partial', `exit ${EXIT.PARTIAL} when some account x regions could not be scanned (default)`))
    .option('-q, --quiet', 'no progress output')
    .option('--format <formats>', `reports to write after the scan: ${REPORT_FORMATS.join(',')}, all, or none (findings.json and remediation.sh are always written)`, 'all')
    .option('--compare <dir|latest>', 'weekly comparison with an earlier run: new, persisting, resolved, and not re-checked apart ("latest" = newest earlier scan run beside this one; none: this run is the baseline)');
  addEvaluationOptions(cmd)
    .addHelpText(
      'after',
      `
Writes into reports/<run-id>/ (or --out): inventory.json, findings.json, remediation.sh (dry run unless --apply),
report.html, report.xlsx, findings.csv.

Exit codes: 0 complete, 1 findings at or above --fail-on, ${EXIT.PARTIAL} partial (some account x region access-denied or error;
0 with --allow-partial), ${EXIT.USAGE} usage or configuration error, ${EXIT.FATAL} fatal (no credentials, organization unreachable),
${EXIT.INTERRUPTED} interrupted (what was gathered is still written).

Examples:
  amigov scan --role-name OrganizationAccountAccessRole
  amigov scan --ou ou-ab12-34cd5678 --regions us-east-1,eu-west-1 --format html,xlsx
  amigov scan --compare latest --fail-on high          # weekly job
  AWS_ENDPOINT_URL=http://127.0.0.1:4566 amigov scan --no-organizations --accounts 000000000000
The scan role's minimal read-only policy: docs/iam/amigov-scan-role-policy.json. Full reference: docs/scan.md.`,
    )
    .action(async (cli: ScanCliOptions) => {
      const run = await withInterrupt((signal) => runScanAndReport(cli, { stdout: process.stdout, stderr: process.stderr, signal }));
      process.exitCode = run.exitCode;
    });
}
