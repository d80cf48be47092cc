import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl, redactUrlsIn } from '../../src/util/redact.ts';
import { effectiveEndpoint } from '../../src/aws/clients.ts';
import { errorMessage } from '../../src/aws/errors.ts';
import { recordedParameters, SCAN_DEFAULTS, validateScanOptions } from '../../src/scan/options.ts';
import { UserError } from '../../src/errors.ts';

test('redactUrl removes user and password, keeps everything else', () => {
  assert.equal(redactUrl('http://user:secret@127.0.0.1:4566/'), 'http://127.0.0.1:4566/');
  assert.equal(redactUrl('https://token@proxy.example:8443/aws?x=1#f'), 'https://proxy.example:8443/aws?x=1#f');
  assert.equal(redactUrl('http://:secret@h/'), 'http://h/');
  assert.equal(redactUrl('http://127.0.0.1:4566'), 'http://127.0.0.1:4566', 'no userinfo: unchanged, not normalized');
  assert.equal(redactUrl('not a url'), 'not a url');
  assert.equal(redactUrl('http://u:secret@[bad'), 'http://[bad', 'unparsable: the userinfo is still cut');
});

test('redactUrlsIn: every URL of a message loses its userinfo; e-mail addresses stay', () => {
  assert.equal(
    redactUrlsIn('connect to http://u:secret@10.0.0.1:4566/ failed (see https://x:y@h/p), ask ops@example.com'),
    'connect to http://10.0.0.1:4566/ failed (see https://h/p), ask ops@example.com',
  );
  assert.equal(redactUrlsIn('no urls here'), 'no urls here');
});

test('the run record never carries endpoint credentials: flag, AWS_ENDPOINT_URL, service variable, parameters, errors', () => {
  assert.equal(effectiveEndpoint({ endpointUrl: 'http://u:secret@127.0.0.1:1/' }, 'EC2', {}), 'http://127.0.0.1:1/');
  assert.equal(effectiveEndpoint({}, 'EC2', { AWS_ENDPOINT_URL: 'http://u:secret@127.0.0.1:2/' }), 'http://127.0.0.1:2/');
  assert.equal(effectiveEndpoint({}, 'STS', { AWS_ENDPOINT_URL_STS: 'http://u:secret@127.0.0.1:3/' }), 'http://127.0.0.1:3/');
  assert.equal(effectiveEndpoint({}, 'EC2', {}), null);
  const params = recordedParameters({ ...SCAN_DEFAULTS, configPath: 'c.json', asOf: '2026-01-01', endpointUrl: 'http://u:secret@127.0.0.1:4/' });
  assert.equal(params.endpointUrl, 'http://127.0.0.1:4/');
  assert.doesNotMatch(JSON.stringify(params), /secret/);
  assert.doesNotMatch(errorMessage(new Error('getaddrinfo ENOTFOUND for http://u:secret@nowhere.invalid/\n at x')), /secret/);
  assert.throws(
    () => validateScanOptions({ ...SCAN_DEFAULTS, configPath: 'c.json', asOf: '2026-01-01', endpointUrl: 'ftp://u:secret@h/' }),
    (e: unknown) => e instanceof UserError && /ftp:\/\/h\//.test(e.message) && !/secret/.test(e.message),
  );
});
