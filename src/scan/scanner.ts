/**
 * scanOrganization: every selected account x region into one inventory.
 *
 * Phases, one function each, sharing only the ScanRun (settings, cancellation, metrics, CoverageTracker):
 * (1) identifyCaller (GetCallerIdentity, the caller's regions) and planAccounts (Organizations or
 * --accounts); (2) scanUnits: per account, under the one concurrency bound, prepareAccount (AssumeRole and
 * DescribeRegions), then one unit of work per enabled region (collectors run concurrently inside a unit,
 * see unit.ts; each unit also reads the account's own tags on the images its instances use, which describes
 * them; a large scan runs this phase on worker threads, by account: src/scan/workers); (3) resolveReferencedImages: per region, images referenced but neither listed by their owner nor
 * described that way are resolved once, in batches, from a referencing account; settleCoverage gives every account x region
 * its final verdict; (4) assembleInventory: sorted, with exactly one coverage entry per account x region.
 *
 * One account's failure never stops the others: every failure becomes a coverage entry.
 */
import { setMaxListeners } from 'node:events';
import pLimit, { type LimitFunction } from 'p-limit';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { BackupClient } from '@aws-sdk/client-backup';
import type {
  AutoScalingGroup,
  Fleet,
  LaunchConfiguration,
  PinnedLaunchTemplateVersion,
  AccountRecord,
  BackupRecoveryPoint,
  CoverageEntry,
  ExternalImageReference,
  CoverageStatus,
  Image,
  Instance,
  Inventory,
  LaunchTemplate,
  RegionSettings,
} from '../model/inventory.js';
import { INVENTORY_SCHEMA_VERSION } from '../model/inventory.js';
import { loadConfig } from '../config/load.js';
import { resolveAllowlist } from '../config/allowlist.js';
import { todayUtc } from '../util/dates.js';
import { toolVersion } from '../util/paths.js';
import { UserError } from '../errors.js';
import {
  configuredRegion,
  effectiveEndpoint,
  makeAutoScalingClient,
  makeBackupClient,
  makeEc2Client,
  makeOrganizationsClient,
  makeStsClient,
  organizationsRegion,
  resolveClientDefaults,
  type AwsSettings,
  type CredentialsOption,
} from '../aws/clients.js';
import { assumedRoleProvider, normaliseRolePath, partitionOf, roleArn, sessionNameFor } from '../aws/credentials.js';
import { classifyError, errorCode, errorMessage, isCredentialFailure, isCredentialFailureCode } from '../aws/errors.js';
import { ApiMetrics } from '../aws/metrics.js';
import { threadAwsSettings } from './aws-settings.js';
import { recordedParameters, validateScanOptions, type ScanOptions } from './options.js';
import { newRunId } from './run-id.js';
import { discoverOrganization } from './organization.js';
import { readAccountTags } from './collectors/account-tags.js';
import { plural } from '../util/format.js';
import { selectFromOrganization, selectWithoutOrganization, type PlannedAccount } from './accounts.js';
import { describeRegions, type RegionInfo } from './collectors/regions.js';
import { scanUnit, selectUnitCollectors, unitCollectorIds, verdictFor, type UnitCollector, type UnitOutcome } from './unit.js';
import { ORGANIZATION } from './collectors/metas.js';
import { ASSUME_ROLE } from './collectors/metas.js';
import { REGIONS } from './collectors/metas.js';
import { LAUNCH_PERMISSIONS } from './collectors/metas.js';
import { INSTANCES } from './collectors/metas.js';
import { LAUNCH_TEMPLATES } from './collectors/metas.js';
import { launchPathImageRefs, sortedLaunchPaths } from './collectors/launch-paths.js';
import { CoverageTracker } from './tracker.js';
import { assignResolvers } from './resolvers.js';
import { IMAGE_ID_RE, resolveImagesById, type NotFound } from './collectors/referenced-images.js';
import { REFERENCED_IMAGES } from './collectors/metas.js';
import { IMAGE_REFERENCES, INSTANCE_REFRESHES, BACKUP_RECOVERY_POINTS } from './collectors/metas.js';
import { describeGroupsRefreshes } from './collectors/instance-refreshes.js';
import { describeOtherImageReferences, imagesToCheck } from './collectors/image-references.js';
import { startWorkerPool, type WorkerPool } from './workers/pool.js';
import { workerCount } from './workers/count.js';

export interface ScanProgress {
  phase: 'discovery' | 'scanning' | 'resolving-images' | 'done';
  accountsTotal: number;
  accountsDone: number;
  /** account x region units planned so far (grows as accounts' regions become known). */
  unitsTotal: number;
  unitsDone: number;
  status: Record<CoverageStatus, number>;
  apiCalls: number;
  retries: number;
  throttled: number;
  failedCalls: number;
}

export interface ScanHooks {
  /** Called whenever the numbers move (often: throttle rendering on your side). */
  onProgress?(progress: ScanProgress): void;
  /** Something the user should know that is not an account x region status. */
  onWarning?(message: string): void;
}

export interface AccountState {
  plan: PlannedAccount;
  credentials?: CredentialsOption;
  /** Set when the account could not be prepared (AssumeRole or DescribeRegions failed). */
  failure?: { status: CoverageStatus; errorCode: string; reason: string };
  regions?: RegionInfo[];
}

const key = (accountId: string, region: string) => `${accountId}|${region}`;

function fatal(message: string, hint?: string): UserError {
  return new UserError(message, { kind: 'fatal', ...(hint !== undefined ? { hint } : {}) });
}

/**
 * The scan stopped before it was done for a reason no account is to blame for (the base credentials
 * expired): exit 4, with the inventory of what was gathered until then so the caller can still keep it.
 */
export class ScanStoppedError extends UserError {
  constructor(
    message: string,
    hint: string,
    readonly inventory: Inventory,
  ) {
    super(message, { kind: 'fatal', hint });
  }
}

const REFRESH_CREDENTIALS =
  'Refresh the credentials amigov runs with (aws sso login [--profile NAME] for an SSO profile; new keys or a new session token otherwise), ' +
  'check the clock is right (AWS refuses requests signed more than 15 minutes off), and run the scan again.';

/** What the credentials error says, for a person: "credentials expired" when AWS said so, else "could not be obtained". */
function credentialsFailureMessage(err: unknown, when: string, where?: string): string {
  const what = classifyError(err) === 'expired-credentials' ? 'credentials expired' : 'credentials could not be obtained or refreshed';
  return `${what} ${when} (${errorCode(err)})${where ? `, ${where}` : ''}: ${errorMessage(err)}`;
}

