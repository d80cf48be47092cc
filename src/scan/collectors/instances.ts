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
 *
 * Managed instances (EC2 User Guide, Amazon EC2 instances: "A managed instance is managed by a service provider,
 * such as Amazon EKS Auto Mode. You can't directly modify the settings of a managed instance. Managed instances
 * are identified by a true value in the Managed field."). ManagedResourceVisibilitySettings: "A value of hidden
 * indicates that managed resources are not included in Describe operation responses by default."
 * DescribeInstances takes IncludeManagedResources ("If this parameter is set to true, the output includes
 * resources that are managed by Amazon Web Services services, even if managed resource visibility is set to
 * hidden."); DescribeInstanceImageMetadata does not (neither its API reference nor the SDK has the parameter). So
 * the fallback passes it, and the primary path is followed by one DescribeInstances with IncludeManagedResources
 * and the operator.managed=true filter ("A Boolean that indicates whether this is a managed instance"): a managed
 * instance the primary path did not list is added (its image resolved by id like the fallback's), never missing.
 * The follow-up is skipped only where GetManagedResourceVisibility answered visible ("A value of visible indicates
 * that managed resources are included by default"): the primary path lists them there.
 */
import {
  paginateDescribeInstanceImageMetadata,
  paginateDescribeInstances,
  type InstanceImageMetadata,
  type Instance as SdkInstance,
} from '@aws-sdk/client-ec2';
import type { Instance, InstanceOperator } from '../../model/inventory.js';
import type { OperatorResponse } from '@aws-sdk/client-ec2';
import { classifyError, errorCode, errorMessage, unsupportedReason } from '../../aws/errors.js';
import { defined, isoOf, tagsToRecord } from './map.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { INSTANCE_IMAGE_METADATA, INSTANCES, MANAGED_INSTANCES } from './metas.js';

const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
const LIVE_FILTER = [{ Name: 'instance-state-name', Values: LIVE_STATES }];

export interface InstancesResult {
  instances: Instance[];
  path: 'instance-image-metadata' | 'describe-instances';
  /** Why the primary path was not used. */
  degradedReason?: string;
  /** Why the managed-instances follow-up of the primary path failed (managed instances may be missing). */
  managedDegradedReason?: string;
}

/** An Operator answer, kept only for a managed resource. */
export function operatorOf(o: OperatorResponse | undefined): InstanceOperator | undefined {
  if (!o?.Managed) return undefined;
  return defined({ managed: true, principal: o.Principal, hiddenByDefault: o.HiddenByDefault });
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
    operator: operatorOf(m.Operator),
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
    operator: operatorOf(i.Operator),
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

async function viaDescribeInstances(ctx: RegionContext, managedOnly = false): Promise<Instance[]> {
  const out: Instance[] = [];
  const Filters = managedOnly ? [...LIVE_FILTER, { Name: 'operator.managed', Values: ['true'] }] : LIVE_FILTER;
  const input = { Filters, IncludeManagedResources: true };
  const pages = paginateDescribeInstances({ client: ctx.client, pageSize: 1000, stopOnSameToken: true }, input, sendOptions(ctx));
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
export async function collectInstances(ctx: RegionContext, opts: { managedVisible?: boolean } = {}): Promise<InstancesResult> {
  let listed: Instance[];
  try {
    listed = await viaMetadata(ctx);
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
  if (opts.managedVisible) return { instances: listed, path: 'instance-image-metadata' };
  try {
    const seen = new Set(listed.map((i) => i.instanceId));
    const hidden = (await viaDescribeInstances(ctx, true)).filter((i) => !seen.has(i.instanceId));
    return { instances: [...listed, ...hidden], path: 'instance-image-metadata' };
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    const why = `DescribeInstances (IncludeManagedResources, operator.managed=true) failed (${errorCode(err)}: ${errorMessage(err)})`;
    return { instances: listed, path: 'instance-image-metadata', managedDegradedReason: `${why}; managed instances hidden by default may be missing (${MANAGED_INSTANCES.permissions.join(', ')})` };
  }
}
