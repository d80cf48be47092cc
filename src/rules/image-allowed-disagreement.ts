/**
 * AWS's own Allowed AMIs verdict against amigov's. Where Allowed AMIs is `audit-mode` or `enabled`, EC2 returns
 * ImageAllowed for each image (DescribeImages / DescribeInstanceImageMetadata: "If true, the AMI satisfies the
 * criteria for Allowed AMIs and can be discovered and used in the account. If false and Allowed AMIs is set to
 * enabled, the AMI can't be discovered or used in the account. If false and Allowed AMIs is set to audit-mode,
 * the AMI can be discovered and used in the account."). AWS's answer is the authority; amigov never silently
 * picks one: every instance and launch-template image where the two differ is a finding that shows both and
 * the likely cause, found by judging the image again with the live criteria the scan read:
 * - live-criteria-differ: the live criteria give AWS's answer, so they differ from the config (policy diff);
 * - amigov-semantics: the live criteria give amigov's answer too, so amigov reads Allowed AMIs differently
 *   from AWS for this image: a bug in amigov to report;
 * - live-criteria-unknown: the live criteria were not collected, so the cause cannot be told.
 */
import { judgedImageId } from './launch-verdict.js';
import { defineRule, type FindingDraft } from './types.js';
import { criteriaOf } from '../config/allowlist.js';
import { judgeAllowedImages, judgementTime, type AllowedImagesVerdict } from './allowed-images.js';
import { criteriaSubject, imageText, instanceText, launchTemplateVersions, resolveImageById, resolveInstanceImage, type ResolvedImage } from './context.js';
import type { ImageCriterion, RegionSettings } from '../model/inventory.js';
import * as cmd from '../remediation/commands.js';
import { targetOf } from '../remediation/common.js';

type Cause = 'live-criteria-differ' | 'amigov-semantics' | 'live-criteria-unknown';
type Details = {
  imageId: string;
  awsImageAllowed: boolean;
  amigovImageAllowed: boolean;
  cause: Cause;
  allowedImagesState: string;
  launchTemplateVersion?: number;
};

const CAUSES: Record<Cause, string> = {
  'live-criteria-differ':
    'the live Allowed AMIs criteria of this account x region differ from the config (they give AWS\'s answer); compare them with `amigov policy diff`',
  'amigov-semantics':
    "the live criteria give amigov's answer too, so amigov reads Allowed AMIs differently from AWS for this image: AWS's answer stands; please report it as an amigov bug with this finding",
  'live-criteria-unknown': 'the live criteria were not collected in this account x region, so the cause cannot be told',
};

const TAIL = "AWS's Allowed AMIs verdict (ImageAllowed) says {{aws}}; amigov's reading of the config's criteria says {{amigov}}{{why}}. Likely cause: {{cause}}.";
const messages = {
  instance: `Instance {{instance}} runs AMI {{image}}: ${TAIL}`,
  launchTemplate: `Launch template {{launchTemplate}} version {{version}} launches AMI {{image}}: ${TAIL}`,
};

const word = (b: boolean) => (b ? 'allowed' : 'not allowed');

