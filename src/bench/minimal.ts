/**
 * The minimal-call model: how many API calls a perfect scanner must make for an organization fixture, which of
 * them must happen one after another (the critical chain), and how long the throttling buckets force it to take.
 * Computed from the fixture alone, so the benchmark can compare what amigov did against what it had to do.
 * The model and its reasoning are documented in docs/benchmark.md ("The minimal-call model").
 */
import type { FixtureAccount, OrgFixture } from '../sandbox/fixture-types.js';
import { DEFAULT_REGIONS } from '../sandbox/regions.js';
import { DEFAULT_THROTTLE } from '../sandbox/knobs.js';

/** Maximum page sizes of the APIs (from their API references). */
export const PAGE = {
  organizations: 20, // ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent: MaxResults 1-20
  instanceImageMetadata: 1000, // DescribeInstanceImageMetadata: MaxResults 5-1000
  images: 1000, // DescribeImages Owners=self: MaxResults 1-1000
  launchTemplateVersions: 200, // DescribeLaunchTemplateVersions: MaxResults 1-200
  imageIdsPerCall: 100, // DescribeImages ImageIds: amigov's batch (no documented maximum; 100 keeps URLs short)
  autoScalingGroups: 100, // DescribeAutoScalingGroups: "The default value is 50 and the maximum value is 100."
  launchConfigurationNames: 50, // DescribeLaunchConfigurations LaunchConfigurationNames: 50 names per call
  fleets: 1000, // DescribeFleets / DescribeSpotFleetRequests: MaxResults up to 1000
  imageReferenceIds: 10, // DescribeImageReferences ImageId.N: "Maximum number of 10 items."
  backup: 1000, // ListBackupVaults MaxResults: "Maximum value of 1000" (amigov asks ListRecoveryPointsByBackupVault for the same)
  instanceRefreshes: 100, // DescribeInstanceRefreshes MaxRecords: "The default value is 50 and the maximum value is 100."
} as const;

export interface MinimalModelOptions {
  /** Account the base credentials belong to (default: the fixture caller): scanned without AssumeRole. */
  callerAccountId?: string;
  /** Only these regions (default: every region enabled in each account). */
  regions?: string[];
  /** Role the scanner assumes (default OrganizationAccountAccessRole, path "/"). */
  roleName?: string;
  /**
   * A targeted scan (`scan --rules`): only these collectors' data (the selected rules' meta.reads). Default: all.
   * Each per-unit call below belongs to one collector and is left out when it is not wanted; referenced images
   * are looked up only for what instances or launch templates of the scan reference.
   */
  collectors?: readonly string[];
  /**
   * The allowlist's approved providers (publisher account ids and aliases). With them, the model counts the
   * DescribeImageReferences batches (image-references collector) for the images not from an approved publisher that
   * each unit owns or references; without them it counts none.
   */
  approvedProviders?: readonly string[];
}

export interface FixtureShape {
  accounts: number;
  scannedAccounts: number;
  /** account x region units to scan (ACTIVE accounts with a reachable role, their enabled regions). */
  accountRegions: number;
  /** units with at least one instance, owned image or launch template */
  populatedAccountRegions: number;
  instances: number;
  images: number;
  launchTemplates: number;
}

export interface MinimalModel {
  shape: FixtureShape;
  total: number;
  byAction: Record<string, number>;
  /** Longest chain of calls that must run one after another (each waits for the previous one's answer). */
  criticalChainCalls: number;
  /** Calls that share one throttling bucket, and the time that bucket forces (ms, latency excluded). */
  rateLimited: { bucket: string; calls: number; minMs: number }[];
}

const ceilDiv = (n: number, d: number) => Math.ceil(n / d);
/** Listing calls answer at least once, even when there is nothing to list. */
const pages = (n: number, size: number) => Math.max(1, ceilDiv(n, size));

const isLive = (state: string | undefined) => state !== 'terminated';
const AMI_RE = /^ami-[0-9a-f]{8,17}$/;

function hasRole(a: FixtureAccount, roleName: string): boolean {
  return a.roles.some((r) => r.name === roleName && (r.path ?? '/') === '/');
}

