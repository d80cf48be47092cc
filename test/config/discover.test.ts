/**
 * Config discovery (--config, then AMIGOV_CONFIG, then ./config/ami_publishers.json) from a folder that is not
 * the amigov clone, as an installed amigov runs, and `amigov init`. The CLI runs in a child process (src via
 * tsx) with its working directory in a temporary folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverConfig } from '../../src/config/discover.ts';
import { validateConfig } from '../../src/config/load.ts';
import { starterConfig } from '../../src/config/starter.ts';
import { runCli, seedRaw, tempDir } from '../policy/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const seed = seedRaw();

/** `amigov ...args` run in this process with `cwd` as the working directory and AMIGOV_CONFIG as given. */
async function amigov(cwd: string, args: string[], env: { AMIGOV_CONFIG?: string } = {}) {
  const before = { cwd: process.cwd(), env: process.env.AMIGOV_CONFIG };
  process.chdir(cwd);
  if (env.AMIGOV_CONFIG === undefined) delete process.env.AMIGOV_CONFIG;
  else process.env.AMIGOV_CONFIG = env.AMIGOV_CONFIG;
  try {
    return await runCli(...args);
  } finally {
    process.chdir(before.cwd);
    if (before.env === undefined) delete process.env.AMIGOV_CONFIG;
    else process.env.AMIGOV_CONFIG = before.env;
  }
}

/** A config whose ops account identifies which file was read. */
function configWithOps(path: string, ops: string): string {
  const raw = structuredClone(seed);
  raw.ops_publisher_account.account_id = ops;
  raw.exception_accounts = [];
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(raw));
  return path;
}

test('discoverConfig: --config, then AMIGOV_CONFIG, then ./config/ami_publishers.json', () => {
  assert.deepEqual(discoverConfig('a.json', { AMIGOV_CONFIG: 'b.json' }), { path: 'a.json', source: 'flag' });
  assert.deepEqual(discoverConfig(undefined, { AMIGOV_CONFIG: 'b.json' }), { path: 'b.json', source: 'env' });
  assert.deepEqual(discoverConfig(undefined, { AMIGOV_CONFIG: '' }), { path: 'config/ami_publishers.json', source: 'default' });
  assert.deepEqual(discoverConfig(undefined, {}), { path: 'config/ami_publishers.json', source: 'default' });
});

test('from an empty folder, a command that reads the config says where it looked and how to create one (exit 2)', async () => {
  const dir = tempDir();
  for (const args of [['config', 'check'], ['policy', 'generate'], ['policy', 'validate'], ['scan', '--accounts', '111111111111', '--no-organizations']]) {
    const r = await amigov(dir, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /config\/ami_publishers\.json: cannot read the configuration \(no such file\)/);
    assert.match(r.stderr, /--config PATH, else \$AMIGOV_CONFIG, else \.\/config\/ami_publishers\.json/);
    assert.match(r.stderr, /`amigov init`/);
    assert.match(r.stderr, /docs\/configuration\.md/);
  }
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
});

test('every config-reading command follows the same order: --config over AMIGOV_CONFIG over ./config', async () => {
  const dir = tempDir();
  configWithOps(join(dir, 'config', 'ami_publishers.json'), '100000000001');
  const env = configWithOps(join(dir, 'elsewhere', 'env.json'), '100000000002');
  const flag = configWithOps(join(dir, 'elsewhere', 'flag.json'), '100000000003');
  const check = async (args: string[], extra: Record<string, string> = {}) => {
    const r = await amigov(dir, ['config', 'check', '--json', ...args], extra);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout).approvedProviders as string[]).filter((p) => p.startsWith('10000000000'));
  };
  assert.deepEqual(await check([]), ['100000000001']);
  assert.deepEqual(await check([], { AMIGOV_CONFIG: env }), ['100000000002']);
  assert.deepEqual(await check(['--config', flag], { AMIGOV_CONFIG: env }), ['100000000003']);

  // policy generate, from AMIGOV_CONFIG, into policies/ (the default), not dist/
  const g = await amigov(dir, ['policy', 'generate'], { AMIGOV_CONFIG: env });
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, new RegExp(`Config: ${env.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  assert.ok(existsSync(join(dir, 'policies', 'declarative-policy-ec2.json')));
  assert.ok(!existsSync(join(dir, 'dist')));
  assert.match(readFileSync(join(dir, 'policies', 'declarative-policy-ec2.json'), 'utf8'), /100000000002/);
  // policy validate reads policies/ by default, with the same config
  const v = await amigov(dir, ['policy', 'validate'], { AMIGOV_CONFIG: env });
  assert.equal(v.code, 0, v.stdout + v.stderr);

  // a named config that is missing is an error, never a silent fallback to ./config
  const missing = await amigov(dir, ['config', 'check'], { AMIGOV_CONFIG: join(dir, 'nope.json') });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: cannot read the configuration \(no such file\)/);
});

test('the starter config is valid as written, with placeholders and notes, and its exception is active', () => {
  const cfg = validateConfig(starterConfig('2026-12-02'), 'starter.json');
  assert.equal(cfg.exception_accounts[0]!.approved_date, '2026-12-02');
  assert.equal(cfg.exception_accounts[0]!.expiry_date, '2027-01-01');
  assert.match(JSON.stringify(cfg.metadata), /placeholder/);
  assert.match(cfg.ops_publisher_account.description ?? '', /REPLACE/);
});

test('amigov init writes the starter config and the chosen CI pipeline; it never overwrites (exit 2, nothing written)', async () => {
  const dir = tempDir();
  const r = await amigov(dir, ['init', 'repo', '--ci', 'gitlab', '--package', 'git+https://git.example.com/amigov.git#v1']);
  assert.equal(r.code, 0, r.stderr);
  const repo = join(dir, 'repo');
  assert.deepEqual(readdirSync(repo).sort(), ['.gitlab-ci.yml', 'config']);
  const written = JSON.parse(readFileSync(join(repo, 'config', 'ami_publishers.json'), 'utf8'));
  validateConfig(written, 'written.json');
  const ci = readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8');
  assert.match(ci, /AMIGOV_PACKAGE: "git\+https:\/\/git\.example\.com\/amigov\.git#v1"/);
  assert.equal(ci.replace(/^(\s*AMIGOV_PACKAGE:).*$/m, '$1'), readFileSync(join(root, 'docs/ci/gitlab-ci.yml'), 'utf8').replace(/^(\s*AMIGOV_PACKAGE:).*$/m, '$1'));
  // the written config works from there
  const check = await amigov(repo, ['config', 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);

  // again, with a CI choice whose pipeline does not exist yet: the config exists, so nothing at all is written
  const again = await amigov(dir, ['init', 'repo', '--ci', 'github']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /config\/ami_publishers\.json already exists; amigov init never overwrites a file, so nothing was written/);
  assert.ok(!existsSync(join(repo, '.github')));
  assert.ok(!existsSync(join(repo, 'vendor')));
  assert.deepEqual(written, JSON.parse(readFileSync(join(repo, 'config', 'ami_publishers.json'), 'utf8')));

  const usage = await amigov(dir, ['init', 'x', '--package', 'foo']);
  assert.equal(usage.code, 2);
  assert.ok(!existsSync(join(dir, 'x')));
});
