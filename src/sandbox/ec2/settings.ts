/** Image block public access, Allowed AMIs and managed resource visibility settings of an account x region. */
import { ApiError, invalidParameterValue } from '../errors.js';
import { items } from '../protocol/query.js';
import type { Ec2Handler } from './common.js';
import { checkDryRun } from './common.js';
import type { ImageCriterionRec } from '../state.js';

export const getImageBlockPublicAccessState: Ec2Handler = (ctx, params) => {
  checkDryRun(params);
  const s = ctx.state.regionSettings(ctx.accountId, ctx.region);
  return { imageBlockPublicAccessState: s.imageBlockPublicAccess, managedBy: s.imageBlockPublicAccessManagedBy };
};

/**
 * A setting a declarative policy manages cannot be changed from the account. AWS documents the fact, not the
 * error: GetAllowedImagesSettings' managedBy "declarative-policy - The Allowed AMIs settings is managed by a
 * declarative policy and can't be modified by the account", and "Declarative policy syntax and examples":
 * "Account administrators will not be able to modify the value of the service attribute at the individual account
 * level." The API reference pages of Enable/DisableImageBlockPublicAccess, Enable/DisableAllowedImagesSettings and
 * ReplaceImageCriteriaInAllowedImagesSettings list only the common errors, so the exact code and message are not
 * documented; the sandbox answers OperationNotPermitted (a common EC2 client error: "The specified operation is not
 * allowed"), the closest documented code, for all five.
 */
function notWhenManagedByPolicy(managedBy: string | undefined): void {
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

/**
 * EnableAllowedImagesSettings: "AllowedImagesSettingsState — Specify enabled to apply the image criteria specified by
 * the Allowed AMIs settings. Specify audit-mode so that you can check which AMIs will be allowed or not allowed by
 * the image criteria. Valid Values: enabled | audit-mode. Required: Yes"; the response's allowedImagesSettingsState
 * "Returns enabled or audit-mode if the request succeeds; otherwise, it returns an error."
 */
export const enableAllowedImagesSettings: Ec2Handler = (ctx, params) => {
  const value = params.str('AllowedImagesSettingsState');
  if (value === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter AllowedImagesSettingsState');
  if (value !== 'enabled' && value !== 'audit-mode') {
    throw invalidParameterValue(`Value (${value}) for parameter AllowedImagesSettingsState is invalid. Expected: 'enabled, audit-mode'.`);
  }
  const a = ctx.state.regionSettings(ctx.accountId, ctx.region).allowedImages;
  notWhenManagedByPolicy(a.managedBy);
  checkDryRun(params);
  a.state = value;
  return { allowedImagesSettingsState: value };
};

/** DisableAllowedImagesSettings: the response's allowedImagesSettingsState "Returns disabled if the request succeeds". */
export const disableAllowedImagesSettings: Ec2Handler = (ctx, params) => {
  const a = ctx.state.regionSettings(ctx.accountId, ctx.region).allowedImages;
  notWhenManagedByPolicy(a.managedBy);
  checkDryRun(params);
  a.state = 'disabled';
  return { allowedImagesSettingsState: 'disabled' };
};

/**
 * ReplaceImageCriteriaInAllowedImagesSettings: "Sets or replaces the criteria for Allowed AMIs." ImageCriterion.N
 * (ImageCriterionRequest: ImageProvider.N, MarketplaceProductCode.N, ImageName.N, CreationDateCondition,
 * DeprecationTimeCondition); the response's return "Returns true if the request succeeds".
 */
export const replaceImageCriteriaInAllowedImagesSettings: Ec2Handler = (ctx, params) => {
  const criteria = params.structs('ImageCriterion').map((c) => {
    const out: ImageCriterionRec = {};
    const providers = c.list('ImageProvider');
    if (providers.length) out.imageProviders = providers;
    const codes = c.list('MarketplaceProductCode');
    if (codes.length) out.marketplaceProductCodes = codes;
    const names = c.list('ImageName');
    if (names.length) out.imageNames = names;
    const created = c.int('CreationDateCondition.MaximumDaysSinceCreated');
    if (created !== undefined) out.creationDateCondition = { maximumDaysSinceCreated: created };
    const deprecated = c.int('DeprecationTimeCondition.MaximumDaysSinceDeprecated');
    if (deprecated !== undefined) out.deprecationTimeCondition = { maximumDaysSinceDeprecated: deprecated };
    return out;
  });
  const a = ctx.state.regionSettings(ctx.accountId, ctx.region).allowedImages;
  notWhenManagedByPolicy(a.managedBy);
  checkDryRun(params);
  a.criteria = criteria;
  return { return: true };
};
