/**
 * One account x region: runs its collectors concurrently and turns their outcomes into data plus one
 * coverage verdict. Optional collectors degrade (recorded in `degraded`); a failed core collector sets
 * the status (access-denied or error) but never discards what the other collectors gathered.
 */
import type { BackupRecoveryPoint, CoverageEntry, Image, Instance, LaunchTemplate, RegionSettings } from '../model/inventory.js';
import { collectLaunchPaths, collectPinnedVersions, type LaunchPathsValue } from './collectors/launch-paths.js';
import { AUTO_SCALING_GROUPS, LAUNCH_PATH_COLLECTORS } from './collectors/metas.js';
import { classifyError, errorCode, errorMessage } from '../aws/errors.js';
import { collectInstances } from './collectors/instances.js';
import { INSTANCES, INSTANCE_IMAGE_METADATA, MANAGED_INSTANCES, MANAGED_RESOURCE_VISIBILITY } from './collectors/metas.js';
import { collectOwnedImages } from './collectors/images.js';
import { OWNED_IMAGES } from './collectors/metas.js';
import { collectLaunchTemplates } from './collectors/launch-templates.js';
import { LAUNCH_TEMPLATES } from './collectors/metas.js';
import { collectAllowedImagesSettings, collectImageBlockPublicAccess, collectManagedResourceVisibility } from './collectors/region-settings.js';
import { ALLOWED_IMAGES_SETTINGS, IMAGE_BLOCK_PUBLIC_ACCESS } from './collectors/metas.js';
import { collectLaunchPermissions, LAUNCH_PERMISSIONS_PARALLEL } from './collectors/launch-permissions.js';
import { LAUNCH_PERMISSIONS } from './collectors/metas.js';
import { collectAccountImageTags } from './collectors/account-image-tags.js';
import { LAUNCHING_ACCOUNT_IMAGE_TAGS } from './collectors/metas.js';
import { collectBackupRecoveryPoints } from './collectors/backup-recovery-points.js';
import { BACKUP_RECOVERY_POINTS } from './collectors/metas.js';
import type { CollectorMeta, RegionContext } from './collectors/types.js';
import { COLLECTORS } from './collectors/index.js';

export interface UnitOutcome {
  coverage: CoverageEntry;
  instances: Instance[];
  /** imageId -> this account's own tags on images its instances use and it does not own. */
  accountImageTags: Map<string, Record<string, string>>;
  /** The records of those images, as this account described them (by reference). */
  referencedImages: Image[];
  ownedImages: Image[];
  launchTemplates: LaunchTemplate[];
  settings?: RegionSettings;
  /** Auto Scaling groups, launch configurations, fleets and pinned template versions (launch-paths collectors). */
  launchPaths?: Omit<LaunchPathsValue, 'degraded'>;
  /** AMIs of this account x region that are AWS Backup recovery points (backup-recovery-points collector, when it ran). */
  backupRecoveryPoints?: BackupRecoveryPoint[];
}

export interface CoreFailure {
  collector: CollectorMeta;
  err: unknown;
}

/** The coverage verdict for core failures: the first one decides; the others are named in the reason. */
export function verdictFor(failures: CoreFailure[]): Pick<CoverageEntry, 'status' | 'reason' | 'errorCode'> {
  const first = failures[0]!;
  const kind = classifyError(first.err);
  const code = kind === 'aborted' ? 'Interrupted' : errorCode(first.err);
  const describe = (f: CoreFailure) => `${f.collector.id} (${f.collector.permissions.join(', ')}): ${errorCode(f.err)}: ${errorMessage(f.err)}`;
  const others = failures.slice(1).map(describe);
  const tail = others.length ? `; also failed: ${others.join('; ')}` : '';
  if (kind === 'aborted') return { status: 'error', errorCode: code, reason: `scan interrupted while collecting ${first.collector.id}${tail}` };
  if (kind === 'access-denied') {
    return {
      status: 'access-denied',
      errorCode: code,
      reason: `${describe(first)}. Grant the scan role the permissions in docs/iam/amigov-scan-role-policy.json${tail}`,
    };
  }
  const advice =
    kind === 'throttling'
      ? ' (still throttled after all retries: lower --concurrency or raise --max-attempts)'
      : kind === 'timeout'
        ? ' (timed out on every attempt: raise --timeout or check the network path to the endpoint)'
        : kind === 'server' || kind === 'network'
          ? ' (the endpoint kept failing after all retries; run the scan again)'
          : '';
  return { status: 'error', errorCode: code, reason: `${describe(first)}${advice}${tail}` };
}

type Settings = Pick<RegionSettings, 'imageBlockPublicAccess' | 'allowedImages' | 'managedResourceVisibility'>;

/** What a unit's collectors have gathered so far. */
export interface UnitDraft {
  coverage: CoverageEntry;
  instances: Instance[];
  accountImageTags: Map<string, Record<string, string>>;
  referencedImages: Image[];
  ownedImages: Image[];
  launchTemplates: LaunchTemplate[];
  settings: Settings;
  launchPaths?: Omit<LaunchPathsValue, 'degraded'>;
  backupRecoveryPoints?: BackupRecoveryPoint[];
  /** collector id -> why it degraded. */
  degraded: Record<string, string>;
}

