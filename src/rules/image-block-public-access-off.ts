/**
 * An account x region where image block public access is not `block-new-sharing` while the config
 * wants it. Only account x regions that were scanned are judged; an `unknown` state (the API failed or
 * is unsupported) is reported as cannot-verify, never as a violation and never as a pass.
 */
import { defineRule, type FindingDraft } from './types.js';
import type { ImageBlockPublicAccessState } from '../model/inventory.js';
import * as cmd from '../remediation/commands.js';
import { organizationPolicyFix, targetOf } from '../remediation/common.js';

/** reason: why the state is unknown; managedBy: who manages the setting ("declarative-policy" or the account). */
type Details = { state: ImageBlockPublicAccessState; reason?: string; managedBy?: string | null };

const OFF = 'Image block public access is {{state}} in {{accountId}} {{region}}: AMIs there can be made public.';
const messages = {
  unknown: 'Cannot verify image block public access in {{accountId}} {{region}}: the state is unknown ({{reason}}).',
  off: `${OFF} Enable it with state block-new-sharing.`,
  offManagedByPolicy: `${OFF} It is managed by a declarative policy, so fix it in the organization policy (amigov policy generate).`,
};

export default defineRule({
  meta: {
    id: 'image-block-public-access-off',
    title: 'Image block public access is off',
    severity: 'high',
    cannotVerifySeverity: 'low',
    description:
      'An account x region where EC2 image block public access is not in state block-new-sharing although policy_config.image_block_public_access asks for it: ' +
      'any AMI there can be made public.',
    docs: 'docs/rules/image-block-public-access-off.md',
    reads: ['image-block-public-access'],
    messages,
  },
  evaluate(_inventory, { index, options }) {
    if (options.imageBlockPublicAccess === 'unblocked') return [];
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const { accountId, region } of index.judgeableRegions) {
      const s = index.regionSettings(accountId, region)?.imageBlockPublicAccess;
      const base = { accountId, region, resourceType: 'account-region' as const, resourceId: 'image-block-public-access' };
      if (!s || s.state === 'unknown') {
        out.push({
          ...base,
          status: 'cannot-verify',
          messageId: 'unknown',
          data: { accountId, region, reason: s?.reason ?? 'not collected' },
          details: { state: 'unknown', reason: s?.reason ?? 'not collected' },
        });
        continue;
      }
      if (s.state === 'block-new-sharing') continue;
      const byPolicy = s.managedBy === 'declarative-policy';
      out.push({
        ...base,
        status: 'fail',
        messageId: byPolicy ? 'offManagedByPolicy' : 'off',
        data: { state: s.state, accountId, region },
        details: { state: s.state, managedBy: s.managedBy ?? null },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const t = targetOf(f);
    if (f.status !== 'fail') return [{ ...cmd.verifyImageBlockPublicAccess(ctx.env, t), title: 'Look up the image block public access state', kind: 'investigate' }];
    // "ManagedBy: declarative-policy": the account-level enable call does not change what the organization's policy sets.
    if (f.details.managedBy === 'declarative-policy') return [...organizationPolicyFix(ctx, f.accountId), cmd.verifyImageBlockPublicAccess(ctx.env, t)];
    return [cmd.enableImageBlockPublicAccess(ctx.env, t, false), cmd.verifyImageBlockPublicAccess(ctx.env, t)];
  },
});
