/** config/waivers.json: validation (strict, max duration, rule and patterns), matching, and `amigov config check`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validateWaivers } from '../../src/waivers/load.ts';
import { applyWaivers, globRegExp } from '../../src/waivers/apply.ts';
import { ConfigError } from '../../src/config/load.ts';
import type { Finding, FindingsDocument } from '../../src/model/findings.ts';
import { runCli, seedConfig, seedRaw, tempDir, writeJson } from '../policy/helpers.ts';

const base = { reason: 'accepted', ticket: 'SEC-1', approved_by: 'sec@example.com', approved_date: '2026-01-10', expiry_date: '2026-02-10' };
const cfg = seedConfig();

function problems(raw: unknown): string[] {
  try {
    validateWaivers(raw, 'waivers.json', cfg);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

test('a valid file loads: a finding-id waiver and a rule waiver with patterns', () => {
  assert.deepEqual(problems({ waivers: [{ id: 'W-1', finding_id: '0123456789abcdef', ...base }, { id: 'W-2', rule: 'public-ami', accounts: ['1111*'], ...base }] }), []);
});

test('unknown keys are errors, with the closest key', () => {
  const p = problems({ waivers: [{ id: 'W-1', rule: 'public-ami', acounts: ['111122223333'], ...base }], extra: 1 });
  assert.ok(p.some((x) => /^\$\.waivers\[0\]\.acounts: unknown key "acounts"; did you mean "accounts"\?$/.test(x)), p.join('\n'));
  assert.ok(p.some((x) => /^\$\.extra: unknown key "extra"/.test(x)), p.join('\n'));
});

test('expiry no further out than policy_config.max_waiver_duration_days, and not before approval', () => {
  const p = problems({ waivers: [{ id: 'W-1', rule: 'public-ami', accounts: ['1*'], ...base, expiry_date: '2026-06-01' }, { id: 'W-2', rule: 'public-ami', accounts: ['1*'], ...base, expiry_date: '2026-01-01' }] });
  assert.ok(p.some((x) => /\$\.waivers\[0\]\.expiry_date: waiver W-1 lasts 142 days \(2026-01-10 to 2026-06-01\), longer than policy_config\.max_waiver_duration_days \(90\)/.test(x)), p.join('\n'));
  assert.ok(p.some((x) => /\$\.waivers\[1\]\.expiry_date: expires \(2026-01-01\) before it was approved/.test(x)), p.join('\n'));
  const longer = seedConfig((raw) => (raw.policy_config.max_waiver_duration_days = 200));
  assert.doesNotThrow(() => validateWaivers({ waivers: [{ id: 'W-1', rule: 'public-ami', accounts: ['1*'], ...base, expiry_date: '2026-06-01' }] }, 'w.json', longer));
});

test('what a waiver matches: finding id xor rule with patterns; a known rule; unique ids; well-formed patterns', () => {
  const p = problems({
    waivers: [
      { id: 'W-1', ...base },
      { id: 'W-2', rule: 'public-ami', ...base },
      { id: 'W-3', rule: 'public-amis', accounts: ['1*'], ...base },
      { id: 'W-3', finding_id: '0123456789abcdef', rule: 'public-ami', ...base },
    ],
  });
  // Shapes are checked first (all of them at once), then what the shapes cannot say.
  p.push(...problems({ waivers: [0, 1, 2, 3, { id: 'W-5', rule: 'public-ami', accounts: ['12345x'], images: ['snap-1'], ...base }, { id: 'W-6', finding_id: 'nothex', ...base }].map((w) => (typeof w === 'number' ? { id: `W-${w}`, finding_id: '0123456789abcdef', ...base } : w)) }));
  const has = (re: RegExp) => assert.ok(p.some((x) => re.test(x)), `${re}\n${p.join('\n')}`);
  has(/^\$\.waivers\[0\]: says nothing to match/);
  has(/^\$\.waivers\[1\]\.rule: a rule waiver needs at least one of accounts, ous, resources, images/);
  has(/^\$\.waivers\[2\]\.rule: unknown rule "public-amis"; did you mean "public-ami"\?/);
  has(/^\$\.waivers\[3\]\.id: waiver id "W-3" is used twice/);
  has(/^\$\.waivers\[3\]\.finding_id: a waiver matches either one finding/);
  has(/^\$\.waivers\[4\]\.accounts\[0\]: "12345x" is not an account id pattern/);
  has(/^\$\.waivers\[4\]\.images\[0\]: "snap-1" is not an image id pattern/);
  has(/^\$\.waivers\[5\]\.finding_id: "nothex" is not a finding id/);
});

test('patterns: * and ? are the only wildcards; everything else is literal', () => {
  assert.ok(globRegExp('ami-0a*').test('ami-0a12'));
  assert.ok(!globRegExp('ami-0a*').test('xami-0a12'));
  assert.ok(globRegExp('1111?2223333').test('111122223333'));
  assert.ok(!globRegExp('i-0.1').test('i-0x1'), '. is literal');
  assert.ok(!globRegExp('a(b|c)').test('ab'), 'regex syntax is literal');
});

function finding(over: Partial<Finding>): Finding {
  return { id: '0000000000000001', ruleId: 'public-ami', title: 't', severity: 'critical', status: 'fail', accountId: '111122223333', region: 'us-east-1', resourceType: 'image', resourceId: 'ami-0aaa', imageId: 'ami-0aaa', message: 'm', commands: [], ...over };
}

test('applying: a rule that threw is never waived; a waiver is valid through its expiry date (UTC), expired the day after', () => {
  const doc = { run: { asOf: '2026-02-10' }, findings: [finding({}), finding({ id: '0000000000000002', status: 'error', resourceId: 'public-ami' })], counts: {} } as unknown as FindingsDocument;
  const loaded = validateWaivers({ waivers: [{ id: 'W-1', rule: 'public-ami', accounts: ['*'], ...base }] }, 'w.json', cfg);
  const lastDay = applyWaivers(doc, loaded, { asOf: '2026-02-10', warnDays: 14 });
  assert.deepEqual(lastDay.waivers!.waived.map((f) => f.id), ['0000000000000001']);
  assert.deepEqual(lastDay.findings.map((f) => f.id), ['0000000000000002'], 'the error finding still counts');
  assert.equal(lastDay.waivers!.entries[0]!.status, 'expiring');
  const dayAfter = applyWaivers(doc, loaded, { asOf: '2026-02-11', warnDays: 14 });
  assert.equal(dayAfter.waivers!.waived.length, 0);
  assert.equal(dayAfter.findings.find((f) => f.id === '0000000000000001')!.waiver?.note, 'waiver expired on 2026-02-10 (W-1, SEC-1)');
  assert.equal(dayAfter.counts.total, 2);
});

test('a waiver matching only a finding this run did not re-check is not stale', () => {
  const carried = finding({ id: '0000000000000003', accountId: '222233334444', change: 'not-rechecked', notRechecked: { code: 'access-denied', reason: 'x' } });
  const doc = { run: { asOf: '2026-01-20' }, findings: [], counts: {}, comparison: { notRechecked: [carried], resolved: [] } } as unknown as FindingsDocument;
  const loaded = validateWaivers({ waivers: [{ id: 'W-1', rule: 'public-ami', accounts: ['222233334444'], ...base }, { id: 'W-2', rule: 'public-ami', accounts: ['999999999999'], ...base }] }, 'w.json', cfg);
  const out = applyWaivers(doc, loaded, { asOf: '2026-01-20', warnDays: 14 });
  assert.deepEqual(out.waivers!.entries.map((e) => [e.id, e.stale]), [['W-1', false], ['W-2', true]]);
});

test('a comparison made before the waivers: waived findings leave new / persisting (overall, per rule, per account) and are counted apart', () => {
  const f = (id: string, change: 'new' | 'persisting', accountId: string) => finding({ id, accountId, change, ruleId: 'public-ami' });
  const findings = [f('0000000000000001', 'new', '111122223333'), f('0000000000000002', 'persisting', '111122223333'), f('0000000000000003', 'new', '222233334444'), f('0000000000000004', 'persisting', '222233334444')];
  const c = { new: 2, persisting: 2, resolved: 1, notRechecked: 0 };
  const doc = {
    run: { asOf: '2026-01-20' },
    findings,
    counts: {},
    comparison: { counts: { ...c }, byRule: { 'public-ami': { ...c } }, byAccount: { '111122223333': { new: 1, persisting: 1, resolved: 1, notRechecked: 0 }, '222233334444': { new: 1, persisting: 1, resolved: 0, notRechecked: 0 } }, resolved: [], notRechecked: [] },
  } as unknown as FindingsDocument;
  const loaded = validateWaivers({ waivers: [{ id: 'W-1', rule: 'public-ami', accounts: ['111122223333'], ...base }] }, 'w.json', cfg);
  const out = applyWaivers(doc, loaded, { asOf: '2026-01-20', warnDays: 14 });
  assert.equal(out.waivers!.waived.length, 2);
  assert.deepEqual(out.comparison!.counts, { new: 1, persisting: 1, resolved: 1, notRechecked: 0 });
  assert.deepEqual(out.comparison!.byRule['public-ami'], { new: 1, persisting: 1, resolved: 1, notRechecked: 0 });
  assert.deepEqual(out.comparison!.byAccount['111122223333'], { new: 0, persisting: 0, resolved: 1, notRechecked: 0 });
  assert.deepEqual(out.comparison!.waived, { new: 1, persisting: 1 });
});

test('config check: expiring waivers warn (exit 0), expired ones fail (exit 1), a bad file is exit 2', async () => {
  const dir = tempDir();
  const file = writeJson(join(dir, 'waivers.json'), { waivers: [{ id: 'W-SOON', rule: 'public-ami', accounts: ['1*'], ...base, expiry_date: '2026-02-20' }] });
  const soon = await runCli('config', 'check', '--waivers', file, '--as-of', '2026-02-10');
  assert.equal(soon.code, 0, soon.stdout + soon.stderr);
  assert.match(soon.stdout, /! EXPIRING  W-SOON \(accepted, SEC-1, approved by sec@example\.com\): expires 2026-02-20, in 10 days/);
  assert.match(soon.stdout, /WARNING: waivers expire soon/);
  const late = await runCli('config', 'check', '--waivers', file, '--as-of', '2026-02-21', '--json');
  assert.equal(late.code, 1, late.stdout + late.stderr);
  const json = JSON.parse(late.stdout);
  assert.equal(json.waivers.status, 'expired');
  assert.deepEqual(json.waivers.waivers.map((w: { id: string; daysLeft: number }) => [w.id, w.daysLeft]), [['W-SOON', -1]]);
  const bad = writeJson(join(dir, 'bad.json'), { waivers: [{ id: 'W-1', rule: 'public-ami', acounts: ['1*'], ...base }] });
  const invalid = await runCli('config', 'check', '--waivers', bad, '--as-of', '2026-02-10');
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /bad\.json: invalid configuration/);
  assert.match(invalid.stderr, /did you mean "accounts"\?/);
  const missing = await runCli('config', 'check', '--waivers', join(dir, 'nope.json'), '--as-of', '2026-02-10');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: cannot read the waivers \(no such file\)/);
});

test('scan with a bad waivers file: exit 2 before any AWS call, no run folder', async () => {
  const dir = tempDir();
  const bad = writeJson(join(dir, 'bad.json'), { waivers: [{ id: 'W-1', rule: 'public-ami', accounts: ['1*'], ...base, expiry_date: '2027-01-01' }] });
  const out = join(dir, 'run');
  const r = await runCli('scan', '--waivers', bad, '--endpoint-url', 'http://127.0.0.1:9', '--out', out, '--quiet');
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /longer than policy_config\.max_waiver_duration_days/);
  assert.ok(!existsSync(out), 'nothing written');
  const history = writeJson(join(dir, 'history-file'), {});
  const h = await runCli('scan', '--history', history, '--endpoint-url', 'http://127.0.0.1:9', '--out', out, '--quiet');
  assert.equal(h.code, 2);
  assert.match(h.stderr, /--history .* is a file, not a folder/);
  assert.ok(!existsSync(out));
});

test('remediation_sla_days is strict: a misspelt severity is an error', () => {
  const raw = seedRaw();
  raw.policy_config.remediation_sla_days = { critcal: 7 };
  assert.throws(() => seedConfig((r) => Object.assign(r, raw)), (err: unknown) => err instanceof ConfigError && /remediation_sla_days\.critcal: unknown key "critcal"; did you mean "critical"\?/.test(err.message));
});
