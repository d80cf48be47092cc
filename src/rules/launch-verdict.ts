/**
 * One judgement of "can this launch path still launch its AMI once enforcement is on", for an instance and
 * for a launch template's judged versions. The rules that report it (unapproved-publisher,
 * expired-exception, launch-template-unapproved-ami) and the enforcement impact in findings.json
 * (computeImpact) both call it, so a count and the findings behind it can never disagree.
 */
import type { AutoScalingGroup, Fleet, ImageReference, Instance, InstanceRefresh, Inventory, LaunchTemplate, LaunchTemplateSpec } from '../model/inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import {
  enforcementVerdict,
  imageText,
  judgeImage,
  launchTemplateVersions,
  ownerText,
  resolveImageById,
  resolveInstanceImage,
  type BlockedBy,
  type ImageJudgement,
  type InventoryIndex,
  type ResolvedImage,
} from './context.js';

/** judgeImage's answer when enforcement refuses the image (owner or criteria). */
type Refusal = Extract<ImageJudgement, { failed: 'owner' | 'criteria' }>;

export type InstanceLaunchVerdict =
  /** The owner is approved and the image meets the Allowed AMIs criteria: it can be relaunched from its AMI. */
  | { kind: 'allowed'; img: ResolvedImage }
  /** Neither owner id nor alias is known: the owner cannot be judged (unknown-image reports it). */
  | { kind: 'owner-unknown'; img: ResolvedImage }
  /** An approved owner, but a criterion tests a field the inventory lacks: never a pass, never a violation. */
  | { kind: 'criteria-unknown'; img: ResolvedImage; reason: string }
  /** Refused: the owner is not approved (never listed, or its exception expired), or no criterion allows the image. */
  | { kind: 'refused'; img: ResolvedImage; verdict: Refusal; blockedBy: BlockedBy };

export function judgeInstanceLaunch(index: InventoryIndex, allowlist: ResolvedAllowlist, inst: Instance): InstanceLaunchVerdict {
  const img = resolveInstanceImage(index, inst);
  if (!img.ownerId && !img.ownerAlias) return { kind: 'owner-unknown', img };
  const verdict = judgeImage(allowlist, index, inst.accountId, img);
  if (verdict.approved) return { kind: 'allowed', img };
  if (verdict.unverified) return { kind: 'criteria-unknown', img, reason: verdict.reason };
  return { kind: 'refused', img, verdict, blockedBy: verdict.blockedBy };
}

/** The AMI a reference launches as the rules judge it: its id, or the AMI a resolved SSM parameter names. */
export function judgedImageId(image: ImageReference): string | undefined {
  return image.kind === 'ami' ? image.imageId : image.kind === 'ssm' ? image.resolvedImageId : undefined;
}

export type LaunchTemplateVersion = ReturnType<typeof launchTemplateVersions>[number];

export type VersionVerdict =
  | { kind: 'ok' }
  | { kind: 'fail'; text: string; img: ResolvedImage; blockedBy?: BlockedBy; reason: 'unapproved' | 'expired-exception' | 'unavailable' | 'criteria' }
  | { kind: 'cannot-verify'; text: string; reason: 'ssm-parameter' | 'not-resolved' | 'lookup-failed' | 'criteria-unknown' };

/** A launch template version's image: refused, unverifiable (SSM parameter, not resolved, lookup failed) or fine. */
export function judgeLaunchTemplateVersion(index: InventoryIndex, allowlist: ResolvedAllowlist, lt: LaunchTemplate, v: LaunchTemplateVersion): VersionVerdict {
  return judgeImageReference(index, allowlist, lt, `version ${v.versionNumber} (${v.label})`, v.image);
}

/**
 * The image a launch path names (a template version's, a launch configuration's, an override's ImageId), judged
 * from `where` (the account x region that launches it). `label` starts the verdict's text ("version 2 (default)",
 * "launch configuration \"lc\"").
 */
