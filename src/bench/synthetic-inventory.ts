/**
 * The inventory a complete `amigov scan` of a generated organization yields, built from the fixture without
 * scanning (`amigov bench --synthetic`, issue #18 item 5): the report figure at 1,000 accounts x 17 regions
 * (about 177,000 API calls) without minutes of scanner and sandbox CPU on a small machine.
 *
 * It reads the sandbox's own state (src/sandbox/state.ts: the same visibility, Allowed AMIs verdicts, tags and
 * region settings the sandbox answers with) and maps it the way the collectors map the answers
 * (src/scan/collectors) and the scanner assembles them (src/scan/scanner.ts: referenced images described once
 * from the referencing account assignResolvers picks, launching accounts' own tags, DescribeImageReferences for
 * images not from an approved publisher). test/bench/synthetic-inventory.test.ts checks that, for a small
 * organization, it equals what a real scan of the sandbox returns, modulo the run id, the times and the call
 * accounting (coverage apiCalls and stats: here taken from the unit's call model below, not counted).
 *
 * Only what the generator (src/sandbox/generator.ts) produces is supported: every account ACTIVE and reachable
 * with the scan role (a complete scan), no Auto Scaling groups, launch configurations, fleets or managed
 * instances. Anything else throws: this is no second scanner.
 */
import type { OrgFixture } from '../sandbox/fixture-types.js';
import { SandboxState, type ImageRec } from '../sandbox/state.js';
import type {
  AccountRecord,
  CoverageEntry,
  ExternalImageReference,
  Image,
  ImageReference,
  Instance,
  Inventory,
  LaunchTemplate,
  RegionSettings,
} from '../model/inventory.js';
import { INVENTORY_SCHEMA_VERSION } from '../model/inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import { fromApprovedPublisher } from '../scan/collectors/image-references.js';
import { recordedParameters, SCAN_DEFAULTS } from '../scan/options.js';
import { newRunId } from '../scan/run-id.js';
import { assignResolvers } from '../scan/resolvers.js';
import { toolVersion } from '../util/paths.js';
import { minimalCalls } from './minimal.js';

const key = (a: string, b: string) => `${a}|${b}`;
/** The region the bench's scan runs STS, Organizations and DescribeRegions in (`--region us-east-1`). */
const HOME_REGION = 'us-east-1';
const IMAGE_ID_RE = /^ami-[0-9a-f]{8,17}$/;
const GONE = new Set(['deregistered', 'disabled']);
const byAccountRegion = (a: { accountId: string; region: string }, b: { accountId: string; region: string }) =>
  a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region);

/** The collectors a full scan of an organization runs, in the order the scanner records them (run.collectors). */
export const FULL_SCAN_COLLECTORS = [
  'organization', 'assume-role', 'regions', 'instances', 'instance-image-metadata', 'managed-instances',
  'managed-resource-visibility', 'launching-account-image-tags', 'owned-images', 'launch-templates',
  'auto-scaling-groups', 'launch-configurations', 'ec2-fleets', 'spot-fleets', 'pinned-launch-template-versions',
  'image-block-public-access', 'allowed-images-settings', 'backup-recovery-points', 'referenced-images', 'image-references',
  'instance-refreshes',
] as const;

export interface SyntheticInventoryOptions {
  fixture: OrgFixture;
  allowlist: ResolvedAllowlist;
  asOf: string;
  configPath: string;
  /** Recorded as the scan's endpoint (run.endpoint, parameters.endpointUrl); default none. */
  endpoint?: string;
  /** Allowed AMIs verdicts are computed as of this time (default now, as the sandbox does). */
  now?: number;
}

/** tags as an object, in the order EC2 answers them (the record's insertion order). */
const record = (m: Map<string, string> | undefined): Record<string, string> => Object.fromEntries(m ?? []);

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** collectors/images.ts toImage, on what the sandbox's DescribeImages renders for `seenFrom` (renderImage). */
function imageRecord(state: SandboxState, rec: ImageRec, region: string, seenFrom: string, seenVia: Image['seenVia'], now: number): Image {
  const tagsVisible = seenVia === 'owner' && rec.ownerId === seenFrom;
  return defined<Image>({
    region,
    imageId: rec.imageId,
    ownerId: rec.ownerId,
    ownerAlias: rec.ownerAlias,
    name: rec.name,
    description: rec.description,
    creationDate: rec.creationDate,
    deprecationTime: rec.deprecationTime,
    state: rec.state,
    public: rec.public,
    tags: tagsVisible ? record(state.imageTagsFor(rec, seenFrom)) : {},
    tagsVisible,
    seenVia,
    seenFromAccountId: seenFrom,
    imageAllowed: state.imageAllowed(rec, seenFrom, region, now),
    productCodes: [...rec.productCodes],
    sourceImageId: rec.sourceImageId,
    sourceImageRegion: rec.sourceImageRegion,
    lastLaunchedTime: rec.lastLaunchedTime,
    deregistrationProtection: rec.deregistrationProtection,
    snapshotIds: rec.snapshotIds.length ? [...rec.snapshotIds] : undefined,
    platform: rec.platform === 'windows' ? 'windows' : undefined,
    found: true,
    lookup: 'found',
  });
}

