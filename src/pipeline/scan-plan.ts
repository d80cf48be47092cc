/**
 * A scan request, checked: the scan's flags (as the CLI hands them over) -> everything a scan needs, before
 * its first AWS call. Calls nothing and writes nothing; a typo exits 2 and costs nothing.
 */
import { existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Severity } from '../model/findings.js';
import { UserError } from '../errors.js';
import { parseAsOf, todayUtc } from '../util/dates.js';
import { RUN_FILES } from '../model/run-files.js';
import { loadConfig } from '../config/load.js';
import { configPathFrom } from '../config/discover.js';
import { resolveAllowlist, type ResolvedAllowlist } from '../config/allowlist.js';
import type { PublisherConfig } from '../config/schema.js';
import { newRunId } from '../scan/run-id.js';
import { SCAN_DEFAULTS, splitList, validateScanOptions, type ScanOptions } from '../scan/options.js';
import { checkEvaluateOptions, type EvaluateOptions } from '../evaluate/evaluate.js';
import type { RuleDefinition } from '../rules/types.js';
import { parseFormats, REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { resolveCompareTarget, type CompareTarget } from '../report/compare.js';
import { toEvaluateOptions, type EvaluationFlags } from './evaluation-request.js';
import type { ComplianceFlags } from './compliance.js';

/** Flags as commander hands them over. */
export interface ScanCliOptions extends Partial<EvaluationFlags>, ComplianceFlags {
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
  workers?: string;
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
  /** --output: `text` (default) or `json` (the machine-readable summary on stdout; the text goes to stderr). */
  output?: string;
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

/** The collectors a set of rules reads: the union of their meta.reads, in first-seen order. */
export function collectorsFor(rules: readonly RuleDefinition[]): string[] {
  return [...new Set(rules.flatMap((r) => r.meta.reads))];
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
    ...(cli.workers !== undefined ? { workers: intFlag('--workers', cli.workers, 1) } : {}),
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
  // A targeted scan: `--rules` runs only the collectors those rules read (their meta.reads).
  if (evaluate.rules) options.collectors = collectorsFor(checkEvaluateOptions(evaluate).rules);
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
