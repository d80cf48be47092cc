/**
 * The inventory: everything `amigov scan` gathers, and the contract between the scanner and the rules.
 * Written to `inventory.json` (see docs/inventory-schema.md). Bump INVENTORY_SCHEMA_VERSION on any
 * incompatible change and keep the reader of older versions working or failing with a clear message.
 */
import type { ResolvedAllowlist } from '../config/allowlist.js';

export const INVENTORY_SCHEMA_VERSION = 1 as const;

/** 12-digit AWS account id, as a string (leading zeros are significant). */
export type AccountId = string;
export type Region = string;

export interface RunMeta {
  /** e.g. 2026-11-23T10-15-00Z-3f9c: sortable, unique, used in the run folder name and the STS session name. */
  runId: string;
  toolVersion: string;
  startedAt: string; // ISO 8601
  finishedAt: string; // ISO 8601
  /** The date the allowlist was resolved for (YYYY-MM-DD, UTC). */
  asOf: string;
  /** Path of the config the run used, as given. */
  configPath: string;
  /** What the user asked for: flags after defaults, with secrets removed. */
  parameters: Record<string, unknown>;
  caller?: { accountId: AccountId; arn: string };
  organization?: { id: string; managementAccountId: AccountId } | null;
  /** Endpoint override in effect, when not real AWS. */
  endpoint?: string | null;
  /** Region used for STS, Organizations and DescribeRegions calls (scan). */
  homeRegion?: string;
  /**
   * Ids of the collectors whose data the scan gathered (src/scan/collectors; rules' meta.reads name them). A
   * targeted scan (`scan --rules`) lists fewer. Absent in inventories of older versions: every collector ran
   * (launch-permissions only with --deep).
   */
  collectors?: string[];
  /** true when the run was interrupted (SIGINT): coverage marks what was not scanned (errorCode "Interrupted"). */
  interrupted?: boolean;
}

export interface AccountRecord {
  accountId: AccountId;
  name: string;
  email?: string;
  status?: string; // ACTIVE, SUSPENDED, PENDING_CLOSURE (only ACTIVE ones are scanned)
  /** Names of the OUs from the root down, e.g. ["Root", "Workloads", "Prod"]. */
  ouPath: string[];
  /** Ids of the OUs from the root down, e.g. ["r-ab12", "ou-ab12-11111111"]. */
  ouIds: string[];
  /** How the account was reached. */
  access: 'assumed-role' | 'caller' | 'none';
  /** Set when AssumeRole failed: the whole account is then access-denied or error in coverage. */
  accessError?: { code: string; message: string };
  /**
   * The account's tags in AWS Organizations (ListTagsForResource), read when the config names owner tag keys
   * (owners.tag_keys). Absent when not read or when reading them failed (then tagsError says why).
   */
  tags?: Record<string, string>;
  /** Why the account's tags could not be read (e.g. AccessDeniedException): its owner is unknown, nothing else is lost. */
  tagsError?: { code: string; message: string };
}

export type CoverageStatus = 'ok' | 'skipped' | 'access-denied' | 'error';

export interface CoverageEntry {
  accountId: AccountId;
  region: Region;
  status: CoverageStatus;
  /** Why skipped / denied / failed, in words a person can act on. */
  reason?: string;
  errorCode?: string;
  /** Which path listed the instances' images. */
  instancePath?: 'instance-image-metadata' | 'describe-instances';
  /** Optional collectors that degraded (unsupported API, denied): name -> reason. Never costs the rest. */
  degraded?: Record<string, string>;
  durationMs?: number;
  apiCalls?: number;
}

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'stopping' | 'stopped' | 'terminated' | string;

/** What the scanner knows of the image an instance was launched from. */
export interface InstanceImageRef {
  imageId: string;
  /** Where this came from; 'unknown' when the image could not be found or identified at all. */
  source: 'instance-image-metadata' | 'describe-images' | 'unknown';
  name?: string;
  ownerId?: AccountId;
  /** amazon, aws-marketplace, aws-backup-vault, or an account alias */
  ownerAlias?: string;
  /** available, deregistered, disabled, ... */
  state?: string;
  creationDate?: string;
  deprecationTime?: string;
  /** EC2 Allowed AMIs verdict, where the endpoint computes it. */
  imageAllowed?: boolean;
  isPublic?: boolean;
}

export interface Instance {
  accountId: AccountId;
  region: Region;
  instanceId: string;
  instanceType?: string;
  state: InstanceState;
  launchTime?: string;
  tags: Record<string, string>;
  image: InstanceImageRef;
  /**
   * Present for a managed instance (Instance.Operator / InstanceImageMetadata.Operator, OperatorResponse):
   * "managed: If true, the resource is managed by a service provider."; "principal: [...] The principal is the
   * service provider that manages the resource."; "hiddenByDefault: If true, the resource is hidden by default
   * based on the managed resource visibility settings for the account." Judged like any other instance.
   */
  operator?: InstanceOperator;
}