/** What every phase of one scan shares: its settings, cancellation, metrics, coverage and progress. */
export interface ScanRun {
  options: ScanOptions;
  settings: AwsSettings;
  homeRegion: string;
  runId: string;
  /** Aborted by the caller (Ctrl-C) or by the scan itself when its credentials fail (see stopScan). */
  signal: AbortSignal;
  aborted(): boolean;
  /** The caller interrupted the scan (not the scan stopping itself). */
  interrupted(): boolean;
  metrics: ApiMetrics;
  callerMetrics: ApiMetrics;
  unitMetrics: Map<string, ApiMetrics>;
  /** Exactly one coverage entry per account x region; the progress counts are derived from it. */
  tracker: CoverageTracker;
  progress: Pick<ScanProgress, 'phase' | 'accountsTotal' | 'accountsDone'>;
  emit(): void;
  warn(message: string): void;
  /** The one concurrency bound of the scan (account preparation, units, image batches). */
  limit: LimitFunction;
  /** The account x region collectors this scan runs (all, or a targeted scan's subset). */
  unitCollectors: UnitCollector<unknown>[];
  /** Set when the scan's own credentials failed: it stops, and fails with exit 4. */
  stopped?: { err: unknown; where: string };
  stopScan(err: unknown, where: string): void;
  /** Threads phase 2 ran on (1: this one); recorded in the inventory's run parameters. */
  workers?: number;
  /** Set when phase 2 runs on worker threads (src/scan/workers): they hold the accounts' credentials, so phase 3's batches go to them. */
  pool?: WorkerPool;
}

/** Who runs the scan, and with which credentials (phase 1). */
export interface CallerIdentity {
  caller: { accountId: string; arn: string };
  sts: STSClient;
  baseCredentials: CredentialsOption;
  partition: string;
  /** Regions the caller's account knows (undefined when they could not be listed). */
  callerRegions: RegionInfo[] | undefined;
}

/** Which accounts the scan covers (phase 1). */
interface AccountPlan {
  organization: { id: string; managementAccountId: string } | null;
  planned: PlannedAccount[];
  toScan: PlannedAccount[];
}

/** Referenced images resolved (phase 3). */
interface ResolvedImages {
  /** region|imageId -> image record (owned, referenced, not found or failed lookup). */
  images: Map<string, Image>;
  /** account|region -> the error that left images it references unknown. */
  resolutionFailures: Map<string, unknown>;
}

export async function scanOrganization(options: ScanOptions, hooks: ScanHooks = {}): Promise<Inventory> {
  validateScanOptions(options);
  const startedAt = new Date();
  const runId = options.runId ?? newRunId(startedAt);
  const asOf = options.asOf ?? todayUtc(startedAt);
  const allowlist = options.allowlist ?? resolveAllowlist(loadConfig(options.configPath), asOf);
  // Every SDK call listens on the signal: a private controller, linked to the caller's, so the listener
  // count (one per call in flight) doesn't trip Node's leak warning on a signal we don't own.
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (options.signal?.aborted) controller.abort();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Aborted by the caller (Ctrl-C) or by the scan itself when its credentials fail (see stopScan).
  const signal = controller.signal;
  const aborted = () => signal.aborted;
  const interrupted = () => options.signal?.aborted === true;

  const settings = threadAwsSettings(options, { concurrency: options.concurrency });
  const { transport } = settings;
  const homeRegion = options.region ?? (await configuredRegion(settings)) ?? 'us-east-1';
  const metrics = new ApiMetrics();
  const callerMetrics = metrics.child();
  const unitMetrics = new Map<string, ApiMetrics>();

  // Exactly one coverage entry per account x region; the progress counts are derived from it.
  const tracker = new CoverageTracker();
  const progress: Pick<ScanProgress, 'phase' | 'accountsTotal' | 'accountsDone'> = { phase: 'discovery', accountsTotal: 0, accountsDone: 0 };
  const emit = () => {
    if (!hooks.onProgress) return;
    hooks.onProgress({
      ...progress,
      unitsTotal: tracker.planned,
      unitsDone: tracker.done,
      status: tracker.counts(),
      apiCalls: metrics.callsTotal,
      retries: metrics.retries,
      throttled: metrics.throttled,
      failedCalls: metrics.failedCalls,
    });
  };
  const warn = (m: string) => hooks.onWarning?.(m);

  const run: ScanRun = {
    options,
    settings,
    homeRegion,
    runId,
    signal,
    aborted,
    interrupted,
    metrics,
    callerMetrics,
    unitMetrics,
    tracker,
    progress,
    emit,
    warn,
    limit: pLimit(options.concurrency),
    unitCollectors: selectUnitCollectors(options.collectors),
    /** The credentials the scan runs with failed: stop scheduling, cancel what is in flight, and fail the run (exit 4). */
    stopScan(err, where) {
      if (run.stopped) return;
      run.stopped = { err, where };
      controller.abort();
    },
  };

  try {
    const identity = await identifyCaller(run);
    const plan = await planAccounts(run, identity);
    // Owner tags are read beside the scan of the accounts (they are needed only once the inventory is assembled).
    const ownerTags = readOwnerTags(run, identity, plan, allowlist.ownerTagKeys);
    const states = new Map<string, AccountState>(plan.toScan.map((p) => [p.record.accountId, { plan: p }]));
    const outcomes = await scanUnits(run, identity, plan, states);
    const resolved = await resolveReferencedImages(run, states, outcomes);
    const imageReferences = await collectImageReferences(run, states, outcomes, resolved.images, allowlist.approvedProviders);
    await collectInstanceRefreshes(run, states, outcomes, resolved.images, allowlist.approvedProviders);
    // Worker threads: their per-unit call counts and what their endpoints did not implement (their call totals came with their progress).
    await run.pool?.finish();
    settleCoverage(run, identity, states, resolved.resolutionFailures);
    await ownerTags;
    for (const l of settings.capabilities.learned()) {
      warn(`the endpoint ${l.endpoint} does not support ${l.action} in ${l.region} (${l.answer}): asked once, then skipped there`);
    }
    const inventory = assembleInventory(run, { startedAt, asOf, allowlist, identity, plan, outcomes, images: resolved.images, imageReferences });
    const stopped = run.stopped;
    if (stopped && !interrupted()) {
      throw new ScanStoppedError(credentialsFailureMessage(stopped.err, 'during the scan', stopped.where), REFRESH_CREDENTIALS, inventory);
    }
    return inventory;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    run.pool?.close();
    // Closes every connection of every client, including calls still in flight after an interrupt.
    transport.destroy();
  }
}

const stoppedReason = (err: unknown) =>
  `not scanned: the scan stopped because its credentials ${classifyError(err) === 'expired-credentials' ? 'expired' : 'failed'} (${errorCode(err)}: ${errorMessage(err)}); this says nothing about this account`;

/**
 * One client per account x region, alive only while that unit's work runs: adaptive retry's rate
 * limiter is per client (never shared across accounts). Its connections come from the shared
 * transport, so once the unit ends the client holds nothing but garbage-collectable state (it is not
 * destroyed: that would destroy the shared agents), and tens of thousands of units never pile up sockets.
 */
