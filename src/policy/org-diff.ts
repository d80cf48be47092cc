/**
 * `amigov policy diff --from-organization`: the organization's attached EC2 declarative policies
 * (DECLARATIVE_POLICY_EC2, read with ListPolicies / DescribePolicy / ListTargetsForPolicy) against the declarative
 * policy generated from the config. Pure: the Organizations calls are in src/aws/org-policies.ts.
 *
 * Operators ("Inheritance operators", AWS Organizations User Guide): "@@assign — Overwrites any inherited policy
 * settings with the specified settings", "@@append — Adds the specified settings (without removing any) to the
 * inherited ones", "@@remove — Removes the specified inherited settings from the effective policy, if they exist".
 * A value a policy sets with @@assign is therefore the effective value wherever that policy applies (unless a
 * policy lower down assigns again, which the child control operator "@@operators_allowed_for_child_policies":
 * ["@@none"] forbids). A value set with @@append or @@remove depends on what the account inherits from above, which
 * one policy alone does not tell: it is reported "unknown", never as a match. The merge of policies along the
 * organization tree (the account's effective policy) is not computed here.
 */
import type { DeclarativePolicy } from './syntax.js';
import { summarizeDeclarativePolicy, type DeclarativeSummary } from './declarative.js';
import { compareProviderSets } from './providers.js';
import { compareCriteriaConditions } from '../config/criteria-compare.js';

export interface OrgPolicyTarget {
  id: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT' | string;
  name?: string;
}

export interface OrgPolicyRecord {
  id: string;
  name: string;
  awsManaged?: boolean;
  /** DescribePolicy's Content: the policy's JSON text. */
  content: string;
  targets: OrgPolicyTarget[];
}

export type OrgSetting = 'policy' | 'allowed-images-state' | 'allowed-images-criteria' | 'image-block-public-access';

export interface OrgPolicyDifference {
  setting: OrgSetting;
  status: 'differs' | 'unknown' | 'not-set';
  expected: string;
  actual: string;
  missing?: string[];
  extra?: string[];
  reason?: string;
}

export interface OrgPolicyEntry {
  policyId: string;
  name: string;
  targets: OrgPolicyTarget[];
  /** Attached nowhere: it has no effect, and does not count for the exit code. */
  attached: boolean;
  differences: OrgPolicyDifference[];
}

export interface OrgPolicyDiffReport {
  schemaVersion: 1;
  kind: 'amigov.policy-diff-organization';
  asOf: string;
  expected: { allowedImagesState: string; imageBlockPublicAccess: string; providers: string[] };
  /** From ListRoots: whether DECLARATIVE_POLICY_EC2 is enabled on the root (undefined: not known). */
  policyTypeEnabled?: boolean;
  policies: OrgPolicyEntry[];
  /** Settings the config sets that no attached policy assigns (so nothing in the organization enforces them). */
  unassigned: OrgSetting[];
  ok: boolean;
}

const ATTRIBUTES: { setting: OrgSetting; label: string }[] = [
  { setting: 'allowed-images-state', label: 'allowed_images_settings.state' },
  { setting: 'allowed-images-criteria', label: 'allowed_images_settings.image_criteria' },
  { setting: 'image-block-public-access', label: 'image_block_public_access.state' },
];

function operatorsIn(s: DeclarativeSummary, prefix: string): string[] {
  return s.nonAssignOperators.filter((n) => n.startsWith(prefix));
}

