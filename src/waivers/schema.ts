/**
 * Schema of config/waivers.json: findings a team accepts knowingly, each until a date. Strict like the
 * publisher config: an unknown key is an error (a misspelt `acounts` would otherwise widen a waiver to every
 * account of its rule). See docs/configuration.md "Waivers".
 */
import { z } from 'zod';
import { isIsoDate } from '../util/dates.js';

export { DEFAULT_WAIVERS_PATH } from './names.js';

const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isIsoDate, { error: (iss) => `${JSON.stringify(iss.input)} is not a date written YYYY-MM-DD` });

/** `*` (any run of characters) and `?` (one character); everything else is literal. */
const pattern = (what: string, chars: RegExp, example: string) =>
  z
    .string({ error: `must be a string, e.g. "${example}"` })
    .min(1)
    .refine((s) => chars.test(s), { error: (iss) => `${JSON.stringify(iss.input)} is not ${what} pattern (e.g. "${example}"; * and ? are wildcards)` });

const patterns = (what: string, chars: RegExp, example: string) => z.array(pattern(what, chars, example)).min(1, { error: 'lists no pattern; leave the key out instead' });

export const waiverSchema = z.strictObject({
  /** Names the waiver in reports and in `amigov config check`. */
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'must be letters, digits, ".", "_" or "-", e.g. "WVR-2026-001"' }),
  /** One finding, by its id (findings.json `id`: 16 hex digits, stable across runs). */
  finding_id: z.string().regex(/^[0-9a-f]{16}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a finding id (16 hex digits, as in findings.json)` }).optional(),
  /** Or a rule, narrowed by at least one of the patterns below (each given list must match). */
  rule: z.string().min(1).optional(),
  accounts: patterns('an account id', /^[0-9*?]{1,12}$/, '111122223333').optional(),
  /** OU or root ids; a finding matches when its account sits in that OU or below it. */
  ous: patterns('an OU id', /^(ou-|r-|[*?])[0-9a-z*?-]*$/, 'ou-ab12-34cd5678').optional(),
  resources: patterns('a resource id', /^[\x21-\x7e]+$/, 'i-0123456789abcdef0').optional(),
  images: patterns('an image id', /^(ami-|[*?])[0-9a-f*?]*$/, 'ami-0123456789abcdef0').optional(),
  reason: z.string().min(1),
  ticket: z.string().min(1),
  approved_by: z.string().min(1),
  approved_date: isoDate,
  /** Last day the waiver is valid (inclusive, UTC), like an exception's expiry_date. */
  expiry_date: isoDate,
});

export const waiversFileSchema = z.strictObject({
  waivers: z.array(waiverSchema),
  /** Free-form notes for people; amigov never reads them. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type Waiver = z.infer<typeof waiverSchema>;
export type WaiversFile = z.infer<typeof waiversFileSchema>;
