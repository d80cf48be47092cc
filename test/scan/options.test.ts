import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toScanOptions } from '../../src/pipeline/scan-plan.ts';
import { newRunId, RUN_ID_RE } from '../../src/scan/run-id.ts';
import { sessionNameFor, normaliseRolePath, roleArn, partitionOf } from '../../src/aws/credentials.ts';
import { classifyError } from '../../src/aws/errors.ts';
import { effectiveEndpoint } from '../../src/aws/clients.ts';
import { UserError, EXIT } from '../../src/errors.ts';

const RUN = '2026-11-23T10-15-00Z-3f9c';

function usageError(fn: () => unknown, re: RegExp) {
  assert.throws(fn, (err: unknown) => err instanceof UserError && err.exitCode === EXIT.USAGE && re.test(err.message));
}

test('flags become scan options with the documented defaults', () => {
  const o = toScanOptions({}, RUN);
  assert.equal(o.roleName, 'OrganizationAccountAccessRole');
  assert.equal(o.rolePath, '/');
  assert.equal(o.organizations, true);
  assert.equal(o.concurrency, 32);
  assert.equal(o.sessionDurationSeconds, 3600);
  assert.equal(o.requestTimeoutMs, 30_000);
  assert.equal(o.configPath, 'config/ami_publishers.json');
  const p = toScanOptions({ accounts: '111111111111, 222222222222,111111111111', regions: 'us-east-1,eu-west-1', ou: ['ou-ab12-cdef1234,r-ab12'], timeout: '0.5' }, RUN);
  assert.deepEqual(p.accounts, ['111111111111', '222222222222']);
  assert.deepEqual(p.regions, ['us-east-1', 'eu-west-1']);
  assert.deepEqual(p.ous, ['ou-ab12-cdef1234', 'r-ab12']);
  assert.equal(p.requestTimeoutMs, 500);
});

test('bad flags are usage errors that name the flag', () => {
  usageError(() => toScanOptions({ accounts: '12345' }, RUN), /--accounts: "12345" is not a 12-digit/);
  usageError(() => toScanOptions({ regions: 'mars-1' }, RUN), /--regions/);
  usageError(() => toScanOptions({ ou: ['ou-x'] }, RUN), /--ou/);
  usageError(() => toScanOptions({ asOf: '2026-02-30' }, RUN), /--as-of/);
  usageError(() => toScanOptions({ organizations: false }, RUN), /--no-organizations needs --accounts/);
  usageError(() => toScanOptions({ sessionDuration: '60' }, RUN), /--session-duration/);
  usageError(() => toScanOptions({ concurrency: 'many' }, RUN), /--concurrency/);
  usageError(() => toScanOptions({ concurrency: '0' }, RUN), /--concurrency/);
  usageError(() => toScanOptions({ roleName: 'bad role' }, RUN), /--role-name/);
  usageError(() => toScanOptions({ rolePath: 'no-slashes' }, RUN), /--role-path/);
  usageError(() => toScanOptions({ endpointUrl: 'ftp://x' }, RUN), /--endpoint-url/);
  usageError(() => toScanOptions({ allowPartial: true, failOnPartial: true }, RUN), /contradict/);
});

test('run ids sort by time and make valid STS session names', () => {
  const a = newRunId(new Date('2026-01-02T03:04:05.678Z'));
  const b = newRunId(new Date('2026-01-02T03:04:06.000Z'));
  assert.match(a, RUN_ID_RE);
  assert.ok(a.startsWith('2026-01-02T03-04-05Z-'));
  assert.ok(a < b);
  const name = sessionNameFor(a);
  assert.match(name, /^[\w+=,.@-]{2,64}$/);
  assert.equal(name, `amigov-${a}`);
  const long = sessionNameFor('x'.repeat(100) + ':/?');
  assert.equal(long.length, 64);
  assert.match(long, /^[\w+=,.@-]+$/);
});

test('role ARNs honour path and partition', () => {
  assert.equal(normaliseRolePath('amigov'), '/amigov/');
  assert.equal(normaliseRolePath('/'), '/');
  assert.equal(partitionOf('arn:aws-us-gov:iam::111111111111:user/x'), 'aws-us-gov');
  assert.equal(partitionOf(undefined), 'aws');
  assert.equal(roleArn({ partition: 'aws', accountId: '111111111111', rolePath: '/a/', roleName: 'R' }), 'arn:aws:iam::111111111111:role/a/R');
});

test('errors are classified as AWS documents them', () => {
  const e = (name: string, status = 400, fault: 'client' | 'server' = 'client') => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status }, $fault: fault });
  assert.equal(classifyError(e('UnauthorizedOperation', 403)), 'access-denied');
  assert.equal(classifyError(e('AccessDenied', 403)), 'access-denied');
  assert.equal(classifyError(e('AuthFailure', 401)), 'access-denied');
  assert.equal(classifyError(e('InvalidAction')), 'unsupported');
  assert.equal(classifyError(e('UnsupportedOperation')), 'unsupported');
  assert.equal(classifyError(e('UnknownOperationException')), 'unsupported');
  assert.equal(classifyError(e('Whatever', 501, 'server')), 'unsupported');
  assert.equal(classifyError(e('RequestLimitExceeded', 503)), 'throttling');
  assert.equal(classifyError(e('TooManyRequestsException')), 'throttling');
  assert.equal(classifyError(e('InvalidAMIID.NotFound')), 'not-found');
  assert.equal(classifyError(e('InternalError', 500, 'server')), 'server');
  assert.equal(classifyError(e('TimeoutError', 0)), 'timeout');
});

test('endpoint precedence: flag, service variable, AWS_ENDPOINT_URL', () => {
  assert.equal(effectiveEndpoint({ endpointUrl: 'http://a' }, 'EC2', { AWS_ENDPOINT_URL: 'http://b' }), 'http://a');
  assert.equal(effectiveEndpoint({}, 'EC2', { AWS_ENDPOINT_URL: 'http://b', AWS_ENDPOINT_URL_EC2: 'http://c' }), 'http://c');
  assert.equal(effectiveEndpoint({}, 'STS', { AWS_ENDPOINT_URL: 'http://b', AWS_ENDPOINT_URL_EC2: 'http://c' }), 'http://b');
  assert.equal(effectiveEndpoint({}, 'EC2', {}), null);
});