export interface InstanceOperator {
  managed: boolean;
  principal?: string;
  hiddenByDefault?: boolean;
}

export interface Image {
  region: Region;
  imageId: string;
  ownerId?: AccountId;
  ownerAlias?: string;
  name?: string;
  description?: string;
  creationDate?: string;
  deprecationTime?: string;
  state?: string; // available, pending, failed, deregistered, disabled, ...
  public?: boolean;
  /** The image's tags, as its owner sees them. Only meaningful when tagsVisible. */
  tags: Record<string, string>;
  /**
   * AMI tags are visible only to the owner account. true when this record comes from the owner's own
   * listing (the owner is a scanned account), false when it was seen from another account.
   */
  tagsVisible: boolean;
  /**
   * The other view of the image's tags: each launching account's own tags on it (account id -> tags), from
   * DescribeImages by id in that account, for the accounts whose instances use the image and do not own it
   * (collector `launching-account-image-tags`). EC2 User Guide (tagging): "When you tag public or shared
   * resources, the tags you assign are available only to your AWS account; no other AWS account will have
   * access to those tags." These are the tags an `ec2:ResourceTag` condition can see in that account.
   * An account is absent when its lookup was not made (older inventory), failed (coverage `degraded`), or
   * did not return the image; present with `{}` when it returned the image without tags.
   */
  accountTags?: Record<AccountId, Record<string, string>>;
  /** 'owner': listed with Owners=self in its owner account; 'reference': resolved by id from a referencing account. */
  seenVia: 'owner' | 'reference';
  /** The scanned account whose credentials listed it. */
  seenFromAccountId: AccountId;
  imageAllowed?: boolean;
  /**
   * Marketplace product code ids (DescribeImages ProductCodes[].ProductCodeId); [] when it described none.
   * Absent in inventories written before amigov recorded it: criteria with product codes then cannot be judged.
   */
  productCodes?: string[];
  /** DescribeImages SourceImageId: "The ID of the source AMI from which the AMI was created." (CopyImage provenance) */
  sourceImageId?: string;
  /** DescribeImages SourceImageRegion: "The Region of the source AMI." */
  sourceImageRegion?: string;
  /**
   * DescribeImages LastLaunchedTime: "when the AMI was last used to launch an EC2 instance. When the AMI is used to
   * launch an instance, there is a 24-hour delay before that usage is reported." (evidence of an unused AMI)
   */
  lastLaunchedTime?: string;
  /** DescribeImages DeregistrationProtection: "Indicates whether deregistration protection is enabled for the AMI." */
  deregistrationProtection?: string;
  snapshotIds?: string[];
  platform?: string;
  /** Launch permissions (accounts, org/OU ARNs, groups) when collected (`--deep`), for owned images only. */
  launchPermissions?: { userIds: AccountId[]; groups: string[]; organizationArns: string[]; organizationalUnitArns: string[] };
  /** false when the image id was referenced but could not be described (AWS said it is gone, or the lookup failed). */
  found: boolean;
  /** When found is false, why, in words. */
  notFoundReason?: string;
  /**
   * How the record's lookup ended (absent in inventories written before it existed: read it with
   * imageLookup() in src/rules/context.ts, which infers it from notFoundReason).
   * - 'found': AWS described the image.
   * - 'not-found': AWS's own answer says the image does not exist or cannot be used from the describing
   *   account: InvalidAMIID.NotFound / .Unavailable / .Malformed (code in lookupError), or DescribeImages
   *   by id returned no image (no lookupError: AWS's documented answer for a recently deregistered image,
   *   and for an image Allowed AMIs does not allow when it is enabled).
   * - 'failed': the lookup itself failed (5xx, throttling, timeout, denied, network) or the scan was
   *   interrupted before or while looking it up (code "Interrupted"): AWS said nothing about the image.
   */
  lookup?: ImageLookup;
  /** The AWS error of a not-found or failed lookup ({ code: "Interrupted" } when the scan was interrupted). */
  lookupError?: { code: string; message: string };
}

export type ImageLookup = 'found' | 'not-found' | 'failed';

export type ImageReference =
  | { kind: 'ami'; imageId: string }
  | {
      kind: 'ssm';
      /** The Systems Manager parameter after `resolve:ssm:` (as the launch template stores it). */
      parameter: string;
      /**
       * The AMI id the parameter resolved to when the scan asked (DescribeLaunchTemplateVersions ResolveAlias:
       * "If true, and if a Systems Manager parameter is specified for ImageId, the AMI ID is displayed in the
       * response for imageId."). Absent when it was not resolved (see resolutionError) or not asked.
       */
      resolvedImageId?: string;
      /** Why the parameter could not be resolved (AWS's error, or the unresolved answer), in words. */
      resolutionError?: string;
    }
  | { kind: 'none' };

