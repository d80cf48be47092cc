/**
 * Images referenced by instances or launch templates that no scanned account's own listing returned
 * (vendor, marketplace, outside accounts, deregistered or unshared images): resolved once per region
 * with DescribeImages by ImageIds, in batches, from an account that references them (an AMI shared with
 * one account is visible from that account only).
 *
 * DescribeImages fails the whole batch with InvalidAMIID.NotFound / .Unavailable when one id is
 * unknown; the ids the message names are set aside and the rest described again, and a batch whose
 * message names none is bisected, so k missing ids cost O(k log n) extra calls and found ids are
 * never lost.
 */
import { paginateDescribeImages, type Image as SdkImage } from '@aws-sdk/client-ec2';
import type { Image } from '../../model/inventory.js';
import { classifyError, errorCode } from '../../aws/errors.js';
import { toImage } from './images.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';

export const REFERENCED_IMAGES: CollectorMeta = {
  id: 'referenced-images',
  title: 'Images referenced by instances and launch templates, resolved by id (batched, once per region)',
  scope: 'account-region',
  optional: false,
  permissions: ['ec2:DescribeImages'],
};

export const IMAGE_ID_RE = /^ami-[0-9a-f]{8,17}$/;
export const DESCRIBE_IMAGES_BATCH = 100;

export interface ResolveResult {
  found: Image[];
  /** id -> why it could not be described */
  missing: Map<string, string>;
}

async function describeBatch(ctx: RegionContext, ids: string[], result: ResolveResult): Promise<void> {
  try {
    const seen = new Set<string>();
    // No MaxResults: it is meant for listing, and ids bound the result anyway.
    const pages = paginateDescribeImages({ client: ctx.client, stopOnSameToken: true }, { ImageIds: ids, IncludeDeprecated: true, IncludeDisabled: true }, sendOptions(ctx));
    for await (const page of pages) {
      for (const img of page.Images ?? []) {
        if (!img.ImageId || seen.has(img.ImageId) || !ids.includes(img.ImageId)) continue;
        seen.add(img.ImageId);
        result.found.push(toImage(img as SdkImage & { ImageId: string }, ctx.region, ctx.accountId, 'reference'));
      }
    }
    for (const id of ids) if (!seen.has(id)) result.missing.set(id, `not returned by DescribeImages from account ${ctx.accountId}: deregistered, or not shared with it`);
  } catch (err) {
    if (classifyError(err) !== 'not-found') throw err;
    const code = errorCode(err);
    if (ids.length === 1) {
      result.missing.set(ids[0]!, `${code}: deregistered, or not visible to account ${ctx.accountId}`);
      return;
    }
    const message = String((err as Error).message ?? '');
    const named = ids.filter((id) => message.includes(id));
    if (named.length > 0) {
      for (const id of named) result.missing.set(id, `${code}: deregistered, or not visible to account ${ctx.accountId}`);
      const rest = ids.filter((id) => !named.includes(id));
      if (rest.length) await describeBatch(ctx, rest, result);
      return;
    }
    const half = Math.ceil(ids.length / 2);
    await describeBatch(ctx, ids.slice(0, half), result);
    await describeBatch(ctx, ids.slice(half), result);
  }
}

/** Describes `ids` (unique) from the account and region of ctx. Throws only on errors other than not-found. */
export async function resolveImagesById(ctx: RegionContext, ids: string[], batchSize = DESCRIBE_IMAGES_BATCH): Promise<ResolveResult> {
  const result: ResolveResult = { found: [], missing: new Map() };
  const valid = [...new Set(ids)].filter((id) => {
    if (IMAGE_ID_RE.test(id)) return true;
    result.missing.set(id, 'not a valid AMI id');
    return false;
  });
  for (let i = 0; i < valid.length; i += batchSize) await describeBatch(ctx, valid.slice(i, i + batchSize), result);
  return result;
}
