/**
 * Commands load what they use (issue #18): `--help`, `--version`, `config check` and `policy *` never load the AWS
 * SDK, exceljs or Handlebars. Each case runs the real CLI in a child process with an ESM resolve hook that records
 * every module it resolves (test/helpers/record-imports.mjs), and checks the list: structure, not timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const RECORDER = new URL('../helpers/record-imports.mjs', import.meta.url).href;
const HEAVY = /\/node_modules\/(@aws-sdk|@smithy|exceljs|handlebars)\//;
const dir = mkdtempSync(join(tmpdir(), 'amigov-lazy-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs `amigov ...args` from source (tsx) and returns the exit code and the packages it loaded. */
async function loaded(...args: string[]): Promise<{ code: number; urls: string[]; heavy: string[] }> {
  const file = join(dir, `imports-${n++}.txt`);
  let code = 0;
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', RECORDER, 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      // No AWS call can leave the machine even if a command tried one.
      env: { ...process.env, AMIGOV_RECORD_IMPORTS: file, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', NODE_OPTIONS: '' },
    });
  } catch (err) {
    code = (err as { code?: number }).code ?? -1;
  }
  const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const heavy = [...new Set(urls.filter((u) => HEAVY.test(u)).map((u) => HEAVY.exec(u)![1]!))].sort();
  return { code, urls, heavy };
}

const LIGHT: string[][] = [
  ['--help'],
  ['--version'],
  ['scan', '--help'],
  ['config', 'check', '--as-of', '2026-01-01'],
  ['policy', 'generate', '--as-of', '2026-01-01', '--out', join(dir, 'dist')],
];

test('--help, --version, config check and policy commands load neither the AWS SDK nor exceljs nor Handlebars', async () => {
  const runs = await Promise.all(LIGHT.map((args) => loaded(...args)));
  // validate reads what generate wrote
  const validate = ['policy', 'validate', '--as-of', '2026-01-01', '--dist', join(dir, 'dist')];
  runs.push(await loaded(...validate));
  runs.forEach((r, i) => {
    const what = `amigov ${[...LIGHT, validate][i]!.join(' ')}`;
    assert.equal(r.code, 0, `${what} exit code`);
    // The recorder saw the CLI's own modules: an empty list would pass the check below for the wrong reason.
    assert.ok(r.urls.some((u) => u.includes('/node_modules/commander/')), `${what} recorded commander`);
    assert.deepEqual(r.heavy, [], `${what} loaded ${r.heavy.join(', ')}`);
  });
});

test('the recorder sees a command that does need the SDK load it (scan, stopped by a usage error before any call)', async () => {
  const r = await loaded('scan', '--concurrency', 'lots', '--out', join(dir, 'scan-out'));
  assert.equal(r.code, 2);
  assert.ok(r.heavy.includes('@aws-sdk'), `scan loaded: ${r.heavy.join(', ') || 'nothing heavy'}`);
});
