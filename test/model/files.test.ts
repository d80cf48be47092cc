/**
 * Reading inventory.json and findings.json back: what amigov wrote reads back unchanged, and a file with a
 * wrong type (an edited or damaged file) is a usage error (exit 2) naming the file and the JSON path,
 * never an internal error deep inside a rule or a reporter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFindingsDocument, readInventory } from '../../src/model/files.ts';
import { EXIT, UserError } from '../../src/errors.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { inventory, AMI_OPS, AMI_OUTSIDER, OPS, OUTSIDER, WORKLOAD, REGION } from '../helpers/inventory-builder.ts';
import { runCli, tempDir, writeJson } from '../policy/helpers.ts';

/** A small inventory with every part filled: instances, owned and referenced images, templates, settings. */
function sampleInventory(): Inventory {
  return inventory()
    .account(OPS, { name: 'ops' })
    .account(WORKLOAD, { name: 'workload', regions: [REGION, 'eu-west-1'] })
    .coverage(WORKLOAD, 'eu-west-1', 'access-denied', 'denied by an SCP')
    .image({ id: AMI_OPS, owner: OPS, tags: { Environment: 'Prod' }, launchPermissions: { userIds: [WORKLOAD], groups: [], organizationArns: [], organizationalUnitArns: [] } })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER, public: true })
    .instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'Prod', Name: 'web' } })
    .instance({ account: WORKLOAD, image: AMI_OUTSIDER, state: 'stopped' })
    .instance({ account: WORKLOAD, image: 'ami-000000000000000ff', imageRef: { source: 'unknown' } })
    .launchTemplate({ id: 'lt-00000000000000001', account: WORKLOAD, default: [1, AMI_OUTSIDER], latest: [2, 'resolve:ssm:/golden/al2023'] })
    .launchTemplate({ id: 'lt-00000000000000002', account: WORKLOAD, default: [1, null] })
    .regionSettings({ account: WORKLOAD, bpa: 'unblocked', allowed: 'audit-mode', criteria: [{ imageProviders: [OPS, 'amazon'], creationDateCondition: { maximumDaysSinceCreated: 300 } }] })
    .regionSettings({ account: OPS, bpa: 'unknown', allowed: 'unknown', reason: 'GetAllowedImagesSettings is not supported' })
    .build();
}

/** A run folder as amigov writes it: inventory.json, then findings.json from `amigov evaluate`. */
async function savedRun(): Promise<{ dir: string; inventoryPath: string; findingsPath: string; inv: any; doc: any }> {
  const dir = join(tempDir(), '2026-02-01T00-00-00Z-test');
  mkdirSync(dir);
  const inventoryPath = writeJson(join(dir, 'inventory.json'), sampleInventory());
  // evaluate writes a folder of its own (never into a scan's): copy its findings.json beside the inventory,
  // as a scan's run folder holds both.
  const evalDir = join(dir, '..', 'evaluated');
  const r = await runCli('evaluate', '--inventory', inventoryPath, '--as-of', '2026-02-01', '--out', evalDir);
  assert.equal(r.code, 0, r.stderr);
  const findingsPath = join(dir, 'findings.json');
  copyFileSync(join(evalDir, 'findings.json'), findingsPath);
  return { dir, inventoryPath, findingsPath, inv: JSON.parse(readFileSync(inventoryPath, 'utf8')), doc: JSON.parse(readFileSync(findingsPath, 'utf8')) };
}

/** Asserts fn throws a usage error naming the file and every given JSON path, with the given hint. */
function assertDamaged(fn: () => unknown, file: string, paths: string[], expected: RegExp, hint: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.equal(err.exitCode, EXIT.USAGE);
    assert.ok(err.message.startsWith(`${file}: `), `the message names the file: ${err.message}`);
    for (const p of paths) assert.ok(err.message.includes(`${p}: `), `the message names ${p}: ${err.message}`);
    assert.match(err.message, expected);
    assert.match(err.hint ?? '', hint);
    assert.match(err.hint ?? '', /by hand/);
    return true;
  });
}

