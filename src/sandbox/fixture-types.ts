/**
 * The organization fixture the sandbox is seeded from: a JSON file (`amigov sandbox --fixture`), the bundled demo
 * organization (src/sandbox/fixtures/demo-org.ts) or the output of the synthetic generator.
 * This file is the contract between the sandbox, the scanner's tests and the benchmark.
 */

export interface OrgFixture {
  /** Free text: what this organization is for. */
  description?: string;
  organization: {
    id: string; // o-xxxxxxxxxx
    managementAccountId: string;
    rootId: string; // r-xxxx
    featureSet?: 'ALL' | 'CONSOLIDATED_BILLING';
    /** Policy types ListRoots reports ENABLED on the root (default: SERVICE_CONTROL_POLICY and DECLARATIVE_POLICY_EC2). */
    enabledPolicyTypes?: FixturePolicyType[];
  };
  /** Organization policies (ListPolicies, DescribePolicy, ListTargetsForPolicy). */
  policies?: FixturePolicy[];
  /** Base credentials: whoever holds these is the caller (usually in the management account). */
  caller: { accountId: string; accessKeyId: string; secretAccessKey: string; userName?: string };
  /** All regions the sandbox's DescribeRegions knows, with whether each is opt-in. */
  regions?: { name: string; optIn: boolean }[];
  organizationalUnits: { id: string; name: string; parentId: string }[];
  accounts: FixtureAccount[];
  images: FixtureImage[];
  instances: FixtureInstance[];
  launchTemplates?: FixtureLaunchTemplate[];
  /** Auto Scaling groups (served by DescribeAutoScalingGroups over the Auto Scaling Query API). */
  autoScalingGroups?: FixtureAutoScalingGroup[];
  /** Legacy launch configurations (DescribeLaunchConfigurations). */
  launchConfigurations?: FixtureLaunchConfiguration[];
  /** EC2 Fleets (DescribeFleets) and Spot Fleet requests (DescribeSpotFleetRequests). */
  fleets?: FixtureFleet[];
  /**
   * Systems Manager parameters an account x region holds (name -> value, usually an AMI id): what
   * DescribeLaunchTemplateVersions with ResolveAlias answers for a `resolve:ssm:` image. `name` is matched
   * against the text after `resolve:ssm:` as written (a `:version` or `:label` suffix included).
   */
  ssmParameters?: { accountId: string; region: string; name: string; value: string }[];
  /**
   * Other resources that hold an AMI id, which only DescribeImageReferences reports (amigov does not read them
   * itself): SSM parameters (ssm:Parameter) and Image Builder image and container recipes.
   */
  imageReferences?: FixtureImageReference[];
  /**
   * AWS Backup vaults of an account x region with their EC2 recovery points (AMIs AWS Backup made), served by
   * ListBackupVaults and ListRecoveryPointsByBackupVault. Without it every account x region has no vault.
   */
  backupVaults?: FixtureBackupVault[];
  regionSettings?: FixtureRegionSettings[];
  /**
   * Settings of every account x region not listed in regionSettings (e.g. what a declarative policy at the root
   * enforces). Without it: block public access `block-new-sharing`, Allowed AMIs `disabled`.
   */
  defaultRegionSettings?: Omit<FixtureRegionSettings, 'accountId' | 'region'>;
  /**
   * Extra long-term credentials (IAM users) in any account, including accounts outside the organization
   * (vendors, strangers): lets tests call the sandbox as an image owner. Not listed by Organizations.
   */
  users?: { accountId: string; accessKeyId: string; secretAccessKey: string; userName?: string }[];
  /** The date (YYYY-MM-DD) the expectedFindings below hold for (the demo's `--as-of`). */
  asOf?: string;
  /** Documents the findings a scan of this fixture must produce (the demo's contract with the rules). */
  expectedFindings?: { ruleId: string; accountId: string; region: string; resourceId: string; why: string }[];
}

