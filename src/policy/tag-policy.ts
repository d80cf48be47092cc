/**
 * The identity policy of seed 003, as IAM evaluates it: production roles may launch instances only from AMIs
 * that carry the approved tag (Environment=Prod by default) AND come from an approved owner, and may not set
 * or remove that tag on images themselves. Attach it to production roles (or as their permissions boundary);
 * it is an IAM policy, not an Organizations policy. docs/policies.md explains each statement.
 *
 * Why the tag alone is not enough. AMI tags belong to the account that set them:
 * - EC2 User Guide (tagging): "When you tag public or shared resources, the tags you assign are available only
 *   to your AWS account; no other AWS account will have access to those tags. For tag-based access control to
 *   shared resources, each AWS account must assign its own set of tags to control access to the resource."
 * - EC2 User Guide (sharing an AMI): "When you share an AMI, your user-defined tags are not available to any
 *   AWS account in an organization or OU with which the AMI is shared."
 * So in a production account ec2:ResourceTag/<key> on a shared or public AMI sees that account's own tags, which
 * anyone allowed ec2:CreateTags there can set on any public AMI. The policy therefore also tests the owner:
 * ec2:Owner "Filters access by the owner of the resource (amazon, aws-marketplace, or an AWS account ID)"
 * (Service Authorization Reference, Amazon EC2; the EC2 policy examples test "whether ec2:Owner is amazon" on
 * the image of RunInstances), and denies tagging images with the approval key (aws:TagKeys: "These condition
 * keys can be applied to resource-creating actions that support tagging, as well as the ec2:CreateTags and
 * ec2:DeleteTags actions", EC2 User Guide) to everyone it is attached to but the tag-propagation role
 * (aws:PrincipalArn: "For IAM roles, the request context returns the ARN of the role, not the ARN of the user
 * that assumed the role.", IAM User Guide).
 */
import type { IamPolicy } from './syntax.js';
import { IMAGE_ARN_ALL_REGIONS } from './scp.js';

export const TAG_POLICY_SIDS = {
  allowImages: 'AllowRunInstancesFromApprovedImages',
  allowOther: 'AllowRunInstancesOtherResources',
  denyOther: 'DenyRunInstancesFromUnapprovedImages',
  denyOwners: 'DenyRunInstancesFromUnapprovedOwners',
  protectTag: 'DenyChangingTheApprovalTagOnImages',
} as const;

/** The non-image resources RunInstances authorizes (instance, volumes, network, launch template, ...), in every partition (arn:*:, see scp.ts). */
const RUN_INSTANCES_OTHER_RESOURCES = [
  'arn:*:ec2:*:*:instance/*',
  'arn:*:ec2:*:*:volume/*',
  'arn:*:ec2:*:*:network-interface/*',
  'arn:*:ec2:*:*:subnet/*',
  'arn:*:ec2:*:*:security-group/*',
  'arn:*:ec2:*:*:key-pair/*',
  'arn:*:ec2:*:*:launch-template/*',
  'arn:*:ec2:*:*:placement-group/*',
  'arn:*:ec2:*:*:capacity-reservation/*',
  'arn:*:ec2:*::snapshot/*',
];

/**
 * The ARN pattern of the tag-propagation role (policy_config.tag_propagation_role: a role name, optionally
 * with its path, e.g. "platform/ami-tag-propagation") in any account: the role exists once per production account.
 */
export function propagationRoleArnPattern(role: string): string {
  return `arn:aws:iam::*:role/${role.replace(/^\/+/, '')}`;
}

export interface TagPolicyInput {
  tag: { key: string; values: readonly string[] };
  /** The approved owners in ec2:Owner form (account ids, hyphenated aliases), normalized. */
  owners: readonly string[];
  /** policy_config.tag_propagation_role, when configured: the one principal allowed to set the approval tag. */
  propagationRole?: string;
}

