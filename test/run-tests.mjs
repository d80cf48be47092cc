#!/usr/bin/env node
// Runs every test/**/*.test.ts file with Node's own test runner and the tsx loader.
// Node 20's `--test` does not expand globs itself, so the file list is built here.
// Usage: node test/run-tests.mjs [path-fragment ...]   (fragments filter the file list)
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
// The slowest files (measured: CPU seconds per file, Dec 2026) start first, slowest first, so that
// the run does not end with one long file on one core while the other is idle; the rest keep their order.
// A name not found here is simply not reordered.
const SLOW_FIRST = [
  'test/package/packed-install.test.ts',
  'test/e2e/scan-workers.test.ts',
  'test/e2e/ci-workflows.test.ts',
  'test/report/browser.test.ts',
  'test/cli/lazy-load.test.ts',
  'test/e2e/getting-started.test.ts',
  'test/e2e/scan-compare.test.ts',
  'test/e2e/demo.test.ts',
];
const slowRank = (f) => (SLOW_FIRST.includes(f) ? SLOW_FIRST.indexOf(f) : SLOW_FIRST.length);
const files = readdirSync(join(root, 'test'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test', f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .sort((a, b) => slowRank(a) - slowRank(b));
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
const concurrency = process.env.AMIGOV_TEST_CONCURRENCY ?? '2';
const env = { ...process.env, AMIGOV_TEST: '1' };
// Node's on-disk compile cache (Node 22.1+; older Nodes ignore the variable), shared by every test process and
// the CLI children they start: each one otherwise compiles zod, the AWS SDK, exceljs ... from scratch. The cache
// is keyed by Node version and source hash, so it is never stale; a NODE_COMPILE_CACHE already set is kept.
env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'amigov-test-compile-cache');
// amigov needs Node 22 (src/cli/node-version.ts). On an older development Node the suite still runs: the
// CLI's version gate and the AWS SDK's Node-version warning are switched off for the test processes only.
// (test/cli/node-version.test.ts clears the first itself.) .ci/run tests on Node 24 and 22.
if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(`note: Node ${process.version} is not supported by amigov (needs 22 or newer); testing anyway`);
  env.AMIGOV_ALLOW_UNSUPPORTED_NODE = '1';
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
