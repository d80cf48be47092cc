/** `amigov config check` and `amigov policy generate` on a config with a typo: exit 2, nothing written. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, seedRaw, tempDir, writeJson } from '../policy/helpers.ts';

function typoConfig(): string {
  const raw = seedRaw();
  raw.vendor_publishers = raw.vendor_publisher_accounts;
  delete raw.vendor_publisher_accounts;
  return writeJson(join(tempDir(), 'typo.json'), raw);
}

test('config check on a misspelt key: exit 2, names the key, its path and the right spelling', async () => {
  const cfg = typoConfig();
  const r = await runCli('config', 'check', '--config', cfg, '--as-of', '2026-02-01');
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /✓ OK|Approved providers/);
  assert.match(r.stderr, /typo\.json: invalid configuration/);
  assert.match(r.stderr, /\$\.vendor_publishers: unknown key "vendor_publishers"; did you mean "vendor_publisher_accounts"\?/);
});

test('policy generate on a misspelt key: exit 2 and writes no policy', async () => {
  const cfg = typoConfig();
  const out = tempDir();
  const r = await runCli('policy', 'generate', '--config', cfg, '--as-of', '2026-02-01', '--out', out);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /did you mean "vendor_publisher_accounts"\?/);
  assert.deepEqual(readdirSync(out), []);
});

test('policy generate on a javascript: exception URL: exit 2 and writes nothing', async () => {
  const raw = seedRaw();
  raw.policy_config.exception_request_url = 'javascript:alert(1)';
  const cfg = writeJson(join(tempDir(), 'js-url.json'), raw);
  const out = tempDir();
  const r = await runCli('policy', 'generate', '--config', cfg, '--as-of', '2026-02-01', '--out', out);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /\$\.policy_config\.exception_request_url: "javascript:alert\(1\)" is a javascript: URL/);
  assert.deepEqual(readdirSync(out), []);
});