/** A collector that runs once per account x region, as unit.ts runs it. */
export interface UnitCollector<T> {
  meta: CollectorMeta;
  /** Collectors it runs as part of its own work (a fallback, a --deep follow-up). */
  includes?: CollectorMeta[];
  collect(ctx: RegionContext): Promise<T>;
  /** Puts what it gathered into the unit's outcome. */
  apply(value: T, draft: UnitDraft): void;
  /** It threw (optional collectors throw only when the scan is interrupted): what stands in for its data. */
  failed?(draft: UnitDraft): void;
  /** A follow-up that needs what the other collectors gathered (run after every apply, in order). */
  after?(ctx: RegionContext, draft: UnitDraft): Promise<void>;
}

const unitCollector = <T>(c: UnitCollector<T>): UnitCollector<unknown> => c as UnitCollector<unknown>;
const interruptedSetting = { state: 'unknown', reason: 'scan interrupted' } as const;
/** A setting whose collector this (targeted) scan did not run. */
const notCollectedSetting = { state: 'unknown', reason: 'not collected: a targeted scan (--rules) that did not need it' } as const;
const SETTINGS_COLLECTORS = new Set([IMAGE_BLOCK_PUBLIC_ACCESS.id, ALLOWED_IMAGES_SETTINGS.id]);

/**
 * Every collector of an account x region, in the order their failures are reported (the first core
 * failure decides the unit's status). All run concurrently.
 */
export const UNIT_COLLECTORS: readonly UnitCollector<unknown>[] = [
  unitCollector({
    meta: INSTANCES,
    includes: [INSTANCE_IMAGE_METADATA, MANAGED_INSTANCES, MANAGED_RESOURCE_VISIBILITY, LAUNCHING_ACCOUNT_IMAGE_TAGS],
    async collect(ctx) {
      // Whether managed instances are hidden from Describe calls by default: where they are (or it is unknown),
      // the listing asks for them with IncludeManagedResources.
      const visibility = await collectManagedResourceVisibility(ctx);
      const value = await collectInstances(ctx, { managedVisible: visibility.state === 'visible' });
      // This account's own tags on the images its instances use (degrades on its own, never fails the unit).
      const accountTags = await collectAccountImageTags(ctx, value.instances);
      return { ...value, accountTags, visibility };
    },
    apply(value, d) {
      d.instances = value.instances;
      d.coverage.instancePath = value.path;
      d.settings.managedResourceVisibility = value.visibility;
      if (value.visibility.state === 'unknown') d.degraded[MANAGED_RESOURCE_VISIBILITY.id] = value.visibility.reason ?? 'unknown';
      if (value.degradedReason) d.degraded[INSTANCE_IMAGE_METADATA.id] = value.degradedReason;
      if (value.managedDegradedReason) d.degraded[MANAGED_INSTANCES.id] = value.managedDegradedReason;
      d.accountImageTags = value.accountTags.tags;
      d.referencedImages = value.accountTags.images;
      if (value.accountTags.degradedReason) d.degraded[LAUNCHING_ACCOUNT_IMAGE_TAGS.id] = value.accountTags.degradedReason;
    },
  }),
  unitCollector({
    meta: OWNED_IMAGES,
    includes: [LAUNCH_PERMISSIONS],
    async collect(ctx) {
      const images = await collectOwnedImages(ctx);
      // --deep: who each owned image is shared with (degrades on its own, never fails the unit).
      const launchPermissionsGap = ctx.deep ? await collectLaunchPermissions(ctx, images) : undefined;
      return { images, launchPermissionsGap };
    },
    apply(value, d) {
      d.ownedImages = value.images;
      if (value.launchPermissionsGap) d.degraded[LAUNCH_PERMISSIONS.id] = value.launchPermissionsGap;
    },
  }),
  unitCollector({
    meta: LAUNCH_TEMPLATES,
    collect: collectLaunchTemplates,
    apply(value, d) {
      d.launchTemplates = value;
    },
  }),
  unitCollector({
    meta: AUTO_SCALING_GROUPS,
    includes: LAUNCH_PATH_COLLECTORS.slice(1),
    collect: collectLaunchPaths,
    apply({ degraded, ...paths }: LaunchPathsValue, d) {
      d.launchPaths = paths;
      Object.assign(d.degraded, degraded);
    },
    // Pinned versions need the templates' default and latest numbers (launch-templates collector).
    async after(ctx, d) {
      if (d.launchPaths) await collectPinnedVersions(ctx, d.launchPaths, d.launchTemplates, d.degraded);
    },
  }),
  unitCollector({
    meta: IMAGE_BLOCK_PUBLIC_ACCESS,
    collect: collectImageBlockPublicAccess,
    apply(value, d) {
      d.settings.imageBlockPublicAccess = value;
      if (value.state === 'unknown') d.degraded[IMAGE_BLOCK_PUBLIC_ACCESS.id] = value.reason ?? 'unknown';
    },
    failed(d) {
      this.apply(interruptedSetting, d);
    },
  }),
  unitCollector({
    meta: ALLOWED_IMAGES_SETTINGS,
    collect: collectAllowedImagesSettings,
    apply(value, d) {
      d.settings.allowedImages = value;
      if (value.state === 'unknown') d.degraded[ALLOWED_IMAGES_SETTINGS.id] = value.reason ?? 'unknown';
    },
    failed(d) {
      this.apply(interruptedSetting, d);
    },
  }),
  unitCollector({
    meta: BACKUP_RECOVERY_POINTS,
    collect: collectBackupRecoveryPoints,
    apply(value, d) {
      d.backupRecoveryPoints = value.recoveryPoints;
      if (value.degradedReason) d.degraded[BACKUP_RECOVERY_POINTS.id] = value.degradedReason;
    },
  }),
];

