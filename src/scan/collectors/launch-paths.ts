/**
 * Launch paths beyond instances and launch templates (issue #14): Auto Scaling groups with their launch
 * template (and the version they pin), mixed instances policies and legacy launch configurations; active EC2
 * Fleets and Spot Fleet requests; and the launch template versions these pin by number. Each is optional: a
 * scan role without the Auto Scaling permissions degrades these collectors (coverage.degraded), never the unit.
 *
 * What each API documents, and what the collectors rely on:
 * - DescribeAutoScalingGroups: "MaxRecords: The maximum number of items to return with this call. The default
 *   value is 50 and the maximum value is 100." LaunchTemplateSpecification.Version: "The version number,
 *   $Latest, or $Default. [...] If the value is $Latest, Amazon EC2 Auto Scaling selects the latest version of
 *   the launch template when launching instances. If the value is $Default, Amazon EC2 Auto Scaling selects the
 *   default version of the launch template when launching instances. The default value is $Default."
 * - DescribeLaunchConfigurations: read only for the configurations a group uses (LaunchConfigurationNames, up
 *   to 50 per call): a launch configuration no group uses launches nothing.
 * - DescribeFleets: "If a fleet is of type instant, you must specify the fleet ID in the request, otherwise it
 *   does not appear in the response" (instant fleets launch once and are done, so none is missed); MaxResults
 *   "between 1 and 1000".
 * - DescribeSpotFleetRequests: "Spot Fleet requests are deleted 48 hours after they are canceled and their
 *   instances are terminated."
 */
import { paginateDescribeAutoScalingGroups, paginateDescribeLaunchConfigurations, type AutoScalingClient, type LaunchTemplateSpecification as AsgLts } from '@aws-sdk/client-auto-scaling';
import { paginateDescribeFleets, paginateDescribeSpotFleetRequests, paginateDescribeLaunchTemplateVersions, type FleetLaunchTemplateSpecification } from '@aws-sdk/client-ec2';
import type { AutoScalingGroup, Fleet, ImageReference, LaunchConfiguration, LaunchTemplate, LaunchTemplateSpec, PinnedLaunchTemplateVersion } from '../../model/inventory.js';
import { classifyError, errorCode, errorMessage } from '../../aws/errors.js';
import { imageReferenceOf, resolveSsmImages } from './launch-templates.js';
import { defined, tagsToRecord } from './map.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { AUTO_SCALING_GROUPS, LAUNCH_CONFIGURATIONS, EC2_FLEETS, SPOT_FLEETS, PINNED_LAUNCH_TEMPLATE_VERSIONS, LAUNCH_PATH_COLLECTORS } from './metas.js';

/**
 * Fleet states in which a fleet still launches. EC2 Fleet fleet-state: "submitted | active | deleted | failed |
 * deleted-running | deleted-terminating | modifying"; Spot Fleet: "submitted | active | cancelled | failed |
 * cancelled_running | cancelled_terminating | modifying". A deleted or cancelled one launches nothing more.
 */
const LAUNCHING_FLEET_STATES = new Set(['submitted', 'active', 'modifying']);
const LAUNCH_CONFIGURATION_NAMES_PER_CALL = 50;

export interface LaunchPathsValue {
  autoScalingGroups: AutoScalingGroup[];
  launchConfigurations: LaunchConfiguration[];
  fleets: Fleet[];
  launchTemplateVersions: PinnedLaunchTemplateVersion[];
  /** collector id -> why it degraded */
  degraded: Record<string, string>;
}

export function spec(s: AsgLts | FleetLaunchTemplateSpecification | undefined): LaunchTemplateSpec | undefined {
  if (!s || (!s.LaunchTemplateId && !s.LaunchTemplateName)) return undefined;
  return defined({ launchTemplateId: s.LaunchTemplateId, launchTemplateName: s.LaunchTemplateName, version: s.Version });
}

/** The group's instances counted by LifecycleState (a scale-out is pending where desired exceeds InService + Pending). */
function lifecycleStatesOf(instances: { LifecycleState?: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of instances) if (i.LifecycleState) out[i.LifecycleState] = (out[i.LifecycleState] ?? 0) + 1;
  return out;
}

