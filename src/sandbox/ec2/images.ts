/**
 * DescribeImages, DescribeImageAttribute and the image-mutating calls remediation uses (ModifyImageAttribute,
 * DeregisterImage). Visibility follows EC2: an account sees its own images, public images, and images shared with
 * it (directly, through its organization or an OU above it); an image's tags are per account: each account sees
 * only the tags it set itself (the owner's to the owner).
 */
import { ApiError, invalidParameterCombination, invalidParameterValue, missingParameter } from '../errors.js';
import type { QueryParams, XmlValue } from '../protocol/query.js';
import { items } from '../protocol/query.js';
import type { ImageRec } from '../state.js';
import type { Ec2Context, Ec2Handler } from './common.js';
import { applyFilters, checkAmiIds, checkDryRun, paginate, tagSet } from './common.js';

const PROVIDER_ALIASES = new Set(['amazon', 'aws-marketplace', 'aws-backup-vault']);
const ACCOUNT_ID = /^\d{12}$/;

function notFound(ids: string[]): ApiError {
  return new ApiError('InvalidAMIID.NotFound', `The image id '[${ids.join(', ')}]' does not exist`);
}

function isDeprecated(rec: ImageRec, now: number): boolean {
  return rec.deprecationTime !== undefined && Date.parse(rec.deprecationTime) <= now;
}

/** Whether Allowed AMIs in `enabled` state hides this image from the caller (own images are never hidden). */
function hiddenByAllowedImages(ctx: Ec2Context, rec: ImageRec): boolean {
  if (rec.ownerId === ctx.accountId) return false;
  if (ctx.state.regionSettings(ctx.accountId, ctx.region).allowedImages.state !== 'enabled') return false;
  return !ctx.state.imageAllowed(rec, ctx.accountId, ctx.region, ctx.now);
}

