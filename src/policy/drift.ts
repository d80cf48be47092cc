/**
 * `amigov policy diff`: what the organization runs (Allowed AMIs and image block public access per
 * account x region, as a scan recorded them in inventory.regionSettings) against what the declarative
 * policy generated from the config sets. A setting that could not be read is "unknown", never a match.
 */
import { readInventory } from '../model/files.js';
import type { Inventory, RegionSettings } from '../model/inventory.js';
import type { DeclarativePolicy } from './syntax.js';
import { summarizeDeclarativePolicy } from './declarative.js';
import { compareProviderSets, normalizeProviders } from './providers.js';
import { compareCriteriaConditions } from '../config/criteria-compare.js';

export type DriftSetting = 'allowed-images-state' | 'allowed-images-criteria' | 'image-block-public-access' | 'managed-by' | 'scan';

export interface DriftEntry {
  accountId: string;
  region: string;
  setting: DriftSetting;
  status: 'differs' | 'unknown';
  expected: string;
  actual: string;
  /** Providers missing from / extra in the live criteria. */
  missing?: string[];
  extra?: string[];
  reason?: string;
}

export interface DriftReport {
  schemaVersion: 1;
  kind: 'amigov.policy-diff';
  asOf: string;
  inventoryRunId?: string;
  expected: { allowedImagesState: string; imageBlockPublicAccess: string; providers: string[] };
  accountRegions: number;
  matching: number;
  differing: number;
  unknown: number;
  entries: DriftEntry[];
}

/** What the policy sets, in the API spelling the inventory records. */
export function expectedSettings(policy: DeclarativePolicy): DriftReport['expected'] {
  const s = summarizeDeclarativePolicy(policy);
  return {
    allowedImagesState: s.state === 'audit_mode' ? 'audit-mode' : s.state ?? 'disabled',
    imageBlockPublicAccess: (s.imageBlockPublicAccess ?? 'unblocked').replace(/_/g, '-'),
    providers: s.providers,
  };
}

export type DriftInventory = Pick<Inventory, 'regionSettings' | 'coverage'> & { run?: Partial<Inventory['run']>; accounts?: Inventory['accounts'] };

/** Reads inventory.json for the diff (the shared reader: kind, schema version, whole file). */
export function readInventoryForDiff(file: string): DriftInventory {
  return readInventory(file);
}

export function diffPolicyWithInventory(policy: DeclarativePolicy, inventory: DriftInventory, asOf: string): DriftReport {
  const want = expectedSettings(policy);
  const wantCriteria = summarizeDeclarativePolicy(policy).criteria;
  const settings = new Map<string, RegionSettings>(inventory.regionSettings.map((r) => [`${r.accountId}|${r.region}`, r]));
  const coverage = new Map(inventory.coverage.map((c) => [`${c.accountId}|${c.region}`, c]));
  const keys = [...new Set([...coverage.keys(), ...settings.keys()])].sort();
  const entries: DriftEntry[] = [];
  let matching = 0;
  let differing = 0;
  let unknown = 0;

  for (const key of keys) {
    const [accountId, region] = key.split('|') as [string, string];
    const cov = coverage.get(key);
    const rs = settings.get(key);
    const found: DriftEntry[] = [];
    if (!rs || (cov && cov.status !== 'ok')) {
      found.push({
        accountId,
        region,
        setting: 'scan',
        status: 'unknown',
        expected: 'settings read by the scan',
        actual: cov && cov.status !== 'ok' ? `not scanned (${cov.status})` : 'no settings recorded',
        reason: cov?.reason ?? (rs ? undefined : 'the scan recorded no Allowed AMIs / block public access settings here'),
      });
    } else {
      const ai = rs.allowedImages;
      if (ai.state === 'unknown') {
        found.push({ accountId, region, setting: 'allowed-images-state', status: 'unknown', expected: want.allowedImagesState, actual: 'unknown', reason: ai.reason });
      } else {
        if (ai.state !== want.allowedImagesState) {
          found.push({ accountId, region, setting: 'allowed-images-state', status: 'differs', expected: want.allowedImagesState, actual: ai.state });
        }
        if (ai.criteria === undefined) {
          found.push({ accountId, region, setting: 'allowed-images-criteria', status: 'unknown', expected: `${want.providers.length} providers`, actual: 'not read', reason: ai.reason });
        } else {
          const live = normalizeProviders(ai.criteria.flatMap((c) => c.imageProviders ?? []));
          const cmp = compareProviderSets(want.providers, live);
          // Criteria also filter by name, product code or age: conditions one side has and the other lacks allow
          // different AMIs even with equal providers.
          const cond = compareCriteriaConditions(wantCriteria, ai.criteria);
          if (cond.extra.length || cond.missing.length) {
            found.push({
              accountId,
              region,
              setting: 'allowed-images-criteria',
              status: 'differs',
              expected: cond.missing.length ? `conditions ${cond.missing.join('; ')}` : 'no other conditions',
              actual: cond.extra.length ? `conditions ${cond.extra.join('; ')}` : 'lacks those conditions',
            });
          }
          if (!cmp.equal) {
            found.push({
              accountId,
              region,
              setting: 'allowed-images-criteria',
              status: 'differs',
              expected: `${want.providers.length} providers`,
              actual: `${live.length} providers`,
              missing: cmp.missing,
              extra: cmp.extra,
            });
          }
        }
        if (ai.managedBy && ai.managedBy !== 'declarative-policy') {
          found.push({ accountId, region, setting: 'managed-by', status: 'differs', expected: 'declarative-policy', actual: ai.managedBy, reason: 'the organization policy does not manage this account x region (not attached, or not yet in effect)' });
        }
      }
      const bpa = rs.imageBlockPublicAccess;
      if (bpa.state === 'unknown') {
        found.push({ accountId, region, setting: 'image-block-public-access', status: 'unknown', expected: want.imageBlockPublicAccess, actual: 'unknown', reason: bpa.reason });
      } else if (bpa.state !== want.imageBlockPublicAccess) {
        found.push({ accountId, region, setting: 'image-block-public-access', status: 'differs', expected: want.imageBlockPublicAccess, actual: bpa.state });
      }
    }
    if (found.length === 0) matching++;
    else if (found.some((f) => f.status === 'differs')) differing++;
    else unknown++;
    entries.push(...found);
  }
  return {
    schemaVersion: 1,
    kind: 'amigov.policy-diff',
    asOf,
    inventoryRunId: inventory.run?.runId,
    expected: want,
    accountRegions: keys.length,
    matching,
    differing,
    unknown,
    entries,
  };
}
