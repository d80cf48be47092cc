import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, main } from '../../src/cli/main.ts';
import { EXIT } from '../../src/errors.ts';
import { runCli } from '../policy/helpers.ts';

/** Runs main() with its output captured (through the CLI's io seam, the shared test helper). */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(...args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

test('--help lists every command with a summary, the exit codes and examples', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, EXIT.OK);
  for (const c of ['scan', 'evaluate', 'report', 'policy', 'config', 'sandbox', 'demo', 'bench']) {
    assert.match(r.out, new RegExp(`\\n  ${c} `), `${c} listed`);
  }
  assert.match(r.out, /Exit codes:\n  0 {2}success/);
  assert.match(r.out, /amigov demo/);
});

test('every command and subcommand has a description and --help', () => {
  const walk = (c: ReturnType<typeof buildProgram>): string[] =>
    c.commands.flatMap((sub) => [sub.description() ? '' : `${sub.name()} has no description`, ...walk(sub)]).filter(Boolean);
  assert.deepEqual(walk(buildProgram()), []);
});

test('--version prints the package version; an unknown command is a usage error (exit 2)', async () => {
  const v = await run(['--version']);
  assert.equal(v.code, EXIT.OK);
  assert.match(v.out, /^\d+\.\d+\.\d+\n$/);
  const bad = await run(['scna']);
  assert.equal(bad.code, EXIT.USAGE);
  assert.match(bad.err, /unknown command 'scna'/);
  const badFlag = await run(['evaluate', '--inventory', 'x.json', '--fail-on', 'urgent']);
  assert.equal(badFlag.code, EXIT.USAGE);
  assert.match(badFlag.err, /Allowed choices are critical, high, medium, low, info/);
});
