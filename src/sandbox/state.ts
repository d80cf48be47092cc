/**
 * The sandbox's in-memory AWS: the organization, images, instances, launch templates and per account x region
 * settings built from an OrgFixture. Everything a request needs is indexed by account x region (or by id), so a
 * request never scans the whole organization: the benchmark runs 1,000 accounts x 17 regions against it.
 */
import type {
  FixtureAccount,
  FixtureAutoScalingGroup,
  FixtureFleet,
  FixtureImageReference,
  FixtureLaunchConfiguration,
  FixtureImage,
  FixtureInstance,
  FixtureLaunchTemplate,
  FixtureRegionSettings,
  OrgFixture,
} from './fixture-types.js';
import { DEFAULT_REGIONS } from './regions.js';
import { hash32 } from './random.js';

export type AllowedImagesSettingsRec = NonNullable<FixtureRegionSettings['allowedImages']>;
export type ImageCriterionRec = NonNullable<AllowedImagesSettingsRec['criteria']>[number];

export interface ImageRec {
  imageId: string;
  ownerId: string;
  ownerAlias?: string;
  region: string;
  name: string;
  description?: string;
  creationDate: string;
  deprecationTime?: string;
  state: string;
  public: boolean;
  userIds: Set<string>;
  orgArns: Set<string>;
  ouArns: Set<string>;
  /** The owner's tags. */
  tags: Map<string, string>;
  /**
   * Tags other accounts put on the image for themselves, by account id. EC2 User Guide (tagging): "When you
   * tag public or shared resources, the tags you assign are available only to your AWS account; no other AWS
   * account will have access to those tags."
   */
  accountTags: Map<string, Map<string, string>>;
  platform?: string;
  architecture: string;
  snapshotIds: string[];
  productCodes: string[];
  sourceImageId?: string;
  sourceImageRegion?: string;
  lastLaunchedTime?: string;
  deregistrationProtection?: string;
}

/** What EC2 remembers of an instance's image from launch time; survives deregistration and unsharing. */
export interface ImageSnapshot {
  imageId: string;
  name?: string;
  ownerId?: string;
  ownerAlias?: string;
  creationDate?: string;
  deprecationTime?: string;
}

export interface InstanceRec {
  instanceId: string;
  accountId: string;
  region: string;
  imageId: string;
  instanceType: string;
  state: string;
  launchTime: string;
  tags: Map<string, string>;
  reservationId: string;
  availabilityZone: string;
  imageSnapshot: ImageSnapshot;
  platform?: string;
  architecture: string;
  /** A managed instance: the service provider that manages it. */
  operator?: { principal: string };
}

export interface LaunchTemplateRec extends FixtureLaunchTemplate {
  createTime: string;
}

export interface RegionSettingsRec {
  imageBlockPublicAccess: 'block-new-sharing' | 'unblocked';
  imageBlockPublicAccessManagedBy: 'account' | 'declarative-policy';
  allowedImages: AllowedImagesSettingsRec;
  managedResourceVisibility: 'hidden' | 'visible';
}

const key = (accountId: string, region: string) => `${accountId}|${region}`;

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function addToSet<K, V>(map: Map<K, Set<V>>, k: K, v: V): void {
  let s = map.get(k);
  if (!s) map.set(k, (s = new Set()));
  s.add(v);
}

const byId = (a: { imageId: string }, b: { imageId: string }) => (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0);
const DAY_MS = 86_400_000;

export class SandboxState {
  readonly fixture: OrgFixture;
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly orgArn: string;
  readonly regions: { name: string; optIn: boolean }[];
  private readonly regionByName: Map<string, { name: string; optIn: boolean }>;

  readonly accounts = new Map<string, FixtureAccount>();
  readonly ous = new Map<string, { id: string; name: string; parentId: string }>();
  /** parent id -> child account ids / OU ids, in fixture order */
  readonly childAccounts = new Map<string, string[]>();
  readonly childOus = new Map<string, string[]>();
  /** account id -> ARNs of the OUs above it (for images shared with an OU) */
  private readonly ouArnsAbove = new Map<string, Set<string>>();