export function judgeImageReference(
  index: InventoryIndex,
  allowlist: ResolvedAllowlist,
  where: { accountId: string; region: string },
  label: string,
  image: ImageReference,
): VersionVerdict {
  if (image.kind === 'none') return { kind: 'ok' };
  if (image.kind === 'ssm') {
    // The scan asked EC2 to resolve the parameter (DescribeLaunchTemplateVersions ResolveAlias: "the AMI ID is
    // displayed in the response for imageId"): the AMI it names now is judged like any other, the parameter named.
    if (image.resolvedImageId) {
      return judgeImageReference(index, allowlist, where, `${label} via the SSM parameter ${JSON.stringify(image.parameter)}`, { kind: 'ami', imageId: image.resolvedImageId });
    }
    return {
      kind: 'cannot-verify',
      reason: 'ssm-parameter',
      text: image.resolutionError
        ? `${label} resolves its AMI from the SSM parameter ${JSON.stringify(image.parameter)} at launch time, and the scan could not resolve it: ${image.resolutionError}`
        : `${label} resolves its AMI from the SSM parameter ${JSON.stringify(image.parameter)} at launch time, so amigov cannot verify it`,
    };
  }
  const img = resolveImageById(index, where.region, image.imageId);
  if (!img) return { kind: 'cannot-verify', reason: 'not-resolved', text: `${label} launches ${image.imageId}, which the scan did not resolve` };
  // The lookup failed (or was interrupted): AWS said nothing about the image, so it is not "gone".
  if (img.availability === 'unverified') return { kind: 'cannot-verify', reason: 'lookup-failed', text: `${label} launches ${imageText(img)}, which could not be checked: ${img.availabilityReason}` };
  if (img.availability !== 'ok') return { kind: 'fail', reason: 'unavailable', img, text: `${label} launches ${imageText(img)}, which is unavailable: ${img.availabilityReason}` };
  const pv = judgeImage(allowlist, index, where.accountId, img);
  if (pv.approved) return { kind: 'ok' };
  if (pv.unverified) return { kind: 'cannot-verify', reason: 'criteria-unknown', text: `${label} launches ${imageText(img)}, whose Allowed AMIs criteria cannot be judged: ${pv.reason}` };
  const blockedBy = pv.blockedBy;
  if (pv.failed === 'criteria') {
    return { kind: 'fail', reason: 'criteria', img, blockedBy, text: `${label} launches ${imageText(img)} from ${ownerText(img)}, which no Allowed AMIs image criterion allows: ${pv.reason}` };
  }
  return pv.expired
    ? {
        kind: 'fail',
        reason: 'expired-exception',
        img,
        blockedBy,
        text: `${label} launches ${imageText(img)} from ${ownerText(img)}, whose exception (ticket ${pv.expired.ticket}) expired on ${pv.expired.expiryDate}`,
      }
    : { kind: 'fail', reason: 'unapproved', img, blockedBy, text: `${label} launches ${imageText(img)} from ${ownerText(img)}, not an approved publisher` };
}

export interface LaunchTemplateVerdict {
  /** Each judged version (default and latest, deduplicated) with its verdict. */
  judged: { v: LaunchTemplateVersion; verdict: VersionVerdict }[];
  /** fail when any version is refused or gone; cannot-verify when none is but one cannot be checked; else ok. */
  status: 'ok' | 'fail' | 'cannot-verify';
}

export function judgeLaunchTemplate(index: InventoryIndex, allowlist: ResolvedAllowlist, lt: LaunchTemplate): LaunchTemplateVerdict {
  const judged = launchTemplateVersions(lt).map((v) => ({ v, verdict: judgeLaunchTemplateVersion(index, allowlist, lt, v) }));
  const status = judged.some((j) => j.verdict.kind === 'fail') ? 'fail' : judged.some((j) => j.verdict.kind === 'cannot-verify') ? 'cannot-verify' : 'ok';
  return { judged, status };
}

// ---- launch paths: Auto Scaling groups, EC2 Fleets, Spot Fleets (issue #14) ------------------------------------

/** Look-ups of the templates, pinned versions and launch configurations the launch paths name, per inventory. */
export interface LaunchPathIndex {
  template(accountId: string, region: string, spec: LaunchTemplateSpec): LaunchTemplate | undefined;
  pinned(accountId: string, region: string, launchTemplateId: string, versionNumber: number): ImageReference | undefined;
  launchConfiguration(accountId: string, region: string, name: string): ImageReference | undefined;
}

const cache = new WeakMap<Inventory, LaunchPathIndex>();
const k3 = (...parts: (string | number)[]) => parts.join('|');

