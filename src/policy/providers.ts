/**
 * Image providers in their three spellings. The config and the EC2 API use hyphens (aws-marketplace);
 * the declarative policy uses underscores (aws_marketplace); the SCP's ec2:Owner key sees the image's
 * owner alias (amazon, aws-marketplace) or account id. Every comparison goes through the API spelling.
 */
import { MAX_IMAGE_CRITERIA, MAX_PROVIDERS_PER_CRITERION } from './syntax.js';
import type { ImageCriterion } from '../model/inventory.js';

/** API spelling -> declarative policy spelling. Account ids are unchanged. */
export function toDeclarativeProvider(provider: string): string {
  return /^\d{12}$/.test(provider) ? provider : provider.replace(/-/g, '_');
}

/** Declarative policy spelling -> API spelling. */
export function fromDeclarativeProvider(provider: string): string {
  return /^\d{12}$/.test(provider) ? provider : provider.replace(/_/g, '-');
}

/** Sorted, de-duplicated: account ids first (numerically equal to lexically for 12 digits), then aliases. */
export function normalizeProviders(providers: Iterable<string>): string[] {
  const all = [...new Set(providers)];
  const ids = all.filter((p) => /^\d{12}$/.test(p)).sort();
  const aliases = all.filter((p) => !/^\d{12}$/.test(p)).sort();
  return [...ids, ...aliases];
}

export class TooManyProvidersError extends Error {
  constructor(readonly count: number) {
    const max = MAX_IMAGE_CRITERIA * MAX_PROVIDERS_PER_CRITERION;
    super(
      `the allowlist has ${count} image providers, ${count - max} more than Allowed AMIs can hold ` +
        `(${MAX_IMAGE_CRITERIA} criteria x ${MAX_PROVIDERS_PER_CRITERION} providers = ${max})`,
    );
  }
}

/** Splits providers into criteria of at most 200; more than 10 x 200 cannot be expressed. */
export function chunkProviders(providers: readonly string[]): string[][] {
  if (providers.length > MAX_IMAGE_CRITERIA * MAX_PROVIDERS_PER_CRITERION) throw new TooManyProvidersError(providers.length);
  const chunks: string[][] = [];
  for (let i = 0; i < providers.length; i += MAX_PROVIDERS_PER_CRITERION) chunks.push(providers.slice(i, i + MAX_PROVIDERS_PER_CRITERION));
  return chunks;
}

/** Set equality with the differences spelled out, for consistency messages. */
export function compareProviderSets(expected: readonly string[], actual: readonly string[]): { equal: boolean; missing: string[]; extra: string[] } {
  const e = new Set(expected);
  const a = new Set(actual);
  const missing = normalizeProviders([...e].filter((p) => !a.has(p)));
  const extra = normalizeProviders([...a].filter((p) => !e.has(p)));
  return { equal: missing.length === 0 && extra.length === 0, missing, extra };
}


/**
 * Criteria as Allowed AMIs can hold them: each criterion's providers normalized and split at 200 (the
 * copies keep the criterion's other fields, so the set of allowed images is the same: one criterion that
 * holds is enough); more than 10 criteria in all cannot be expressed.
 */
export function chunkCriteria(criteria: readonly ImageCriterion[]): ImageCriterion[] {
  const out: ImageCriterion[] = [];
  for (const c of criteria) {
    const providers = normalizeProviders(c.imageProviders ?? []);
    if (providers.length === 0) out.push(c);
    else for (let i = 0; i < providers.length; i += MAX_PROVIDERS_PER_CRITERION) out.push({ ...c, imageProviders: providers.slice(i, i + MAX_PROVIDERS_PER_CRITERION) });
  }
  if (out.length > MAX_IMAGE_CRITERIA) {
    const total = normalizeProviders(criteria.flatMap((c) => c.imageProviders ?? [])).length;
    if (criteria.length === 1) throw new TooManyProvidersError(total);
    throw new TooManyCriteriaError(out.length);
  }
  return out;
}

export class TooManyCriteriaError extends Error {
  constructor(readonly count: number) {
    super(`policy_config.image_criteria needs ${count} criteria once each is split at ${MAX_PROVIDERS_PER_CRITERION} providers, more than the ${MAX_IMAGE_CRITERIA} Allowed AMIs can hold`);
  }
}

/** Every provider the criteria name, normalized (what the declarative policy and the CLI criteria carry). */
export function criteriaProviders(criteria: readonly ImageCriterion[]): string[] {
  return normalizeProviders(criteria.flatMap((c) => c.imageProviders ?? []));
}
