/**
 * An instance or launch template relying on an exception that expires within the warning window
 * (policy_config.expiry_warning_days): what stops being compliant, and when.
 */
import { judgedImageId } from './launch-verdict.js';
import { defineRule, type FindingDraft } from './types.js';
import { plural } from '../util/format.js';
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
  type InstanceDetails,
} from './context.js';
import type { ExceptionStatus } from '../config/allowlist.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, replaceImage, requestException, targetOf } from '../remediation/common.js';

type ExceptionDetails = { exceptionAccountId: string; exceptionReason: string; ticket: string; expiryDate: string; daysLeft: number; warningDays: number };
/** An instance's details, or a launch template's: its versions on the AMI ("1:default"), and the one a fix starts from. */
type Details = ExceptionDetails & (InstanceDetails | { launchTemplateName: string; versions: readonly string[]; sourceVersion: number });

const EXPIRY = 'approved by the exception "{{reason}}" (ticket {{ticket}}), valid through {{expiryDate}} ({{left}}); from {{dayAfter}} it is no longer approved';
const messages = {
  instance:
    `Instance {{instance}} runs AMI {{image}} from {{owner}}, ${EXPIRY}: then it can no longer be relaunched or scaled out from this AMI. ` +
    'Move it to an approved AMI or renew the exception.',
  launchTemplate: `Launch template {{launchTemplate}} ({{name}}) {{versions}}, ${EXPIRY}: scale-out from it fails after that.`,
};

/** The data of the expiry clause. */
function expiry(e: ExceptionStatus) {
  return {
    reason: e.reason,
    ticket: e.ticket,
    expiryDate: e.expiryDate,
    left: e.daysLeft === 0 ? 'today is its last day' : `${plural(e.daysLeft, 'day')} left`,
    dayAfter: addDays(e.expiryDate, 1),
  };
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
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const expiring = new Map(allowlist.expiringExceptions.map((e) => [e.accountId, e]));
    if (expiring.size === 0) return [];
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const detailsOf = (e: ExceptionStatus): ExceptionDetails => ({
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
        messageId: 'instance',
        data: { instance: instanceText(inst), image: imageText(img), owner: ownerText(img), ...expiry(e) },
        details: { ...instanceDetails(inst), ...detailsOf(e) },
      });
    }
    for (const lt of inventory.launchTemplates) {
      const hits = launchTemplateVersions(lt).flatMap((v) => {
        const imageId = judgedImageId(v.image); // an AMI id, or the AMI a resolved SSM parameter names
        if (!imageId) return [];
        const img = resolveImageById(index, lt.region, imageId);
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
        messageId: 'launchTemplate',
        data: {
          launchTemplate: lt.launchTemplateId,
          name: JSON.stringify(lt.launchTemplateName),
          versions: hits.map((h) => `version ${h.v.versionNumber} (${h.v.label}) launches ${imageText(h.img)}`).join(' and '),
          ...expiry(first.e),
        },
        details: {
          launchTemplateName: lt.launchTemplateName,
          versions: hits.map((h) => `${h.v.versionNumber}:${h.v.label}`),
          sourceVersion: first.v.versionNumber,
          ...detailsOf(first.e),
        },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const { details } = f;
    if (!('sourceVersion' in details)) return [...replaceImage(ctx, f), requestException(ctx)];
    // A launch template: a new version on the replacement, from the version that launches the AMI.
    const t = targetOf(f);
    return [
      cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx)),
      cmd.describeLaunchTemplateVersions(ctx.env, t, f.resourceId),
      cmd.createLaunchTemplateVersion(ctx.env, t, f.resourceId, details.sourceVersion, f.imageId),
      requestException(ctx),
    ];
  },
});