async function withClient<T>(
  run: ScanRun,
  accountId: string,
  region: string,
  credentials: CredentialsOption,
  fn: (c: EC2Client, autoScaling: () => AutoScalingClient, backup: () => BackupClient) => Promise<T>,
): Promise<T> {
  const k = key(accountId, region);
  let m = run.unitMetrics.get(k);
  if (!m) run.unitMetrics.set(k, (m = run.metrics.child()));
  const metrics = m;
  let as: AutoScalingClient | undefined;
  let bk: BackupClient | undefined;
  return fn(
    makeEc2Client(run.settings, region, credentials, metrics),
    () => (as ??= makeAutoScalingClient(run.settings, region, credentials, metrics)),
    () => (bk ??= makeBackupClient(run.settings, region, credentials, metrics)),
  );
}

/** Phase 1a: the caller's identity with the default credential chain, and the regions its account knows (validates --regions). */
async function identifyCaller(run: ScanRun): Promise<CallerIdentity> {
  const { options, settings, homeRegion, signal, callerMetrics, warn } = run;
  const sts: STSClient = makeStsClient(settings, homeRegion, undefined, callerMetrics);
  let caller: { accountId: string; arn: string };
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
    caller = { accountId: id.Account ?? '', arn: id.Arn ?? '' };
  } catch (err) {
    if (classifyError(err) === 'aborted') throw new UserError('scan interrupted before it started', { kind: 'interrupted' });
    if (classifyError(err) === 'expired-credentials') throw fatal(credentialsFailureMessage(err, 'before the scan started'), REFRESH_CREDENTIALS);
    throw fatal(
      classifyError(err) === 'credentials'
        ? `no AWS credentials: ${errorMessage(err)}`
        : `cannot identify the caller (sts:GetCallerIdentity in ${homeRegion} failed: ${errorCode(err)}: ${errorMessage(err)})`,
      'Set credentials the AWS SDK can find (AWS_PROFILE / --profile, AWS_ACCESS_KEY_ID, SSO login, instance role), ' +
        'and check --endpoint-url / AWS_ENDPOINT_URL when using a local endpoint.',
    );
  }
  const baseCredentials = sts.config.credentials as CredentialsOption;
  const partition = partitionOf(caller.arn);

  // Regions the caller's account knows: validates --regions, and lists the regions of accounts that could not be reached.
  let callerRegions: RegionInfo[] | undefined;
  {
    const ec2 = makeEc2Client(settings, homeRegion, baseCredentials, callerMetrics);
    try {
      // Resolved once here rather than by each of the thousands of per-unit clients.
      settings.clientDefaults = await resolveClientDefaults(ec2);
    } catch {
      // Each client resolves them itself then.
    }
    try {
      callerRegions = await describeRegions(ec2, signal);
    } catch (err) {
      if (classifyError(err) === 'aborted') throw new UserError('scan interrupted', { kind: 'interrupted' });
      if (isCredentialFailure(err)) throw fatal(credentialsFailureMessage(err, 'before the scan started'), REFRESH_CREDENTIALS);
      warn(`could not list regions with the caller's credentials (${errorCode(err)}); accounts that cannot be reached are reported for the regions other accounts have enabled`);
    }
  }
  if (options.regions && callerRegions) {
    const known = new Set(callerRegions.map((r) => r.name));
    const unknown = options.regions.filter((r) => !known.has(r));
    if (unknown.length) {
      throw new UserError(`--regions: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an EC2 region of this partition`, { kind: 'usage', hint: `Known regions: ${[...known].join(', ')}` });
    }
  }

  return { caller, sts, baseCredentials, partition, callerRegions };
}

/** Phase 1b: the accounts to scan, from Organizations or the --accounts list. */
async function planAccounts(run: ScanRun, identity: CallerIdentity): Promise<AccountPlan> {
  const { options, settings, homeRegion, signal, callerMetrics, warn } = run;
  const { caller, baseCredentials } = identity;
  let organization: { id: string; managementAccountId: string } | null = null;
  let planned: PlannedAccount[];
  if (options.organizations) {
    const orgs = makeOrganizationsClient(settings, organizationsRegion(homeRegion), baseCredentials, callerMetrics);
    let discovered;
    try {
      // The tree walk is bounded by --concurrency too, so lowering it also slows the Organizations calls.
      discovered = await discoverOrganization(orgs, signal, options.concurrency);
    } catch (err) {
      throw organizationFailure(err, options.maxAttempts);
    }
    organization = discovered.organization;
    planned = selectFromOrganization(discovered, options, caller.accountId, options.assumeRoleInCallerAccount);
  } else {
    planned = selectWithoutOrganization(options, caller.accountId, options.assumeRoleInCallerAccount);
  }
  const toScan = planned.filter((p) => p.scan);
  if (toScan.length === 0) warn('no ACTIVE account matches the selection: nothing to scan');
  return { organization, planned, toScan };
}

/**
 * Phase 1c (runs beside phase 2): the Organizations tags of every account to scan, when the config names owner
 * tag keys and Organizations is used (--no-organizations has no tags to read). A failure leaves that account's
 * owner unknown (AccountRecord.tagsError) and is reported once as a warning; it never fails the scan.
 */
async function readOwnerTags(run: ScanRun, identity: CallerIdentity, plan: AccountPlan, ownerTagKeys: string[] | undefined): Promise<void> {
  if (!run.options.organizations || !ownerTagKeys?.length || plan.toScan.length === 0) return;
  const orgs = makeOrganizationsClient(run.settings, organizationsRegion(run.homeRegion), identity.baseCredentials, run.callerMetrics);
  const results = await readAccountTags(orgs, plan.toScan.map((p) => p.record.accountId), { abortSignal: run.signal, concurrency: run.options.concurrency });
  const failed = new Map<string, number>();
  for (const p of plan.toScan) {
    const r = results.get(p.record.accountId);
    if (!r) continue;
    if ('tags' in r) p.record.tags = r.tags;
    else {
      p.record.tagsError = r.error;
      failed.set(r.error.code, (failed.get(r.error.code) ?? 0) + 1);
    }
  }
  if (failed.size && !run.aborted()) {
    const n = [...failed.values()].reduce((a, b) => a + b, 0);
    run.warn(
      `could not read the Organizations tags of ${plural(n, 'account')} (${[...failed].map(([c, k]) => `${c} ${k}`).join(', ')}): their owners are unknown. ` +
        'The caller needs organizations:ListTagsForResource (docs/iam/amigov-caller-policy.json).',
    );
  }
}

export interface SessionSpec {
  rolePath: string;
  sessionName: string;
}

