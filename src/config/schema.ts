/**
 * Schema of config/ami_publishers.json, the allowlist's single source of truth.
 * Field names follow the seed system's file (snake_case), so the same file drives both.
 *
 * Every object is strict: an unknown key is an error, never ignored. A misspelt key would otherwise be
 * dropped and its section take its default (`vendor_publishers` -> no vendors at all in the generated
 * policies). The one open part is `metadata`: notes for people that amigov never reads.
 */
import { z } from 'zod';
import { isIsoDate } from '../util/dates.js';

/** Provider aliases that EC2 Allowed AMIs accepts besides account ids. */
export const PROVIDER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'] as const;
export type ProviderAlias = (typeof PROVIDER_ALIASES)[number];

import { ENFORCEMENT_MODES } from './names.js';
export { ENFORCEMENT_MODES, type EnforcementMode } from './names.js';

const accountId = z
  .string({ error: 'must be a string of 12 digits, in quotes (e.g. "123456789012")' })
  .regex(/^\d{12}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a 12-digit AWS account id` });

const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isIsoDate, { error: (iss) => `${JSON.stringify(iss.input)} is not a date written YYYY-MM-DD` });

const tagMatch = z.strictObject({
  key: z.string().min(1).max(128),
  values: z.array(z.string().max(256)).min(1),
});

export const opsPublisherSchema = z.strictObject({
  account_id: accountId,
  name: z.string().min(1).default('Ops golden AMI publisher'),
  description: z.string().optional(),
});

export const vendorPublisherSchema = z.strictObject({
  account_id: accountId,
  vendor: z.string().min(1),
  description: z.string().optional(),
});

export const exceptionAccountSchema = z.strictObject({
  account_id: accountId,
  reason: z.string().min(1),
  /** Last day the exception is valid (inclusive, UTC). */
  expiry_date: isoDate,
  /** Day the exception was approved; with max_exception_duration_days bounds its length. */
  approved_date: isoDate.optional(),
  ticket: z.string().min(1),
  approved_by: z.string().min(1),
  requested_by: z.string().optional(),
});

const productionSchema = z.strictObject({
  instance_tag: tagMatch.default({ key: 'Environment', values: ['Prod'] }),
  account_ids: z.array(accountId).default([]),
  ou_ids: z.array(z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'is not an OU id (ou-xxxx-yyyyyyyy)')).default([]),
});

/**
 * One Allowed AMIs criterion, in the declarative policy's spelling ("EC2 declarative policy syntax":
 * image_criteria.criteria_N with allowed_image_providers, image_names, marketplace_product_codes,
 * creation_date_condition.maximum_days_since_created, deprecation_time_condition.maximum_days_since_deprecated),
 * with the API reference's limits (ImageCriterionRequest):
 * - "Each ImageCriterion can include up to: 200 values for ImageProviders, 50 values for ImageNames,
 *   50 values for MarketplaceProductCodes"
 * - ImageNames: "Names can include wildcards (? and *). Length: 1–128 characters. With ?, the minimum is 3
 *   characters. Valid characters: Letters: A–Z, a–z; Numbers: 0–9; Special characters: ( ) [ ] . / - ' @ _ * ?; Spaces"
 * - MarketplaceProductCodes: "Length: 1-25 characters. Valid characters: Letters (A–Z, a–z) and numbers (0–9)"
 * - MaximumDaysSinceCreated / MaximumDaysSinceDeprecated: "Valid Range: Minimum value of 0. Maximum value of 2147483647."
 * `allowed_image_providers` defaults to every approved provider of the allowlist (which stays the single source
 * of approved publishers: a provider listed here must be one of them; see load.ts).
 */
export const IMAGE_NAME_RE = /^[A-Za-z0-9()[\]./\-'@_*? ]{1,128}$/;
const maxDays = z.number().int().min(0).max(2147483647);
const imageName = z
  .string()
  .regex(IMAGE_NAME_RE, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an Allowed AMIs image name: 1-128 characters, letters, digits, spaces and ( ) [ ] . / - ' @ _ * ? only`,
  })
  .refine((n) => !n.includes('?') || n.length >= 3, { error: (iss) => `${JSON.stringify(iss.input)}: a name with "?" must be at least 3 characters (AWS's limit)` });
