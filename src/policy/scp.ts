/**
 * The service control policy (defense in depth behind the declarative policy), with the seed's three
 * statements. What an SCP can and cannot express is spelled out in docs/policies.md; in short:
 *  - ec2:Owner on the image resource of RunInstances "Filters access by the owner of the resource (amazon,
 *    aws-marketplace, or an AWS account ID)" (Service Authorization Reference, Amazon EC2): the owner's account
 *    id, or the alias. Approved aliases are listed in the API's hyphenated spelling, matching Allowed AMIs'
 *    providers. The docs leave open (docs/policies.md, "ec2:Owner and aliases"): the value for a verified
 *    provider's AMI, which Allowed AMIs allows under `amazon` ("Allow AMIs created by Amazon or verified
 *    providers", ImageCriterion), and for AMIs of `aws-backup-vault`, which the key's documented values omit.
 *  - No condition key describes the launch permission a ModifyImageAttribute call adds (ec2:Add/group is
 *    documented for ModifySnapshotAttribute only), so "deny adding group all" cannot be written for AMIs.
 *    Statement 3 therefore denies changing AMI launch permissions, and disabling image block public
 *    access, to every account but the publishers; the publishers' own public sharing is stopped by
 *    image block public access (block_new_sharing) in the declarative policy.
 *  - SCPs never apply to the management account or to service-linked roles (Auto Scaling, EC2 Fleet).
 *  - Statement 3 would also deny amigov's own make-private fix (ModifyImageAttribute, Remove group all) in the
 *    workload accounts, where side-loaded public AMIs live. It exempts the remediation role by aws:PrincipalArn
 *    (IAM: "For IAM roles, the request context returns the ARN of the role, not the ARN of the user that assumed
 *    the role"), with ArnNotLike and a "*" partition and account ("Each of the six colon-delimited components of
 *    the ARN is checked separately and each can include multi-character match wildcards"), so one SCP works in
 *    aws, aws-cn and aws-us-gov. Conditions of one statement must all hold for the Deny to apply, so the role is
 *    spared in every account and the publishers stay spared by aws:PrincipalAccount. What stops that role (or
 *    anyone) from making an AMI public is image block public access, enforced by the declarative policy:
 *    "block public access for AMIs ... will block any attempt to publicly share your AMIs in the specified Region."
 */
import type { IamStatement, Scp } from './syntax.js';
import { normalizeProviders } from './providers.js';

import type { ScpPublisherExemption } from './names.js';

/** How statements 2 and 3 spare the publisher accounts ('principal-account' or 'ou'): see names.ts. */
export { SCP_PUBLISHER_EXEMPTIONS, type ScpPublisherExemption } from './names.js';

export const SCP_SIDS = {
  launch: 'DenyEC2LaunchWithNonApprovedAMIs',
  creation: 'DenyAMICreationAndSideload',
  sharing: 'DenyPublicAMISharing',
} as const;

/**
 * Every image, in every Region and every partition: "You can use wildcard characters (* and ?) within the
 * individual segments of an ARN (the parts separated by colons)" (IAM, Resource element); an ARN starts with
 * its partition (aws, aws-cn, aws-us-gov), so arn:aws: would deny nothing in China or GovCloud.
 */
export const IMAGE_ARN_ALL_REGIONS = 'arn:*:ec2:*::image/*';

/** Every API path that brings a new AMI into an account. */
export const AMI_CREATION_ACTIONS = ['ec2:CreateImage', 'ec2:CopyImage', 'ec2:RegisterImage', 'ec2:ImportImage', 'ec2:CreateRestoreImageTask'];
export const AMI_SHARING_ACTIONS = ['ec2:ModifyImageAttribute', 'ec2:DisableImageBlockPublicAccess'];

export interface ScpInput {
  /** Approved providers in API spelling: account ids and aliases (amazon, aws-marketplace, ...). */
  providers: readonly string[];
  /** Accounts allowed to create and share AMIs: the approved publisher accounts. */
  publisherAccounts: readonly string[];
  exemption: ScpPublisherExemption;
  /** The role amigov remediate uses (policy_config.remediation_role_name): exempt from the sharing statement. */
  remediationRoleName?: string;
  /**
   * aws:PrincipalArn patterns the creation and sharing denies spare (policy_config.scp_exempt_principal_arns):
   * "aws:PrincipalArn: Use this key to compare the ARN of the principal that made the request with the ARN that
   * you specify in the policy", compared with ArnNotLike. Two condition operators in one block must both hold,
   * so the deny applies only to principals outside the publisher accounts AND outside these roles.
   */
  exemptPrincipalArns?: readonly string[];
}