export interface FixtureAccount {
  id: string; // 12 digits
  name: string;
  email: string;
  /** The OU (ou-...) or root (r-...) the account sits in. */
  parentId: string;
  status?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
  joinedTimestamp?: string;
  /**
   * IAM roles that exist in the account and trust the caller's account for sts:AssumeRole,
   * e.g. [{ name: "OrganizationAccountAccessRole" }]; path defaults to "/".
   */
  roles: {
    name: string;
    path?: string;
    externalId?: string;
    /** Accounts the role's trust policy names; default: the caller's account. */
    trustedAccountIds?: string[];
    /** Seconds, 3600..43200; default 3600 (as IAM's default MaxSessionDuration). */
    maxSessionDuration?: number;
  }[];
  /** Regions where the account may make calls: all non-opt-in regions plus the opt-in ones it enabled. */
  enabledRegions: string[];
  /** The account's tags in Organizations (ListTagsForResource), e.g. { owner: "payments-team" }. */
  tags?: Record<string, string>;
}

export interface FixtureImage {
  imageId: string; // ami-...
  ownerId: string;
  /** amazon, aws-marketplace, aws-backup-vault: set for images owned by AWS itself. */
  ownerAlias?: string;
  region: string;
  name: string;
  description?: string;
  creationDate: string; // ISO 8601
  deprecationTime?: string;
  state?: 'available' | 'pending' | 'failed' | 'deregistered' | 'disabled';
  public?: boolean;
  /** Account ids the image is shared with (launch permission UserId). */
  sharedWith?: string[];
  /** Organization / OU ARNs the image is shared with. */
  sharedWithOrganizationArns?: string[];
  sharedWithOrganizationalUnitArns?: string[];
  /** Tags as the owner set them (visible to the owner only). */
  tags?: Record<string, string>;
  /** Tags other accounts put on the (shared or public) image for themselves: account id -> tags, each visible to that account only. */
  accountTags?: Record<string, Record<string, string>>;
  platform?: 'windows';
  architecture?: string;
  snapshotIds?: string[];
  productCodes?: string[];
  /** DescribeImages sourceImageId / sourceImageRegion: the AMI this one was copied from. */
  sourceImageId?: string;
  sourceImageRegion?: string;
  /** DescribeImages lastLaunchedTime (ISO 8601). */
  lastLaunchedTime?: string;
  /** DescribeImages deregistrationProtection, e.g. "enabled", "disabled", "enabled-with-cooldown". */
  deregistrationProtection?: string;
}

export interface FixtureInstance {
  instanceId: string; // i-...
  accountId: string;
  region: string;
  imageId: string;
  instanceType?: string;
  state?: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  launchTime?: string;
  tags?: Record<string, string>;
  /** Instances launched together share a reservation; default: one reservation per instance. */
  reservationId?: string;
  /** Default: derived from the instance id (region + a/b/c). */
  availabilityZone?: string;
  /**
   * A managed instance (Operator.Managed true; principal e.g. "eks.amazonaws.com"): hidden from Describe calls
   * while the account x region's managedResourceVisibility is hidden, unless IncludeManagedResources is passed.
   */
  operator?: { principal: string };
}

export interface FixtureLaunchTemplate {
  launchTemplateId: string; // lt-...
  launchTemplateName: string;
  accountId: string;
  region: string;
  defaultVersion: number;
  /** Versions in order; imageId is an AMI id, a `resolve:ssm:/param` reference, or absent. */
  versions: { versionNumber: number; imageId?: string; description?: string }[];
}

/** A launch template as a group or fleet names it; version "$Latest", "$Default" or a number (absent: $Default). */
export interface FixtureLaunchTemplateSpec {
  launchTemplateId?: string;
  launchTemplateName?: string;
  version?: string;
}

export interface FixtureAutoScalingGroup {
  name: string;
  accountId: string;
  region: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Instance ids of the fixture's instances that are in the group. */
  instanceIds?: string[];
  tags?: Record<string, string>;
  status?: string;
  launchTemplate?: FixtureLaunchTemplateSpec;
  launchConfigurationName?: string;
  mixedInstancesPolicy?: FixtureMixedInstancesPolicy;
  /** The group's instance refreshes of the last six weeks, any status (served by DescribeInstanceRefreshes). */
  instanceRefreshes?: FixtureInstanceRefresh[];
}

export interface FixtureMixedInstancesPolicy {
  launchTemplate: FixtureLaunchTemplateSpec;
  overrides?: { instanceType?: string; launchTemplate?: FixtureLaunchTemplateSpec }[];
}

