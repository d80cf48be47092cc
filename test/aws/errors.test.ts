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
];

for (const [what, err, kind] of table) {
  test(`${what} -> ${kind}`, () => {
    assert.equal(classifyError(err), kind);
  });
}
