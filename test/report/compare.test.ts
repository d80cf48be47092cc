import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns, resolvePreviousRun } from '../../src/report/compare.js';
import { UserError } from '../../src/cli/errors.js';
import { assemble, finding, sampleCoverage } from './fixtures.js';

const A = '012345678901';
const B = '222222222222';
const D = '333333333333'; // eu-west-1 is access-denied in the partial coverage

const keep = finding({ ruleId: 'unapproved-publisher', accountId: A, region: 'us-east-1', resourceId: 'i-keep' });
const fixed = finding({ ruleId: 'unapproved-publisher', accountId: B, region: 'us-east-1', resourceId: 'i-fixed' });
const fixedPub = finding({ ruleId: 'public-ami', accountId: A, region: 'eu-west-1', resourceType: 'image', resourceId: 'ami-0fixed' });
const unseen = finding({ ruleId: 'public-ami', accountId: D, region: 'eu-west-1', resourceType: 'image', resourceId: 'ami-0unseen' });
const added = finding({ ruleId: 'public-ami', accountId: B, region: 'us-east-1', resourceType: 'image', resourceId: 'ami-0new' });

test('compareRuns: new, persisting and resolved by finding id, with counts per rule and per account', () => {
  const previous = assemble({ findings: [keep, fixed, fixedPub], coverage: sampleCoverage(false), runId: '2026-11-16T10-00-00Z-aaaa' });
  const current = assemble({ findings: [keep, added], coverage: sampleCoverage(false) });
  const out = compareRuns(current, previous, '/r/prev');
  assert.deepEqual(out.findings.map((f) => [f.id, f.change]), [[keep.id, 'persisting'], [added.id, 'new']]);
  const c = out.comparison!;
  assert.equal(c.previousRunId, '2026-11-16T10-00-00Z-aaaa');
  assert.equal(c.previousRunDir, '/r/prev');
  assert.deepEqual(c.counts, { new: 1, persisting: 1, resolved: 2 });
  assert.deepEqual(c.resolved.map((f) => [f.id, f.change]), [[fixed.id, 'resolved'], [fixedPub.id, 'resolved']]);
  assert.deepEqual(c.byRule, { 'unapproved-publisher': { new: 0, persisting: 1, resolved: 1 }, 'public-ami': { new: 1, persisting: 0, resolved: 1 } });
  assert.deepEqual(c.byAccount, { [A]: { new: 0, persisting: 1, resolved: 1 }, [B]: { new: 1, persisting: 0, resolved: 1 } });
  assert.deepEqual(c.notRescanned, []);
  // The inputs are not modified.
  assert.equal(current.findings[0]!.change, undefined);
  assert.equal(current.comparison, undefined);
});

test('compareRuns: a finding whose account x region was not scanned this time is not resolved', () => {
  const previous = assemble({ findings: [keep, unseen], coverage: sampleCoverage(false), runId: '2026-11-16T10-00-00Z-aaaa' });
  const current = assemble({ findings: [keep], coverage: sampleCoverage(true) });
  const c = compareRuns(current, previous, '/r/prev').comparison!;
  assert.deepEqual(c.counts, { new: 0, persisting: 1, resolved: 0 });
  assert.deepEqual(c.resolved, []);
  assert.deepEqual(c.notRescanned?.map((f) => f.id), [unseen.id]);
  assert.equal(c.notRescanned?.[0]?.change, undefined);
});

test('compareRuns: an account-wide finding counts as rechecked when the account was scanned', () => {
  const global = finding({ ruleId: 'allowed-amis-drift', accountId: B, region: 'global', resourceType: 'rule', resourceId: B });
  const previous = assemble({ findings: [global], coverage: sampleCoverage(false) });
  const current = assemble({ findings: [], coverage: sampleCoverage(true) });
  const c = compareRuns(current, previous, '/r/prev').comparison!;
  assert.equal(c.counts.resolved, 1);
});

function runDir(root: string, name: string, withFindings = true) {
  mkdirSync(join(root, name), { recursive: true });
  if (withFindings) writeFileSync(join(root, name, 'findings.json'), '{}');
}

test('resolvePreviousRun: latest is the newest earlier run folder with a findings.json', () => {
  const root = mkdtempSync(join(tmpdir(), 'amigov-cmp-'));
  try {
    runDir(root, '2026-11-02T10-00-00Z-aaaa');
    runDir(root, '2026-11-09T10-00-00Z-bbbb');
    runDir(root, '2026-11-16T10-00-00Z-cccc', false); // unfinished: no findings.json
    runDir(root, '2026-11-23T10-00-00Z-dddd'); // the current run
    runDir(root, '2026-11-30T10-00-00Z-eeee'); // later than the current run
    writeFileSync(join(root, 'notes.txt'), 'not a run');
    assert.equal(resolvePreviousRun(root, 'latest', '2026-11-23T10-00-00Z-dddd'), join(root, '2026-11-09T10-00-00Z-bbbb'));
    assert.equal(resolvePreviousRun(root, 'latest', '2026-11-09T10-00-00Z-bbbb'), join(root, '2026-11-02T10-00-00Z-aaaa'));
    assert.throws(() => resolvePreviousRun(root, 'latest', '2026-11-02T10-00-00Z-aaaa'), (e: unknown) => e instanceof UserError && /no earlier run/.test(e.message));
    // An explicit folder is taken as given, once checked.
    assert.equal(resolvePreviousRun(root, join(root, '2026-11-02T10-00-00Z-aaaa'), 'x'), join(root, '2026-11-02T10-00-00Z-aaaa'));
    assert.throws(() => resolvePreviousRun(root, join(root, 'missing'), 'x'), (e: unknown) => e instanceof UserError && /does not exist/.test(e.message));
    assert.throws(() => resolvePreviousRun(root, join(root, '2026-11-16T10-00-00Z-cccc'), 'x'), (e: unknown) => e instanceof UserError && /has no findings\.json/.test(e.message));
    assert.throws(() => resolvePreviousRun(root, join(root, '2026-11-23T10-00-00Z-dddd'), '2026-11-23T10-00-00Z-dddd', join(root, '2026-11-23T10-00-00Z-dddd')), UserError);
    assert.throws(() => resolvePreviousRun(join(root, 'nope'), 'latest', 'x'), (e: unknown) => e instanceof UserError && /does not exist/.test(e.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
