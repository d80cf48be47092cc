/**
 * A launch template whose default or latest version launches an AMI that will be refused once
 * enforcement starts (unapproved publisher, expired exception, or an image that is gone): the scale-out
 * that fails on enforcement day. An SSM-parameter image reference is resolved only at launch time, so it
 * is reported as unverifiable, never as compliant.
 */
import { defineRule, type FindingDraft } from './types.js';
import {
  blockedByFor,
  describeBlockedBy,
  imageText,
  judgeImage,
  launchTemplateVersions,
  ownerText,
  resolveImageById,
  type BlockedBy,
  type ResolvedImage,
} from './context.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, requestException, targetOf } from '../remediation/common.js';

type VersionVerdict =
  | { kind: 'ok' }
  | { kind: 'fail'; text: string; img?: ResolvedImage; blockedBy?: BlockedBy; reason: 'unapproved' | 'expired-exception' | 'unavailable' | 'criteria' }
  | { kind: 'cannot-verify'; text: string; reason: 'ssm-parameter' | 'not-resolved' | 'lookup-failed' | 'criteria-unknown' };

const LAYER_ORDER: BlockedBy[] = ['none', 'declarative-policy', 'scp', 'both'];

type VersionKey = 'default' | 'latest';
/** Per judged version (default and latest): its image reference and verdict; and the version a fix starts from. */
type Details = {
  launchTemplateName: string;
  defaultVersion: number | null;
  latestVersion: number | null;
} & { [K in `${VersionKey}Image`]?: string | null } & { [K in `${VersionKey}Verdict`]?: string } & { sourceVersion: number };

const TEMPLATE = 'Launch template {{launchTemplate}} ({{name}}): {{problems}}.';
const messages = {
  /** A version's AMI is refused by the policies (unapproved, expired exception), perhaps beside one that is gone. */
  refused: `${TEMPLATE} Scale-out from it fails once enforcement starts ({{blockedBy}}).`,
  /** Only gone AMIs: no policy layer involved. */
  unavailable: `${TEMPLATE} Scale-out from it fails once enforcement starts.`,
  lookupFailed: `${TEMPLATE} Re-run the scan (amigov scan) to check the AMI; until then it is unknown whether scale-out from it works once enforcement starts.`,
  cannotVerify: `${TEMPLATE} Check which AMI the parameter points to before enforcement starts.`,
};

