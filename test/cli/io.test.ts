/**
 * The CLI io seam: an in-process CLI run (test/policy/helpers.ts runCli) captures the CLI's output through
 * src/cli/io.ts, and leaves process.stdout alone, over which node:test reports this file's own results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../policy/helpers.ts';

test('runCli captures command output, help and usage errors without touching process.stdout', async () => {
  const orig = process.stdout.write;
  const leaked: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array) => (leaked.push(String(chunk)), true)) as typeof process.stdout.write;
  let run, help, usage;
  try {
    run = await runCli('config', 'check', '--as-of', '2026-02-30');
    help = await runCli('--help');
    usage = await runCli('scan', '--no-such-flag');
  } finally {
    process.stdout.write = orig;
  }
  assert.deepEqual(leaked, []);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--as-of "2026-02-30" is not a date written YYYY-MM-DD/);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: amigov/);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown option '--no-such-flag'/);
});
