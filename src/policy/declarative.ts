/**
 * The AWS Organizations declarative policy for EC2 (type DECLARATIVE_POLICY_EC2): Allowed AMIs settings
 * and image block public access, in the management-policy syntax with its inheritance operators.
 */
import type { EnforcementMode } from '../config/schema.js';
import type { DeclarativePolicy } from './syntax.js';
import { chunkProviders, fromDeclarativeProvider, normalizeProviders, toDeclarativeProvider } from './providers.js';

export type ImageBlockPublicAccessSetting = 'block_new_sharing' | 'unblocked';

export interface DeclarativePolicyInput {
  mode: EnforcementMode;
  /** Approved providers in API spelling (account ids, amazon, aws-marketplace, aws-backup-vault). */
  providers: readonly string[];
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
  const chunks = chunkProviders(normalizeProviders(input.providers));
  const imageCriteria: Record<string, unknown> = {};
  chunks.forEach((chunk, i) => {
    imageCriteria[`criteria_${i + 1}`] = { allowed_image_providers: { '@@assign': chunk.map(toDeclarativeProvider) } };
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

/** The exception message shown on denied launches: the config's message, with the request URL made sure of. */
export function exceptionMessageFor(message: string | undefined, url: string): string {
  const base = message?.trim() || 'This AMI is not from an approved publisher. Use a golden AMI or request an exception:';
  return base.includes(url) ? base : `${base} ${url}`;
}

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
  const criteria = (a.allowed_images_settings?.image_criteria ?? {}) as Record<string, { allowed_image_providers?: OperatorValue<string[]> }>;
  for (const [key, c] of Object.entries(criteria)) {
    if (key.startsWith('@@')) continue;
    criteriaCount++;
    const p = operatorOf(c.allowed_image_providers);
    note(`image_criteria.${key}.allowed_image_providers`, p);
    if (p && p.op !== '@@remove') providers.push(...p.value.map(fromDeclarativeProvider));
  }
  return {
    state: state?.value,
    imageBlockPublicAccess: bpa?.value,
    exceptionMessage: msg?.value,
    providers: normalizeProviders(providers),
    criteriaCount,
    nonAssignOperators: nonAssign,
  };
}
