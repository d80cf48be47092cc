/**
 * The conditions of two sets of Allowed AMIs criteria compared, besides their providers: image names, marketplace
 * product codes, creation and deprecation ages. One place for it: the allowed-amis-drift rule (live settings
 * against the config) and `amigov policy diff` (a scan's settings, or the organization's attached declarative
 * policies, against the generated policy) word a difference alike.
 *
 * ImageCriterion (EC2 API reference): "The criteria that are evaluated to determine which AMIs are discoverable and
 * usable in your account"; a criterion's conditions narrow its providers, so two criteria sets with the same
 * providers but different conditions allow different AMIs.
 */
import type { ImageCriterion } from '../model/inventory.js';

/** A criterion's conditions besides providers, in words (empty when it has none). */
export function criterionConditions(c: ImageCriterion): string[] {
  const out: string[] = [];
  if (c.imageNames?.length) out.push(`image names ${[...c.imageNames].sort().join(', ')}`);
  if (c.marketplaceProductCodes?.length) out.push(`marketplace product codes ${[...c.marketplaceProductCodes].sort().join(', ')}`);
  if (c.creationDateCondition?.maximumDaysSinceCreated !== undefined) out.push(`created within ${c.creationDateCondition.maximumDaysSinceCreated} days`);
  if (c.deprecationTimeCondition?.maximumDaysSinceDeprecated !== undefined) out.push(`deprecated at most ${c.deprecationTimeCondition.maximumDaysSinceDeprecated} days`);
  return out;
}

const conditionsOf = (c: ImageCriterion) => criterionConditions(c).join(' and ');

export interface ConditionDifference {
  /** Conditions the live criteria have and the wanted ones do not. */
  extra: string[];
  /** Conditions the wanted criteria have and the live ones lack. */
  missing: string[];
}

/** The condition sets (one entry per criterion with conditions) compared; both lists empty when they agree. */
export function compareCriteriaConditions(wanted: readonly ImageCriterion[], live: readonly ImageCriterion[]): ConditionDifference {
  const w = new Set(wanted.map(conditionsOf).filter(Boolean));
  const l = new Set(live.map(conditionsOf).filter(Boolean));
  return { extra: [...l].filter((c) => !w.has(c)).sort(), missing: [...w].filter((c) => !l.has(c)).sort() };
}
