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
 * - credentials: no credentials or invalid ones, or the SDK could not get or refresh them (e.g. an SSO
 *   session that ended): fatal for the scan, never an account's fault.
 * - expired-credentials: the credentials a request was signed with have expired. Fatal for the scan: every
 *   later call would fail the same way, and reporting it per account would read as "role missing".
 * - sts-region-disabled: STS is not active in the region of the STS endpoint for the account whose role is
 *   being assumed: an account setting, not a missing role.
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
  | 'expired-credentials'
  | 'sts-region-disabled'
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
  'UnrecognizedClientException',
]);

/**
 * Expired credentials, per AWS's documentation:
 * - ExpiredTokenException (common errors of every AWS API, Organizations among them; STS answers the same
 *   condition with the code ExpiredToken): "The security token included in the request is expired." HTTP 403.
 * - RequestExpired ("Error codes for the Amazon EC2 API"): "The request reached the service more than 15
 *   minutes after the date stamp on the request or more than 15 minutes after the request expiration date
 *   (such as for presigned URLs), or the date stamp on the request is more than 15 minutes in the future.
 *   If you're using temporary security credentials, this error can also occur if the credentials have expired."
 */
export const EXPIRED_CREDENTIALS_CODES = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);

/** The SDK's own errors when it cannot find or refresh credentials (no credentials; an SSO session or token that ended). */
const CREDENTIALS_PROVIDER_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);

/**
 * STS AssumeRole, RegionDisabledException (HTTP 403): "STS is not activated in the requested region for the
 * account that is being asked to generate credentials. The account administrator must use the IAM console
 * to activate STS in that region."
 */
export const STS_REGION_DISABLED = 'RegionDisabledException';

const UNSUPPORTED = new Set([
  'InvalidAction',
  'UnsupportedOperation',
  'UnsupportedOperationException',
  'UnknownOperationException',
  'NotImplemented',
  'InvalidRequest.NotSupported',
]);

/**
 * The name of the error amigov raises, without a call, for an action the endpoint already answered as not
 * implemented (src/aws/capabilities.ts).
 */
export const ENDPOINT_UNSUPPORTED = 'EndpointDoesNotSupportAction';

/** Error names the SDK gives when the response held no AWS error code (no error document, or an unparseable body). */
const NO_AWS_CODE = new Set(['Unknown', 'UnknownError', 'Error', 'SyntaxError']);

/**
 * The AWS error code the response's error document named, if it had one: EC2 answers errors as
 * `<Response><Errors><Error><Code>`, the Query protocol (STS) as `<ErrorResponse><Error><Code>`, JSON 1.1
 * (Organizations) as `{"__type": ...}`. A body that is not such a document (an HTML page, plain text, nothing)
 * leaves the SDK with a generic name, a status code as name, or a parse error.
 */
export function awsErrorCode(err: unknown): string | undefined {
  const e = (err ?? {}) as SdkLikeError;
  if (e.Code) return e.Code;
  const name = e.name;
  if (!name || NO_AWS_CODE.has(name) || /^\d{3}$/.test(name)) return undefined;
  return name;
}

/**
 * The endpoint does not implement the action ("capabilities are learned once", issue #18): a code that says so
 * (EC2's InvalidAction: "The action or operation requested is invalid"; UnsupportedOperation; JSON services'
 * UnknownOperationException), HTTP 501, or HTTP 500 whose body is not an AWS error document. AWS itself answers
 * every error with an error document ("Error codes for the Amazon EC2 API": server errors "are usually caused by
 * an AWS server-side issue. These errors are accompanied by a 500-series HTTP response code", always in the
 * Response/Errors/Error shape), so a bare 500 comes from an emulator (moto and LocalStack answer unimplemented
 * actions with HTML 500 or 501). 502, 503 and 504 are not read this way: HTTP defines them as a gateway's
 * failure or a temporary overload (RFC 9110, 15.6.3-15.6.5), so they keep their retries whatever their body.
 */
export function isNotImplemented(err: unknown): boolean {
  const e = (err ?? {}) as SdkLikeError;
  if (e.name === ENDPOINT_UNSUPPORTED) return true;
  const code = awsErrorCode(err);
  if (code !== undefined && UNSUPPORTED.has(code)) return true;
  const status = httpStatus(err);
  return status === 501 || (status === 500 && code === undefined);
}

/** How the endpoint said it does not implement the action, for a degraded reason. */
export function notImplementedDetail(err: unknown): string {
  const e = (err ?? {}) as SdkLikeError & { firstAnswer?: string };
  if (e.name === ENDPOINT_UNSUPPORTED) return `${e.firstAnswer ?? 'not implemented'}; learned from an earlier call, not called again`;
  const code = awsErrorCode(err);
  if (code !== undefined) return code;
  return `HTTP ${httpStatus(err)}${httpStatus(err) === 500 ? ' without an AWS error document' : ''}`;
}

/** The degraded reason of an optional action the endpoint does not implement. */
export function unsupportedReason(action: string, err: unknown): string {
  return `endpoint does not support ${action} (${notImplementedDetail(err)})`;
}

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
  if (CREDENTIALS_PROVIDER_ERRORS.has(code) || /Could not load credentials/i.test(e.message ?? '')) return 'credentials';
  if (EXPIRED_CREDENTIALS_CODES.has(code)) return 'expired-credentials';
  if (THROTTLING_CODES.has(code) || status === 429) return 'throttling';
  if (isNotImplemented(err)) return 'unsupported';
  if (REGION_DISABLED.has(code)) return 'region-disabled';
  if (code === STS_REGION_DISABLED) return 'sts-region-disabled';
  if (ACCESS_DENIED.has(code) || status === 403) return 'access-denied';
  if (/\.NotFound$|^NotFound|NotFoundException$|^InvalidAMIID\.(Malformed|Unavailable)$/.test(code)) return 'not-found';
  if (code === 'TimeoutError' || code === 'RequestTimeout' || code === 'RequestTimeoutException') return 'timeout';
  if (NETWORK_CODES.has(code) || (e.code !== undefined && NETWORK_CODES.has(e.code))) return 'network';
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'server';
  return 'other';
}

/** The credentials the scan runs with are gone: expired, or the SDK can no longer get or refresh them. Stops the scan. */
export function isCredentialFailure(err: unknown): boolean {
  const kind = classifyError(err);
  return kind === 'expired-credentials' || kind === 'credentials';
}

/** The same, for an error code recorded in coverage. */
export function isCredentialFailureCode(code: string | undefined): boolean {
  return code !== undefined && (EXPIRED_CREDENTIALS_CODES.has(code) || CREDENTIALS_PROVIDER_ERRORS.has(code));
}

export function isThrottlingError(err: unknown): boolean {
  return classifyError(err) === 'throttling';
}
