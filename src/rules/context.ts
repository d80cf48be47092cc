/**
 * Look-ups over an inventory, built once per evaluation, and the judgements several rules share:
 * which instances count, what an instance's image is, whether its owner is approved and which
 * enforcement layer would stop it.
 */
import type {
  AccountRecord,
  CoverageEntry,
  Image,
  ImageReference,
  Instance,
  Inventory,
  RegionSettings,
} from '../model/inventory.js';
import { judgeProvider, type ProviderVerdict, type ResolvedAllowlist } from '../config/allowlist.js';
import type { Finding } from '../model/findings.js';
import { tagRecord, tagValue } from '../util/tags.js';

const key = (a: string, b: string) => `${a}|${b}`;

export interface InventoryIndex {
  image(region: string, imageId: string): Image | undefined;
  account(accountId: string): AccountRecord | undefined;
  accountName(accountId: string): string | undefined;
  coverage(accountId: string, region: string): CoverageEntry | undefined;
  regionSettings(accountId: string, region: string): RegionSettings | undefined;
  /** Non-terminated instances: the only ones rules judge. */
  liveInstances: Instance[];
  /** Account x region pairs whose collection succeeded, plus those that carry settings without a coverage entry. */
  judgeableRegions: { accountId: string; region: string }[];
  /** Account ids the inventory knows (the scanned organization). */
  accountIds: Set<string>;
  organizationId?: string;
}

/** An instance counts while it can run again: pending, running, stopping, stopped. */
export function isLiveInstance(i: Instance): boolean {
  return i.state !== 'terminated' && i.state !== 'shutting-down';
}

export function buildIndex(inv: Inventory): InventoryIndex {
  const images = new Map<string, Image>();
  for (const img of inv.images) {
    const k = key(img.region, img.imageId);
    const prev = images.get(k);
    // Prefer the owner's own listing (it carries tags) over a record resolved by reference.
    if (!prev || (prev.seenVia !== 'owner' && img.seenVia === 'owner') || (!prev.found && img.found)) images.set(k, img);
  }
  const accounts = new Map(inv.accounts.map((a) => [a.accountId, a]));
  const coverage = new Map(inv.coverage.map((c) => [key(c.accountId, c.region), c]));
  const settings = new Map(inv.regionSettings.map((s) => [key(s.accountId, s.region), s]));

  const judgeable = new Map<string, { accountId: string; region: string }>();
  for (const c of inv.coverage) if (c.status === 'ok') judgeable.set(key(c.accountId, c.region), { accountId: c.accountId, region: c.region });
  for (const s of inv.regionSettings) {
    const k = key(s.accountId, s.region);
    if (!coverage.has(k)) judgeable.set(k, { accountId: s.accountId, region: s.region });
  }
  return {
    image: (region, imageId) => images.get(key(region, imageId)),
    account: (id) => accounts.get(id),
    accountName: (id) => accounts.get(id)?.name,
    coverage: (a, r) => coverage.get(key(a, r)),
    regionSettings: (a, r) => settings.get(key(a, r)),
    liveInstances: inv.instances.filter(isLiveInstance),
    judgeableRegions: [...judgeable.values()].sort((x, y) => key(x.accountId, x.region).localeCompare(key(y.accountId, y.region))),
    accountIds: new Set(inv.accounts.map((a) => a.accountId)),
    organizationId: inv.run.organization?.id,
  };
}

/** 'ok': identified and launchable; 'unavailable': identified but deregistered/disabled/gone; 'unknown': owner unknown. */
export type ImageAvailability = 'ok' | 'unavailable' | 'unknown';

export interface ResolvedImage {
  imageId: string;
  record?: Image;
  ownerId?: string;
  ownerAlias?: string;
  name?: string;
  state?: string;
  availability: ImageAvailability;
  /** Why it is unavailable or unknown, in words. */
  availabilityReason?: string;
  /** The image's tags are known (seen from the owner's own listing). */
  tagsVisible: boolean;
  tags: Record<string, string>;
}

