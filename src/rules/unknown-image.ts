/**
 * An instance whose AMI can't be found or identified (deregistered, disabled, no longer shared): it
 * cannot be relaunched from that image whatever the policy says, and its publisher may be unknowable.
 */
import { defineRule, type FindingDraft } from './types.js';
import { instanceDetails, instanceFindingBase, instanceText, ownerText, resolveInstanceImage } from './context.js';

export default defineRule({
  meta: {
    id: 'unknown-image',
    title: 'Instance AMI cannot be found or identified',
    severity: 'medium',
    description:
      'A running or stopped instance whose AMI is deregistered, disabled, no longer shared, or could not be identified at all: it cannot be relaunched from it, ' +
      'and when its owner is unknown its publisher cannot be judged.',
    docs: 'docs/rules/unknown-image.md',
    reads: ['instances', 'instance-image-metadata', 'owned-images', 'referenced-images'],
  },
  evaluate(_inventory, { index, allowlist }) {
    const out: FindingDraft[] = [];
    for (const inst of index.liveInstances) {
      const img = resolveInstanceImage(index, inst);
      if (img.availability === 'ok') continue;
      out.push({
        ...instanceFindingBase(inst, img, allowlist),
        status: 'fail',
        message:
          `Instance ${instanceText(inst)} (${inst.state}) was launched from ${img.imageId}, ${img.availabilityReason}` +
          (img.availability === 'unknown'
            ? '; its publisher cannot be judged. Find out where the image came from and rebuild the instance on an approved AMI.'
            : ` (owner ${ownerText(img)}). The instance cannot be relaunched from it; move it to an approved AMI.`),
        details: { ...instanceDetails(inst), imageAvailability: img.availability, imageState: img.state ?? null },
      });
    }
    return out;
  },
});