interface Unit {
  accountId: string;
  region: string;
  instances: Instance[];
  owned: Image[];
  launchTemplates: LaunchTemplate[];
  /** launching-account-image-tags: imageId -> this account's own tags, and the records of that answer */
  accountImageTags: Map<string, Record<string, string>>;
  referencedImages: Image[];
  settings: RegionSettings;
  calls: number;
}

function imageRef(state: SandboxState, accountId: string, region: string, imageId: string | undefined): ImageReference {
  if (imageId === undefined) return { kind: 'none' };
  if (imageId.startsWith('resolve:ssm:')) {
    const parameter = imageId.slice('resolve:ssm:'.length);
    const value = state.ssmParameter(accountId, region, parameter);
    if (value === undefined || !IMAGE_ID_RE.test(value)) throw new Error(`synthetic inventory: ${parameter} of ${accountId} ${region} does not resolve to an AMI id (not a generated organization)`);
    return { kind: 'ssm', parameter, resolvedImageId: value };
  }
  return { kind: 'ami', imageId };
}

/** One account x region unit, as src/scan/unit.ts's collectors return it against the sandbox. */
function scanUnit(state: SandboxState, accountId: string, region: string, now: number): Unit {
  if (state.autoScalingGroups(accountId, region).length || state.launchConfigurations(accountId, region).length || state.fleets(accountId, region, 'ec2-fleet').length || state.fleets(accountId, region, 'spot-fleet').length) {
    throw new Error(`synthetic inventory: ${accountId} ${region} has launch paths (not a generated organization)`);
  }
  const instances: Instance[] = [];
  for (const i of state.instances(accountId, region)) {
    if (i.state === 'terminated') continue;
    if (i.operator) throw new Error(`synthetic inventory: ${i.instanceId} is a managed instance (not a generated organization)`);
    const snap = i.imageSnapshot;
    const current = state.images.get(i.imageId);
    instances.push(
      defined<Instance>({
        accountId,
        region,
        instanceId: i.instanceId,
        instanceType: i.instanceType,
        state: i.state,
        launchTime: new Date(i.launchTime).toISOString(),
        tags: record(i.tags),
        image: defined({
          imageId: snap.imageId,
          source: 'instance-image-metadata' as const,
          name: snap.name,
          ownerId: snap.ownerId,
          ownerAlias: snap.ownerAlias,
          state: current?.state,
          creationDate: snap.creationDate === undefined ? undefined : new Date(snap.creationDate).toISOString(),
          deprecationTime: snap.deprecationTime === undefined ? undefined : new Date(snap.deprecationTime).toISOString(),
          imageAllowed: snap.ownerId !== undefined ? state.imageAllowed({ ...snap, productCodes: current?.productCodes ?? [] }, accountId, region, now) : undefined,
          isPublic: current ? current.public && current.state !== 'deregistered' : undefined,
        }),
      }),
    );
  }
  const owned = state
    .ownedBy(accountId, region)
    .filter((r) => r.state !== 'deregistered')
    .map((r) => imageRecord(state, r, region, accountId, 'owner', now));

  // launching-account-image-tags (collectors/account-image-tags.ts imagesToAsk): DescribeImages by id of the
  // instances' images the account does not own.
  const accountImageTags = new Map<string, Record<string, string>>();
  const referencedImages: Image[] = [];
  const ask = [...new Set(instances.filter((i) => IMAGE_ID_RE.test(i.image.imageId) && i.image.ownerId !== accountId && !(i.image.state && GONE.has(i.image.state))).map((i) => i.image.imageId))].sort();
  for (const id of ask) {
    const rec = state.images.get(id);
    if (!rec || rec.region !== region || !state.canSee(rec, accountId)) throw new Error(`synthetic inventory: ${id} is not visible from ${accountId} ${region} (not a generated organization)`);
    accountImageTags.set(id, record(state.imageTagsFor(rec, accountId)));
    referencedImages.push(imageRecord(state, rec, region, accountId, 'reference', now));
  }

  const launchTemplates: LaunchTemplate[] = state.launchTemplates(accountId, region).map((lt) => {
    const version = (n: number | undefined) => {
      const v = lt.versions.find((x) => x.versionNumber === n);
      return v ? { versionNumber: v.versionNumber, image: imageRef(state, accountId, region, v.imageId) } : undefined;
    };
    const latest = Math.max(...lt.versions.map((v) => v.versionNumber));
    return defined<LaunchTemplate>({
      accountId,
      region,
      launchTemplateId: lt.launchTemplateId,
      launchTemplateName: lt.launchTemplateName,
      defaultVersion: version(lt.defaultVersion ?? 1),
      latestVersion: version(latest),
    });
  });

  const s = state.regionSettings(accountId, region);
  const settings: RegionSettings = {
    accountId,
    region,
    imageBlockPublicAccess: { state: s.imageBlockPublicAccess, managedBy: s.imageBlockPublicAccessManagedBy },
    allowedImages: {
      state: s.allowedImages.state,
      criteria: (s.allowedImages.criteria ?? []).map((c) =>
        defined({
          imageProviders: c.imageProviders?.length ? [...c.imageProviders] : undefined,
          imageNames: c.imageNames?.length ? [...c.imageNames] : undefined,
          marketplaceProductCodes: c.marketplaceProductCodes?.length ? [...c.marketplaceProductCodes] : undefined,
          creationDateCondition: c.creationDateCondition?.maximumDaysSinceCreated !== undefined ? { maximumDaysSinceCreated: c.creationDateCondition.maximumDaysSinceCreated } : undefined,
          deprecationTimeCondition: c.deprecationTimeCondition?.maximumDaysSinceDeprecated !== undefined ? { maximumDaysSinceDeprecated: c.deprecationTimeCondition.maximumDaysSinceDeprecated } : undefined,
        }),
      ),
      managedBy: s.allowedImages.managedBy ?? 'account',
    },
    managedResourceVisibility: { state: s.managedResourceVisibility },
  };
  // The unit's calls when every list fits one page: DescribeInstanceImageMetadata, DescribeInstances (managed),
  // DescribeImages (owned), DescribeLaunchTemplates, DescribeAutoScalingGroups, DescribeFleets,
  // DescribeSpotFleetRequests and the three settings reads; one DescribeLaunchTemplateVersions with templates,
  // one DescribeImages by id for the launching account's tags. (Accounting only: not compared with a real scan.)
  // A second DescribeLaunchTemplateVersions (ResolveAlias) when a version names a `resolve:ssm:` parameter.
  // And one backup:ListBackupVaults (a generated organization has no vault, so no recovery-point listing).
  const ssm = launchTemplates.some((lt) => lt.defaultVersion?.image.kind === 'ssm' || lt.latestVersion?.image.kind === 'ssm');
  const calls = 11 + (launchTemplates.length ? 1 : 0) + (ssm ? 1 : 0) + (ask.length ? 1 : 0);
  return { accountId, region, instances, owned, launchTemplates, accountImageTags, referencedImages, settings, calls };
}