/**
 * Phase 2a: one account's credentials (AssumeRole) and regions (DescribeRegions). Returns the regions to
 * scan; records skipped regions in coverage and a failure in `state.failure` (its entries come later, once
 * the regions of the other accounts are known).
 */
async function prepareAccount(run: ScanRun, identity: CallerIdentity, session: SessionSpec, state: AccountState): Promise<string[]> {
  const { options, homeRegion, signal, aborted, tracker, emit, stopScan } = run;
  const { caller, sts, baseCredentials, partition, callerRegions } = identity;
  const { rolePath, sessionName } = session;
  const setCoverage = (entry: CoverageEntry) => {
    if (tracker.record(entry)) emit();
  };
    const acct = state.plan.record;
    if (aborted()) {
      state.failure = { status: 'error', errorCode: 'Interrupted', reason: 'scan interrupted before this account was reached' };
      return [];
    }
    if (acct.access === 'caller') {
      state.credentials = baseCredentials;
    } else {
      const spec = {
        accountId: acct.accountId,
        roleName: options.roleName,
        rolePath,
        ...(options.externalId ? { externalId: options.externalId } : {}),
        sessionName,
        durationSeconds: options.sessionDurationSeconds,
        partition,
      };
      const provider = assumedRoleProvider(sts, spec, signal ? { abortSignal: signal } : {});
      try {
        await provider();
        state.credentials = provider;
      } catch (err) {
        const kind = classifyError(err);
        const code = kind === 'aborted' ? 'Interrupted' : errorCode(err);
        acct.accessError = { code, message: errorMessage(err) };
        if (isCredentialFailure(err)) {
          // Signed with the base credentials: they expired, not this account's role.
          stopScan(err, `at sts:AssumeRole into ${roleArn(spec)}`);
          state.failure = { status: 'error', errorCode: code, reason: stoppedReason(err) };
          return [];
        }
        state.failure =
          kind === 'sts-region-disabled'
            ? {
                status: 'error',
                errorCode: code,
                // STS: "For Regions that are enabled by default, you must activate the Region STS endpoint in the
                // account where temporary credentials are generated"; us-east-1's STS endpoint cannot be deactivated.
                reason:
                  `AssumeRole into ${roleArn(spec)} failed: STS is not activated in ${homeRegion} for account ${acct.accountId} (${code}). ` +
                  'AWS: "The account administrator must use the IAM console to activate STS in that region." Activate it in that account ' +
                  '(IAM > Account settings > Security Token Service (STS) endpoints), or run the scan with --region naming a region whose STS ' +
                  'endpoint is active in every account (us-east-1\'s cannot be deactivated).',
              }
            : kind === 'access-denied'
            ? {
                status: 'access-denied',
                errorCode: code,
                reason:
                  `AssumeRole into ${roleArn(spec)} was denied (${code}): the role is missing in this account or does not trust the caller ${caller.arn}` +
                  `${options.externalId ? ' with this external id' : ''}. Create the role (see docs/iam/) or pass --role-name / --role-path.`,
              }
            : { status: 'error', errorCode: code, reason: kind === 'aborted' ? 'scan interrupted during AssumeRole' : `AssumeRole into ${roleArn(spec)} failed: ${code}: ${errorMessage(err)}` };
        return [];
      }
    }
    try {
      // The caller's own account was already asked, with the same credentials, in phase (1).
      state.regions =
        acct.access === 'caller' && callerRegions
          ? callerRegions
          : await withClient(run, acct.accountId, homeRegion, state.credentials, (c) => describeRegions(c, signal));
    } catch (err) {
      const kind = classifyError(err);
      const code = kind === 'aborted' ? 'Interrupted' : errorCode(err);
      if (isCredentialFailure(err)) {
        stopScan(err, `at ec2:DescribeRegions in account ${acct.accountId}`);
        state.failure = { status: 'error', errorCode: code, reason: stoppedReason(err) };
        return [];
      }
      state.failure = {
        status: kind === 'access-denied' ? 'access-denied' : 'error',
        errorCode: code,
        reason: kind === 'aborted' ? 'scan interrupted while listing regions' : `cannot list the account's regions (ec2:DescribeRegions in ${homeRegion}): ${code}: ${errorMessage(err)}`,
      };
      return [];
    }
    // No region listed at all: recorded below, once the regions of the other accounts are known.
    if (state.regions.length === 0 && !options.regions) return [];
    const byName = new Map(state.regions.map((r) => [r.name, r]));
    const targets: string[] = [];
    for (const name of options.regions ?? state.regions.map((r) => r.name)) {
      const info = byName.get(name);
      if (info?.enabled) {
        targets.push(name);
        continue;
      }
      tracker.plan();
      setCoverage({
        accountId: acct.accountId,
        region: name,
        status: 'skipped',
        reason: info ? `region not enabled in this account (opt-in status: ${info.optInStatus})` : 'region not offered to this account',
      });
    }
    tracker.plan(targets.length);
    emit();
    return targets;
}

/** Phase 2: every account prepared, then each of its regions scanned as one unit, all under the one bound. */
async function scanUnits(run: ScanRun, identity: CallerIdentity, plan: AccountPlan, states: Map<string, AccountState>): Promise<Map<string, UnitOutcome>> {
  const { options, progress, emit } = run;
  progress.phase = 'scanning';
  progress.accountsTotal = plan.toScan.length;
  emit();
  const outcomes = new Map<string, UnitOutcome>();
  const workers = workerCount(options, plan.toScan.length, identity.callerRegions);
  run.workers = workers;
  if (workers > 1) {
    // The same work on worker threads, by account (src/scan/workers); merged here into one coverage table.
    run.pool = await startWorkerPool(run, identity, [...states.values()], workers, outcomes);
    await run.pool.scanned;
    // Deterministic order whichever worker finished first.
    return new Map([...outcomes].sort(([a], [b]) => a.localeCompare(b)));
  }
  const session: SessionSpec = { rolePath: normaliseRolePath(options.rolePath), sessionName: sessionNameFor(run.runId) };
  await Promise.all(
    [...states.values()].map(async (state) => {
      await scanAccount(run, identity, session, state, (o) => outcomes.set(key(o.coverage.accountId, o.coverage.region), o));
      progress.accountsDone++;
      emit();
    }),
  );
  return outcomes;
}

/** One account: prepared (AssumeRole, DescribeRegions), then each of its regions as one unit, under the run's bound. */
export async function scanAccount(run: ScanRun, identity: CallerIdentity, session: SessionSpec, state: AccountState, keep: (outcome: UnitOutcome) => void): Promise<void> {
  const regions = await run.limit(() => prepareAccount(run, identity, session, state));
  await Promise.all(regions.map((r) => run.limit(() => runUnit(run, state, r, keep))));
}

