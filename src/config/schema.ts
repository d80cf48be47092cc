/**
 * Schema of config/ami_publishers.json, the allowlist's single source of truth.
 * Field names follow the seed system's file (snake_case), so the same file drives both.
 */
import { z } from 'zod';
import { isIsoDate } from '../util/dates.js';

/** Provider aliases that EC2 Allowed AMIs accepts besides account ids. */
export const PROVIDER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'] as const;
export type ProviderAlias = (typeof PROVIDER_ALIASES)[number];

export const ENFORCEMENT_MODES = ['audit_mode', 'enabled'] as const;
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];

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

export const opsPublisherSchema = z.looseObject({
  account_id: accountId,
  name: z.string().min(1).default('Ops golden AMI publisher'),
  description: z.string().optional(),
});

export const vendorPublisherSchema = z.looseObject({
  account_id: accountId,
  vendor: z.string().min(1),
  description: z.string().optional(),
});

export const exceptionAccountSchema = z.looseObject({
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

export const policyConfigSchema = z.looseObject({
  enforcement_mode: z.enum(ENFORCEMENT_MODES, {
    error: (iss) => `${JSON.stringify(iss.input)} is not an enforcement mode; use "audit_mode" or "enabled"`,
  }),
  exception_request_url: z.url({ error: 'must be a URL (https://...)' }),
  /** Message shown to users whose launch is denied (declarative policy exception_message). */
  exception_message: z.string().max(1024).optional(),
  max_exception_duration_days: z.number().int().positive().default(90),
  expiry_warning_days: z.number().int().nonnegative().default(14),
  /** Image block public access state to enforce. */
  image_block_public_access: z.enum(['block_new_sharing', 'unblocked']).default('block_new_sharing'),
  /** The tag that marks an AMI approved for production (seed 003). Exact, case-sensitive match. */
  approved_ami_tag: tagMatch.default({ key: 'Environment', values: ['Prod'] }),
  /** What counts as production: instances with this tag, and/or whole accounts or OUs. */
  production: z
    .strictObject({
      instance_tag: tagMatch.default({ key: 'Environment', values: ['Prod'] }),
      account_ids: z.array(accountId).default([]),
      ou_ids: z.array(z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'is not an OU id (ou-xxxx-yyyyyyyy)')).default([]),
    })
    .default({ instance_tag: { key: 'Environment', values: ['Prod'] }, account_ids: [], ou_ids: [] }),
});

export const configSchema = z.looseObject({
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
  metadata: z.looseObject({}).optional(),
});

export type PublisherConfig = z.infer<typeof configSchema>;
export type ExceptionAccount = z.infer<typeof exceptionAccountSchema>;
