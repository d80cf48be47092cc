/**
 * The one judgement of "does EC2 Allowed AMIs allow this image in this account", over a list of criteria
 * in the API's shape (ImageCriterion): the config's (ResolvedAllowlist.imageCriteria, see criteriaOf) or the
 * live ones a scan read (GetAllowedImagesSettings). Pure: the time it judges at is passed in.
 *
 * AWS's documentation it follows (EC2 API Reference):
 * - ReplaceImageCriteriaInAllowedImagesSettings: "The Allowed AMIs feature does not restrict the AMIs owned
 *   by your account. Regardless of the criteria you set, the AMIs created by your account will always be
 *   discoverable and usable by users in your account."
 * - ImageCriterion.ImageProviders: "amazon: Allow AMIs created by Amazon or verified providers.",
 *   "aws-marketplace: Allow AMIs created by verified providers in the AWS Marketplace.", "aws-backup-vault:
 *   Allow AMIs created by AWS Backup.", "12-digit account ID: Allow AMIs created by this account.",
 *   "none: Allow AMIs created by your own account only." An image's provider is matched by its OwnerId or its
 *   ImageOwnerAlias ("The owner alias (amazon | aws-backup-vault | aws-marketplace)", DescribeImages).
 * - ImageNames: "The names of allowed images. Names can include wildcards (? and *)."
 * - MarketplaceProductCodes: "The AWS Marketplace product codes for allowed images."
 * - CreationDateCondition.MaximumDaysSinceCreated: "The maximum number of days that have elapsed since the
 *   image was created. For example, a value of 300 allows images that were created within the last 300 days."
 * - DeprecationTimeCondition.MaximumDaysSinceDeprecated: "The maximum number of days that have elapsed since
 *   the image was deprecated. Set to 0 to exclude all deprecated images." An image without a DeprecationTime
 *   (never deprecated, or deprecated and then undeprecated: DisableImageDeprecation "Cancels the deprecation of
 *   the specified AMI") is not deprecated, and so meets the condition; so does one whose DeprecationTime is
 *   still in the future.
 * - Combining: the fields of one criterion must all hold (AND), and an image is allowed when it meets at least
 *   one criterion (OR), as the issue states the user guide's "How Allowed AMIs works"; that page is not in the
 *   reference corpus amigov was written against, so this reading is the one to re-check first when AWS's
 *   ImageAllowed disagrees (the image-allowed-disagreement rule reports every case).
 * A field the criterion does not set does not restrict (a criterion without ImageNames allows any name).
 */
import type { ImageCriterion } from '../model/inventory.js';

const DAY_MS = 86_400_000;

/** What the judgement reads of an image (DescribeImages / DescribeInstanceImageMetadata fields). */
export interface CriteriaImage {
  ownerId?: string;
  ownerAlias?: string;
  name?: string;
  creationDate?: string;
  deprecationTime?: string;
  /** Marketplace product codes; undefined = not known (not described by DescribeImages). */
  productCodes?: readonly string[];
}

export type CriterionCondition = 'provider' | 'name' | 'product-code' | 'created' | 'deprecated';

export interface ConditionFailure {
  condition: CriterionCondition;
  /** e.g. 'created 400 days ago, more than the 365 days allowed' */
  text: string;
}

export type CriterionResult =
  | { match: true }
  | { match: false; failures: ConditionFailure[] }
  /** A condition could not be judged: the field it reads is unknown (and nothing else failed). */
  | { match: 'unknown'; missing: string[] };

export type AllowedImagesVerdict =
  | { verdict: 'allowed'; because: 'own-account' | 'criterion'; criterion?: number }
  | { verdict: 'refused'; failures: ConditionFailure[]; text: string }
  | { verdict: 'unknown'; missing: string[]; text: string };

/** `*` (any run of characters) and `?` (one character), anchored: the whole name must match. */
export function imageNamePattern(glob: string): RegExp {
  let re = '';
  for (const ch of glob) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, 's');
}

const days = (ms: number) => Math.floor(ms / DAY_MS);

