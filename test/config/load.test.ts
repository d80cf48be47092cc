import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, validateConfig } from '../../src/config/load.ts';
import { UserError, EXIT } from '../../src/errors.ts';

const shipped = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as Record<string, any>;
const clone = (): Record<string, any> => structuredClone(shipped);

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw, 'cfg.json');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, EXIT.USAGE);
    assert.match(err.message, /^cfg\.json: /, 'the message names the file');
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected the config to be rejected');
}

test('the shipped config (the seed example) loads', () => {
  const cfg = loadConfig('config/ami_publishers.json');
  assert.equal(cfg.ops_publisher_account.account_id, '123456738923');
  assert.deepEqual(cfg.vendor_publisher_accounts.map((v) => v.account_id), ['111122223333', '444455556666']);
  assert.deepEqual(cfg.exception_accounts.map((e) => [e.account_id, e.expiry_date]), [
    ['777788889999', '2026-02-28'],
    ['222233334444', '2026-03-15'],
  ]);
  assert.equal(cfg.policy_config.enforcement_mode, 'audit_mode');
  assert.equal(cfg.policy_config.expiry_warning_days, 14);
});

test('invalid JSON names the line and column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-cfg-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, '{\n  "ops_publisher_account": { "account_id": "123456738923" }\n  "policy_config": {}\n}\n');
  assert.throws(() => loadConfig(file), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid configuration`));
    assert.match(err.message, /line 3, column 3: invalid JSON/);
    return true;
  });
});

test('a missing file is a usage error that says how to fix it', () => {
  assert.throws(() => loadConfig('/nonexistent/ami_publishers.json'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, EXIT.USAGE);
    assert.match(err.message, /cannot read the configuration \(no such file\)/);
    assert.match(err.hint ?? '', /--config PATH/);
    return true;
  });
});

const cases: { name: string; mutate: (c: Record<string, any>) => void; expect: RegExp }[] = [
  { name: 'missing ops publisher', mutate: (c) => delete c.ops_publisher_account, expect: /^\$\.ops_publisher_account: required field is missing/ },
  { name: 'missing policy_config', mutate: (c) => delete c.policy_config, expect: /^\$\.policy_config: required field is missing/ },
  { name: 'missing exception expiry', mutate: (c) => delete c.exception_accounts[0].expiry_date, expect: /^\$\.exception_accounts\[0\]\.expiry_date: required field is missing/ },
  { name: 'account id too short', mutate: (c) => (c.vendor_publisher_accounts[1].account_id = '44445555666'), expect: /^\$\.vendor_publisher_accounts\[1\]\.account_id: "44445555666" is not a 12-digit AWS account id/ },
  { name: 'account id as a number', mutate: (c) => (c.ops_publisher_account.account_id = 123456738923), expect: /^\$\.ops_publisher_account\.account_id: .*12 digits, in quotes/ },
  { name: 'account id with letters', mutate: (c) => (c.exception_accounts[1].account_id = '2222-3333-44'), expect: /is not a 12-digit AWS account id/ },
  { name: 'unknown enforcement mode', mutate: (c) => (c.policy_config.enforcement_mode = 'enforce'), expect: /^\$\.policy_config\.enforcement_mode: "enforce" is not an enforcement mode; use "audit_mode" or "enabled"/ },
  { name: 'unparseable date', mutate: (c) => (c.exception_accounts[0].expiry_date = '28/02/2026'), expect: /^\$\.exception_accounts\[0\]\.expiry_date: "28\/02\/2026" is not a date written YYYY-MM-DD/ },
  { name: 'impossible date', mutate: (c) => (c.exception_accounts[0].expiry_date = '2026-02-30'), expect: /"2026-02-30" is not a date written YYYY-MM-DD/ },
  { name: 'duplicate account', mutate: (c) => (c.exception_accounts[1].account_id = '111122223333'), expect: /^\$\.exception_accounts\[1\]\.account_id: account 111122223333 is listed twice \(also at \$\.vendor_publisher_accounts\[0\]\.account_id\)/ },
  { name: 'exception longer than the maximum', mutate: (c) => (c.exception_accounts[0].expiry_date = '2026-06-30'), expect: /^\$\.exception_accounts\[0\]\.expiry_date: exception for 777788889999 lasts 176 days \(2026-01-05 to 2026-06-30\), longer than policy_config\.max_exception_duration_days \(90\)/ },
  { name: 'exception expiring before approval', mutate: (c) => (c.exception_accounts[0].approved_date = '2026-03-01'), expect: /expires \(2026-02-28\) before it was approved \(2026-03-01\)/ },
  { name: 'unknown provider alias', mutate: (c) => (c.provider_aliases = ['amazon', 'aws-marketplce']), expect: /^\$\.provider_aliases\[1\]: "aws-marketplce" is not a provider alias; use one of amazon, aws-marketplace, aws-backup-vault/ },
  { name: 'bad exception URL', mutate: (c) => (c.policy_config.exception_request_url = 'wiki page'), expect: /^\$\.policy_config\.exception_request_url: "wiki page" is not a URL; use an https:\/\/ address/ },
  { name: 'javascript: exception URL', mutate: (c) => (c.policy_config.exception_request_url = 'javascript:alert(1)'), expect: /^\$\.policy_config\.exception_request_url: "javascript:alert\(1\)" is a javascript: URL; use an https:\/\/ address/ },
  { name: 'data: exception URL', mutate: (c) => (c.policy_config.exception_request_url = 'data:text/html,<script>alert(1)</script>'), expect: /exception_request_url: .* is a data: URL; use an https:\/\/ address/ },
  { name: 'plain http exception URL', mutate: (c) => (c.policy_config.exception_request_url = 'http://wiki.example.com/ami'), expect: /exception_request_url: "http:\/\/wiki\.example\.com\/ami" uses http; use https:\/\/ \(http is accepted only for localhost and 127\.0\.0\.1\)/ },
  { name: 'exception URL with credentials', mutate: (c) => (c.policy_config.exception_request_url = 'https://wiki.example.com@evil.example/x'), expect: /exception_request_url: .* carries a user name or password/ },
  { name: 'exception URL with a line break', mutate: (c) => (c.policy_config.exception_request_url = 'https://wiki.example.com/\nrm -rf /'), expect: /exception_request_url: .* contains spaces or control characters/ },
  { name: 'exception URL not a string', mutate: (c) => (c.policy_config.exception_request_url = 42), expect: /exception_request_url: must be a URL written as a string/ },
];

for (const c of cases) {
  test(`rejects: ${c.name}`, () => {
    const raw = clone();
    c.mutate(raw);
    const problems = problemsOf(raw);
    assert.ok(problems.some((p) => c.expect.test(p)), `no problem matched ${c.expect}; got:\n${problems.join('\n')}`);
  });
}

test('every problem is reported at once, not one per run', () => {
  const raw = clone();
  raw.ops_publisher_account.account_id = '1';
  raw.policy_config.enforcement_mode = 'on';
  raw.exception_accounts[0].expiry_date = 'soon';
  assert.equal(problemsOf(raw).length, 3);
});

test('provider aliases are accepted', () => {
  const raw = clone();
  raw.provider_aliases = ['amazon', 'aws-backup-vault'];
  assert.deepEqual(validateConfig(raw).provider_aliases, ['amazon', 'aws-backup-vault']);
});

test('exception_request_url: https anywhere, http only on this machine (localhost, 127.0.0.1)', () => {
  for (const url of ['https://wiki.example.com/cloud/ami-exception-request', 'HTTPS://Wiki.Example.com/x?a=1#b', 'http://localhost:8080/exceptions', 'http://127.0.0.1/x', 'http://[::1]:3000/']) {
    const raw = clone();
    raw.policy_config.exception_request_url = url;
    assert.equal(validateConfig(raw).policy_config.exception_request_url, url, url);
  }
  for (const url of ['http://localhost.evil.example/x', 'http://127.0.0.2/x', 'ftp://localhost/x', 'file:///etc/passwd', 'https://', 'vbscript:msgbox(1)']) {
    const raw = clone();
    raw.policy_config.exception_request_url = url;
    assert.throws(() => validateConfig(raw), ConfigError, url);
  }
});
