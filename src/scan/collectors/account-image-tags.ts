/**
 * Each launching account's own tags on the images its instances use and it does not own: DescribeImages by
 * ImageIds in that account x region (batched, NotFound handled as in referenced-images.ts), keeping the
 * Tags of the answer. Those are that account's tags, not the owner's:
 * - EC2 User Guide (tagging): "When you tag public or shared resources, the tags you assign are available
 *   only to your AWS account; no other AWS account will have access to those tags. For tag-based access
 *   control to shared resources, each AWS account must assign its own set of tags to control access to the
 *   resource."
 * So they are what an `ec2:ResourceTag/<key>` condition on the image of RunInstances can see in that
 * account (the production tag policy). Optional: a failure leaves the images without this account's view
 * (the rule says cannot-verify) and records why; it never fails the unit.
 */
import type { Image, Instance } from '../../model/inventory.js';
import { errorCode, errorMessage } from '../../aws/errors.js';
import { IMAGE_ID_RE, resolveImagesById } from './referenced-images.js';
import type { CollectorMeta, RegionContext } from './types.js';
import { LAUNCHING_ACCOUNT_IMAGE_TAGS } from './metas.js';

/** Image states AWS no longer describes to other accounts ("A deregistered AMI can't be used to launch new instances."). */
const GONE = new Set(['deregistered', 'disabled']);

/** The image ids worth asking about: live instances' images, not owned by the account, not known to be gone. */
export function imagesToAsk(accountId: string, instances: readonly Instance[]): string[] {
  const ids = new Set<string>();
  for (const i of instances) {
    const ref = i.image;
    if (!IMAGE_ID_RE.test(ref.imageId) || ref.ownerId === accountId || (ref.state && GONE.has(ref.state))) continue;
    ids.add(ref.imageId);
  }
  return [...ids].sort();
}

export interface AccountImageTags {
  /** imageId -> this account's own tags on it (images DescribeImages returned and the account does not own). */
  tags: Map<string, Record<string, string>>;
  /**
   * The image records of the same answer (seen by reference from this account, owner's tags not visible): the
   * scanner uses them for images no scanned account owns, so it does not describe them a second time.
   */
  images: Image[];
  /** Why this account's view is missing, when the lookup failed. */
  degradedReason?: string;
}

export async function collectAccountImageTags(ctx: RegionContext, instances: readonly Instance[]): Promise<AccountImageTags> {
  const ids = imagesToAsk(ctx.accountId, instances);
  const tags = new Map<string, Record<string, string>>();
  const images: Image[] = [];
  if (ids.length === 0) return { tags, images };
  try {
    const res = await resolveImagesById(ctx, ids);
    for (const img of res.found) {
      if (img.ownerId === ctx.accountId) continue; // its own image: the owner's listing has these tags
      tags.set(img.imageId, res.describerTags.get(img.imageId) ?? {});
      images.push(img);
    }
    return { tags, images };
  } catch (err) {
    if (ctx.abortSignal?.aborted) return { tags: new Map(), images: [], degradedReason: 'scan interrupted before this account\'s own image tags were read' };
    return { tags: new Map(), images: [], degradedReason: `DescribeImages by id in this account failed (${LAUNCHING_ACCOUNT_IMAGE_TAGS.permissions.join(', ')}): ${errorCode(err)}: ${errorMessage(err)}` };
  }
}
