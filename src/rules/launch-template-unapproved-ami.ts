/**
 * A launch template whose default or latest version launches an AMI that will be refused once
 * enforcement starts (unapproved publisher, expired exception, or an image that is gone): the scale-out
 * that fails on enforcement day. An SSM-parameter image reference is resolved only at launch time, so it
 * is reported as unverifiable, never as compliant.
 */
import { defineRule, type FindingDraft } from './types.js';
import { describeBlockedBy, type BlockedBy } from './context.js';
import { judgeLaunchTemplate, judgedImageId } from './launch-verdict.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, requestException, targetOf } from '../remediation/common.js';

const LAYER_ORDER: BlockedBy[] = ['none', 'declarative-policy', 'scp', 'both'];

type VersionKey = 'default' | 'latest';
/** Per judged version (default and latest): its image reference and verdict; and the version a fix starts from. */
type Details = {
  launchTemplateName: string;
  defaultVersion: number | null;
  latestVersion: number | null;
} & { [K in `${VersionKey}Image`]?: string | null } & { [K in `${VersionKey}ImageParameter`]?: string } & { [K in `${VersionKey}Verdict`]?: string } & {
  sourceVersion: number;
};

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
      const { judged, status: verdict } = judgeLaunchTemplate(index, allowlist, lt);
      if (verdict === 'ok') continue;
      const fails = judged.filter((j) => j.verdict.kind === 'fail');
      const unverifiable = judged.filter((j) => j.verdict.kind === 'cannot-verify');
      const status = verdict;
      const blockedBy = fails.reduce<BlockedBy | undefined>((acc, j) => {
        const b = j.verdict.kind === 'fail' ? j.verdict.blockedBy : undefined;
        if (!b) return acc;
        return !acc || LAYER_ORDER.indexOf(b) > LAYER_ORDER.indexOf(acc) ? b : acc;
      }, undefined);
      const firstImg = fails.map((j) => (j.verdict.kind === 'fail' ? j.verdict.img : undefined)).find(Boolean);
      const firstAmi = judged.map((j) => judgedImageId(j.v.image)).find(Boolean);
      const texts = [...fails, ...unverifiable].map((j) => (j.verdict.kind === 'ok' ? '' : j.verdict.text));
      const perVersion: Omit<Details, 'launchTemplateName' | 'defaultVersion' | 'latestVersion' | 'sourceVersion'> = {};
      for (const j of judged) {
        const key: VersionKey = j.v.label === 'latest' ? 'latest' : 'default'; // "default and latest" counts as the default
        // A `resolve:ssm:` version: the AMI it resolved to (else the reference itself), and the parameter's name.
        perVersion[`${key}Image`] = judgedImageId(j.v.image) ?? (j.v.image.kind === 'ssm' ? `resolve:ssm:${j.v.image.parameter}` : null);
        if (j.v.image.kind === 'ssm') perVersion[`${key}ImageParameter`] = `resolve:ssm:${j.v.image.parameter}`;
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
