/**
 * Look-ups over an inventory, built once per evaluation, and the judgements several rules share:
 * which instances count, what an instance's image is, whether its owner is approved and which
 * enforcement layer would stop it.
 */
import type {
  AccountRecord,
  CoverageEntry,
  Image,
  ImageLookup,
  ImageReference,
  Instance,
  Inventory,
  RegionSettings,
} from '../model/inventory.js';
import { criteriaOf, judgeProvider, type ExceptionStatus, type ProviderVerdict, type ResolvedAllowlist } from '../config/allowlist.js';
import { judgeAllowedImages, judgementTime, type CriteriaImage, type CriterionCondition } from './allowed-images.js';
import type { Finding } from '../model/findings.js';
import { tagRecord, tagValue } from '../util/tags.js';

const key = (a: string, b: string) => `${a}|${b}`;
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

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
  /** When the scan started (run.startedAt): the instant AWS computed the ImageAllowed it returned. */
  scanStartedAt?: string;
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
    scanStartedAt: inv.run.startedAt,
  };
}

/**
 * How the lookup of an image record ended. Inventories written before `Image.lookup` existed carry
 * only `found` and the words of `notFoundReason`; the scanner of that time wrote AWS's not-found answer
 * as "InvalidAMIID.NotFound: ...", "InvalidAMIID.Unavailable: ..." or "not returned by DescribeImages
 * ...", and everything else ("could not be described: <code>: ...", "not resolved: scan interrupted")
 * for a lookup that failed. Anything else unknown is read as a failed lookup: never a violation.
 */
export function imageLookup(img: Image): ImageLookup {
  if (img.lookup) return img.lookup;
  if (img.found) return 'found';
  return /^(InvalidAMIID\.(NotFound|Unavailable|Malformed)\b|not returned by DescribeImages\b)/.test(img.notFoundReason ?? '') ? 'not-found' : 'failed';
}

/**
 * - 'ok': identified and launchable.
 * - 'unavailable': AWS says the image is gone or unusable (a deregistered / disabled / failed state, or
 *   DescribeImages' not-found answer) and its owner is known.
 * - 'unknown': the same, with no owner known: its publisher cannot be judged either.
 * - 'unverified': AWS said nothing about the image (its lookup failed, was interrupted, or is not in the
 *   inventory): a rule reports it as cannot-verify, never as a violation.
 */
export type ImageAvailability = 'ok' | 'unavailable' | 'unknown' | 'unverified';

export interface ResolvedImage {
  imageId: string;
  record?: Image;
  ownerId?: string;
  ownerAlias?: string;
  name?: string;
  state?: string;
  creationDate?: string;
  deprecationTime?: string;
  availability: ImageAvailability;
  /** Why it is unavailable, unknown or unverified, in words. */
  availabilityReason?: string;
  /** How the image record's lookup ended (undefined when the inventory has no record). */
  lookup?: ImageLookup;
  /** The error code behind a not-found or failed lookup ("Interrupted" for an interrupted scan). */
  lookupErrorCode?: string;
  /** The image's tags are known (seen from the owner's own listing). */
  tagsVisible: boolean;
  tags: Record<string, string>;
}

/**
 * Image states in which nothing can be launched from the image. ImageMetadata.State (DescribeInstanceImageMetadata)
 * is "The current state of the AMI. If the state is available, the AMI is successfully registered and can
 * be used to launch an instance."; DeregisterImage: "A deregistered AMI can't be used to launch new
 * instances."; DisableImage: "A disabled AMI can't be used for instance launches." failed / error / invalid
 * are states of an image that never became usable.
 */
const GONE_STATES = new Set(['deregistered', 'disabled', 'failed', 'error', 'invalid']);

function availabilityOf(
  owner: { ownerId?: string; ownerAlias?: string },
  state: string | undefined,
  record: Image | undefined,
  /** The instance's own metadata describes the image (DescribeInstanceImageMetadata). */
  described: boolean,
): { availability: ImageAvailability; reason?: string } {
  const ownerKnown = Boolean(owner.ownerId || owner.ownerAlias);
  const gone = (reason: string) => ({ availability: ownerKnown ? ('unavailable' as const) : ('unknown' as const), reason });
  // AWS's own answer, first: the image's state, then DescribeImages saying the id names no usable image.
  if (state && GONE_STATES.has(state)) return gone(`the image is ${state}`);
  const lookup = record ? imageLookup(record) : undefined;
  if (record && lookup === 'not-found') {
    const e = record.lookupError;
    return gone(record.notFoundReason ?? (e ? `DescribeImages answered ${e.code}: ${e.message}` : 'DescribeImages returned no image for this id'));
  }
  if (record && lookup === 'failed') {
    const e = record.lookupError;
    return { availability: 'unverified', reason: record.notFoundReason ?? (e ? `the lookup failed: ${e.code}: ${e.message}` : 'the lookup of the image failed') };
  }
  if (!record && !described) return { availability: 'unverified', reason: 'the scan recorded no lookup of this image' };
  // Found (or described by the instance's metadata), but with no owner: nothing says it is gone.
  if (!ownerKnown) return { availability: 'unverified', reason: 'AWS reported no owner for the image' };
  return { availability: 'ok' };
}

