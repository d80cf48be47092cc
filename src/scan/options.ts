/**
 * Scan options: what `scanOrganization` takes, their defaults, and validation of user input
 * (every problem is a UserError with exit code 2, raised before any AWS call).
 */
import type { ResolvedAllowlist } from '../config/allowlist.js';
import { UserError } from '../errors.js';
import { parseAsOf } from '../util/dates.js';
import { redactUrl } from '../util/redact.js';
import { COLLECTORS } from './collectors/index.js';
import { DEFAULT_MAX_WORKERS, maxWorkers } from './workers/count.js';

export interface ScanOptions {
  /** Run id (see newRunId); generated when absent. */
  runId?: string;
  /** The config file the allowlist came from (recorded in the inventory). */
  configPath: string;
  /** The allowlist in effect (resolved from the config as of asOf); loaded from configPath when absent. */
  allowlist?: ResolvedAllowlist;
  /** YYYY-MM-DD, UTC. Default today. */
  asOf?: string;

  // Credentials and endpoints
  profile?: string;
  endpointUrl?: string;
  /** Region for STS, Organizations and DescribeRegions calls. Default: AWS_REGION / profile region / us-east-1. */
  region?: string;

  // Which accounts
  /** Use AWS Organizations to list accounts (default true). false requires `accounts`. */
  organizations: boolean;
  accounts?: string[];
  excludeAccounts?: string[];
  /** OU or root ids; accounts anywhere below them (nested OUs included) are scanned. */
  ous?: string[];

  // How to reach them
  roleName: string;
  rolePath: string;
  externalId?: string;
  sessionDurationSeconds: number;
  /** Assume the role in the caller's own account too, instead of using the base credentials there. */
  assumeRoleInCallerAccount: boolean;

  // Which regions
  regions?: string[];

  /** Also collect owned images' launch permissions (who they are shared with): one extra call per owned image. */
  deep?: boolean;
  /**
   * A targeted scan: gather only these collectors' data (collector ids, e.g. the union of the selected rules'
   * meta.reads). Account x region collectors that gather none of them are not run. Undefined: everything.
   */
  collectors?: string[];

  // How hard to push
  concurrency: number;
  /**
   * Worker threads the account x region units are spread over (by account; --concurrency is their total). 1 = in
   * this thread. Default: src/scan/workers/count.ts (one per core up to 4, once the scan is large enough).
   */
  workers?: number;
  maxAttempts: number;
  requestTimeoutMs: number;

  /** Aborting stops scheduling new work and cancels calls in flight; the inventory is marked interrupted. */
  signal?: AbortSignal;
}

/**
 * Default concurrency: account x region units running at once (each runs its five collectors
 * concurrently, so up to 5N requests are in flight). Scans are latency-bound until the scanner's own CPU
 * (the AWS SDK costs ~0.8-1.4 ms of CPU per call) saturates a core. `amigov bench`, 200 accounts x 17
 * regions (17,814 calls), 50 ms per call, throttling on, 2-core machine: 8 -> 29.4 s (latency-bound, 50%
 * CPU), 16 -> 16.4 s (90% CPU), 32 -> 13.3-14.7 s (one core saturated), 64 -> 13.4 s (no gain, twice the
 * sockets). 32 is the knee under that flat profile; see docs/benchmark.md ("Default concurrency"). The regional
 * profile (`amigov bench --latency-profile regional`: a scanner in us-east-1, ~140 ms a call on average, long tail)
 * should choose it; that sweep is not measured yet (docs/benchmark.md "Under the regional profile").
 */
export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';
export const DEFAULT_SESSION_DURATION = 3600;

export const SCAN_DEFAULTS = {
  organizations: true,
  roleName: DEFAULT_ROLE_NAME,
  rolePath: '/',
  sessionDurationSeconds: DEFAULT_SESSION_DURATION,
  assumeRoleInCallerAccount: false,
  concurrency: DEFAULT_CONCURRENCY,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
} as const;

export const ACCOUNT_ID_RE = /^\d{12}$/;
export const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const OU_ID_RE = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH_RE = /^\/([\x21-\x7e]*\/)?$/;
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/;

function usage(message: string, hint?: string): UserError {
  return new UserError(message, { hint: hint });
}

/** "a, b,,c" -> ["a","b","c"], de-duplicated, order kept. */
export function splitList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return [...new Set(parts)];
}

function checkEach(flag: string, values: string[] | undefined, re: RegExp, what: string, example: string): void {
  for (const v of values ?? []) {
    if (!re.test(v)) throw usage(`${flag}: ${JSON.stringify(v)} is not ${what}`, `Example: ${flag} ${example}`);
  }
}

