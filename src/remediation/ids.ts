/**
 * Strict validators for the only values interpolated into commands unquoted. An id that fails here did
 * not come from AWS (a tampered or hand-edited inventory, or a bug): that is an internal error, never a
 * reason to emit a command.
 */

export class InvalidIdentifierError extends Error {
  override readonly name = 'InvalidIdentifierError';
  constructor(kind: string, value: unknown) {
    super(`refusing to build a command: ${JSON.stringify(value)} is not a valid ${kind}`);
  }
}

const PATTERNS = {
  'AMI id': /^ami-[0-9a-f]{8,17}$/,
  'instance id': /^i-[0-9a-f]{8,17}$/,
  'launch template id': /^lt-[0-9a-f]{8,17}$/,
  'account id': /^\d{12}$/,
  // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, ap-southeast-7, mx-central-1
  region: /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/,
  'launch template version': /^[1-9]\d{0,9}$/,
} as const;

export type IdKind = keyof typeof PATTERNS;

export function isValidId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && PATTERNS[kind].test(value);
}

export function assertId(kind: IdKind, value: unknown): string {
  if (!isValidId(kind, value)) throw new InvalidIdentifierError(kind, value);
  return value;
}

export const imageId = (v: unknown) => assertId('AMI id', v);
export const instanceId = (v: unknown) => assertId('instance id', v);
export const launchTemplateId = (v: unknown) => assertId('launch template id', v);
export const accountId = (v: unknown) => assertId('account id', v);
export const region = (v: unknown) => assertId('region', v);
