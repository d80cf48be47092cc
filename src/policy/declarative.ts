/**
 * The AWS Organizations declarative policy for EC2 (type DECLARATIVE_POLICY_EC2): Allowed AMIs settings
 * and image block public access, in the management-policy syntax with its inheritance operators.
 */
import type { EnforcementMode } from '../config/schema.js';
import type { DeclarativePolicy } from './syntax.js';
import { chunkCriteria, fromDeclarativeProvider, normalizeProviders, toDeclarativeProvider } from './providers.js';
import type { ImageCriterion } from '../model/inventory.js';

export type ImageBlockPublicAccessSetting = 'block_new_sharing' | 'unblocked';

export interface DeclarativePolicyInput {
  mode: EnforcementMode;
  /** Approved providers in API spelling (account ids, amazon, aws-marketplace, aws-backup-vault). */
  providers: readonly string[];
  /** The Allowed AMIs criteria (API shape; criteriaOf(allowlist)). Default: one criterion of `providers`. */
  criteria?: readonly ImageCriterion[];
  imageBlockPublicAccess: ImageBlockPublicAccessSetting;
  exceptionMessage: string;
  /**
   * Adds "@@operators_allowed_for_child_policies": ["@@none"] to each attribute, so a policy attached
   * lower in the organization cannot loosen what the root policy sets.
   */
  lockChildPolicies?: boolean;
}

const LOCK = { '@@operators_allowed_for_child_policies': ['@@none'] as ['@@none'] };

export function buildDeclarativePolicy(input: DeclarativePolicyInput): DeclarativePolicy {
  const lock = input.lockChildPolicies === false ? {} : LOCK;
  const chunks = chunkCriteria(input.criteria ?? (input.providers.length ? [{ imageProviders: [...input.providers] }] : []));
  const imageCriteria: Record<string, unknown> = {};
  chunks.forEach((c, i) => {
    imageCriteria[`criteria_${i + 1}`] = toDeclarativeCriterion(c);
  });
  return {
    ec2_attributes: {
      exception_message: { '@@assign': input.exceptionMessage },
      image_block_public_access: { ...lock, state: { '@@assign': input.imageBlockPublicAccess } },
      allowed_images_settings: {
        ...lock,
        state: { '@@assign': input.mode },
        ...(chunks.length ? { image_criteria: imageCriteria } : {}),
      },
    },
  } as DeclarativePolicy;
}

/**
 * One criterion in the declarative policy's spelling (the field list, from "EC2 declarative policy
 * syntax"): allowed_image_providers (providers with underscores), image_names, marketplace_product_codes,
 * creation_date_condition.maximum_days_since_created, deprecation_time_condition.maximum_days_since_deprecated,
 * each leaf an {"@@assign": value}.
 */
export function toDeclarativeCriterion(c: ImageCriterion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.imageProviders?.length) out['allowed_image_providers'] = { '@@assign': normalizeProviders(c.imageProviders).map(toDeclarativeProvider) };
  if (c.imageNames?.length) out['image_names'] = { '@@assign': [...c.imageNames] };
  if (c.marketplaceProductCodes?.length) out['marketplace_product_codes'] = { '@@assign': [...c.marketplaceProductCodes] };
  const created = c.creationDateCondition?.maximumDaysSinceCreated;
  if (created !== undefined) out['creation_date_condition'] = { maximum_days_since_created: { '@@assign': created } };
  const deprecated = c.deprecationTimeCondition?.maximumDaysSinceDeprecated;
  if (deprecated !== undefined) out['deprecation_time_condition'] = { maximum_days_since_deprecated: { '@@assign': deprecated } };
  return out;
}

/** The exception message shown on denied launches: the config's message, with the request URL made sure of. */
export function exceptionMessageFor(message: string | undefined, url: string): string {
  const base = message?.trim() || 'This AMI is not from an approved publisher. Use a golden AMI or request an exception:';
  return base.includes(url) ? base : `${base} ${url}`;
}

