/**
 * The exit-code precedence, as a table: every combination of conditions a run can end with, and the one
 * code it exits with (interrupted 130 > usage 2 > fatal 4 > partial 3 > findings 1 > 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT_PRECEDENCE, exitCodeFor, precedenceLine, type ExitConditions } from '../../src/pipeline/exit-codes.ts';

const table: [ExitConditions, number][] = [
  [{}, 0],
  [{ findings: true }, 1],
  [{ partial: true }, 3],
  [{ partial: true, findings: true }, 3],
  [{ fatal: true }, 4],
  [{ fatal: true, partial: true, findings: true }, 4],
  [{ usage: true }, 2],
  [{ usage: true, fatal: true }, 2],
  [{ usage: true, partial: true, findings: true }, 2],
  [{ interrupted: true }, 130],
  [{ interrupted: true, findings: true }, 130],
  [{ interrupted: true, partial: true }, 130],
  [{ interrupted: true, fatal: true }, 130],
  [{ interrupted: true, usage: true, fatal: true, partial: true, findings: true }, 130],
];

for (const [conditions, code] of table) {
  test(`exit ${code} for ${JSON.stringify(conditions)}`, () => {
    assert.equal(exitCodeFor(conditions), code);
  });
}

test('the precedence list is ordered strongest first and names every code once', () => {
  assert.deepEqual(
    EXIT_PRECEDENCE.map((e) => e.code),
    [130, 2, 4, 3, 1],
  );
  for (const e of EXIT_PRECEDENCE) assert.ok(e.meaning.length > 10, `${e.code} has a meaning`);
});

test('the main help and the scan help state the precedence', async () => {
  const { main } = await import('../../src/cli/main.ts');
  for (const args of [['--help'], ['scan', '--help']]) {
    let out = '';
    const o = process.stdout.write;
    process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => (typeof s === 'string' ? ((out += s), true) : o.call(process.stdout, s, ...rest))) as typeof process.stdout.write;
    try {
      assert.equal(await main(['node', 'amigov', ...args]), 0);
    } finally {
      process.stdout.write = o;
    }
    assert.ok(out.includes(precedenceLine()), `${args.join(' ')} help states: ${precedenceLine()}`);
    for (const e of EXIT_PRECEDENCE) assert.match(out, new RegExp(`\\n {2}${e.code} `), `${args.join(' ')} help lists ${e.code}`);
  }
});