test('what amigov writes reads back unchanged (inventory and findings)', async () => {
  const run = await savedRun();
  assert.deepEqual(readInventory(run.inventoryPath), run.inv);
  assert.ok(run.doc.findings.length > 3 && run.doc.evaluation, 'the sample produces findings and an evaluation block');
  assert.deepEqual(readFindingsDocument(run.findingsPath), run.doc);
});

test('a comparison run (report --compare) reads back unchanged', async () => {
  const prev = await savedRun();
  const cur = await savedRun();
  const out = join(cur.dir, '..', 'reported');
  const r = await runCli('report', '--run', cur.dir, '--format', 'json', '--compare', prev.dir, '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const written = join(out, 'findings.json');
  const doc = JSON.parse(readFileSync(written, 'utf8')) as FindingsDocument;
  assert.ok(doc.comparison, 'the report added a comparison');
  assert.deepEqual(readFindingsDocument(written), doc);
});

const inventoryCases: { name: string; mutate: (i: any) => void; paths: string[]; expected: RegExp }[] = [
  { name: 'a numeric instance accountId', mutate: (i) => (i.instances[0].accountId = 210987654321), paths: ['$.instances[0].accountId'], expected: /expected a string, got the number 210987654321/ },
  { name: 'a numeric account id in the account list', mutate: (i) => (i.accounts[1].accountId = 210987654321), paths: ['$.accounts[1].accountId'], expected: /expected a string/ },
  { name: 'tags as a list', mutate: (i) => (i.instances[1].tags = ['Environment=Prod']), paths: ['$.instances[1].tags'], expected: /expected an object, got a list/ },
  { name: 'a numeric tag value', mutate: (i) => (i.instances[0].tags.Environment = 1), paths: ['$.instances[0].tags.Environment'], expected: /expected a string, got the number 1/ },
  { name: 'a boolean written as a string', mutate: (i) => (i.images[0].tagsVisible = 'true'), paths: ['$.images[0].tagsVisible'], expected: /expected a boolean \(true or false\), got the string "true"/ },
  { name: 'an unknown coverage status', mutate: (i) => (i.coverage[0].status = 'fine'), paths: ['$.coverage[0].status'], expected: /expected one of "ok", "skipped", "access-denied", "error", got the string "fine"/ },
  { name: 'a missing run id', mutate: (i) => delete i.run.runId, paths: ['$.run.runId'], expected: /required field is missing \(expected a string\)/ },
  { name: 'an instance image of null', mutate: (i) => (i.instances[2].image = null), paths: ['$.instances[2].image'], expected: /expected an object, got null/ },
  { name: 'an unknown launch template image kind', mutate: (i) => (i.launchTemplates[0].defaultVersion.image = { kind: 'url', url: 'x' }), paths: ['$.launchTemplates[0].defaultVersion.image.kind'], expected: /expected one of "ami", "ssm", "none"/ },
  { name: 'a string version number', mutate: (i) => (i.launchTemplates[0].latestVersion.versionNumber = '2'), paths: ['$.launchTemplates[0].latestVersion.versionNumber'], expected: /expected a number, got the string "2"/ },
  { name: 'approved providers not a list', mutate: (i) => (i.allowlist.approvedProviders = '123456738923'), paths: ['$.allowlist.approvedProviders'], expected: /expected a list, got the string/ },
  { name: 'a list that is not a list', mutate: (i) => (i.instances = {}), paths: ['$.instances'], expected: /expected a list, got an object/ },
  { name: 'a missing stats block', mutate: (i) => delete i.stats, paths: ['$.stats'], expected: /required field is missing/ },
  { name: 'several problems at once', mutate: (i) => ((i.instances[0].accountId = 1), (i.images[1].found = 'yes')), paths: ['$.instances[0].accountId', '$.images[1].found'], expected: /2 problems/ },
];

for (const c of inventoryCases) {
  test(`inventory with ${c.name}: usage error naming the file and ${c.paths.join(', ')}`, async () => {
    const run = await savedRun();
    c.mutate(run.inv);
    writeJson(run.inventoryPath, run.inv);
    assertDamaged(() => readInventory(run.inventoryPath), run.inventoryPath, c.paths, c.expected, /Re-run amigov scan/);
  });
}

test('a badly damaged inventory lists the first problems and counts the rest', async () => {
  const run = await savedRun();
  run.inv.instances = Array.from({ length: 30 }, (_, n) => ({ ...run.inv.instances[0], accountId: n }));
  writeJson(run.inventoryPath, run.inv);
  assert.throws(() => readInventory(run.inventoryPath), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /30 problems/);
    assert.match(err.message, /\$\.instances\[9\]\.accountId/);
    assert.doesNotMatch(err.message, /\$\.instances\[10\]\.accountId/);
    assert.match(err.message, /\.\.\. and 20 more/);
    return true;
  });
});

