/** The bench's start-up table (src/bench/table.ts): the warm median against the target, the cold first run beside it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startupLines } from '../../src/bench/table.ts';
import { median } from '../../src/bench/startup.ts';

test('start-up rows show the warm median against the target and the first run (cold compile cache) apart', () => {
  const md = startupLines([
    { command: 'amigov --help', runs: 5, cpuMs: 150, maxRssBytes: 56 * 2 ** 20, first: { cpuMs: 410, maxRssBytes: 58 * 2 ** 20 }, exitCodes: [0] },
    { command: 'amigov config check', runs: 5, cpuMs: 360, maxRssBytes: 67 * 2 ** 20, first: { cpuMs: 520, maxRssBytes: 68 * 2 ** 20 }, exitCodes: [1] },
  ]).join('\n');
  assert.match(md, /## Start-up \(the package's bin; median of 5 runs with a warm compile cache after a first run with a cold one; target ≤ 0\.35 s CPU and ≤ 80 MB each\)/);
  assert.match(md, /\| command \| CPU \| peak RSS \| first run \(cold cache\): CPU · peak RSS \| target met \|/);
  assert.match(md, /\| amigov --help \| 0\.15 s \| 56 MB \| 0\.41 s · 58 MB \| yes \|/);
  // The target is judged on the warm median: 0.36 s misses it whatever the first run did.
  assert.match(md, /\| amigov config check \(exit 1\) \| 0\.36 s \| 67 MB \| 0\.52 s · 68 MB \| \*\*no\*\* \|/);
});

test('median: odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
});
