/**
 * Instances and the image each was launched from.
 *
 * Primary path: DescribeInstanceImageMetadata, which "Describes the AMI that was used to launch an
 * instance, even if the AMI is deprecated, deregistered, made private (no longer public or shared with
 * your account), or not allowed", and gives imageAllowed / isPublic. Its ImageMetadata.State is "The
 * current state of the AMI" (what the rules judge as AWS's own word that an image is gone). MaxResults
 * 1-1000 (default 1000), NextToken pagination.
 * Fallback (endpoint doesn't support it, or it failed here): DescribeInstances (MaxResults 5-1000; it may
 * not be combined with InstanceIds, which we never pass) gives the image id only; the scanner then
 * resolves the ids with batched DescribeImages per region (referenced-images.ts).
 * Both paths filter out terminated instances server side (instance-state-name).
 */
import {
  paginateDescribeInstanceImageMetadata,
  paginateDescribeInstances,
  type InstanceImageMetadata,
  type Instance as SdkInstance,
} from '@aws-sdk/client-ec2';
import type { Instance } from '../../model/inventory.js';
import { classifyError, errorCode, errorMessage, unsupportedReason } from '../../aws/errors.js';
import { defined, isoOf, tagsToRecord } from './map.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { INSTANCE_IMAGE_METADATA, INSTANCES } from './metas.js';

const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
const LIVE_FILTER = [{ Name: 'instance-state-name', Values: LIVE_STATES }];

export interface InstancesResult {
  instances: Instance[];
  path: 'instance-image-metadata' | 'describe-instances';
  /** Why the primary path was not used. */
  degradedReason?: string;
}

function fromMetadata(ctx: RegionContext, m: InstanceImageMetadata): Instance | undefined {
  if (!m.InstanceId) return undefined;
  const img = m.ImageMetadata;
  return defined({
    accountId: ctx.accountId,
    region: ctx.region,
    instanceId: m.InstanceId,
    instanceType: m.InstanceType,
    state: m.State?.Name ?? 'unknown',
    launchTime: isoOf(m.LaunchTime),
    tags: tagsToRecord(m.Tags),
    image: img?.ImageId
      ? defined({
          imageId: img.ImageId,
          source: 'instance-image-metadata' as const,
          name: img.Name,
          ownerId: img.OwnerId,
          ownerAlias: img.ImageOwnerAlias,
          state: img.State,
          creationDate: isoOf(img.CreationDate),
          deprecationTime: isoOf(img.DeprecationTime),
          imageAllowed: img.ImageAllowed,
          isPublic: img.IsPublic,
        })
      : { imageId: 'unknown', source: 'unknown' as const },
  });
}

function fromInstance(ctx: RegionContext, i: SdkInstance): Instance | undefined {
  if (!i.InstanceId) return undefined;
  return defined({
    accountId: ctx.accountId,
    region: ctx.region,
    instanceId: i.InstanceId,
    instanceType: i.InstanceType,
    state: i.State?.Name ?? 'unknown',
    launchTime: isoOf(i.LaunchTime),
    tags: tagsToRecord(i.Tags),
    // Filled in from DescribeImages once the region's images are resolved.
    image: i.ImageId ? { imageId: i.ImageId, source: 'unknown' as const } : { imageId: 'unknown', source: 'unknown' as const },
  });
}

async function viaMetadata(ctx: RegionContext): Promise<Instance[]> {
  const out: Instance[] = [];
  const pages = paginateDescribeInstanceImageMetadata({ client: ctx.client, pageSize: 1000, stopOnSameToken: true }, { Filters: LIVE_FILTER }, sendOptions(ctx));
  for await (const page of pages) {
    for (const m of page.InstanceImageMetadata ?? []) {
      const inst = fromMetadata(ctx, m);
      if (inst && inst.state !== 'terminated') out.push(inst);
    }
  }
  return out;
}

async function viaDescribeInstances(ctx: RegionContext): Promise<Instance[]> {
  const out: Instance[] = [];
  const pages = paginateDescribeInstances({ client: ctx.client, pageSize: 1000, stopOnSameToken: true }, { Filters: LIVE_FILTER }, sendOptions(ctx));
  for await (const page of pages) {
    for (const r of page.Reservations ?? []) {
      for (const i of r.Instances ?? []) {
        const inst = fromInstance(ctx, i);
        if (inst && inst.state !== 'terminated') out.push(inst);
      }
    }
  }
  return out;
}

/**
 * Lists the region's instances. Any failure of the primary path (unsupported, denied, or failing after
 * retries) falls back to DescribeInstances; only a failure of the fallback fails the collector.
 */
export async function collectInstances(ctx: RegionContext): Promise<InstancesResult> {
  try {
    return { instances: await viaMetadata(ctx), path: 'instance-image-metadata' };
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    const kind = classifyError(err);
    const why =
      kind === 'unsupported'
        ? unsupportedReason('DescribeInstanceImageMetadata', err)
        : kind === 'access-denied'
          ? `DescribeInstanceImageMetadata was denied (${errorCode(err)}): add ec2:DescribeInstanceImageMetadata to the scan role`
          : `DescribeInstanceImageMetadata failed (${errorCode(err)}: ${errorMessage(err)})`;
    return { instances: await viaDescribeInstances(ctx), path: 'describe-instances', degradedReason: `${why}; used DescribeInstances + DescribeImages` };
  }
}
