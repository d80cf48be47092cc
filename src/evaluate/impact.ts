/**
 * The blast radius (issue #14): what breaks when enforcement starts, across every launch path (instances,
 * launch templates, Auto Scaling groups, EC2 Fleets, Spot Fleets), grouped under the image that causes it, per
 * account, per OU (for a rollout one OU at a time), and over time (exception expiries within the horizon).
 * Pure, and built on the rules' own judgement (src/rules/launch-verdict.ts), so every count here matches the
 * findings behind it.
 *
 * Layers: a declarative policy (Allowed AMIs) "does not restrict the AMIs owned by your account"; the SCP's
 * ec2:Owner condition covers every owner, the account itself included. So a resource judged `blockedBy: both`
 * breaks under either layer, one judged `scp` under the SCP only. Declarative policies and SCPs are attached to
 * the root or to OUs and apply to every account below; an OU's numbers are the sum over its accounts.
 */
import type { BlastRadius, BlastResource, LaunchPathKind, LayerCounts } from '../model/findings.js';
import { LAUNCH_PATH_KINDS } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import type { BlockedBy, InventoryIndex } from '../rules/context.js';
import { judgeImageReference, judgeInstanceLaunch, judgeLaunchPathNow, judgeLaunchTemplate, launchPathIndex, launchPathsOf, pathId, pathWhere, type VersionVerdict } from '../rules/launch-verdict.js';
import { addDays, daysBetween } from '../util/dates.js';

export const DEFAULT_HORIZON_DAYS = 90;

/** One launch path's verdict, as the blast radius counts it. */
export interface JudgedPath extends BlastResource {
  status: 'ok' | 'refused' | 'unavailable' | 'cannot-verify';
  blockedBy?: RefusingLayer;
  image?: { imageId: string; name?: string; ownerId?: string; reason: string };
}

const LAYERS: BlockedBy[] = ['none', 'declarative-policy', 'scp', 'both'];

/** The layers that refuse a launch: Allowed AMIs alone (an image criterion: name, age, product code), the SCP alone, or both. */
type RefusingLayer = 'declarative-policy' | 'scp' | 'both';
const refusing = (b: BlockedBy | undefined): b is RefusingLayer => b === 'declarative-policy' || b === 'scp' || b === 'both';

/** An image refused by one layer for one path and by the other for another is refused by both. */
function combinedLayer(a: RefusingLayer | undefined, b: RefusingLayer): RefusingLayer {
  return a === undefined || a === b ? b : 'both';
}

/** The path's strongest failing source: a refused one over a gone one; else cannot-verify or ok. */
function fromVerdicts(base: BlastResource, verdicts: VersionVerdict[]): JudgedPath {
  const fails = verdicts.filter((v): v is Extract<VersionVerdict, { kind: 'fail' }> => v.kind === 'fail');
  if (fails.length === 0) return { ...base, status: verdicts.some((v) => v.kind === 'cannot-verify') ? 'cannot-verify' : 'ok' };
  // A criteria-only refusal (blockedBy declarative-policy) is a refusal too: Allowed AMIs refuses the launch while the
  // owner-based SCP lets it through. It used to be counted as a gone image.
  const refused = fails.filter((f) => refusing(f.blockedBy)).sort((a, b) => LAYERS.indexOf(b.blockedBy!) - LAYERS.indexOf(a.blockedBy!));
  const f = refused[0] ?? fails[0]!;
  const image = { imageId: f.img.imageId, ...(f.img.name !== undefined ? { name: f.img.name } : {}), ...(f.img.ownerId !== undefined ? { ownerId: f.img.ownerId } : {}), reason: f.reason };
  return refused[0] ? { ...base, status: 'refused', blockedBy: refused[0].blockedBy as RefusingLayer, image } : { ...base, status: 'unavailable', image };
}

