/**
 * Error classification: what each AWS error code means for the scan. The codes and their meaning are from
 * AWS's documentation (quoted in src/aws/errors.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError, type ErrorKind } from '../../src/aws/errors.ts';

/** An error shaped as the SDK throws service errors. */
const sdkError = (name: string, status: number, fault: 'client' | 'server' = 'client') =>
  Object.assign(new Error(`${name} message`), { name, $fault: fault, $metadata: { httpStatusCode: status } });

const table: [string, unknown, ErrorKind][] = [
  // Expired credentials are not "access denied": the role may well exist.
  ['STS ExpiredToken', sdkError('ExpiredToken', 400), 'expired-credentials'],
  ['ExpiredTokenException (Organizations, common errors)', sdkError('ExpiredTokenException', 403), 'expired-credentials'],
  ['EC2 RequestExpired', sdkError('RequestExpired', 400), 'expired-credentials'],
  ['the SDK cannot refresh an SSO session', Object.assign(new Error('The SSO session associated with this profile has expired.'), { name: 'CredentialsProviderError' }), 'credentials'],
  ['the SDK has no SSO token', Object.assign(new Error('Token is expired.'), { name: 'TokenProviderError' }), 'credentials'],
  ['STS RegionDisabledException (403)', sdkError('RegionDisabledException', 403), 'sts-region-disabled'],
  ['Organizations TooManyRequestsException', sdkError('TooManyRequestsException', 400), 'throttling'],
  ['EC2 RequestLimitExceeded', sdkError('RequestLimitExceeded', 503, 'server'), 'throttling'],
  ['STS AccessDenied', sdkError('AccessDenied', 403), 'access-denied'],
  ['EC2 UnauthorizedOperation', sdkError('UnauthorizedOperation', 403), 'access-denied'],
  ['EC2 AuthFailure', sdkError('AuthFailure', 401), 'access-denied'],
  ['EC2 InternalError', sdkError('InternalError', 500, 'server'), 'server'],
  // Not implemented by the endpoint (issue #18): learned once, never retried.
  ['EC2 InvalidAction', sdkError('InvalidAction', 400), 'unsupported'],
  ['UnknownOperationException (JSON services)', sdkError('UnknownOperationException', 400), 'unsupported'],
  ['HTTP 501', sdkError('Unknown', 501, 'server'), 'unsupported'],
  ['HTML 500: the SDK found no error document (EC2/STS)', sdkError('Unknown', 500, 'server'), 'unsupported'],
  ['HTML 500: the SDK could not parse the body (Organizations)', Object.assign(new Error('Unexpected token'), { name: 'SyntaxError', $metadata: { httpStatusCode: 500 } }), 'unsupported'],
  ['HTML 503 from a gateway stays transient', sdkError('Unknown', 503, 'server'), 'server'],
];

for (const [what, err, kind] of table) {
  test(`${what} -> ${kind}`, () => {
    assert.equal(classifyError(err), kind);
  });
}