type DeclarativeCriterion = {
  allowed_image_providers?: OperatorValue<string[]>;
  image_names?: OperatorValue<string[]>;
  marketplace_product_codes?: OperatorValue<string[]>;
  creation_date_condition?: { maximum_days_since_created?: OperatorValue<number> };
  deprecation_time_condition?: { maximum_days_since_deprecated?: OperatorValue<number> };
};

type OperatorValue<T> = { '@@assign'?: T; '@@append'?: T; '@@remove'?: T };

function operatorOf<T>(v: OperatorValue<T> | undefined): { op: '@@assign' | '@@append' | '@@remove'; value: T } | undefined {
  if (!v) return undefined;
  for (const op of ['@@assign', '@@append', '@@remove'] as const) if (v[op] !== undefined) return { op, value: v[op] as T };
  return undefined;
}

export interface DeclarativeSummary {
  state?: string;
  imageBlockPublicAccess?: string;
  exceptionMessage?: string;
  /** Union of every criterion's providers, API spelling, normalized. */
  providers: string[];
  criteriaCount: number;
  /** Each criterion read back in the API's shape (@@assign values; providers in API spelling). */
  criteria: ImageCriterion[];
  /** Value-setting operators other than @@assign, e.g. "criteria_2 uses @@append". */
  nonAssignOperators: string[];
}

/** Reads back what a (schema-valid) declarative policy sets. */
export function summarizeDeclarativePolicy(policy: DeclarativePolicy): DeclarativeSummary {
  const a = policy.ec2_attributes;
  const nonAssign: string[] = [];
  const note = (where: string, o: { op: string } | undefined) => {
    if (o && o.op !== '@@assign') nonAssign.push(`${where} uses ${o.op}`);
  };
  const state = operatorOf(a.allowed_images_settings?.state as OperatorValue<string> | undefined);
  note('allowed_images_settings.state', state);
  const bpa = operatorOf(a.image_block_public_access?.state as OperatorValue<string> | undefined);
  note('image_block_public_access.state', bpa);
  const msg = operatorOf(a.exception_message as OperatorValue<string> | undefined);
  const providers: string[] = [];
  let criteriaCount = 0;
  const read: ImageCriterion[] = [];
  const criteria = (a.allowed_images_settings?.image_criteria ?? {}) as Record<string, DeclarativeCriterion>;
  for (const [key, c] of Object.entries(criteria)) {
    if (key.startsWith('@@')) continue;
    criteriaCount++;
    const out: ImageCriterion = {};
    const p = operatorOf(c.allowed_image_providers);
    note(`image_criteria.${key}.allowed_image_providers`, p);
    if (p && p.op !== '@@remove') {
      providers.push(...p.value.map(fromDeclarativeProvider));
      out.imageProviders = normalizeProviders(p.value.map(fromDeclarativeProvider));
    }
    const names = operatorOf(c.image_names);
    note(`image_criteria.${key}.image_names`, names);
    if (names && names.op !== '@@remove') out.imageNames = [...names.value];
    const codes = operatorOf(c.marketplace_product_codes);
    note(`image_criteria.${key}.marketplace_product_codes`, codes);
    if (codes && codes.op !== '@@remove') out.marketplaceProductCodes = [...codes.value];
    const created = operatorOf(c.creation_date_condition?.maximum_days_since_created);
    if (created && created.op === '@@assign') out.creationDateCondition = { maximumDaysSinceCreated: created.value };
    const deprecated = operatorOf(c.deprecation_time_condition?.maximum_days_since_deprecated);
    if (deprecated && deprecated.op === '@@assign') out.deprecationTimeCondition = { maximumDaysSinceDeprecated: deprecated.value };
    read.push(out);
  }
  return {
    state: state?.value,
    imageBlockPublicAccess: bpa?.value,
    exceptionMessage: msg?.value,
    providers: normalizeProviders(providers),
    criteriaCount,
    criteria: read,
    nonAssignOperators: nonAssign,
  };
}
