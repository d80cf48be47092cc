/**
 * One account x region: runs its collectors concurrently and turns their outcomes into data plus one
 * coverage verdict. Optional collectors degrade (recorded in `degraded`); a failed core collector sets
 * the status (access-denied or error) but never discards what the other collectors gathered.
 */
import type { CoverageEntry, Image, Instance, LaunchTemplate, RegionSettings } from '../model/inventory.js';
import { classifyError, errorCode, errorMessage } from '../aws/errors.js';
import { collectInstances, INSTANCES, INSTANCE_IMAGE_METADATA } from './collectors/instances.js';
import { collectOwnedImages, OWNED_IMAGES } from './collectors/images.js';
import { collectLaunchTemplates, LAUNCH_TEMPLATES } from './collectors/launch-templates.js';
import {
  ALLOWED_IMAGES_SETTINGS,
  collectAllowedImagesSettings,
  collectImageBlockPublicAccess,
  IMAGE_BLOCK_PUBLIC_ACCESS,
} from './collectors/region-settings.js';
import { collectLaunchPermissions, LAUNCH_PERMISSIONS } from './collectors/launch-permissions.js';
import type { CollectorMeta, RegionContext } from './collectors/types.js';

export interface UnitOutcome {
  coverage: CoverageEntry;
  instances: Instance[];
  ownedImages: Image[];
  launchTemplates: LaunchTemplate[];
  settings?: RegionSettings;
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

export async function scanUnit(ctx: RegionContext): Promise<UnitOutcome> {
  const started = Date.now();
  let launchPermissionsGap: string | undefined;
  const [inst, owned, lts, ibpa, allowed] = await Promise.allSettled([
    collectInstances(ctx),
    collectOwnedImages(ctx).then(async (images) => {
      if (ctx.deep) launchPermissionsGap = await collectLaunchPermissions(ctx, images);
      return images;
    }),
    collectLaunchTemplates(ctx),
    collectImageBlockPublicAccess(ctx),
    collectAllowedImagesSettings(ctx),
  ]);

  const failures: CoreFailure[] = [];
  const degraded: Record<string, string> = {};
  const coverage: CoverageEntry = { accountId: ctx.accountId, region: ctx.region, status: 'ok' };

  let instances: Instance[] = [];
  if (inst.status === 'fulfilled') {
    instances = inst.value.instances;
    coverage.instancePath = inst.value.path;
    if (inst.value.degradedReason) degraded[INSTANCE_IMAGE_METADATA.id] = inst.value.degradedReason;
  } else failures.push({ collector: INSTANCES, err: inst.reason });

  const ownedImages = owned.status === 'fulfilled' ? owned.value : (failures.push({ collector: OWNED_IMAGES, err: owned.reason }), []);
  const launchTemplates = lts.status === 'fulfilled' ? lts.value : (failures.push({ collector: LAUNCH_TEMPLATES, err: lts.reason }), []);

  // The optional collectors catch their own errors except an abort.
  const ibpaValue = ibpa.status === 'fulfilled' ? ibpa.value : ({ state: 'unknown', reason: 'scan interrupted' } as const);
  const allowedValue = allowed.status === 'fulfilled' ? allowed.value : ({ state: 'unknown', reason: 'scan interrupted' } as const);
  if (ibpaValue.state === 'unknown') degraded[IMAGE_BLOCK_PUBLIC_ACCESS.id] = ibpaValue.reason ?? 'unknown';
  if (allowedValue.state === 'unknown') degraded[ALLOWED_IMAGES_SETTINGS.id] = allowedValue.reason ?? 'unknown';
  if (launchPermissionsGap) degraded[LAUNCH_PERMISSIONS.id] = launchPermissionsGap;
  if (ibpa.status === 'rejected') failures.push({ collector: IMAGE_BLOCK_PUBLIC_ACCESS, err: ibpa.reason });
  if (allowed.status === 'rejected') failures.push({ collector: ALLOWED_IMAGES_SETTINGS, err: allowed.reason });

  if (failures.length) Object.assign(coverage, verdictFor(failures));
  if (Object.keys(degraded).length) coverage.degraded = degraded;
  coverage.durationMs = Date.now() - started;

  return {
    coverage,
    instances,
    ownedImages,
    launchTemplates,
    settings: { accountId: ctx.accountId, region: ctx.region, imageBlockPublicAccess: ibpaValue, allowedImages: allowedValue },
  };
}
