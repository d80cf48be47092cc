/**
 * What every collector is: its id, what it gathers, its scope, whether the scan can do without it, and the IAM
 * actions it needs. Apart from the collectors themselves (which load the AWS SDK), so that the IAM policy
 * generator, the scan options and `--help` can read them without loading the SDK (README, Layout).
 */
import type { CollectorMeta } from './types.js';

export const LAUNCHING_ACCOUNT_IMAGE_TAGS: CollectorMeta = {
  id: 'launching-account-image-tags',
  title: "Each launching account's own tags on the shared or public images its instances use (DescribeImages by id in that account)",
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeImages'],
};

export const ACCOUNT_TAGS: CollectorMeta = {
  id: 'account-tags',
  title: 'Account tags in Organizations (owners), when the config names owner tag keys',
  scope: 'caller',
  optional: true,
  permissions: ['organizations:ListTagsForResource'],
};

export const OWNED_IMAGES: CollectorMeta = {
  id: 'owned-images',
  title: 'Images the account owns (with their tags, as only the owner sees them)',
  scope: 'account-region',
  optional: false,
  permissions: ['ec2:DescribeImages'],
};

export const INSTANCE_IMAGE_METADATA: CollectorMeta = {
  id: 'instance-image-metadata',
  title: 'Instances with their launch image metadata (primary path)',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeInstanceImageMetadata'],
};

export const INSTANCES: CollectorMeta = {
  id: 'instances',
  title: 'Instances (fallback path: DescribeInstances, images resolved by id)',
  scope: 'account-region',
  optional: false,
  permissions: ['ec2:DescribeInstances'],
};

/**
 * Managed instances hidden from DescribeInstanceImageMetadata (it has no IncludeManagedResources parameter): one
 * DescribeInstances with IncludeManagedResources and the operator.managed filter. DescribeInstances API reference:
 * "If this parameter is set to true, the output includes resources that are managed by Amazon Web Services
 * services, even if managed resource visibility is set to hidden."
 */
export const MANAGED_INSTANCES: CollectorMeta = {
  id: 'managed-instances',
  title: 'Managed instances (operated by a service provider such as EKS Auto Mode), listed even when hidden by default',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeInstances'],
};

/**
 * GetManagedResourceVisibility: "Retrieves the managed resource visibility configuration for the account. The
 * response indicates whether managed resources are hidden or visible by default." The IAM action is named after
 * the API action, as every EC2 action is (the Service Authorization Reference page was not in the docs searched).
 */
export const MANAGED_RESOURCE_VISIBILITY: CollectorMeta = {
  id: 'managed-resource-visibility',
  title: 'Managed resource visibility (whether managed resources are hidden from Describe calls by default)',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:GetManagedResourceVisibility'],
};

export const AUTO_SCALING_GROUPS: CollectorMeta = {
  id: 'auto-scaling-groups',
  title: 'Auto Scaling groups: launch template and pinned version, mixed instances policy overrides, size',
  scope: 'account-region',
  optional: true,
  permissions: ['autoscaling:DescribeAutoScalingGroups'],
};

export const LAUNCH_CONFIGURATIONS: CollectorMeta = {
  id: 'launch-configurations',
  title: 'Legacy launch configurations used by Auto Scaling groups (their ImageId)',
  scope: 'account-region',
  optional: true,
  permissions: ['autoscaling:DescribeLaunchConfigurations'],
};

export const EC2_FLEETS: CollectorMeta = {
  id: 'ec2-fleets',
  title: 'Active EC2 Fleets with their launch template configs and overrides',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeFleets'],
};

export const SPOT_FLEETS: CollectorMeta = {
  id: 'spot-fleets',
  title: 'Active Spot Fleet requests with their launch specifications and launch template configs',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeSpotFleetRequests'],
};

export const PINNED_LAUNCH_TEMPLATE_VERSIONS: CollectorMeta = {
  id: 'pinned-launch-template-versions',
  title: 'Launch template versions that groups and fleets pin by number',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeLaunchTemplateVersions'],
};

/** The collectors launch-paths runs, in documentation order. */
export const LAUNCH_PATH_COLLECTORS = [AUTO_SCALING_GROUPS, LAUNCH_CONFIGURATIONS, EC2_FLEETS, SPOT_FLEETS, PINNED_LAUNCH_TEMPLATE_VERSIONS] as const;

/**
 * After the images are resolved (scanner phase 3c). Permissions: EC2 User Guide, "Identify your resources referencing
 * specified AMIs" (Required IAM permissions): "To use the DescribeImageReferences API ... you need the following IAM
 * permissions to describe the resources: ec2:DescribeInstances, ec2:DescribeLaunchTemplates,
 * ec2:DescribeLaunchTemplateVersions, ssm:DescribeParameters, ssm:GetParameters, imagebuilder:ListImageRecipes,
 * imagebuilder:ListContainerRecipes, imagebuilder:GetContainerRecipe" (the EC2 ones are declared by the instance and
 * launch template collectors already).
 */
