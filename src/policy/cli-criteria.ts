/**
 * The same image criteria as the declarative policy, in the EC2 API's shape, for accounts the
 * organization's policy does not reach (standalone accounts, the management account, a pilot):
 *   aws ec2 replace-image-criteria-in-allowed-images-settings --cli-input-json file://allowed-images-criteria.cli.json
 *   aws ec2 enable-allowed-images-settings --allowed-images-settings-state audit-mode   # or enabled
 * Field names are the API's: ImageCriteria[].ImageProviders, providers with hyphens (aws-marketplace).
 */
import type { CliCriteriaInput } from './syntax.js';
import { chunkCriteria, normalizeProviders } from './providers.js';
import type { ImageCriterion } from '../model/inventory.js';

/** ImageCriterionRequest fields, as the API names them (ImageProviders, ImageNames, MarketplaceProductCodes, CreationDateCondition.MaximumDaysSinceCreated, DeprecationTimeCondition.MaximumDaysSinceDeprecated). */
export function buildCliCriteria(providers: readonly string[], criteria?: readonly ImageCriterion[]): CliCriteriaInput {
  const chunks = chunkCriteria(criteria ?? (providers.length ? [{ imageProviders: [...providers] }] : []));
  return {
    ImageCriteria: chunks.map((c) => ({
      ...(c.imageProviders?.length ? { ImageProviders: normalizeProviders(c.imageProviders) } : {}),
      ...(c.imageNames?.length ? { ImageNames: [...c.imageNames] } : {}),
      ...(c.marketplaceProductCodes?.length ? { MarketplaceProductCodes: [...c.marketplaceProductCodes] } : {}),
      ...(c.creationDateCondition?.maximumDaysSinceCreated !== undefined ? { CreationDateCondition: { MaximumDaysSinceCreated: c.creationDateCondition.maximumDaysSinceCreated } } : {}),
      ...(c.deprecationTimeCondition?.maximumDaysSinceDeprecated !== undefined
        ? { DeprecationTimeCondition: { MaximumDaysSinceDeprecated: c.deprecationTimeCondition.maximumDaysSinceDeprecated } }
        : {}),
    })),
  };
}

export function summarizeCliCriteria(input: CliCriteriaInput): string[] {
  return normalizeProviders(input.ImageCriteria.flatMap((c) => c.ImageProviders ?? []));
}

/** The CLI criteria read back in the inventory's shape. */
export function cliCriteriaAsCriteria(input: CliCriteriaInput): ImageCriterion[] {
  return input.ImageCriteria.map((c) => ({
    ...(c.ImageProviders ? { imageProviders: normalizeProviders(c.ImageProviders) } : {}),
    ...(c.ImageNames ? { imageNames: [...c.ImageNames] } : {}),
    ...(c.MarketplaceProductCodes ? { marketplaceProductCodes: [...c.MarketplaceProductCodes] } : {}),
    ...(c.CreationDateCondition?.MaximumDaysSinceCreated !== undefined ? { creationDateCondition: { maximumDaysSinceCreated: c.CreationDateCondition.MaximumDaysSinceCreated } } : {}),
    ...(c.DeprecationTimeCondition?.MaximumDaysSinceDeprecated !== undefined
      ? { deprecationTimeCondition: { maximumDaysSinceDeprecated: c.DeprecationTimeCondition.MaximumDaysSinceDeprecated } }
      : {}),
  }));
}

/** API state for the enable-allowed-images-settings call from a declarative-policy mode. */
export function apiStateFor(mode: 'audit_mode' | 'enabled'): 'audit-mode' | 'enabled' {
  return mode === 'audit_mode' ? 'audit-mode' : 'enabled';
}