  readonly images = new Map<string, ImageRec>();
  private readonly ownedImages = new Map<string, ImageRec[]>();
  private readonly publicImages = new Map<string, Set<ImageRec>>();
  private readonly userShared = new Map<string, Set<ImageRec>>();
  private readonly orgShared = new Map<string, Set<ImageRec>>();
  /** The user ids an image is indexed under in userShared, to unindex it without a scan. */
  private readonly indexedUsers = new Map<ImageRec, Set<string>>();

  readonly instancesById = new Map<string, InstanceRec>();
  private readonly instancesByAccountRegion = new Map<string, InstanceRec[]>();
  /** image id -> number of instances launched from it that are not terminated */
  private readonly liveReferences = new Map<string, number>();

  private readonly templates = new Map<string, LaunchTemplateRec[]>();
  private readonly groups = new Map<string, FixtureAutoScalingGroup[]>();
  private readonly launchConfigs = new Map<string, FixtureLaunchConfiguration[]>();
  private readonly fleetRecs = new Map<string, FixtureFleet[]>();
  private readonly otherReferences = new Map<string, FixtureImageReference[]>();
  private readonly settings = new Map<string, RegionSettingsRec>();
  /** account|region -> SSM parameter name -> value */
  private readonly ssm = new Map<string, Map<string, string>>();

  constructor(fixture: OrgFixture) {
    this.fixture = fixture;
    this.organizationId = fixture.organization.id;
    this.managementAccountId = fixture.organization.managementAccountId;
    this.rootId = fixture.organization.rootId;
    this.orgArn = `arn:aws:organizations::${this.managementAccountId}:organization/${this.organizationId}`;
    this.regions = fixture.regions ?? DEFAULT_REGIONS;
    this.regionByName = new Map(this.regions.map((r) => [r.name, r]));

    for (const ou of fixture.organizationalUnits) {
      this.ous.set(ou.id, ou);
      push(this.childOus, ou.parentId, ou.id);
    }
    for (const a of fixture.accounts) {
      this.accounts.set(a.id, a);
      push(this.childAccounts, a.parentId, a.id);
      const arns = new Set<string>();
      for (let p: string | undefined = a.parentId; p && this.ous.has(p); p = this.ous.get(p)?.parentId) arns.add(this.ouArn(p));
      this.ouArnsAbove.set(a.id, arns);
    }
    for (const img of fixture.images) this.addImage(img);
    for (const list of this.ownedImages.values()) list.sort(byId);
    for (const inst of fixture.instances) this.addInstance(inst);
    for (const list of this.instancesByAccountRegion.values()) list.sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
    for (const lt of fixture.launchTemplates ?? []) {
      push(this.templates, key(lt.accountId, lt.region), { ...lt, createTime: '2025-06-01T09:00:00.000Z' });
    }
    for (const g of fixture.autoScalingGroups ?? []) push(this.groups, key(g.accountId, g.region), g);
    for (const lc of fixture.launchConfigurations ?? []) push(this.launchConfigs, key(lc.accountId, lc.region), lc);
    for (const f of fixture.fleets ?? []) push(this.fleetRecs, key(f.accountId, f.region), f);
    for (const r of fixture.imageReferences ?? []) push(this.otherReferences, key(r.accountId, r.region), r);
    // A listed account x region overrides the defaults field by field.
    const d = fixture.defaultRegionSettings;
    for (const s of fixture.regionSettings ?? []) {
      const allowed = s.allowedImages ?? d?.allowedImages;
      this.settings.set(key(s.accountId, s.region), {
        imageBlockPublicAccess: s.imageBlockPublicAccess ?? d?.imageBlockPublicAccess ?? 'block-new-sharing',
        imageBlockPublicAccessManagedBy: s.imageBlockPublicAccessManagedBy ?? d?.imageBlockPublicAccessManagedBy ?? 'account',
        allowedImages: allowed ? structuredClone(allowed) : { state: 'disabled' },
        managedResourceVisibility: s.managedResourceVisibility ?? d?.managedResourceVisibility ?? 'hidden',
      });
    }
    for (const p of fixture.ssmParameters ?? []) {
      let m = this.ssm.get(key(p.accountId, p.region));
      if (!m) this.ssm.set(key(p.accountId, p.region), (m = new Map()));
      m.set(p.name, p.value);
      // One SSM parameter, seen by both calls: a parameter holding an AMI id is also what DescribeImageReferences
      // reports as an ssm:Parameter reference ("Supported resource types: ... ssm:Parameter ..."), unless the
      // fixture's imageReferences already lists it.
      const name = p.name.replace(/:[^/:]+$/, ''); // without a :version or :label suffix
      const listed = (this.otherReferences.get(key(p.accountId, p.region)) ?? []).some((r) => r.resourceType === 'ssm:Parameter' && r.name === name);
      if (/^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/.test(p.value) && !listed) {
        push(this.otherReferences, key(p.accountId, p.region), { resourceType: 'ssm:Parameter', accountId: p.accountId, region: p.region, name, imageId: p.value });
      }
    }
  }

