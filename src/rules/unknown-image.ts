/**
 * An instance whose AMI AWS reports as gone or unusable (a deregistered, disabled or failed state, or
 * DescribeImages' not-found answer): it cannot be relaunched from that image whatever the policy says,
 * and its publisher may be unknowable. An image whose lookup failed (5xx, throttling, timeout, denied,
 * an interrupted scan) is cannot-verify: AWS said nothing about it, so it is never reported as gone.
 */
import { defineRule, type FindingDraft } from './types.js';
import { instanceDetails, instanceFindingBase, instanceText, ownerText, resolveInstanceImage, type ImageAvailability, type InstanceDetails } from './context.js';
import type { ImageLookup } from '../model/inventory.js';
import * as cmd from '../remediation/commands.js';
import { replaceImage, targetOf } from '../remediation/common.js';

type Details = InstanceDetails & {
  imageAvailability: ImageAvailability;
  imageState: string | null;
  imageLookup: ImageLookup | null;
  lookupErrorCode: string | null;
};

const RECHECK =
  'AWS has said nothing about the image. Re-run the scan (amigov scan) to check it; until then it is unknown whether the instance can be relaunched from it.';
const messages = {
  /** The lookup failed: cannot-verify. */
  unverified: `Cannot verify the AMI of instance {{instance}} ({{state}}): {{imageId}} could not be checked: {{reason}}. ${RECHECK}`,
  unverifiedWithOwner: `Cannot verify the AMI of instance {{instance}} ({{state}}): {{imageId}} (owner {{owner}}) could not be checked: {{reason}}. ${RECHECK}`,
  /** AWS says the image is gone; its owner is known. */
  unavailable:
    'Instance {{instance}} ({{state}}) was launched from {{imageId}}: {{reason}} (owner {{owner}}). The instance cannot be relaunched from it; move it to an approved AMI.',
  /** Gone, and no owner known. */
  unknownOwner:
    'Instance {{instance}} ({{state}}) was launched from {{imageId}}: {{reason}}; its publisher cannot be judged. ' +
    'Find out where the image came from and rebuild the instance on an approved AMI.',
};

export default defineRule({
  meta: {
    id: 'unknown-image',
    title: 'Instance AMI cannot be found or identified',
    severity: 'medium',
    cannotVerifySeverity: 'low',
    description:
      'A running or stopped instance whose AMI AWS reports as deregistered, disabled, failed, not found or no longer shared: it cannot be relaunched from it, ' +
      'and when its owner is unknown its publisher cannot be judged. When the lookup of the AMI failed, the finding is cannot-verify.',
    docs: 'docs/rules/unknown-image.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images'],
    messages,
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const inst of index.liveInstances) {
      const img = resolveInstanceImage(index, inst);
      if (img.availability === 'ok') continue;
      const details: Details = {
        ...instanceDetails(inst),
        imageAvailability: img.availability,
        imageState: img.state ?? null,
        imageLookup: img.lookup ?? null,
        lookupErrorCode: img.lookupErrorCode ?? null,
      };
      const ownerKnown = Boolean(img.ownerId || img.ownerAlias);
      const data = { instance: instanceText(inst), state: inst.state, imageId: img.imageId, owner: ownerText(img), reason: img.availabilityReason ?? 'no reason recorded' };
      const failed = img.availability !== 'unverified';
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: failed ? 'fail' : 'cannot-verify',
        messageId: failed ? (img.availability === 'unknown' ? 'unknownOwner' : 'unavailable') : ownerKnown ? 'unverifiedWithOwner' : 'unverified',
        data,
        details,
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const check = f.imageId ? [cmd.describeImage(ctx.env, targetOf(f), f.imageId)] : [];
    // cannot-verify: the lookup failed, nothing says the image is gone; look it up, replace nothing.
    return f.status === 'cannot-verify' ? check : [...check, ...replaceImage(ctx, f)];
  },
});