export function buildProdAmiTagPolicy(input: TagPolicyInput): IamPolicy {
  const { tag } = input;
  const key = `ec2:ResourceTag/${tag.key}`;
  const values = [...tag.values];
  const owners = [...input.owners];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        // The owner is paired with the tag by the explicit deny below (one owner list: the policy must fit IAM's
        // 6,144 characters with as many owners as the SCP holds).
        Sid: TAG_POLICY_SIDS.allowImages,
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: IMAGE_ARN_ALL_REGIONS,
        Condition: { StringEquals: { [key]: values } },
      },
      { Sid: TAG_POLICY_SIDS.allowOther, Effect: 'Allow', Action: 'ec2:RunInstances', Resource: RUN_INSTANCES_OTHER_RESOURCES },
      {
        // An explicit deny, so another Allow attached to the same role cannot reopen untagged images.
        // StringNotEquals also matches when the image has no such tag at all.
        Sid: TAG_POLICY_SIDS.denyOther,
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: IMAGE_ARN_ALL_REGIONS,
        Condition: { StringNotEquals: { [key]: values } },
      },
      {
        // A separate statement: conditions in one statement are ANDed, and either failure must deny. With it the
        // Allow above holds only for the approved tag AND an approved owner: a tag the launching account set on an
        // unapproved owner's AMI (a spoofed approval) launches nothing.
        Sid: TAG_POLICY_SIDS.denyOwners,
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: IMAGE_ARN_ALL_REGIONS,
        Condition: { StringNotEquals: { 'ec2:Owner': owners } },
      },
      {
        Sid: TAG_POLICY_SIDS.protectTag,
        Effect: 'Deny',
        Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
        Resource: IMAGE_ARN_ALL_REGIONS,
        Condition: {
          'ForAnyValue:StringEquals': { 'aws:TagKeys': [tag.key] },
          ...(input.propagationRole ? { ArnNotLike: { 'aws:PrincipalArn': [propagationRoleArnPattern(input.propagationRole)] } } : {}),
        },
      },
    ],
  };
}

export interface TagPolicySummary {
  key?: string;
  values?: string[];
  /** ec2:Owner of the image Allow statement, if it has one (amigov pairs the owner through the deny instead). */
  allowOwners?: string[];
  /** ec2:Owner of the owner deny statement (undefined: no such statement). */
  denyOwners?: string[];
  /** The CreateTags/DeleteTags deny: its actions, tag keys and exempt principal ARN patterns (undefined: no such statement). */
  protect?: { actions: string[]; keys: string[]; exempt: string[] };
}

const asList = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Reads a (schema-valid) tag policy back: the approved tag and owners, and the tag protection. */
export function summarizeTagPolicy(policy: IamPolicy): TagPolicySummary {
  const allow = policy.Statement.find((s) => s.Sid === TAG_POLICY_SIDS.allowImages);
  const cond = allow?.Condition?.['StringEquals'] ?? {};
  const entry = Object.entries(cond).find(([k]) => k.startsWith('ec2:ResourceTag/'));
  const out: TagPolicySummary = {};
  if (entry) {
    out.key = entry[0].slice('ec2:ResourceTag/'.length);
    out.values = asList(entry[1]);
  }
  const allowOwners = asList(cond['ec2:Owner']);
  if (allowOwners) out.allowOwners = allowOwners;
  const denyOwners = asList(policy.Statement.find((s) => s.Sid === TAG_POLICY_SIDS.denyOwners && s.Effect === 'Deny')?.Condition?.['StringNotEquals']?.['ec2:Owner']);
  if (denyOwners) out.denyOwners = denyOwners;
  const protect = policy.Statement.find((s) => s.Sid === TAG_POLICY_SIDS.protectTag && s.Effect === 'Deny');
  if (protect) {
    out.protect = {
      actions: asList(protect.Action) ?? [],
      keys: asList(protect.Condition?.['ForAnyValue:StringEquals']?.['aws:TagKeys']) ?? [],
      exempt: asList(protect.Condition?.['ArnNotLike']?.['aws:PrincipalArn']) ?? [],
    };
  }
  return out;
}
