/**
 * The scan-role kit (`amigov iam`): everything needed to deploy the read-only role amigov assumes in every
 * account, built from the permissions the collectors declare (src/scan/iam-policy.ts), so no format can drift
 * from what the scanner calls:
 * - the role's permission policy and its trust policy (the scanner's account, optionally only one role of it,
 *   an external id, the organization);
 * - the caller policy for that role name;
 * - a CloudFormation template of the role, a service-managed StackSet recipe that deploys it to every account
 *   of the organization (and to accounts that join later), and a Terraform module.
 * Pure: strings and objects; the CLI prints or writes them.
 */
import { callerPolicy, scanRolePolicy, type IamPolicyDocument } from './iam-policy.js';
import { KIT_FILES, KIT_ROLE_NAME, KIT_STACK_SET_NAME } from './iam-kit-names.js';
import { renderArgv, raw } from '../remediation/shell.js';

/** The role name the kit creates and `--role-name` then names (OrganizationAccountAccessRole stays supported). */

export interface KitOptions {
  /** The scanner: a 12-digit account id (any principal of it that its own IAM allows) or an IAM role ARN. */
  trusted: string;
  roleName?: string;
  /** Required by the trust policy (sts:ExternalId), passed by `amigov scan --external-id`. */
  externalId?: string;
  /** Only principals of this organization (aws:PrincipalOrgID). */
  organizationId?: string;
  /** StackSet targets: the root or OU ids (default: the organization root, looked up by the recipe). */
  targets?: string[];
  /** The region the StackSet deploys its one stack instance per account in (IAM is global). */
  region?: string;
  /** The StackSet is created from a delegated administrator account instead of the management account. */
  delegatedAdmin?: boolean;
}

const ACCOUNT_RE = /^\d{12}$/;
const ROLE_ARN_RE = /^arn:aws(-[a-z]+)*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** IAM role names: "Use alphanumeric and '+=,.@-_' characters. Maximum 64 characters." */
export const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/;
const ORG_ID_RE = /^o-[a-z0-9]{10,32}$/;
const TARGET_RE = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** What is wrong with the options, one message per problem (empty: valid). */
export function kitProblems(o: KitOptions): string[] {
  const p: string[] = [];
  if (!ACCOUNT_RE.test(o.trusted) && !ROLE_ARN_RE.test(o.trusted)) p.push(`--trusted ${JSON.stringify(o.trusted)} is neither a 12-digit account id nor an IAM role ARN (arn:aws:iam::123456789012:role/name)`);
  if (o.roleName !== undefined && !ROLE_NAME_RE.test(o.roleName)) p.push(`--role-name ${JSON.stringify(o.roleName)} is not an IAM role name (up to 64 letters, digits and +=,.@-_)`);
  if (o.externalId !== undefined && !EXTERNAL_ID_RE.test(o.externalId)) p.push(`--external-id ${JSON.stringify(o.externalId)} is not a valid external id (2 to 1,224 letters, digits and +=,.@:/-_)`);
  if (o.organizationId !== undefined && !ORG_ID_RE.test(o.organizationId)) p.push(`--org-id ${JSON.stringify(o.organizationId)} is not an organization id (o-xxxxxxxxxx)`);
  for (const t of o.targets ?? []) if (!TARGET_RE.test(t)) p.push(`--targets: ${JSON.stringify(t)} is not a root (r-xxxx) or OU id (ou-xxxx-yyyyyyyy)`);
  if (o.region !== undefined && !REGION_RE.test(o.region)) p.push(`--region ${JSON.stringify(o.region)} is not a region name (e.g. us-east-1)`);
  return p;
}

function scannerAccount(trusted: string): string {
  return ACCOUNT_RE.test(trusted) ? trusted : ROLE_ARN_RE.exec(trusted)![2]!;
}

interface TrustStatement {
  Sid: string;
  Effect: 'Allow';
  // "In IAM roles, use the Principal element in the role trust policy to specify who can assume the role. For
  // cross-account access, you must specify the 12-digit identifier of the trusted account." (IAM User Guide,
  // AWS JSON policy elements: Principal)
  Principal: { AWS: unknown };
  Action: 'sts:AssumeRole';
  Condition?: Record<string, Record<string, unknown>>;
}
export interface TrustPolicyDocument {
  Version: '2012-10-17';
  Statement: TrustStatement[];
}

/**
 * The trust policy. An account id trusts that account: "This delegates authority to the account. When you allow
 * access to a different account, an administrator in that account must then grant access to an identity (IAM user
 * or role) in that account." (IAM User Guide, AWS account principals) — the caller policy is that grant. A role
 * ARN narrows it to that role (aws:PrincipalArn, so deleting and recreating the role does not break the trust).
 * `partition` is a literal ("aws") or a CloudFormation / Terraform expression.
 */
