/**
 * DescribeInstances (reservations, filters, pagination) and DescribeInstanceImageMetadata, which keeps
 * describing an instance's image from what EC2 recorded at launch after the image is deregistered or unshared.
 *
 * Managed instances (fixture `operator`): ManagedResourceVisibilitySettings.DefaultVisibility "A value of hidden
 * indicates that managed resources are not included in Describe operation responses by default. A value of
 * visible indicates that managed resources are included by default." DescribeInstances IncludeManagedResources:
 * "If this parameter is set to true, the output includes resources that are managed by Amazon Web Services
 * services, even if managed resource visibility is set to hidden." DescribeInstanceImageMetadata has no such
 * parameter (API reference and SDK), so while visibility is hidden it never lists a managed instance. The docs
 * do not say what a hidden instance named by InstanceId.N answers: the sandbox leaves it out of the answer.
 */
import { ApiError, invalidParameterCombination } from '../errors.js';
import type { XmlValue } from '../protocol/query.js';
import { items } from '../protocol/query.js';
import type { InstanceRec } from '../state.js';
import { hash32 } from '../random.js';
import type { Ec2Context, Ec2Handler, FilterResolvers } from './common.js';
import { INSTANCE_ID, INSTANCE_STATE_CODES, applyFilters, checkDryRun, paginate, tagSet, zoneId } from './common.js';

const instanceFilters: FilterResolvers<InstanceRec> = {
  'instance-id': (i) => i.instanceId,
  'image-id': (i) => i.imageId,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => String(INSTANCE_STATE_CODES[i.state] ?? ''),
  'instance-type': (i) => i.instanceType,
  'availability-zone': (i) => i.availabilityZone,
  'owner-id': (i) => i.accountId,
  'reservation-id': (i) => i.reservationId,
  'launch-time': (i) => i.launchTime,
  architecture: (i) => i.architecture,
  platform: (i) => i.platform,
  'root-device-type': () => 'ebs',
  // "operator.managed - A Boolean that indicates whether this is a managed instance." / "operator.principal"
  'operator.managed': (i) => String(i.operator !== undefined),
  'operator.principal': (i) => i.operator?.principal,
};

/** The instances a Describe call shows: managed ones only when visible by default or asked for. */
function visible(ctx: Ec2Context, list: InstanceRec[], includeManaged: boolean): InstanceRec[] {
  if (includeManaged || ctx.state.regionSettings(ctx.accountId, ctx.region).managedResourceVisibility === 'visible') return list;
  return list.filter((i) => i.operator === undefined);
}

/** OperatorResponse: managed, principal, hiddenByDefault (only for a managed instance). */
function operatorOf(ctx: Ec2Context, i: InstanceRec): Record<string, XmlValue> | undefined {
  if (!i.operator) return undefined;
  const hidden = ctx.state.regionSettings(ctx.accountId, ctx.region).managedResourceVisibility === 'hidden';
  return { managed: true, principal: i.operator.principal, hiddenByDefault: hidden };
}

/** Instances of the caller's account x region, by id, after InstanceId.N (with EC2's id errors). */
function selectInstances(ctx: Ec2Context, ids: string[]): InstanceRec[] {
  const all = ctx.state.instances(ctx.accountId, ctx.region);
  if (ids.length === 0) return all;
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  const wanted = new Set(ids);
  const found = all.filter((i) => wanted.has(i.instanceId));
  const missing = [...wanted].filter((id) => !found.some((i) => i.instanceId === id));
  if (missing.length > 0) {
    throw new ApiError(
      'InvalidInstanceID.NotFound',
      missing.length === 1 ? `The instance ID '${missing[0]}' does not exist` : `The instance IDs '${missing.join(', ')}' do not exist`,
    );
  }
  return found;
}

function privateIp(i: InstanceRec): string {
  const h = hash32(i.instanceId);
  return `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${(h & 254) + 1}`;
}

