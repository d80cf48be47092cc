/**
 * amigov refuses Node.js < 22 at start-up, before commander or the AWS SDK is evaluated. The CLI runs in a
 * child process; a preload module fakes process.version when an old Node is needed and reports, on exit,
 * how many of commander's / the SDK's CommonJS files were evaluated (they are in require.cache even when
 * imported from ES modules; linking alone puts them there with loaded: false).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_NODE_MAJOR, nodeVersionProblem } from '../../src/cli/node-version.js';
import { EXIT } from '../../src/cli/errors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function preload(fakeVersion?: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'amigov-node-version-')), 'preload.mjs');
  const fake = fakeVersion
    ? `Object.defineProperty(process, 'version', { value: ${JSON.stringify(fakeVersion)} });\n` +
      `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(fakeVersion.slice(1))} });\n`
    : '';
  writeFileSync(
    file,
    `import { createRequire } from 'node:module';\n${fake}` +
      `const require = createRequire(import.meta.url);\n` +
      `process.on('exit', () => process.stderr.write('\\nheavy modules loaded: ' + ` +
      `Object.entries(require.cache).filter(([k, m]) => m?.loaded && /node_modules[\\\\/](commander|@aws-sdk|@smithy)[\\\\/]/.test(k)).length + '\\n'));\n`,
  );
  return file;
}

function runCli(args: string[], opts: { fakeVersion?: string; allow?: boolean } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AMIGOV_ALLOW_UNSUPPORTED_NODE; // test/run-tests.mjs sets it when the suite runs on Node < 22
  if (opts.allow) env.AMIGOV_ALLOW_UNSUPPORTED_NODE = '1';
  const r = spawnSync(process.execPath, ['--import', preload(opts.fakeVersion), '--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const loaded = Number(/heavy modules loaded: (\d+)/.exec(r.stderr)?.[1]);
  return { code: r.status, out: r.stdout, err: r.stderr, loaded };
}

test('nodeVersionProblem: Node 22 and newer are supported, anything older is not', () => {
  for (const v of ['v22.0.0', 'v22.23.5', 'v24.22.3', 'v26.1.0', 'v100.0.0']) assert.equal(nodeVersionProblem(v), undefined, v);
  for (const v of ['v20.20.2', 'v21.7.3', 'v18.0.0', 'v8.17.0', 'nonsense']) {
    const p = nodeVersionProblem(v, '/usr/bin/node');
    assert.ok(p, v);
    assert.equal(p.message, `amigov needs Node.js 22 or newer; this is ${v} (/usr/bin/node).`);
    assert.match(p.hint, /Install Node\.js 22 or 24 LTS/);
  }
  assert.equal(MIN_NODE_MAJOR, 22);
});

test('on Node 20 the CLI exits 2 with a clear message before loading commander or the AWS SDK', () => {
  const r = runCli(['--version'], { fakeVersion: 'v20.11.1' });
  assert.equal(r.code, EXIT.USAGE, r.err);
  assert.equal(r.out, '', 'the version is not printed: nothing ran');
  assert.match(r.err, /^amigov: error: amigov needs Node\.js 22 or newer; this is v20\.11\.1 \(.+\)\.\n {2}Install Node\.js 22 or 24 LTS/);
  assert.doesNotMatch(r.err, /NodeVersionSupportWarning|at .+:\d+:\d+/, 'no SDK warning, no stack trace');
  assert.equal(r.loaded, 0, 'no commander / AWS SDK module was evaluated');
});

test('AMIGOV_ALLOW_UNSUPPORTED_NODE=1 (the test runner on Node < 22) lets an old Node through', () => {
  const r = runCli(['--version'], { fakeVersion: 'v20.11.1', allow: true });
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(r.out, /^\d+\.\d+\.\d+/);
  assert.ok(r.loaded > 0, `the probe sees commander once it is loaded (${r.loaded})`);
});

test('on the Node running the tests the CLI starts exactly when that Node is 22 or newer', () => {
  const r = runCli(['--version']);
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    assert.equal(r.code, EXIT.OK, r.err);
    assert.match(r.out, /^\d+\.\d+\.\d+/);
    assert.doesNotMatch(r.err, /amigov: error|NodeVersionSupportWarning/);
  } else {
    assert.equal(r.code, EXIT.USAGE, r.err);
    assert.match(r.err, new RegExp(`this is ${process.version.replace(/\./g, '\\.')} `));
  }
});