export function trustPolicy(o: KitOptions, partition: unknown = 'aws'): TrustPolicyDocument {
  const account = scannerAccount(o.trusted);
  const root = typeof partition === 'string' ? `arn:${partition}:iam::${account}:root` : { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:root` };
  const equals: Record<string, unknown> = {};
  // sts:ExternalId: met only when the AssumeRole call passes this ExternalId (amigov scan --external-id).
  if (o.externalId !== undefined) equals['sts:ExternalId'] = o.externalId;
  // aws:PrincipalOrgID: "Use this key to compare the identifier of the organization in AWS Organizations to which the
  // requesting principal belongs with the identifier specified in the policy." (IAM, AWS global condition context keys)
  if (o.organizationId !== undefined) equals['aws:PrincipalOrgID'] = o.organizationId;
  const condition: Record<string, Record<string, unknown>> = {};
  if (Object.keys(equals).length) condition.StringEquals = equals;
  // aws:PrincipalArn: for IAM roles the request context holds the role's ARN, not the session's (IAM global condition keys).
  if (!ACCOUNT_RE.test(o.trusted)) condition.ArnEquals = { 'aws:PrincipalArn': o.trusted };
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AmigovScanner', Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole', ...(Object.keys(condition).length ? { Condition: condition } : {}) },
    ],
  };
}

export function kitCallerPolicy(o: Pick<KitOptions, 'roleName'>): IamPolicyDocument {
  return callerPolicy(o.roleName ?? KIT_ROLE_NAME);
}

/** A CloudFormation template (JSON) of the scan role: the trust policy and the read-only policy inline. */
export function cloudFormationTemplate(o: KitOptions): Record<string, unknown> {
  const roleName = o.roleName ?? KIT_ROLE_NAME;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `amigov read-only scan role ${roleName} (generated by amigov iam from the permissions the scanner declares)`,
    Resources: {
      ScanRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: roleName,
          Description: 'amigov: read-only scan of EC2 images, instances, launch templates and image settings',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: trustPolicy(o, { cfn: true }),
          Policies: [{ PolicyName: 'amigov-scan-read-only', PolicyDocument: scanRolePolicy() }],
          Tags: [{ Key: 'managed-by', Value: 'amigov' }],
        },
      },
    },
    Outputs: {
      ScanRoleArn: { Description: 'ARN of the scan role', Value: { 'Fn::GetAtt': ['ScanRole', 'Arn'] } },
    },
  };
}


/**
 * The commands that create the StackSet and deploy the role to every account below the targets, from the
 * management account (--call-as SELF) or a delegated administrator (--call-as DELEGATED_ADMIN).
 */
export function stackSetRecipe(o: KitOptions): string {
  const callAs = o.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF';
  const region = o.region ?? 'us-east-1';
  const targets = o.targets?.length ? o.targets.join(',') : undefined;
  const lines = [
    '#!/usr/bin/env bash',
    `# Deploys the amigov scan role (${o.roleName ?? KIT_ROLE_NAME}) to every account of the organization with a service-managed`,
    '# CloudFormation StackSet, and to every account that joins later. Generated by `amigov iam stackset`.',
    `# Run it ${o.delegatedAdmin ? 'from a CloudFormation delegated administrator account' : 'from the management account'}, beside ${KIT_FILES.cloudFormation} (\`amigov iam --out DIR\` writes both).`,
    '#',
    '# AWS (CloudFormation API reference):',
    '# - AutoDeployment: "If set to true, StackSets automatically deploys additional stack instances to AWS Organizations',
    '#   accounts that are added to a target organization or organizational unit (OU) in the specified Regions."',
    '# - CallAs: "To create a StackSet with service-managed permissions while signed in to a delegated administrator',
    '#   account, specify DELEGATED_ADMIN." Service-managed StackSets need trusted access with Organizations turned on',
    '#   (the first command; once per organization, from the management account).',
    '# - DeploymentTargets: "StackSets doesn\'t deploy stack instances to the organization management account, even if',
    '#   the organization management account is in your organization or in an OU in your organization." amigov scans',
    '#   the account it runs in with its own credentials, so a scan from the management account needs no role there;',
    '#   scanning it from elsewhere needs the role created there by hand (`aws cloudformation deploy`, below).',
    '# IAM is global: one stack instance per account, in one region.',
    'set -euo pipefail',
    `cd "$(dirname "$0")"`,
    '',
    ...(o.delegatedAdmin ? [] : ['aws organizations enable-aws-service-access --service-principal member.org.stacksets.cloudformation.amazonaws.com', '']),
    renderArgv([
      'aws', 'cloudformation', 'create-stack-set',
      '--stack-set-name', KIT_STACK_SET_NAME,
      '--description', 'amigov read-only scan role',
      '--template-body', `file://${KIT_FILES.cloudFormation}`,
      '--permission-model', 'SERVICE_MANAGED',
      '--auto-deployment', 'Enabled=true,RetainStacksOnAccountRemoval=false',
      '--capabilities', 'CAPABILITY_NAMED_IAM',
      '--call-as', callAs,
    ]),
    '',
    targets ? `TARGETS=${targets}` : `TARGETS=$(aws organizations list-roots --query 'Roots[0].Id' --output text)   # the whole organization`,
    renderArgv([
      'aws', 'cloudformation', 'create-stack-instances',
      '--stack-set-name', KIT_STACK_SET_NAME,
      '--deployment-targets', raw('"OrganizationalUnitIds=$TARGETS"'),
      '--regions', region,
      '--operation-preferences', 'FailureTolerancePercentage=10,MaxConcurrentPercentage=25',
      '--call-as', callAs,
    ]),
    '',
    '# Progress, then the accounts that have the role:',
    `#   aws cloudformation list-stack-set-operations --stack-set-name ${KIT_STACK_SET_NAME} --call-as ${callAs}`,
    `#   aws cloudformation list-stack-instances --stack-set-name ${KIT_STACK_SET_NAME} --call-as ${callAs} --query 'Summaries[].[Account,StackInstanceStatus.DetailedStatus]' --output text`,
    '# The management account itself, if it is to be scanned from another account:',
    `#   aws cloudformation deploy --stack-name ${KIT_STACK_SET_NAME} --template-file ${KIT_FILES.cloudFormation} --capabilities CAPABILITY_NAMED_IAM`,
    '',
  ];
  return lines.join('\n');
}