export function launchPathIndex(inv: Inventory): LaunchPathIndex {
  const hit = cache.get(inv);
  if (hit) return hit;
  const byId = new Map(inv.launchTemplates.map((lt) => [k3(lt.accountId, lt.region, lt.launchTemplateId), lt]));
  const byName = new Map(inv.launchTemplates.map((lt) => [k3(lt.accountId, lt.region, lt.launchTemplateName), lt]));
  const pinned = new Map((inv.launchTemplateVersions ?? []).map((v) => [k3(v.accountId, v.region, v.launchTemplateId, v.versionNumber), v.image]));
  const lcs = new Map((inv.launchConfigurations ?? []).map((lc) => [k3(lc.accountId, lc.region, lc.name), lc.image]));
  const index: LaunchPathIndex = {
    template: (a, r, s) => (s.launchTemplateId ? byId.get(k3(a, r, s.launchTemplateId)) : s.launchTemplateName !== undefined ? byName.get(k3(a, r, s.launchTemplateName)) : undefined),
    pinned: (a, r, id, n) => pinned.get(k3(a, r, id, n)),
    launchConfiguration: (a, r, name) => lcs.get(k3(a, r, name)),
  };
  cache.set(inv, index);
  return index;
}

export type LaunchPath = { kind: 'auto-scaling-group'; group: AutoScalingGroup } | { kind: 'ec2-fleet' | 'spot-fleet'; fleet: Fleet };

/** Every launch path of the inventory: groups, then fleets. */
export function launchPathsOf(inv: Inventory): LaunchPath[] {
  return [
    ...(inv.autoScalingGroups ?? []).map((group) => ({ kind: 'auto-scaling-group' as const, group })),
    ...(inv.fleets ?? []).map((fleet) => ({ kind: fleet.kind, fleet })),
  ];
}

export const pathWhere = (p: LaunchPath) => (p.kind === 'auto-scaling-group' ? p.group : p.fleet);
export const pathId = (p: LaunchPath) => (p.kind === 'auto-scaling-group' ? p.group.name : p.fleet.fleetId);

/** One thing a path launches: a template version (as the path selects it), or an image it names itself. */
interface LaunchSource {
  /** e.g. "launch template lt-1 (\"app\")", "override c5.large: launch template ...", "launch configuration \"lc\"" */
  label: string;
  template?: LaunchTemplateSpec;
  image?: ImageReference;
}

function templateText(spec: LaunchTemplateSpec, lt: LaunchTemplate | undefined): string {
  const id = lt?.launchTemplateId ?? spec.launchTemplateId;
  const name = lt?.launchTemplateName ?? spec.launchTemplateName;
  return id && name ? `launch template ${id} (${JSON.stringify(name)})` : id ? `launch template ${id}` : `launch template ${JSON.stringify(name)}`;
}

function sourcesOf(p: LaunchPath, paths: LaunchPathIndex): LaunchSource[] | { missing: string } {
  if (p.kind === 'auto-scaling-group') {
    const g = p.group;
    const out: LaunchSource[] = [];
    if (g.launchTemplate) out.push({ label: '', template: g.launchTemplate });
    if (g.mixedInstancesPolicy) {
      out.push({ label: 'its mixed instances policy: ', template: g.mixedInstancesPolicy.launchTemplate });
      for (const o of g.mixedInstancesPolicy.overrides) if (o.launchTemplate) out.push({ label: `its override ${o.instanceType ?? '(any type)'}: `, template: o.launchTemplate });
    }
    if (g.launchConfigurationName !== undefined) {
      const image = paths.launchConfiguration(g.accountId, g.region, g.launchConfigurationName);
      if (!image) return { missing: `its launch configuration ${JSON.stringify(g.launchConfigurationName)} was not collected` };
      out.push({ label: `launch configuration ${JSON.stringify(g.launchConfigurationName)}`, image });
    }
    return out;
  }
  const f = p.fleet;
  const out: LaunchSource[] = [];
  for (const c of f.launchTemplateConfigs) {
    const own = c.overrides.filter((o) => o.image);
    // An override's ImageId replaces the template's; the template's own image is launched where no override names one.
    if (c.overrides.length === 0 || own.length < c.overrides.length) out.push({ label: '', template: c.launchTemplate });
    for (const o of own) out.push({ label: `its override ${o.instanceType ?? '(any type)'}`, image: o.image! });
  }
  f.launchSpecifications.forEach((l, i) => out.push({ label: `its launch specification ${i + 1}${l.instanceType ? ` (${l.instanceType})` : ''}`, image: l.image }));
  return out;
}