async function runUnit(run: ScanRun, state: AccountState, region: string, keep: (outcome: UnitOutcome) => void): Promise<void> {
  const { options, signal, aborted, tracker, emit, stopScan } = run;
  const setCoverage = (entry: CoverageEntry) => {
    if (tracker.record(entry)) emit();
  };
  const accountId = state.plan.record.accountId;
  if (aborted()) {
    setCoverage({ accountId, region, status: 'error', errorCode: 'Interrupted', reason: 'scan interrupted before this region was scanned' });
    return;
  }
  // The unit's calls listen on a signal of its own, linked once to the scan's: Node's EventTarget walks its whole
  // listener list on every add and remove, and the SDK adds two listeners per call in flight (HTTP handler, retry
  // race), so with every call of a scan on one signal each call paid for all ~2 x 5 x --concurrency others (~1% of
  // the scanner's CPU, measured by `amigov bench` with a CPU profile).
  const unit = linkedSignal(signal);
  const outcome = await withClient(run, accountId, region, state.credentials, (client, autoScaling, backup) =>
    scanUnit({ accountId, region, client, autoScaling, backup, deep: options.deep === true, abortSignal: unit.signal }, run.unitCollectors),
  ).finally(unit.dispose);
  if (outcome.coverage.status !== 'ok' && isCredentialFailureCode(outcome.coverage.errorCode)) {
    // The unit's calls were refused for expired credentials (the base ones, or the refresh of the role's).
    stopScan(Object.assign(new Error(outcome.coverage.reason ?? ''), { name: outcome.coverage.errorCode }), `in account ${accountId} ${region}`);
  }
  keep(outcome);
  // The verdict is final only after referenced images are resolved (phase 3) unless it already failed.
  if (outcome.coverage.status !== 'ok') {
    setCoverage(outcome.coverage);
  } else if (tracker.provisional(outcome.coverage)) {
    emit();
  }
}

