/**
 * Unknown keys in config/ami_publishers.json are errors at every level: a misspelt key would otherwise be
 * dropped and the allowlist silently changed (`vendor_publishers` -> no vendors in the generated policies).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, validateConfig } from '../../src/config/load.ts';
import { closestKey } from '../../src/config/suggest.ts';
import { EXIT } from '../../src/errors.ts';

const shipped = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as Record<string, any>;

/** Renames key `from` to `to` in obj, keeping the value. */
function rename(obj: Record<string, any>, from: string, to: string): void {
  obj[to] = obj[from];
  delete obj[from];
}

function problemsOf(raw: unknown): { path: string; message: string }[] {
  try {
    validateConfig(raw, 'cfg.json');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, EXIT.USAGE);
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

const cases: { level: string; mutate: (c: Record<string, any>) => void; path: string; suggest: string }[] = [
  { level: 'top level', mutate: (c) => rename(c, 'vendor_publisher_accounts', 'vendor_publishers'), path: '$.vendor_publishers', suggest: 'vendor_publisher_accounts' },
  { level: 'top level (camelCase)', mutate: (c) => rename(c, 'exception_accounts', 'exceptionAccounts'), path: '$.exceptionAccounts', suggest: 'exception_accounts' },
  { level: 'top level (singular)', mutate: (c) => rename(c, 'provider_aliases', 'provider_alias'), path: '$.provider_alias', suggest: 'provider_aliases' },
  { level: 'ops_publisher_account', mutate: (c) => rename(c.ops_publisher_account, 'description', 'descripton'), path: '$.ops_publisher_account.descripton', suggest: 'description' },
  { level: 'vendor entry', mutate: (c) => rename(c.vendor_publisher_accounts[1], 'description', 'desc'), path: '$.vendor_publisher_accounts[1].desc', suggest: 'description' },
  { level: 'exception entry', mutate: (c) => rename(c.exception_accounts[0], 'requested_by', 'requestd_by'), path: '$.exception_accounts[0].requestd_by', suggest: 'requested_by' },
  { level: 'exception entry (optional date)', mutate: (c) => rename(c.exception_accounts[1], 'approved_date', 'approval_date'), path: '$.exception_accounts[1].approval_date', suggest: 'approved_date' },
  { level: 'policy_config', mutate: (c) => rename(c.policy_config, 'expiry_warning_days', 'expiry_warn_days'), path: '$.policy_config.expiry_warn_days', suggest: 'expiry_warning_days' },
  { level: 'policy_config (camelCase)', mutate: (c) => rename(c.policy_config, 'exception_message', 'exceptionMessage'), path: '$.policy_config.exceptionMessage', suggest: 'exception_message' },
  { level: 'policy_config.production', mutate: (c) => rename(c.policy_config.production, 'ou_ids', 'ou_id'), path: '$.policy_config.production.ou_id', suggest: 'ou_ids' },
  { level: 'policy_config.production.instance_tag', mutate: (c) => rename(c.policy_config.production.instance_tag, 'values', 'value'), path: '$.policy_config.production.instance_tag.value', suggest: 'values' },
  { level: 'policy_config.approved_ami_tag', mutate: (c) => rename(c.policy_config.approved_ami_tag, 'key', 'Key'), path: '$.policy_config.approved_ami_tag.Key', suggest: 'key' },
];

for (const c of cases) {
  test(`unknown key, ${c.level}: ${c.path} is an error that suggests ${c.suggest}`, () => {
    const raw = structuredClone(shipped);
    c.mutate(raw);
    const problems = problemsOf(raw);
    const p = problems.find((x) => x.path === c.path);
    assert.ok(p, `no problem at ${c.path}; got:\n${problems.map((x) => `${x.path}: ${x.message}`).join('\n')}`);
    const key = c.path.replace(/^.*[.\]]/, '');
    assert.match(p.message, new RegExp(`^unknown key "${key}"; did you mean "${c.suggest}"\\?`));
  });
}

