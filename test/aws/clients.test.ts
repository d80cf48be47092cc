/**
 * Per-client and per-call work the scanner leaves out (issue #18, CPU per call): the SDK's logger middleware, and
 * config lookups every client would otherwise repeat once the scan has resolved them.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { makeAutoScalingClient, makeEc2Client, makeOrganizationsClient, makeStsClient, resolveClientDefaults, type AwsSettings } from '../../src/aws/clients.ts';
import { ApiMetrics } from '../../src/aws/metrics.ts';
import { linkedSignal } from '../../src/scan/scanner.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const settings = (extra: Partial<AwsSettings> = {}): AwsSettings => ({ maxAttempts: 3, requestTimeoutMs: 1000, endpointUrl: 'http://127.0.0.1:1', ...extra });

describe('SDK clients', () => {
  const saved = process.env.AWS_SDK_UA_APP_ID;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_SDK_UA_APP_ID;
    else process.env.AWS_SDK_UA_APP_ID = saved;
  });

  it('leave out the logger middleware (amigov gives no logger) and keep the call counting', () => {
    const m = new ApiMetrics();
    for (const c of [
      makeEc2Client(settings(), 'us-east-1', credentials, m),
      makeStsClient(settings(), 'us-east-1', credentials, m),
      makeOrganizationsClient(settings(), 'us-east-1', credentials, m),
      makeAutoScalingClient(settings(), 'us-east-1', credentials, m),
    ]) {
      const names = c.middlewareStack.identify().join('\n');
      assert.doesNotMatch(names, /loggerMiddleware/);
      assert.match(names, /amigovCountCalls/);
      assert.match(names, /amigovCountAttempts/);
    }
  });

  it('resolve the user-agent app id and the auth scheme preference once per scan, not per client', async () => {
    process.env.AWS_SDK_UA_APP_ID = 'team-a';
    const probe = makeEc2Client(settings(), 'us-east-1', credentials, new ApiMetrics());
    const defaults = await resolveClientDefaults(probe);
    assert.equal(defaults.userAgentAppId, 'team-a');
    assert.deepEqual(defaults.authSchemePreference, []);
    // A client built with the scan's defaults answers from them: it no longer reads the environment.
    process.env.AWS_SDK_UA_APP_ID = 'changed';
    const c = makeEc2Client(settings({ clientDefaults: defaults }), 'eu-west-1', credentials, new ApiMetrics());
    assert.equal(await c.config.userAgentAppId(), 'team-a');

    delete process.env.AWS_SDK_UA_APP_ID;
    const none = await resolveClientDefaults(makeEc2Client(settings(), 'us-east-1', credentials, new ApiMetrics()));
    assert.equal('userAgentAppId' in none, false);
    process.env.AWS_SDK_UA_APP_ID = 'set-later';
    const c2 = makeEc2Client(settings({ clientDefaults: none }), 'eu-west-1', credentials, new ApiMetrics());
    assert.equal(await c2.config.userAgentAppId(), undefined);
  });
});

describe('linkedSignal (one abort listener on the scan signal per unit)', () => {
  it('aborts with its parent, with the same reason, and removes its listener when disposed', () => {
    const parent = new AbortController();
    const a = linkedSignal(parent.signal);
    const b = linkedSignal(parent.signal);
    assert.equal(getEventListeners(parent.signal, 'abort').length, 2);
    b.dispose();
    assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
    parent.abort();
    assert.equal(a.signal.aborted, true);
    assert.equal(a.signal.reason, parent.signal.reason);
    assert.equal(b.signal.aborted, false);
  });

  it('is aborted at once when its parent already is', () => {
    const parent = new AbortController();
    parent.abort();
    assert.equal(linkedSignal(parent.signal).signal.aborted, true);
  });
});
