/**
 * Region-level settings, both optional: an endpoint that doesn't implement them (older partitions,
 * LocalStack, moto) or a scan role without the permission yields state "unknown" with the reason,
 * never a failed account x region.
 * - GetImageBlockPublicAccessState: block-new-sharing | unblocked, ManagedBy account | declarative-policy.
 * - GetAllowedImagesSettings: State enabled | audit-mode | disabled, ImageCriteria, ManagedBy.
 * - GetManagedResourceVisibility: Visibility.DefaultVisibility hidden | visible. ModifyManagedResourceVisibility:
 *   "Visibility settings are account-wide and affect all IAM principals uniformly. Hidden resources remain fully
 *   operational and billable." Read per account x region like the others (each EC2 endpoint answers for itself).
 */
import {
  GetAllowedImagesSettingsCommand,
  GetImageBlockPublicAccessStateCommand,
  GetManagedResourceVisibilityCommand,
  type ImageCriterion as SdkImageCriterion,
} from '@aws-sdk/client-ec2';
import type { AllowedImagesState, ImageBlockPublicAccessState, ImageCriterion, ManagedResourceVisibilityState, RegionSettings } from '../../model/inventory.js';
import { classifyError, errorCode, errorMessage, unsupportedReason } from '../../aws/errors.js';
import { defined } from './map.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { IMAGE_BLOCK_PUBLIC_ACCESS, ALLOWED_IMAGES_SETTINGS } from './metas.js';

/** Why an optional call gave no answer, in words a person can act on. */
export function degradedReason(action: string, permission: string, err: unknown): string {
  const kind = classifyError(err);
  if (kind === 'unsupported') return unsupportedReason(action, err);
  if (kind === 'access-denied') return `${action} was denied (${errorCode(err)}); add ${permission} to the scan role`;
  return `${action} failed (${errorCode(err)}: ${errorMessage(err)})`;
}

const IBPA_STATES = new Set(['block-new-sharing', 'unblocked']);
const ALLOWED_STATES = new Set(['enabled', 'audit-mode', 'disabled']);

export async function collectImageBlockPublicAccess(ctx: RegionContext): Promise<RegionSettings['imageBlockPublicAccess']> {
  try {
    const out = await ctx.client.send(new GetImageBlockPublicAccessStateCommand({}), sendOptions(ctx));
    const state = out.ImageBlockPublicAccessState ?? '';
    if (!IBPA_STATES.has(state)) return { state: 'unknown', reason: `GetImageBlockPublicAccessState returned an unknown state ${JSON.stringify(state).slice(0, 60)}` };
    return defined({ state: state as ImageBlockPublicAccessState, managedBy: out.ManagedBy });
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    return { state: 'unknown', reason: degradedReason('GetImageBlockPublicAccessState', 'ec2:GetImageBlockPublicAccessState', err) };
  }
}

function criterion(c: SdkImageCriterion): ImageCriterion {
  return defined({
    imageProviders: c.ImageProviders,
    imageNames: c.ImageNames,
    marketplaceProductCodes: c.MarketplaceProductCodes,
    creationDateCondition: c.CreationDateCondition ? defined({ maximumDaysSinceCreated: c.CreationDateCondition.MaximumDaysSinceCreated }) : undefined,
    deprecationTimeCondition: c.DeprecationTimeCondition ? defined({ maximumDaysSinceDeprecated: c.DeprecationTimeCondition.MaximumDaysSinceDeprecated }) : undefined,
  });
}

export async function collectAllowedImagesSettings(ctx: RegionContext): Promise<RegionSettings['allowedImages']> {
  try {
    const out = await ctx.client.send(new GetAllowedImagesSettingsCommand({}), sendOptions(ctx));
    const state = out.State ?? '';
    if (!ALLOWED_STATES.has(state)) return { state: 'unknown', reason: `GetAllowedImagesSettings returned an unknown state ${JSON.stringify(state).slice(0, 60)}` };
    return defined({ state: state as AllowedImagesState, criteria: (out.ImageCriteria ?? []).map(criterion), managedBy: out.ManagedBy });
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    return { state: 'unknown', reason: degradedReason('GetAllowedImagesSettings', 'ec2:GetAllowedImagesSettings', err) };
  }
}

const VISIBILITY_STATES = new Set(['hidden', 'visible']);

export async function collectManagedResourceVisibility(ctx: RegionContext): Promise<NonNullable<RegionSettings['managedResourceVisibility']>> {
  try {
    const out = await ctx.client.send(new GetManagedResourceVisibilityCommand({}), sendOptions(ctx));
    const state = out.Visibility?.DefaultVisibility ?? '';
    if (!VISIBILITY_STATES.has(state)) return { state: 'unknown', reason: `GetManagedResourceVisibility returned an unknown visibility ${JSON.stringify(state).slice(0, 60)}` };
    return { state: state as ManagedResourceVisibilityState };
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    return { state: 'unknown', reason: degradedReason('GetManagedResourceVisibility', 'ec2:GetManagedResourceVisibility', err) };
  }
}