test('a misspelt required key is reported twice: the unknown key and the missing field, together', () => {
  const raw = structuredClone(shipped);
  rename(raw.exception_accounts[0], 'expiry_date', 'expiry_data');
  rename(raw, 'policy_config', 'policy_configs');
  const problems = problemsOf(raw).map((p) => `${p.path}: ${p.message}`);
  assert.ok(problems.some((p) => /^\$\.exception_accounts\[0\]\.expiry_data: unknown key "expiry_data"; did you mean "expiry_date"\?/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^\$\.exception_accounts\[0\]\.expiry_date: required field is missing/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^\$\.policy_configs: unknown key "policy_configs"; did you mean "policy_config"\?/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^\$\.policy_config: required field is missing/.test(p)), problems.join('\n'));
});

test('every unknown key is reported at once', () => {
  const raw = structuredClone(shipped);
  rename(raw, 'vendor_publisher_accounts', 'vendor_publishers');
  rename(raw.ops_publisher_account, 'name', 'nmae');
  raw.policy_config.production.extra = true;
  const paths = problemsOf(raw).map((p) => p.path).sort();
  assert.deepEqual(paths, ['$.ops_publisher_account.nmae', '$.policy_config.production.extra', '$.vendor_publishers']);
});

test('with no close match the message lists the keys allowed there', () => {
  const raw = structuredClone(shipped);
  raw.contact = 'platform-team';
  const [p, ...rest] = problemsOf(raw);
  assert.equal(rest.length, 0);
  assert.equal(p!.path, '$.contact');
  assert.match(p!.message, /^unknown key "contact"; allowed here: ops_publisher_account, vendor_publisher_accounts, exception_accounts, provider_aliases, policy_config, owners, metadata\b/);
  assert.doesNotMatch(p!.message, /did you mean/);
});

test('a key with characters that need quoting is shown with bracket notation', () => {
  const raw = structuredClone(shipped);
  raw.policy_config['enforcement mode'] = 'enabled';
  const p = problemsOf(raw).find((x) => x.path === '$.policy_config["enforcement mode"]');
  assert.ok(p);
  assert.match(p.message, /did you mean "enforcement_mode"\?/);
});

test('metadata stays free-form: any keys and values are accepted', () => {
  const raw = structuredClone(shipped);
  raw.metadata = { version: '2.0', owner: 'x', reviewers: ['a', 'b'], changelog: { '2026-01-10': 'added TFE' }, notes: null };
  assert.doesNotThrow(() => validateConfig(raw, 'cfg.json'));
});

test('metadata must not hold a config section or policy setting (a key in the wrong place)', () => {
  const raw = structuredClone(shipped);
  raw.metadata.vendor_publisher_accounts = [{ account_id: '555566667777', vendor: 'X' }];
  raw.metadata.enforcement_mode = 'enabled';
  const problems = problemsOf(raw);
  assert.deepEqual(problems.map((p) => p.path).sort(), ['$.metadata.enforcement_mode', '$.metadata.vendor_publisher_accounts']);
  assert.match(problems.find((p) => p.path === '$.metadata.vendor_publisher_accounts')!.message, /belongs at \$\.vendor_publisher_accounts, not in metadata/);
  assert.match(problems.find((p) => p.path === '$.metadata.enforcement_mode')!.message, /belongs at \$\.policy_config\.enforcement_mode, not in metadata/);
});

test('closestKey: near misses, case and separators, and no suggestion for unrelated words', () => {
  const keys = ['vendor_publisher_accounts', 'exception_accounts', 'ops_publisher_account', 'provider_aliases', 'policy_config', 'metadata'];
  assert.equal(closestKey('vendor_publishers', keys), 'vendor_publisher_accounts');
  assert.equal(closestKey('VendorPublisherAccounts', keys), 'vendor_publisher_accounts');
  assert.equal(closestKey('exception-accounts', keys), 'exception_accounts');
  assert.equal(closestKey('ops_publisher_acount', keys), 'ops_publisher_account');
  assert.equal(closestKey('meta', keys), 'metadata');
  assert.equal(closestKey('polcy_config', keys), 'policy_config');
  assert.equal(closestKey('owner', keys), undefined);
  assert.equal(closestKey('x', keys), undefined);
  assert.equal(closestKey('', keys), undefined);
  assert.equal(closestKey('anything', []), undefined);
  // ties go to the first known key, so the suggestion is stable
  assert.equal(closestKey('ab', ['ac', 'ad']), 'ac');
});
