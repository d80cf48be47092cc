/**
 * One judgement of "can this launch path still launch its AMI once enforcement is on", for an instance and
 * for a launch template's judged versions. The rules that report it (unapproved-publisher,
 * expired-exception, launch-template-unapproved-ami) and the enforcement impact in findings.json
 * (computeImpact) both call it, so a count and the findings behind it can never disagree.
 */
import type { Instance, LaunchTemplate } from '../model/inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import {
  blockedByFor,
  imageText,
  judgeImageOwner,
  launchTemplateVersions,
  ownerText,
  resolveImageById,
  resolveInstanceImage,
  type BlockedBy,
  type InventoryIndex,
  type ResolvedImage,
} from './context.js';

type ProviderVerdict = ReturnType<typeof judgeImageOwner>;

export type InstanceLaunchVerdict =
  /** The owner is approved: enforcement lets the instance be relaunched from its AMI. */
  | { kind: 'allowed'; img: ResolvedImage }
  /** Neither owner id nor alias is known: the owner cannot be judged (unknown-image reports it). */
  | { kind: 'owner-unknown'; img: ResolvedImage }
  /** The owner is not approved (never listed, or its exception expired): the layer that refuses it. */
  | { kind: 'refused'; img: ResolvedImage; verdict: ProviderVerdict & { approved: false }; blockedBy: BlockedBy };

export function judgeInstanceLaunch(index: InventoryIndex, allowlist: ResolvedAllowlist, inst: Instance): InstanceLaunchVerdict {
  const img = resolveInstanceImage(index, inst);
  if (!img.ownerId && !img.ownerAlias) return { kind: 'owner-unknown', img };
  const verdict = judgeImageOwner(allowlist, img);
  if (verdict.approved) return { kind: 'allowed', img };
  return { kind: 'refused', img, verdict, blockedBy: blockedByFor(inst.accountId, img.ownerId, verdict) };
}

export type LaunchTemplateVersion = ReturnType<typeof launchTemplateVersions>[number];

export type VersionVerdict =
  | { kind: 'ok' }
  | { kind: 'fail'; text: string; img: ResolvedImage; blockedBy?: BlockedBy; reason: 'unapproved' | 'expired-exception' | 'unavailable' }
  | { kind: 'cannot-verify'; text: string; reason: 'ssm-parameter' | 'not-resolved' | 'lookup-failed' };

/** A launch template version's image: refused, unverifiable (SSM parameter, not resolved, lookup failed) or fine. */
export function judgeLaunchTemplateVersion(index: InventoryIndex, allowlist: ResolvedAllowlist, lt: LaunchTemplate, v: LaunchTemplateVersion): VersionVerdict {
  const label = `version ${v.versionNumber} (${v.label})`;
  if (v.image.kind === 'none') return { kind: 'ok' };
  if (v.image.kind === 'ssm') {
    return {
      kind: 'cannot-verify',
      reason: 'ssm-parameter',
      text: `${label} resolves its AMI from the SSM parameter ${JSON.stringify(v.image.parameter)} at launch time, so amigov cannot verify it`,
    };
  }
  const img = resolveImageById(index, lt.region, v.image.imageId);
  if (!img) return { kind: 'cannot-verify', reason: 'not-resolved', text: `${label} launches ${v.image.imageId}, which the scan did not resolve` };
  // The lookup failed (or was interrupted): AWS said nothing about the image, so it is not "gone".
  if (img.availability === 'unverified') return { kind: 'cannot-verify', reason: 'lookup-failed', text: `${label} launches ${imageText(img)}, which could not be checked: ${img.availabilityReason}` };
  if (img.availability !== 'ok') return { kind: 'fail', reason: 'unavailable', img, text: `${label} launches ${imageText(img)}, which is unavailable: ${img.availabilityReason}` };
  const pv = judgeImageOwner(allowlist, img);
  if (pv.approved) return { kind: 'ok' };
  const blockedBy = blockedByFor(lt.accountId, img.ownerId, pv);
  return pv.expired
    ? {
        kind: 'fail',
        reason: 'expired-exception',
        img,
        blockedBy,
        text: `${label} launches ${imageText(img)} from ${ownerText(img)}, whose exception (ticket ${pv.expired.ticket}) expired on ${pv.expired.expiryDate}`,
      }
    : { kind: 'fail', reason: 'unapproved', img, blockedBy, text: `${label} launches ${imageText(img)} from ${ownerText(img)}, not an approved publisher` };
}

export interface LaunchTemplateVerdict {
  /** Each judged version (default and latest, deduplicated) with its verdict. */
  judged: { v: LaunchTemplateVersion; verdict: VersionVerdict }[];
  /** fail when any version is refused or gone; cannot-verify when none is but one cannot be checked; else ok. */
  status: 'ok' | 'fail' | 'cannot-verify';
}

export function judgeLaunchTemplate(index: InventoryIndex, allowlist: ResolvedAllowlist, lt: LaunchTemplate): LaunchTemplateVerdict {
  const judged = launchTemplateVersions(lt).map((v) => ({ v, verdict: judgeLaunchTemplateVersion(index, allowlist, lt, v) }));
  const status = judged.some((j) => j.verdict.kind === 'fail') ? 'fail' : judged.some((j) => j.verdict.kind === 'cannot-verify') ? 'cannot-verify' : 'ok';
  return { judged, status };
}
