/** An instance relying on a publisher whose time-bound exception has expired. */
import { defineRule, type FindingDraft } from './types.js';
import {
  blockedByFor,
  describeBlockedBy,
  imageText,
  instanceDetails,
  instanceFindingBase,
  instanceText,
  judgeImageOwner,
  ownerText,
  resolveInstanceImage,
} from './context.js';

export default defineRule({
  meta: {
    id: 'expired-exception',
    title: 'Instance relies on an expired publisher exception',
    severity: 'high',
    description:
      'A running or stopped instance whose AMI owner was approved only by a time-bound exception that has expired (valid through the end of its expiry date, UTC). ' +
      'The generated policies no longer list that publisher.',
    docs: 'docs/rules/expired-exception.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images'],
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft[] = [];
    for (const inst of index.liveInstances) {
      const img = resolveInstanceImage(index, inst);
      const verdict = judgeImageOwner(allowlist, img);
      if (verdict.approved || !verdict.expired) continue;
      const e = verdict.expired;
      const blockedBy = blockedByFor(inst.accountId, img.ownerId, verdict);
      const ago = -e.daysLeft;
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: 'fail',
        blockedBy,
        message:
          `Instance ${instanceText(inst)} (${inst.state}) runs AMI ${imageText(img)} from ${ownerText(img)}, approved only by the exception ` +
          `"${e.reason}" (ticket ${e.ticket}), which expired on ${e.expiryDate} (${ago} day${ago === 1 ? '' : 's'} ago as of ${allowlist.asOf}). ` +
          `Move it to an approved AMI or renew the exception; ${describeBlockedBy(blockedBy)}.`,
        details: {
          ...instanceDetails(inst),
          exceptionAccountId: e.accountId,
          exceptionReason: e.reason,
          ticket: e.ticket,
          approvedBy: e.approvedBy,
          expiryDate: e.expiryDate,
          daysSinceExpiry: ago,
        },
      });
    }
    return out;
  },
});
