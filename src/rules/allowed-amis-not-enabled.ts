/**
 * An account x region whose Allowed AMIs setting is weaker than the config's enforcement mode:
 * disabled or audit-mode when the config says enabled, disabled when it says audit_mode.
 * Unknown settings (API failed or unsupported) are cannot-verify; unscanned regions are not judged.
 */
import { defineRule, type FindingDraft } from './types.js';

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
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft[] = [];
    const wantEnabled = allowlist.enforcementMode === 'enabled';
    const wanted = wantEnabled ? 'enabled' : 'audit-mode';
    for (const { accountId, region } of index.judgeableRegions) {
      const s = index.regionSettings(accountId, region)?.allowedImages;
      const base = { accountId, region, resourceType: 'account-region' as const, resourceId: 'allowed-images-settings' };
      if (!s || s.state === 'unknown') {
        out.push({
          ...base,
          status: 'cannot-verify',
          message: `Cannot verify Allowed AMIs in ${accountId} ${region}: the settings are unknown (${s?.reason ?? 'not collected'}).`,
          details: { state: 'unknown', wanted, reason: s?.reason ?? 'not collected' },
        });
        continue;
      }
      const weaker = s.state === 'disabled' || (wantEnabled && s.state === 'audit-mode');
      if (!weaker) continue;
      out.push({
        ...base,
        status: 'fail',
        message:
          `Allowed AMIs is ${s.state} in ${accountId} ${region}, but the config's enforcement mode is ${allowlist.enforcementMode}` +
          (s.state === 'disabled' ? ': nothing records or restricts which AMIs are used there.' : ': unapproved AMIs are only reported, not refused.') +
          (s.managedBy === 'declarative-policy' ? ' The setting is managed by a declarative policy: update and re-apply the organization policy.' : ''),
        details: { state: s.state, wanted, managedBy: s.managedBy ?? null },
      });
    }
    return out;
  },
});
