/**
 * `amigov scan`: parse flags -> scanOrganization -> write inventory.json atomically -> print the summary
 * -> exit code. runScan() is the reusable core (the evaluation and report steps extend it).
 */
import { Command, Option } from 'commander';
import { cliIo } from '../io.js';
import { existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Inventory } from '../../model/inventory.js';
import type { FindingsDocument, RunOutcome, Severity } from '../../model/findings.js';
import { assessCoverage, meetsMinCoverage, type CoverageSummary } from '../../model/coverage.js';
import { EXIT, UserError, type ExitCode } from '../errors.js';
import { EXIT_PRECEDENCE, exitCodeFor, precedenceLine } from '../exit-codes.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { parseAsOf, todayUtc } from '../../util/dates.js';
import { plural } from '../../util/format.js';
import { RUN_FILES } from '../../model/run-files.js';
import { loadConfig } from '../../config/load.js';
import { CONFIG_FLAG_HELP, configPathFrom } from '../../config/discover.js';
import { resolveAllowlist, type ResolvedAllowlist } from '../../config/allowlist.js';
import type { PublisherConfig } from '../../config/schema.js';
import { scanOrganization, ScanStoppedError, type ScanProgress } from '../../scan/scanner.js';
import { newRunId } from '../../scan/run-id.js';
import { SCAN_DEFAULTS, splitList, validateScanOptions, type ScanOptions } from '../../scan/options.js';
import type { EvaluateOptions } from '../../evaluate/evaluate.js';
import { finishRun } from '../../pipeline/finish-run.js';
import { parseFormats, REPORT_FORMATS, type ReportFormat } from '../../report/index.js';
import { resolveCompareTarget, type CompareTarget } from '../../report/compare.js';
import { formatSummary as formatFindingsSummary } from './evaluate.js';
import { terminalSafe } from '../../util/sanitize.js';
import { addEvaluationOptions, findingsAtOrAbove, findingsExitCode, toEvaluateOptions, warnRuleErrors, type EvaluationFlags } from '../evaluation-flags.js';

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
  /** Accept a partial scan when at least this share (percent) of the attempted account x regions was scanned. */
  minCoverage?: string;
  /** Accept a scan that judged nothing, or an account with no scanned region. */
  allowEmpty?: boolean;
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
  /** 0 complete (or a gap accepted), 3 partial or empty, 130 interrupted. */
  exitCode: ExitCode;
  /** The publisher config the scan resolved its allowlist from. */
  config: PublisherConfig;
  /** What the coverage gate decided. */
  coverage: CoverageVerdict;
}

/** When a coverage gap still exits 0: never (default), always (--allow-partial), or above a share (--min-coverage). */
export interface CoveragePolicy {
  partial: 'fail' | 'allow' | { minPercent: number };
  /** --allow-empty: a scan that judged nothing, or an account without a scanned region, is accepted. */
  allowEmpty: boolean;
}

/** Everything a scan needs, checked before its first AWS call (see checkScanInvocation). */
export interface ScanPlan {
  runId: string;
  options: ScanOptions;
  config: PublisherConfig;
  allowlist: ResolvedAllowlist;
  runDir: string;
  inventoryPath: string;
  formats: ReportFormat[];
  evaluate: EvaluateOptions;
  coverage: CoveragePolicy;
  failOn?: Severity;
  /** --compare resolved (the previous run, its findings.json read and checked) or the baseline. */
  compare?: CompareTarget;
}

function intFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a whole number`);
  return Number(value);
}

/** Commander flags -> ScanOptions (validated; exit 2 on bad input). */
export function toScanOptions(cli: ScanCliOptions, runId: string): ScanOptions {
  if (cli.asOf !== undefined) parseAsOf(cli.asOf);
  let timeoutMs: number = SCAN_DEFAULTS.requestTimeoutMs;
  if (cli.timeout !== undefined) {
    const s = Number(cli.timeout);
    if (!/^\d+(\.\d+)?$/.test(cli.timeout.trim()) || !Number.isFinite(s)) throw new UserError(`--timeout: ${JSON.stringify(cli.timeout)} is not a number of seconds`);
    timeoutMs = Math.round(s * 1000);
  }
  const accounts = splitList(cli.accounts);
  const excludeAccounts = splitList(cli.excludeAccounts);
  const ous = splitList(cli.ou);
  const regions = splitList(cli.regions);
  const opts: ScanOptions = {
    runId,
    configPath: configPathFrom(cli.config),
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
  coveragePolicyFrom(cli); // contradicting coverage flags are refused here too
  validateScanOptions(opts);
  return opts;
}

/** --allow-partial, --fail-on-partial, --min-coverage (one of them at most) and --allow-empty. */
export function coveragePolicyFrom(cli: Pick<ScanCliOptions, 'allowPartial' | 'failOnPartial' | 'minCoverage' | 'allowEmpty'>): CoveragePolicy {
  const given = [cli.allowPartial && '--allow-partial', cli.failOnPartial && '--fail-on-partial', cli.minCoverage !== undefined && '--min-coverage'].filter(Boolean);
  if (given.length > 1) {
    throw new UserError(
      `${given.join(' and ')} contradict each other; pass one`, { hint: '--fail-on-partial (the default) fails on any gap, --allow-partial accepts any gap, --min-coverage PCT accepts a gap while PCT% of the account x regions were scanned.' },
    );
  }
  let partial: CoveragePolicy['partial'] = cli.allowPartial ? 'allow' : 'fail';
  if (cli.minCoverage !== undefined) {
    const v = cli.minCoverage.trim();
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !(n >= 0 && n <= 100)) {
      throw new UserError(`--min-coverage: ${JSON.stringify(cli.minCoverage)} is not a percentage from 0 to 100`, { hint: 'Example: --min-coverage 95 (coverage = ok / (ok + access-denied + error); skipped regions are left out)' });
    }
    partial = { minPercent: n };
  }
  return { partial, allowEmpty: cli.allowEmpty === true };
}

/**
 * The output folder must be a folder (or not exist yet) under a folder this process can write to. Checked
 * by creating and removing an empty temporary folder in the nearest existing one: nothing is left behind,
 * and the answer is the file system's own (read-only mounts, permissions, root or not).
 */
export function checkOutputFolder(dir: string, flag = '--out'): void {
  const target = resolve(dir);
  let existing = target;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) {
        throw new UserError(`${flag} ${dir}: ${existing} is a file, not a folder`, { hint: `Pass a folder for ${flag} (it is created if missing).` });
      }
      break;
    } catch (err) {
      if (err instanceof UserError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(existing);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== existing) {
        existing = parent;
        continue;
      }
      throw new UserError(`${flag} ${dir}: ${existing} cannot be used (${code ?? (err as Error).message})`);
    }
  }
  // A run folder's files are written once, by the run that made them: a scan never overwrites another run.
  if (existing === target) {
    const held = Object.values(RUN_FILES).filter((f) => existsSync(join(target, f)));
    if (held.length) {
      throw new UserError(
        `${flag} ${dir} already holds ${held.join(', ')} of an earlier run; a scan writes a run folder of its own and never overwrites another run's files`,
        { kind: 'usage', hint: `Pass a new or empty folder for ${flag}, or leave it out: the scan then writes reports/<run-id>/.` },
      );
    }
  }
  try {
    rmdirSync(mkdtempSync(join(existing, '.amigov-write-check-')));
  } catch (err) {
    throw new UserError(
      `${flag} ${dir}: ${existing} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { hint: `Pass ${flag} a folder you can write to.` },
    );
  }
}

/**
 * Every check a scan needs before its first AWS call: scan flags, judging flags (the same checks
 * evaluate() makes), report formats, coverage flags, the config, and that the output folder can be
 * written. Throws UserError (exit 2); calls nothing and writes nothing. `amigov scan` and `amigov demo`
 * run it first. Checks that need AWS's answer (an OU, account or region unknown to it) are made right
 * after discovery, before any account is scanned or anything is written.
 */
export function checkScanInvocation(cli: ScanCliOptions, preloaded?: { config: PublisherConfig }): ScanPlan {
  const runId = cli.runId ?? newRunId();
  const options = toScanOptions(cli, runId);
  const coverage = coveragePolicyFrom(cli);
  const formats = cli.format === undefined ? [...REPORT_FORMATS] : cli.format.trim() === 'none' ? [] : parseFormats(cli.format);
  const evaluate = toEvaluateOptions({ severityOverride: [], ...cli });
  const config = preloaded?.config ?? loadConfig(options.configPath);
  const allowlist = resolveAllowlist(config, options.asOf ?? todayUtc());
  const runDir = cli.out ?? join('reports', runId);
  // --compare first: `--out X --compare X` is better told as "X is this run itself" than as "X holds a run".
  const compare = cli.compare ? resolveCompareTarget(cli.compare, { reportsDir: dirname(resolve(runDir)), currentRunId: runId, currentRunDir: runDir }) : undefined;
  checkOutputFolder(runDir);
  return {
    runId,
    options,
    config,
    allowlist,
    runDir,
    inventoryPath: join(runDir, RUN_FILES.inventory),
    formats,
    evaluate,
    coverage,
    ...(cli.failOn ? { failOn: cli.failOn } : {}),
    ...(compare ? { compare } : {}),
  };
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

/** A coverage gap that sets exit code 3: what it is, in words a CI log can show. */
export interface CoverageProblem {
  kind: 'empty' | 'partial';
  message: string;
}

export interface CoverageVerdict {
  summary: CoverageSummary;
  /** Gaps not accepted by the policy: each one makes the exit code 3. */
  problems: CoverageProblem[];
  /** Gaps the policy accepted, and the coverage measured against --min-coverage. */
  notes: string[];
}

const pct = (s: CoverageSummary) => `${((100 * s.counts.ok) / Math.max(s.attempted, 1)).toFixed(1)}% (${s.counts.ok} of ${plural(s.attempted, 'account x region')})`;

/** Which coverage gaps of a finished inventory are accepted, and which make the scan exit 3. */
export function judgeCoverage(inv: Inventory, policy: CoveragePolicy): CoverageVerdict {
  const summary = assessCoverage(inv.coverage, inv.accounts);
  const problems: CoverageProblem[] = [];
  const notes: string[] = [];
  if (summary.empty) {
    const scope = `${plural(inv.accounts.filter((a) => a.access !== 'none').length, 'account')} selected, ${plural(inv.coverage.length, 'account x region')}`;
    if (policy.allowEmpty) notes.push(`Nothing was scanned (${scope}); accepted by --allow-empty.`);
    else {
      problems.push({
        kind: 'empty',
        message:
          `Nothing was scanned: no account x region was judged (${scope}). An empty scan is not a clean pass: exit code ${EXIT.PARTIAL} ` +
          '(check --accounts, --exclude-accounts, --ou and --regions, or pass --allow-empty to accept it).',
      });
    }
  } else if (summary.accountsWithoutScannedRegion.length) {
    const n = summary.accountsWithoutScannedRegion.length;
    if (policy.allowEmpty) notes.push(`No region scanned in ${plural(n, 'account')}; accepted by --allow-empty.`);
    else problems.push({ kind: 'partial', message: `No region scanned in ${plural(n, 'account')}: exit code ${EXIT.PARTIAL} unless --allow-empty.` });
  }
  if (summary.failed > 0) {
    const gap = `${plural(summary.failed, 'account x region')} could not be scanned`;
    if (policy.partial === 'fail') {
      problems.push({ kind: 'partial', message: `Partial scan: ${gap}: exit code ${EXIT.PARTIAL} (pass --allow-partial, or --min-coverage PCT to accept a known gap).` });
    } else if (policy.partial === 'allow') {
      notes.push(`Partial scan accepted by --allow-partial: ${gap}; coverage ${pct(summary)}.`);
    }
  }
  if (typeof policy.partial === 'object' && !summary.empty) {
    const min = policy.partial.minPercent;
    if (meetsMinCoverage(summary, min)) notes.push(`Coverage ${pct(summary)} meets --min-coverage ${min}%.`);
    else problems.push({ kind: 'partial', message: `Coverage ${pct(summary)} is below --min-coverage ${min}%: exit code ${EXIT.PARTIAL}.` });
  }
  return { summary, problems, notes };
}

/** Exit code of the scan alone (before findings are judged): interrupted 130, a gap not accepted 3, else 0. */
export function scanExitCode(inv: Inventory, verdict: CoverageVerdict): ExitCode {
  return exitCodeFor({ interrupted: inv.run.interrupted === true, partial: verdict.problems.length > 0 });
}

/**
 * The run's exit code and every condition behind it, strongest first, with the one-line summary the
 * console and findings.json show: a partial scan (3) never hides the findings --fail-on would fail on (1).
 */
export function runOutcome(inv: Inventory, verdict: CoverageVerdict, doc: FindingsDocument, failOn?: Severity): RunOutcome {
  const conditions: RunOutcome['conditions'] = [];
  if (inv.run.interrupted) conditions.push({ kind: 'interrupted', exitCode: EXIT.INTERRUPTED, message: 'the scan was interrupted (Ctrl-C); what was gathered is judged and written' });
  for (const p of verdict.problems) conditions.push({ kind: p.kind, exitCode: EXIT.PARTIAL, message: p.message });
  const hits = failOn ? findingsAtOrAbove(doc, failOn) : 0;
  if (failOn && hits > 0) conditions.push({ kind: 'findings', exitCode: EXIT.FINDINGS, message: `${plural(hits, 'finding')} at or above ${failOn} (--fail-on ${failOn})` });
  const exitCode = exitCodeFor({ interrupted: inv.run.interrupted === true, partial: verdict.problems.length > 0, findings: hits > 0 });
  const label = (c: RunOutcome['conditions'][number]) =>
    c.kind === 'interrupted' ? 'interrupted' : c.kind === 'empty' ? 'nothing was scanned' : c.kind === 'partial' ? 'partial scan' : `${plural(hits, 'finding')} at or above ${failOn}, --fail-on ${failOn}`;
  const also = (c: RunOutcome['conditions'][number]) =>
    c.kind === 'findings' ? `${plural(hits, 'finding')} at or above ${failOn} (--fail-on ${failOn} would exit ${EXIT.FINDINGS})` : `${label(c)} (would exit ${c.exitCode})`;
  // One entry per exit code: the first condition of each code speaks for it.
  const byCode = conditions.filter((c, i) => conditions.findIndex((d) => d.exitCode === c.exitCode) === i);
  const [first, ...rest] = byCode;
  const summary = first
    ? `Exit code ${first.exitCode} (${label(first)})${rest.map((c) => `; also ${also(c)}`).join('')}`
    : `Exit code ${EXIT.OK}${failOn ? ` (nothing at or above --fail-on ${failOn})` : ''}`;
  return { exitCode, summary, conditions };
}

/** Reasons quote endpoints' messages: keep them on one line of bounded length, without control or bidi characters. */
function oneLine(s: string, max = 400): string {
  const flat = terminalSafe(s.trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatSummary(inv: Inventory, inventoryPath: string, exitCode: ExitCode, verdict: CoverageVerdict = judgeCoverage(inv, { partial: 'fail', allowEmpty: false })): string {
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
  const without = verdict.summary.accountsWithoutScannedRegion;
  if (without.length && !verdict.summary.empty) {
    // Accounts that were reached but had nothing to scan: a reader must see them, they are not "clean".
    lines.push(`No region scanned in ${plural(without.length, 'account')}:`);
    const names = new Map(inv.accounts.map((a) => [a.accountId, a.name]));
    for (const id of without.slice(0, 20)) {
      const skipped = inv.coverage.filter((c) => c.accountId === id && c.status === 'skipped').map((c) => c.region);
      const why = skipped.length === 0 ? 'no region listed by ec2:DescribeRegions' : `${skipped.length > 3 ? plural(skipped.length, 'region') : skipped.join(',')} skipped (not enabled in this account)`;
      lines.push(`  ${id}${names.get(id) && names.get(id) !== id ? ` (${oneLine(names.get(id)!, 64)})` : ''}: ${why}`);
    }
    if (without.length > 20) lines.push(`  ... and ${without.length - 20} more (see coverage in the inventory)`);
  }
  lines.push(`Inventory: ${inventoryPath}`);
  for (const p of verdict.problems) lines.push(p.message);
  for (const n of verdict.notes) lines.push(n);
  if (exitCode === EXIT.INTERRUPTED) lines.push(`Interrupted: the inventory holds what was gathered; exit code ${EXIT.INTERRUPTED}.`);
  return lines.join('\n') + '\n';
}

/**
 * The scan command's core: gathers, writes reports/<run-id>/inventory.json (or --out DIR), prints the summary.
 * `plan` is checkScanInvocation(cli), run by the caller before anything else, or here.
 */
export async function runScan(cli: ScanCliOptions, io: ScanIo = { stdout: cliIo.stdout, stderr: cliIo.stderr }, plan: ScanPlan = checkScanInvocation(cli)): Promise<ScanRun> {
  const { options, allowlist, runDir, inventoryPath, config } = plan;
  const progress = progressReporter(io.stderr, cli.quiet === true);
  let inventory: Inventory;
  try {
    inventory = await scanOrganization(
      { ...options, allowlist, ...(io.signal ? { signal: io.signal } : {}) },
      { onProgress: (p) => progress.update(p), onWarning: (m) => progress.warn(m) },
    );
  } catch (err) {
    if (!(err instanceof ScanStoppedError)) throw err;
    // The scan stopped (credentials expired): keep what was gathered, then fail with the scanner's advice.
    writeJsonAtomic(inventoryPath, err.inventory);
    throw new UserError(err.message, { kind: err.kind, hint: `${err.hint ? `${err.hint} ` : ''}What was gathered before it stopped: ${shown(inventoryPath)}` });
  } finally {
    progress.stop();
  }
  writeJsonAtomic(inventoryPath, inventory);
  const coverage = judgeCoverage(inventory, plan.coverage);
  const exitCode = scanExitCode(inventory, coverage);
  io.stdout.write(formatSummary(inventory, shown(inventoryPath), exitCode, coverage));
  return { inventory, runDir, inventoryPath, exitCode, config, coverage };
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
 * the exit code follows src/cli/exit-codes.ts: interrupted 130 > partial 3 > findings at --fail-on 1 > 0,
 * and findings.json and the console name every condition that holds, not only the winning one.
 */
export async function runScanAndReport(cli: ScanCliOptions, io: ScanIo = { stdout: cliIo.stdout, stderr: cliIo.stderr }): Promise<ScanRun & { written: string[] }> {
  // Every flag, the config, the output folder and the --compare target are checked before any AWS call:
  // a typo costs nothing, and the first run of the weekly job (no earlier run) is the baseline.
  const plan = checkScanInvocation(cli);
  const compare = plan.compare;
  const run = await runScan(cli, io, plan);
  const { doc, written } = await finishRun({
    inventory: run.inventory,
    inventoryPath: run.inventoryPath,
    config: run.config,
    asOf: run.inventory.run.asOf,
    runDir: run.runDir,
    formats: plan.formats,
    ...(compare ? { compare } : {}),
    evaluate: plan.evaluate,
    outcome: (judged) => runOutcome(run.inventory, run.coverage, judged, plan.failOn),
  });
  io.stdout.write('\n' + formatFindingsSummary(doc) + '\n');
  if (compare) io.stdout.write(formatComparison(doc, compare));
  warnRuleErrors(doc, io.stderr);
  io.stdout.write('\nWrote:\n' + written.map((p) => `  ${shown(p)}\n`).join(''));
  findingsExitCode(doc, cli.failOn, io.stderr);
  const outcome = doc.outcome ?? runOutcome(run.inventory, run.coverage, doc, plan.failOn);
  io.stdout.write(`\n${outcome.summary}\n`);
  return { ...run, exitCode: outcome.exitCode as ExitCode, written };
}

/** Runs fn with SIGINT wired to an AbortSignal: the first Ctrl-C stops scheduling and finishes the inventory; a second one exits at once. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    cliIo.stderr.write('\namigov: interrupted: finishing the inventory with what was gathered (Ctrl-C again to quit now)\n');
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
    .option('--max-attempts <n>', 'attempts per API call, retries included (adaptive retry mode)', String(SCAN_DEFAULTS.maxAttempts))
    .option('--timeout <seconds>', 'timeout of each API call attempt', String(SCAN_DEFAULTS.requestTimeoutMs / 1000))
    .option('--out <dir>', 'write into this directory instead of reports/<run-id>/')
    .addOption(new Option('--allow-partial', 'exit 0 even when some account x regions could not be scanned'))
    .addOption(new Option('--fail-on-partial', `exit ${EXIT.PARTIAL} when some account x regions could not be scanned (default)`))
    .option('--min-coverage <pct>', `exit ${EXIT.PARTIAL} only when less than PCT% of the account x regions tried were scanned: ok / (ok + access-denied + error), skipped regions left out`)
    .option('--allow-empty', `exit 0 even when nothing was scanned, or an account had no region to scan (default: exit ${EXIT.PARTIAL})`)
    .option('-q, --quiet', 'no progress output')
    .option('--format <formats>', `reports to write after the scan: ${REPORT_FORMATS.join(',')}, all, or none (findings.json and remediation.sh are always written)`, 'all')
    .option('--compare <dir|latest>', 'weekly comparison with an earlier run: new, persisting, resolved, and not re-checked apart ("latest" = newest earlier scan run beside this one; none: this run is the baseline)');
  addEvaluationOptions(cmd)
    .addHelpText(
      'after',
      `
Writes into reports/<run-id>/ (or --out): inventory.json, findings.json, remediation.sh (dry run unless --apply),
report.html, report.xlsx, findings.csv, findings.jsonl. An --out folder that already holds a run is refused.

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
      const run = await withInterrupt((signal) => runScanAndReport(cli, { stdout: cliIo.stdout, stderr: cliIo.stderr, signal }));
      process.exitCode = run.exitCode;
    });
}
