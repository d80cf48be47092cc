import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.ts';
import { assumedRoleProvider } from '../../src/aws/credentials.ts';
import { makeStsClient } from '../../src/aws/clients.ts';
import { ApiMetrics } from '../../src/aws/metrics.ts';
import { miniOrg, PROD, useSandboxCredentials } from '../scan/helpers.ts';

test('AssumeRole credentials are shared, and refreshed only once they come near expiry', async () => {
  const sb = await startSandbox({ fixture: miniOrg() });
  useSandboxCredentials(sb.credentials);
  const metrics = new ApiMetrics();
  const sts = makeStsClient({ endpointUrl: sb.endpoint, maxAttempts: 2, requestTimeoutMs: 5000 }, 'us-east-1', undefined, metrics);
  let now = Date.now();
  try {
    const provider = assumedRoleProvider(
      sts,
      { accountId: PROD, roleName: 'OrganizationAccountAccessRole', rolePath: '/', sessionName: 'amigov-test', durationSeconds: 900, partition: 'aws' },
      { now: () => now },
    );
    // Concurrent first use: one AssumeRole.
    const [a, b] = await Promise.all([provider(), provider()]);
    assert.equal(a.accessKeyId, b.accessKeyId);
    assert.ok(a.sessionToken && a.expiration);
    const lifetime = a.expiration!.getTime() - now;
    assert.ok(lifetime > 800_000 && lifetime <= 905_000, `session of ${lifetime} ms for DurationSeconds=900`);
    assert.equal((await provider()).accessKeyId, a.accessKeyId);
    assert.equal(metrics.calls.get('sts:AssumeRole'), 1);
    // Within the margin (half of a 15-minute session): assumed again, new keys.
    now = a.expiration!.getTime() - 400_000;
    const c = await provider();
    assert.notEqual(c.accessKeyId, a.accessKeyId);
    assert.equal(metrics.calls.get('sts:AssumeRole'), 2);
    // A role that doesn't exist: AccessDenied, as STS answers it.
    const denied = assumedRoleProvider(sts, { accountId: '500000000005', roleName: 'OrganizationAccountAccessRole', rolePath: '/', sessionName: 'amigov-test', durationSeconds: 900, partition: 'aws' });
    await assert.rejects(denied(), (err: Error) => err.name === 'AccessDenied');
  } finally {
    sts.destroy();
    await sb.close();
  }
});
