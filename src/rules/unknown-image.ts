/**
 * An instance whose AMI AWS reports as gone or unusable (a deregistered, disabled or failed state, or
 * DescribeImages' not-found answer): it cannot be relaunched from that image whatever the policy says,
 * and its publisher may be unknowable. An image whose lookup failed (5xx, throttling, timeout, denied,
 * an interrupted scan) is cannot-verify: AWS said nothing about it, so it is never reported as gone.
 */
import { defineRule, type FindingDraft } from './types.js';
import { instanceDetails, instanceFindingBase, instanceText, ownerText, resolveInstanceImage } from './context.js';

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
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft[] = [];
    for (const inst of index.liveInstances) {
      const img = resolveInstanceImage(index, inst);
      if (img.availability === 'ok') continue;
      const details = {
        ...instanceDetails(inst),
        imageAvailability: img.availability,
        imageState: img.state ?? null,
        imageLookup: img.lookup ?? null,
        lookupErrorCode: img.lookupErrorCode ?? null,
      };
      if (img.availability === 'unverified') {
        const owner = img.ownerId || img.ownerAlias ? ` (owner ${ownerText(img)})` : '';
        out.push({
          ...instanceFindingBase(inst, img, allowlist),
          status: 'cannot-verify',
          message:
            `Cannot verify the AMI of instance ${instanceText(inst)} (${inst.state}): ${img.imageId}${owner} could not be checked: ${img.availabilityReason}. ` +
            'AWS has said nothing about the image. Re-run the scan (amigov scan) to check it; until then it is unknown whether the instance can be relaunched from it.',
          details,
        });
        continue;
      }
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: 'fail',
        message:
          `Instance ${instanceText(inst)} (${inst.state}) was launched from ${img.imageId}: ${img.availabilityReason}` +
          (img.availability === 'unknown'
            ? '; its publisher cannot be judged. Find out where the image came from and rebuild the instance on an approved AMI.'
            : ` (owner ${ownerText(img)}). The instance cannot be relaunched from it; move it to an approved AMI.`),
        details,
      });
    }
    return out;
  },
});