export interface JudgedSource {
  verdict: VersionVerdict;
  /** The template version the source launches, when it is one. */
  launchTemplateId?: string;
  versionNumber?: number;
  /** As the path names the version: $Latest, $Default (also when absent) or a number. */
  versionSelector?: string;
}

export interface LaunchPathVerdict {
  judged: JudgedSource[];
  status: 'ok' | 'fail' | 'cannot-verify';
}

/**
 * The version a path launches, as Auto Scaling and EC2 Fleet select it. LaunchTemplateSpecification.Version: "If
 * the value is $Latest, Amazon EC2 Auto Scaling selects the latest version of the launch template when launching
 * instances. If the value is $Default, Amazon EC2 Auto Scaling selects the default version of the launch template
 * when launching instances. The default value is $Default."
 */
function judgeTemplateSource(index: InventoryIndex, paths: LaunchPathIndex, allowlist: ResolvedAllowlist, where: { accountId: string; region: string }, src: LaunchSource): JudgedSource {
  const spec = src.template!;
  const selector = spec.version ?? '$Default';
  const lt = paths.template(where.accountId, where.region, spec);
  const base = { versionSelector: selector, ...(lt ? { launchTemplateId: lt.launchTemplateId } : {}) };
  if (!lt) return { ...base, verdict: { kind: 'cannot-verify', reason: 'not-resolved', text: `${src.label}${templateText(spec, lt)} was not collected` } };
  let versionNumber: number | undefined;
  let image: ImageReference | undefined;
  if (selector === '$Default' || selector === '$Latest') {
    const v = selector === '$Default' ? lt.defaultVersion : lt.latestVersion;
    versionNumber = v?.versionNumber;
    image = v?.image;
  } else {
    versionNumber = Number(selector);
    image = [lt.defaultVersion, lt.latestVersion].find((v) => v?.versionNumber === versionNumber)?.image ?? paths.pinned(where.accountId, where.region, lt.launchTemplateId, versionNumber);
  }
  const label = `${src.label}${templateText(spec, lt)} version ${versionNumber ?? '?'}${selector.startsWith('$') ? ` (${selector})` : ' (pinned)'}`;
  if (!image) return { ...base, verdict: { kind: 'cannot-verify', reason: 'not-resolved', text: `${label} was not collected` } };
  return { ...base, ...(versionNumber !== undefined ? { versionNumber } : {}), verdict: judgeImageReference(index, allowlist, where, label, image) };
}

/** Every source a group or fleet launches from, judged as the instance launch and template rules judge theirs. */
export function judgeLaunchPath(index: InventoryIndex, paths: LaunchPathIndex, allowlist: ResolvedAllowlist, p: LaunchPath): LaunchPathVerdict {
  const where = pathWhere(p);
  const sources = sourcesOf(p, paths);
  const judged: JudgedSource[] =
    'missing' in sources
      ? [{ verdict: { kind: 'cannot-verify', reason: 'not-resolved', text: sources.missing } }]
      : sources.map((src) => (src.template ? judgeTemplateSource(index, paths, allowlist, where, src) : { verdict: judgeImageReference(index, allowlist, where, src.label, src.image!) }));
  const status = judged.some((j) => j.verdict.kind === 'fail') ? 'fail' : judged.some((j) => j.verdict.kind === 'cannot-verify') ? 'cannot-verify' : 'ok';
  return { judged, status };
}

// ---- the enforcement lens of the impact headline (issue #12) -------------------------------------------------

/**
 * What enforcement does to a launch, for the impact headline: the rules' judgement above, except that where the
 * scan got AWS's own Allowed AMIs verdict (ImageAllowed) that verdict decides the Allowed AMIs layer
 * (enforcementVerdict). Where the two differ, image-allowed-disagreement reports it, so a headline that differs
 * from the findings always has a finding that says why.
 */
/** refused without a layer: the image is gone (no policy involved). */
export type EnforcementOutcome = { status: 'allowed' | 'unknown' } | { status: 'refused'; blockedBy?: Exclude<BlockedBy, 'none'> };