/** One policy's differences from the expected policy; `assigned` collects the settings it assigns as expected or not. */
function comparePolicy(want: DeclarativeSummary, rec: OrgPolicyRecord, assigned: Set<OrgSetting>): OrgPolicyDifference[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rec.content);
  } catch (err) {
    return [{ setting: 'policy', status: 'unknown', expected: 'a JSON policy', actual: 'unreadable content', reason: (err as Error).message }];
  }
  const attrs = (parsed as { ec2_attributes?: unknown })?.ec2_attributes;
  if (!attrs || typeof attrs !== 'object') {
    return [{ setting: 'policy', status: 'unknown', expected: 'an ec2_attributes object', actual: 'no ec2_attributes' }];
  }
  let live: DeclarativeSummary;
  try {
    live = summarizeDeclarativePolicy(parsed as DeclarativePolicy);
  } catch (err) {
    return [{ setting: 'policy', status: 'unknown', expected: 'the declarative policy syntax', actual: 'unexpected shape', reason: (err as Error).message }];
  }
  const a = attrs as Record<string, Record<string, unknown> | undefined>;
  const out: OrgPolicyDifference[] = [];

  // allowed_images_settings.state: single-valued.
  const stateOps = operatorsIn(live, 'allowed_images_settings.state');
  if (stateOps.length) out.push({ setting: 'allowed-images-state', status: 'unknown', expected: want.state ?? 'disabled', actual: 'not assigned', reason: stateOps.join('; ') });
  else if (live.state === undefined) out.push({ setting: 'allowed-images-state', status: 'not-set', expected: want.state ?? 'disabled', actual: 'not set by this policy' });
  else {
    assigned.add('allowed-images-state');
    if (live.state !== want.state) out.push({ setting: 'allowed-images-state', status: 'differs', expected: want.state ?? 'disabled', actual: live.state });
  }

  // image_criteria: providers (union of the criteria), and filters that narrow them.
  const criteriaOps = operatorsIn(live, 'image_criteria.');
  if (criteriaOps.length) {
    out.push({ setting: 'allowed-images-criteria', status: 'unknown', expected: `${want.providers.length} providers`, actual: 'depends on inherited criteria', reason: criteriaOps.join('; ') });
  } else if (!a.allowed_images_settings || a.allowed_images_settings['image_criteria'] === undefined) {
    out.push({ setting: 'allowed-images-criteria', status: 'not-set', expected: `${want.providers.length} providers`, actual: 'not set by this policy' });
  } else {
    assigned.add('allowed-images-criteria');
    const cmp = compareProviderSets(want.providers, live.providers);
    if (!cmp.equal) {
      out.push({ setting: 'allowed-images-criteria', status: 'differs', expected: `${want.providers.length} providers`, actual: `${live.providers.length} providers`, missing: cmp.missing, extra: cmp.extra });
    }
    const cond = compareCriteriaConditions(want.criteria, live.criteria);
    if (cond.extra.length || cond.missing.length) {
      out.push({
        setting: 'allowed-images-criteria',
        status: 'differs',
        expected: cond.missing.length ? `conditions ${cond.missing.join('; ')}` : 'no other conditions',
        actual: cond.extra.length ? `conditions ${cond.extra.join('; ')}` : 'lacks those conditions',
      });
    }
  }

  // image_block_public_access.state: single-valued.
  const bpaOps = operatorsIn(live, 'image_block_public_access.state');
  const wantBpa = want.imageBlockPublicAccess ?? 'unblocked';
  if (bpaOps.length) out.push({ setting: 'image-block-public-access', status: 'unknown', expected: wantBpa, actual: 'not assigned', reason: bpaOps.join('; ') });
  else if (live.imageBlockPublicAccess === undefined) out.push({ setting: 'image-block-public-access', status: 'not-set', expected: wantBpa, actual: 'not set by this policy' });
  else {
    assigned.add('image-block-public-access');
    if (live.imageBlockPublicAccess !== wantBpa) out.push({ setting: 'image-block-public-access', status: 'differs', expected: wantBpa, actual: live.imageBlockPublicAccess });
  }
  return out;
}

export function diffPolicyWithOrganization(expected: DeclarativePolicy, records: OrgPolicyRecord[], asOf: string, policyTypeEnabled?: boolean): OrgPolicyDiffReport {
  const want = summarizeDeclarativePolicy(expected);
  const assigned = new Set<OrgSetting>();
  const policies: OrgPolicyEntry[] = [...records]
    .sort((x, y) => x.id.localeCompare(y.id))
    .map((rec) => {
      const attached = rec.targets.length > 0;
      // A detached policy's assignments enforce nothing: they do not count as covering a setting.
      const differences = comparePolicy(want, rec, attached ? assigned : new Set());
      return { policyId: rec.id, name: rec.name, targets: rec.targets, attached, differences };
    });
  const unassigned = ATTRIBUTES.map((x) => x.setting).filter((s) => !assigned.has(s));
  const counted = policies.filter((p) => p.attached);
  const ok =
    policyTypeEnabled !== false &&
    counted.length > 0 &&
    unassigned.length === 0 &&
    counted.every((p) => p.differences.every((d) => d.status === 'not-set'));
  return {
    schemaVersion: 1,
    kind: 'amigov.policy-diff-organization',
    asOf,
    expected: { allowedImagesState: want.state ?? 'disabled', imageBlockPublicAccess: want.imageBlockPublicAccess ?? 'unblocked', providers: want.providers },
    ...(policyTypeEnabled === undefined ? {} : { policyTypeEnabled }),
    policies,
    unassigned,
    ok,
  };
}

export const ORG_SETTING_LABEL: Record<OrgSetting, string> = {
  policy: 'policy',
  'allowed-images-state': ATTRIBUTES[0]!.label,
  'allowed-images-criteria': ATTRIBUTES[1]!.label,
  'image-block-public-access': ATTRIBUTES[2]!.label,
};
