/**
 * DescribeFleets and DescribeSpotFleetRequests with the launch template configs, overrides and launch
 * specifications amigov reads. As the API reference documents:
 * - DescribeFleets MaxResults: "Specify a value between 1 and 1000. The default value is 1000."; "If a fleet is
 *   of type instant, you must specify the fleet ID in the request, otherwise the fleet does not appear in the
 *   response."
 * - DescribeSpotFleetRequests: "Spot Fleet requests are deleted 48 hours after they are canceled and their
 *   instances are terminated." (the fixture lists only the requests that still exist).
 */
import { ApiError } from '../errors.js';
import { items } from '../protocol/query.js';
import type { FixtureFleet, FixtureLaunchTemplateSpec } from '../fixture-types.js';
import type { Ec2Handler } from './common.js';
import { applyFilters, checkDryRun, paginate } from './common.js';

const ltSpec = (s: FixtureLaunchTemplateSpec) => ({ launchTemplateId: s.launchTemplateId, launchTemplateName: s.launchTemplateName, version: s.version });
const tagSet = (f: FixtureFleet) => items(Object.entries(f.tags ?? {}).map(([key, value]) => ({ key, value })));

export const describeFleets: Ec2Handler = (ctx, params) => {
  const ids = params.list('FleetId');
  let list = ctx.state.fleets(ctx.accountId, ctx.region, 'ec2-fleet');
  if (ids.length > 0) {
    const missing = ids.find((id) => !list.some((f) => f.fleetId === id));
    if (missing) throw new ApiError('InvalidFleetId.NotFound', `The fleet ID '${missing}' does not exist`);
    list = list.filter((f) => ids.includes(f.fleetId));
  } else list = list.filter((f) => f.type !== 'instant');
  list = applyFilters(list, params.filters(), { 'fleet-state': (f) => f.state, type: (f) => f.type ?? 'maintain' });
  const { page, nextToken } = paginate('DescribeFleets', list, params, { min: 1, max: 1000, defaultSize: 1000 });
  checkDryRun(params);
  return {
    fleetSet: items(
      page.map((f) => ({
        fleetId: f.fleetId,
        fleetState: f.state,
        type: f.type ?? 'maintain',
        createTime: '2025-06-01T09:00:00.000Z',
        targetCapacitySpecification: { totalTargetCapacity: f.targetCapacity ?? 1, defaultTargetCapacityType: 'spot' },
        launchTemplateConfigs: items(
          (f.launchTemplateConfigs ?? []).map((c) => ({
            launchTemplateSpecification: ltSpec(c.launchTemplate),
            overrides: items((c.overrides ?? []).map((o) => ({ instanceType: o.instanceType, imageId: o.imageId }))),
          })),
        ),
        tagSet: tagSet(f),
      })),
    ),
    nextToken,
  };
};

export const describeSpotFleetRequests: Ec2Handler = (ctx, params) => {
  const ids = params.list('SpotFleetRequestId');
  let list = ctx.state.fleets(ctx.accountId, ctx.region, 'spot-fleet');
  if (ids.length > 0) {
    const missing = ids.find((id) => !list.some((f) => f.fleetId === id));
    if (missing) throw new ApiError('InvalidSpotFleetRequestId.NotFound', `The Spot Fleet request ID '${missing}' does not exist`);
    list = list.filter((f) => ids.includes(f.fleetId));
  }
  const { page, nextToken } = paginate('DescribeSpotFleetRequests', list, params, { min: 1, max: 1000, defaultSize: 1000 });
  checkDryRun(params);
  return {
    spotFleetRequestConfigSet: items(
      page.map((f) => ({
        spotFleetRequestId: f.fleetId,
        spotFleetRequestState: f.state,
        createTime: '2025-06-01T09:00:00.000Z',
        spotFleetRequestConfig: {
          iamFleetRole: `arn:aws:iam::${ctx.accountId}:role/aws-ec2-spot-fleet-tagging-role`,
          targetCapacity: f.targetCapacity ?? 1,
          type: f.type ?? 'maintain',
          launchSpecifications: items((f.launchSpecifications ?? []).map((l) => ({ imageId: l.imageId, instanceType: l.instanceType }))),
          launchTemplateConfigs: items(
            (f.launchTemplateConfigs ?? []).map((c) => ({
              launchTemplateSpecification: ltSpec(c.launchTemplate),
              overrides: items((c.overrides ?? []).map((o) => ({ instanceType: o.instanceType }))),
            })),
          ),
        },
        tagSet: tagSet(f),
      })),
    ),
    nextToken,
  };
};
