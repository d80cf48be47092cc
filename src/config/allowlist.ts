/**
 * Allowlist resolution: which AMI providers are approved as of a date.
 * An exception is valid through the end of its expiry date, UTC: on 2026-02-28 an exception expiring
 * 2026-02-28 is active; on 2026-03-01 it has expired.
 */
import type { PublisherConfig, ProviderAlias, ImageCriterionConfig } from './schema.js';
import type { ImageCriterion } from '../model/inventory.js';
import { daysBetween, todayUtc } from '../util/dates.js';

export type PublisherKind = 'ops' | 'vendor' | 'exception';

export interface ApprovedPublisher {
  accountId: string;
  kind: PublisherKind;
  /** Ops name, vendor name, or exception reason. */
  label: string;
  expiryDate?: string;
  ticket?: string;
  /** Days until the exception expires (0 = expires today). */
  daysLeft?: number;
}

export interface ExceptionStatus {
  accountId: string;
  reason: string;
  expiryDate: string;
  ticket: string;
  approvedBy: string;
  /** Negative once expired: -1 means it expired yesterday. */
  daysLeft: number;
}

export interface ResolvedAllowlist {
  asOf: string;
  enforcementMode: 'audit_mode' | 'enabled';
  /** Approved provider ids as EC2 Allowed AMIs takes them: sorted account ids, then aliases. */
  approvedProviders: string[];
  publishers: ApprovedPublisher[];
  aliases: ProviderAlias[];
  activeExceptions: ExceptionStatus[];
  expiredExceptions: ExceptionStatus[];
  /** Active exceptions that expire within warningDays. */
  expiringExceptions: ExceptionStatus[];
  warningDays: number;
  exceptionRequestUrl: string;
  approvedAmiTag: { key: string; values: string[] };
  production: { instanceTag: { key: string; values: string[] }; accountIds: string[]; ouIds: string[] };
  /**
   * owners.tag_keys of the config: the account tags that name an account's owner, first match wins. Absent when
   * the config names none (the scan then reads no account tags).
   */
  ownerTagKeys?: string[];
  /**
   * policy_config.image_criteria as of asOf, in the API's shape, each criterion's providers resolved (an
   * expired exception's account dropped, absent providers = every approved provider). Absent when the config
   * has none: one criterion of approvedProviders (see criteriaOf). A criterion left with no provider is dropped,
   * never kept as "any provider".
   */
  imageCriteria?: ImageCriterion[];
}

export function resolveAllowlist(cfg: PublisherConfig, asOf: string = todayUtc(), warningDaysOverride?: number): ResolvedAllowlist {
  const warningDays = warningDaysOverride ?? cfg.policy_config.expiry_warning_days;
  const publishers: ApprovedPublisher[] = [
    { accountId: cfg.ops_publisher_account.account_id, kind: 'ops', label: cfg.ops_publisher_account.name },
    ...cfg.vendor_publisher_accounts.map((v) => ({ accountId: v.account_id, kind: 'vendor' as const, label: v.vendor })),
  ];
  const activeExceptions: ExceptionStatus[] = [];
  const expiredExceptions: ExceptionStatus[] = [];
  for (const e of cfg.exception_accounts) {
    const status: ExceptionStatus = {
      accountId: e.account_id,
      reason: e.reason,
      expiryDate: e.expiry_date,
      ticket: e.ticket,
      approvedBy: e.approved_by,
      daysLeft: daysBetween(asOf, e.expiry_date),
    };
    if (status.daysLeft >= 0) {
      activeExceptions.push(status);
      publishers.push({ accountId: e.account_id, kind: 'exception', label: e.reason, expiryDate: e.expiry_date, ticket: e.ticket, daysLeft: status.daysLeft });
    } else {
      expiredExceptions.push(status);
    }
  }
  const aliases = [...new Set(cfg.provider_aliases)].sort() as ProviderAlias[];
  const approvedProviders = [...publishers.map((p) => p.accountId).sort(), ...aliases];
  const imageCriteria = cfg.policy_config.image_criteria?.flatMap((c) => resolveCriterion(c, approvedProviders));
  return {
    asOf,
    enforcementMode: cfg.policy_config.enforcement_mode,
    approvedProviders,
    publishers,
    aliases,
    activeExceptions,
    expiredExceptions,
    expiringExceptions: activeExceptions.filter((e) => e.daysLeft <= warningDays),
    warningDays,
    exceptionRequestUrl: cfg.policy_config.exception_request_url,
    approvedAmiTag: cfg.policy_config.approved_ami_tag,
    production: {
      instanceTag: cfg.policy_config.production.instance_tag,
      accountIds: cfg.policy_config.production.account_ids,
      ouIds: cfg.policy_config.production.ou_ids,
    },
    ...(cfg.owners ? { ownerTagKeys: [...cfg.owners.tag_keys] } : {}),
    ...(imageCriteria ? { imageCriteria } : {}),
  };
}

function resolveCriterion(c: ImageCriterionConfig, approvedProviders: string[]): ImageCriterion[] {
  const providers = c.allowed_image_providers ? approvedProviders.filter((p) => c.allowed_image_providers!.includes(p as never)) : approvedProviders;
  if (providers.length === 0) return [];
  const out: ImageCriterion = { imageProviders: providers };
  if (c.image_names) out.imageNames = [...c.image_names];
  if (c.marketplace_product_codes) out.marketplaceProductCodes = [...c.marketplace_product_codes];
  if (c.creation_date_condition) out.creationDateCondition = { maximumDaysSinceCreated: c.creation_date_condition.maximum_days_since_created };
  if (c.deprecation_time_condition) out.deprecationTimeCondition = { maximumDaysSinceDeprecated: c.deprecation_time_condition.maximum_days_since_deprecated };
  return [out];
}

/** The Allowed AMIs criteria the allowlist stands for: its image criteria, or one criterion of every approved provider. */
export function criteriaOf(allowlist: ResolvedAllowlist): ImageCriterion[] {
  return allowlist.imageCriteria ?? (allowlist.approvedProviders.length ? [{ imageProviders: allowlist.approvedProviders }] : []);
}

export type ProviderVerdict =
  | { approved: true; via: PublisherKind | 'alias'; publisher?: ApprovedPublisher }
  | { approved: false; expired?: ExceptionStatus };

/**
 * Is an image owner approved? ownerAlias is the image's ImageOwnerAlias (amazon, aws-marketplace, ...).
 * Mirrors EC2 Allowed AMIs: a provider matches by owner account id or by alias.
 */
export function judgeProvider(allowlist: ResolvedAllowlist, ownerId: string | undefined, ownerAlias?: string): ProviderVerdict {
  const publisher = ownerId ? allowlist.publishers.find((p) => p.accountId === ownerId) : undefined;
  if (publisher) return { approved: true, via: publisher.kind, publisher };
  if (ownerAlias && (allowlist.aliases as string[]).includes(ownerAlias)) return { approved: true, via: 'alias' };
  const expired = ownerId ? allowlist.expiredExceptions.find((e) => e.accountId === ownerId) : undefined;
  return expired ? { approved: false, expired } : { approved: false };
}