/**
 * What a perfect scanner must ask, for a scan with Organizations discovery, the fixture's caller, and the
 * scan role in every other account:
 * - sts:GetCallerIdentity once (who the caller is, so its own account is scanned without AssumeRole);
 * - organizations:DescribeOrganization once, ListRoots, then per root and OU one page of
 *   ListOrganizationalUnitsForParent and of ListAccountsForParent per 20 children (at least one each: a
 *   scanner cannot know a node is a leaf without asking);
 * - sts:AssumeRole once per ACTIVE account other than the caller's;
 * - ec2:DescribeRegions once per scanned account (opt-in regions differ per account);
 * - per account x enabled region: GetManagedResourceVisibility, then DescribeInstanceImageMetadata pages of 1000
 *   live instances and, unless visibility is visible, one DescribeInstances (IncludeManagedResources,
 *   operator.managed=true) for the managed instances DescribeInstanceImageMetadata does not list,
 *   DescribeImages Owners=self pages of 1000, DescribeLaunchTemplateVersions $Latest,$Default pages of 200
 *   (account-wide: it names each template and flags its default, so DescribeLaunchTemplates is not needed),
 *   one DescribeLaunchTemplateVersions (ResolveAlias) per template whose default or latest version is a
 *   `resolve:ssm:` parameter, GetImageBlockPublicAccessState and GetAllowedImagesSettings,
 *   autoscaling:DescribeAutoScalingGroups pages of 100, DescribeFleets and DescribeSpotFleetRequests pages of 1000; each at least once; then, where a group
 *   uses one, DescribeLaunchConfigurations for those names (50 per call), and one DescribeLaunchTemplateVersions
 *   per template a group or fleet pins by a number that is neither its default nor its latest version (and
 *   one more, ResolveAlias, when that version is a `resolve:ssm:` parameter);
 * - per account x region with live instances on images the account does not own: DescribeImages by id, in
 *   batches of 100, for those images (the launching account's own tags on them: only it can read them; AWS:
 *   "the tags you assign are available only to your AWS account"), after the instance listing;
 * - per region: DescribeImages by id, in batches of 100, for the images that instances or launch templates
 *   reference (and launch configurations, fleet overrides and launch specifications, pinned versions) and
 *   that no scanned account owns (assuming one account may describe them all);
 * - per account x region: backup:ListBackupVaults pages of 1000 (at least one, also without a vault), then per vault
 *   backup:ListRecoveryPointsByBackupVault (resourceType EC2) pages of 1000, at least one each (issue #12);
 * - with the approved providers given: per account x region, ec2:DescribeImageReferences in batches of 10 image ids
 *   for the images the unit owns or references that are not from an approved publisher (issue #14), and in the units
 *   where there is at least one such image, autoscaling:DescribeInstanceRefreshes once per group (pages of 100).
 */