/** The ARN DescribeImageReferences gives an SSM parameter or Image Builder recipe (src/sandbox/ec2/references.ts). */
function otherArn(r: { resourceType: string; name: string }, region: string, accountId: string): string {
  if (r.resourceType === 'ssm:Parameter') return `arn:aws:ssm:${region}:${accountId}:parameter/${r.name.replace(/^\//, '')}`;
  const kind = r.resourceType === 'imagebuilder:ImageRecipe' ? 'image-recipe' : 'container-recipe';
  return `arn:aws:imagebuilder:${region}:${accountId}:${kind}/${r.name}`;
}

export function syntheticInventory(o: SyntheticInventoryOptions): Inventory {
  const startedAt = new Date();
  const now = o.now ?? Date.now();
  if (o.fixture.backupVaults?.length) throw new Error('synthetic inventory: the organization has AWS Backup vaults (not a generated organization)');
  const state = new SandboxState(o.fixture);
  const caller = o.fixture.caller.accountId;
  const roleName = SCAN_DEFAULTS.roleName;

  // Accounts: the organization's tree, every account ACTIVE and reachable (a complete scan).
  const accounts: AccountRecord[] = [];
  const pathOf = (parentId: string): { names: string[]; ids: string[] } => {
    const ou = state.ous.get(parentId);
    if (!ou) return { names: ['Root'], ids: [parentId] };
    const up = pathOf(ou.parentId);
    return { names: [...up.names, ou.name], ids: [...up.ids, ou.id] };
  };
  for (const a of o.fixture.accounts) {
    if ((a.status ?? 'ACTIVE') !== 'ACTIVE') throw new Error(`synthetic inventory: account ${a.id} is ${a.status} (a complete scan of ACTIVE accounts only)`);
    if (a.id !== caller && !a.roles.some((r) => r.name === roleName && (r.path ?? '/') === '/' && !r.externalId)) {
      throw new Error(`synthetic inventory: account ${a.id} has no ${roleName} (a complete scan only)`);
    }
    const p = pathOf(a.parentId);
    accounts.push(defined<AccountRecord>({ accountId: a.id, name: a.name, email: a.email, status: a.status ?? 'ACTIVE', ouPath: p.names, ouIds: p.ids, access: a.id === caller ? 'caller' : 'assumed-role' }));
  }
  if (o.allowlist.ownerTagKeys?.length) throw new Error('synthetic inventory: owner tag keys are not supported (the config names owners.tag_keys)');

  // Units: every account x region; regions the account has not enabled are skipped (DescribeRegions).
  const coverage: CoverageEntry[] = [];
  const units: Unit[] = [];
  for (const a of o.fixture.accounts) {
    for (const r of state.regions) {
      if (!state.isRegionEnabled(a.id, r.name)) {
        coverage.push({ accountId: a.id, region: r.name, status: 'skipped', reason: 'region not enabled in this account (opt-in status: not-opted-in)' });
        continue;
      }
      units.push(scanUnit(state, a.id, r.name, now));
    }
  }

  // Referenced images (scanner.ts resolveReferencedImages): owned first, then the launching accounts' answers
  // (lowest account id first), then the rest described from the referencing account assignResolvers picks.
  const images = new Map<string, Image>();
  for (const u of units) for (const img of u.owned) images.set(key(img.region, img.imageId), img);
  for (const u of [...units].sort((a, b) => a.accountId.localeCompare(b.accountId))) {
    for (const img of u.referencedImages) if (!images.has(key(img.region, img.imageId))) images.set(key(img.region, img.imageId), img);
  }
  const wanted = new Map<string, Map<string, string[]>>();
  const want = (accountId: string, region: string, imageId: string | undefined) => {
    if (!imageId || images.has(key(region, imageId))) return;
    let byImage = wanted.get(region);
    if (!byImage) wanted.set(region, (byImage = new Map()));
    const refs = byImage.get(imageId) ?? [];
    if (!refs.includes(accountId)) refs.push(accountId);
    byImage.set(imageId, refs);
  };
  for (const u of units) {
    for (const i of u.instances) if (IMAGE_ID_RE.test(i.image.imageId)) want(i.accountId, i.region, i.image.imageId);
    for (const lt of u.launchTemplates) {
      for (const v of [lt.defaultVersion, lt.latestVersion]) {
        if (v?.image.kind === 'ami') want(lt.accountId, lt.region, v.image.imageId);
        if (v?.image.kind === 'ssm') want(lt.accountId, lt.region, v.image.resolvedImageId);
      }
    }
  }
  const unitCalls = new Map(units.map((u) => [key(u.accountId, u.region), u]));
  for (const [region, byImage] of wanted) {
    const sorted = new Map([...byImage].map(([id, refs]) => [id, [...refs].sort()]));
    for (const [accountId, ids] of assignResolvers(sorted)) {
      for (const id of ids) {
        const rec = state.images.get(id);
        if (!rec || rec.region !== region || !state.canSee(rec, accountId)) throw new Error(`synthetic inventory: ${id} is not visible from ${accountId} ${region} (not a generated organization)`);
        images.set(key(region, id), imageRecord(state, rec, region, accountId, 'reference', now));
      }
      unitCalls.get(key(accountId, region))!.calls += Math.ceil(ids.length / 100);
    }
  }

  // Image references (scanner.ts collectImageReferences): per unit, the images not from an approved publisher it owns or references.
  const imageReferences: ExternalImageReference[] = [];
  for (const u of units) {
    const candidates = [
      ...u.owned.map((i) => i.imageId),
      ...u.instances.map((i) => i.image.imageId),
      ...u.launchTemplates.flatMap((lt) => [lt.defaultVersion, lt.latestVersion].flatMap((v) => (v?.image.kind === 'ami' ? [v.image.imageId] : []))),
    ];
    const ids = new Set<string>();
    for (const id of candidates) {
      const img = images.get(key(u.region, id));
      if (img && img.found !== false && img.ownerId !== undefined && !fromApprovedPublisher(img, o.allowlist.approvedProviders)) ids.add(id);
    }
    if (ids.size === 0) continue;
    u.calls += Math.ceil(ids.size / 10);
    for (const r of state.otherImageReferences(u.accountId, u.region)) {
      if (ids.has(r.imageId)) imageReferences.push({ accountId: u.accountId, region: u.region, imageId: r.imageId, resourceType: r.resourceType, arn: otherArn(r, u.region, u.accountId) });
    }
  }

  // Assembly (scanner.ts assembleInventory): launching accounts' own tags on the images, everything sorted.
  for (const u of units) {
    for (const [imageId, tags] of u.accountImageTags) {
      const img = images.get(key(u.region, imageId));
      if (img) img.accountTags = { ...img.accountTags, [u.accountId]: tags };
    }
  }
  for (const img of images.values()) {
    if (img.accountTags) img.accountTags = Object.fromEntries(Object.entries(img.accountTags).sort(([a], [b]) => a.localeCompare(b)));
  }
  // An assumed-role account's DescribeRegions is counted in its home-region unit.
  for (const u of units) if (u.accountId !== caller && u.region === HOME_REGION) u.calls += 1;
  for (const u of units) coverage.push({ accountId: u.accountId, region: u.region, status: 'ok', instancePath: 'instance-image-metadata', durationMs: 0, apiCalls: u.calls });

  // The scan's call totals: the minimal-call model's (a real scan makes within 2% of them, src/bench/minimal.ts).
  const model = minimalCalls(o.fixture, { approvedProviders: o.allowlist.approvedProviders });
  const finishedAt = new Date();
  const options = { ...SCAN_DEFAULTS, configPath: o.configPath, region: HOME_REGION, ...(o.endpoint ? { endpointUrl: o.endpoint } : {}) };
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    kind: 'amigov.inventory',
    run: {
      runId: newRunId(startedAt),
      toolVersion: toolVersion(),
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      asOf: o.asOf,
      configPath: o.configPath,
      parameters: { ...recordedParameters(options), workers: 1 },
      caller: { accountId: caller, arn: `arn:aws:iam::${caller}:user/amigov` },
      organization: { id: state.organizationId, managementAccountId: state.managementAccountId },
      endpoint: o.endpoint ?? null,
      homeRegion: HOME_REGION,
      collectors: [...FULL_SCAN_COLLECTORS],
    },
    allowlist: o.allowlist,
    accounts: accounts.sort((a, b) => a.accountId.localeCompare(b.accountId)),
    coverage: coverage.sort(byAccountRegion),
    instances: units.flatMap((u) => u.instances).sort((a, b) => byAccountRegion(a, b) || a.instanceId.localeCompare(b.instanceId)),
    images: [...images.values()].sort((a, b) => a.region.localeCompare(b.region) || a.imageId.localeCompare(b.imageId)),
    launchTemplates: units.flatMap((u) => u.launchTemplates).sort((a, b) => byAccountRegion(a, b) || a.launchTemplateId.localeCompare(b.launchTemplateId)),
    autoScalingGroups: [],
    launchConfigurations: [],
    fleets: [],
    launchTemplateVersions: [],
    backupRecoveryPoints: [],
    imageReferences: imageReferences.sort((a, b) => byAccountRegion(a, b) || a.imageId.localeCompare(b.imageId) || a.arn.localeCompare(b.arn)),
    regionSettings: units.map((u) => u.settings).sort(byAccountRegion),
    stats: {
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      apiCalls: Object.fromEntries(Object.entries(model.byAction).sort(([a], [b]) => a.localeCompare(b))),
      apiCallsTotal: model.total,
      retries: 0,
      throttled: 0,
      accountsTotal: accounts.length,
      accountRegionsTotal: coverage.length,
      attempts: model.total,
      failedCalls: 0,
    },
  };
}