function lookupFields(record: Image | undefined): Pick<ResolvedImage, 'lookup' | 'lookupErrorCode'> {
  if (!record) return {};
  return { lookup: imageLookup(record), ...(record.lookupError ? { lookupErrorCode: record.lookupError.code } : {}) };
}

/** What the inventory knows of the image an instance was launched from. */
export function resolveInstanceImage(index: InventoryIndex, inst: Instance): ResolvedImage {
  const ref = inst.image;
  const record = index.image(inst.region, ref.imageId);
  const ownerId = ref.ownerId ?? record?.ownerId;
  const ownerAlias = ref.ownerAlias ?? record?.ownerAlias;
  const state = ref.state ?? record?.state;
  const { availability, reason } = availabilityOf({ ownerId, ownerAlias }, state, record, ref.source === 'instance-image-metadata');
  const tagsVisible = Boolean(record?.found && record.tagsVisible);
  return {
    imageId: ref.imageId,
    record,
    ownerId,
    ownerAlias,
    name: ref.name ?? record?.name,
    state,
    ...defined({ creationDate: ref.creationDate ?? record?.creationDate, deprecationTime: ref.creationDate !== undefined ? ref.deprecationTime : record?.deprecationTime }),
    availability,
    availabilityReason: reason,
    ...lookupFields(record),
    tagsVisible,
    tags: tagsVisible && record ? record.tags : {},
  };
}