export function minimalCalls(fx: OrgFixture, opts: MinimalModelOptions = {}): MinimalModel {
  const wants = (collector: string) => !opts.collectors || opts.collectors.includes(collector);
  const wantInstances = wants('instances') || wants('instance-image-metadata');
  const wantTemplates = wants('launch-templates');
  const caller = opts.callerAccountId ?? fx.caller.accountId;
  const roleName = opts.roleName ?? 'OrganizationAccountAccessRole';
  const regionList = fx.regions ?? DEFAULT_REGIONS;
  const byAction: Record<string, number> = {};
  const add = (action: string, n: number) => {
    if (n > 0) byAction[action] = (byAction[action] ?? 0) + n;
  };

  // Organizations: the tree walk, and when each account becomes known (calls on the chain so far).
  add('sts:GetCallerIdentity', 1);
  add('organizations:DescribeOrganization', 1);
  const rootIds = [fx.organization.rootId];
  add('organizations:ListRoots', pages(rootIds.length, PAGE.organizations));
  const childOus = new Map<string, string[]>();
  for (const ou of fx.organizationalUnits) childOus.set(ou.parentId, [...(childOus.get(ou.parentId) ?? []), ou.id]);
  const childAccounts = new Map<string, string[]>();
  for (const a of fx.accounts) childAccounts.set(a.parentId, [...(childAccounts.get(a.parentId) ?? []), a.id]);
  const knownAt = new Map<string, number>(); // account id -> chain length when its ListAccountsForParent page arrives
  const walk = (nodeId: string, depth: number) => {
    const ous = [...(childOus.get(nodeId) ?? [])].sort();
    const accts = [...(childAccounts.get(nodeId) ?? [])].sort();
    add('organizations:ListOrganizationalUnitsForParent', pages(ous.length, PAGE.organizations));
    add('organizations:ListAccountsForParent', pages(accts.length, PAGE.organizations));
    accts.forEach((id, i) => knownAt.set(id, depth + Math.floor(i / PAGE.organizations) + 1));
    ous.forEach((id, i) => walk(id, depth + Math.floor(i / PAGE.organizations) + 1));
  };
  for (const r of rootIds) walk(r, 1);

  // Which accounts are scanned, and which of their regions.
  const accounts = fx.accounts.filter((a) => (a.status ?? 'ACTIVE') === 'ACTIVE');
  const reachable = accounts.filter((a) => a.id === caller || hasRole(a, roleName));
  add('sts:AssumeRole', accounts.filter((a) => a.id !== caller).length);
  add('ec2:DescribeRegions', reachable.length);
  const enabledRegions = (a: FixtureAccount) =>
    regionList.filter((r) => (!r.optIn || a.enabledRegions.includes(r.name)) && (!opts.regions || opts.regions.includes(r.name))).map((r) => r.name);

  // Per account x region contents.
  const unitKey = (acct: string, region: string) => `${acct}|${region}`;
  const liveInstances = new Map<string, number>();
  const referenced = new Map<string, Set<string>>(); // region -> image ids referenced from scanned units
  const units = new Set<string>();
  for (const a of reachable) for (const r of enabledRegions(a)) units.add(unitKey(a.id, r));
  const unitRefs = new Map<string, Set<string>>(); // unit -> image ids it owns or references (image-references)
  const unitRef = (k: string, imageId: string | undefined) => {
    if (!imageId) return;
    let s = unitRefs.get(k);
    if (!s) unitRefs.set(k, (s = new Set()));
    s.add(imageId);
  };
  const ref = (region: string, imageId: string | undefined, k?: string) => {
    if (k) unitRef(k, imageId);
    if (!imageId || !AMI_RE.test(imageId)) return;
    let s = referenced.get(region);
    if (!s) referenced.set(region, (s = new Set()));
    s.add(imageId);
  };
  let instances = 0;
  const fixtureImages = new Map(fx.images.map((img) => [img.imageId, img]));
  const tagLookups = new Map<string, Set<string>>(); // unit -> foreign images its instances use (its own tags on them)
  const describedByUnits = new Map<string, Set<string>>(); // region -> ids those lookups describe
  for (const i of wantInstances ? fx.instances : []) {
    const k = unitKey(i.accountId, i.region);
    if (!units.has(k) || !isLive(i.state)) continue;
    instances++;
    liveInstances.set(k, (liveInstances.get(k) ?? 0) + 1);
    ref(i.region, i.imageId, k);
    const img = fixtureImages.get(i.imageId);
    if (img && img.ownerId !== i.accountId && img.state !== 'deregistered' && img.state !== 'disabled' && AMI_RE.test(i.imageId)) {
      if (!tagLookups.has(k)) tagLookups.set(k, new Set());
      tagLookups.get(k)!.add(i.imageId);
      if (!describedByUnits.has(i.region)) describedByUnits.set(i.region, new Set());
      describedByUnits.get(i.region)!.add(i.imageId);
    }
  }
  const owned = new Map<string, number>();
  const ownedIds = new Map<string, Set<string>>(); // region -> ids a scanned owner lists
  for (const img of fx.images) {
    if (img.state === 'deregistered' || !wants('owned-images')) continue;
    const k = unitKey(img.ownerId, img.region);
    if (!units.has(k)) continue;
    owned.set(k, (owned.get(k) ?? 0) + 1);
    unitRef(k, img.imageId);
    let s = ownedIds.get(img.region);
    if (!s) ownedIds.set(img.region, (s = new Set()));
    s.add(img.imageId);
  }
  const ssmValue = new Map((fx.ssmParameters ?? []).map((p) => [`${unitKey(p.accountId, p.region)}|${p.name}`, p.value]));
  /** An image as the scan judges it: a `resolve:ssm:` reference's value where the unit holds the parameter. */
  const judgedImage = (k: string, imageId: string | undefined) => (imageId?.startsWith('resolve:ssm:') ? ssmValue.get(`${k}|${imageId.slice('resolve:ssm:'.length)}`) : imageId);
  const visibility = (acct: string, region: string) =>
    fx.regionSettings?.find((s) => s.accountId === acct && s.region === region)?.managedResourceVisibility ?? fx.defaultRegionSettings?.managedResourceVisibility ?? 'hidden';
  const ltVersions = new Map<string, number>();
  const ssmResolves = new Map<string, number>(); // unit -> templates with a resolve:ssm: default or latest version
  let launchTemplates = 0;
  for (const lt of wantTemplates ? (fx.launchTemplates ?? []) : []) {
    const k = unitKey(lt.accountId, lt.region);
    if (!units.has(k)) continue;
    launchTemplates++;
    const latest = Math.max(...lt.versions.map((v) => v.versionNumber));
    const wanted = new Set([latest, lt.defaultVersion]);
    ltVersions.set(k, (ltVersions.get(k) ?? 0) + wanted.size);
    for (const v of lt.versions) if (wanted.has(v.versionNumber)) ref(lt.region, judgedImage(k, v.imageId), k);
    if (lt.versions.some((v) => wanted.has(v.versionNumber) && v.imageId?.startsWith('resolve:ssm:'))) ssmResolves.set(k, (ssmResolves.get(k) ?? 0) + 1);
  }

  // Launch paths (issue #14): groups, fleets, the launch configurations groups use, versions pinned by number.
  const groups = new Map<string, number>();
  const refreshCounts = new Map<string, number[]>(); // unit -> each group's instance refreshes (any status)
  const fleets = new Map<string, number>();
  const spot = new Map<string, number>();
  const lcNames = new Map<string, Set<string>>();
  const pins = new Map<string, Set<string>>(); // unit -> template ids pinned by a number not default/latest
  const pinnedSsm = new Map<string, Set<string>>(); // unit -> those of them whose pinned version is a resolve:ssm: parameter
  const ltByKey = new Map((fx.launchTemplates ?? []).map((lt) => [`${unitKey(lt.accountId, lt.region)}|${lt.launchTemplateId}`, lt]));
  const ltByName = new Map((fx.launchTemplates ?? []).map((lt) => [`${unitKey(lt.accountId, lt.region)}|${lt.launchTemplateName}`, lt]));
  const pin = (k: string, region: string, spec: { launchTemplateId?: string; launchTemplateName?: string; version?: string }) => {
    if (!spec.version || !/^\d+$/.test(spec.version)) return;
    const lt = spec.launchTemplateId ? ltByKey.get(`${k}|${spec.launchTemplateId}`) : ltByName.get(`${k}|${spec.launchTemplateName}`);
    const n = Number(spec.version);
    if (lt && (n === lt.defaultVersion || n === Math.max(...lt.versions.map((v) => v.versionNumber)))) return;
    let s = pins.get(k);
    if (!s) pins.set(k, (s = new Set()));
    s.add(spec.launchTemplateId ?? `name:${spec.launchTemplateName}`);
    const imageId = lt?.versions.find((v) => v.versionNumber === n)?.imageId;
    ref(region, judgedImage(k, imageId), k);
    if (lt && imageId?.startsWith('resolve:ssm:')) {
      if (!pinnedSsm.has(k)) pinnedSsm.set(k, new Set());
      pinnedSsm.get(k)!.add(lt.launchTemplateId);
    }
  };
  for (const g of fx.autoScalingGroups ?? []) {
    const k = unitKey(g.accountId, g.region);
    if (!units.has(k)) continue;
    groups.set(k, (groups.get(k) ?? 0) + 1);
    refreshCounts.set(k, [...(refreshCounts.get(k) ?? []), g.instanceRefreshes?.length ?? 0]);
    if (g.launchConfigurationName) {
      let s = lcNames.get(k);
      if (!s) lcNames.set(k, (s = new Set()));
      s.add(g.launchConfigurationName);
      ref(g.region, fx.launchConfigurations?.find((lc) => lc.accountId === g.accountId && lc.region === g.region && lc.name === g.launchConfigurationName)?.imageId, k);
    }
    for (const spec of [g.launchTemplate, g.mixedInstancesPolicy?.launchTemplate, ...(g.mixedInstancesPolicy?.overrides ?? []).map((o) => o.launchTemplate)]) if (spec) pin(k, g.region, spec);
  }
  for (const f of fx.fleets ?? []) {
    const k = unitKey(f.accountId, f.region);
    if (!units.has(k)) continue;
    if (f.kind === 'ec2-fleet' && f.type === 'instant') continue; // not listed without its id
    const m = f.kind === 'ec2-fleet' ? fleets : spot;
    m.set(k, (m.get(k) ?? 0) + 1);
    if (!['submitted', 'active', 'modifying'].includes(f.state)) continue;
    for (const c of f.launchTemplateConfigs ?? []) {
      pin(k, f.region, c.launchTemplate);
      for (const o of c.overrides ?? []) ref(f.region, o.imageId, k);
    }
    for (const l of f.launchSpecifications ?? []) ref(f.region, l.imageId, k);
  }

  // Per unit calls, and the chain: known -> AssumeRole -> DescribeRegions -> the unit's longest listing.
  const readyAt = new Map<string, number>();
  for (const a of reachable) readyAt.set(a.id, (knownAt.get(a.id) ?? 1) + (a.id === caller ? 0 : 1) + 1);
  const regionDone = new Map<string, number>();
  let populated = 0;
  for (const k of units) {
    const [acct, region] = k.split('|') as [string, string];
    const diim = wantInstances ? pages(liveInstances.get(k) ?? 0, PAGE.instanceImageMetadata) : 0;
    const imgs = wants('owned-images') ? pages(owned.get(k) ?? 0, PAGE.images) : 0;
    const ltv = wantTemplates ? pages(ltVersions.get(k) ?? 0, PAGE.launchTemplateVersions) : 0;
    const tags = wantInstances ? ceilDiv(tagLookups.get(k)?.size ?? 0, PAGE.imageIdsPerCall) : 0;
    const visibilityCalls = wantInstances ? 1 : 0;
    const managed = wantInstances && visibility(acct, region) !== 'visible' ? 1 : 0;
    add('ec2:GetManagedResourceVisibility', visibilityCalls);
    add('ec2:DescribeInstanceImageMetadata', diim);
    add('ec2:DescribeInstances', managed);
    add('ec2:DescribeImages', imgs + tags);
    const resolves = wantTemplates ? (ssmResolves.get(k) ?? 0) : 0;
    add('ec2:DescribeLaunchTemplateVersions', ltv + resolves);
    if (wants('image-block-public-access')) add('ec2:GetImageBlockPublicAccessState', 1);
    if (wants('allowed-images-settings')) add('ec2:GetAllowedImagesSettings', 1);
    const asg = wants('auto-scaling-groups') ? pages(groups.get(k) ?? 0, PAGE.autoScalingGroups) : 0;
    add('autoscaling:DescribeAutoScalingGroups', asg);
    if (wants('ec2-fleets')) add('ec2:DescribeFleets', pages(fleets.get(k) ?? 0, PAGE.fleets));
    if (wants('spot-fleets')) add('ec2:DescribeSpotFleetRequests', pages(spot.get(k) ?? 0, PAGE.fleets));
    const lcs = wants('launch-configurations') ? ceilDiv(lcNames.get(k)?.size ?? 0, PAGE.launchConfigurationNames) : 0;
    add('autoscaling:DescribeLaunchConfigurations', lcs);
    if (wants('pinned-launch-template-versions')) add('ec2:DescribeLaunchTemplateVersions', (pins.get(k)?.size ?? 0) + (pinnedSsm.get(k)?.size ?? 0));
    // AWS Backup: the vaults, then each vault's EC2 recovery points (one vault after the other).
    let backupChain = 0;
    if (wants('backup-recovery-points')) {
      const vaults = (fx.backupVaults ?? []).filter((v) => v.accountId === acct && v.region === region);
      const vaultPages = pages(vaults.length, PAGE.backup);
      const pointPages = vaults.reduce((n, v) => n + pages(v.recoveryPoints?.length ?? 0, PAGE.backup), 0);
      add('backup:ListBackupVaults', vaultPages);
      add('backup:ListRecoveryPointsByBackupVault', pointPages);
      backupChain = vaultPages + pointPages;
    }
    if (liveInstances.has(k) || owned.has(k) || ltVersions.has(k)) populated++;
    // After the images are resolved: DescribeImageReferences, 10 ids per call, for the images the unit owns or
    // references whose owner is known and is not an approved publisher (one page each: at most 1000 references).
    if (opts.approvedProviders) {
      const approved = opts.approvedProviders;
      const ids = [...(unitRefs.get(k) ?? [])].filter((id) => {
        const img = fixtureImages.get(id);
        return img && img.state !== 'deregistered' && !approved.includes(img.ownerId) && !(img.ownerAlias && approved.includes(img.ownerAlias));
      });
      if (wants('image-references')) add('ec2:DescribeImageReferences', ceilDiv(ids.length, PAGE.imageReferenceIds));
      // Where those are asked about: DescribeInstanceRefreshes for every group of the unit, pages of 100 (each at least one).
      if (ids.length > 0 && asg > 0 && wants('instance-refreshes')) {
        add('autoscaling:DescribeInstanceRefreshes', (refreshCounts.get(k) ?? []).reduce((n, c) => n + pages(c, PAGE.instanceRefreshes), 0));
      }
    }
    // Launch configurations and pinned versions are known only once the groups and fleets are listed.
    const paths = asg + (lcs > 0 || pins.has(k) ? 1 : 0);
    const done = readyAt.get(acct)! + Math.max(visibilityCalls + diim + managed + tags, imgs, ltv + (resolves > 0 ? 1 : 0), paths, backupChain, 1);
    regionDone.set(region, Math.max(regionDone.get(region) ?? 0, done));
  }

  // Referenced images nobody scanned lists as its own nor described for its tags: described by id once per region.
  let chain = 0;
  for (const [region, done] of regionDone) {
    const mine = ownedIds.get(region) ?? new Set<string>();
    const described = describedByUnits.get(region) ?? new Set<string>();
    const foreign = [...(referenced.get(region) ?? [])].filter((id) => !mine.has(id) && !described.has(id)).length;
    add('ec2:DescribeImages', ceilDiv(foreign, PAGE.imageIdsPerCall));
    chain = Math.max(chain, done + (foreign > 0 ? 1 : 0));
  }
  chain = Math.max(chain, 1 + Math.max(0, ...knownAt.values()));

  // Buckets shared by many calls: Organizations (per account) and STS (per account) under AWS's quotas.
  const orgCalls = Object.entries(byAction).filter(([k]) => k.startsWith('organizations:')).reduce((s, [, n]) => s + n, 0);
  const stsCalls = (byAction['sts:AssumeRole'] ?? 0) + (byAction['sts:GetCallerIdentity'] ?? 0);
  const bucketMs = (calls: number, b: { capacity: number; refillPerSecond: number }) => (Math.max(0, calls - b.capacity) / b.refillPerSecond) * 1000;
  const rateLimited = [
    { bucket: 'organizations (per account)', calls: orgCalls, minMs: bucketMs(orgCalls, DEFAULT_THROTTLE.organizations) },
    { bucket: 'sts (per account)', calls: stsCalls, minMs: bucketMs(stsCalls, DEFAULT_THROTTLE.sts) },
  ];

  const sorted = Object.fromEntries(Object.entries(byAction).sort(([a], [b]) => a.localeCompare(b)));
  return {
    shape: {
      accounts: fx.accounts.length,
      scannedAccounts: reachable.length,
      accountRegions: units.size,
      populatedAccountRegions: populated,
      instances,
      images: fx.images.length,
      launchTemplates,
    },
    total: Object.values(byAction).reduce((s, n) => s + n, 0),
    byAction: sorted,
    criticalChainCalls: chain,
    rateLimited,
  };
}

