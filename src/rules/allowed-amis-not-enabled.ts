/**
 * An account x region whose Allowed AMIs setting is weaker than the config's enforcement mode:
 * disabled or audit-mode when the config says enabled, disabled when it says audit_mode.
 * Unknown settings (API failed or unsupported) are cannot-verify; unscanned regions are not judged.
 */
import { defineRule, type FindingDraft } from './types.js';
import type { AllowedImagesState } from '../model/inventory.js';
import * as cmd from '../remediation/commands.js';
import { organizationPolicyFix, targetOf } from '../remediation/common.js';

/** wanted: the state the config asks for; reason: why the state is unknown; managedBy: who manages the setting. */
type Details = { state: AllowedImagesState; wanted: 'enabled' | 'audit-mode'; reason?: string; managedBy?: string | null };

const IS = "Allowed AMIs is {{state}} in {{accountId}} {{region}}, but the config's enforcement mode is {{mode}}";
const DISABLED = ': nothing records or restricts which AMIs are used there.';
const AUDIT = ': unapproved AMIs are only reported, not refused.';
const BY_POLICY = ' The setting is managed by a declarative policy: update and re-apply the organization policy.';
const messages = {
  unknown: 'Cannot verify Allowed AMIs in {{accountId}} {{region}}: the settings are unknown ({{reason}}).',
  disabled: IS + DISABLED,
  disabledByPolicy: IS + DISABLED + BY_POLICY,
  auditMode: IS + AUDIT,
  auditModeByPolicy: IS + AUDIT + BY_POLICY,
};

export default defineRule({
  meta: {
    id: 'allowed-amis-not-enabled',
    title: 'Allowed AMIs is not in the mode the config asks for',
    severity: 'high',
    cannotVerifySeverity: 'low',
    description:
      'An account x region where EC2 Allowed AMIs is disabled or in audit mode while policy_config.enforcement_mode is enabled, or disabled while it is audit_mode.',
    docs: 'docs/rules/allowed-amis-not-enabled.md',
    reads: ['allowed-images-settings'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const wantEnabled = allowlist.enforcementMode === 'enabled';
    const wanted = wantEnabled ? 'enabled' : 'audit-mode';
    for (const { accountId, region } of index.judgeableRegions) {
      const s = index.regionSettings(accountId, region)?.allowedImages;
      const base = { accountId, region, resourceType: 'account-region' as const, resourceId: 'allowed-images-settings' };
      if (!s || s.state === 'unknown') {
        out.push({
          ...base,
          status: 'cannot-verify',
          messageId: 'unknown',
          data: { accountId, region, reason: s?.reason ?? 'not collected' },
          details: { state: 'unknown', wanted, reason: s?.reason ?? 'not collected' },
        });
        continue;
      }
      const weaker = s.state === 'disabled' || (wantEnabled && s.state === 'audit-mode');
      if (!weaker) continue;
      const byPolicy = s.managedBy === 'declarative-policy';
      out.push({
        ...base,
        status: 'fail',
        messageId: s.state === 'disabled' ? (byPolicy ? 'disabledByPolicy' : 'disabled') : byPolicy ? 'auditModeByPolicy' : 'auditMode',
        data: { state: s.state, accountId, region, mode: allowlist.enforcementMode },
        details: { state: s.state, wanted, managedBy: s.managedBy ?? null },
      });
    }
    return out;
  },
  remediate: (f, ctx) => [
    cmd.getAllowedImagesSettings(ctx.env, targetOf(f)),
    ...(f.status !== 'fail' ? [] : f.details.managedBy === 'declarative-policy' ? organizationPolicyFix(ctx, f.accountId) : [cmd.policyGeneratePointer(ctx.allowlist.enforcementMode)]),
  ],
});
