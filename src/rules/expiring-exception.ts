/**
 * An instance or launch template relying on an exception that expires within the warning window
 * (policy_config.expiry_warning_days): what stops being compliant, and when.
 */
import { defineRule, type FindingDraft } from './types.js';
import { addDays } from '../util/dates.js';
import {
  imageText,
  instanceDetails,
  instanceFindingBase,
  instanceText,
  judgeImageOwner,
  launchTemplateVersions,
  ownerText,
  resolveImageById,
  resolveInstanceImage,
} from './context.js';
import type { ExceptionStatus } from '../config/allowlist.js';

function when(e: ExceptionStatus): string {
  const left = e.daysLeft === 0 ? 'today is its last day' : `${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'} left`;
  return `valid through ${e.expiryDate} (${left}); from ${addDays(e.expiryDate, 1)} it is no longer approved`;
}

export default defineRule({
  meta: {
    id: 'expiring-exception',
    title: 'Relies on a publisher exception that expires soon',
    severity: 'medium',
    description:
      'A running or stopped instance, or a launch template, whose AMI owner is approved only by an exception that expires within the warning window ' +
      '(policy_config.expiry_warning_days, default 14 days).',
    docs: 'docs/rules/expiring-exception.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images', 'launch-templates'],
  },
  evaluate(inventory, { index, allowlist }) {
    const expiring = new Map(allowlist.expiringExceptions.map((e) => [e.accountId, e]));
    if (expiring.size === 0) return [];
    const out: FindingDraft[] = [];
    const detailsOf = (e: ExceptionStatus) => ({
      exceptionAccountId: e.accountId,
      exceptionReason: e.reason,
      ticket: e.ticket,
      expiryDate: e.expiryDate,
      daysLeft: e.daysLeft,
      warningDays: allowlist.warningDays,
    });
    for (const inst of index.liveInstances) {
      const img = resolveInstanceImage(index, inst);
      const verdict = judgeImageOwner(allowlist, img);
      if (!verdict.approved || verdict.via !== 'exception' || !img.ownerId) continue;
      const e = expiring.get(img.ownerId);
      if (!e) continue;
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: 'fail',
        message:
          `Instance ${instanceText(inst)} runs AMI ${imageText(img)} from ${ownerText(img)}, approved by the exception "${e.reason}" (ticket ${e.ticket}), ` +
          `${when(e)}: then it can no longer be relaunched or scaled out from this AMI. Move it to an approved AMI or renew the exception.`,
        details: { ...instanceDetails(inst), ...detailsOf(e) },
      });
    }
    for (const lt of inventory.launchTemplates) {
      const hits = launchTemplateVersions(lt).flatMap((v) => {
        if (v.image.kind !== 'ami') return [];
        const img = resolveImageById(index, lt.region, v.image.imageId);
        const e = img?.ownerId ? expiring.get(img.ownerId) : undefined;
        return img && e && judgeImageOwner(allowlist, img).approved ? [{ v, img, e }] : [];
      });
      const first = hits[0];
      if (!first) continue;
      out.push({
        accountId: lt.accountId,
        region: lt.region,
        resourceType: 'launch-template',
        resourceId: lt.launchTemplateId,
        imageId: first.img.imageId,
        ...(first.img.name !== undefined ? { imageName: first.img.name } : {}),
        ...(first.img.ownerId !== undefined ? { imageOwnerId: first.img.ownerId } : {}),
        status: 'fail',
        message:
          `Launch template ${lt.launchTemplateId} (${JSON.stringify(lt.launchTemplateName)}) ` +
          hits.map((h) => `version ${h.v.versionNumber} (${h.v.label}) launches ${imageText(h.img)}`).join(' and ') +
          `, approved by the exception "${first.e.reason}" (ticket ${first.e.ticket}), ${when(first.e)}: scale-out from it fails after that.`,
        details: {
          launchTemplateName: lt.launchTemplateName,
          versions: hits.map((h) => `${h.v.versionNumber}:${h.v.label}`).join(','),
          sourceVersion: first.v.versionNumber,
          ...detailsOf(first.e),
        },
      });
    }
    return out;
  },
});