/**
 * The partition- and account-neutral aws:PrincipalArn pattern of the remediation role, at path "/" (a wildcard
 * path would also spare any role whose name merely ends with it).
 */
export function remediationRolePattern(roleName: string): string {
  return `arn:*:iam::*:role/${roleName}`;
}

export function buildScp(input: ScpInput): Scp {
  const publishers = normalizeProviders(input.publisherAccounts);
  const arns = [...new Set(input.exemptPrincipalArns ?? [])].sort();
  const condition: Record<string, Record<string, string[]>> = {};
  if (input.exemption === 'principal-account' && publishers.length) condition['StringNotEquals'] = { 'aws:PrincipalAccount': publishers };
  if (arns.length) condition['ArnNotLike'] = { 'aws:PrincipalArn': arns };
  const exempt = Object.keys(condition).length ? { Condition: condition } : {};
  const statements: IamStatement[] = [
    {
      Sid: SCP_SIDS.launch,
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: IMAGE_ARN_ALL_REGIONS,
      Condition: { StringNotEquals: { 'ec2:Owner': normalizeProviders(input.providers) } },
    },
    { Sid: SCP_SIDS.creation, Effect: 'Deny', Action: AMI_CREATION_ACTIONS, Resource: '*', ...exempt },
    {
      Sid: SCP_SIDS.sharing,
      Effect: 'Deny',
      Action: AMI_SHARING_ACTIONS,
      Resource: '*',
      ...(input.remediationRoleName
        ? { Condition: { ...(exempt.Condition ?? {}), ArnNotLike: { 'aws:PrincipalArn': [...arns, remediationRolePattern(input.remediationRoleName)] } } }
        : exempt),
    },
  ];
  return { Version: '2012-10-17', Statement: statements };
}

function asList(v: string | boolean | string[] | undefined): string[] | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  return Array.isArray(v) ? v : [v];
}

export interface ScpSummary {
  /** The ec2:Owner allowlist of the launch statement (normalized), or undefined when that statement is missing. */
  providers?: string[];
  /** aws:PrincipalAccount exemptions of the creation / sharing statements (undefined: no such condition). */
  creationExempt?: string[];
  sharingExempt?: string[];
  /** aws:PrincipalArn patterns (ArnNotLike) the sharing statement spares: the remediation role. */
  sharingRoleExempt?: string[];
  /** aws:PrincipalArn patterns (ArnNotLike) of the creation statement. */
  exemptPrincipalArns?: string[];
  sids: string[];
  missingStatements: string[];
}

/** Reads back a (schema-valid) SCP: the ec2:Owner allowlist and the publisher exemptions. */
export function summarizeScp(scp: Scp): ScpSummary {
  const bySid = new Map(scp.Statement.filter((s) => s.Sid).map((s) => [s.Sid as string, s]));
  const launch = bySid.get(SCP_SIDS.launch);
  const ownerList = asList(launch?.Condition?.['StringNotEquals']?.['ec2:Owner']);
  const exemptOf = (sid: string) => {
    const list = asList(bySid.get(sid)?.Condition?.['StringNotEquals']?.['aws:PrincipalAccount']);
    return list ? normalizeProviders(list) : undefined;
  };
  return {
    providers: ownerList ? normalizeProviders(ownerList) : undefined,
    creationExempt: exemptOf(SCP_SIDS.creation),
    sharingExempt: exemptOf(SCP_SIDS.sharing),
    sharingRoleExempt: asList(bySid.get(SCP_SIDS.sharing)?.Condition?.['ArnNotLike']?.['aws:PrincipalArn']),
    exemptPrincipalArns: asList(bySid.get(SCP_SIDS.creation)?.Condition?.['ArnNotLike']?.['aws:PrincipalArn']),
    sids: [...bySid.keys()],
    missingStatements: Object.values(SCP_SIDS).filter((sid) => !bySid.has(sid)),
  };
}