export interface LaunchTemplateVersionRef {
  versionNumber: number;
  image: ImageReference;
}

export interface LaunchTemplate {
  accountId: AccountId;
  region: Region;
  launchTemplateId: string;
  launchTemplateName: string;
  defaultVersion?: LaunchTemplateVersionRef;
  latestVersion?: LaunchTemplateVersionRef;
}

/**
 * A launch template as a launch path names it. `version` is "$Latest", "$Default" or a version number; absent
 * means $Default (Auto Scaling LaunchTemplateSpecification: "The default value is $Default.").
 */
export interface LaunchTemplateSpec {
  launchTemplateId?: string;
  launchTemplateName?: string;
  version?: string;
}

/**
 * An Auto Scaling group (DescribeAutoScalingGroups): what it launches on scale-out, instance refresh and
 * when it replaces an unhealthy instance. EKS managed node groups appear as their groups (labelled from tags).
 */
export interface AutoScalingGroup {
  accountId: AccountId;
  region: Region;
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Instances currently in the group (InService, Pending, ...). */
  instanceIds: string[];
  /** e.g. "Delete in progress" while the group is being deleted. */
  status?: string;
  tags: Record<string, string>;
  launchTemplate?: LaunchTemplateSpec;
  launchConfigurationName?: string;
  mixedInstancesPolicy?: GroupMixedInstancesPolicy;
  /**
   * The group's instances counted by their Auto Scaling LifecycleState ("InService": 2, "Pending": 1), from
   * DescribeAutoScalingGroups Instances. Absent in inventories written before it was recorded.
   */
  lifecycleStates?: Record<string, number>;
  /**
   * The group's instance refreshes that are not finished (DescribeInstanceRefreshes; statuses other than Successful,
   * Failed, Cancelled, RollbackFailed, RollbackSuccessful). Absent when the scan did not ask (it asks only in the
   * account x regions where DescribeImageReferences is asked, see collectors/instance-refreshes.ts); [] when none.
   */
  instanceRefreshes?: InstanceRefresh[];
}

export interface GroupMixedInstancesPolicy {
  launchTemplate: LaunchTemplateSpec;
  /** Overrides; one that names its own launch template launches that one for its instance type. */
  overrides: { instanceType?: string; launchTemplate?: LaunchTemplateSpec }[];
}

/** An instance refresh of an Auto Scaling group (DescribeInstanceRefreshes), as far as amigov reads it. */
export interface InstanceRefresh {
  instanceRefreshId: string;
  /** Pending | InProgress | Baking | Cancelling | RollbackInProgress (the unfinished statuses AWS documents) */
  status: string;
  statusReason?: string;
  percentageComplete?: number;
  instancesToUpdate?: number;
  /** ISO 8601 */
  startTime?: string;
  /** The refresh's DesiredConfiguration: the launch template (or mixed instances policy) it replaces instances with. */
  desiredConfiguration?: { launchTemplate?: LaunchTemplateSpec; mixedInstancesPolicy?: GroupMixedInstancesPolicy };
}

/** A legacy launch configuration used by an Auto Scaling group (DescribeLaunchConfigurations): its ImageId. */
export interface LaunchConfiguration {
  accountId: AccountId;
  region: Region;
  name: string;
  image: ImageReference;
}

/** An EC2 Fleet (DescribeFleets) or a Spot Fleet request (DescribeSpotFleetRequests) that can still launch. */
export interface Fleet {
  accountId: AccountId;
  region: Region;
  kind: 'ec2-fleet' | 'spot-fleet';
  fleetId: string;
  /** fleetState / spotFleetRequestState, e.g. active, submitted, modifying. */
  state: string;
  /** maintain, request or instant. */
  type?: string;
  targetCapacity?: number;
  tags: Record<string, string>;
  /** Launch template configs; an override's ImageId (EC2 Fleet only) replaces the template's. */
  launchTemplateConfigs: { launchTemplate: LaunchTemplateSpec; overrides: { instanceType?: string; image?: ImageReference }[] }[];
  /** Spot Fleet launch specifications (no launch template): their ImageId. */
  launchSpecifications: { instanceType?: string; image: ImageReference }[];
}

/** A launch template version a launch path pins by number (not the template's default or latest). */
export interface PinnedLaunchTemplateVersion {
  accountId: AccountId;
  region: Region;
  launchTemplateId: string;
  versionNumber: number;
  image: ImageReference;
}

