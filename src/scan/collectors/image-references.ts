/**
 * Image references amigov does not collect itself (issue #14): SSM parameters and Image Builder image and container
 * recipes that name an image, from ec2:DescribeImageReferences, per account x region, once the images are resolved.
 *
 * Which images: those the unit's account owns or its instances, launch templates and launch paths reference, whose
 * owner is not an approved publisher (the allowlist's approvedProviders: publisher account ids and aliases such as
 * "amazon"). The scanner stays a gatherer: this is the scope of the question, not a verdict; the rules and the blast
 * radius judge the images. An image the scan never saw (shared with the account, used by nothing amigov reads) cannot
 * be asked about: DescribeImageReferences takes image ids, it does not list them.
 *
 * AWS (DescribeImageReferences API reference): "ImageId.N ... Array Members: Minimum number of 1 item. Maximum number
 * of 10 items." "Supported resource types: ec2:Instance | ec2:LaunchTemplate | ssm:Parameter |
 * imagebuilder:ImageRecipe | imagebuilder:ContainerRecipe". Only the last three are asked for: instances and launch
 * templates amigov reads itself. The answer is paginated (NextToken: "This value is null when there are no more items
 * to return"); MaxResults is the largest page the sandbox knows AWS to accept (1000), so one page per batch in practice.
 */
import { paginateDescribeImageReferences, type ImageReferenceResourceType } from '@aws-sdk/client-ec2';
import type { ExternalImageReference, Image } from '../../model/inventory.js';
import { sendOptions, type RegionContext } from './types.js';

export const IMAGE_REFERENCES_BATCH = 10;
export const IMAGE_REFERENCES_PAGE = 1000;
/** The resource types only DescribeImageReferences reports (instances and templates are read by their own collectors). */
export const OTHER_REFERENCE_TYPES: ImageReferenceResourceType[] = ['ssm:Parameter', 'imagebuilder:ImageRecipe', 'imagebuilder:ContainerRecipe'];

/** The image is from an approved publisher: its owner id or alias is among the approved providers. */
export function fromApprovedPublisher(img: Pick<Image, 'ownerId' | 'ownerAlias'>, approvedProviders: readonly string[]): boolean {
  return (img.ownerId !== undefined && approvedProviders.includes(img.ownerId)) || (img.ownerAlias !== undefined && approvedProviders.includes(img.ownerAlias));
}

/**
 * The ids to ask about, sorted: of `candidates`, the images found (by their owner or by id) whose owner is known and
 * is not an approved publisher.
 */
export function imagesToCheck(candidates: Iterable<string>, imageOf: (imageId: string) => Image | undefined, approvedProviders: readonly string[]): string[] {
  const out = new Set<string>();
  for (const id of candidates) {
    const img = imageOf(id);
    if (!img || img.found === false || img.ownerId === undefined) continue;
    if (!fromApprovedPublisher(img, approvedProviders)) out.add(id);
  }
  return [...out].sort();
}

/** Asks for the references to `imageIds` in batches of 10; throws whatever the calls throw (the scanner degrades). */
export async function describeOtherImageReferences(ctx: RegionContext, imageIds: string[]): Promise<ExternalImageReference[]> {
  const out: ExternalImageReference[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < imageIds.length; i += IMAGE_REFERENCES_BATCH) {
    const batch = imageIds.slice(i, i + IMAGE_REFERENCES_BATCH);
    const pages = paginateDescribeImageReferences(
      { client: ctx.client, pageSize: IMAGE_REFERENCES_PAGE, stopOnSameToken: true },
      { ImageIds: batch, ResourceTypes: OTHER_REFERENCE_TYPES.map((ResourceType) => ({ ResourceType })) },
      sendOptions(ctx),
    );
    for await (const page of pages) {
      for (const r of page.ImageReferences ?? []) {
        if (!r.ImageId || !r.Arn || !r.ResourceType || !batch.includes(r.ImageId)) continue;
        const k = `${r.ImageId}|${r.Arn}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ accountId: ctx.accountId, region: ctx.region, imageId: r.ImageId, resourceType: r.ResourceType, arn: r.Arn });
      }
    }
  }
  return out.sort((a, b) => a.imageId.localeCompare(b.imageId) || a.arn.localeCompare(b.arn));
}
