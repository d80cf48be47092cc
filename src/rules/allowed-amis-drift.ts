/**
 * Allowed AMIs image criteria that differ from the config: providers the config's criteria name (every
 * approved provider, unless policy_config.image_criteria narrows them) but the settings lack (their AMIs are
 * refused), providers the settings allow but the config does not (an expired exception still in force),
 * and conditions (names, product codes, ages) one side has and the other does not. Where GetAllowedImagesSettings
 * reports ManagedBy "declarative-policy", the live setting comes from an Organizations policy, so the
 * message says that policy differs from the config.
 */
import { defineRule, type FindingDraft } from './types.js';
import type { AllowedImagesState } from '../model/inventory.js';
import * as cmd from '../remediation/commands.js';
import { organizationPolicyFix, targetOf } from '../remediation/common.js';
import { criteriaOf } from '../config/allowlist.js';
import { compareCriteriaConditions } from '../config/criteria-compare.js';

/** The providers the criteria lack and the ones they add, and the extra conditions ("; " between them). */
type Details = {
  state: AllowedImagesState;
  managedBy?: string | null;
  missingProviders?: readonly string[];
  extraProviders?: readonly string[];
  extraConditions?: string | null;
  missingConditions?: string | null;
};

const messages = {
  notCollected: 'Cannot compare Allowed AMIs criteria in {{accountId}} {{region}} with the config: the criteria were not collected ({{reason}}).',
  /** {{differences}}: what is missing, extra or added, "; " between them. */
  differs: 'Allowed AMIs criteria in {{accountId}} {{region}} ({{state}}) differ from the config as of {{asOf}}: {{differences}}.',
  differsPolicyManaged:
    'Allowed AMIs criteria in {{accountId}} {{region}} ({{state}}) are set by an AWS Organizations declarative policy that differs from the config as of {{asOf}}: {{differences}}.',
};

export default defineRule({
  meta: {
    id: 'allowed-amis-drift',
    title: 'Allowed AMIs criteria differ from the config',
    severity: 'medium',
    cannotVerifySeverity: 'low',
    description:
      'An account x region where Allowed AMIs is enabled or in audit mode with image criteria whose providers differ from the config\'s ' +
      '(missing ones are refused, extra ones are allowed without approval), or whose conditions (names, product codes, ages) differ from policy_config.image_criteria.',
    docs: 'docs/rules/allowed-amis-drift.md',
    reads: ['allowed-images-settings'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const configCriteria = criteriaOf(allowlist);
    const approved = new Set(configCriteria.flatMap((c) => c.imageProviders ?? []));
    for (const { accountId, region } of index.judgeableRegions) {
      const s = index.regionSettings(accountId, region)?.allowedImages;
      if (!s || (s.state !== 'enabled' && s.state !== 'audit-mode')) continue; // not-enabled covers the rest
      const base = { accountId, region, resourceType: 'account-region' as const, resourceId: 'allowed-images-settings' };
      if (!s.criteria) {
        out.push({
          ...base,
          status: 'cannot-verify',
          messageId: 'notCollected',
          data: { accountId, region, reason: s.reason ?? 'unknown reason' },
          details: { state: s.state },
        });
        continue;
      }
      const providers = new Set(s.criteria.flatMap((c) => c.imageProviders ?? []));
      const missing = [...approved].filter((p) => !providers.has(p));
      const extra = [...providers].filter((p) => !approved.has(p)).sort();
      const { extra: conditions, missing: lacking } = compareCriteriaConditions(configCriteria, s.criteria);
      if (!missing.length && !extra.length && !conditions.length && !lacking.length) continue;
      const parts: string[] = [];
      if (missing.length) parts.push(`approved providers missing from the criteria (their AMIs are refused): ${missing.join(', ')}`);
      if (extra.length) parts.push(`providers allowed but not approved in the config: ${extra.join(', ')}`);
      if (conditions.length) parts.push(`extra conditions the config does not express: ${conditions.join('; ')}`);
      if (lacking.length) parts.push(`conditions of the config the live criteria lack: ${lacking.join('; ')}`);
      out.push({
        ...base,
        status: 'fail',
        messageId: s.managedBy === 'declarative-policy' ? 'differsPolicyManaged' : 'differs',
        data: { accountId, region, state: s.state, asOf: allowlist.asOf, differences: parts.join('; ') },
        details: {
          state: s.state,
          managedBy: s.managedBy ?? null,
          missingProviders: missing,
          extraProviders: extra,
          extraConditions: conditions.join('; ') || null,
          missingConditions: lacking.join('; ') || null,
        },
      });
    }
    return out;
  },
  remediate: (f, ctx) => [
    cmd.getAllowedImagesSettings(ctx.env, targetOf(f)),
    ...(f.status !== 'fail' ? [] : f.details.managedBy === 'declarative-policy' ? organizationPolicyFix(ctx, f.accountId) : [cmd.policyGeneratePointer(ctx.allowlist.enforcementMode)]),
  ],
});
