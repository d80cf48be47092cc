/** owners.tag_keys in the config: strict like every section, with messages that say what to write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, validateConfig } from '../../src/config/load.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';

const shipped = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as Record<string, unknown>;

function problems(owners: unknown): { path: string; message: string }[] {
  try {
    validateConfig({ ...shipped, owners }, 'cfg.json');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('owners.tag_keys resolves into the allowlist in config order; absent owners reads no tags', () => {
  const cfg = validateConfig({ ...shipped, owners: { tag_keys: ['owner', 'team'] } }, 'cfg.json');
  assert.deepEqual(resolveAllowlist(cfg, '2026-12-01').ownerTagKeys, ['owner', 'team']);
  assert.equal(resolveAllowlist(validateConfig(shipped, 'cfg.json'), '2026-12-01').ownerTagKeys, undefined);
});

test('an unknown key under owners is an error naming the key', () => {
  const p = problems({ tag_keys: ['owner'], tag_key: 'team' });
  assert.ok(p.some((x) => x.path.includes('owners') && /tag_key/.test(`${x.path} ${x.message}`)), JSON.stringify(p));
});

test('an empty list, an empty key, a key over 128 characters and a repeated key are refused', () => {
  assert.match(JSON.stringify(problems({ tag_keys: [] })), /name at least one tag key/);
  assert.match(JSON.stringify(problems({ tag_keys: [''] })), /is empty/);
  assert.match(JSON.stringify(problems({ tag_keys: ['x'.repeat(129)] })), /longer than 128/);
  assert.match(JSON.stringify(problems({ tag_keys: ['owner', 'owner'] })), /twice/);
  assert.match(JSON.stringify(problems(['owner'])), /owners/);
});