const GONE_STATES = new Set(['deregistered', 'disabled', 'failed', 'error', 'invalid']);

function availabilityOf(
  ownerId: string | undefined,
  ownerAlias: string | undefined,
  state: string | undefined,
  record: Image | undefined,
  identified: boolean,
): { availability: ImageAvailability; reason?: string } {
  if (!identified || (!ownerId && !ownerAlias)) {
    return {
      availability: 'unknown',
      reason: record?.notFoundReason ?? 'the image could not be found or identified (deregistered, or no longer shared with this account)',
    };
  }
  if (state && GONE_STATES.has(state)) return { availability: 'unavailable', reason: `the image is ${state}` };
  if (record && !record.found) {
    return { availability: 'unavailable', reason: record.notFoundReason ?? 'the image can no longer be described (deregistered or no longer shared)' };
  }
  return { availability: 'ok' };
}

/** What the inventory knows of the image an instance was launched from. */
export function resolveInstanceImage(index: InventoryIndex, inst: Instance): ResolvedImage {
  const ref = inst.image;
  const record = index.image(inst.region, ref.imageId);
  const ownerId = ref.ownerId ?? record?.ownerId;
  const ownerAlias = ref.ownerAlias ?? record?.ownerAlias;
  const state = ref.state ?? record?.state;
  const identified = ref.source !== 'unknown' || (record?.found ?? false);
  const { availability, reason } = availabilityOf(ownerId, ownerAlias, state, record, identified);
  const tagsVisible = Boolean(record?.found && record.tagsVisible);
  return {
    imageId: ref.imageId,
    record,
    ownerId,
    ownerAlias,
    name: ref.name ?? record?.name,
    state,
    availability,
    availabilityReason: reason,
    tagsVisible,
    tags: tagsVisible && record ? record.tags : {},
  };
}

/** What the inventory knows of an image referenced by id from a launch template (no instance metadata). */
export function resolveImageById(index: InventoryIndex, region: string, imageId: string): ResolvedImage | undefined {
  const record = index.image(region, imageId);
  if (!record) return undefined;
  const { availability, reason } = availabilityOf(record.ownerId, record.ownerAlias, record.state, record, record.found);
  const tagsVisible = record.found && record.tagsVisible;
  return {
    imageId,
    record,
    ownerId: record.ownerId,
    ownerAlias: record.ownerAlias,
    name: record.name,
    state: record.state,
    availability,
    availabilityReason: reason,
    tagsVisible,
    tags: tagsVisible ? record.tags : {},
  };
}

export type BlockedBy = NonNullable<Finding['blockedBy']>;

/**
 * Which layer stops a launch of this image from `accountId` once enforcement is on.
 * Allowed AMIs (the declarative policy) never restricts AMIs the launching account owns itself, so a
 * self-owned unapproved AMI is stopped only by the SCP (its ec2:Owner condition covers every owner,
 * the account itself included); an unapproved AMI from any other owner is stopped by both.
 */
export function blockedByFor(accountId: string, ownerId: string | undefined, verdict: ProviderVerdict): BlockedBy {
  if (verdict.approved) return 'none';
  return ownerId !== undefined && ownerId === accountId ? 'scp' : 'both';
}

export function describeBlockedBy(b: BlockedBy): string {
  switch (b) {
    case 'both':
      return 'blocked by: both (the declarative policy and the SCP)';
    case 'scp':
      return 'blocked by: SCP only (Allowed AMIs never restricts an account\'s own AMIs)';
    case 'declarative-policy':
      return 'blocked by: declarative policy';
    case 'none':
      return 'not blocked';
  }
}

export function judgeImageOwner(allowlist: ResolvedAllowlist, img: { ownerId?: string; ownerAlias?: string }): ProviderVerdict {
  return judgeProvider(allowlist, img.ownerId, img.ownerAlias);
}

/** "owner 123456789012 (alias)" style text for messages. */
export function ownerText(img: { ownerId?: string; ownerAlias?: string }): string {
  if (img.ownerId && img.ownerAlias) return `${img.ownerId} (${img.ownerAlias})`;
  return img.ownerId ?? img.ownerAlias ?? 'an unknown owner';
}