export interface Enforcement {
  outcome: EnforcementOutcome;
  /** Which verdict judged the Allowed AMIs layer of each image judged ('aws': ImageAllowed; 'amigov': the config). */
  sources: { aws: number; amigov: number };
}

function lens(
  index: InventoryIndex,
  allowlist: ResolvedAllowlist,
  accountId: string,
  region: string,
  img: ResolvedImage,
  awsImageAllowed: boolean | undefined,
  sources: Enforcement['sources'],
): EnforcementOutcome {
  const v = enforcementVerdict(allowlist, index, accountId, region, img, awsImageAllowed);
  if (v.unverified) return { status: 'unknown' };
  sources[v.source]++;
  return v.stopped ? { status: 'refused', blockedBy: v.blockedBy } : { status: 'allowed' };
}

export function instanceEnforcement(index: InventoryIndex, allowlist: ResolvedAllowlist, inst: Instance): Enforcement {
  const sources = { aws: 0, amigov: 0 };
  const judged = judgeInstanceLaunch(index, allowlist, inst);
  if (judged.kind === 'owner-unknown') return { outcome: { status: 'unknown' }, sources };
  return { outcome: lens(index, allowlist, inst.accountId, inst.region, judged.img, inst.image.imageAllowed, sources), sources };
}

export function launchTemplateEnforcement(index: InventoryIndex, allowlist: ResolvedAllowlist, lt: LaunchTemplate): Enforcement {
  const sources = { aws: 0, amigov: 0 };
  let refused: Exclude<BlockedBy, 'none'> | undefined;
  let unknown = false;
  let gone = false;
  for (const { verdict } of judgeLaunchTemplate(index, allowlist, lt).judged) {
    if (verdict.kind === 'fail' && verdict.reason === 'unavailable') gone = true;
    else if (verdict.kind === 'cannot-verify' && verdict.reason !== 'criteria-unknown') unknown = true;
  }
  for (const v of launchTemplateVersions(lt)) {
    const imageId = judgedImageId(v.image);
    if (!imageId) continue;
    const img = resolveImageById(index, lt.region, imageId);
    if (!img || img.availability !== 'ok') continue; // gone or unverifiable: judged above
    // ImageAllowed is relative to the account that described the image: only the template's own account's counts.
    const aws = img.record?.seenFromAccountId === lt.accountId ? img.record.imageAllowed : undefined;
    const o = lens(index, allowlist, lt.accountId, lt.region, img, aws, sources);
    if (o.status === 'unknown') unknown = true;
    if (o.status === 'refused') refused = refused && refused !== o.blockedBy ? 'both' : o.blockedBy;
  }
  const outcome: EnforcementOutcome = refused ? { status: 'refused', blockedBy: refused } : gone ? { status: 'refused' } : unknown ? { status: 'unknown' } : { status: 'allowed' };
  return { outcome, sources };
}

// ---- launches pending now: a scale-out, an instance refresh (issue #14) -----------------------------------------

/**
 * The lifecycle states of instances that count toward a group's desired capacity or are launching toward it.
 * Amazon EC2 Auto Scaling instance lifecycle: "When a scale-out event occurs, the Auto Scaling group launches the
 * required number of EC2 instances, using its assigned launch template. These instances start in the Pending state."
 * "When each instance is fully configured and passes the Amazon EC2 health checks, it is attached to the Auto Scaling
 * group and it enters the InService state. The instance is counted against the desired capacity of the Auto Scaling
 * group." Pending:Wait and Pending:Proceed are the Pending state under a launch lifecycle hook ("The lifecycle hook
 * puts the instance into a wait state (Pending:Wait) [...] the Amazon EC2 Auto Scaling group continues the launch
 * process (Pending:Proceed)").
 */
export const COUNTED_LIFECYCLE_STATES: readonly string[] = ['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService'];

/**
 * Refresh statuses in which the refresh still launches instances: "Pending - The request was created, but the
 * instance refresh has not started", "InProgress - An instance refresh is in progress", "RollbackInProgress - An
 * instance refresh is being rolled back" (a rollback "replaces the instances that have been deployed so far"). Not
 * Baking ("Waiting the specified bake time after an instance refresh has finished updating instances") nor Cancelling
 * ("An ongoing instance refresh is being cancelled"): AWS does not say either launches more.
 */
export const LAUNCHING_REFRESH_STATUSES: readonly string[] = ['Pending', 'InProgress', 'RollbackInProgress'];

