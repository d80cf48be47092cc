/**
 * Production instances and the approval tag (default Environment=Prod; exact, case-sensitive match, as
 * IAM's StringEquals on ec2:ResourceTag), judged as IAM evaluates it. An AMI's tags exist once per account:
 * - EC2 User Guide (tagging): "When you tag public or shared resources, the tags you assign are available
 *   only to your AWS account; no other AWS account will have access to those tags. For tag-based access
 *   control to shared resources, each AWS account must assign its own set of tags to control access to the
 *   resource."
 * - EC2 User Guide (sharing an AMI): "You can't share user-defined tags (tags that you attach to an AMI).
 *   When you share an AMI, your user-defined tags are not available to any AWS account in an organization
 *   or OU with which the AMI is shared."
 * So two questions, answered apart (docs/rules/prod-ami-not-tagged.md):
 * - approval: did an approved publisher (the owner) tag the AMI approved? The owner's view (Image.tags, from
 *   its own listing; unknown when the owner was not scanned).
 * - launchability: does the launching account carry the tag itself? Its own view (Image.accountTags), which
 *   is what ec2:ResourceTag on the image of RunInstances sees in that account.
 * An approval tag in the launching account that no approved owner granted is a spoofed approval (high).
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
import { opsAccount, replaceImage, targetOf } from '../remediation/common.js';

/** The collector that reads each launching account's own tags on the images it uses. */
const ACCOUNT_TAGS_COLLECTOR = 'launching-account-image-tags';

type Approval = 'approved' | 'not-approved-owner' | 'not-tagged-by-owner' | 'cannot-verify';
type LaunchTag = 'present' | 'missing' | 'cannot-verify';

type Details = InstanceDetails & {
  /** Why the instance counts as production. */
  production: string;
  /** The approval tag, e.g. "Environment=Prod" ("|" between several values). */
  approvalTag: string;
  ownerKind: PublisherKind | 'alias' | 'unapproved';
  /** Approval: did an approved publisher (the owner) tag the AMI approved, in its own account? */
  approval: Approval;
  /** Launchability: does the launching account carry the approval tag itself (what its IAM condition sees)? */
  launchTag: LaunchTag;
  /** The owner's value of the tag key (null: no such tag; absent: not visible). */
  amiTagValue?: string | null;
  /** The launching account's own value of the tag key (null: no such tag; absent: not read). */
  accountTagValue?: string | null;
};

const WHO = 'Production instance {{instance}} ({{production}})';
const NOT_VISIBLE = 'Cannot verify production instance {{instance}} ({{production}}): the tags of AMI {{image}} are visible only to its owner {{owner}}, ';
const DENY = 'the production tag policy will deny relaunch and scale-out of this instance in this account';
const messages = {
  /** Neither view is known: the owner was not scanned and the launching account's tags were not read. */
  tagsNotVisible: `${NOT_VISIBLE}which was not scanned, and the tags account {{account}} has on it were not read. Check the AMI for {{wanted}} in the owner account.`,
  tagsNotVisibleUnverified: `${NOT_VISIBLE}and the image could not be checked: {{reason}}. Re-run the scan (amigov scan), or check the AMI for {{wanted}} in the owner account.`,
  /** The image is unavailable or unknown ({{availability}}). */
  tagsNotVisibleImageGone: `${NOT_VISIBLE}and the image is {{availability}}: {{reason}}. Check the AMI for {{wanted}} in the owner account.`,
  /** Approval fails: the approved owner did not tag it. */
  missingTag: `${WHO} runs AMI {{image}} from {{owner}}, which has no {{key}} tag in its owner account (approved: {{wanted}}, exact match).`,
  /** {{value}} is JSON-quoted. */
  wrongTag: `${WHO} runs AMI {{image}} from {{owner}}, which is tagged {{key}}={{value}} in its owner account (approved: {{wanted}}, exact match).`,
  notApprovedOwner: `${WHO} runs AMI {{image}} from {{owner}}, which is not an approved publisher: no tag can approve it for production.`,
  /** Launchability fails: approved by its owner, not tagged in the launching account. */
  notPropagated: `${WHO} runs AMI {{image}}, approved by its owner {{owner}} ({{wanted}}), but in account {{account}} the AMI has {{accountTag}} (AMI tags are per account; the IAM condition sees only this account's): ${DENY}.`,
  notTaggedInAccount: `${WHO} runs AMI {{image}} from {{owner}}, whose own tags are not visible (the owner was not scanned), and in account {{account}} the AMI has {{accountTag}}: ${DENY}.`,
  /** Spoofed approvals (high): the launching account carries an approval no approved owner granted. */
  spoofedUnapprovedOwner: `Spoofed approval: ${WHO} runs AMI {{image}} from {{owner}}, which is not an approved publisher, yet account {{account}} has tagged it {{wanted}} itself. A tag-only policy lets it launch in production; remove the tag and restrict ec2:CreateTags on images.`,
  spoofedNotApprovedByOwner: `Spoofed approval: ${WHO} runs AMI {{image}} from {{owner}}, which has not approved it (the owner's AMI has {{ownerTag}}), yet account {{account}} has tagged it {{wanted}} itself. Remove the tag and restrict ec2:CreateTags on images.`,
  /** cannot-verify: the launching account carries the tag, the owner's approval is not visible. */
  approvalNotVisible: `Cannot verify production instance {{instance}} ({{production}}): account {{account}} tagged AMI {{image}} {{wanted}}, but whether its owner {{owner}} approved it is not visible (its tags are visible only to the owner, which was not scanned). Check the AMI for {{wanted}} in the owner account.`,
  /** cannot-verify: approved by the owner, the launching account's tags were not read ({{reason}}). */
  accountTagsUnknown: `Cannot verify production instance {{instance}} ({{production}}): AMI {{image}} is approved by its owner {{owner}}, but the tags account {{account}} has on it were not read ({{reason}}), so whether the production tag policy lets it relaunch there is unknown. Re-run the scan.`,
};

