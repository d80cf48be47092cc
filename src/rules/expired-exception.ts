/** An instance relying on a publisher whose time-bound exception has expired. */
import { defineRule, type FindingDraft } from './types.js';
import { plural } from '../util/format.js';
import {
  describeBlockedBy,
  imageText,
  instanceDetails,
  instanceFindingBase,
  instanceText,
  ownerText,
  type InstanceDetails,
} from './context.js';
import { judgeInstanceLaunch } from './launch-verdict.js';
import { replaceImage, requestException } from '../remediation/common.js';

type Details = InstanceDetails & {
  exceptionAccountId: string;
  exceptionReason: string;
  ticket: string;
  approvedBy: string;
  expiryDate: string;
  daysSinceExpiry: number;
};

const messages = {
  expired:
    'Instance {{instance}} ({{state}}) runs AMI {{image}} from {{owner}}, approved only by the exception "{{reason}}" (ticket {{ticket}}), ' +
    'which expired on {{expiryDate}} ({{daysAgo}} ago as of {{asOf}}). Move it to an approved AMI or renew the exception; {{blockedBy}}.',
};

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
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const inst of index.liveInstances) {
      const judged = judgeInstanceLaunch(index, allowlist, inst);
      if (judged.kind !== 'refused' || !judged.verdict.expired) continue;
      const { img, blockedBy } = judged;
      const e = judged.verdict.expired;
      const ago = -e.daysLeft;
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: 'fail',
        blockedBy,
        messageId: 'expired',
        data: {
          instance: instanceText(inst),
          state: inst.state,
          image: imageText(img),
          owner: ownerText(img),
          reason: e.reason,
          ticket: e.ticket,
          expiryDate: e.expiryDate,
          daysAgo: `${plural(ago, 'day')}`,
          asOf: allowlist.asOf,
          blockedBy: describeBlockedBy(blockedBy),
        },
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
  remediate: (f, ctx) => [...replaceImage(ctx, f), requestException(ctx)],
});