async function autoScalingGroups(ctx: RegionContext, client: AutoScalingClient): Promise<AutoScalingGroup[]> {
  const out: AutoScalingGroup[] = [];
  const pages = paginateDescribeAutoScalingGroups({ client, pageSize: 100, stopOnSameToken: true }, {}, sendOptions(ctx));
  for await (const page of pages) {
    for (const g of page.AutoScalingGroups ?? []) {
      if (!g.AutoScalingGroupName) continue;
      const mip = g.MixedInstancesPolicy?.LaunchTemplate;
      const mipSpec = spec(mip?.LaunchTemplateSpecification);
      const group: AutoScalingGroup = {
        accountId: ctx.accountId,
        region: ctx.region,
        name: g.AutoScalingGroupName,
        minSize: g.MinSize ?? 0,
        maxSize: g.MaxSize ?? 0,
        desiredCapacity: g.DesiredCapacity ?? 0,
        instanceIds: (g.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])),
        tags: tagsToRecord(g.Tags),
        ...(g.Status ? { status: g.Status } : {}),
        lifecycleStates: lifecycleStatesOf(g.Instances ?? []),
      };
      const lt = spec(g.LaunchTemplate);
      if (lt) group.launchTemplate = lt;
      if (g.LaunchConfigurationName) group.launchConfigurationName = g.LaunchConfigurationName;
      if (mipSpec) {
        group.mixedInstancesPolicy = {
          launchTemplate: mipSpec,
          overrides: (mip?.Overrides ?? []).map((o) => {
            const ov = spec(o.LaunchTemplateSpecification);
            return defined({ instanceType: o.InstanceType, ...(ov ? { launchTemplate: ov } : {}) });
          }),
        };
      }
      out.push(group);
    }
  }
  return out;
}

async function launchConfigurations(ctx: RegionContext, client: AutoScalingClient, names: string[]): Promise<LaunchConfiguration[]> {
  const out: LaunchConfiguration[] = [];
  for (let i = 0; i < names.length; i += LAUNCH_CONFIGURATION_NAMES_PER_CALL) {
    const batch = names.slice(i, i + LAUNCH_CONFIGURATION_NAMES_PER_CALL);
    const pages = paginateDescribeLaunchConfigurations({ client, pageSize: 100, stopOnSameToken: true }, { LaunchConfigurationNames: batch }, sendOptions(ctx));
    for await (const page of pages) {
      for (const lc of page.LaunchConfigurations ?? []) {
        if (lc.LaunchConfigurationName) out.push({ accountId: ctx.accountId, region: ctx.region, name: lc.LaunchConfigurationName, image: imageReferenceOf(lc.ImageId) });
      }
    }
  }
  return out;
}

async function ec2Fleets(ctx: RegionContext): Promise<Fleet[]> {
  const out: Fleet[] = [];
  const pages = paginateDescribeFleets({ client: ctx.client, pageSize: 1000, stopOnSameToken: true }, {}, sendOptions(ctx));
  for await (const page of pages) {
    for (const f of page.Fleets ?? []) {
      if (!f.FleetId || !LAUNCHING_FLEET_STATES.has(f.FleetState ?? '')) continue;
      out.push({
        accountId: ctx.accountId,
        region: ctx.region,
        kind: 'ec2-fleet',
        fleetId: f.FleetId,
        state: f.FleetState ?? '',
        ...(f.Type ? { type: f.Type } : {}),
        ...(f.TargetCapacitySpecification?.TotalTargetCapacity !== undefined ? { targetCapacity: f.TargetCapacitySpecification.TotalTargetCapacity } : {}),
        tags: tagsToRecord(f.Tags),
        launchTemplateConfigs: (f.LaunchTemplateConfigs ?? []).flatMap((c) => {
          const s = spec(c.LaunchTemplateSpecification);
          if (!s) return [];
          return [{ launchTemplate: s, overrides: (c.Overrides ?? []).map((o) => defined({ instanceType: o.InstanceType, ...(o.ImageId ? { image: imageReferenceOf(o.ImageId) } : {}) })) }];
        }),
        launchSpecifications: [],
      });
    }
  }
  return out;
}

