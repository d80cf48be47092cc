/**
 * Issue #18: `amigov --help` and `--version` load only the command definitions, never the work behind them. Each
 * case runs the real CLI in a child process with the resolve hook of test/helpers/record-imports.mjs and checks
 * the modules it loaded: zod, the config code (src/config), the policy code (src/policy) and the model's zod
 * schemas (src/model/*-schema.ts) must not be among them. A regression guard on structure, not a timing.
 * The constants --help quotes live in import-free names modules (src/config/names.ts, src/policy/names.ts),
 * which are the only files of those folders allowed; a check below keeps them import-free.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RULES, RULE_IDS } from '../../src/rules/index.ts';
import { enableCompileCache } from '../../src/cli/compile-cache.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RECORDER = new URL('../helpers/record-imports.mjs', import.meta.url).href;
const NAMES_MODULES = ['src/config/names.ts', 'src/policy/names.ts', 'src/waivers/names.ts', 'src/rules/ids.ts'];
/** What --help and --version must not load (by file URL). */
const FORBIDDEN = /\/node_modules\/zod\/|\/src\/config\/(?!names\.ts$)|\/src\/policy\/(?!names\.ts$)|\/src\/model\/[^/]*-schema[^/]*$/;
const dir = mkdtempSync(join(tmpdir(), 'amigov-startup-imports-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function loaded(...args: string[]): Promise<{ code: number; stdout: string; urls: string[] }> {
  const file = join(dir, `imports-${n++}.txt`);
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', RECORDER, 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, AMIGOV_RECORD_IMPORTS: file, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', NODE_OPTIONS: '' },
    }));
  } catch (err) {
    code = (err as { code?: number }).code ?? -1;
  }
  const urls = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
  return { code, stdout, urls };
}

test('--help and --version load no zod, no src/config or src/policy code, no model schema', async () => {
  const cases = [['--help'], ['--version'], ['help'], ['policy', '--help'], ['config', 'check', '--help'], ['bench', '--help']];
  const runs = await Promise.all(cases.map((args) => loaded(...args)));
  runs.forEach((r, i) => {
    const what = `amigov ${cases[i]!.join(' ')}`;
    assert.equal(r.code, 0, `${what} exit code`);
    assert.ok(r.stdout.length > 0, `${what} printed something`);
    // The recorder saw the command definitions: an empty list would pass for the wrong reason.
    assert.ok(r.urls.some((u) => u.endsWith('/src/cli/commands/policy.ts')), `${what} recorded the policy command's definition`);
    assert.ok(r.urls.some((u) => u.endsWith('/src/config/names.ts')), `${what} recorded src/config/names.ts`);
    const forbidden = r.urls.filter((u) => FORBIDDEN.test(u)).map((u) => u.replace(/^.*?\/(node_modules|src)\//, '$1/'));
    assert.deepEqual(forbidden, [], `${what} loaded ${forbidden.slice(0, 5).join(', ')}`);
  });
});

test('the recorder sees config check load what it needs (zod and the config code)', async () => {
  const r = await loaded('config', 'check', '--as-of', '2026-01-01');
  assert.equal(r.code, 0);
  assert.ok(r.urls.some((u) => u.includes('/node_modules/zod/')), 'config check loaded zod');
  assert.ok(r.urls.some((u) => u.endsWith('/src/config/load.ts')), 'config check loaded src/config/load.ts');
  // ... and still not what it does not use: the policy generators, the rules, the report code.
  const unused = r.urls.filter((u) => /\/src\/(policy\/generate|rules\/index|report\/(?!formats\.ts$)|model\/findings-schema)/.test(u));
  assert.deepEqual(unused, []);
});

test('the names modules --help reads import nothing (so they can never pull the heavy code back in)', () => {
  for (const rel of NAMES_MODULES) {
    const imports = readFileSync(join(ROOT, rel), 'utf8')
      .split('\n')
      .filter((line) => /^\s*(import|export)\b[^;]*\bfrom\s+['"]/.test(line) && !/^\s*(import|export)\s+type\b/.test(line));
    assert.deepEqual(imports, [], `${rel} imports`);
  }
});

test("RULE_IDS (src/rules/ids.ts, what --help lists) is exactly the rules' ids in RULES' order: a new rule adds its id there", () => {
  assert.deepEqual(RULE_IDS, RULES.map((r) => r.meta.id));
});

test('enableCompileCache: uses Node\'s method when there is one and never throws', () => {
  // Stand-ins for node:module only: calling Node's real method here would turn the cache on in the test process.
  assert.equal(enableCompileCache({}), undefined, 'a Node without module.enableCompileCache');
  assert.equal(enableCompileCache({ enableCompileCache: () => ({ status: 1, directory: '/tmp/x' }) }), '/tmp/x');
  assert.equal(enableCompileCache({ enableCompileCache: () => ({ status: 0, message: 'cannot create' }) }), undefined, 'a failed attempt');
  assert.equal(
    enableCompileCache({
      enableCompileCache: () => {
        throw new Error('EACCES');
      },
    }),
    undefined,
  );
});