export function renderImage(ctx: Ec2Context, rec: ImageRec): Record<string, XmlValue> {
  const owner = rec.ownerId === ctx.accountId;
  const windows = rec.platform === 'windows';
  return {
    imageId: rec.imageId,
    imageLocation: `${rec.ownerAlias ?? rec.ownerId}/${rec.name}`,
    imageState: rec.state,
    imageOwnerId: rec.ownerId,
    creationDate: rec.creationDate,
    isPublic: rec.public,
    productCodes: rec.productCodes.length
      ? items(rec.productCodes.map((p) => ({ productCode: p, type: 'marketplace' })))
      : undefined,
    architecture: rec.architecture,
    imageType: 'machine',
    platform: windows ? 'windows' : undefined,
    platformDetails: windows ? 'Windows' : 'Linux/UNIX',
    usageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
    imageOwnerAlias: rec.ownerAlias,
    name: rec.name,
    description: rec.description,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: items(
      rec.snapshotIds.map((snapshotId, i) => ({
        deviceName: i === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(98 + i)}`,
        ebs: { snapshotId, volumeSize: 8, deleteOnTermination: true, volumeType: 'gp3', encrypted: false },
      })),
    ),
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    enaSupport: true,
    sriovNetSupport: 'simple',
    bootMode: 'uefi-preferred',
    imdsSupport: 'v2.0',
    // The caller's own tags: the owner's to the owner, another account's own tags to it. EC2 User Guide: "When you
    // tag public or shared resources, the tags you assign are available only to your AWS account; no other AWS
    // account will have access to those tags." and (sharing) "your user-defined tags are not available to any
    // AWS account in an organization or OU with which the AMI is shared".
    tagSet: tagSet(ctx.state.imageTagsFor(rec, ctx.accountId)),
    deprecationTime: rec.deprecationTime,
    // DescribeImages Image: sourceImageId "The ID of the source AMI from which the AMI was created.", sourceImageRegion
    // "The Region of the source AMI.", lastLaunchedTime "when the AMI was last used to launch an EC2 instance",
    // deregistrationProtection "Indicates whether deregistration protection is enabled for the AMI."
    sourceImageId: rec.sourceImageId,
    sourceImageRegion: rec.sourceImageRegion,
    lastLaunchedTime: rec.lastLaunchedTime,
    deregistrationProtection: rec.deregistrationProtection,
    imageAllowed: ctx.state.imageAllowed(rec, ctx.accountId, ctx.region, ctx.now),
  };
}

const imageFilters = {
  'image-id': (r: ImageRec) => r.imageId,
  'owner-id': (r: ImageRec) => r.ownerId,
  'owner-alias': (r: ImageRec) => r.ownerAlias,
  name: (r: ImageRec) => r.name,
  description: (r: ImageRec) => r.description,
  'is-public': (r: ImageRec) => String(r.public),
  state: (r: ImageRec) => r.state,
  architecture: (r: ImageRec) => r.architecture,
  platform: (r: ImageRec) => r.platform,
  'image-type': () => 'machine',
  'root-device-type': () => 'ebs',
  'virtualization-type': () => 'hvm',
  hypervisor: () => 'xen',
  'product-code': (r: ImageRec) => r.productCodes,
  'creation-date': (r: ImageRec) => r.creationDate,
  'deprecation-time': (r: ImageRec) => r.deprecationTime,
  'block-device-mapping.snapshot-id': (r: ImageRec) => r.snapshotIds,
};

export const describeImages: Ec2Handler = (ctx, params) => {
  const { state, accountId, region } = ctx;
  const ids = params.list('ImageId');
  const owners = params.list('Owner');
  const executableBy = params.list('ExecutableBy');
  const includeDeprecated = params.bool('IncludeDeprecated');
  const includeDisabled = params.bool('IncludeDisabled');
  checkAmiIds(ids);
  if (ids.length > 0 && params.has('MaxResults')) {
    throw invalidParameterCombination('The parameter ImageIds cannot be used together with the parameter MaxResults');
  }
  for (const o of owners) {
    if (o !== 'self' && !PROVIDER_ALIASES.has(o) && !ACCOUNT_ID.test(o)) {
      throw invalidParameterValue(`Invalid value '${o}' for Owner. Expecting 'self', 'amazon', 'aws-marketplace', 'aws-backup-vault' or a 12-digit account ID.`);
    }
  }

  let candidates: ImageRec[];
  if (ids.length > 0) {
    const missing: string[] = [];
    candidates = [];
    for (const id of [...new Set(ids)]) {
      const rec = state.images.get(id);
      if (rec && rec.region === region && rec.state === 'deregistered' && state.isReferenced(id)) continue; // EC2: empty results
      if (!rec || rec.region !== region || !state.canSee(rec, accountId) || rec.state === 'deregistered' || hiddenByAllowedImages(ctx, rec)) {
        missing.push(id);
        continue;
      }
      candidates.push(rec);
    }
    if (missing.length > 0) throw notFound(missing);
  } else if (owners.length > 0) {
    const seen = new Map<string, ImageRec>();
    for (const o of owners) {
      let list: ImageRec[];
      if (o === 'self' || o === accountId) list = state.ownedBy(accountId, region);
      else if (ACCOUNT_ID.test(o)) list = state.ownedBy(o, region).filter((r) => state.canSee(r, accountId));
      else list = state.visibleImages(accountId, region).filter((r) => r.ownerAlias === o);
      for (const r of list) seen.set(r.imageId, r);
    }
    candidates = [...seen.values()].sort((a, b) => (a.imageId < b.imageId ? -1 : 1));
  } else {
    candidates = state.visibleImages(accountId, region);
  }

  if (executableBy.length > 0) {
    candidates = candidates.filter((r) =>
      executableBy.some((e) => {
        if (e === 'all') return r.public;
        if (e === 'self') return state.hasExplicitPermission(r, accountId);
        return r.userIds.has(e) || (e === accountId && state.hasExplicitPermission(r, accountId));
      }),
    );
  }

  candidates = candidates.filter((r) => {
    const own = r.ownerId === accountId;
    if (r.state === 'deregistered') return false;
    if (r.state === 'disabled') return own && includeDisabled;
    if (!own && ids.length === 0 && !includeDeprecated && isDeprecated(r, ctx.now)) return false;
    if (!own && (r.state === 'pending' || r.state === 'failed')) return false;
    return !hiddenByAllowedImages(ctx, r);
  });

  // Tag filters see the caller's own tags only (the owner's to the owner).
  candidates = applyFilters(candidates, params.filters(), imageFilters, (r) => state.imageTagsFor(r, accountId));
  const { page, nextToken } = paginate('DescribeImages', candidates, params, { min: 1, max: 1000 });
  checkDryRun(params);
  return { imagesSet: items(page.map((r) => renderImage(ctx, r))), nextToken };
};

/** The image an owner-only call acts on: NotFound when invisible, AuthFailure when visible but not owned. */
function ownedImage(ctx: Ec2Context, imageId: string | undefined, paramName = 'ImageId'): ImageRec {
  if (!imageId) throw missingParameter(paramName);
  checkAmiIds([imageId]);
  const rec = ctx.state.images.get(imageId);
  if (!rec || rec.region !== ctx.region || rec.state === 'deregistered' || !ctx.state.canSee(rec, ctx.accountId)) throw notFound([imageId]);
  if (rec.ownerId !== ctx.accountId) throw new ApiError('AuthFailure', `Not authorized for image:${imageId}`, 400);
  return rec;
}

export const describeImageAttribute: Ec2Handler = (ctx, params) => {
  const attribute = params.str('Attribute');
  if (!attribute) throw missingParameter('Attribute');
  const rec = ownedImage(ctx, params.str('ImageId'));
  checkDryRun(params);
  const out: Record<string, XmlValue> = { imageId: rec.imageId };
  switch (attribute) {
    case 'launchPermission':
      out.launchPermission = items([
        ...(rec.public ? [{ group: 'all' }] : []),
        ...[...rec.userIds].map((userId) => ({ userId })),
        ...[...rec.orgArns].map((organizationArn) => ({ organizationArn })),
        ...[...rec.ouArns].map((organizationalUnitArn) => ({ organizationalUnitArn })),
      ]);
      break;
    case 'description':
      out.description = rec.description !== undefined ? { value: rec.description } : '';
      break;
    case 'productCodes':
      out.productCodes = items(rec.productCodes.map((p) => ({ productCode: p, type: 'marketplace' })));
      break;
    case 'blockDeviceMapping':
      out.blockDeviceMapping = items(rec.snapshotIds.map((s, i) => ({ deviceName: i === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(98 + i)}`, ebs: { snapshotId: s, volumeSize: 8 } })));
      break;
    case 'bootMode':
      out.bootMode = { value: 'uefi-preferred' };
      break;
    case 'imdsSupport':
      out.imdsSupport = { value: 'v2.0' };
      break;
    case 'deregistrationProtection':
      out.deregistrationProtection = { value: 'disabled' };
      break;
    case 'lastLaunchedTime':
    case 'kernel':
    case 'ramdisk':
    case 'sriovNetSupport':
    case 'tpmSupport':
    case 'uefiData':
      out[attribute] = '';
      break;
    default:
      throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  return out;
};

