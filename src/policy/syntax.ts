/**
 * The documented syntax of the three policy languages amigov writes, as zod schemas. The generator checks
 * its own output against them before writing, and `policy validate` checks files (possibly hand-edited)
 * against the same schemas, so "what AWS accepts" is written down once.
 *
 * Sources: AWS Organizations "Declarative policy syntax and examples" and "Policy syntax and inheritance
 * for management policy types" (value-setting operators @@assign / @@append / @@remove, child-control
 * operator @@operators_allowed_for_child_policies); "SCP syntax" (IAM grammar without Principal); EC2 API
 * reference ReplaceImageCriteriaInAllowedImagesSettings / ImageCriterionRequest.
 */
import { z } from 'zod';
import { IMAGE_NAME_RE } from '../config/schema.js';

/** Organizations quota: maximum size of a declarative policy document, in characters. */
export const DECLARATIVE_POLICY_MAX_CHARS = 10_000;
/** Organizations quota: maximum size of a service control policy document, in characters. */
export const SCP_MAX_CHARS = 5_120;
/** IAM quota: maximum size of a customer managed policy (IAM does not count whitespace). */
export const IAM_MANAGED_POLICY_MAX_CHARS = 6_144;
/** Allowed AMIs: at most 10 image criteria ... */
export const MAX_IMAGE_CRITERIA = 10;
/** ... with at most 200 image providers each ... */
export const MAX_PROVIDERS_PER_CRITERION = 200;
/** ... 50 image names and 50 Marketplace product codes (ImageCriterionRequest). */
export const MAX_NAMES_PER_CRITERION = 50;
export const MAX_PRODUCT_CODES_PER_CRITERION = 50;

// ---------------------------------------------------------------------------------------------------
// Declarative policy for EC2 (policy type DECLARATIVE_POLICY_EC2)
// ---------------------------------------------------------------------------------------------------

const CHILD_OPERATORS = ['@@assign', '@@append', '@@remove', '@@none'] as const;
const childControl = z.array(z.enum(CHILD_OPERATORS)).min(1).optional();

/**
 * A leaf value in a management policy: an object holding exactly one value-setting operator
 * (and optionally the child-control operator). A bare value (`"state": "enabled"`) is not valid syntax.
 */
function operatorValue<T extends z.ZodType>(value: T) {
  return z
    .strictObject({
      '@@assign': value.optional(),
      '@@append': value.optional(),
      '@@remove': value.optional(),
      '@@operators_allowed_for_child_policies': childControl,
    })
    .refine((v) => ['@@assign', '@@append', '@@remove'].filter((k) => (v as Record<string, unknown>)[k] !== undefined).length === 1, {
      error: 'must hold exactly one value-setting operator: {"@@assign": ...} (or @@append / @@remove)',
    });
}

/** Provider values as the declarative policy spells them: underscores, not the API's hyphens. */
export const DECLARATIVE_PROVIDER_ALIASES = ['amazon', 'aws_marketplace', 'aws_backup_vault'] as const;
export const declarativeProvider = z.string().refine((s) => /^\d{12}$/.test(s) || (DECLARATIVE_PROVIDER_ALIASES as readonly string[]).includes(s), {
  error: (iss) => {
    const s = String(iss.input);
    const hint = s.includes('-') && /^aws-/.test(s) ? ` (declarative policies spell it ${s.replace(/-/g, '_')})` : '';
    return `${JSON.stringify(iss.input)} is not an image provider: use a 12-digit account id or one of ${DECLARATIVE_PROVIDER_ALIASES.join(', ')}${hint}`;
  },
});

export const CRITERIA_KEY_RE = /^criteria_([1-9]|10)$/;

/**
 * "none: Allow AMIs created by your own account only. When none is specified, no other values can be
 * specified." (ImageCriterionRequest.ImageProviders)
 */
const noneAlone = (list: string[]) => !list.includes('none') || list.length === 1;
const NONE_ALONE = '"none" (own account only) cannot be combined with other providers';
const imageNames = z.array(z.string().regex(IMAGE_NAME_RE, 'is not an image name (1-128 letters, digits, spaces and ( ) [ ] . / - \' @ _ * ?)')).min(1).max(MAX_NAMES_PER_CRITERION);
const productCodes = z.array(z.string().regex(/^[A-Za-z0-9]{1,25}$/, 'is not a product code (1-25 letters and digits)')).min(1).max(MAX_PRODUCT_CODES_PER_CRITERION);
const days = z.number().int().min(0).max(2147483647);

const imageCriterion = z.strictObject({
  '@@operators_allowed_for_child_policies': childControl,
  allowed_image_providers: operatorValue(
    z.array(z.union([declarativeProvider, z.literal('none')])).min(1).max(MAX_PROVIDERS_PER_CRITERION).refine(noneAlone, NONE_ALONE),
  ).optional(),
  image_names: operatorValue(imageNames).optional(),
  marketplace_product_codes: operatorValue(productCodes).optional(),
  creation_date_condition: z.strictObject({ maximum_days_since_created: operatorValue(days) }).optional(),
  deprecation_time_condition: z.strictObject({ maximum_days_since_deprecated: operatorValue(days) }).optional(),
});