/** One DescribeImageReferences answer (ImageReference: ImageId, ResourceType, Arn) for an account x region. */
export interface ExternalImageReference {
  accountId: AccountId;
  region: Region;
  imageId: string;
  /** As AWS names it: ssm:Parameter, imagebuilder:ImageRecipe, imagebuilder:ContainerRecipe (or a type AWS adds). */
  resourceType: string;
  /** "The Amazon Resource Name (ARN) of the resource referencing the image." */
  arn: string;
}

/**
 * An AMI that is an AWS Backup recovery point (issue #12), from ListRecoveryPointsByBackupVault (resourceType EC2) in
 * the account x region that holds the vault. AWS Backup Developer Guide, "Working with backups": for an EC2 instance
 * the recovery point is an image ("image/ami-0ecdf967356c809c7"); "The unique ID is at the end of the recovery
 * point's Amazon Resource Name (ARN)."
 */
export interface BackupRecoveryPoint {
  accountId: AccountId;
  region: Region;
  /** The ami- id at the end of the recovery point's ARN. */
  imageId: string;
  recoveryPointArn: string;
  backupVaultName: string;
  /** As AWS answers it: COMPLETED | PARTIAL | DELETING | EXPIRED | AVAILABLE | STOPPED | CREATING. */
  status?: string;
  /** ISO 8601. */
  creationDate?: string;
  /** The protected resource (the instance the backup is of). */
  resourceArn?: string;
}

export type ImageBlockPublicAccessState = 'block-new-sharing' | 'unblocked' | 'unknown';
export type AllowedImagesState = 'enabled' | 'audit-mode' | 'disabled' | 'unknown';

export interface ImageCriterion {
  imageProviders?: string[];
  imageNames?: string[];
  marketplaceProductCodes?: string[];
  creationDateCondition?: { maximumDaysSinceCreated?: number };
  deprecationTimeCondition?: { maximumDaysSinceDeprecated?: number };
}

export interface RegionSettings {
  accountId: AccountId;
  region: Region;
  imageBlockPublicAccess: { state: ImageBlockPublicAccessState; managedBy?: string; reason?: string };
  allowedImages: {
    state: AllowedImagesState;
    criteria?: ImageCriterion[];
    /** 'account' or 'declarative-policy' */
    managedBy?: string;
    reason?: string;
  };
  /**
   * GetManagedResourceVisibility DefaultVisibility: "A value of hidden indicates that managed resources are not
   * included in Describe operation responses by default. A value of visible indicates that managed resources are
   * included by default." Absent in inventories written before it was collected.
   */
  managedResourceVisibility?: { state: ManagedResourceVisibilityState; reason?: string };
}

export type ManagedResourceVisibilityState = 'hidden' | 'visible' | 'unknown';

export interface ScanStats {
  durationMs: number;
  apiCalls: Record<string, number>; // by action, e.g. "ec2:DescribeInstances"
  apiCallsTotal: number;
  retries: number;
  throttled: number;
  accountsTotal: number;
  accountRegionsTotal: number;
  /** HTTP attempts, retries included (scan). */
  attempts?: number;
  /** Calls that still failed after their retries (scan). */
  failedCalls?: number;
}

export interface Inventory {
  schemaVersion: typeof INVENTORY_SCHEMA_VERSION;
  kind: 'amigov.inventory';
  run: RunMeta;
  /** The allowlist the scan was run with (as of run.asOf). `evaluate` may re-resolve it from a newer config. */
  allowlist: ResolvedAllowlist;
  accounts: AccountRecord[];
  coverage: CoverageEntry[];
  instances: Instance[];
  /** Owned images of every scanned account, plus referenced images resolved by id; one record per region x imageId. */
  images: Image[];
  launchTemplates: LaunchTemplate[];
  /** Launch paths beyond instances and templates (absent in inventories written before they were collected). */
  autoScalingGroups?: AutoScalingGroup[];
  launchConfigurations?: LaunchConfiguration[];
  fleets?: Fleet[];
  /** Versions pinned by number by a group or fleet, when not the template's default or latest. */
  launchTemplateVersions?: PinnedLaunchTemplateVersion[];
  /**
   * Resources amigov does not read itself that name an image not from an approved publisher (SSM parameters,
   * Image Builder recipes), as ec2:DescribeImageReferences answers for the account x region (issue #14).
   * Absent when the collector did not run.
   */
  imageReferences?: ExternalImageReference[];
  /** AMIs that are AWS Backup recovery points, per account x region (issue #12). Absent when the collector did not run. */
  backupRecoveryPoints?: BackupRecoveryPoint[];
  regionSettings: RegionSettings[];
  stats: ScanStats;
}
