/**
 * Amazon EC2 Auto Scaling over its real protocol: the AWS Query protocol (form-encoded, `Action` and
 * `Version=2011-01-01`), lists as `Name.member.N`, responses `<ActionResponse><ActionResult>...` in the
 * namespace http://autoscaling.amazonaws.com/doc/2011-01-01/ with `<member>` list items, errors in the
 * `<ErrorResponse>` envelope (as STS). DescribeAutoScalingGroups, DescribeLaunchConfigurations and
 * DescribeInstanceRefreshes only.
 *
 * Pagination as the API reference documents it: "MaxRecords: The maximum number of items to return with this
 * call. The default value is 50 and the maximum value is 100." For the group names: "By default, you can only
 * specify up to 50 names. You can optionally increase this limit using the MaxRecords property."
 */
import { ApiError } from './errors.js';
import type { QueryParams, XmlValue } from './protocol/query.js';
import type { Principal } from './auth.js';
import type { SandboxState } from './state.js';
import type { FixtureLaunchTemplateSpec, FixtureMixedInstancesPolicy } from './fixture-types.js';
import { decodeToken, encodeToken } from './ec2/common.js';

export const AUTO_SCALING_NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

export interface AutoScalingContext {
  state: SandboxState;
  principal: Principal;
  accountId: string;
  region: string;
}

export type AutoScalingHandler = (ctx: AutoScalingContext, params: QueryParams) => Record<string, XmlValue>;

/** A Query-protocol list of structures: `<member>…</member>…`. */
const members = (list: XmlValue[]): XmlValue => (list.length === 0 ? '' : { member: list });

const validation = (message: string) => new ApiError('ValidationError', message, 400);

function page<T>(action: string, all: T[], params: QueryParams, namesGiven: number): { items: T[]; NextToken?: string } {
  const raw = params.str('MaxRecords');
  const max = raw === undefined ? undefined : Number(raw);
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 100)) {
    throw validation(`1 validation error detected: Value '${raw}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100`);
  }
  if (namesGiven > Math.max(50, max ?? 0)) throw validation(`The number of names specified (${namesGiven}) exceeds the maximum (${Math.max(50, max ?? 0)}).`);
  const token = params.str('NextToken');
  let start = 0;
  if (token) {
    try {
      start = decodeToken(action, token);
    } catch {
      throw new ApiError('InvalidNextToken', 'The token provided is not valid.', 400);
    }
  }
  const size = max ?? 50;
  const end = Math.min(all.length, start + size);
  return end < all.length ? { items: all.slice(start, end), NextToken: encodeToken(action, end) } : { items: all.slice(start, end) };
}

const ltSpec = (s: FixtureLaunchTemplateSpec | undefined): XmlValue =>
  s ? { LaunchTemplateId: s.launchTemplateId, LaunchTemplateName: s.launchTemplateName, Version: s.version } : undefined;

export const describeAutoScalingGroups: AutoScalingHandler = (ctx, params) => {
  const names = params.list('AutoScalingGroupNames.member');
  let groups = ctx.state.autoScalingGroups(ctx.accountId, ctx.region);
  // Unknown names are simply not returned (the API answers with the groups it found).
  if (names.length > 0) groups = groups.filter((g) => names.includes(g.name));
  const { items, NextToken } = page('DescribeAutoScalingGroups', groups, params, names.length);
  const instances = new Map(ctx.state.instances(ctx.accountId, ctx.region).map((i) => [i.instanceId, i]));
  return {
    AutoScalingGroups: members(
      items.map((g) => ({
        AutoScalingGroupName: g.name,
        AutoScalingGroupARN: `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${g.name}`,
        LaunchConfigurationName: g.launchConfigurationName,
        LaunchTemplate: ltSpec(g.launchTemplate),
        MixedInstancesPolicy: g.mixedInstancesPolicy
          ? {
              LaunchTemplate: {
                LaunchTemplateSpecification: ltSpec(g.mixedInstancesPolicy.launchTemplate),
                Overrides: members((g.mixedInstancesPolicy.overrides ?? []).map((o) => ({ InstanceType: o.instanceType, LaunchTemplateSpecification: ltSpec(o.launchTemplate) }))),
              },
            }
          : undefined,
        MinSize: g.minSize,
        MaxSize: g.maxSize,
        DesiredCapacity: g.desiredCapacity,
        DefaultCooldown: 300,
        AvailabilityZones: members([`${ctx.region}a`]),
        HealthCheckType: 'EC2',
        HealthCheckGracePeriod: 300,
        Instances: members(
          (g.instanceIds ?? []).flatMap((id) => {
            const inst = instances.get(id);
            if (!inst || inst.state === 'terminated') return [];
            return [{ InstanceId: id, AvailabilityZone: inst.availabilityZone, LifecycleState: inst.state === 'running' ? 'InService' : 'Pending', HealthStatus: 'Healthy', ProtectedFromScaleIn: false }];
          }),
        ),
        CreatedTime: '2025-06-01T09:00:00.000Z',
        Status: g.status,
        Tags: members(
          Object.entries(g.tags ?? {}).map(([Key, Value]) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true })),
        ),
      })),
    ),
    NextToken,
  };
};