export const imageCriterionSchema = z.strictObject({
  allowed_image_providers: z
    .array(
      z.string().refine((p) => /^\d{12}$/.test(p) || (PROVIDER_ALIASES as readonly string[]).includes(p), {
        error: (iss) => `${JSON.stringify(iss.input)} is not a 12-digit account id or one of ${PROVIDER_ALIASES.join(', ')}`,
      }),
    )
    .min(1)
    .max(200)
    .optional(),
  image_names: z.array(imageName).min(1).max(50).optional(),
  marketplace_product_codes: z
    .array(z.string().regex(/^[A-Za-z0-9]{1,25}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a Marketplace product code (1-25 letters and digits)` }))
    .min(1)
    .max(50)
    .optional(),
  creation_date_condition: z.strictObject({ maximum_days_since_created: maxDays }).optional(),
  deprecation_time_condition: z.strictObject({ maximum_days_since_deprecated: maxDays }).optional(),
});
export type ImageCriterionConfig = z.infer<typeof imageCriterionSchema>;

/**
 * Roles that AWS Backup and Amazon Data Lifecycle Manager create and copy AMIs with. DLM's "default role for
 * managing AMIs" is AWSDataLifecycleManagerDefaultRoleForAMIManagement, and "The ARN format of the role differs
 * depending on whether you use the console or the AWS CLI to create it": role/service-role/... from the console,
 * role/... from the CLI (Amazon EBS User Guide, "IAM service roles for Amazon Data Lifecycle Manager"). AWS
 * Backup's console-created default service role is role/service-role/AWSBackupDefaultServiceRole. Every partition.
 */
export const DEFAULT_SCP_EXEMPT_PRINCIPALS = [
  'arn:*:iam::*:role/AWSDataLifecycleManagerDefaultRoleForAMIManagement',
  'arn:*:iam::*:role/service-role/AWSBackupDefaultServiceRole',
  'arn:*:iam::*:role/service-role/AWSDataLifecycleManagerDefaultRoleForAMIManagement',
];
const roleArnPattern = z
  .string()
  .max(2048)
  .regex(/^arn:(\*|aws|aws-cn|aws-us-gov):iam::(\*|\d{12}):role\/[\w+=,.@\-/*?]{1,512}$/, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an IAM role ARN pattern (arn:*:iam::*:role/NAME, * and ? allowed)`,
  });

export const policyConfigSchema = z.strictObject({
  enforcement_mode: z.enum(ENFORCEMENT_MODES, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an enforcement mode; use "audit_mode" or "enabled"`,
  }),
  /** Rendered in reports, remediation items and the message users see when a launch is denied: https only. */
  exception_request_url: z
    .string({ error: 'must be a URL written as a string in quotes ("https://...")' })
    .superRefine((url, ctx) => {
      const problem = exceptionUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Message shown to users whose launch is denied (declarative policy exception_message). */
  exception_message: z.string().max(1024).optional(),
  max_exception_duration_days: z.number().int().positive().default(90),
  expiry_warning_days: z.number().int().nonnegative().default(14),
  /**
   * The IAM role `amigov remediate` assumes in each account (its --role-name default). The generated SCP exempts
   * it (aws:PrincipalArn) from the statement that denies changing AMI launch permissions, so amigov's own
   * make-private fix is not blocked in the accounts where side-loaded public AMIs live.
   */
  remediation_role_name: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name: 1-64 of letters, digits and +=,.@_-')
    .default('amigov-remediation'),
  /** Image block public access state to enforce. */
  image_block_public_access: z.enum(['block_new_sharing', 'unblocked']).default('block_new_sharing'),
  /**
   * Allowed AMIs criteria beyond providers ("The ImageCriteria can include up to: 10 ImageCriterion"). Absent:
   * one criterion with every approved provider, as before.
   */
  image_criteria: z.array(imageCriterionSchema).min(1).max(10).optional(),
  /**
   * aws:PrincipalArn patterns the SCP's AMI creation and sharing denies spare (ArnNotLike): the service roles of
   * AWS Backup and Data Lifecycle Manager by default, whose AMI backups the creation deny would otherwise break.
   */
  scp_exempt_principal_arns: z.array(roleArnPattern).max(50).default(DEFAULT_SCP_EXEMPT_PRINCIPALS),
  /** The tag that marks an AMI approved for production (seed 003). Exact, case-sensitive match. */
  approved_ami_tag: tagMatch.default({ key: 'Environment', values: ['Prod'] }),
  /** Remediation SLA: days a finding of each severity may stay open (from its first run) before it is overdue. */
  remediation_sla_days: z
    .strictObject({
      critical: z.number().int().positive().optional(),
      high: z.number().int().positive().optional(),
      medium: z.number().int().positive().optional(),
      low: z.number().int().positive().optional(),
      info: z.number().int().positive().optional(),
    })
    .default({}),
  /** A waiver (config/waivers.json) whose approved_date to expiry_date is longer is rejected. */
  max_waiver_duration_days: z.number().int().positive().default(90),
  /**
   * The role (name, optionally with its path: "platform/ami-tag-propagation") that propagates approval tags
   * into each production account: the only principal the generated tag policy lets set or remove the approval
   * tag on images (docs/rules/prod-ami-not-tagged.md#propagating-approval-tags).
   */
  tag_propagation_role: z
    .string({ error: 'must be an IAM role name (optionally with its path), in quotes' })
    .regex(/^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an IAM role name (letters, digits and +=,.@_- , optionally after a path like "platform/")` })
    .optional(),
  /** What counts as production: instances with this tag, and/or whole accounts or OUs. */
  production: productionSchema.default({ instance_tag: { key: 'Environment', values: ['Prod'] }, account_ids: [], ou_ids: [] }),
});

/**
 * Who owns an account: the account tags (in AWS Organizations) that name its owner, in order of preference.
 * Organizations: a tag key is 1-128 characters ("Tag keys must be between 1 and 128 characters in length").
 */
export const ownersSchema = z.strictObject({
  tag_keys: z
    .array(z.string().min(1, 'is empty; name a tag key such as "owner"').max(128, 'is longer than 128 characters (the longest tag key AWS allows)'))
    .min(1, 'is empty; name at least one tag key (e.g. ["owner", "team"]), or leave out "owners" to read no account tags')
    .max(20, 'names more than 20 tag keys')
    .refine((keys) => new Set(keys).size === keys.length, { error: 'names a tag key twice' }),
});

export const configSchema = z.strictObject({
  ops_publisher_account: opsPublisherSchema,
  vendor_publisher_accounts: z.array(vendorPublisherSchema).default([]),
  exception_accounts: z.array(exceptionAccountSchema).default([]),
  /** Provider aliases approved as a whole (as in EC2 Allowed AMIs image criteria). */
  provider_aliases: z
    .array(
      z.enum(PROVIDER_ALIASES, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a provider alias; use one of ${PROVIDER_ALIASES.join(', ')}`,
      }),
    )
    .default([]),
  policy_config: policyConfigSchema,
  /** Account tags that name a finding's owner (read with organizations:ListTagsForResource); absent: none read. */
  owners: ownersSchema.optional(),
  /**
   * Free-form notes (version, owner, contact...): any keys and values, since amigov never reads them and so a
   * typo here changes nothing. What it does refuse is a setting put here by mistake (a key in the wrong place).
   */
  metadata: z
    .record(z.string(), z.unknown())
    .superRefine((m, ctx) => {
      for (const key of Object.keys(m)) {
        const home = settingPaths().get(key);
        if (home) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" belongs at ${home}, not in metadata (metadata is free-form notes that amigov ignores); move it there` });
      }
    })
    .optional(),
});

