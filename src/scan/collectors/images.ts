/**
 * Images. Owned images: DescribeImages Owners=self with IncludeDeprecated and IncludeDisabled
 * (MaxResults 1-1000, NextToken), as the owner sees them: tags included (AMI tags are visible to the
 * owner account only). Referenced images are resolved by id in referenced-images.ts.
 */
import { paginateDescribeImages, type Image as SdkImage } from '@aws-sdk/client-ec2';
import type { Image } from '../../model/inventory.js';
import { defined, tagsToRecord } from './map.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { OWNED_IMAGES } from './metas.js';

/** Maps an SDK image as seen from `seenFromAccountId`. Tags are the owner's only when seen by the owner. */
export function toImage(img: SdkImage & { ImageId: string }, region: string, seenFromAccountId: string, seenVia: Image['seenVia']): Image {
  const tagsVisible = seenVia === 'owner' && img.OwnerId === seenFromAccountId;
  const snapshotIds = (img.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId).filter((s): s is string => !!s);
  return defined({
    region,
    imageId: img.ImageId,
    ownerId: img.OwnerId,
    ownerAlias: img.ImageOwnerAlias,
    name: img.Name,
    description: img.Description,
    creationDate: img.CreationDate,
    deprecationTime: img.DeprecationTime,
    state: img.State,
    public: img.Public,
    tags: tagsVisible ? tagsToRecord(img.Tags) : {},
    tagsVisible,
    seenVia,
    seenFromAccountId,
    imageAllowed: img.ImageAllowed,
    // DescribeImages' ProductCodes: "Any product codes associated with the AMI." A described image without
    // the element has none.
    productCodes: (img.ProductCodes ?? []).map((p) => p.ProductCodeId).filter((id): id is string => !!id),
    sourceImageId: img.SourceImageId,
    sourceImageRegion: img.SourceImageRegion,
    lastLaunchedTime: img.LastLaunchedTime,
    deregistrationProtection: img.DeregistrationProtection,
    snapshotIds: snapshotIds.length ? snapshotIds : undefined,
    platform: img.Platform,
    found: true,
    lookup: 'found' as const,
  });
}

export async function collectOwnedImages(ctx: RegionContext): Promise<Image[]> {
  const out: Image[] = [];
  const pages = paginateDescribeImages(
    { client: ctx.client, pageSize: 1000, stopOnSameToken: true },
    { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true },
    sendOptions(ctx),
  );
  for await (const page of pages) {
    for (const img of page.Images ?? []) {
      if (img.ImageId) out.push(toImage(img as SdkImage & { ImageId: string }, ctx.region, ctx.accountId, 'owner'));
    }
  }
  return out;
}