export const describeLaunchConfigurations: AutoScalingHandler = (ctx, params) => {
  const names = params.list('LaunchConfigurationNames.member');
  let list = ctx.state.launchConfigurations(ctx.accountId, ctx.region);
  if (names.length > 0) list = list.filter((lc) => names.includes(lc.name));
  const { items, NextToken } = page('DescribeLaunchConfigurations', list, params, names.length);
  return {
    LaunchConfigurations: members(
      items.map((lc) => ({
        LaunchConfigurationName: lc.name,
        LaunchConfigurationARN: `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:launchConfiguration:00000000-0000-0000-0000-000000000000:launchConfigurationName/${lc.name}`,
        ImageId: lc.imageId,
        InstanceType: lc.instanceType ?? 't3.micro',
        CreatedTime: '2024-03-01T09:00:00.000Z',
      })),
    ),
    NextToken,
  };
};

const mixedPolicy = (p: FixtureMixedInstancesPolicy | undefined): XmlValue =>
  p
    ? {
        LaunchTemplate: {
          LaunchTemplateSpecification: ltSpec(p.launchTemplate),
          Overrides: members((p.overrides ?? []).map((o) => ({ InstanceType: o.instanceType, LaunchTemplateSpecification: ltSpec(o.launchTemplate) }))),
        },
      }
    : undefined;

/**
 * DescribeInstanceRefreshes: "Gets information about the instance refreshes for the specified Auto Scaling group from
 * the previous six weeks." AutoScalingGroupName: "Required: Yes"; InstanceRefreshIds.member.N: "One or more instance
 * refresh IDs."; MaxRecords: "The default value is 50 and the maximum value is 100." The API reference is silent on
 * a group that does not exist: the sandbox answers an empty list, as DescribeAutoScalingGroups does for unknown names.
 * The missing-name message is the Query protocol's usual validation error (AWS documents only ValidationError's code).
 */
export const describeInstanceRefreshes: AutoScalingHandler = (ctx, params) => {
  const name = params.str('AutoScalingGroupName');
  if (!name) throw validation("1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null");
  const ids = params.list('InstanceRefreshIds.member');
  const group = ctx.state.autoScalingGroups(ctx.accountId, ctx.region).find((g) => g.name === name);
  let list = group?.instanceRefreshes ?? [];
  if (ids.length > 0) list = list.filter((r) => ids.includes(r.instanceRefreshId));
  const { items, NextToken } = page('DescribeInstanceRefreshes', list, params, 0);
  return {
    InstanceRefreshes: members(
      items.map((r) => ({
        InstanceRefreshId: r.instanceRefreshId,
        AutoScalingGroupName: name,
        Status: r.status,
        StatusReason: r.statusReason,
        StartTime: r.startTime,
        EndTime: r.endTime,
        PercentageComplete: r.percentageComplete,
        InstancesToUpdate: r.instancesToUpdate,
        DesiredConfiguration: r.desiredConfiguration
          ? { LaunchTemplate: ltSpec(r.desiredConfiguration.launchTemplate), MixedInstancesPolicy: mixedPolicy(r.desiredConfiguration.mixedInstancesPolicy) }
          : undefined,
      })),
    ),
    NextToken,
  };
};

export const AUTO_SCALING_ACTIONS: Record<string, AutoScalingHandler> = {
  DescribeAutoScalingGroups: describeAutoScalingGroups,
  DescribeLaunchConfigurations: describeLaunchConfigurations,
  DescribeInstanceRefreshes: describeInstanceRefreshes,
};