/** An AbortSignal that aborts with `parent`; dispose() removes its one listener from the parent. */
export function linkedSignal(parent: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/** Phase 3's one call: the images `ids`, described in `region` from `accountId` (which one of its units referenced). */
export function describeImagesFrom(run: ScanRun, state: AccountState, region: string, ids: string[]) {
  const accountId = state.plan.record.accountId;
  const { signal } = run;
  return withClient(run, accountId, region, state.credentials, (client) =>
    resolveImagesById({ accountId, region, client, ...(signal ? { abortSignal: signal } : {}) }, ids),
  );
}

/** Phase 3c's one call: the SSM parameters and Image Builder recipes naming `ids` in `region` of `accountId`. */
export function imageReferencesFrom(run: ScanRun, state: AccountState, region: string, ids: string[]) {
  const accountId = state.plan.record.accountId;
  return withClient(run, accountId, region, state.credentials, (client) => describeOtherImageReferences({ accountId, region, client, abortSignal: run.signal }, ids));
}

/** Phase 3: images referenced but not listed by their owner, described once per region from a referencing account. */
async function resolveReferencedImages(run: ScanRun, states: Map<string, AccountState>, outcomes: Map<string, UnitOutcome>): Promise<ResolvedImages> {
  const { signal, aborted, progress, emit, limit } = run;
  progress.phase = 'resolving-images';
  emit();
  const images = new Map<string, Image>(); // region|imageId
  for (const o of outcomes.values()) for (const img of o.ownedImages) images.set(key(img.region, img.imageId), img);
  // Images a launching account already described for its own tags (launching-account-image-tags) need no second
  // lookup. Only from units that succeeded (as below, a failed unit is not trusted to describe images for
  // others); the lowest account id's record is kept, whichever unit finished first.
  const okOutcomes = [...outcomes.values()].filter((o) => o.coverage.status === 'ok');
  for (const o of okOutcomes.sort((a, b) => a.coverage.accountId.localeCompare(b.coverage.accountId))) {
    for (const img of o.referencedImages) if (!images.has(key(img.region, img.imageId))) images.set(key(img.region, img.imageId), img);
  }
  const wanted = new Map<string, Map<string, string[]>>(); // region -> imageId -> referencing accounts
  const want = (accountId: string, region: string, imageId: string | undefined) => {
    if (!imageId || images.has(key(region, imageId))) return;
    let byImage = wanted.get(region);
    if (!byImage) wanted.set(region, (byImage = new Map()));
    const refs = byImage.get(imageId) ?? [];
    if (!refs.includes(accountId)) refs.push(accountId);
    byImage.set(imageId, refs);
  };
  for (const o of outcomes.values()) {
    for (const i of o.instances) if (IMAGE_ID_RE.test(i.image.imageId)) want(i.accountId, i.region, i.image.imageId);
    for (const lt of o.launchTemplates) {
      for (const v of [lt.defaultVersion, lt.latestVersion]) {
        if (v?.image.kind === 'ami') want(lt.accountId, lt.region, v.image.imageId);
        // A resolved `resolve:ssm:` parameter: the AMI it names now is the one the rules judge.
        if (v?.image.kind === 'ssm') want(lt.accountId, lt.region, v.image.resolvedImageId);
      }
    }
    // Launch paths (issue #14): launch configurations, fleet overrides and launch specifications, pinned versions.
    if (o.launchPaths) for (const r of launchPathImageRefs(o.launchPaths)) want(r.accountId, r.region, r.imageId);
  }
  // Prefer accounts whose unit succeeded; when a batch fails, its images are tried from the next
  // referencing account; only images no referencing account could describe fail their units.
  const okUnit = (accountId: string, region: string) => outcomes.get(key(accountId, region))?.coverage.status === 'ok';
  let pending = new Map<string, Map<string, string[]>>();
  for (const [region, byImage] of wanted) {
    pending.set(region, new Map([...byImage].map(([id, refs]) => [id, [...refs].sort()])));
  }
  const lastError = new Map<string, unknown>(); // region|imageId -> error
  while (pending.size > 0) {
    const batches: { accountId: string; region: string; ids: string[]; refs: Map<string, string[]> }[] = [];
    for (const [region, byImage] of [...pending.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const candidates = preferSucceeded(byImage, (a) => okUnit(a, region));
      for (const [accountId, ids] of assignResolvers(candidates)) batches.push({ accountId, region, ids, refs: byImage });
    }
    const next = new Map<string, Map<string, string[]>>();
    await Promise.all(
      batches.map((b) =>
        limit(async () => {
          // The lookup failed: AWS said nothing about these images. Try the next referencing account;
          // when none is left (or the scan was interrupted) record the failure, never "not found".
          const fail = (err: unknown) => {
            const interrupted = aborted() || classifyError(err) === 'aborted';
            for (const id of b.ids) {
              const rest = (b.refs.get(id) ?? []).filter((a) => a !== b.accountId);
              if (rest.length && !interrupted) {
                if (!next.has(b.region)) next.set(b.region, new Map());
                next.get(b.region)!.set(id, rest);
              } else {
                lastError.set(key(b.region, id), err);
                images.set(key(b.region, id), failedLookup(b.region, id, b.accountId, interrupted ? undefined : err));
              }
            }
          };
          if (aborted()) {
            fail(Object.assign(new Error('scan interrupted'), { name: 'AbortError' }));
            return;
          }
          try {
            const res = run.pool ? await run.pool.describeImages(b.accountId, b.region, b.ids) : await describeImagesFrom(run, states.get(b.accountId)!, b.region, b.ids);
            for (const img of res.found) images.set(key(img.region, img.imageId), img);
            for (const [id, answer] of res.missing) images.set(key(b.region, id), notFoundImage(b.region, id, b.accountId, answer));
          } catch (err) {
            fail(err);
          }
        }),
      ),
    );
    pending = next;
  }
  const resolutionFailures = new Map<string, unknown>(); // account|region -> error
  for (const [k, err] of lastError) {
    const [region, imageId] = k.split('|') as [string, string];
    for (const accountId of wanted.get(region)?.get(imageId) ?? []) {
      if (!resolutionFailures.has(key(accountId, region))) resolutionFailures.set(key(accountId, region), err);
    }
  }
  return { images, resolutionFailures };
}

/**
 * Phase 3c (issue #14): per account x region that succeeded, the SSM parameters and Image Builder recipes naming an
 * image not from an approved publisher that the unit owns or references (collectors/image-references.ts). Optional:
 * a failure (denied, an endpoint without the action, learned once by EndpointCapabilities) degrades that unit's
 * coverage entry and costs nothing else. Undefined when the collector was not run (a targeted scan without it).
 */
async function collectImageReferences(
  run: ScanRun,
  states: Map<string, AccountState>,
  outcomes: Map<string, UnitOutcome>,
  images: Map<string, Image>,
  approvedProviders: readonly string[],
): Promise<ExternalImageReference[] | undefined> {
  const wanted = run.options.collectors;
  if (wanted && !wanted.includes(IMAGE_REFERENCES.id)) return undefined;
  const out: ExternalImageReference[] = [];
  const degraded = new Map<string, string>();
  await Promise.all(
    [...outcomes.values()]
      .filter((o) => o.coverage.status === 'ok')
      .map((o) =>
        run.limit(async () => {
          const { accountId, region } = o.coverage;
          const ids = imagesToCheck(unitImageCandidates(o), (id) => images.get(key(region, id)), approvedProviders);
          if (ids.length === 0 || run.aborted()) return;
          try {
            // On worker threads the call is made by the worker holding the account's credentials.
            const refs = run.pool ? await run.pool.imageReferences(accountId, region, ids) : await imageReferencesFrom(run, states.get(accountId)!, region, ids);
            out.push(...refs);
          } catch (err) {
            degraded.set(key(accountId, region), `${errorCode(err)}: ${errorMessage(err)}`);
          }
        }),
      ),
  );
  markDegraded(run, degraded, IMAGE_REFERENCES.id);
  return out.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.imageId.localeCompare(b.imageId) || a.arn.localeCompare(b.arn));
}

/** Phase 3c's optional collectors: each unit whose call failed (key -> "Code: message") is marked degraded for `collectorId`. */
function markDegraded(run: ScanRun, degraded: Map<string, string>, collectorId: string): void {
  if (degraded.size === 0) return;
  run.tracker.rewrite((c) => {
    const why = degraded.get(key(c.accountId, c.region));
    return why === undefined ? c : { ...c, degraded: { ...c.degraded, [collectorId]: why } };
  });
}

/** The images a unit owns or references (phase 3c asks about those not from an approved publisher). */
function unitImageCandidates(o: UnitOutcome): string[] {
  return [
    ...o.ownedImages.map((i) => i.imageId),
    ...o.instances.map((i) => i.image.imageId),
    ...o.launchTemplates.flatMap((lt) => [lt.defaultVersion, lt.latestVersion].flatMap((v) => (v?.image.kind === 'ami' ? [v.image.imageId] : []))),
    ...(o.launchPaths ? launchPathImageRefs(o.launchPaths).map((r) => r.imageId) : []),
  ];
}

/** Phase 3c's other call: the unfinished instance refreshes of the groups `names` of `accountId` in `region`. */
export function instanceRefreshesFrom(run: ScanRun, state: AccountState, region: string, names: string[]) {
  const accountId = state.plan.record.accountId;
  return withClient(run, accountId, region, state.credentials, (client, autoScaling) =>
    describeGroupsRefreshes({ accountId, region, client, abortSignal: run.signal }, autoScaling(), names),
  );
}

/**
 * Phase 3c (issue #14): in the account x regions where DescribeImageReferences is asked (same scope: the unit owns or
 * references an image not from an approved publisher), each Auto Scaling group's unfinished instance refreshes
 * (collectors/instance-refreshes.ts), recorded on the group. Optional: a failure degrades that unit's coverage entry
 * (instance-refreshes) and leaves its groups' instanceRefreshes absent (not asked), never [].
 */
async function collectInstanceRefreshes(
  run: ScanRun,
  states: Map<string, AccountState>,
  outcomes: Map<string, UnitOutcome>,
  images: Map<string, Image>,
  approvedProviders: readonly string[],
): Promise<void> {
  const wanted = run.options.collectors;
  if (wanted && !wanted.includes(INSTANCE_REFRESHES.id)) return;
  const degraded = new Map<string, string>();
  await Promise.all(
    [...outcomes.values()]
      .filter((o) => o.coverage.status === 'ok' && (o.launchPaths?.autoScalingGroups.length ?? 0) > 0)
      .map((o) =>
        run.limit(async () => {
          const { accountId, region } = o.coverage;
          if (imagesToCheck(unitImageCandidates(o), (id) => images.get(key(region, id)), approvedProviders).length === 0 || run.aborted()) return;
          const groups = o.launchPaths!.autoScalingGroups;
          const names = groups.map((g) => g.name).sort();
          try {
            // On worker threads the calls are made by the worker holding the account's credentials.
            const answer = run.pool ? await run.pool.instanceRefreshes(accountId, region, names) : await instanceRefreshesFrom(run, states.get(accountId)!, region, names);
            const byName = new Map(answer);
            for (const g of groups) {
              const r = byName.get(g.name);
              if (r) g.instanceRefreshes = r;
            }
          } catch (err) {
            degraded.set(key(accountId, region), `${errorCode(err)}: ${errorMessage(err)}`);
          }
        }),
      ),
  );
  markDegraded(run, degraded, INSTANCE_REFRESHES.id);
}

/**
 * Phase 3b: the final verdict of every account x region: provisional units settled, accounts that could not
 * be prepared or listed no region given their entries, and a stop for expired credentials explained.
 */
function settleCoverage(run: ScanRun, identity: CallerIdentity, states: Map<string, AccountState>, resolutionFailures: Map<string, unknown>): void {
  const { options, interrupted, tracker, emit } = run;
  const { callerRegions } = identity;
  const setCoverage = (entry: CoverageEntry) => {
    if (tracker.record(entry)) emit();
  };
  // Final verdicts of the units that had succeeded so far.
  for (const c of tracker.provisionalEntries()) {
    const err = resolutionFailures.get(key(c.accountId, c.region));
    if (err === undefined) tracker.settle(c);
    else {
      tracker.settle({ ...c, ...verdictFor([{ collector: REFERENCED_IMAGES, err }]) });
      emit();
    }
  }

  // Accounts that could not be prepared: one entry per region they would have had.
  const regionUniverse = options.regions ?? unionEnabled(callerRegions, [...states.values()]);
  for (const state of states.values()) {
    if (!state.failure) continue;
    for (const region of regionUniverse) {
      tracker.plan();
      setCoverage({ accountId: state.plan.record.accountId, region, ...state.failure });
    }
  }
  // Accounts whose DescribeRegions listed no region at all: shown as skipped where the others have regions.
  for (const state of states.values()) {
    if (state.failure || !state.regions || state.regions.length > 0 || options.regions) continue;
    for (const region of regionUniverse) {
      tracker.plan();
      setCoverage({ accountId: state.plan.record.accountId, region, status: 'skipped', reason: 'not listed by ec2:DescribeRegions for this account' });
    }
  }
  // Any call of the scan refused for expired credentials stops it, whichever phase saw it first.
  if (!run.stopped) {
    const hit = tracker.entries().find((c) => c.status === 'error' && isCredentialFailureCode(c.errorCode));
    if (hit) run.stopped = { err: Object.assign(new Error(hit.reason ?? ''), { name: hit.errorCode }), where: `in account ${hit.accountId} ${hit.region}` };
  }
  const stopped = run.stopped;
  if (stopped && !interrupted()) {
    // What the stop cancelled is not an interruption by the user: say why it was not scanned.
    tracker.rewrite((c) => (c.errorCode === 'Interrupted' ? { ...c, errorCode: errorCode(stopped.err), reason: stoppedReason(stopped.err) } : c));
  }
}

interface AssemblyInput {
  startedAt: Date;
  asOf: string;
  allowlist: Inventory['allowlist'];
  identity: CallerIdentity;
  plan: AccountPlan;
  outcomes: Map<string, UnitOutcome>;
  images: Map<string, Image>;
  imageReferences: ExternalImageReference[] | undefined;
}

/** Phase 4: the inventory, sorted, with exactly one coverage entry per account x region. */
function assembleInventory(run: ScanRun, input: AssemblyInput): Inventory {
  const { options, settings, homeRegion, runId, metrics, unitMetrics, tracker, progress, emit, interrupted } = run;
  const { startedAt, asOf, allowlist, outcomes, images } = input;
  const { caller } = input.identity;
  const { organization, planned, toScan } = input.plan;
  const instances: Instance[] = [];
  const launchTemplates: LaunchTemplate[] = [];
  const regionSettings: RegionSettings[] = [];
  const paths = { autoScalingGroups: [] as AutoScalingGroup[], launchConfigurations: [] as LaunchConfiguration[], fleets: [] as Fleet[], launchTemplateVersions: [] as PinnedLaunchTemplateVersion[] };
  let backupRecoveryPoints: BackupRecoveryPoint[] | undefined;
  for (const o of outcomes.values()) {
    if (o.backupRecoveryPoints) (backupRecoveryPoints ??= []).push(...o.backupRecoveryPoints);
    for (const i of o.instances) instances.push(joinImage(i, images.get(key(i.region, i.image.imageId))));
    // The launching account's own view of each image's tags, beside the owner's (Image.accountTags).
    for (const [imageId, tags] of o.accountImageTags) {
      const img = images.get(key(o.coverage.region, imageId));
      if (!img) continue;
      img.accountTags = { ...img.accountTags, [o.coverage.accountId]: tags };
    }
    launchTemplates.push(...o.launchTemplates);
    if (o.settings) regionSettings.push(o.settings);
    if (o.launchPaths) {
      paths.autoScalingGroups.push(...o.launchPaths.autoScalingGroups);
      paths.launchConfigurations.push(...o.launchPaths.launchConfigurations);
      paths.fleets.push(...o.launchPaths.fleets);
      paths.launchTemplateVersions.push(...o.launchPaths.launchTemplateVersions);
    }
  }
  // Deterministic output whatever order the units finished in.
  for (const img of images.values()) {
    if (img.accountTags) img.accountTags = Object.fromEntries(Object.entries(img.accountTags).sort(([a], [b]) => a.localeCompare(b)));
  }
  const coverageList = tracker.entries().map((c) => {
    const m = unitMetrics.get(key(c.accountId, c.region));
    return m && c.status !== 'skipped' ? { ...c, apiCalls: m.callsTotal } : c;
  });

  progress.phase = 'done';
  emit();
  const finishedAt = new Date();
  const snap = metrics.snapshot();
  const accounts: AccountRecord[] = planned.map((p) => p.record);
  const endpoint = effectiveEndpoint(settings, 'EC2');
  const inventory: Inventory = {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    kind: 'amigov.inventory',
    run: {
      runId,
      toolVersion: toolVersion(),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      asOf,
      configPath: options.configPath,
      parameters: { ...recordedParameters(options), workers: run.workers ?? 1 },
      caller,
      organization,
      endpoint,
      homeRegion,
      collectors: collectorsRun(run, organization !== null),
      ...(interrupted() ? { interrupted: true } : {}),
    },
    allowlist,
    accounts: accounts.sort((a, b) => a.accountId.localeCompare(b.accountId)),
    coverage: coverageList.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region)),
    instances: instances.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.instanceId.localeCompare(b.instanceId)),
    images: [...images.values()].sort((a, b) => a.region.localeCompare(b.region) || a.imageId.localeCompare(b.imageId)),
    launchTemplates: launchTemplates.sort(
      (a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.launchTemplateId.localeCompare(b.launchTemplateId),
    ),
    ...sortedLaunchPaths(paths),
    ...(input.imageReferences ? { imageReferences: input.imageReferences } : {}),
    ...(backupRecoveryPoints || run.unitCollectors.some((c) => c.meta.id === BACKUP_RECOVERY_POINTS.id)
      ? {
          backupRecoveryPoints: (backupRecoveryPoints ?? []).sort(
            (a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.imageId.localeCompare(b.imageId) || a.recoveryPointArn.localeCompare(b.recoveryPointArn),
          ),
        }
      : {}),
    regionSettings: regionSettings.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region)),
    stats: {
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      apiCalls: snap.calls,
      apiCallsTotal: snap.callsTotal,
      retries: snap.retries,
      throttled: snap.throttled,
      accountsTotal: toScan.length,
      accountRegionsTotal: coverageList.length,
      attempts: snap.attempts,
      failedCalls: snap.failedCalls,
    },
  };
  return inventory;
}


