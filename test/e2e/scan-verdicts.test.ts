/**
 * The progress the scanner reports agrees with the inventory it returns: when the scan is done, every
 * account x region is counted once, under its final status, also when a unit that had succeeded is turned
 * into an error because the images it references could not be described (here: Ctrl-C as soon as the
 * referenced-images phase starts, so every lookup is cut short).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization, type ScanProgress } from '../../src/scan/scanner.ts';
import type { CoverageStatus, Inventory } from '../../src/model/inventory.ts';
import { CALLER, DEV, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

let sb: RunningSandbox;
before(async () => {
  const fixture = miniOrg();
  // CALLER now references as many of the other owners' images in us-east-1 as PROD does (e001, e002): a tie.
  fixture.instances.push({ instanceId: 'i-00000000000000c1', accountId: CALLER, region: 'us-east-1', imageId: 'ami-0000000000000e001', state: 'running' });
  sb = await startSandbox({ fixture });
  useSandboxCredentials(sb.credentials);
});
after(() => sb.close());

function countsOf(inv: Inventory): Record<CoverageStatus, number> {
  const out: Record<CoverageStatus, number> = { ok: 0, skipped: 0, 'access-denied': 0, error: 0 };
  for (const c of inv.coverage) out[c.status]++;
  return out;
}

test('the final progress counts each account x region once, under the status it ends with', async () => {
  const seen: ScanProgress[] = [];
  const inv = await scanOrganization(scanOptions(sb.endpoint), { onProgress: (p) => seen.push(p) });
  const last = seen.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.deepEqual(last.status, countsOf(inv));
  assert.equal(last.unitsDone, inv.coverage.length);
  assert.equal(last.unitsTotal, inv.coverage.length);
  assert.equal(last.accountsDone, last.accountsTotal);
});

test('a unit that had succeeded and then lost its image lookups is counted as an error, not also as ok', async () => {
  const controller = new AbortController();
  const seen: ScanProgress[] = [];
  const inv = await scanOrganization(scanOptions(sb.endpoint, { signal: controller.signal }), {
    onProgress: (p) => {
      seen.push(p);
      if (p.phase === 'resolving-images' && !controller.signal.aborted) controller.abort();
    },
  });
  assert.equal(inv.run.interrupted, true);
  // Some units were ok before the lookups and are errors now (the images they reference are unknown).
  const resolving = seen.find((p) => p.phase === 'resolving-images')!;
  const counts = countsOf(inv);
  assert.ok(counts.ok < resolving.status.ok, `ok units turned into errors: ${resolving.status.ok} -> ${counts.ok}`);
  const last = seen.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.deepEqual(last.status, counts);
  assert.equal(last.unitsDone, inv.coverage.length);
  assert.equal(last.unitsTotal, inv.coverage.length);
});

test('a referenced image is described from an account whose unit succeeded, not from one whose unit failed', async () => {
  // In us-east-1 CALLER and PROD both reference e001 and e002 (another owner's images; DEV references e002).
  // CALLER's unit fails (a core collector keeps failing), so another account describes them, though CALLER
  // (the lowest id) would win the tie.
  sb.setFaults([{ action: 'ec2:DescribeLaunchTemplates', accountId: CALLER, region: 'us-east-1', error: { code: 'InternalError', status: 500 } }]);
  let inv: Inventory;
  try {
    inv = await scanOrganization(scanOptions(sb.endpoint, { maxAttempts: 1 }));
  } finally {
    sb.setFaults([]);
  }
  assert.equal(inv.coverage.find((c) => c.accountId === CALLER && c.region === 'us-east-1')!.status, 'error');
  for (const id of ['ami-0000000000000e001', 'ami-0000000000000e002']) {
    assert.equal(inv.images.find((i) => i.imageId === id)!.seenFromAccountId, PROD, id);
  }
  const img = inv.images.find((i) => i.imageId === 'ami-0000000000000e002' && i.region === 'us-east-1')!;
  assert.equal(img.found, true);
  assert.notEqual(img.seenFromAccountId, CALLER);
  assert.ok([DEV, PROD].includes(img.seenFromAccountId!), img.seenFromAccountId);
});
