/**
 * The identity policy of seed 003: production roles may launch instances only from AMIs carrying the
 * approved tag (Environment=Prod by default). Attach it to production roles (or as their permissions
 * boundary); it is an IAM policy, not an Organizations policy.
 *
 * Its limit, which docs/policies.md explains: AMI tags belong to the account that set them. The tags the
 * owner puts on a golden AMI it shares are not visible in the accounts it is shared with, so in a consumer
 * account ec2:ResourceTag/<key> on a shared AMI sees only the consumer's own tags on it. The policy
 * therefore also stops production roles from setting or removing that tag on images themselves: otherwise
 * anyone allowed to tag could approve any image.
 */
import type { IamPolicy } from './syntax.js';
import { IMAGE_ARN_ALL_REGIONS } from './scp.js';

export const TAG_POLICY_SIDS = {
  allowImages: 'AllowRunInstancesFromApprovedImages',
  allowOther: 'AllowRunInstancesOtherResources',
  denyOther: 'DenyRunInstancesFromUnapprovedImages',
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

export function buildProdAmiTagPolicy(tag: { key: string; values: readonly string[] }): IamPolicy {
  const key = `ec2:ResourceTag/${tag.key}`;
  const values = [...tag.values];
  return {
    Version: '2012-10-17',
    Statement: [
      {
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
        Sid: TAG_POLICY_SIDS.protectTag,
        Effect: 'Deny',
        Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
        Resource: IMAGE_ARN_ALL_REGIONS,
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [tag.key] } },
      },
    ],
  };
}

/** Reads the approved tag back from a tag policy: key and values of the image Allow statement. */
export function summarizeTagPolicy(policy: IamPolicy): { key?: string; values?: string[] } {
  const allow = policy.Statement.find((s) => s.Sid === TAG_POLICY_SIDS.allowImages);
  const cond = allow?.Condition?.['StringEquals'] ?? {};
  const entry = Object.entries(cond).find(([k]) => k.startsWith('ec2:ResourceTag/'));
  if (!entry) return {};
  const v = entry[1];
  return { key: entry[0].slice('ec2:ResourceTag/'.length), values: typeof v === 'boolean' ? [String(v)] : Array.isArray(v) ? v : [v] };
}
