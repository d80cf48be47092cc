/**
 * docs/getting-started.md is true: every `amigov` command in its sh blocks runs, in order, from an empty folder,
 * against the sandbox, with the credentials of a named profile (as after `aws sso login`), in an organization
 * whose accounts have the kit's role amigov-scan. `cd` is followed; `aws`, `bash`, `npm` and `git` lines need
 * real AWS or a registry and are checked for shell syntax only (the packed install is
 * test/package/packed-install.test.ts, the StackSet recipe test/scan/iam-kit.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseShell } from 'shell-quote';
import { demoOrg, startSandbox, DEMO_ACCOUNTS, type RunningSandbox } from '../../src/sandbox/index.ts';
import { KIT_ROLE_NAME } from '../../src/scan/iam-kit-names.ts';
import { runCli, tempDir } from '../policy/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guide = readFileSync(join(root, 'docs/getting-started.md'), 'utf8');

/** The lines of every ```sh block, in order. */
function shLines(md: string): string[] {
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((l) => l.trim() !== ''));
}

let sb: RunningSandbox;
const saved = { ...process.env };
before(async () => {
  const fixture = structuredClone(demoOrg);
  for (const a of fixture.accounts) if (a.roles.length) a.roles = [{ name: KIT_ROLE_NAME }];
  sb = await startSandbox({ fixture });
  const home = tempDir();
  writeFileSync(join(home, 'config'), '[profile mgmt]\nregion = us-east-1\n');
  writeFileSync(join(home, 'credentials'), `[mgmt]\naws_access_key_id = ${sb.credentials.accessKeyId}\naws_secret_access_key = ${sb.credentials.secretAccessKey}\n`);
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && !k.startsWith('AWS_SDK_JS_')) delete process.env[k];
  delete process.env.AMIGOV_CONFIG;
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ENDPOINT_URL: sb.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
after(async () => {
  await sb.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

test('every amigov command of docs/getting-started.md runs against the sandbox, in order, from an empty folder', async () => {
  const lines = shLines(guide);
  const amigovLines = lines.filter((l) => l.startsWith('amigov '));
  assert.ok(amigovLines.length >= 9, `${amigovLines.length} amigov commands`);
  const start = process.cwd();
  let cwd = tempDir();
  let runDir: string | undefined;
  const ran: string[] = [];
  try {
    for (const line of lines) {
      const concrete = line.includes('reports/<run-id>')
        ? line.replaceAll('reports/<run-id>', () => {
            assert.ok(runDir, `${line}: no scan ran before it`);
            return runDir!;
          })
        : line;
      const words = parseShell(concrete).filter((t): t is string => typeof t === 'string');
      const [cmd, ...args] = words;
      if (cmd === 'cd') {
        cwd = resolve(cwd, args[0]!);
        continue;
      }
      if (cmd !== 'amigov') {
        assert.ok(['aws', 'bash', 'npm', 'git'].includes(cmd!), `unexpected command in the guide: ${line}`);
        assert.equal(spawnSync('bash', ['-n'], { input: line }).status, 0, `shell syntax: ${line}`);
        continue;
      }
      const argv = args.map((a) => (a === '123456789012' ? DEMO_ACCOUNTS.management : a));
      process.chdir(cwd);
      const r = await runCli(...argv);
      process.chdir(start);
      ran.push(line);
      // 1 (findings, drift) and 3 (partial: the demo organization has an account without the role) are answers;
      // 2 (usage) and 4 (fatal) would mean the guide is wrong.
      assert.ok(r.code === 0 || r.code === 1 || r.code === 3, `${line}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      if (argv[0] === 'scan') {
        const runs = readdirSync(join(cwd, 'reports')).filter((d) => !d.endsWith('-evaluate'));
        assert.equal(runs.length, 1);
        runDir = join('reports', runs[0]!);
        assert.ok(existsSync(join(cwd, runDir, 'report.html')));
        assert.match(r.stdout, /Coverage: \d+ ok/);
        assert.doesNotMatch(r.stdout + r.stderr, /OrganizationAccountAccessRole/);
      }
    }
  } finally {
    process.chdir(start);
  }
  assert.deepEqual(ran, amigovLines);
  // what the guide says is there afterwards
  for (const f of ['config/ami_publishers.json', '.github/workflows/ami-governance.yml', 'vendor/amigov.tgz', 'amigov-iam/stackset.sh', 'amigov-iam/amigov-scan-role.cfn.json', 'amigov-iam/terraform/main.tf', 'amigov-iam/amigov-caller-policy.json', 'policies/declarative-policy-ec2.json']) {
    assert.ok(existsSync(join(cwd, f)), `${f} exists`);
  }
  assert.match(readFileSync(join(cwd, 'amigov-iam/amigov-scan-role-trust-policy.json'), 'utf8'), new RegExp(`iam::${DEMO_ACCOUNTS.management}:root`));
});
