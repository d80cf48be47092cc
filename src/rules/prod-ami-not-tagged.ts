/**
 * A production instance whose AMI lacks the approval tag (default Environment=Prod; exact,
 * case-sensitive match, as IAM's StringEquals on ec2:ResourceTag). AMI tags are visible only to the
 * owner account: when the owner was not scanned the answer is "cannot verify", never a false violation
 * (the trap AWS Config's approved-amis-by-tag falls into with shared golden AMIs).
 */
import { tagValue } from '../util/tags.js';
import { defineRule, type FindingDraft } from './types.js';
import {
  imageText,
  instanceDetails,
  instanceFindingBase,
  instanceText,
  judgeImageOwner,
  ownerText,
  productionReason,
  resolveInstanceImage,
  type InstanceDetails,
} from './context.js';
import type { PublisherKind } from '../config/allowlist.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, replaceImage } from '../remediation/common.js';

type Details = InstanceDetails & {
  /** Why the instance counts as production. */
  production: string;
  /** The approval tag, e.g. "Environment=Prod" ("|" between several values). */
  approvalTag: string;
  ownerKind: PublisherKind | 'alias' | 'unapproved';
  /** The AMI's value of the tag key (fail findings). */
  amiTagValue?: string | null;
};

const NOT_VISIBLE = 'Cannot verify production instance {{instance}} ({{production}}): the tags of AMI {{image}} are visible only to its owner {{owner}}, ';
const messages = {
  /** The owner account was not scanned. */
  tagsNotVisible: `${NOT_VISIBLE}which was not scanned. Check the AMI for {{wanted}} in the owner account.`,
  tagsNotVisibleUnverified: `${NOT_VISIBLE}and the image could not be checked: {{reason}}. Re-run the scan (amigov scan), or check the AMI for {{wanted}} in the owner account.`,
  /** The image is unavailable or unknown ({{availability}}). */
  tagsNotVisibleImageGone: `${NOT_VISIBLE}and the image is {{availability}}: {{reason}}. Check the AMI for {{wanted}} in the owner account.`,
  missingTag: 'Production instance {{instance}} ({{production}}) runs AMI {{image}} from {{owner}}, which has no {{key}} tag (approved: {{wanted}}, exact match).',
  /** {{value}} is JSON-quoted. */
  wrongTag: 'Production instance {{instance}} ({{production}}) runs AMI {{image}} from {{owner}}, which is tagged {{key}}={{value}} (approved: {{wanted}}, exact match).',
};

export default defineRule({
  meta: {
    id: 'prod-ami-not-tagged',
    title: 'Production instance runs an AMI without the approval tag',
    severity: 'medium',
    cannotVerifySeverity: 'low',
    description:
      'A production instance (instance tag, or an account or OU the config names as production) whose AMI does not carry the approved tag ' +
      '(policy_config.approved_ami_tag, default Environment=Prod). When the AMI\'s tags are not visible (its owner was not scanned) the finding is cannot-verify.',
    docs: 'docs/rules/prod-ami-not-tagged.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images', 'organization'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const { key, values } = allowlist.approvedAmiTag;
    const wanted = `${key}=${values.join('|')}`;
    for (const inst of index.liveInstances) {
      const why = productionReason(inst, index, allowlist);
      if (!why) continue;
      const img = resolveInstanceImage(index, inst);
      const verdict = judgeImageOwner(allowlist, img);
      const base = instanceFindingBase(inst, img, allowlist);
      const details: Details = {
        ...instanceDetails(inst),
        production: why,
        approvalTag: wanted,
        ownerKind: verdict.approved ? verdict.via : 'unapproved',
      };
      const data = { instance: instanceText(inst), production: why, image: imageText(img), owner: ownerText(img), wanted };
      if (!img.tagsVisible) {
        const reason = img.availabilityReason ?? 'no reason recorded';
        out.push({
          ...base,
          status: 'cannot-verify',
          ...(img.availability === 'ok'
            ? { messageId: 'tagsNotVisible', data }
            : img.availability === 'unverified'
              ? { messageId: 'tagsNotVisibleUnverified', data: { ...data, reason } }
              : { messageId: 'tagsNotVisibleImageGone', data: { ...data, availability: img.availability, reason } }),
          details,
        });
        continue;
      }
      const actual = tagValue(img.tags, key);
      if (actual !== undefined && values.includes(actual)) continue;
      out.push({
        ...base,
        tags: { ...base.tags, ...(actual !== undefined ? { [`ami:${key}`]: actual } : {}) },
        status: 'fail',
        ...(actual === undefined ? { messageId: 'missingTag', data: { ...data, key } } : { messageId: 'wrongTag', data: { ...data, key, value: JSON.stringify(actual) } }),
        details: { ...details, amiTagValue: actual ?? null },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    if (!f.imageId) return [];
    const owner = f.imageOwnerId;
    const { key, values } = ctx.allowlist.approvedAmiTag;
    if (f.status === 'cannot-verify') {
      return owner ? [cmd.describeImageTags(ctx.env, { accountId: owner, region: f.region }, f.imageId)] : [];
    }
    if (owner === opsAccount(ctx) && values[0] !== undefined) {
      // An approved golden AMI that was never tagged: tag it where it lives, after a person approves.
      return [cmd.tagImageApproved(ctx.env, { accountId: owner, region: f.region }, f.imageId, key, values[0])];
    }
    return replaceImage(ctx, f);
  },
});