/**
 * Requests one account x region unit can have in flight at once: its collectors run side by side, each one
 * request at a time, except that with --deep the owned-images collector follows up with up to
 * LAUNCH_PERMISSIONS_PARALLEL DescribeImageAttribute calls.
 */
export function maxUnitRequestsInFlight(deep: boolean, collectors: readonly UnitCollector<unknown>[] = UNIT_COLLECTORS): number {
  return collectors.length + (deep ? LAUNCH_PERMISSIONS_PARALLEL - 1 : 0);
}

/** The ids a unit collector gathers: its own and those it runs as part of its work. */
export function unitCollectorIds(c: UnitCollector<unknown>): string[] {
  return [c.meta.id, ...(c.includes ?? []).map((m) => m.id)];
}

/**
 * The unit collectors a targeted scan runs: those that gather any of `wanted` (collector ids, the union
 * of the selected rules' meta.reads). Any collector added to UNIT_COLLECTORS takes part, by its ids.
 * `undefined` = every one.
 */
export function selectUnitCollectors(wanted: readonly string[] | undefined, all: readonly UnitCollector<unknown>[] = UNIT_COLLECTORS): UnitCollector<unknown>[] {
  if (!wanted) return [...all];
  const set = new Set(wanted);
  return all.filter((c) => unitCollectorIds(c).some((id) => set.has(id)));
}

/** Degraded collectors are listed in the order of COLLECTORS, whichever finished first. */
const COLLECTOR_ORDER = new Map(COLLECTORS.map((c, i) => [c.id, i]));

export async function scanUnit(ctx: RegionContext, collectors: readonly UnitCollector<unknown>[] = UNIT_COLLECTORS): Promise<UnitOutcome> {
  const started = Date.now();
  const results = await Promise.allSettled(collectors.map((c) => c.collect(ctx)));

  const failures: CoreFailure[] = [];
  const draft: UnitDraft = {
    coverage: { accountId: ctx.accountId, region: ctx.region, status: 'ok' },
    instances: [],
    accountImageTags: new Map(),
    referencedImages: [],
    ownedImages: [],
    launchTemplates: [],
    // Every collector that runs overwrites its own (applied or failed); a setting no collector reads stays "not collected".
    settings: { imageBlockPublicAccess: notCollectedSetting, allowedImages: notCollectedSetting },
    degraded: {},
  };
  collectors.forEach((c, i) => {
    const r = results[i]!;
    if (r.status === 'fulfilled') c.apply(r.value, draft);
    else {
      c.failed?.(draft);
      failures.push({ collector: c.meta, err: r.reason });
    }
  });

  for (const c of collectors) {
    if (!c.after) continue;
    try {
      await c.after(ctx, draft);
    } catch (err) {
      failures.push({ collector: c.meta, err });
    }
  }
  const { coverage } = draft;
  if (failures.length) Object.assign(coverage, verdictFor(failures));
  const degraded = Object.entries(draft.degraded).sort(([a], [b]) => (COLLECTOR_ORDER.get(a) ?? 99) - (COLLECTOR_ORDER.get(b) ?? 99));
  if (degraded.length) coverage.degraded = Object.fromEntries(degraded);
  coverage.durationMs = Date.now() - started;

  return {
    coverage,
    instances: draft.instances,
    accountImageTags: draft.accountImageTags,
    referencedImages: draft.referencedImages,
    ownedImages: draft.ownedImages,
    launchTemplates: draft.launchTemplates,
    ...(draft.launchPaths ? { launchPaths: draft.launchPaths } : {}),
    ...(draft.backupRecoveryPoints ? { backupRecoveryPoints: draft.backupRecoveryPoints } : {}),
    ...(collectors.some((c) => SETTINGS_COLLECTORS.has(c.meta.id))
      ? {
          settings: {
            accountId: ctx.accountId,
            region: ctx.region,
            imageBlockPublicAccess: draft.settings.imageBlockPublicAccess,
            allowedImages: draft.settings.allowedImages,
            ...(draft.settings.managedResourceVisibility ? { managedResourceVisibility: draft.settings.managedResourceVisibility } : {}),
          },
        }
      : {}),
  };
}