type MessageId = keyof typeof messages;

/** "no Environment tag" or 'Environment="prod"' / 'Environment="Prod"'. */
const tagText = (key: string, value: string | undefined) => (value === undefined ? `no ${key} tag` : `${key}=${JSON.stringify(value)}`);

export default defineRule({
  meta: {
    id: 'prod-ami-not-tagged',
    title: 'Production instance runs an AMI without the approval tag',
    severity: 'medium',
    cannotVerifySeverity: 'low',
    description:
      'A production instance (instance tag, or an account or OU the config names as production) whose AMI was not approved by an approved publisher ' +
      '(policy_config.approved_ami_tag, default Environment=Prod, in the owner account), or does not carry the tag in the launching account, where the ' +
      'IAM condition evaluates it (AMI tags are per account). An approval tag set by the launching account on an AMI no approved owner approved is a ' +
      'spoofed approval (high). When a view is not visible the finding is cannot-verify.',
    docs: 'docs/rules/prod-ami-not-tagged.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images', ACCOUNT_TAGS_COLLECTOR, 'organization'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, MessageId>[] = [];
    const { key, values } = allowlist.approvedAmiTag;
    const wanted = `${key}=${values.join('|')}`;
    const approves = (v: string | undefined) => v !== undefined && values.includes(v);
    for (const inst of index.liveInstances) {
      const why = productionReason(inst, index, allowlist);
      if (!why) continue;
      const img = resolveInstanceImage(index, inst);
      const verdict = judgeImageOwner(allowlist, img);
      const base = instanceFindingBase(inst, img, allowlist);
      const account = inst.accountId;

      // The owner's view (approval) and the launching account's own view (launchability).
      const ownerValue = img.tagsVisible ? tagValue(img.tags, key) : undefined;
      const ownAccount = img.ownerId !== undefined && img.ownerId === account;
      const accountTags = ownAccount ? (img.tagsVisible ? img.tags : undefined) : img.record?.accountTags && Object.hasOwn(img.record.accountTags, account) ? img.record.accountTags[account] : undefined;
      const accountValue = accountTags ? tagValue(accountTags, key) : undefined;
      const approval: Approval = !verdict.approved ? 'not-approved-owner' : !img.tagsVisible ? 'cannot-verify' : approves(ownerValue) ? 'approved' : 'not-tagged-by-owner';
      const launchTag: LaunchTag = accountTags === undefined ? 'cannot-verify' : approves(accountValue) ? 'present' : 'missing';

      const details: Details = {
        ...instanceDetails(inst),
        production: why,
        approvalTag: wanted,
        ownerKind: verdict.approved ? verdict.via : 'unapproved',
        approval,
        launchTag,
        ...(img.tagsVisible ? { amiTagValue: ownerValue ?? null } : {}),
        ...(accountTags ? { accountTagValue: accountValue ?? null } : {}),
      };
      const data = { instance: instanceText(inst), production: why, image: imageText(img), owner: ownerText(img), wanted, account };
      const tags = {
        ...base.tags,
        ...(ownerValue !== undefined ? { [`ami:${key}`]: ownerValue } : {}),
        ...(accountValue !== undefined && !ownAccount ? { [`ami-in-account:${key}`]: accountValue } : {}),
      };
      const push = (status: 'fail' | 'cannot-verify', messageId: MessageId, extra: Record<string, string> = {}, severity?: 'high') =>
        out.push({ ...base, tags, status, ...(severity ? { severity } : {}), messageId, data: { ...data, ...extra }, details });

      // The image is gone or unverified and its owner's tags are not visible: nothing can be judged.
      if (img.availability !== 'ok' && !img.tagsVisible) {
        const reason = img.availabilityReason ?? 'no reason recorded';
        if (img.availability === 'unverified') push('cannot-verify', 'tagsNotVisibleUnverified', { reason });
        else push('cannot-verify', 'tagsNotVisibleImageGone', { availability: img.availability, reason });
        continue;
      }
      if (launchTag === 'present' && (approval === 'not-approved-owner' || approval === 'not-tagged-by-owner')) {
        if (approval === 'not-approved-owner') push('fail', 'spoofedUnapprovedOwner', {}, 'high');
        else push('fail', 'spoofedNotApprovedByOwner', { ownerTag: tagText(key, ownerValue) }, 'high');
        continue;
      }
      if (approval === 'not-approved-owner') {
        push('fail', 'notApprovedOwner');
        continue;
      }
      if (approval === 'not-tagged-by-owner') {
        if (ownerValue === undefined) push('fail', 'missingTag', { key });
        else push('fail', 'wrongTag', { key, value: JSON.stringify(ownerValue) });
        continue;
      }
      if (approval === 'approved') {
        if (launchTag === 'missing') push('fail', 'notPropagated', { accountTag: tagText(key, accountValue) });
        else if (launchTag === 'cannot-verify') {
          const degraded = index.coverage(account, inst.region)?.degraded?.[ACCOUNT_TAGS_COLLECTOR];
          push('cannot-verify', 'accountTagsUnknown', {
            reason: degraded ?? `DescribeImages in account ${account} did not return the image, or this inventory was written before amigov read each account's own tags`,
          });
        }
        continue;
      }
      // approval cannot be verified: the owner (an approved publisher) was not scanned.
      if (launchTag === 'missing') push('fail', 'notTaggedInAccount', { accountTag: tagText(key, accountValue) });
      else if (launchTag === 'present') push('cannot-verify', 'approvalNotVisible');
      else push('cannot-verify', 'tagsNotVisible');
    }
    return out;
  },
  remediate(f, ctx) {
    if (!f.imageId) return [];
    const owner = f.imageOwnerId;
    const { key, values } = ctx.allowlist.approvedAmiTag;
    const value = values[0]!;
    const here = targetOf(f); // the launching account x region: where the tag the IAM condition sees must be
    const { approval, launchTag, accountTagValue } = f.details;
    switch (f.messageId) {
      case 'spoofedUnapprovedOwner':
      case 'spoofedNotApprovedByOwner': {
        const out = [cmd.deleteImageTag(ctx.env, here, f.imageId, key, accountTagValue ?? value), cmd.restrictImageTaggingPointer()];
        return approval === 'not-approved-owner' ? [...out, ...replaceImage(ctx, f)] : out;
      }
      case 'notPropagated':
      case 'notTaggedInAccount': {
        const out = [cmd.tagImageInAccount(ctx.env, here, f.imageId, key, value)];
        return f.messageId === 'notTaggedInAccount' && owner ? [...out, cmd.describeImageTags(ctx.env, { accountId: owner, region: f.region }, f.imageId)] : out;
      }
      case 'missingTag':
      case 'wrongTag': {
        if (owner !== opsAccount(ctx)) return replaceImage(ctx, f);
        // A golden AMI that was never approved: the publisher approves it where it lives, after a person
        // approves; then the tag must also reach the launching account (the IAM condition sees only its own).
        const out = [cmd.tagImageApproved(ctx.env, { accountId: owner, region: f.region }, f.imageId, key, value)];
        if (launchTag !== 'present' && f.accountId !== owner) out.push(cmd.tagImageInAccount(ctx.env, here, f.imageId, key, value));
        return out;
      }
      case 'notApprovedOwner':
        return replaceImage(ctx, f);
      case 'accountTagsUnknown':
        return [cmd.describeImageTagsInAccount(ctx.env, here, f.imageId)];
      default:
        // The owner's tags are not visible: look in the owner account.
        return owner ? [cmd.describeImageTags(ctx.env, { accountId: owner, region: f.region }, f.imageId)] : [];
    }
  },
});
