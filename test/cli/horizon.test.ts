/** --horizon (issue #14): the blast radius' timeline window; a bad value is a usage error that writes nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../policy/helpers.ts';
import { AMI_MIGRATION, EXC_MIGRATION, WORKLOAD, inventory } from '../helpers/inventory-builder.ts';

function savedInventory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-horizon-'));
  const path = join(dir, 'inventory.json');
  writeFileSync(path, JSON.stringify(inventory().account(WORKLOAD).image({ id: AMI_MIGRATION, owner: EXC_MIGRATION }).instance({ account: WORKLOAD, image: AMI_MIGRATION }).build()));
  return path;
}

test('--horizon sets the timeline window in findings.json', async () => {
  const inv = savedInventory();
  const out = join(mkdtempSync(join(tmpdir(), 'amigov-horizon-out-')), 'run');
  const r = await runCli('evaluate', '--inventory', inv, '--as-of', '2026-02-01', '--horizon', '30', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
  assert.equal(doc.impact.blastRadius.timeline.horizonDays, 30);
  assert.deepEqual(doc.impact.blastRadius.timeline.events.map((e: { date: string }) => e.date), ['2026-03-01'], 'the Migration exception (expires 2026-02-28) flips its instance on 2026-03-01');
});

for (const bad of ['0', 'abc', '-5', '99999']) {
  test(`--horizon ${bad} is a usage error (exit 2) and writes nothing`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'amigov-horizon-bad-'));
    const r = await runCli('evaluate', '--inventory', savedInventory(), '--horizon', bad, '--out', out);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--horizon .*expected a whole number of days from 1 to 3650/);
    assert.deepEqual(readdirSync(out), []);
  });
}