interface PermissionChange {
  group?: string;
  userId?: string;
  organizationArn?: string;
  organizationalUnitArn?: string;
}

function readPermissions(list: QueryParams[]): PermissionChange[] {
  return list.map((p) => ({
    ...(p.str('Group') !== undefined ? { group: p.str('Group')! } : {}),
    ...(p.str('UserId') !== undefined ? { userId: p.str('UserId')! } : {}),
    ...(p.str('OrganizationArn') !== undefined ? { organizationArn: p.str('OrganizationArn')! } : {}),
    ...(p.str('OrganizationalUnitArn') !== undefined ? { organizationalUnitArn: p.str('OrganizationalUnitArn')! } : {}),
  }));
}

export const modifyImageAttribute: Ec2Handler = (ctx, params) => {
  const rec = ownedImage(ctx, params.str('ImageId'));
  const add: PermissionChange[] = readPermissions(params.structs('LaunchPermission.Add'));
  const remove: PermissionChange[] = readPermissions(params.structs('LaunchPermission.Remove'));
  // The older flat form: Attribute=launchPermission&OperationType=add|remove&UserId.N / UserGroup.N / ...
  const op = params.str('OperationType');
  if (op) {
    if (op !== 'add' && op !== 'remove') throw invalidParameterValue(`Value (${op}) for parameter operationType is invalid.`);
    const target = op === 'add' ? add : remove;
    for (const g of params.list('UserGroup')) target.push({ group: g });
    for (const u of params.list('UserId')) target.push({ userId: u });
    for (const a of params.list('OrganizationArn')) target.push({ organizationArn: a });
    for (const a of params.list('OrganizationalUnitArn')) target.push({ organizationalUnitArn: a });
  }
  const description = params.str('Description.Value') ?? (params.str('Attribute') === 'description' ? params.str('Value') : undefined);
  if (add.length === 0 && remove.length === 0 && description === undefined) {
    throw missingParameter('LaunchPermission, Description or another attribute');
  }
  for (const p of [...add, ...remove]) {
    if (p.group !== undefined && p.group !== 'all') throw invalidParameterValue(`Value (${p.group}) for parameter group is invalid. Only 'all' is supported.`);
    if (p.userId !== undefined && !ACCOUNT_ID.test(p.userId)) throw invalidParameterValue(`Invalid value '${p.userId}' for userId. Expecting a 12-digit account ID.`);
  }
  if (add.some((p) => p.group === 'all') && ctx.state.regionSettings(ctx.accountId, ctx.region).imageBlockPublicAccess === 'block-new-sharing') {
    throw new ApiError(
      'OperationNotPermitted',
      'You can’t publicly share this image because block public access for AMIs is enabled for this account. To publicly share the image, you must call the DisableImageBlockPublicAccess API.',
    );
  }
  checkDryRun(params);
  for (const p of add) {
    if (p.group === 'all') rec.public = true;
    if (p.userId) rec.userIds.add(p.userId);
    if (p.organizationArn) rec.orgArns.add(p.organizationArn);
    if (p.organizationalUnitArn) rec.ouArns.add(p.organizationalUnitArn);
  }
  for (const p of remove) {
    if (p.group === 'all') rec.public = false;
    if (p.userId) rec.userIds.delete(p.userId);
    if (p.organizationArn) rec.orgArns.delete(p.organizationArn);
    if (p.organizationalUnitArn) rec.ouArns.delete(p.organizationalUnitArn);
  }
  if (description !== undefined) rec.description = description;
  ctx.state.indexSharing(rec);
  return { return: true };
};

export const deregisterImage: Ec2Handler = (ctx, params) => {
  const rec = ownedImage(ctx, params.str('ImageId'));
  checkDryRun(params);
  rec.state = 'deregistered';
  ctx.state.indexSharing(rec);
  return { return: true };
};
