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
  /** Image block public access state to enforce. */
  image_block_public_access: z.enum(['block_new_sharing', 'unblocked']).default('block_new_sharing'),
  /** The tag that marks an AMI approved for production (seed 003). Exact, case-sensitive match. */
  approved_ami_tag: tagMatch.default({ key: 'Environment', values: ['Prod'] }),
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
