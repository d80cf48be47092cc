/**
 * Launch permissions of owned images (`--deep` only): DescribeImageAttribute Attribute=launchPermission, one
 * call per owned image (the API takes one image id and has no batch form), answered to the owner only. It
 * tells who an AMI is shared with: accounts, organizations, OUs, and group `all` (public). The public-ami
 * rule uses it to find AMIs shared outside the organization. Optional: a failure leaves the image without
 * launchPermissions (so never judged as "not shared") and records why.
 */
import { DescribeImageAttributeCommand } from '@aws-sdk/client-ec2';
import type { Image } from '../../model/inventory.js';
import { classifyError, errorCode, errorMessage, unsupportedReason } from '../../aws/errors.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { LAUNCH_PERMISSIONS } from './metas.js';

/** Images described at once within one account x region: the unit's share of the EC2 describe bucket. */
export const LAUNCH_PERMISSIONS_PARALLEL = 4;

/** Fills `launchPermissions` on each owned image; returns a reason when some could not be read. */
export async function collectLaunchPermissions(ctx: RegionContext, images: Image[]): Promise<string | undefined> {
  const failures: string[] = [];
  let unsupported: unknown;
  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const image = images[next++]!;
      if (image.state === 'deregistered') continue;
      try {
        const out = await ctx.client.send(new DescribeImageAttributeCommand({ ImageId: image.imageId, Attribute: 'launchPermission' }), sendOptions(ctx));
        const perms = out.LaunchPermissions ?? [];
        image.launchPermissions = {
          userIds: perms.map((p) => p.UserId).filter((v): v is string => !!v),
          groups: perms.flatMap((p) => (p.Group ? [String(p.Group)] : [])),
          organizationArns: perms.map((p) => p.OrganizationArn).filter((v): v is string => !!v),
          organizationalUnitArns: perms.map((p) => p.OrganizationalUnitArn).filter((v): v is string => !!v),
        };
      } catch (err) {
        if (ctx.abortSignal?.aborted) throw err;
        // The endpoint does not implement it: no image's permissions can be read here, so stop asking.
        if (classifyError(err) === 'unsupported') {
          unsupported ??= err;
          next = images.length;
          continue;
        }
        failures.push(`${image.imageId}: ${errorCode(err)} ${errorMessage(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LAUNCH_PERMISSIONS_PARALLEL, images.length) }, worker));
  if (unsupported !== undefined) return `${unsupportedReason('DescribeImageAttribute', unsupported)}: launch permissions of the ${images.length} images unknown`;
  if (!failures.length) return undefined;
  return `launch permissions of ${failures.length} of ${images.length} images unknown (${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; ...' : ''})`;
}