/** Every launch path of the inventory, judged with `allowlist` (the rules' judgement). */
export function judgeAllPaths(inventory: Inventory, index: InventoryIndex, allowlist: ResolvedAllowlist): JudgedPath[] {
  const out: JudgedPath[] = [];
  for (const inst of index.liveInstances) {
    const base = { kind: 'instance' as const, accountId: inst.accountId, region: inst.region, resourceId: inst.instanceId };
    const j = judgeInstanceLaunch(index, allowlist, inst);
    if (j.kind === 'refused' && refusing(j.blockedBy)) {
      // Refused by Allowed AMIs alone: the owner is approved (the SCP lets it through), an image criterion is not met.
      const reason = j.verdict.expired ? 'expired-exception' : j.blockedBy === 'declarative-policy' ? 'criteria' : 'unapproved';
      const image = { imageId: j.img.imageId, ...(j.img.name !== undefined ? { name: j.img.name } : {}), ...(j.img.ownerId !== undefined ? { ownerId: j.img.ownerId } : {}), reason };
      out.push({ ...base, status: 'refused', blockedBy: j.blockedBy, image });
    } else out.push({ ...base, status: j.kind === 'owner-unknown' ? 'cannot-verify' : 'ok' });
  }
  for (const lt of inventory.launchTemplates) {
    const base = { kind: 'launch-template' as const, accountId: lt.accountId, region: lt.region, resourceId: lt.launchTemplateId };
    out.push(fromVerdicts(base, judgeLaunchTemplate(index, allowlist, lt).judged.map((j) => j.verdict)));
  }
  const paths = launchPathIndex(inventory);
  for (const p of launchPathsOf(inventory)) {
    const w = pathWhere(p);
    const base = { kind: p.kind, accountId: w.accountId, region: w.region, resourceId: pathId(p) };
    // As the rule judges it: a group whose refresh rolls out a refused desired configuration breaks too.
    out.push(fromVerdicts(base, judgeLaunchPathNow(index, paths, allowlist, p).verdict.judged.map((j) => j.verdict)));
  }
  return out;
}

const zero = (): LayerCounts => ({ declarativePolicy: 0, scp: 0, unavailable: 0, cannotVerify: 0 });
const byKind = <T>(f: () => T) => Object.fromEntries(LAUNCH_PATH_KINDS.map((k) => [k, f()])) as Record<LaunchPathKind, T>;

function add(c: LayerCounts, p: JudgedPath): void {
  if (p.status === 'refused') {
    if (p.blockedBy !== 'declarative-policy') c.scp++;
    if (p.blockedBy === 'both' || p.blockedBy === 'declarative-policy') c.declarativePolicy++;
  } else if (p.status === 'unavailable') c.unavailable++;
  else if (p.status === 'cannot-verify') c.cannotVerify++;
}

const resource = (p: JudgedPath): BlastResource => ({ kind: p.kind, accountId: p.accountId, region: p.region, resourceId: p.resourceId });

/**
 * The allowlist as it will be on `date`: the exceptions whose expiry date is before it no longer hold ("An
 * exception is valid through the end of its expiry date, UTC", src/config/allowlist.ts). Everything else is
 * the same config, so judging with it previews that day as `amigov evaluate --as-of` would.
 */
export function allowlistOn(allowlist: ResolvedAllowlist, date: string): ResolvedAllowlist {
  const lapsed = allowlist.activeExceptions.filter((e) => e.expiryDate < date);
  const gone = new Set(lapsed.map((e) => `${e.accountId}|${e.expiryDate}`));
  const publishers = allowlist.publishers.filter((p) => !(p.kind === 'exception' && gone.has(`${p.accountId}|${p.expiryDate}`)));
  const active = allowlist.activeExceptions.filter((e) => !gone.has(`${e.accountId}|${e.expiryDate}`)).map((e) => ({ ...e, daysLeft: daysBetween(date, e.expiryDate) }));
  return {
    ...allowlist,
    asOf: date,
    publishers,
    approvedProviders: [...publishers.map((p) => p.accountId).sort(), ...allowlist.aliases],
    activeExceptions: active,
    expiredExceptions: [...allowlist.expiredExceptions, ...lapsed.map((e) => ({ ...e, daysLeft: daysBetween(date, e.expiryDate) }))],
    expiringExceptions: active.filter((e) => e.daysLeft <= allowlist.warningDays),
  };
}

export interface BlastRadiusOptions {
  /** Days ahead of the as-of date the timeline looks (default 90). */
  horizonDays?: number;
}