export function matchCriterion(c: ImageCriterion, img: CriteriaImage, atMs: number): CriterionResult {
  const failures: ConditionFailure[] = [];
  const missing: string[] = [];
  const providers = c.imageProviders ?? [];
  if (providers.length) {
    // "none" names the launching account only, which is exempt anyway (judgeAllowedImages): it matches no other owner.
    const ok = providers.some((p) => p !== 'none' && (p === img.ownerId || (img.ownerAlias !== undefined && p === img.ownerAlias)));
    if (!ok) failures.push({ condition: 'provider', text: `owner ${img.ownerId ?? img.ownerAlias ?? 'unknown'} is not among its providers` });
  }
  const names = c.imageNames ?? [];
  if (names.length) {
    if (img.name === undefined) missing.push('the image name');
    else if (!names.some((g) => imageNamePattern(g).test(img.name!))) {
      failures.push({ condition: 'name', text: `name ${JSON.stringify(img.name)} matches none of ${names.map((n) => JSON.stringify(n)).join(', ')}` });
    }
  }
  const codes = c.marketplaceProductCodes ?? [];
  if (codes.length) {
    if (img.productCodes === undefined) missing.push('the image product codes');
    else if (!img.productCodes.some((p) => codes.includes(p))) {
      failures.push({ condition: 'product-code', text: `product codes (${img.productCodes.join(', ') || 'none'}) include none of ${codes.join(', ')}` });
    }
  }
  const maxCreated = c.creationDateCondition?.maximumDaysSinceCreated;
  if (maxCreated !== undefined) {
    const created = img.creationDate ? Date.parse(img.creationDate) : NaN;
    if (Number.isNaN(created)) missing.push('the image creation date');
    else if (atMs - created > maxCreated * DAY_MS) {
      failures.push({ condition: 'created', text: `created ${days(atMs - created)} days ago, more than the ${maxCreated} allowed` });
    }
  }
  const maxDeprecated = c.deprecationTimeCondition?.maximumDaysSinceDeprecated;
  if (maxDeprecated !== undefined && img.deprecationTime) {
    const deprecated = Date.parse(img.deprecationTime);
    if (Number.isNaN(deprecated)) missing.push('the image deprecation time');
    else if (deprecated <= atMs && (maxDeprecated === 0 || atMs - deprecated > maxDeprecated * DAY_MS)) {
      failures.push({
        condition: 'deprecated',
        text: maxDeprecated === 0 ? 'deprecated, and no deprecated image is allowed' : `deprecated ${days(atMs - deprecated)} days ago, more than the ${maxDeprecated} allowed`,
      });
    }
  }
  if (failures.length) return { match: false, failures };
  if (missing.length) return { match: 'unknown', missing };
  return { match: true };
}

/**
 * Allowed AMIs' verdict on an image used from `accountId` at `atMs`. Refused texts name each criterion whose
 * providers include the image's owner and what failed there, or else that no criterion names the owner.
 */
export function judgeAllowedImages(criteria: readonly ImageCriterion[], img: CriteriaImage, accountId: string, atMs: number): AllowedImagesVerdict {
  if (img.ownerId !== undefined && img.ownerId === accountId) return { verdict: 'allowed', because: 'own-account' };
  const results = criteria.map((c) => matchCriterion(c, img, atMs));
  const hit = results.findIndex((r) => r.match === true);
  if (hit >= 0) return { verdict: 'allowed', because: 'criterion', criterion: hit + 1 };
  const unknown = results.flatMap((r) => (r.match === 'unknown' ? r.missing : []));
  if (unknown.length) {
    const missing = [...new Set(unknown)];
    return { verdict: 'unknown', missing, text: `the scan did not record ${missing.join(' or ')}, which the criteria test` };
  }
  const failed = results.flatMap((r, i) => (r.match === false ? [{ i, failures: r.failures }] : []));
  const ownerMatched = failed.filter((f) => !f.failures.some((x) => x.condition === 'provider'));
  if (criteria.length === 0) return { verdict: 'refused', failures: [], text: 'no image criteria are set, so no image from another account is allowed' };
  if (ownerMatched.length === 0) {
    const owner = img.ownerId ?? img.ownerAlias ?? 'unknown';
    return { verdict: 'refused', failures: [{ condition: 'provider', text: `owner ${owner} is not among the providers of any criterion` }], text: `owner ${owner} is not among the providers of any criterion` };
  }
  const many = criteria.length > 1;
  return {
    verdict: 'refused',
    failures: ownerMatched.flatMap((f) => f.failures),
    text: ownerMatched.map((f) => (many ? `criterion ${f.i + 1}: ` : '') + f.failures.map((x) => x.text).join(' and ')).join('; '),
  };
}

/**
 * The instant an evaluation judges ages at. On the scan's own day, the scan's start (when AWS computed the
 * ImageAllowed it returned); for another --as-of day, the end of that day (UTC), the latest moment of the day,
 * so "on that day" counts an image that turns too old during it. Exceptions are valid through the end of their
 * expiry day in the same way (config/allowlist.ts).
 */
export function judgementTime(asOf: string, scanStartedAt?: string): number {
  if (scanStartedAt && scanStartedAt.slice(0, 10) === asOf) {
    const t = Date.parse(scanStartedAt);
    if (!Number.isNaN(t)) return t;
  }
  return Date.parse(`${asOf}T23:59:59.999Z`);
}