function renderInstance(ctx: Ec2Context, i: InstanceRec): Record<string, XmlValue> {
  const ip = privateIp(i);
  const windows = i.platform === 'windows';
  const running = i.state !== 'terminated';
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: INSTANCE_STATE_CODES[i.state] ?? 16, name: i.state },
    privateDnsName: running ? `ip-${ip.replaceAll('.', '-')}.${i.region}.compute.internal` : '',
    dnsName: '',
    reason: i.state === 'stopped' ? 'User initiated (2026-01-20 10:00:00 GMT)' : '',
    amiLaunchIndex: 0,
    productCodes: '',
    instanceType: i.instanceType,
    launchTime: i.launchTime,
    placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
    platform: windows ? 'windows' : undefined,
    monitoring: { state: 'disabled' },
    subnetId: running ? `subnet-${i.reservationId.slice(2, 19).padEnd(17, '0')}` : undefined,
    vpcId: running ? `vpc-${i.accountId.slice(0, 8)}${'0'.repeat(9)}` : undefined,
    privateIpAddress: running ? ip : undefined,
    sourceDestCheck: true,
    groupSet: '',
    architecture: i.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: '',
    virtualizationType: 'hvm',
    clientToken: '',
    tagSet: tagSet(i.tags),
    hypervisor: 'xen',
    networkInterfaceSet: '',
    ebsOptimized: false,
    enaSupport: true,
    platformDetails: windows ? 'Windows' : 'Linux/UNIX',
    usageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
    currentInstanceBootMode: 'uefi',
    operator: operatorOf(ctx, i),
  };
}

export const describeInstances: Ec2Handler = (ctx, params) => {
  const ids = params.list('InstanceId');
  if (ids.length > 0 && params.has('MaxResults')) {
    throw invalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const shown = visible(ctx, selectInstances(ctx, ids), params.bool('IncludeManagedResources'));
  const selected = applyFilters(shown, params.filters(), instanceFilters, (i) => i.tags);
  const { page, nextToken } = paginate('DescribeInstances', selected, params, { min: 5, max: 1000 });
  checkDryRun(params);
  // A page lists reservations; instances launched together share one.
  const reservations = new Map<string, InstanceRec[]>();
  for (const i of page) {
    const list = reservations.get(i.reservationId);
    if (list) list.push(i);
    else reservations.set(i.reservationId, [i]);
  }
  return {
    reservationSet: items(
      [...reservations].map(([reservationId, list]) => ({
        reservationId,
        ownerId: ctx.accountId,
        groupSet: '',
        instancesSet: items(list.map((i) => renderInstance(ctx, i))),
      })),
    ),
    nextToken,
  };
};

const metadataFilters: FilterResolvers<InstanceRec> = {
  'instance-id': (i) => i.instanceId,
  'instance-type': (i) => i.instanceType,
  'instance-state-name': (i) => i.state,
  'availability-zone': (i) => i.availabilityZone,
  'zone-id': (i) => zoneId(i.availabilityZone),
  'launch-time': (i) => i.launchTime,
  // owner-id / owner-alias filter on the image's owner, as the API reference describes them.
  'owner-id': (i) => i.imageSnapshot.ownerId,
  'owner-alias': (i) => i.imageSnapshot.ownerAlias,
};

export const describeInstanceImageMetadata: Ec2Handler = (ctx, params) => {
  const ids = params.list('InstanceId');
  const selected = applyFilters(visible(ctx, selectInstances(ctx, ids), false), params.filters(), metadataFilters, (i) => i.tags);
  const { page, nextToken } = paginate('DescribeInstanceImageMetadata', selected, params, { min: 5, max: 1000 });
  checkDryRun(params);
  return {
    instanceImageMetadataSet: items(
      page.map((i) => {
        const snap = i.imageSnapshot;
        const current = ctx.state.images.get(i.imageId);
        return {
          instanceId: i.instanceId,
          instanceType: i.instanceType,
          launchTime: i.launchTime,
          availabilityZone: i.availabilityZone,
          zoneId: zoneId(i.availabilityZone),
          instanceState: { code: INSTANCE_STATE_CODES[i.state] ?? 16, name: i.state },
          instanceOwnerId: i.accountId,
          tagSet: tagSet(i.tags),
          operator: operatorOf(ctx, i),
          imageMetadata: {
            imageId: snap.imageId,
            name: snap.name,
            imageOwnerId: snap.ownerId,
            imageState: current?.state,
            imageOwnerAlias: snap.ownerAlias,
            creationDate: snap.creationDate,
            deprecationTime: snap.deprecationTime,
            imageAllowed:
              snap.ownerId !== undefined
                ? ctx.state.imageAllowed({ ...snap, productCodes: current?.productCodes ?? [] }, ctx.accountId, ctx.region, ctx.now)
                : undefined,
            isPublic: current ? current.public && current.state !== 'deregistered' : undefined,
          },
        };
      }),
    ),
    nextToken,
  };
};