export default defineRule({
  meta: {
    id: 'image-allowed-disagreement',
    title: "AWS's Allowed AMIs verdict differs from amigov's",
    severity: 'medium',
    description:
      'An instance or launch-template image for which EC2 returned ImageAllowed (Allowed AMIs in audit-mode or enabled) and amigov, judging the config\'s criteria, ' +
      'comes to the other answer. AWS\'s answer is what enforcement does; the finding shows both and the likely cause.',
    docs: 'docs/rules/image-allowed-disagreement.md',
    reads: ['instances', 'instance-image-metadata', 'launch-templates', 'owned-images', 'referenced-images', 'allowed-images-settings'],
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const at = judgementTime(allowlist.asOf, index.scanStartedAt);
    const config = criteriaOf(allowlist);
    const judgeable = (accountId: string, region: string) => {
      const c = index.coverage(accountId, region);
      if (c && c.status !== 'ok') return undefined;
      const s = index.regionSettings(accountId, region);
      return s && (s.allowedImages.state === 'audit-mode' || s.allowedImages.state === 'enabled') ? s : undefined;
    };
    /** The comparison, or undefined when the two agree or amigov cannot judge. */
    const compare = (accountId: string, img: ResolvedImage, aws: boolean, settings: RegionSettings) => {
      const subject = criteriaSubject(img);
      const mine = judgeAllowedImages(config, subject, accountId, at);
      if (mine.verdict === 'unknown' || (mine.verdict === 'allowed') === aws) return undefined;
      const live: ImageCriterion[] | undefined = settings.allowedImages.criteria;
      let cause: Cause = 'live-criteria-unknown';
      if (live) {
        const v: AllowedImagesVerdict = judgeAllowedImages(live, subject, accountId, at);
        if (v.verdict !== 'unknown') cause = (v.verdict === 'allowed') === aws ? 'live-criteria-differ' : 'amigov-semantics';
      }
      const data = { image: imageText(img), aws: word(aws), amigov: word(mine.verdict === 'allowed'), why: mine.verdict === 'refused' ? ` (${mine.text})` : '', cause: CAUSES[cause] };
      const details: Details = { imageId: img.imageId, awsImageAllowed: aws, amigovImageAllowed: mine.verdict === 'allowed', cause, allowedImagesState: settings.allowedImages.state };
      return { data, details };
    };
    const imageFields = (img: ResolvedImage) => ({
      imageId: img.imageId,
      ...(img.name !== undefined ? { imageName: img.name } : {}),
      ...(img.ownerId !== undefined ? { imageOwnerId: img.ownerId } : {}),
      ...(img.ownerAlias !== undefined ? { imageOwnerAlias: img.ownerAlias } : {}),
    });

    for (const inst of index.liveInstances) {
      const aws = inst.image.imageAllowed;
      const settings = aws === undefined ? undefined : judgeable(inst.accountId, inst.region);
      if (aws === undefined || !settings) continue;
      const img = resolveInstanceImage(index, inst);
      const c = compare(inst.accountId, img, aws, settings);
      if (!c) continue;
      out.push({
        accountId: inst.accountId,
        region: inst.region,
        resourceType: 'instance',
        resourceId: inst.instanceId,
        ...imageFields(img),
        status: 'fail',
        messageId: 'instance',
        data: { ...c.data, instance: instanceText(inst) },
        details: c.details,
      });
    }
    for (const lt of inventory.launchTemplates) {
      const settings = judgeable(lt.accountId, lt.region);
      if (!settings) continue;
      for (const v of launchTemplateVersions(lt)) {
        const imageId = judgedImageId(v.image); // an AMI id, or the AMI a resolved SSM parameter names
        if (!imageId) continue;
        const img = resolveImageById(index, lt.region, imageId);
        // ImageAllowed is relative to the account that described the image: only the template's own account counts.
        const aws = img?.record?.found && img.record.seenFromAccountId === lt.accountId ? img.record.imageAllowed : undefined;
        if (!img || aws === undefined || img.availability !== 'ok') continue;
        const c = compare(lt.accountId, img, aws, settings);
        if (!c) continue;
        out.push({
          accountId: lt.accountId,
          region: lt.region,
          resourceType: 'launch-template',
          resourceId: lt.launchTemplateId,
          ...imageFields(img),
          status: 'fail',
          messageId: 'launchTemplate',
          data: { ...c.data, launchTemplate: lt.launchTemplateId, version: `${v.versionNumber} (${v.label})` },
          details: { ...c.details, launchTemplateVersion: v.versionNumber },
        });
        break; // one finding per template: the first judged version that disagrees
      }
    }
    return out;
  },
  remediate: (f, ctx) => [cmd.getAllowedImagesSettings(ctx.env, targetOf(f)), cmd.describeImage(ctx.env, targetOf(f), f.details.imageId)],
});
