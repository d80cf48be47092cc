/**
 * The package works outside a clone: `npm pack` of this project, `npm install --global` of the tarball into a
 * temporary prefix, and from an empty folder `amigov --version`, `amigov demo`, `amigov init --ci github`
 * and `amigov policy generate`; then the GitHub validate job's steps as written in that new repository (its
 * `npm install --global "$AMIGOV_PACKAGE"` installs the tarball `amigov init` vendored, checked to be this package).
 *
 * Dependencies come from npm's cache (`--prefer-offline`: `npm ci` has just filled it; the registry only for
 * what is missing). The slowest test of the suite (one to two minutes, mostly the install), so it runs once, in its own file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../policy/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

/** dist/ is compiled from the current src/ (npm ci builds it; a stale local build is rebuilt first). */
function ensureBuilt(): void {
  const stale = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .some((f) => {
      const js = join(root, 'dist', f.replace(/\.ts$/, '.js'));
      return !existsSync(js) || statSync(js).mtimeMs < statSync(join(root, 'src', f)).mtimeMs;
    });
  if (stale) {
    const b = run('npm', ['run', 'build', '--silent'], root);
    assert.equal(b.code, 0, `npm run build: ${b.out}`);
  }
}

test('the packed package installs and works from an empty folder; the CI validate job runs as written', { timeout: 600_000 }, () => {
  ensureBuilt();
  const tmp = tempDir();
  const packs = join(tmp, 'packs');
  mkdirSync(packs);
  // --ignore-scripts: the build is prepare's only job, and dist/ was just checked.
  const pack = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packs], root);
  assert.equal(pack.code, 0, pack.out);
  const tarball = join(packs, `amigov-${pkg.version}.tgz`);
  assert.ok(existsSync(tarball), pack.out);

  // What is in it: docs/ (including getting-started and the IAM kit), the LICENSE, no tests or sources.
  const listing = run('tar', ['-tzf', tarball], tmp).stdout.split('\n');
  for (const f of ['package/LICENSE', 'package/README.md', 'package/dist/cli/main.js', 'package/docs/configuration.md', 'package/docs/getting-started.md', 'package/docs/ci/github-actions.yml', 'package/docs/ci/gitlab-ci.yml', 'package/docs/iam/amigov-scan-role-policy.json', 'package/docs/iam/amigov-scan-role.cfn.json', 'package/docs/iam/terraform/main.tf', 'package/config/ami_publishers.json', 'package/templates/report.hbs']) {
    assert.ok(listing.includes(f), `${f} is packed`);
  }
  assert.ok(!listing.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')), 'no sources or tests');

  const prefix = join(tmp, 'prefix');
  const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  const install = run('npm', ['install', '--global', '--prefix', prefix, ...npmFlags, tarball], tmp);
  assert.equal(install.code, 0, install.out);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@example.com',
  };
  delete env.AMIGOV_CONFIG;
  const bin = join(prefix, 'bin', 'amigov');
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  const amigov = (...args: string[]) => run(bin, args, empty, env);

  const version = amigov('--version');
  assert.equal(version.code, 0, version.out);
  assert.equal(version.stdout.trim(), pkg.version);

  // No config here yet: the error says how to create one.
  const noConfig = amigov('config', 'check');
  assert.equal(noConfig.code, 2, noConfig.out);
  assert.match(noConfig.out, /amigov init/);

  // The demo uses the config shipped in the package; its reports land in this folder.
  const demo = amigov('demo', '--quiet', '--format', 'html,json');
  assert.equal(demo.code, 0, demo.out);
  assert.match(demo.out, /HTML: reports\/[^\n]+\/report\.html/);
  const runs = readdirSync(join(empty, 'reports'));
  assert.equal(runs.length, 1);
  assert.ok(existsSync(join(empty, 'reports', runs[0]!, 'report.html')));

  const init = amigov('init', 'governance', '--ci', 'github');
  assert.equal(init.code, 0, init.out);
  const repo = join(empty, 'governance');
  for (const f of ['config/ami_publishers.json', '.github/workflows/ami-governance.yml', 'vendor/amigov.tgz']) assert.ok(existsSync(join(repo, f)), `init wrote ${f}`);

  const generate = run(bin, ['policy', 'generate'], repo, env);
  assert.equal(generate.code, 0, generate.out);
  assert.deepEqual(readdirSync(join(repo, 'policies')).sort(), ['allowed-images-criteria.cli.json', 'declarative-policy-ec2.json', 'iam-prod-ami-tag-policy.json', 'scp-ami-guardrail.json']);
  assert.ok(!existsSync(join(repo, 'dist')));

  // The governance repository as a user commits it, then the validate job's steps exactly as written.
  const git = run('bash', ['-c', 'git init -q && git add -A && git commit -qm "amigov init"'], repo, env);
  assert.equal(git.code, 0, git.out);
  const workflow = parse(readFileSync(join(repo, '.github/workflows/ami-governance.yml'), 'utf8')) as {
    env: Record<string, string>;
    jobs: Record<string, { steps: { run?: string }[] }>;
  };
  // Its install step installs vendor/amigov.tgz; that tarball holds exactly the package installed above (same
  // files, same package.json), so the step is run as proven here rather than a second time (about 40 s).
  const steps = workflow.jobs.validate!.steps.flatMap((s) => (s.run ? [s.run] : []));
  assert.equal(steps[0], 'npm install --global "$AMIGOV_PACKAGE"');
  assert.equal(workflow.env.AMIGOV_PACKAGE, './vendor/amigov.tgz');
  const vendored = join(repo, 'vendor', 'amigov.tgz');
  assert.deepEqual(run('tar', ['-tzf', vendored], tmp).stdout.split('\n').sort(), [...listing].sort());
  assert.equal(run('tar', ['-xzOf', vendored, 'package/package.json'], tmp).stdout, run('tar', ['-xzOf', tarball, 'package/package.json'], tmp).stdout);
  const job = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', steps.slice(1).join('\n')], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...env, ...workflow.env },
  });
  assert.equal(job.status, 0, `${job.stdout}${job.stderr}`);
  assert.match(job.stdout, /VALIDATION PASSED/);

  // a config change without regenerating policies/: the job stops at the stale check
  const cfgPath = join(repo, 'config', 'ami_publishers.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  cfg.vendor_publisher_accounts.push({ account_id: '123412341234', vendor: 'New vendor' });
  writeFileSync(cfgPath, JSON.stringify(cfg, null, 2));
  const stale = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', steps.slice(1).join('\n')], { cwd: repo, encoding: 'utf8', env: { ...env, ...workflow.env } });
  assert.equal(stale.status, 1, `${stale.stdout}${stale.stderr}`);
  assert.match(stale.stdout, /policies\/ is stale/);
});