export type PendingLaunch =
  /** Desired capacity exceeds the instances InService or Pending: the group is launching `missing` instances. */
  | { kind: 'scale-out'; missing: number; desired: number; counted: number; verdict: LaunchPathVerdict }
  /** An unfinished refresh that launches, judged on what it launches. */
  | { kind: 'instance-refresh'; refresh: InstanceRefresh; fromDesiredConfiguration: boolean; verdict: LaunchPathVerdict };

/**
 * What the group is launching now, each judged on the sources it launches from:
 * - a scale-out: the group's own configuration ("launches the required number of EC2 instances, using its assigned
 *   launch template"). Only where the inventory recorded the lifecycle states and the group is not being deleted.
 * - a Pending or InProgress refresh with a desired configuration: that configuration (StartInstanceRefresh
 *   DesiredConfiguration: "Once the instance refresh succeeds, Amazon EC2 Auto Scaling updates the settings of the
 *   Auto Scaling group to reflect the new desired configuration", so until then the group's own settings are not what
 *   it launches); without one, the group's own configuration.
 * - a RollbackInProgress refresh: the group's own configuration ("The new instances match the configuration that you
 *   last saved on the Auto Scaling group before starting the instance refresh", Undo changes with a manual or auto
 *   rollback).
 */
export function pendingLaunches(index: InventoryIndex, paths: LaunchPathIndex, allowlist: ResolvedAllowlist, g: AutoScalingGroup, own: LaunchPathVerdict): PendingLaunch[] {
  const out: PendingLaunch[] = [];
  if (g.lifecycleStates && g.status === undefined) {
    const counted = COUNTED_LIFECYCLE_STATES.reduce((n, s) => n + (g.lifecycleStates![s] ?? 0), 0);
    if (g.desiredCapacity > counted) out.push({ kind: 'scale-out', missing: g.desiredCapacity - counted, desired: g.desiredCapacity, counted, verdict: own });
  }
  for (const refresh of g.instanceRefreshes ?? []) {
    if (!LAUNCHING_REFRESH_STATUSES.includes(refresh.status)) continue;
    const dc = refresh.status !== 'RollbackInProgress' ? refresh.desiredConfiguration : undefined;
    if (dc && (dc.launchTemplate || dc.mixedInstancesPolicy)) {
      const { launchTemplate: _lt, mixedInstancesPolicy: _mip, launchConfigurationName: _lc, ...rest } = g;
      const desired: AutoScalingGroup = { ...rest, ...(dc.launchTemplate ? { launchTemplate: dc.launchTemplate } : {}), ...(dc.mixedInstancesPolicy ? { mixedInstancesPolicy: dc.mixedInstancesPolicy } : {}) };
      out.push({ kind: 'instance-refresh', refresh, fromDesiredConfiguration: true, verdict: judgeLaunchPath(index, paths, allowlist, { kind: 'auto-scaling-group', group: desired }) });
    } else out.push({ kind: 'instance-refresh', refresh, fromDesiredConfiguration: false, verdict: own });
  }
  return out;
}

export interface PathNowVerdict {
  /** The verdict the path is reported with: its own, or a launching refresh's desired configuration's when only that fails. */
  verdict: LaunchPathVerdict;
  pending: PendingLaunch[];
  /** Set when the path's own configuration does not fail but a refresh rolling out a desired configuration does. */
  refreshFail?: Extract<PendingLaunch, { kind: 'instance-refresh' }>;
}

/** judgeLaunchPath, and for a group what it is launching now: the one judgement the rule and the blast radius share. */
export function judgeLaunchPathNow(index: InventoryIndex, paths: LaunchPathIndex, allowlist: ResolvedAllowlist, p: LaunchPath): PathNowVerdict {
  const own = judgeLaunchPath(index, paths, allowlist, p);
  if (p.kind !== 'auto-scaling-group') return { verdict: own, pending: [] };
  const pending = pendingLaunches(index, paths, allowlist, p.group, own);
  const refreshFail =
    own.status === 'fail' ? undefined : pending.find((l): l is Extract<PendingLaunch, { kind: 'instance-refresh' }> => l.kind === 'instance-refresh' && l.verdict.status === 'fail');
  return refreshFail ? { verdict: refreshFail.verdict, pending, refreshFail } : { verdict: own, pending };
}
