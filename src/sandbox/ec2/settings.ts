/** Image block public access, Allowed AMIs and managed resource visibility settings of an account x region. */
import { ApiError, invalidParameterValue } from '../errors.js';
import { items } from '../protocol/query.js';
import type { Ec2Handler } from './common.js';
import { checkDryRun } from './common.js';

export const getImageBlockPublicAccessState: Ec2Handler = (ctx, params) => {
  checkDryRun(params);
  const s = ctx.state.regionSettings(ctx.accountId, ctx.region);
  return { imageBlockPublicAccessState: s.imageBlockPublicAccess, managedBy: s.imageBlockPublicAccessManagedBy };
};

function notWhenManagedByPolicy(managedBy: string): void {
  if (managedBy === 'declarative-policy') {
    throw new ApiError('OperationNotPermitted', 'This setting is managed by a declarative policy and cannot be changed at the account level.');
  }
}

export const enableImageBlockPublicAccess: Ec2Handler = (ctx, params) => {
  const value = params.str('ImageBlockPublicAccessState');
  if (value !== 'block-new-sharing') {
    throw invalidParameterValue(`Value (${value ?? ''}) for parameter ImageBlockPublicAccessState is invalid. Expected: 'block-new-sharing'.`);
  }
  const s = ctx.state.regionSettings(ctx.accountId, ctx.region);
  notWhenManagedByPolicy(s.imageBlockPublicAccessManagedBy);
  checkDryRun(params);
  s.imageBlockPublicAccess = 'block-new-sharing';
  return { imageBlockPublicAccessState: s.imageBlockPublicAccess };
};

export const disableImageBlockPublicAccess: Ec2Handler = (ctx, params) => {
  const s = ctx.state.regionSettings(ctx.accountId, ctx.region);
  notWhenManagedByPolicy(s.imageBlockPublicAccessManagedBy);
  checkDryRun(params);
  s.imageBlockPublicAccess = 'unblocked';
  return { imageBlockPublicAccessState: s.imageBlockPublicAccess };
};

export const getAllowedImagesSettings: Ec2Handler = (ctx, params) => {
  checkDryRun(params);
  const a = ctx.state.regionSettings(ctx.accountId, ctx.region).allowedImages;
  return {
    state: a.state,
    imageCriterionSet:
      a.criteria && a.criteria.length > 0
        ? items(
            a.criteria.map((c) => ({
              imageProviderSet: c.imageProviders?.length ? items(c.imageProviders) : undefined,
              marketplaceProductCodeSet: c.marketplaceProductCodes?.length ? items(c.marketplaceProductCodes) : undefined,
              imageNameSet: c.imageNames?.length ? items(c.imageNames) : undefined,
              creationDateCondition:
                c.creationDateCondition?.maximumDaysSinceCreated !== undefined
                  ? { maximumDaysSinceCreated: c.creationDateCondition.maximumDaysSinceCreated }
                  : undefined,
              deprecationTimeCondition:
                c.deprecationTimeCondition?.maximumDaysSinceDeprecated !== undefined
                  ? { maximumDaysSinceDeprecated: c.deprecationTimeCondition.maximumDaysSinceDeprecated }
                  : undefined,
            })),
          )
        : undefined,
    managedBy: a.managedBy ?? 'account',
  };
};

/**
 * GetManagedResourceVisibility: "Retrieves the managed resource visibility configuration for the account. The
 * response indicates whether managed resources are hidden or visible by default." (visibility.defaultVisibility
 * hidden | visible)
 */
export const getManagedResourceVisibility: Ec2Handler = (ctx, params) => {
  checkDryRun(params);
  return { visibility: { defaultVisibility: ctx.state.regionSettings(ctx.accountId, ctx.region).managedResourceVisibility } };
};
