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
} from './context.js';

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
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft[] = [];
    const { key, values } = allowlist.approvedAmiTag;
    const wanted = `${key}=${values.join('|')}`;
    for (const inst of index.liveInstances) {
      const why = productionReason(inst, index, allowlist);
      if (!why) continue;
      const img = resolveInstanceImage(index, inst);
      const verdict = judgeImageOwner(allowlist, img);
      const base = instanceFindingBase(inst, img, allowlist);
      const details = {
        ...instanceDetails(inst),
        production: why,
        approvalTag: wanted,
        ownerKind: verdict.approved ? verdict.via : 'unapproved',
      };
      if (!img.tagsVisible) {
        out.push({
          ...base,
          status: 'cannot-verify',
          message:
            `Cannot verify production instance ${instanceText(inst)} (${why}): the tags of AMI ${imageText(img)} are visible only to its owner ${ownerText(img)}, ` +
            (img.availability === 'ok'
              ? `which was not scanned. Check the AMI for ${wanted} in the owner account.`
              : img.availability === 'unverified'
                ? `and the image could not be checked: ${img.availabilityReason}. Re-run the scan (amigov scan), or check the AMI for ${wanted} in the owner account.`
                : `and the image is ${img.availability}: ${img.availabilityReason}. Check the AMI for ${wanted} in the owner account.`),
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
        message:
          `Production instance ${instanceText(inst)} (${why}) runs AMI ${imageText(img)} from ${ownerText(img)}, which ` +
          (actual === undefined ? `has no ${key} tag` : `is tagged ${key}=${JSON.stringify(actual)}`) +
          ` (approved: ${wanted}, exact match).`,
        details: { ...details, amiTagValue: actual ?? null },
      });
    }
    return out;
  },
});