/** Validates options that came from a person. Throws UserError (exit 2) on the first problem. */
export function validateScanOptions(o: ScanOptions): void {
  checkEach('--accounts', o.accounts, ACCOUNT_ID_RE, 'a 12-digit AWS account id', '111111111111,222222222222');
  checkEach('--exclude-accounts', o.excludeAccounts, ACCOUNT_ID_RE, 'a 12-digit AWS account id', '111111111111');
  checkEach('--ou', o.ous, OU_ID_RE, 'an OU id (ou-xxxx-yyyyyyyy) or root id (r-xxxx)', 'ou-ab12-34cd56ef');
  checkEach('--regions', o.regions, REGION_RE, 'a region name', 'us-east-1,eu-west-1');
  if (o.region !== undefined && !REGION_RE.test(o.region)) throw usage(`--region: ${JSON.stringify(o.region)} is not a region name`, 'Example: --region us-east-1');
  if (o.accounts && o.accounts.length === 0) throw usage('--accounts: no account ids given');
  if (o.regions && o.regions.length === 0) throw usage('--regions: no regions given');
  if (!o.organizations && !o.accounts?.length) {
    throw usage('--no-organizations needs --accounts: without AWS Organizations amigov cannot list the accounts', 'Example: --no-organizations --accounts 111111111111,222222222222');
  }
  if (!o.organizations && o.ous?.length) throw usage('--ou needs AWS Organizations; it cannot be combined with --no-organizations');
  if (!ROLE_NAME_RE.test(o.roleName)) throw usage(`--role-name: ${JSON.stringify(o.roleName)} is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)`);
  if (!ROLE_PATH_RE.test(o.rolePath) || o.rolePath.length > 512) throw usage(`--role-path: ${JSON.stringify(o.rolePath)} is not an IAM path (it starts and ends with "/", e.g. /amigov/)`);
  if (o.externalId !== undefined && !EXTERNAL_ID_RE.test(o.externalId)) throw usage('--external-id: must be 2-1224 characters of letters, digits and +=,.@:/-');
  if (!Number.isInteger(o.sessionDurationSeconds) || o.sessionDurationSeconds < 900 || o.sessionDurationSeconds > 43_200) {
    throw usage(`--session-duration: ${o.sessionDurationSeconds} is outside 900-43200 seconds`, 'STS AssumeRole accepts 15 minutes to 12 hours, and no more than the role\'s maximum session duration (1 hour unless changed).');
  }
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1 || o.concurrency > 256) throw usage(`--concurrency: ${o.concurrency} is not an integer from 1 to 256`);
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > maxWorkers())) {
    throw usage(`--workers: ${o.workers} is not an integer from 1 to ${maxWorkers()}`, `1 scans in one thread; the default uses up to ${DEFAULT_MAX_WORKERS} threads (one per core) for large scans.`);
  }
  if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1 || o.maxAttempts > 20) throw usage(`--max-attempts: ${o.maxAttempts} is not an integer from 1 to 20`);
  if (!Number.isFinite(o.requestTimeoutMs) || o.requestTimeoutMs < 100 || o.requestTimeoutMs > 600_000) throw usage(`--timeout: ${o.requestTimeoutMs} ms is outside 100-600000`);
  if (o.asOf !== undefined) parseAsOf(o.asOf);
  if (o.collectors) {
    const known = new Set(COLLECTORS.map((c) => c.id));
    const unknown = o.collectors.filter((c) => !known.has(c));
    if (unknown.length) throw usage(`unknown collector${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, `Known collectors: ${[...known].join(', ')}`);
  }
  if (o.endpointUrl !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(o.endpointUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw usage(`--endpoint-url: ${JSON.stringify(redactUrl(o.endpointUrl))} is not an http(s) URL`, 'Example: --endpoint-url http://127.0.0.1:4566');
  }
}

/** The options as recorded in the inventory: no secrets (the external id is reduced to whether it was set, the endpoint loses its userinfo). */
export function recordedParameters(o: ScanOptions): Record<string, unknown> {
  return {
    organizations: o.organizations,
    accounts: o.accounts ?? null,
    excludeAccounts: o.excludeAccounts ?? null,
    ous: o.ous ?? null,
    regions: o.regions ?? null,
    roleName: o.roleName,
    rolePath: o.rolePath,
    externalId: o.externalId ? '(set)' : null,
    sessionDurationSeconds: o.sessionDurationSeconds,
    assumeRoleInCallerAccount: o.assumeRoleInCallerAccount,
    profile: o.profile ?? null,
    region: o.region ?? null,
    endpointUrl: o.endpointUrl ? redactUrl(o.endpointUrl) : null,
    concurrency: o.concurrency,
    maxAttempts: o.maxAttempts,
    requestTimeoutMs: o.requestTimeoutMs,
    deep: o.deep === true,
    collectors: o.collectors ?? null,
  };
}