  /** The value of an SSM parameter of an account x region, as written after `resolve:ssm:` (undefined: none). */
  ssmParameter(accountId: string, region: string, name: string): string | undefined {
    return this.ssm.get(key(accountId, region))?.get(name);
  }

  ouArn(ouId: string): string {
    return `arn:aws:organizations::${this.managementAccountId}:ou/${this.organizationId}/${ouId}`;
  }

  isMember(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  // ---- regions -------------------------------------------------------------------------------------------

  regionInfo(region: string) {
    return this.regionByName.get(region);
  }

  /** Whether an account may call EC2 in a region: every non-opt-in region, plus the opt-in ones it enabled. */
  isRegionEnabled(accountId: string, region: string): boolean {
    const info = this.regionByName.get(region);
    const account = this.accounts.get(accountId);
    if (account?.enabledRegions.includes(region)) return true;
    return info !== undefined && !info.optIn;
  }

  // ---- images ---------------------------------------------------------------------------------------------

  private addImage(img: FixtureImage): void {
    const rec: ImageRec = {
      imageId: img.imageId,
      ownerId: img.ownerId,
      ...(img.ownerAlias ? { ownerAlias: img.ownerAlias } : {}),
      region: img.region,
      name: img.name,
      ...(img.description !== undefined ? { description: img.description } : {}),
      creationDate: img.creationDate,
      ...(img.deprecationTime ? { deprecationTime: img.deprecationTime } : {}),
      state: img.state ?? 'available',
      public: img.public ?? false,
      userIds: new Set(img.sharedWith ?? []),
      orgArns: new Set(img.sharedWithOrganizationArns ?? []),
      ouArns: new Set(img.sharedWithOrganizationalUnitArns ?? []),
      tags: new Map(Object.entries(img.tags ?? {})),
      accountTags: new Map(Object.entries(img.accountTags ?? {}).map(([a, t]) => [a, new Map(Object.entries(t))])),
      ...(img.platform ? { platform: img.platform } : {}),
      architecture: img.architecture ?? 'x86_64',
      snapshotIds: img.snapshotIds ?? [`snap-${img.imageId.slice(4).padEnd(17, '0').slice(0, 17)}`],
      productCodes: img.productCodes ?? [],
      ...(img.sourceImageId ? { sourceImageId: img.sourceImageId } : {}),
      ...(img.sourceImageRegion ? { sourceImageRegion: img.sourceImageRegion } : {}),
      ...(img.lastLaunchedTime ? { lastLaunchedTime: img.lastLaunchedTime } : {}),
      ...(img.deregistrationProtection ? { deregistrationProtection: img.deregistrationProtection } : {}),
    };
    this.images.set(rec.imageId, rec);
    push(this.ownedImages, key(rec.ownerId, rec.region), rec);
    this.indexSharing(rec);
  }

  /** (Re)builds the sharing indexes of one image after a launch permission change or deregistration. */
  indexSharing(rec: ImageRec): void {
    this.publicImages.get(rec.region)?.delete(rec);
    this.orgShared.get(rec.region)?.delete(rec);
    for (const u of this.indexedUsers.get(rec) ?? []) this.userShared.get(key(u, rec.region))?.delete(rec);
    this.indexedUsers.delete(rec);
    if (rec.state === 'deregistered' || rec.state === 'disabled') return;
    if (rec.public) addToSet(this.publicImages, rec.region, rec);
    if (rec.userIds.size > 0) {
      for (const u of rec.userIds) addToSet(this.userShared, key(u, rec.region), rec);
      this.indexedUsers.set(rec, new Set(rec.userIds));
    }
    if (rec.orgArns.size > 0 || rec.ouArns.size > 0) addToSet(this.orgShared, rec.region, rec);
  }

  /** Owned images of an account in a region, by image id (all states). */
  ownedBy(accountId: string, region: string): ImageRec[] {
    return this.ownedImages.get(key(accountId, region)) ?? [];
  }

  /** The tags `accountId` sees on an image: the owner's to the owner, each other account's own to it. */
  imageTagsFor(rec: ImageRec, accountId: string): Map<string, string> | undefined {
    return rec.ownerId === accountId ? rec.tags : rec.accountTags.get(accountId);
  }

  /** Whether an account has launch permission on (and so can describe) an image. */
  canSee(rec: ImageRec, accountId: string): boolean {
    if (rec.ownerId === accountId) return true;
    if (rec.state === 'deregistered' || rec.state === 'disabled') return false;
    if (rec.public || rec.userIds.has(accountId)) return true;
    if (!this.isMember(accountId)) return false;
    if (rec.orgArns.has(this.orgArn)) return true;
    const above = this.ouArnsAbove.get(accountId);
    if (above) for (const arn of rec.ouArns) if (above.has(arn)) return true;
    return false;
  }

  /** Explicit launch permission (shared with the account, its org or an OU above it): `ExecutableBy=self`. */
  hasExplicitPermission(rec: ImageRec, accountId: string): boolean {
    if (rec.state === 'deregistered' || rec.state === 'disabled') return false;
    if (rec.userIds.has(accountId)) return true;
    if (!this.isMember(accountId)) return false;
    if (rec.orgArns.has(this.orgArn)) return true;
    const above = this.ouArnsAbove.get(accountId);
    if (above) for (const arn of rec.ouArns) if (above.has(arn)) return true;
    return false;
  }

  /** Every image an account can see in a region (own, public, shared), by image id. */
  visibleImages(accountId: string, region: string): ImageRec[] {
    const out = new Map<string, ImageRec>();
    for (const r of this.ownedBy(accountId, region)) out.set(r.imageId, r);
    for (const r of this.publicImages.get(region) ?? []) out.set(r.imageId, r);
    for (const r of this.userShared.get(key(accountId, region)) ?? []) out.set(r.imageId, r);
    for (const r of this.orgShared.get(region) ?? []) if (!out.has(r.imageId) && this.canSee(r, accountId)) out.set(r.imageId, r);
    return [...out.values()].sort(byId);
  }

  publicImagesIn(region: string): ImageRec[] {
    return [...(this.publicImages.get(region) ?? [])].sort(byId);
  }

  /** Whether a deregistered image is still referenced by an instance (EC2 then answers with empty results). */
  isReferenced(imageId: string): boolean {
    return (this.liveReferences.get(imageId) ?? 0) > 0;
  }

  // ---- Allowed AMIs ---------------------------------------------------------------------------------------

  regionSettings(accountId: string, region: string): RegionSettingsRec {
    let s = this.settings.get(key(accountId, region));
    if (!s) {
      const d = this.fixture.defaultRegionSettings;
      s = {
        imageBlockPublicAccess: d?.imageBlockPublicAccess ?? 'block-new-sharing',
        imageBlockPublicAccessManagedBy: d?.imageBlockPublicAccessManagedBy ?? 'account',
        allowedImages: d?.allowedImages ? structuredClone(d.allowedImages) : { state: 'disabled' },
        managedResourceVisibility: d?.managedResourceVisibility ?? 'hidden',
      };
      this.settings.set(key(accountId, region), s);
    }
    return s;
  }

  /**
   * EC2's `imageAllowed` for an image seen from an account x region: true when the account owns it (Allowed AMIs
   * never restricts an account's own AMIs), when Allowed AMIs is disabled (no criteria apply), or when the image
   * matches at least one criterion (every condition of that criterion must hold).
   */
  imageAllowed(img: ImageSnapshot & { productCodes?: string[] }, accountId: string, region: string, now = Date.now()): boolean {
    if (img.ownerId === accountId) return true;
    const settings = this.regionSettings(accountId, region).allowedImages;
    if (settings.state === 'disabled') return true;
    return (settings.criteria ?? []).some((c) => matchesCriterion(img, c, now));
  }

  // ---- instances -----------------------------------------------------------------------------------------

  private addInstance(inst: FixtureInstance): void {
    const img = this.images.get(inst.imageId);
    const h = hash32(inst.instanceId);
    const rec: InstanceRec = {
      instanceId: inst.instanceId,
      accountId: inst.accountId,
      region: inst.region,
      imageId: inst.imageId,
      instanceType: inst.instanceType ?? 't3.medium',
      state: inst.state ?? 'running',
      launchTime: inst.launchTime ?? '2026-01-15T08:00:00.000Z',
      tags: new Map(Object.entries(inst.tags ?? {})),
      reservationId: inst.reservationId ?? `r-${inst.instanceId.slice(2)}`,
      availabilityZone: inst.availabilityZone ?? `${inst.region}${'abc'[h % 3]}`,
      imageSnapshot: img
        ? {
            imageId: img.imageId,
            name: img.name,
            ownerId: img.ownerId,
            ...(img.ownerAlias ? { ownerAlias: img.ownerAlias } : {}),
            creationDate: img.creationDate,
            ...(img.deprecationTime ? { deprecationTime: img.deprecationTime } : {}),
          }
        : { imageId: inst.imageId },
      ...(img?.platform ? { platform: img.platform } : {}),
      architecture: img?.architecture ?? 'x86_64',
      ...(inst.operator ? { operator: { principal: inst.operator.principal } } : {}),
    };
    this.instancesById.set(rec.instanceId, rec);
    push(this.instancesByAccountRegion, key(rec.accountId, rec.region), rec);
    if (rec.state !== 'terminated') this.liveReferences.set(rec.imageId, (this.liveReferences.get(rec.imageId) ?? 0) + 1);
  }

  instances(accountId: string, region: string): InstanceRec[] {
    return this.instancesByAccountRegion.get(key(accountId, region)) ?? [];
  }

  // ---- launch templates ------------------------------------------------------------------------------------

  launchTemplates(accountId: string, region: string): LaunchTemplateRec[] {
    return this.templates.get(key(accountId, region)) ?? [];
  }

  // ---- Auto Scaling groups, launch configurations, fleets ---------------------------------------------------

  autoScalingGroups(accountId: string, region: string): FixtureAutoScalingGroup[] {
    return [...(this.groups.get(key(accountId, region)) ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  launchConfigurations(accountId: string, region: string): FixtureLaunchConfiguration[] {
    return [...(this.launchConfigs.get(key(accountId, region)) ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  fleets(accountId: string, region: string, kind: FixtureFleet['kind']): FixtureFleet[] {
    return (this.fleetRecs.get(key(accountId, region)) ?? []).filter((f) => f.kind === kind).sort((a, b) => (a.fleetId < b.fleetId ? -1 : 1));
  }

  /** SSM parameters and Image Builder recipes of the account x region that name an AMI (DescribeImageReferences). */
  otherImageReferences(accountId: string, region: string): FixtureImageReference[] {
    return this.otherReferences.get(key(accountId, region)) ?? [];
  }
}

/** `*` and `?` wildcards, as Allowed AMIs' imageNames and EC2 filters use them. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function matchesCriterion(img: ImageSnapshot & { productCodes?: string[] }, c: ImageCriterionRec, now: number): boolean {
  if (c.imageProviders && c.imageProviders.length > 0) {
    const ok = c.imageProviders.some((p) => p === img.ownerId || (img.ownerAlias !== undefined && p === img.ownerAlias));
    if (!ok) return false;
  }
  if (c.imageNames && c.imageNames.length > 0) {
    if (img.name === undefined || !c.imageNames.some((g) => globToRegExp(g).test(img.name!))) return false;
  }
  if (c.marketplaceProductCodes && c.marketplaceProductCodes.length > 0) {
    if (!(img.productCodes ?? []).some((p) => c.marketplaceProductCodes!.includes(p))) return false;
  }
  const maxCreated = c.creationDateCondition?.maximumDaysSinceCreated;
  if (maxCreated !== undefined) {
    if (!img.creationDate || (now - Date.parse(img.creationDate)) / DAY_MS > maxCreated) return false;
  }
  const maxDeprecated = c.deprecationTimeCondition?.maximumDaysSinceDeprecated;
  if (maxDeprecated !== undefined && img.deprecationTime) {
    const since = (now - Date.parse(img.deprecationTime)) / DAY_MS;
    if (since > maxDeprecated) return false;
  }
  return true;
}
