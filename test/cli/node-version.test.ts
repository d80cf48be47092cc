/**
 * amigov warns on Node.js < 22 at start-up, before commander or the AWS SDK is evaluated, and goes on. The CLI runs in a
 * child process; a preload module fakes process.version and reports, on exit, how many of commander's / the
 * SDK's CommonJS files were evaluated (they are in require.cache even when imported from ES modules; linking
 * alone puts them there with loaded: false).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_NODE_MAJOR, nodeVersionProblem } from '../../src/cli/node-version.ts';
import { EXIT } from '../../src/errors.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function preload(fakeVersion: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'amigov-node-version-')), 'preload.mjs');
  const fake =
    `Object.defineProperty(process, 'version', { value: ${JSON.stringify(fakeVersion)} });\n` +
    `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(fakeVersion.slice(1))} });\n`;
  writeFileSync(
    file,
    `import { createRequire } from 'node:module';\n${fake}` +
      `const require = createRequire(import.meta.url);\n` +
      `process.on('exit', () => process.stderr.write('\\nheavy modules loaded: ' + ` +
      `Object.entries(require.cache).filter(([k, m]) => m?.loaded && /node_modules[\\\\/](commander|@aws-sdk|@smithy)[\\\\/]/.test(k)).length + '\\n'));\n`,
  );
  return file;
}

/** Async, so the two CLI runs below overlap (each loads tsx, and with AMIGOV_ALLOW_UNSUPPORTED_NODE the whole CLI). */
function runCli(args: string[], opts: { fakeVersion: string; allow?: boolean }): Promise<{ code: number | null; out: string; err: string; loaded: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AMIGOV_ALLOW_UNSUPPORTED_NODE; // test/run-tests.mjs sets it when the suite runs on Node < 22
  if (opts.allow) env.AMIGOV_ALLOW_UNSUPPORTED_NODE = '1';
  const child = spawn(process.execPath, ['--import', preload(opts.fakeVersion), '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, timeout: 60_000 });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, loaded: Number(/heavy modules loaded: (\d+)/.exec(err)?.[1]) }));
  });
}

test('nodeVersionProblem: Node 22 and newer are supported, anything older is not', () => {
  for (const v of ['v22.0.0', 'v22.23.5', 'v24.22.3', 'v26.1.0', 'v100.0.0']) assert.equal(nodeVersionProblem(v), undefined, v);
  for (const v of ['v20.20.2', 'v21.7.3', 'v18.0.0', 'v8.17.0', 'nonsense']) {
    const p = nodeVersionProblem(v, '/usr/bin/node');
    assert.ok(p, v);
    assert.equal(p.message, `amigov supports Node.js 22 or newer; this is ${v} (/usr/bin/node), which is not supported and may stop working with the next AWS SDK update.`);
    assert.match(p.hint, /Install Node\.js 22 or 24 LTS/);
  }
  assert.equal(MIN_NODE_MAJOR, 22);
});

// That a supported Node passes the gate is shown by every test that starts the CLI as a child process
// (test/e2e/demo.test.ts, test/sandbox/cli.test.ts): on Node 22 and newer the test runner does not set
// AMIGOV_ALLOW_UNSUPPORTED_NODE.
describe('the CLI on an old Node', { concurrency: 2 }, () => {
  test('warns first, before loading commander or the AWS SDK, then runs', async () => {
    const r = await runCli(['--version'], { fakeVersion: 'v20.11.1' });
    assert.equal(r.code, EXIT.OK, r.err);
    assert.match(r.out, /^\d+\.\d+\.\d+/, 'the command still ran');
    assert.match(r.err, /^amigov: warning: amigov supports Node\.js 22 or newer; this is v20\.11\.1 \(.+\), which is not supported.*\n {2}Install Node\.js 22 or 24 LTS/);
    assert.doesNotMatch(r.err, /at .+:\d+:\d+/, 'no stack trace');
  });

  test('AMIGOV_ALLOW_UNSUPPORTED_NODE=1 (the test runner on Node < 22) silences the notice', async () => {
    const r = await runCli(['--version'], { fakeVersion: 'v20.11.1', allow: true });
    assert.equal(r.code, EXIT.OK, r.err);
    assert.doesNotMatch(r.err, /amigov: warning: amigov supports/);
    assert.match(r.out, /^\d+\.\d+\.\d+/);
    assert.ok(r.loaded > 0, `the probe sees commander once it is loaded (${r.loaded})`);
  });
});