/** What the inventory knows of an image referenced by id from a launch template (no instance metadata). */
export function resolveImageById(index: InventoryIndex, region: string, imageId: string): ResolvedImage | undefined {
  const record = index.image(region, imageId);
  if (!record) return undefined;
  const { availability, reason } = availabilityOf(record, record.state, record, false);
  const tagsVisible = record.found && record.tagsVisible;
  return {
    imageId,
    record,
    ownerId: record.ownerId,
    ownerAlias: record.ownerAlias,
    name: record.name,
    state: record.state,
    ...defined({ creationDate: record.creationDate, deprecationTime: record.deprecationTime }),
    availability,
    availabilityReason: reason,
    ...lookupFields(record),
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

/** The owner alone against the allowlist (the SCP's ec2:Owner question; exceptions' expiry). See judgeImage for the full verdict. */
export function judgeImageOwner(allowlist: ResolvedAllowlist, img: { ownerId?: string; ownerAlias?: string }): ProviderVerdict {
  return judgeProvider(allowlist, img.ownerId, img.ownerAlias);
}

/** What judgeImage reads of an image: a ResolvedImage, or any record with the same fields. */
export type JudgeableImage = CriteriaImage & { record?: Image };

/**
 * Whether enforcement lets `accountId` launch this image, and which layer stops it:
 * - approved: the owner is approved and the image meets the config's Allowed AMIs criteria (or the
 *   account owns it: "The Allowed AMIs feature does not restrict the AMIs owned by your account").
 * - refused because of the owner ('owner'): not in the allowlist, so the SCP's ec2:Owner condition stops it,
 *   and Allowed AMIs too unless the account owns it (blockedByFor); `expired` when its exception expired.
 * - refused because of the criteria ('criteria'): an approved owner, but no criterion allows the image (name,
 *   age, deprecation, product code, or no criterion names the owner): only the declarative policy stops it
 *   (the SCP judges owners only).
 * - unverified: a criterion tests a field the inventory does not have (never a pass, never a violation).
 * Ages are counted at judgementTime(asOf, scan start).
 */
export type ImageJudgement =
  | (ProviderVerdict & { approved: true; unverified?: undefined })
  | {
      approved: false;
      failed: 'owner' | 'criteria';
      expired?: ExceptionStatus;
      blockedBy: Exclude<BlockedBy, 'none'>;
      /** The conditions that failed (criteria) or ['provider'] (owner). */
      conditions: CriterionCondition[];
      /** Why, in words: 'owner 999988887777 is not an approved publisher', 'created 400 days ago, more than the 365 allowed'. */
      reason: string;
      unverified?: undefined;
    }
  | { approved: false; unverified: true; reason: string; expired?: undefined };

/**
 * The fields the criteria test, from what describes the image: its own fields (a ResolvedImage has them from
 * the instance metadata or the record), else its record's. Where a description exists, no DeprecationTime
 * there means the image is not deprecated. Product codes come from DescribeImages (the record) only.
 */
export function criteriaSubject(img: JudgeableImage): CriteriaImage {
  const r = img.record;
  const described = img.creationDate !== undefined ? img : r?.found ? r : img;
  return {
    ownerId: img.ownerId,
    ownerAlias: img.ownerAlias,
    name: img.name ?? r?.name,
    creationDate: described.creationDate,
    deprecationTime: described.deprecationTime,
    productCodes: img.productCodes ?? (r?.found ? r.productCodes : undefined),
  };
}

export function judgeImage(allowlist: ResolvedAllowlist, index: Pick<InventoryIndex, 'scanStartedAt'>, accountId: string, img: JudgeableImage): ImageJudgement {
  const owner = judgeProvider(allowlist, img.ownerId, img.ownerAlias);
  if (!owner.approved) {
    return {
      approved: false,
      failed: 'owner',
      ...(owner.expired ? { expired: owner.expired } : {}),
      blockedBy: blockedByFor(accountId, img.ownerId, owner) as Exclude<BlockedBy, 'none'>,
      conditions: ['provider'],
      reason: owner.expired
        ? `owner ${ownerText(img)}'s exception (ticket ${owner.expired.ticket}) expired on ${owner.expired.expiryDate}`
        : `owner ${ownerText(img)} is not an approved publisher`,
    };
  }
  const subject = criteriaSubject(img);
  const v = judgeAllowedImages(criteriaOf(allowlist), subject, accountId, judgementTime(allowlist.asOf, index.scanStartedAt));
  if (v.verdict === 'allowed') return owner;
  if (v.verdict === 'unknown') return { approved: false, unverified: true, reason: v.text };
  return { approved: false, failed: 'criteria', blockedBy: 'declarative-policy', conditions: [...new Set(v.failures.map((f) => f.condition))], reason: v.text };
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

/** The details every instance finding carries. */
export type InstanceDetails = { instanceState: string; instanceType?: string; launchTime?: string; ec2ImageAllowed?: boolean };

export function instanceDetails(inst: Instance): InstanceDetails {
  const d: InstanceDetails = { instanceState: inst.state };
  if (inst.instanceType) d.instanceType = inst.instanceType;
  if (inst.launchTime) d.launchTime = inst.launchTime;
  if (inst.image.imageAllowed !== undefined) d.ec2ImageAllowed = inst.image.imageAllowed;
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

/**
 * Which verdict decides whether enforcement stops a launch: AWS's own Allowed AMIs verdict where the scan got
 * one (ImageAllowed, returned where Allowed AMIs is audit-mode or enabled; `awsImageAllowed` is relative to
 * the launching account) for the Allowed AMIs layer, with the SCP's owner condition judged from the
 * allowlist; amigov's judgeImage everywhere else. AWS's answer is what enforcement does; where the two differ,
 * image-allowed-disagreement reports it.
 */
export type EnforcementVerdict =
  | { source: 'aws' | 'amigov'; stopped: false; unverified?: undefined }
  | { source: 'aws' | 'amigov'; stopped: true; blockedBy: Exclude<BlockedBy, 'none'>; unverified?: undefined }
  | { source: 'amigov'; stopped: false; unverified: true };

export function enforcementVerdict(
  allowlist: ResolvedAllowlist,
  index: InventoryIndex,
  accountId: string,
  region: string,
  img: JudgeableImage,
  awsImageAllowed: boolean | undefined,
): EnforcementVerdict {
  const state = index.regionSettings(accountId, region)?.allowedImages.state;
  if (awsImageAllowed !== undefined && (state === 'audit-mode' || state === 'enabled')) {
    const scp = !judgeProvider(allowlist, img.ownerId, img.ownerAlias).approved;
    const declarative = !awsImageAllowed;
    if (!scp && !declarative) return { source: 'aws', stopped: false };
    return { source: 'aws', stopped: true, blockedBy: scp && declarative ? 'both' : scp ? 'scp' : 'declarative-policy' };
  }
  const v = judgeImage(allowlist, index, accountId, img);
  if (v.approved) return { source: 'amigov', stopped: false };
  if (v.unverified) return { source: 'amigov', stopped: false, unverified: true };
  return { source: 'amigov', stopped: true, blockedBy: v.blockedBy };
}
