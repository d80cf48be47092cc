/**
 * An instance whose AMI comes from a publisher the config does not approve: the audit-phase question
 * "what can no longer be relaunched or scaled out once Allowed AMIs is enabled".
 * Owners whose exception has expired are reported by expired-exception instead (with the ticket).
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

type Details = InstanceDetails & { selfOwned: boolean; imageAvailability: ImageAvailability };

const messages = {
  unapproved:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} owned by {{owner}}, which is not an approved publisher. ' +
    'Once enforcement is on it cannot be relaunched or scaled out from this AMI; {{blockedBy}}.',
  unapprovedSelfOwned:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} owned by {{owner}}, this account itself, which is not an approved publisher. ' +
    'Once enforcement is on it cannot be relaunched or scaled out from this AMI; {{blockedBy}}.',
};

export default defineRule({
  meta: {
    id: 'unapproved-publisher',
    title: 'Instance runs an AMI from an unapproved publisher',
    severity: 'high',
    description:
      'A running or stopped instance whose AMI owner is not an approved provider (ops publisher, vendors, unexpired exceptions, configured aliases). ' +
      'Once Allowed AMIs is enabled and the SCP is in force it cannot be relaunched or scaled out from that AMI.',
    docs: 'docs/rules/unapproved-publisher.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const inst of index.liveInstances) {
      const judged = judgeInstanceLaunch(index, allowlist, inst);
      // owner-unknown: unknown-image reports it; an expired exception: expired-exception does, with its ticket.
      if (judged.kind !== 'refused' || judged.verdict.expired) continue;
      const { img, blockedBy } = judged;
      const selfOwned = img.ownerId === inst.accountId;
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: 'fail',
        blockedBy,
        messageId: selfOwned ? 'unapprovedSelfOwned' : 'unapproved',
        data: { instance: instanceText(inst), state: inst.state, image: imageText(img), owner: ownerText(img), blockedBy: describeBlockedBy(blockedBy) },
        details: { ...instanceDetails(inst), selfOwned, imageAvailability: img.availability },
      });
    }
    return out;
  },
  remediate: (f, ctx) => [...replaceImage(ctx, f), requestException(ctx)],
});