/** "ami-123 (name)" */
export function imageText(img: { imageId: string; name?: string }): string {
  return img.name ? `${img.imageId} (${JSON.stringify(img.name)})` : img.imageId;
}

export function instanceText(inst: Instance): string {
  const name = tagValue(inst.tags, 'Name');
  return name ? `${inst.instanceId} (${JSON.stringify(name)})` : inst.instanceId;
}

/** The tags that matter on an instance finding: Name, and the production tag. */
export function instanceTags(inst: Instance, allowlist: ResolvedAllowlist): Record<string, string> {
  return tagRecord(
    [...new Set(['Name', allowlist.production.instanceTag.key])].flatMap((k) => {
      const v = tagValue(inst.tags, k);
      return v !== undefined ? [[k, v] as const] : [];
    }),
  );
}

/** Common instance/image fields of an instance finding. */
export function instanceFindingBase(inst: Instance, img: ResolvedImage, allowlist: ResolvedAllowlist) {
  return {
    accountId: inst.accountId,
    region: inst.region,
    resourceType: 'instance' as const,
    resourceId: inst.instanceId,
    imageId: img.imageId,
    ...(img.name !== undefined ? { imageName: img.name } : {}),
    ...(img.ownerId !== undefined ? { imageOwnerId: img.ownerId } : {}),
    ...(img.ownerAlias !== undefined ? { imageOwnerAlias: img.ownerAlias } : {}),
    tags: instanceTags(inst, allowlist),
  };
}

/** The resource fields of a finding about an owned image (public-ami, ami-in-workload-account). */
export function imageFindingBase(img: Image, owner: string) {
  return {
    accountId: owner,
    region: img.region,
    resourceType: 'image' as const,
    resourceId: img.imageId,
    imageId: img.imageId,
    ...(img.name !== undefined ? { imageName: img.name } : {}),
    imageOwnerId: owner,
    ...(img.ownerAlias !== undefined ? { imageOwnerAlias: img.ownerAlias } : {}),
  };
}

export function instanceDetails(inst: Instance): Record<string, string | number | boolean | null> {
  const d: Record<string, string | number | boolean | null> = { instanceState: inst.state };
  if (inst.instanceType) d['instanceType'] = inst.instanceType;
  if (inst.launchTime) d['launchTime'] = inst.launchTime;
  if (inst.image.imageAllowed !== undefined) d['ec2ImageAllowed'] = inst.image.imageAllowed;
  return d;
}

/** Why an instance counts as production, or undefined. Tag match is exact and case-sensitive (as IAM's StringEquals). */
export function productionReason(inst: Instance, index: InventoryIndex, allowlist: ResolvedAllowlist): string | undefined {
  const { instanceTag, accountIds, ouIds } = allowlist.production;
  const v = tagValue(inst.tags, instanceTag.key);
  if (v !== undefined && instanceTag.values.includes(v)) return `instance tag ${instanceTag.key}=${v}`;
  if (accountIds.includes(inst.accountId)) return 'account configured as production';
  const acct = index.account(inst.accountId);
  const ou = acct?.ouIds.find((id) => ouIds.includes(id));
  if (ou) return `account in production OU ${ou}`;
  return undefined;
}

/** The image references of a launch template worth judging: default and latest, deduplicated. */
export function launchTemplateVersions(lt: {
  defaultVersion?: { versionNumber: number; image: ImageReference };
  latestVersion?: { versionNumber: number; image: ImageReference };
}): { label: string; versionNumber: number; image: ImageReference }[] {
  const out: { label: string; versionNumber: number; image: ImageReference }[] = [];
  if (lt.defaultVersion) out.push({ label: 'default', ...lt.defaultVersion });
  if (lt.latestVersion) {
    if (lt.defaultVersion && lt.defaultVersion.versionNumber === lt.latestVersion.versionNumber) {
      out[0]!.label = 'default and latest';
    } else out.push({ label: 'latest', ...lt.latestVersion });
  }
  return out;
}
