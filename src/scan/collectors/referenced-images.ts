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
 *
 * Only AWS's own answer makes an image "not found" (see NOT_FOUND_CODES and the empty result below).
 * Any other error (5xx, throttling, timeout, denied, interrupted) is thrown: the scanner records the
 * lookup as failed, which the rules report as cannot-verify, never as a missing image.
 */
import { paginateDescribeImages, type Image as SdkImage } from '@aws-sdk/client-ec2';
import type { Image } from '../../model/inventory.js';
import { errorCode, errorMessage } from '../../aws/errors.js';
import { toImage } from './images.js';
import { tagsToRecord } from './map.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { REFERENCED_IMAGES } from './metas.js';

export const IMAGE_ID_RE = /^ami-[0-9a-f]{8,17}$/;
export const DESCRIBE_IMAGES_BATCH = 100;

/**
 * The error codes by which EC2 says an AMI id does not name a usable image ("Error codes for the
 * Amazon EC2 API", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html):
 * - InvalidAMIID.NotFound: "The specified AMI does not exist. Check the AMI ID, and ensure that you
 *   specify the AWS Region in which the AMI is located, if it's not in the default Region."
 * - InvalidAMIID.Unavailable: "The specified AMI has been deregistered and is no longer available, or is
 *   not in a state from which you can launch an instance or modify attributes."
 * - InvalidAMIID.Malformed: "The specified AMI ID is malformed."
 * Every other error is about the call, not the image ("Server errors usually indicate a server-side
 * issue"; InternalError: "An internal error has occurred. Retry your request").
 */
export const NOT_FOUND_CODES = new Set(['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable', 'InvalidAMIID.Malformed']);

/** AWS's answer for an id it did not describe: the error code and message, or none when the result was simply empty. */
export interface NotFound {
  reason: string;
  error?: { code: string; message: string };
}

export interface ResolveResult {
  found: Image[];
  /**
   * imageId -> the describing account's own tags on each found image (the Tags of the answer). Not the
   * owner's: "When you tag public or shared resources, the tags you assign are available only to your AWS
   * account" (EC2 User Guide, tagging). See account-image-tags.ts.
   */
  describerTags: Map<string, Record<string, string>>;
  /** id -> AWS's answer that it does not exist or cannot be used from this account */
  missing: Map<string, NotFound>;
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
        result.describerTags.set(img.ImageId, tagsToRecord(img.Tags));
      }
    }
    // A successful answer without the id is AWS's answer too (DescribeImages API reference): "Recently
    // deregistered images appear in the returned results for a short interval and then return empty
    // results", and "When Allowed AMIs is set to enabled, only allowed images are returned in the results".
    for (const id of ids) {
      if (!seen.has(id)) {
        result.missing.set(id, {
          reason: `DescribeImages from account ${ctx.accountId} returned no image for this id: deregistered, or not allowed there by Allowed AMIs`,
        });
      }
    }
  } catch (err) {
    const code = errorCode(err);
    if (!NOT_FOUND_CODES.has(code)) throw err;
    // The full message names the unknown ids; the recorded one is bounded (errorMessage).
    const message = String((err as Error).message ?? '');
    const answer = (): NotFound => ({
      reason: `DescribeImages from account ${ctx.accountId} answered ${code}: the image does not exist, is not usable, or is not shared with that account`,
      error: { code, message: errorMessage(err) },
    });
    if (ids.length === 1) {
      result.missing.set(ids[0]!, answer());
      return;
    }
    const named = ids.filter((id) => message.includes(id));
    if (named.length > 0) {
      for (const id of named) result.missing.set(id, answer());
      const rest = ids.filter((id) => !named.includes(id));
      if (rest.length) await describeBatch(ctx, rest, result);
      return;
    }
    const half = Math.ceil(ids.length / 2);
    await describeBatch(ctx, ids.slice(0, half), result);
    await describeBatch(ctx, ids.slice(half), result);
  }
}

/**
 * Describes `ids` (unique, valid AMI ids: the caller filters them with IMAGE_ID_RE) from the account and
 * region of ctx. Throws on any error that is not AWS's not-found answer: the lookup failed.
 */
export async function resolveImagesById(ctx: RegionContext, ids: string[], batchSize = DESCRIBE_IMAGES_BATCH): Promise<ResolveResult> {
  const result: ResolveResult = { found: [], describerTags: new Map(), missing: new Map() };
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += batchSize) await describeBatch(ctx, unique.slice(i, i + batchSize), result);
  return result;
}
