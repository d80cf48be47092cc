/**
 * An instance whose AMI enforcement will refuse: from a publisher the config does not approve, or from an
 * approved one but outside the Allowed AMIs image criteria of policy_config.image_criteria (name, age,
 * deprecation, product code): the audit-phase question "what can no longer be relaunched or scaled out once
 * Allowed AMIs is enabled". Owners whose exception has expired are reported by expired-exception instead.
 */
import { defineRule, type FindingDraft } from './types.js';
import {
  describeBlockedBy,
  imageText,
  instanceDetails,
  instanceFindingBase,
  instanceText,
  ownerText,
  type ImageAvailability,
  type InstanceDetails,
} from './context.js';
import { judgeInstanceLaunch } from './launch-verdict.js';
import { replaceImage, requestException } from '../remediation/common.js';

type Details = InstanceDetails & { selfOwned: boolean; imageAvailability: ImageAvailability; failedConditions?: string[] };

const messages = {
  unapproved:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} owned by {{owner}}, which is not an approved publisher. ' +
    'Once enforcement is on it cannot be relaunched or scaled out from this AMI; {{blockedBy}}.',
  unapprovedSelfOwned:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} owned by {{owner}}, this account itself, which is not an approved publisher. ' +
    'Once enforcement is on it cannot be relaunched or scaled out from this AMI; {{blockedBy}}.',
  criteriaNotMet:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} from the approved publisher {{owner}}, but no Allowed AMIs image criterion allows the image: {{reason}}. ' +
    'Once Allowed AMIs is enabled it cannot be relaunched or scaled out from this AMI; {{blockedBy}}.',
  criteriaUnknown:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} from the approved publisher {{owner}}; whether the Allowed AMIs image criteria allow it cannot be judged: {{reason}}. ' +
    'Re-run the scan (amigov scan) so it records the image.',
};

export default defineRule({
  meta: {
    id: 'unapproved-publisher',
    title: 'Instance runs an AMI from an unapproved publisher',
    severity: 'high',
    description:
      'A running or stopped instance whose AMI owner is not an approved provider (ops publisher, vendors, unexpired exceptions, configured aliases), ' +
      'or whose AMI from an approved provider meets none of the configured Allowed AMIs image criteria (name, age, deprecation, product code). ' +
      'Once Allowed AMIs is enabled and the SCP is in force it cannot be relaunched or scaled out from that AMI.',
    docs: 'docs/rules/unapproved-publisher.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const inst of index.liveInstances) {
      // The shared judgement (launch-verdict.ts): an unknown owner is unknown-image's, an expired exception expired-exception's.
      const judged = judgeInstanceLaunch(index, allowlist, inst);
      if (judged.kind === 'allowed' || judged.kind === 'owner-unknown') continue;
      if (judged.kind === 'refused' && judged.verdict.expired) continue;
      const { img } = judged;
      const selfOwned = img.ownerId === inst.accountId;
      const base = { ...instanceFindingBase(inst, img, allowlist), details: { ...instanceDetails(inst), selfOwned, imageAvailability: img.availability } };
      const words = { instance: instanceText(inst), state: inst.state, image: imageText(img), owner: ownerText(img) };
      if (judged.kind === 'criteria-unknown') {
        out.push({ ...base, status: 'cannot-verify', messageId: 'criteriaUnknown', data: { ...words, reason: judged.reason } });
        continue;
      }
      const { verdict, blockedBy } = judged;
      if (verdict.failed === 'criteria') {
        out.push({
          ...base,
          status: 'fail',
          blockedBy,
          messageId: 'criteriaNotMet',
          data: { ...words, reason: verdict.reason, blockedBy: describeBlockedBy(blockedBy) },
          details: { ...base.details, failedConditions: verdict.conditions },
        });
        continue;
      }
      out.push({
        ...base,
        status: 'fail',
        blockedBy,
        messageId: selfOwned ? 'unapprovedSelfOwned' : 'unapproved',
        data: { ...words, blockedBy: describeBlockedBy(blockedBy) },
      });
    }
    return out;
  },
  // An exception approves a publisher; it cannot make an image meet the criteria, so criteria findings only get the replacement.
  remediate: (f, ctx) => [...replaceImage(ctx, f), ...(f.messageId === 'unapproved' || f.messageId === 'unapprovedSelfOwned' ? [requestException(ctx)] : [])],
});
