/**
 * What an AWS error means for the scan. The codes come from the EC2, STS and Organizations API references
 * ("Error codes for the Amazon EC2 API", "Common errors") and from how the SDK names transport failures.
 *
 * - access-denied: the credentials are valid but not allowed (missing IAM permission, role not trusted).
 * - unsupported: the endpoint does not implement the action (older partition, LocalStack, moto): the
 *   optional collectors degrade instead of failing.
 * - throttling: rate exceeded; the SDK retries these itself, so one reaching us means retries ran out.
 * - not-found: the resource does not exist (for DescribeImages by id: a deregistered or invisible AMI).
 * - timeout / network / server: transient failures that outlived the retries.
 * - region-disabled: the account has not enabled this opt-in region.
 * - credentials: no credentials or invalid ones (fatal for the caller; access-denied for an assumed role).
 */

import { redactUrlsIn } from '../util/redact.js';

export type ErrorKind =
  | 'access-denied'
  | 'unsupported'
  | 'throttling'
  | 'not-found'
  | 'timeout'
  | 'network'
  | 'server'
  | 'region-disabled'
  | 'credentials'
  | 'aborted'
  | 'other';

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthFailure',
  'Blocked',
  'OptInRequired', // EC2: the account is not subscribed to the service
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'UnrecognizedClientException',
]);

const UNSUPPORTED = new Set([
  'InvalidAction',
  'UnsupportedOperation',
  'UnsupportedOperationException',
  'UnknownOperationException',
  'NotImplemented',
  'InvalidRequest.NotSupported',
]);

/** Throttling codes of EC2 (RequestLimitExceeded), STS (Throttling), Organizations (TooManyRequestsException) and the SDK's list. */
export const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'EC2ThrottledException',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
]);

const REGION_DISABLED = new Set(['InvalidRegion', 'OptInRequiredForRegion']);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNABORTED']);

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $fault?: 'client' | 'server';
}

/** The error's AWS code (e.g. "UnauthorizedOperation"), or the Node/SDK error name for transport failures. */
export function errorCode(err: unknown): string {
  const e = (err ?? {}) as SdkLikeError;
  return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'UnknownError';
}

export function errorMessage(err: unknown): string {
  const e = (err ?? {}) as SdkLikeError;
  const msg = typeof e.message === 'string' && e.message ? e.message : String(err);
  // One line, bounded: messages from endpoints are data, and they end up in reports (without URL credentials).
  return redactUrlsIn(msg.replace(/\s+/g, ' ').trim()).slice(0, 500);
}

export function httpStatus(err: unknown): number | undefined {
  return ((err ?? {}) as SdkLikeError).$metadata?.httpStatusCode;
}

export function classifyError(err: unknown): ErrorKind {
  const e = (err ?? {}) as SdkLikeError;
  const code = errorCode(err);
  const status = httpStatus(err);
  if (code === 'AbortError' || e.name === 'AbortError') return 'aborted';
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) return 'credentials';
  if (THROTTLING_CODES.has(code) || status === 429) return 'throttling';
  if (UNSUPPORTED.has(code) || status === 501) return 'unsupported';
  if (REGION_DISABLED.has(code)) return 'region-disabled';
  if (ACCESS_DENIED.has(code) || status === 403) return 'access-denied';
  if (/\.NotFound$|^NotFound|NotFoundException$|^InvalidAMIID\.(Malformed|Unavailable)$/.test(code)) return 'not-found';
  if (code === 'TimeoutError' || code === 'RequestTimeout' || code === 'RequestTimeoutException') return 'timeout';
  if (NETWORK_CODES.has(code) || (e.code !== undefined && NETWORK_CODES.has(e.code))) return 'network';
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'server';
  return 'other';
}

export function isThrottlingError(err: unknown): boolean {
  return classifyError(err) === 'throttling';
}