/**
 * What a reference means, no more than AWS says. SSM (Systems Manager User Guide, "Native parameter support for Amazon
 * Machine Image IDs"): a parameter's AMI id "is the AMI from which you currently want new instances to be created",
 * used as `--image-id resolve:ssm:/name`; so a launch through it launches this image, which the policy refuses.
 * Image Builder recipes: the EC2 docs list them as references ("Identify your resources referencing specified AMIs")
 * and say nothing about enforcement on a recipe's builds, so the note only says the recipe names the image.
 */
function referenceNote(resourceType: string, arn: string, blockedBy: RefusingLayer | undefined, onlyReference: boolean): string {
  const name = arn.replace(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:/, '');
  const refused =
    blockedBy === 'both' ? 'the declarative policy and the SCP refuse' : blockedBy === 'scp' ? 'the SCP refuses' : blockedBy === 'declarative-policy' ? 'the declarative policy (an image criterion) refuses' : 'is no longer available';
  // No group, fleet, template or instance amigov reads launches it: the reference is the only thing that breaks.
  const only = onlyReference ? ' (no launch path amigov reads uses this image)' : '';
  if (resourceType === 'ssm:Parameter') {
    const param = `/${name.replace(/^parameter\//, '')}`;
    return blockedBy
      ? `SSM parameter ${param} resolves to an AMI ${refused}: a launch that resolves it (resolve:ssm:${param}) is refused once enforcement starts${only}`
      : `SSM parameter ${param} resolves to an AMI that ${refused}: a launch that resolves it fails${only}`;
  }
  const what = resourceType === 'imagebuilder:ImageRecipe' ? 'Image Builder image recipe' : resourceType === 'imagebuilder:ContainerRecipe' ? 'Image Builder container recipe' : resourceType;
  return `${what} ${name} names this image (AWS documents the reference, not what enforcement does to its builds)${only}`;
}