const hcl = (v: string) => JSON.stringify(v); // HCL string literals use JSON's escapes
/** A JSON document inside HCL: jsonencode() of the object, written as HCL (JSON is valid HCL expression syntax; ${...} in a string interpolates). */
const hclJson = (v: unknown) => JSON.stringify(v, null, 2).replace(/\n/g, '\n  ');

/** A Terraform module (one main.tf) creating the role in the account its AWS provider points at. */
export function terraformModule(o: KitOptions): string {
  const roleName = o.roleName ?? KIT_ROLE_NAME;
  const trust = trustPolicy(o, '${data.aws_partition.current.partition}');
  return [
    '# amigov read-only scan role, generated by `amigov iam terraform` from the permissions the scanner declares.',
    '# Apply it in every account to scan (for example one module instance per account with a provider alias per',
    '# account), or use the StackSet recipe (amigov iam stackset), which also covers accounts that join later.',
    '',
    'terraform {',
    '  required_providers {',
    '    aws = {',
    '      source  = "hashicorp/aws"',
    '      version = ">= 5.0"',
    '    }',
    '  }',
    '}',
    '',
    'variable "role_name" {',
    '  description = "Name of the scan role (amigov scan --role-name)"',
    '  type        = string',
    `  default     = ${hcl(roleName)}`,
    '}',
    '',
    'data "aws_partition" "current" {}',
    '',
    'resource "aws_iam_role" "amigov_scan" {',
    '  name                 = var.role_name',
    '  description          = "amigov: read-only scan of EC2 images, instances, launch templates and image settings"',
    '  max_session_duration = 3600',
    `  assume_role_policy   = jsonencode(${hclJson(trust)})`,
    '  tags = {',
    '    managed-by = "amigov"',
    '  }',
    '}',
    '',
    'resource "aws_iam_role_policy" "amigov_scan_read_only" {',
    '  name   = "amigov-scan-read-only"',
    '  role   = aws_iam_role.amigov_scan.id',
    `  policy = jsonencode(${hclJson(scanRolePolicy())})`,
    '}',
    '',
    'output "scan_role_arn" {',
    '  description = "ARN of the scan role"',
    '  value       = aws_iam_role.amigov_scan.arn',
    '}',
    '',
  ].join('\n');
}

/** Every file of the kit, by path relative to the output folder. */
export function kitFiles(o: KitOptions): { path: string; content: string }[] {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return [
    { path: KIT_FILES.scanPolicy, content: json(scanRolePolicy()) },
    { path: KIT_FILES.trustPolicy, content: json(trustPolicy(o)) },
    { path: KIT_FILES.callerPolicy, content: json(kitCallerPolicy(o)) },
    { path: KIT_FILES.cloudFormation, content: json(cloudFormationTemplate(o)) },
    { path: KIT_FILES.stackSet, content: stackSetRecipe(o) },
    { path: KIT_FILES.terraform, content: terraformModule(o) },
  ];
}

/** The placeholder scanner account of the kit shipped in docs/iam/ (AWS's documentation example id). */
export const DOCS_KIT_OPTIONS: KitOptions = { trusted: '111111111111' };