export interface LatencyBound {
  /** minimal calls x latency / request slots */
  throughputMs: number;
  /** critical chain x latency */
  chainMs: number;
  /** a throttling bucket's forced wait, plus the calls that must follow the throttled phase */
  rateMs: number;
  boundMs: number;
  /** which of the three decides */
  limitedBy: 'throughput' | 'chain' | 'rate';
}

/**
 * The latency bound: no scanner can finish sooner than the largest of (a) the minimal calls spread over its
 * request slots, each costing the latency, (b) the critical chain, one latency per call, (c) the time the
 * Organizations / STS buckets force on their calls (the Organizations walk precedes the per-account work,
 * so the calls after discovery are added to it).
 */
export function latencyBound(model: MinimalModel, latencyMs: number, requestSlots: number): LatencyBound {
  const throughputMs = (model.total * latencyMs) / requestSlots;
  const chainMs = model.criticalChainCalls * latencyMs;
  // After the Organizations walk: AssumeRole, DescribeRegions, a unit listing, a referenced-image batch.
  const afterDiscovery = 4 * latencyMs;
  const rateMs = Math.max(0, ...model.rateLimited.map((r) => (r.minMs > 0 ? r.minMs + afterDiscovery : 0)));
  const boundMs = Math.max(throughputMs, chainMs, rateMs);
  const limitedBy = boundMs === throughputMs ? 'throughput' : boundMs === chainMs ? 'chain' : 'rate';
  return { throughputMs, chainMs, rateMs, boundMs, limitedBy };
}