async function spotFleets(ctx: RegionContext): Promise<Fleet[]> {
  const out: Fleet[] = [];
  const pages = paginateDescribeSpotFleetRequests({ client: ctx.client, pageSize: 1000, stopOnSameToken: true }, {}, sendOptions(ctx));
  for await (const page of pages) {
    for (const r of page.SpotFleetRequestConfigs ?? []) {
      if (!r.SpotFleetRequestId || !LAUNCHING_FLEET_STATES.has(r.SpotFleetRequestState ?? '')) continue;
      const cfg = r.SpotFleetRequestConfig;
      out.push({
        accountId: ctx.accountId,
        region: ctx.region,
        kind: 'spot-fleet',
        fleetId: r.SpotFleetRequestId,
        state: r.SpotFleetRequestState ?? '',
        ...(cfg?.Type ? { type: cfg.Type } : {}),
        ...(cfg?.TargetCapacity !== undefined ? { targetCapacity: cfg.TargetCapacity } : {}),
        tags: tagsToRecord(r.Tags),
        launchTemplateConfigs: (cfg?.LaunchTemplateConfigs ?? []).flatMap((c) => {
          const s = spec(c.LaunchTemplateSpecification);
          return s ? [{ launchTemplate: s, overrides: (c.Overrides ?? []).map((o) => defined({ instanceType: o.InstanceType })) }] : [];
        }),
        launchSpecifications: (cfg?.LaunchSpecifications ?? []).map((l) => defined({ instanceType: l.InstanceType, image: imageReferenceOf(l.ImageId) })),
      });
    }
  }
  return out;
}

/** Every launch template a group or fleet names, with the versions it names. */
export function templateSpecsOf(groups: AutoScalingGroup[], fleets: Fleet[]): LaunchTemplateSpec[] {
  const out: LaunchTemplateSpec[] = [];
  for (const g of groups) {
    if (g.launchTemplate) out.push(g.launchTemplate);
    if (g.mixedInstancesPolicy) {
      out.push(g.mixedInstancesPolicy.launchTemplate);
      for (const o of g.mixedInstancesPolicy.overrides) if (o.launchTemplate) out.push(o.launchTemplate);
    }
  }
  for (const f of fleets) for (const c of f.launchTemplateConfigs) out.push(c.launchTemplate);
  return out;
}

/**
 * The versions pinned by number: one DescribeLaunchTemplateVersions per template, naming those versions. $Latest
 * and $Default are the launch-templates collector's (it describes both for every template).
 */
async function pinnedVersions(ctx: RegionContext, specs: LaunchTemplateSpec[]): Promise<PinnedLaunchTemplateVersion[]> {
  const wanted = new Map<string, { id?: string; name?: string; versions: Set<string> }>();
  for (const s of specs) {
    if (!s.version || !/^\d+$/.test(s.version)) continue;
    const k = s.launchTemplateId ? `id:${s.launchTemplateId}` : `name:${s.launchTemplateName}`;
    let w = wanted.get(k);
    if (!w) wanted.set(k, (w = { ...(s.launchTemplateId ? { id: s.launchTemplateId } : { name: s.launchTemplateName! }), versions: new Set() }));
    w.versions.add(s.version);
  }
  const out: PinnedLaunchTemplateVersion[] = [];
  for (const w of wanted.values()) {
    const input = { ...(w.id ? { LaunchTemplateId: w.id } : { LaunchTemplateName: w.name! }), Versions: [...w.versions].sort(), IncludeManagedResources: true };
    const pages = paginateDescribeLaunchTemplateVersions({ client: ctx.client, stopOnSameToken: true }, input, sendOptions(ctx));
    for await (const page of pages) {
      for (const v of page.LaunchTemplateVersions ?? []) {
        if (!v.LaunchTemplateId || v.VersionNumber === undefined) continue;
        out.push({ accountId: ctx.accountId, region: ctx.region, launchTemplateId: v.LaunchTemplateId, versionNumber: v.VersionNumber, image: imageReferenceOf(v.LaunchTemplateData?.ImageId) });
      }
    }
  }
  // A pinned `resolve:ssm:` version is judged by the AMI it resolves to, as the default and latest are.
  await resolveSsmImages(ctx, out);
  return out;
}

/** Runs `fn`; an error other than an interruption degrades `meta` (its reason recorded) and yields `fallback`. */
async function degradable<T>(meta: CollectorMeta, degraded: Record<string, string>, fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    degraded[meta.id] = `${meta.permissions.join(', ')}: ${errorCode(err)}: ${errorMessage(err)}`;
    return fallback;
  }
}