export default defineRule({
  meta: {
    id: 'launch-template-unapproved-ami',
    title: 'Launch template launches an AMI that enforcement will refuse',
    severity: 'high',
    cannotVerifySeverity: 'low',
    description:
      'A launch template whose default or latest version references an AMI from an unapproved publisher or an expired exception, or an AMI that no longer exists: ' +
      'every scale-out from it fails once enforcement starts. Versions that resolve their image from an SSM parameter, or whose AMI lookup failed, are reported as cannot-verify.',
    docs: 'docs/rules/launch-template-unapproved-ami.md',
    reads: ['launch-templates', 'owned-images', 'referenced-images'],
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const lt of inventory.launchTemplates) {
      const versions = launchTemplateVersions(lt);
      const judged = versions.map((v) => {
        const label = `version ${v.versionNumber} (${v.label})`;
        let verdict: VersionVerdict;
        if (v.image.kind === 'none') verdict = { kind: 'ok' };
        else if (v.image.kind === 'ssm') {
          verdict = {
            kind: 'cannot-verify',
            reason: 'ssm-parameter',
            text: `${label} resolves its AMI from the SSM parameter ${JSON.stringify(v.image.parameter)} at launch time, so amigov cannot verify it`,
          };
        } else {
          const img = resolveImageById(index, lt.region, v.image.imageId);
          if (!img) {
            verdict = { kind: 'cannot-verify', reason: 'not-resolved', text: `${label} launches ${v.image.imageId}, which the scan did not resolve` };
          } else if (img.availability === 'unverified') {
            // The lookup failed (or was interrupted): AWS said nothing about the image, so it is not "gone".
            verdict = { kind: 'cannot-verify', reason: 'lookup-failed', text: `${label} launches ${imageText(img)}, which could not be checked: ${img.availabilityReason}` };
          } else if (img.availability !== 'ok') {
            verdict = { kind: 'fail', reason: 'unavailable', img, text: `${label} launches ${imageText(img)}, which is unavailable: ${img.availabilityReason}` };
          } else {
            const pv = judgeImage(allowlist, index, lt.accountId, img);
            if (pv.approved) verdict = { kind: 'ok' };
            else if (pv.unverified) {
              verdict = { kind: 'cannot-verify', reason: 'criteria-unknown', text: `${label} launches ${imageText(img)}, whose Allowed AMIs criteria cannot be judged: ${pv.reason}` };
            } else {
              const blockedBy = pv.blockedBy;
              verdict =
                pv.failed === 'criteria'
                  ? { kind: 'fail', reason: 'criteria', img, blockedBy, text: `${label} launches ${imageText(img)} from ${ownerText(img)}, which no Allowed AMIs image criterion allows: ${pv.reason}` }
                  : pv.expired
                    ? {
                        kind: 'fail',
                        reason: 'expired-exception',
                        img,
                        blockedBy,
                        text: `${label} launches ${imageText(img)} from ${ownerText(img)}, whose exception (ticket ${pv.expired.ticket}) expired on ${pv.expired.expiryDate}`,
                      }
                    : { kind: 'fail', reason: 'unapproved', img, blockedBy, text: `${label} launches ${imageText(img)} from ${ownerText(img)}, not an approved publisher` };
            }
          }
        }
        return { v, verdict };
      });
      const fails = judged.filter((j) => j.verdict.kind === 'fail');
      const unverifiable = judged.filter((j) => j.verdict.kind === 'cannot-verify');
      if (fails.length === 0 && unverifiable.length === 0) continue;
      const status = fails.length ? 'fail' : 'cannot-verify';
      const blockedBy = fails.reduce<BlockedBy | undefined>((acc, j) => {
        const b = j.verdict.kind === 'fail' ? j.verdict.blockedBy : undefined;
        if (!b) return acc;
        return !acc || LAYER_ORDER.indexOf(b) > LAYER_ORDER.indexOf(acc) ? b : acc;
      }, undefined);
      const firstImg = fails.map((j) => (j.verdict.kind === 'fail' ? j.verdict.img : undefined)).find(Boolean);
      const firstAmi = judged.map((j) => (j.v.image.kind === 'ami' ? j.v.image.imageId : undefined)).find(Boolean);
      const texts = [...fails, ...unverifiable].map((j) => (j.verdict.kind === 'ok' ? '' : j.verdict.text));
      const perVersion: Omit<Details, 'launchTemplateName' | 'defaultVersion' | 'latestVersion' | 'sourceVersion'> = {};
      for (const j of judged) {
        const key: VersionKey = j.v.label === 'latest' ? 'latest' : 'default'; // "default and latest" counts as the default
        perVersion[`${key}Image`] = j.v.image.kind === 'ami' ? j.v.image.imageId : j.v.image.kind === 'ssm' ? `resolve:ssm:${j.v.image.parameter}` : null;
        perVersion[`${key}Verdict`] = j.verdict.kind === 'ok' ? 'ok' : j.verdict.reason;
      }
      // The version a fix should start from: the default one when it is at fault, else the latest.
      const fixFrom = [...fails, ...unverifiable][0]!;
      const lookupFailed = unverifiable.some((j) => j.verdict.kind === 'cannot-verify' && j.verdict.reason === 'lookup-failed');
      out.push({
        accountId: lt.accountId,
        region: lt.region,
        resourceType: 'launch-template',
        resourceId: lt.launchTemplateId,
        ...(firstImg ? { imageId: firstImg.imageId } : firstAmi ? { imageId: firstAmi } : {}),
        ...(firstImg?.name !== undefined ? { imageName: firstImg.name } : {}),
        ...(firstImg?.ownerId !== undefined ? { imageOwnerId: firstImg.ownerId } : {}),
        ...(firstImg?.ownerAlias !== undefined ? { imageOwnerAlias: firstImg.ownerAlias } : {}),
        status,
        ...(blockedBy ? { blockedBy } : {}),
        messageId: status === 'fail' ? (blockedBy ? 'refused' : 'unavailable') : lookupFailed ? 'lookupFailed' : 'cannotVerify',
        data: {
          launchTemplate: lt.launchTemplateId,
          name: JSON.stringify(lt.launchTemplateName),
          problems: texts.join('; '),
          ...(blockedBy ? { blockedBy: describeBlockedBy(blockedBy) } : {}),
        },
        details: {
          launchTemplateName: lt.launchTemplateName,
          defaultVersion: lt.defaultVersion?.versionNumber ?? null,
          latestVersion: lt.latestVersion?.versionNumber ?? null,
          ...perVersion,
          sourceVersion: fixFrom.v.versionNumber,
        },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const t = targetOf(f);
    const failed = f.status === 'fail';
    return [
      cmd.describeLaunchTemplateVersions(ctx.env, t, f.resourceId),
      cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx)),
      cmd.createLaunchTemplateVersion(ctx.env, t, f.resourceId, f.details.sourceVersion, failed ? f.imageId : undefined),
      ...(failed ? [requestException(ctx)] : []),
    ];
  },
});