const findingsCases: { name: string; mutate: (d: any) => void; paths: string[]; expected: RegExp }[] = [
  { name: 'a numeric finding accountId', mutate: (d) => (d.findings[0].accountId = 210987654321), paths: ['$.findings[0].accountId'], expected: /expected a string, got the number 210987654321/ },
  { name: 'an unknown severity', mutate: (d) => (d.findings[1].severity = 'urgent'), paths: ['$.findings[1].severity'], expected: /expected one of "critical", "high", "medium", "low", "info", got the string "urgent"/ },
  { name: 'a numeric command', mutate: (d) => (d.findings[0].commands[0].command = 5), paths: ['$.findings[0].commands[0].command'], expected: /expected a string/ },
  { name: 'a string count', mutate: (d) => (d.counts.bySeverity.high = '1'), paths: ['$.counts.bySeverity.high'], expected: /expected a number, got the string "1"/ },
  { name: 'an object as a detail value', mutate: (d) => (d.findings[0].details = { nested: { a: 1 } }), paths: ['$.findings[0].details.nested'], expected: /expected a string, number, boolean or null, got an object/ },
  { name: 'coverage entries not a list', mutate: (d) => (d.coverage.entries = {}), paths: ['$.coverage.entries'], expected: /expected a list/ },
  { name: 'an OU path as a string', mutate: (d) => (d.accounts[0].ouPath = 'Root/Workloads'), paths: ['$.accounts[0].ouPath'], expected: /expected a list/ },
  { name: 'a null impact count', mutate: (d) => (d.impact.instancesAffected = null), paths: ['$.impact.instancesAffected'], expected: /expected a number, got null/ },
  { name: 'a wrong evaluation source', mutate: (d) => (d.evaluation.source = 'manual'), paths: ['$.evaluation.source'], expected: /expected one of "scan", "evaluate"/ },
  { name: 'a damaged comparison', mutate: (d) => (d.comparison = { previousRunId: 'x', previousRunDir: 'y', counts: { new: 0, persisting: 0, resolved: 0 }, byRule: {}, byAccount: {}, resolved: [{ ...d.findings[0], accountId: 1 }] }), paths: ['$.comparison.resolved[0].accountId'], expected: /expected a string/ },
];

for (const c of findingsCases) {
  test(`findings with ${c.name}: usage error naming the file and ${c.paths.join(', ')}`, async () => {
    const run = await savedRun();
    c.mutate(run.doc);
    writeJson(run.findingsPath, run.doc);
    assertDamaged(() => readFindingsDocument(run.findingsPath), run.findingsPath, c.paths, c.expected, /amigov evaluate/);
  });
}

test('unknown keys in a saved file are read (a newer amigov of the same schemaVersion may add optional fields)', async () => {
  const run = await savedRun();
  run.inv.futureField = { x: 1 };
  run.inv.instances[0].futureField = 'y';
  writeJson(run.inventoryPath, run.inv);
  const inv = readInventory(run.inventoryPath) as unknown as Record<string, any>;
  assert.deepEqual(inv.futureField, { x: 1 }, 'kept as written');
  run.doc.findings[0].futureField = 1;
  writeJson(run.findingsPath, run.doc);
  assert.equal((readFindingsDocument(run.findingsPath).findings[0] as unknown as Record<string, unknown>).futureField, 1);
});