/**
 * The collectors whose data this scan gathered, as rules name them in meta.reads: the organization (when it
 * was listed), AssumeRole and DescribeRegions, each account x region collector that ran with what it runs as
 * part of its work (launch-permissions only with --deep), and the referenced-image look-up when instances or
 * launch templates were listed. The weekly comparison and `evaluate` read it: data a targeted scan did not
 * gather is never judged as "nothing found".
 */
function collectorsRun(run: ScanRun, organization: boolean): string[] {
  const ids = new Set<string>([...(organization ? [ORGANIZATION.id] : []), ASSUME_ROLE.id, REGIONS.id]);
  for (const c of run.unitCollectors) for (const id of unitCollectorIds(c)) if (id !== LAUNCH_PERMISSIONS.id || run.options.deep) ids.add(id);
  if (ids.has(INSTANCES.id) || ids.has(LAUNCH_TEMPLATES.id)) ids.add(REFERENCED_IMAGES.id);
  if (!run.options.collectors || run.options.collectors.includes(IMAGE_REFERENCES.id)) ids.add(IMAGE_REFERENCES.id);
  if (!run.options.collectors || run.options.collectors.includes(INSTANCE_REFRESHES.id)) ids.add(INSTANCE_REFRESHES.id);
  return [...ids];
}


