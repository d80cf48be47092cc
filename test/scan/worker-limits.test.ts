// The scan's worker threads run with a young generation of at most WORKER_YOUNG_GENERATION_MB (src/scan/workers/
// pool.ts): a thread started with the pool's options, allocating as a scan does, never grows it past that, and
// keeps the default old-generation limit (a smaller heap would make a big organization's scan run out of memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { getHeapStatistics } from 'node:v8';
import { WORKER_LIMITS, WORKER_YOUNG_GENERATION_MB } from '../../src/scan/workers/pool.ts';

const PROBE = `
const { parentPort, resourceLimits } = require('node:worker_threads');
const v8 = require('node:v8');
let keep = [];
for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'request ' + i }); if (keep.length > 50000) keep = []; }
const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
parentPort.postMessage({ resourceLimits, newSpaceMb: newSpace / 2 ** 20, oldLimitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20 });
`;

async function probe(options: object): Promise<{ resourceLimits: { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number }; newSpaceMb: number; oldLimitMb: number }> {
  const w = new Worker(PROBE, { eval: true, ...options });
  const [m] = await once(w, 'message');
  await w.terminate();
  return m;
}

test('scan workers: the young generation is capped, the old generation keeps its default', async () => {
  const limited = await probe(WORKER_LIMITS);
  assert.equal(limited.resourceLimits.maxYoungGenerationSizeMb, WORKER_YOUNG_GENERATION_MB);
  assert.ok(limited.newSpaceMb <= WORKER_YOUNG_GENERATION_MB, `new space ${limited.newSpaceMb} MB`);
  const plain = await probe({});
  assert.equal(limited.resourceLimits.maxOldGenerationSizeMb, plain.resourceLimits.maxOldGenerationSizeMb, 'the old generation limit is the default one');
  assert.ok(limited.oldLimitMb > getHeapStatistics().heap_size_limit / 2 ** 20 / 2, 'the heap limit is not cut down');
});