/** An instance refresh (InstanceRefresh in the Auto Scaling API reference). */
export interface FixtureInstanceRefresh {
  instanceRefreshId: string;
  status: 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelling' | 'Cancelled' | 'RollbackInProgress' | 'RollbackFailed' | 'RollbackSuccessful' | 'Baking';
  statusReason?: string;
  /** ISO 8601 */
  startTime?: string;
  endTime?: string;
  percentageComplete?: number;
  instancesToUpdate?: number;
  desiredConfiguration?: { launchTemplate?: FixtureLaunchTemplateSpec; mixedInstancesPolicy?: FixtureMixedInstancesPolicy };
}

export interface FixtureLaunchConfiguration {
  name: string;
  accountId: string;
  region: string;
  imageId: string;
  instanceType?: string;
}

export interface FixtureFleet {
  /** fleet-... for an EC2 Fleet, sfr-... for a Spot Fleet request */
  fleetId: string;
  kind: 'ec2-fleet' | 'spot-fleet';
  accountId: string;
  region: string;
  state: string;
  type?: 'maintain' | 'request' | 'instant';
  targetCapacity?: number;
  tags?: Record<string, string>;
  launchTemplateConfigs?: { launchTemplate: FixtureLaunchTemplateSpec; overrides?: { instanceType?: string; imageId?: string }[] }[];
  /** Spot Fleet only: launch specifications with their own ImageId. */
  launchSpecifications?: { instanceType?: string; imageId: string }[];
}

export interface FixtureRegionSettings {
  accountId: string;
  region: string;
  imageBlockPublicAccess?: 'block-new-sharing' | 'unblocked';
  imageBlockPublicAccessManagedBy?: 'account' | 'declarative-policy';
  allowedImages?: {
    state: 'enabled' | 'audit-mode' | 'disabled';
    managedBy?: 'account' | 'declarative-policy';
    criteria?: { imageProviders?: string[]; imageNames?: string[]; marketplaceProductCodes?: string[]; creationDateCondition?: { maximumDaysSinceCreated?: number }; deprecationTimeCondition?: { maximumDaysSinceDeprecated?: number } }[];
  };
  /** GetManagedResourceVisibility DefaultVisibility. Default in the sandbox: hidden (a sandbox choice, see docs/sandbox.md). */
  managedResourceVisibility?: 'hidden' | 'visible';
}

export type FixturePolicyType =
  | 'SERVICE_CONTROL_POLICY'
  | 'RESOURCE_CONTROL_POLICY'
  | 'TAG_POLICY'
  | 'BACKUP_POLICY'
  | 'AISERVICES_OPT_OUT_POLICY'
  | 'CHATBOT_POLICY'
  | 'DECLARATIVE_POLICY_EC2';

export interface FixturePolicy {
  id: string; // p-...
  name: string;
  description?: string;
  type: FixturePolicyType;
  awsManaged?: boolean;
  /** The policy document; DescribePolicy returns it as the JSON text of Content. */
  content: Record<string, unknown>;
  /** Ids of the root, OUs and accounts it is attached to. */
  targets: string[];
}

/** A resource outside EC2 that names an AMI (served by DescribeImageReferences only). */
export interface FixtureImageReference {
  resourceType: 'ssm:Parameter' | 'imagebuilder:ImageRecipe' | 'imagebuilder:ContainerRecipe';
  accountId: string;
  region: string;
  /** The parameter name ("/golden/ami") or the recipe's name/version ("web/1.0.0"). */
  name: string;
  imageId: string;
}

export interface FixtureBackupVault {
  accountId: string;
  region: string;
  /** "^[a-zA-Z0-9\-\_]{2,50}$" (ListRecoveryPointsByBackupVault, backupVaultName). */
  name: string;
  creationDate?: string;
  recoveryPoints?: FixtureBackupRecoveryPoint[];
}

/** An EC2 recovery point: the AMI AWS Backup made of an instance (its ARN ends in image/<imageId>). */
export interface FixtureBackupRecoveryPoint {
  imageId: string;
  /** Default COMPLETED. */
  status?: 'COMPLETED' | 'PARTIAL' | 'DELETING' | 'EXPIRED' | 'AVAILABLE' | 'STOPPED' | 'CREATING';
  creationDate?: string;
  /** The protected instance's ARN. */
  resourceArn?: string;
}