const imageCriteria = z
  .record(z.string(), z.unknown())
  .superRefine((obj, ctx) => {
    const keys = Object.keys(obj).filter((k) => k !== '@@operators_allowed_for_child_policies');
    if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'must hold at least one criteria_N' });
    if (keys.length > MAX_IMAGE_CRITERIA) ctx.addIssue({ code: 'custom', message: `holds ${keys.length} criteria; at most ${MAX_IMAGE_CRITERIA} are allowed` });
    for (const k of keys) {
      if (!CRITERIA_KEY_RE.test(k)) {
        ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" is not a criteria key; use criteria_1 .. criteria_10` });
        continue;
      }
      const r = imageCriterion.safeParse(obj[k]);
      if (!r.success) for (const iss of r.error.issues) ctx.addIssue({ ...iss, path: [k, ...iss.path] } as never);
    }
  });

export const declarativePolicySchema = z.strictObject({
  ec2_attributes: z.strictObject({
    '@@operators_allowed_for_child_policies': childControl,
    exception_message: operatorValue(z.string().min(1)).optional(),
    image_block_public_access: z
      .strictObject({
        '@@operators_allowed_for_child_policies': childControl,
        state: operatorValue(z.enum(['unblocked', 'block_new_sharing'])),
      })
      .optional(),
    allowed_images_settings: z
      .strictObject({
        '@@operators_allowed_for_child_policies': childControl,
        state: operatorValue(
          z.enum(['enabled', 'audit_mode', 'disabled'], {
            error: (iss) => `${JSON.stringify(iss.input)} is not an Allowed AMIs state; use "enabled", "audit_mode" (underscore in declarative policies) or "disabled"`,
          }),
        ),
        image_criteria: imageCriteria.optional(),
      })
      .optional(),
    // Other EC2 attributes a declarative policy may carry; amigov neither writes nor checks them.
    vpc_block_public_access: z.unknown().optional(),
    serial_console_access: z.unknown().optional(),
    instance_metadata_defaults: z.unknown().optional(),
    snapshot_block_public_access: z.unknown().optional(),
  }),
});
export type DeclarativePolicy = z.infer<typeof declarativePolicySchema>;

// ---------------------------------------------------------------------------------------------------
// IAM policy grammar (SCPs and identity policies)
// ---------------------------------------------------------------------------------------------------

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const conditionBlock = z.record(z.string().min(1), z.record(z.string().min(1), z.union([z.string(), z.boolean(), z.array(z.string()).min(1)])));

/** A policy statement. Principal/NotPrincipal are rejected: SCPs may not hold them, identity policies need not. */
function statementSchema() {
  return z
    .strictObject({
      Sid: z.string().regex(/^[A-Za-z0-9]+$/, 'Sid may hold only letters and digits').optional(),
      Effect: z.enum(['Allow', 'Deny']),
      Action: stringOrList.optional(),
      NotAction: stringOrList.optional(),
      Resource: stringOrList.optional(),
      NotResource: stringOrList.optional(),
      Condition: conditionBlock.optional(),
    })
    .superRefine((s, ctx) => {
      if ((s.Action === undefined) === (s.NotAction === undefined)) ctx.addIssue({ code: 'custom', message: 'needs exactly one of Action or NotAction' });
      if ((s.Resource === undefined) === (s.NotResource === undefined)) ctx.addIssue({ code: 'custom', message: 'needs exactly one of Resource or NotResource' });
    });
}

/** SCP: the IAM grammar without Principal/NotPrincipal (the strict statement object rejects them). */
export const scpSchema = z.strictObject({
  Version: z.literal('2012-10-17', { error: 'must be "2012-10-17"' }),
  Id: z.string().optional(),
  Statement: z.array(statementSchema()).min(1),
});
export type Scp = z.infer<typeof scpSchema>;
export type IamStatement = Scp['Statement'][number];

export const iamPolicySchema = z.strictObject({
  Version: z.literal('2012-10-17', { error: 'must be "2012-10-17"' }),
  Id: z.string().optional(),
  Statement: z.array(statementSchema()).min(1),
});
export type IamPolicy = z.infer<typeof iamPolicySchema>;

// ---------------------------------------------------------------------------------------------------
// `aws ec2 replace-image-criteria-in-allowed-images-settings --cli-input-json` input
// ---------------------------------------------------------------------------------------------------

export const API_PROVIDER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'] as const;
const apiProvider = z.string().refine((s) => /^\d{12}$/.test(s) || (API_PROVIDER_ALIASES as readonly string[]).includes(s), {
  error: (iss) => `${JSON.stringify(iss.input)} is not an image provider: use a 12-digit account id or one of ${API_PROVIDER_ALIASES.join(', ')} (hyphens in the API)`,
});

export const cliCriteriaInputSchema = z.strictObject({
  ImageCriteria: z
    .array(
      z.strictObject({
        ImageProviders: z.array(z.union([apiProvider, z.literal('none')])).min(1).max(MAX_PROVIDERS_PER_CRITERION).refine(noneAlone, NONE_ALONE).optional(),
        ImageNames: imageNames.optional(),
        MarketplaceProductCodes: productCodes.optional(),
        CreationDateCondition: z.strictObject({ MaximumDaysSinceCreated: days }).optional(),
        DeprecationTimeCondition: z.strictObject({ MaximumDaysSinceDeprecated: days }).optional(),
      }),
    )
    .min(1)
    .max(MAX_IMAGE_CRITERIA),
  DryRun: z.boolean().optional(),
});
export type CliCriteriaInput = z.infer<typeof cliCriteriaInputSchema>;

/** Formats zod issues as "$.a.b: message" lines for error output. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((iss) => {
    const path = '$' + iss.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `${path}: ${iss.message}`;
  });
}