/** Config keys that change what amigov does, by name -> where they belong; a metadata key of that name is a mistake. */
let settingPathsCache: Map<string, string> | undefined;
function settingPaths(): Map<string, string> {
  if (!settingPathsCache) {
    const paths: [string, string][] = [
      ...Object.keys(configSchema.shape).filter((k) => k !== 'metadata').map((k): [string, string] => [k, `$.${k}`]),
      ...Object.keys(policyConfigSchema.shape).map((k): [string, string] => [k, `$.policy_config.${k}`]),
      ...Object.keys(productionSchema.shape).map((k): [string, string] => [k, `$.policy_config.production.${k}`]),
    ];
    settingPathsCache = new Map(paths);
  }
  return settingPathsCache;
}

/** Hosts on which plain http is accepted: a service on the user's own machine (URL.hostname spelling). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a string is not acceptable as policy_config.exception_request_url, or undefined when it is: an
 * absolute https URL (http only for localhost / 127.0.0.1), without credentials, spaces or control
 * characters. The link is rendered in HTML, XLSX and CSV reports and in the declarative policy's message,
 * so a javascript:, data: or file: URL, or one that fools the reader about its host, is refused.
 */
export function exceptionUrlProblem(text: string): string | undefined {
  const q = JSON.stringify(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${q} is not a URL; use an https:// address, e.g. "https://wiki.example.com/ami-exception-request"`;
  }
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(text)) return `${q} contains spaces or control characters; write the address on one line, with a space encoded as %20`;
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'http') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return `${q} uses http; use https:// (http is accepted only for localhost and 127.0.0.1)`;
  } else if (scheme !== 'https') {
    return `${q} is a ${scheme}: URL; use an https:// address (the link is shown in reports and to users whose launch is denied)`;
  }
  if (url.username || url.password) return `${q} carries a user name or password before the host (${url.hostname} is the real host); remove the part before "@"`;
  return undefined;
}

export type PublisherConfig = z.infer<typeof configSchema>;
export type ExceptionAccount = z.infer<typeof exceptionAccountSchema>;
