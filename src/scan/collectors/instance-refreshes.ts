/**
 * The unfinished instance refreshes of Auto Scaling groups (issue #14: "whether a scale-out or instance refresh is
 * pending"), from autoscaling:DescribeInstanceRefreshes, once the images are resolved (scanner phase 3c).
 *
 * AWS (DescribeInstanceRefreshes API reference): "Gets information about the instance refreshes for the specified
 * Auto Scaling group from the previous six weeks." AutoScalingGroupName is "Required: Yes" (one group per call);
 * "MaxRecords: The maximum number of items to return with this call. The default value is 50 and the maximum value
 * is 100." NextToken: "The token for the next set of items to return." The order of the answer is not documented, so
 * every page is read.
 *
 * Where it is asked: only in the account x regions where DescribeImageReferences is asked (collectors/
 * image-references.ts: the unit owns or references an image whose owner is not an approved publisher), for every
 * group there. A refresh matters to amigov only when it launches an image enforcement would refuse, and in a unit
 * that references no such image neither the groups' templates nor the templates a refresh's desired configuration
 * names (the launch-templates collector describes the default and latest version of every template of the unit)
 * launch one. Every group of such a unit is asked, not only those whose own image is refused: a refresh's desired
 * configuration ("The desired configuration. For example, the desired configuration can specify a new launch
 * template or a new version of the current launch template", StartInstanceRefresh) is what it launches, and it is
 * only known by asking. A desired configuration pinned to a version that is neither a template's default nor its
 * latest is not described (cannot-verify). As for image references, an image from an approved publisher that only the
 * image criteria refuse is outside the scope: a unit whose only refused images are of that kind is not asked.
 *
 * Statuses (InstanceRefresh.Status): "Pending - The request was created, but the instance refresh has not started.
 * InProgress - An instance refresh is in progress. Successful - An instance refresh completed successfully. Failed -
 * An instance refresh failed to complete. [...] Cancelling - An ongoing instance refresh is being cancelled.
 * Cancelled - The instance refresh is cancelled. RollbackInProgress - An instance refresh is being rolled back.
 * RollbackFailed - The rollback failed to complete. [...] RollbackSuccessful - The rollback completed successfully.
 * Baking - Waiting the specified bake time after an instance refresh has finished updating instances." The finished
 * ones say nothing pending and are not recorded.
 */
import { paginateDescribeInstanceRefreshes, type AutoScalingClient, type DesiredConfiguration } from '@aws-sdk/client-auto-scaling';
import type { GroupMixedInstancesPolicy, InstanceRefresh, LaunchTemplateSpec } from '../../model/inventory.js';
import { defined } from './map.js';
import { spec } from './launch-paths.js';
import { sendOptions, type RegionContext } from './types.js';

export const INSTANCE_REFRESHES_PAGE = 100;
/** The documented statuses of a refresh that is over. */
export const FINISHED_REFRESH_STATUSES: ReadonlySet<string> = new Set(['Successful', 'Failed', 'Cancelled', 'RollbackFailed', 'RollbackSuccessful']);

function desired(d: DesiredConfiguration | undefined): InstanceRefresh['desiredConfiguration'] {
  if (!d) return undefined;
  const launchTemplate: LaunchTemplateSpec | undefined = spec(d.LaunchTemplate);
  const mip = d.MixedInstancesPolicy?.LaunchTemplate;
  const base = spec(mip?.LaunchTemplateSpecification);
  const mixedInstancesPolicy: GroupMixedInstancesPolicy | undefined = base
    ? {
        launchTemplate: base,
        overrides: (mip?.Overrides ?? []).map((o) => {
          const ov = spec(o.LaunchTemplateSpecification);
          return defined({ instanceType: o.InstanceType, ...(ov ? { launchTemplate: ov } : {}) });
        }),
      }
    : undefined;
  if (!launchTemplate && !mixedInstancesPolicy) return undefined;
  return { ...(launchTemplate ? { launchTemplate } : {}), ...(mixedInstancesPolicy ? { mixedInstancesPolicy } : {}) };
}

/** One group's unfinished refreshes, every page read; throws whatever the call throws (the scanner degrades). */
export async function describeInstanceRefreshes(ctx: RegionContext, client: AutoScalingClient, groupName: string): Promise<InstanceRefresh[]> {
  const out: InstanceRefresh[] = [];
  const pages = paginateDescribeInstanceRefreshes({ client, pageSize: INSTANCE_REFRESHES_PAGE, stopOnSameToken: true }, { AutoScalingGroupName: groupName }, sendOptions(ctx));
  for await (const page of pages) {
    for (const r of page.InstanceRefreshes ?? []) {
      if (!r.InstanceRefreshId || !r.Status || FINISHED_REFRESH_STATUSES.has(r.Status)) continue;
      const d = desired(r.DesiredConfiguration);
      out.push(
        defined({
          instanceRefreshId: r.InstanceRefreshId,
          status: r.Status,
          statusReason: r.StatusReason,
          percentageComplete: r.PercentageComplete,
          instancesToUpdate: r.InstancesToUpdate,
          startTime: r.StartTime?.toISOString(),
          ...(d ? { desiredConfiguration: d } : {}),
        }),
      );
    }
  }
  return out.sort((a, b) => a.instanceRefreshId.localeCompare(b.instanceRefreshId));
}

/** Every group's unfinished refreshes, one group after another (their order is the caller's). */
export async function describeGroupsRefreshes(ctx: RegionContext, client: AutoScalingClient, groupNames: string[]): Promise<[string, InstanceRefresh[]][]> {
  const out: [string, InstanceRefresh[]][] = [];
  for (const name of groupNames) out.push([name, await describeInstanceRefreshes(ctx, client, name)]);
  return out;
}