export async function collectLaunchPaths(ctx: RegionContext): Promise<LaunchPathsValue> {
  const degraded: Record<string, string> = {};
  const asClient = ctx.autoScaling?.();
  const groupsP = asClient
    ? degradable(AUTO_SCALING_GROUPS, degraded, [] as AutoScalingGroup[], () => autoScalingGroups(ctx, asClient))
    : Promise.resolve(((degraded[AUTO_SCALING_GROUPS.id] = 'no Auto Scaling client for this scan'), [] as AutoScalingGroup[]));
  const [groups, fleets, spot] = await Promise.all([
    groupsP,
    degradable(EC2_FLEETS, degraded, [] as Fleet[], () => ec2Fleets(ctx)),
    degradable(SPOT_FLEETS, degraded, [] as Fleet[], () => spotFleets(ctx)),
  ]);
  const lcNames = [...new Set(groups.flatMap((g) => (g.launchConfigurationName ? [g.launchConfigurationName] : [])))].sort();
  const allFleets = [...fleets, ...spot];
  const launchConfigs = lcNames.length && asClient ? await degradable(LAUNCH_CONFIGURATIONS, degraded, [] as LaunchConfiguration[], () => launchConfigurations(ctx, asClient, lcNames)) : [];
  return { autoScalingGroups: groups, launchConfigurations: launchConfigs, fleets: allFleets, launchTemplateVersions: [], degraded };
}

/**
 * After the unit's collectors: the versions groups and fleets pin by a number that is neither the template's
 * default nor its latest (those the launch-templates collector already described), one call per template.
 */
export async function collectPinnedVersions(ctx: RegionContext, paths: Omit<LaunchPathsValue, 'degraded'>, templates: LaunchTemplate[], degraded: Record<string, string>): Promise<void> {
  const known = (s: LaunchTemplateSpec) => {
    const lt = templates.find((t) => (s.launchTemplateId ? t.launchTemplateId === s.launchTemplateId : t.launchTemplateName === s.launchTemplateName));
    const n = Number(s.version);
    return lt !== undefined && (lt.defaultVersion?.versionNumber === n || lt.latestVersion?.versionNumber === n);
  };
  const specs = templateSpecsOf(paths.autoScalingGroups, paths.fleets).filter((s) => s.version !== undefined && /^\d+$/.test(s.version) && !known(s));
  if (specs.length === 0) return;
  paths.launchTemplateVersions = await degradable(PINNED_LAUNCH_TEMPLATE_VERSIONS, degraded, [] as PinnedLaunchTemplateVersion[], () => pinnedVersions(ctx, specs));
}

/** The AMI ids the launch paths name directly (to resolve by id with the referenced images). */
export function launchPathImageRefs(p: Omit<LaunchPathsValue, 'degraded'>): { accountId: string; region: string; imageId: string }[] {
  const out: { accountId: string; region: string; imageId: string }[] = [];
  const add = (o: { accountId: string; region: string }, image: ImageReference | undefined) => {
    const imageId = image?.kind === 'ami' ? image.imageId : image?.kind === 'ssm' ? image.resolvedImageId : undefined;
    if (imageId) out.push({ accountId: o.accountId, region: o.region, imageId });
  };
  for (const lc of p.launchConfigurations) add(lc, lc.image);
  for (const v of p.launchTemplateVersions) add(v, v.image);
  for (const f of p.fleets) {
    for (const c of f.launchTemplateConfigs) for (const o of c.overrides) add(f, o.image);
    for (const l of f.launchSpecifications) add(f, l.image);
  }
  return out;
}

const byUnit = (a: { accountId: string; region: string }, b: { accountId: string; region: string }) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region);

/** The inventory's launch-path lists, sorted as the other lists are (account, region, id). */
export function sortedLaunchPaths(p: Omit<LaunchPathsValue, 'degraded'>): Omit<LaunchPathsValue, 'degraded'> {
  return {
    autoScalingGroups: [...p.autoScalingGroups].sort((a, b) => byUnit(a, b) || a.name.localeCompare(b.name)),
    launchConfigurations: [...p.launchConfigurations].sort((a, b) => byUnit(a, b) || a.name.localeCompare(b.name)),
    fleets: [...p.fleets].sort((a, b) => byUnit(a, b) || a.fleetId.localeCompare(b.fleetId)),
    launchTemplateVersions: [...p.launchTemplateVersions].sort((a, b) => byUnit(a, b) || a.launchTemplateId.localeCompare(b.launchTemplateId) || a.versionNumber - b.versionNumber),
  };
}