export function computeBlastRadius(inventory: Inventory, index: InventoryIndex, allowlist: ResolvedAllowlist, opts: BlastRadiusOptions = {}): { radius: BlastRadius; judged: JudgedPath[] } {
  const judged = judgeAllPaths(inventory, index, allowlist);

  const byPath = byKind(zero);
  const byAccount: Record<string, LayerCounts> = {};
  for (const p of judged) {
    if (p.status === 'ok') continue;
    add(byPath[p.kind], p);
    add((byAccount[p.accountId] ??= zero()), p);
  }

  // Root causes: one per image, every path that uses it.
  const images = new Map<string, BlastRadius['images'][number]>();
  for (const p of judged) {
    if (!p.image) continue;
    const k = `${p.region}|${p.image.imageId}`;
    let e = images.get(k);
    if (!e) {
      e = {
        region: p.region,
        imageId: p.image.imageId,
        ...(p.image.name !== undefined ? { imageName: p.image.name } : {}),
        ...(p.image.ownerId !== undefined ? { imageOwnerId: p.image.ownerId } : {}),
        reason: p.image.reason,
        paths: [],
      };
      images.set(k, e);
    }
    if (p.blockedBy) e.blockedBy = combinedLayer(e.blockedBy, p.blockedBy);
    e.paths.push(resource(p));
  }

  // References only DescribeImageReferences reports (SSM parameters, Image Builder recipes), under their image, judged
  // from the account that holds them (a parameter is resolved by the account launching through it). An image that
  // only such references name, refused or gone, is a root cause of its own with no launch path.
  for (const r of inventory.imageReferences ?? []) {
    const k = `${r.region}|${r.imageId}`;
    const v = judgeImageReference(index, allowlist, r, '', { kind: 'ami', imageId: r.imageId });
    const layer = v.kind === 'fail' && refusing(v.blockedBy) ? v.blockedBy : undefined;
    let e = images.get(k);
    if (!e) {
      // Refused (by a layer: owner, expiry or an image criterion) or gone.
      if (v.kind !== 'fail' || (!layer && v.reason !== 'unavailable')) continue;
      e = {
        region: r.region,
        imageId: r.imageId,
        ...(v.img.name !== undefined ? { imageName: v.img.name } : {}),
        ...(v.img.ownerId !== undefined ? { imageOwnerId: v.img.ownerId } : {}),
        reason: v.reason,
        ...(layer ? { blockedBy: layer } : {}),
        paths: [],
      };
      images.set(k, e);
    }
    const note = referenceNote(r.resourceType, r.arn, layer ?? (v.kind === 'fail' ? undefined : e.blockedBy), e.paths.length === 0);
    (e.references ??= []).push({ accountId: r.accountId, region: r.region, resourceType: r.resourceType, arn: r.arn, note });
  }

  // Rollout: the root and every OU, as the accounts' OU paths name them.
  const nodes = new Map<string, { id: string; name: string; path: string[]; order: number; accounts: Set<string> }>();
  for (const a of inventory.accounts) {
    a.ouIds.forEach((id, i) => {
      let n = nodes.get(id);
      if (!n) nodes.set(id, (n = { id, name: a.ouPath[i] ?? id, path: a.ouPath.slice(0, i + 1), order: nodes.size, accounts: new Set() }));
      n.accounts.add(a.accountId);
    });
  }
  const fullyScanned = (accountId: string) => {
    const mine = inventory.coverage.filter((c) => c.accountId === accountId);
    return mine.some((c) => c.status === 'ok') && !mine.some((c) => c.status === 'access-denied' || c.status === 'error' || (c.status === 'ok' && c.degraded && Object.keys(c.degraded).length > 0));
  };
  const rollout = [...nodes.values()]
    .map((n) => {
      const counts = zero();
      const paths = byKind(() => 0);
      for (const p of judged) {
        if (!n.accounts.has(p.accountId) || p.status === 'ok') continue;
        add(counts, p);
        if (p.status === 'refused') paths[p.kind]++;
      }
      const unscanned = [...n.accounts].filter((a) => !fullyScanned(a)).length;
      const clean = unscanned === 0 && counts.cannotVerify === 0;
      return {
        order: n.order,
        row: {
          id: n.id,
          name: n.name,
          path: n.path,
          accounts: n.accounts.size,
          accountsNotFullyScanned: unscanned,
          counts,
          byPath: paths,
          safeForDeclarativePolicy: clean && counts.declarativePolicy === 0,
          safeForScp: clean && counts.scp === 0,
        },
      };
    })
    .sort((a, b) => Number(b.row.safeForScp) - Number(a.row.safeForScp) || Number(b.row.safeForDeclarativePolicy) - Number(a.row.safeForDeclarativePolicy) || a.order - b.order)
    .map((x) => x.row);

  // Timeline: each exception expiry within the horizon, and what flips on the first day it no longer holds.
  const horizonDays = opts.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const until = addDays(allowlist.asOf, horizonDays);
  const refusedNow = new Set(judged.filter((p) => p.status === 'refused').map((p) => `${p.kind}|${p.accountId}|${p.region}|${p.resourceId}`));
  const events: BlastRadius['timeline']['events'] = [];
  const expiries = [...allowlist.activeExceptions].sort((a, b) => a.expiryDate.localeCompare(b.expiryDate) || a.accountId.localeCompare(b.accountId));
  for (const e of expiries) {
    const date = addDays(e.expiryDate, 1);
    if (date > until) continue;
    const later = judgeAllPaths(inventory, index, allowlistOn(allowlist, date));
    const flipped = later.filter((p) => p.status === 'refused' && p.image?.ownerId === e.accountId && !refusedNow.has(`${p.kind}|${p.accountId}|${p.region}|${p.resourceId}`));
    const counts = zero();
    for (const p of flipped) add(counts, p);
    events.push({ date, cause: 'exception-expiry', exceptionAccountId: e.accountId, ticket: e.ticket, expiryDate: e.expiryDate, counts, resources: flipped.map(resource) });
  }

  return {
    radius: {
      byPath,
      byAccount: Object.fromEntries(Object.entries(byAccount).sort(([a], [b]) => a.localeCompare(b))),
      images: [...images.values()].sort((a, b) => b.paths.length - a.paths.length || a.region.localeCompare(b.region) || a.imageId.localeCompare(b.imageId)),
      rollout,
      timeline: { horizonDays, from: allowlist.asOf, until, events },
    },
    judged,
  };
}