/**
 * The accounts that may describe each image: those whose unit succeeded compete first; an account whose
 * unit failed only for images no succeeded account references.
 */
export function preferSucceeded(byImage: Map<string, string[]>, okUnit: (accountId: string) => boolean): Map<string, string[]> {
  return new Map(
    [...byImage].map(([id, refs]) => {
      const ok = refs.filter(okUnit);
      return [id, ok.length ? ok : refs] as const;
    }),
  );
}

function unionEnabled(callerRegions: RegionInfo[] | undefined, states: AccountState[]): string[] {
  const names = new Set<string>();
  for (const r of callerRegions ?? []) if (r.enabled) names.add(r.name);
  for (const s of states) for (const r of s.regions ?? []) if (r.enabled) names.add(r.name);
  return [...names].sort();
}

/** AWS answered that the image does not exist or cannot be used from `seenFromAccountId` (see referenced-images.ts). */
function notFoundImage(region: string, imageId: string, seenFromAccountId: string, answer: NotFound): Image {
  const record: Image = { region, imageId, tags: {}, tagsVisible: false, seenVia: 'reference', seenFromAccountId, found: false, notFoundReason: answer.reason, lookup: 'not-found' };
  if (answer.error) record.lookupError = answer.error;
  return record;
}

/** The lookup failed (err) or was cut short by an interrupt (no err): nothing is known of the image. */
function failedLookup(region: string, imageId: string, seenFromAccountId: string, err: unknown): Image {
  const lookupError =
    err === undefined ? { code: 'Interrupted', message: 'the scan was interrupted before the lookup of this image finished' } : { code: errorCode(err), message: errorMessage(err) };
  const notFoundReason =
    err === undefined ? lookupError.message : `DescribeImages from account ${seenFromAccountId} failed: ${lookupError.code}: ${lookupError.message}`;
  return { region, imageId, tags: {}, tagsVisible: false, seenVia: 'reference', seenFromAccountId, found: false, notFoundReason, lookup: 'failed', lookupError };
}

/** Instances listed by DescribeInstances carry only an image id: complete them from the region's image records. */
function joinImage(i: Instance, img: Image | undefined): Instance {
  if (i.image.source !== 'unknown' || !img?.found) return i;
  const image: Instance['image'] = { imageId: i.image.imageId, source: 'describe-images' };
  if (img.name !== undefined) image.name = img.name;
  if (img.ownerId !== undefined) image.ownerId = img.ownerId;
  if (img.ownerAlias !== undefined) image.ownerAlias = img.ownerAlias;
  if (img.state !== undefined) image.state = img.state;
  if (img.creationDate !== undefined) image.creationDate = img.creationDate;
  if (img.deprecationTime !== undefined) image.deprecationTime = img.deprecationTime;
  if (img.imageAllowed !== undefined) image.imageAllowed = img.imageAllowed;
  if (img.public !== undefined) image.isPublic = img.public;
  return { ...i, image };
}

/**
 * Why the organization could not be listed, and what to do: throttling and transient failures are not a
 * question of which account runs amigov, so only a denial gets the "management account" advice.
 */
function organizationFailure(err: unknown, maxAttempts: number): UserError {
  const kind = classifyError(err);
  const code = errorCode(err);
  const detail = `${code}: ${errorMessage(err)}`;
  if (kind === 'aborted') return new UserError('scan interrupted', { kind: 'interrupted' });
  if (isCredentialFailure(err)) return fatal(credentialsFailureMessage(err, 'while listing the organization'), REFRESH_CREDENTIALS);
  if (code === 'AWSOrganizationsNotInUseException') {
    return fatal(`cannot list the organization's accounts (${detail})`, 'This account is not in an organization. Scan accounts directly with --no-organizations --accounts ID,...');
  }
  if (kind === 'throttling') {
    // Organizations: TooManyRequestsException, "You have sent too many requests in too short a period of time.
    // The quota helps protect against denial-of-service attacks. Try again later."
    return fatal(
      `AWS Organizations kept throttling the account listing (${detail}) after ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}`,
      'Its request quota is per account and shared with every other tool calling Organizations from it. Try again later; ' +
        `lower --concurrency (it also bounds the Organizations calls) or raise --max-attempts (now ${maxAttempts}, up to 20) to wait longer between retries.`,
    );
  }
  if (kind === 'unsupported') {
    // A "not implemented" answer (src/aws/errors.ts isNotImplemented) is not retried: the endpoint answers the same every time.
    return fatal(
      `the endpoint does not implement the AWS Organizations call that lists the accounts (${detail})`,
      'Scan a fixed list of accounts instead: --no-organizations --accounts ID,... (and check --endpoint-url / AWS_ENDPOINT_URL).',
    );
  }
  if (kind === 'timeout' || kind === 'network' || kind === 'server') {
    return fatal(
      `AWS Organizations kept failing while listing the accounts (${detail}) after ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}`,
      'Run the scan again later; raise --timeout or --max-attempts if the endpoint is slow, and check --endpoint-url / AWS_ENDPOINT_URL.',
    );
  }
  return fatal(
    `cannot list the organization's accounts (${detail})`,
    'Run amigov with credentials of the management account or a delegated administrator (see docs/iam/amigov-caller-policy.json), ' +
      'or scan a fixed list with --no-organizations --accounts ID,...',
  );
}