export const IMAGE_REFERENCES: CollectorMeta = {
  id: 'image-references',
  title: 'SSM parameters and Image Builder recipes that name an image not from an approved publisher (DescribeImageReferences, 10 image ids per call)',
  scope: 'account-region',
  optional: true,
  permissions: [
    'ec2:DescribeImageReferences',
    'ssm:DescribeParameters',
    'ssm:GetParameters',
    'imagebuilder:ListImageRecipes',
    'imagebuilder:ListContainerRecipes',
    'imagebuilder:GetContainerRecipe',
  ],
};

/**
 * Which of the account's AMIs are AWS Backup recovery points (issue #12): ListBackupVaults, then per vault
 * ListRecoveryPointsByBackupVault with resourceType EC2 (collectors/backup-recovery-points.ts). Read-only.
 */
export const BACKUP_RECOVERY_POINTS: CollectorMeta = {
  id: 'backup-recovery-points',
  title: 'AWS Backup recovery points of EC2 instances (the AMIs AWS Backup made), per backup vault',
  scope: 'account-region',
  optional: true,
  permissions: ['backup:ListBackupVaults', 'backup:ListRecoveryPointsByBackupVault'],
};

export const LAUNCH_PERMISSIONS: CollectorMeta = {
  id: 'launch-permissions',
  title: 'Who each owned image is shared with (--deep)',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:DescribeImageAttribute'],
};

export const LAUNCH_TEMPLATES: CollectorMeta = {
  id: 'launch-templates',
  title: 'Launch templates with the image of their default and latest versions',
  scope: 'account-region',
  optional: false,
  permissions: ['ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'],
};

export const REFERENCED_IMAGES: CollectorMeta = {
  id: 'referenced-images',
  title: 'Images referenced by instances and launch templates, resolved by id (batched, once per region)',
  scope: 'account-region',
  optional: false,
  permissions: ['ec2:DescribeImages'],
};

export const IMAGE_BLOCK_PUBLIC_ACCESS: CollectorMeta = {
  id: 'image-block-public-access',
  title: 'Image block public access state',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:GetImageBlockPublicAccessState'],
};

export const ALLOWED_IMAGES_SETTINGS: CollectorMeta = {
  id: 'allowed-images-settings',
  title: 'Allowed AMIs settings (state, image criteria, managed by)',
  scope: 'account-region',
  optional: true,
  permissions: ['ec2:GetAllowedImagesSettings'],
};

/**
 * After the images are resolved (scanner phase 3c), where DescribeImageReferences is asked: each group's unfinished
 * instance refreshes (collectors/instance-refreshes.ts). "Required: Yes" for AutoScalingGroupName: one call per group.
 */
export const INSTANCE_REFRESHES: CollectorMeta = {
  id: 'instance-refreshes',
  title: 'Unfinished instance refreshes of the Auto Scaling groups where an image not from an approved publisher is used (DescribeInstanceRefreshes, one group per call)',
  scope: 'account-region',
  optional: true,
  permissions: ['autoscaling:DescribeInstanceRefreshes'],
};

export const REGIONS: CollectorMeta = {
  id: 'regions',
  title: 'The account\'s enabled and disabled regions',
  scope: 'account',
  optional: false,
  permissions: ['ec2:DescribeRegions'],
};

export const ASSUME_ROLE: CollectorMeta = {
  id: 'assume-role',
  title: 'Temporary credentials in each account (STS AssumeRole into the scan role)',
  scope: 'caller',
  optional: false,
  permissions: ['sts:AssumeRole'],
};

export const ORGANIZATION: CollectorMeta = {
  id: 'organization',
  title: 'Organization, OU tree and member accounts',
  scope: 'caller',
  optional: false,
  permissions: [
    'organizations:DescribeOrganization',
    'organizations:ListRoots',
    'organizations:ListOrganizationalUnitsForParent',
    'organizations:ListAccountsForParent',
  ],
};

/**
 * Not a scan collector: what `amigov policy diff --from-organization` reads with the caller's credentials
 * (Organizations ListPolicies with Filter DECLARATIVE_POLICY_EC2, DescribePolicy for each one's content,
 * ListTargetsForPolicy for where it is attached, ListRoots for whether the policy type is enabled). Read-only.
 */
export const POLICY_DIFF_ORGANIZATION_PERMISSIONS: readonly string[] = [
  'organizations:DescribePolicy',
  'organizations:ListPolicies',
  'organizations:ListRoots',
  'organizations:ListTargetsForPolicy',
];