// ----- the commands that read saved files: exit 2, the file and the path, nothing written -----

test('amigov evaluate on an inventory with a numeric accountId: exit 2, names file and path, writes nothing', async () => {
  const run = await savedRun();
  run.inv.instances[0].accountId = 210987654321;
  writeJson(run.inventoryPath, run.inv);
  const out = tempDir();
  const r = await runCli('evaluate', '--inventory', run.inventoryPath, '--as-of', '2026-02-01', '--out', out);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${run.inventoryPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the inventory does not match its format`));
  assert.match(r.stderr, /\$\.instances\[0\]\.accountId: expected a string, got the number 210987654321/);
  assert.match(r.stderr, /Re-run amigov scan/);
  assert.doesNotMatch(r.stderr, /internal error|localeCompare/);
  assert.deepEqual(readdirSync(out), []);
});

test('amigov policy diff on an inventory with a wrong type: exit 2, names file and path', async () => {
  const run = await savedRun();
  run.inv.regionSettings[0].allowedImages.criteria[0].imageProviders = '123456738923';
  writeJson(run.inventoryPath, run.inv);
  const r = await runCli('policy', 'diff', '--inventory', run.inventoryPath, '--as-of', '2026-02-01');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /inventory\.json: the inventory does not match its format/);
  assert.match(r.stderr, /\$\.regionSettings\[0\]\.allowedImages\.criteria\[0\]\.imageProviders: expected a list/);
});

test('amigov report on a findings file with a numeric accountId: exit 2, names file and path, writes nothing', async () => {
  const run = await savedRun();
  run.doc.findings[0].accountId = 210987654321;
  writeJson(run.findingsPath, run.doc);
  const before = readdirSync(run.dir).sort();
  const r = await runCli('report', '--run', run.dir, '--format', 'html,csv');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /findings\.json: the findings file does not match its format/);
  assert.match(r.stderr, /\$\.findings\[0\]\.accountId: expected a string, got the number 210987654321/);
  assert.deepEqual(readdirSync(run.dir).sort(), before);
});

test('amigov report with a damaged inventory.json beside the findings: exit 2, names the inventory', async () => {
  const run = await savedRun();
  run.inv.images[0].tags = 'Environment=Prod';
  writeJson(run.inventoryPath, run.inv);
  const r = await runCli('report', '--run', run.dir, '--format', 'csv');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /inventory\.json: the inventory does not match its format/);
  assert.match(r.stderr, /\$\.images\[0\]\.tags: expected an object/);
});

test('amigov report --compare with a damaged previous findings.json: exit 2, names the previous file', async () => {
  const prev = await savedRun();
  const cur = await savedRun();
  prev.doc.findings[2].status = 1;
  writeJson(prev.findingsPath, prev.doc);
  const r = await runCli('report', '--run', cur.dir, '--format', 'json', '--compare', prev.dir);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`${prev.findingsPath}: the findings file does not match its format`), r.stderr);
  assert.match(r.stderr, /\$\.findings\[2\]\.status: expected one of "fail", "cannot-verify", "error", got the number 1/);
});

test('a findings.json written by 0.1 (comparison without the not-re-checked lists) reads back with them filled in', async () => {
  const run = await savedRun();
  const zero = { new: 0, persisting: 1, resolved: 2 };
  run.doc.comparison = { previousRunId: 'r0', previousRunDir: '/x', counts: zero, byRule: { a: { ...zero } }, byAccount: {}, resolved: [], notRescanned: [] };
  writeJson(run.findingsPath, run.doc);
  const doc = readFindingsDocument(run.findingsPath);
  assert.deepEqual(doc.comparison?.notRechecked, []);
  assert.deepEqual(doc.comparison?.notRecheckedByReason, {});
  assert.equal(doc.comparison?.counts.notRechecked, 0);
  assert.equal(doc.comparison?.byRule['a']?.notRechecked, 0);
});
